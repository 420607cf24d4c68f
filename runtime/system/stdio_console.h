// The host end of the guest's console in system mode (qemu's -nographic,
// -serial mon:stdio): UART output goes to stdout, stdin goes to the UART.
//
// - When stdin is a terminal it is put in raw mode (no echo, no line
//   editing, no signals from the keyboard: Ctrl-C reaches the guest) and
//   restored on exit, on the signals the tool handles and on fatal signals.
// - A reader thread feeds the bytes to the attached client (the board's
//   ConsoleCharBackend), through the escape key Ctrl-A as QEMU's mux does:
//   Ctrl-A x quits, Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends one Ctrl-A,
//   Ctrl-A c switches input between consoles (a client with several).
//   Escapes work whether or not stdin is a terminal. End of input stops
//   the reader, not the guest.
// - Flow control (QEMU's can_receive): bytes for the guest wait in a queue
//   until the client has room (the UART's FIFO holds 16 bytes), so pasted
//   or piped input is not lost to overruns; the client's roomChanged()
//   wakes the reader. Escapes are seen as bytes arrive, so Ctrl-A x works
//   while the guest reads nothing. Past kMaxQueued bytes stdin is not read.
// - A reboot builds a new board: the client is detached from the old one
//   and attached to the new one; attach() waits for a delivery in flight.
#pragma once

#include <termios.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "devices/char_backend.h"

namespace tiercel::system {

class StdioConsole {
public:
  class Client {
  public:
    virtual ~Client() = default;
    virtual void consoleInput(uint8_t byte) = 0;
    // How many bytes consoleInput may take now (the UART's free FIFO room).
    virtual size_t consoleRoom() = 0;
    // The user asked to quit (Ctrl-A x, a signal): exit with `status`.
    virtual void consoleQuit(int status) = 0;
    // Ctrl-A c: move input to the next of the client's consoles, if it has
    // several (console_mux.h: the UART and virtio consoles).
    virtual void consoleSwitchFocus() {}
  };

  static constexpr uint8_t kEscape = 0x01; // Ctrl-A
  static constexpr size_t kMaxQueued = 1 << 20;

  StdioConsole(int inputFd = 0, int outputFd = 1) : inputFd_(inputFd), outputFd_(outputFd) {}
  ~StdioConsole() { stop(); }
  StdioConsole(const StdioConsole &) = delete;
  StdioConsole &operator=(const StdioConsole &) = delete;

  // Raw mode (if a terminal) and the reader thread. False with errno when
  // the wake-up pipe cannot be made.
  bool start();
  // Stops the reader and restores the terminal; idempotent.
  void stop();

  void write(uint8_t byte);
  void writeBytes(const uint8_t *data, size_t size);
  void writeText(const char *text); // host messages (help, quit notice)

  // The receiver of input and quit requests; nullptr detaches.
  void attach(Client *client);
  // The client has room again (any thread, locks held: only a wake-up).
  void roomChanged();
  // Quit from outside the reader (a signal): told to the client now, or to
  // the next one attached.
  void requestQuit(int status);
  std::optional<int> quitStatus() const;

  // Restores the terminal's saved mode: safe in a signal handler.
  static void restoreTerminalFromSignal();

private:
  void readLoop();
  void handleByte(uint8_t byte);
  void deliverQueued();
  void deliverQuit(int status);
  void signalRoom();

  int inputFd_, outputFd_;
  int wakePipe_[2] = {-1, -1};
  int roomEvent_ = -1;                      // eventfd: the client has room again
  std::atomic<bool> waitingForRoom_{false}; // the reader waits for room
  std::deque<uint8_t> queued_;              // reader thread only
  std::thread reader_;
  bool rawMode_ = false;
  bool escapePending_ = false; // reader thread only
  std::mutex clientMutex_;     // held while a client is called
  Client *client_ = nullptr;
  std::atomic<int> quitStatus_{-1};
  std::mutex outputMutex_;
};

// The UART's back end on a StdioConsole: one per board (reboot makes a
// new one). Destroy or detach() it before the board it feeds.
class ConsoleCharBackend : public devices::CharBackend, public StdioConsole::Client {
public:
  explicit ConsoleCharBackend(StdioConsole &console) : console_(console) {}
  ~ConsoleCharBackend() override { detach(); }

  // Starts input; `onQuit` is called (from the reader or a signal thread)
  // when the user quits.
  void attach(std::function<void(int)> onQuit);
  void detach();

  void write(uint8_t byte) override { console_.write(byte); }
  void receiveRoomChanged() override { console_.roomChanged(); }
  void consoleInput(uint8_t byte) override { deliver(byte); }
  size_t consoleRoom() override { return receiveRoom(); }
  void consoleQuit(int status) override {
    if (onQuit_)
      onQuit_(status);
  }

private:
  StdioConsole &console_;
  std::function<void(int)> onQuit_;
  bool attached_ = false;
};

} // namespace tiercel::system
