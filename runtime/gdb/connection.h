// The stub's end of the TCP connection to GDB. A reader thread owns the
// receiving side: it splits the stream into events (packet_codec.h) and
// queues them, except a Ctrl-C (0x03) while the guest runs, which it turns
// into an interrupt of the hart (cpu.exitRequest) right away, as the guest
// does not read the socket while it runs. Sending and acknowledgements are
// done by the thread that serves the debugger (the guest's thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "runtime/gdb/packet_codec.h"
#include "llvm/Support/Error.h"

namespace tiercel::gdb {

class Connection {
public:
  // Listens on TCP `port` of every interface (as qemu's -g does). Fails
  // with a message naming the port (busy, not allowed).
  static llvm::Expected<std::unique_ptr<Connection>> listen(uint16_t port);
  ~Connection();

  // Waits for the debugger, then starts the reader thread; raises
  // `exitRequest` for a Ctrl-C while running or a lost connection.
  llvm::Error accept(std::atomic<uint32_t> &exitRequest);

  // The next packet payload (acknowledged unless in no-ack mode); nullopt
  // once the debugger is gone.
  std::optional<std::string> nextPacket();
  // Sends a packet; in ack mode waits for '+' and resends on '-'. False if
  // the debugger is gone.
  bool send(std::string_view payload);
  void startNoAckMode() { noAck_ = true; }

  // The guest runs (Ctrl-C interrupts it) or is stopped (Ctrl-C ignored).
  void setRunning(bool running);
  // Whether a Ctrl-C came while running; clears it.
  bool takeInterrupt();
  bool closed() const;
  void close();

private:
  Connection() = default;
  void readLoop();
  bool writeAll(std::string_view bytes);
  std::optional<InputEvent> nextEvent();

  int listenFd_ = -1;
  int fd_ = -1;
  std::atomic<uint32_t> *exitRequest_ = nullptr;
  bool noAck_ = false;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::deque<InputEvent> events_; // guarded by mutex_
  bool running_ = false;          // guarded by mutex_
  bool interrupted_ = false;      // guarded by mutex_
  bool closed_ = false;           // guarded by mutex_
};

} // namespace tiercel::gdb
