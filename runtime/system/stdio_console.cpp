// The stdio console (see stdio_console.h).
#include "runtime/system/stdio_console.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace tiercel::system {

namespace {

// The terminal's mode before raw mode, for restoring from anywhere
// (a signal handler included): plain globals, written before the handlers
// that read them are installed.
struct termios gSavedMode;
volatile sig_atomic_t gSavedModeValid = 0;
int gSavedModeFd = -1;

constexpr const char *kHelp = "\r\n"
                              "C-a h    print this help\r\n"
                              "C-a x    exit emulator\r\n"
                              "C-a c    switch input between the serial and virtio consoles\r\n"
                              "C-a C-a  sends C-a\r\n";

void writeAll(int fd, const void *data, size_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t written = ::write(fd, bytes, size);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN) {
        pollfd wait = {fd, POLLOUT, 0};
        poll(&wait, 1, 100);
        continue;
      }
      return; // the output is gone (closed pipe): drop the rest
    }
    bytes += written;
    size -= static_cast<size_t>(written);
  }
}

} // namespace

void StdioConsole::restoreTerminalFromSignal() {
  if (gSavedModeValid)
    tcsetattr(gSavedModeFd, TCSANOW, &gSavedMode);
}

bool StdioConsole::start() {
  if (pipe2(wakePipe_, O_CLOEXEC) != 0)
    return false;
  roomEvent_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (roomEvent_ < 0)
    return false;
  if (isatty(inputFd_) && tcgetattr(inputFd_, &gSavedMode) == 0) {
    gSavedModeFd = inputFd_;
    gSavedModeValid = 1;
    // QEMU's stdio raw mode (chardev/char-stdio.c): no input translation,
    // no echo, no canonical mode, no keyboard signals; output still maps
    // \n to \r\n.
    struct termios raw = gSavedMode;
    raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_oflag |= OPOST;
    raw.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
    raw.c_cflag &= ~(CSIZE | PARENB);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(inputFd_, TCSANOW, &raw);
    rawMode_ = true;
  }
  reader_ = std::thread([this] { readLoop(); });
  return true;
}

void StdioConsole::stop() {
  if (reader_.joinable()) {
    char byte = 0;
    writeAll(wakePipe_[1], &byte, 1);
    reader_.join();
  }
  for (int *fd : {&wakePipe_[0], &wakePipe_[1], &roomEvent_}) {
    if (*fd >= 0)
      close(*fd);
    *fd = -1;
  }
  if (rawMode_) {
    tcsetattr(inputFd_, TCSANOW, &gSavedMode);
    gSavedModeValid = 0;
    rawMode_ = false;
  }
}

void StdioConsole::write(uint8_t byte) {
  std::lock_guard lock(outputMutex_);
  writeAll(outputFd_, &byte, 1);
}

void StdioConsole::writeBytes(const uint8_t *data, size_t size) {
  std::lock_guard lock(outputMutex_);
  writeAll(outputFd_, data, size);
}

void StdioConsole::writeText(const char *text) {
  std::lock_guard lock(outputMutex_);
  writeAll(outputFd_, text, std::strlen(text));
}

void StdioConsole::attach(Client *client) {
  {
    std::lock_guard lock(clientMutex_);
    client_ = client;
    int pendingQuit = quitStatus_.load();
    if (client_ != nullptr && pendingQuit >= 0)
      client_->consoleQuit(pendingQuit);
  }
  if (client != nullptr)
    signalRoom(); // input queued while no board was attached can go now
}

void StdioConsole::roomChanged() {
  if (waitingForRoom_.exchange(false))
    signalRoom();
}

void StdioConsole::signalRoom() {
  if (roomEvent_ < 0)
    return;
  uint64_t one = 1;
  ssize_t written = ::write(roomEvent_, &one, sizeof one);
  (void)written; // a full counter already wakes the reader
}

void StdioConsole::requestQuit(int status) { deliverQuit(status); }

std::optional<int> StdioConsole::quitStatus() const {
  int status = quitStatus_.load();
  if (status < 0)
    return std::nullopt;
  return status;
}

void StdioConsole::deliverQuit(int status) {
  int none = -1;
  quitStatus_.compare_exchange_strong(none, status);
  std::lock_guard lock(clientMutex_);
  if (client_ != nullptr)
    client_->consoleQuit(quitStatus_.load());
}

// Escapes act at once; bytes for the guest join the queue.
void StdioConsole::handleByte(uint8_t byte) {
  if (escapePending_) {
    escapePending_ = false;
    switch (byte) {
    case 'x':
    case 'X':
      writeText("\r\nTiercel: terminated (C-a x)\r\n");
      deliverQuit(0);
      return;
    case 'h':
    case 'H':
    case '?': writeText(kHelp); return;
    case 'c':
    case 'C': {
      std::lock_guard lock(clientMutex_);
      if (client_ != nullptr)
        client_->consoleSwitchFocus();
      return;
    }
    case kEscape: break; // C-a C-a: one C-a for the guest
    default: return;     // not a key of ours: dropped, as QEMU does
    }
  } else if (byte == kEscape) {
    escapePending_ = true;
    return;
  }
  queued_.push_back(byte);
}

// As many queued bytes as the client has room for; when it has none, the
// reader sleeps until roomChanged().
void StdioConsole::deliverQueued() {
  std::lock_guard lock(clientMutex_);
  while (!queued_.empty() && client_ != nullptr) {
    size_t room = client_->consoleRoom();
    if (room == 0) {
      waitingForRoom_.store(true);
      // The guest may have made room between the check and the flag.
      room = client_->consoleRoom();
      if (room == 0)
        return;
      waitingForRoom_.store(false);
    }
    for (; room > 0 && !queued_.empty(); --room) {
      client_->consoleInput(queued_.front());
      queued_.pop_front();
    }
  }
}

void StdioConsole::readLoop() {
  bool inputOpen = true;
  for (;;) {
    bool readInput = inputOpen && queued_.size() < kMaxQueued;
    pollfd fds[3] = {{wakePipe_[0], POLLIN, 0}, {roomEvent_, POLLIN, 0}, {inputFd_, POLLIN, 0}};
    if (poll(fds, readInput ? 3 : 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (fds[0].revents != 0)
      return; // stop()
    if (fds[1].revents != 0) {
      uint64_t count;
      ssize_t drained = read(roomEvent_, &count, sizeof count);
      (void)drained;
    }
    if (readInput && fds[2].revents != 0) {
      uint8_t buffer[256];
      ssize_t count = read(inputFd_, buffer, sizeof buffer);
      if (count < 0 && errno != EINTR && errno != EAGAIN)
        inputOpen = false;
      else if (count == 0)
        inputOpen = false; // end of input: what is queued still goes out
      for (ssize_t i = 0; i < count; ++i)
        handleByte(buffer[i]);
    }
    deliverQueued();
  }
}

// ---- ConsoleCharBackend ----

void ConsoleCharBackend::attach(std::function<void(int)> onQuit) {
  onQuit_ = std::move(onQuit);
  attached_ = true;
  console_.attach(this);
}

void ConsoleCharBackend::detach() {
  if (attached_)
    console_.attach(nullptr);
  attached_ = false;
}

} // namespace tiercel::system
