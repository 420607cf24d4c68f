// One stdio console shared by several guest consoles: the UART and the
// virtio consoles (virtio-serial-device), as QEMU's mux chardev shares
// `-chardev stdio,mux=on` between `-serial` and `virtconsole`.
//
// Each guest console is a port: a CharBackend whose output goes to the
// stdio console as it comes (all ports write to the same stdout) and whose
// input comes from stdin while it has the focus. The focus starts on the
// port the caller names (main.cpp: the one the guest's /dev/console will
// be, from the kernel command line's last console=: hvc0 is the virtio
// console, anything else the UART), and Ctrl-A c moves it to the next
// port, saying so on the console. Flow control is the focused port's
// (StdioConsole::Client::consoleRoom).
//
// One ConsoleMux per board, like ConsoleCharBackend (stdio_console.h): it
// outlives the board's devices and is detached before they are destroyed.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "devices/char_backend.h"
#include "runtime/system/stdio_console.h"

namespace tiercel::system {

class ConsoleMux : public StdioConsole::Client {
public:
  // One port per name ("serial0", "hvc0"), in focus order; at least one.
  // Input starts on port `initialFocus`.
  ConsoleMux(StdioConsole &console, const std::vector<std::string> &portNames,
             size_t initialFocus = 0);
  ~ConsoleMux() override;
  ConsoleMux(const ConsoleMux &) = delete;
  ConsoleMux &operator=(const ConsoleMux &) = delete;

  devices::CharBackend &port(size_t index);
  size_t portCount() const { return ports_.size(); }
  size_t focus() const { return focus_.load(); }

  // Starts input; `onQuit` is called (from the reader or a signal thread)
  // when the user quits.
  void attach(std::function<void(int)> onQuit);
  void detach();

  // StdioConsole::Client, called with the console's client lock held.
  void consoleInput(uint8_t byte) override;
  size_t consoleRoom() override;
  void consoleQuit(int status) override;
  void consoleSwitchFocus() override;

private:
  class Port;

  StdioConsole &console_;
  std::vector<std::unique_ptr<Port>> ports_;
  std::atomic<size_t> focus_;
  std::function<void(int)> onQuit_;
  bool attached_ = false;
};

} // namespace tiercel::system
