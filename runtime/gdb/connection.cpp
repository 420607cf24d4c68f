// The stub's connection to GDB (see connection.h).
#include "runtime/gdb/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "runtime/helper_thread.h"

namespace tiercel::gdb {

namespace {

constexpr int kMaxResends = 8;

llvm::Error systemError(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 what + ": " + std::strerror(errno));
}

} // namespace

llvm::Expected<std::unique_ptr<Connection>> Connection::listen(uint16_t port) {
  std::unique_ptr<Connection> connection(new Connection());
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return systemError("-g: cannot create a socket");
  connection->listenFd_ = fd;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
    return systemError("-g " + llvm::Twine(port) + ": cannot listen on TCP port " +
                       llvm::Twine(port));
  if (::listen(fd, 1) != 0)
    return systemError("-g " + llvm::Twine(port) + ": cannot listen on TCP port " +
                       llvm::Twine(port));
  return connection;
}

Connection::~Connection() {
  close();
  if (reader_.joinable())
    reader_.join();
  if (fd_ >= 0)
    ::close(fd_);
  if (listenFd_ >= 0)
    ::close(listenFd_);
}

llvm::Error Connection::accept(std::atomic<uint32_t> &exitRequest) {
  int fd;
  do
    fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return systemError("-g: accepting the debugger's connection failed");
  ::close(listenFd_);
  listenFd_ = -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
  exitRequest_ = &exitRequest;
  reader_ = startHelperThread([this] { readLoop(); });
  return llvm::Error::success();
}

void Connection::readLoop() {
  PacketDecoder decoder;
  std::vector<InputEvent> events;
  char buffer[4096];
  for (;;) {
    ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR)
      continue;
    std::lock_guard lock(mutex_);
    if (got <= 0) {
      closed_ = true;
      if (running_)
        exitRequest_->store(1);
      available_.notify_all();
      return;
    }
    events.clear();
    decoder.feed(std::string_view(buffer, static_cast<size_t>(got)), events);
    for (InputEvent &event : events) {
      if (event.kind == InputEvent::Kind::Interrupt) {
        // A stopped target has nothing to interrupt.
        if (running_) {
          interrupted_ = true;
          exitRequest_->store(1);
        }
        continue;
      }
      events_.push_back(std::move(event));
    }
    available_.notify_all();
  }
}

std::optional<InputEvent> Connection::nextEvent() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !events_.empty() || closed_; });
  if (events_.empty())
    return std::nullopt;
  InputEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::optional<std::string> Connection::nextPacket() {
  for (;;) {
    std::optional<InputEvent> event = nextEvent();
    if (!event)
      return std::nullopt;
    switch (event->kind) {
    case InputEvent::Kind::Packet:
      if (!noAck_ && !writeAll("+"))
        return std::nullopt;
      return std::move(event->payload);
    case InputEvent::Kind::BadChecksum:
      if (!noAck_ && !writeAll("-"))
        return std::nullopt;
      break;
    default: break; // stray acks
    }
  }
}

bool Connection::send(std::string_view payload) {
  std::string packet = framePacket(payload);
  for (int attempt = 0; attempt < kMaxResends; ++attempt) {
    if (!writeAll(packet))
      return false;
    if (noAck_)
      return true;
    for (;;) {
      std::unique_lock lock(mutex_);
      available_.wait(lock, [this] { return !events_.empty() || closed_; });
      if (events_.empty())
        return false;
      InputEvent::Kind kind = events_.front().kind;
      if (kind == InputEvent::Kind::Ack) {
        events_.pop_front();
        return true;
      }
      if (kind == InputEvent::Kind::Nack) {
        events_.pop_front();
        break; // send it again
      }
      // A packet before the ack: GDB got ours (it only sends after that).
      return true;
    }
  }
  return false;
}

bool Connection::writeAll(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR)
      continue;
    if (sent <= 0)
      return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

void Connection::setRunning(bool running) {
  std::lock_guard lock(mutex_);
  running_ = running;
  interrupted_ = false;
  if (running && closed_)
    exitRequest_->store(1); // let the run loop see that the debugger is gone
}

bool Connection::takeInterrupt() {
  std::lock_guard lock(mutex_);
  bool interrupted = interrupted_;
  interrupted_ = false;
  return interrupted;
}

bool Connection::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void Connection::close() {
  // The reader sees end of file and ends; the descriptor goes with the process.
  if (fd_ >= 0)
    shutdown(fd_, SHUT_RDWR);
}

} // namespace tiercel::gdb
