// Where a character device's bytes go and come from: the host end of a
// UART (stdio, a file, a memory buffer for tests). The device pushes
// output with write(); the back end delivers input by calling the
// receiver the device registered, from whatever thread reads the host side.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace tiercel::devices {

class CharBackend {
public:
  virtual ~CharBackend() = default;
  virtual void write(uint8_t byte) = 0;
  // Input: called for each byte the host side produces. Set once, before
  // input starts.
  void setReceiver(std::function<void(uint8_t)> receiver) { receiver_ = std::move(receiver); }

protected:
  void deliver(uint8_t byte) {
    if (receiver_)
      receiver_(byte);
  }

private:
  std::function<void(uint8_t)> receiver_;
};

// Keeps the output in memory and takes input from the program: for tests
// and for -serial none-like set-ups (qemu's ringbuf chardev).
class MemoryCharBackend : public CharBackend {
public:
  void write(uint8_t byte) override {
    std::lock_guard lock(mutex_);
    output_.push_back(static_cast<char>(byte));
  }
  std::string output() const {
    std::lock_guard lock(mutex_);
    return output_;
  }
  void type(const std::string &text) {
    for (char c : text)
      deliver(static_cast<uint8_t>(c));
  }

private:
  mutable std::mutex mutex_;
  std::string output_;
};

} // namespace tiercel::devices
