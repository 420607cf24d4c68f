// Where a character device's bytes go and come from: the host end of a
// UART (stdio, a file, a memory buffer for tests). The device pushes
// output with write(); the back end delivers input by calling the
// receiver the device registered, from whatever thread reads the host side.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace tiercel::devices {

class CharBackend {
public:
  virtual ~CharBackend() = default;
  virtual void write(uint8_t byte) = 0;
  // Several bytes at once (a virtio console's transmit buffer): one host
  // write where the back end can; by default write() per byte.
  virtual void writeBytes(const uint8_t *data, size_t size) {
    for (size_t i = 0; i < size; ++i)
      write(data[i]);
  }
  // Input: called for each byte the host side produces. Set once, before
  // input starts.
  void setReceiver(std::function<void(uint8_t)> receiver) { receiver_ = std::move(receiver); }

  // Flow control, as QEMU's chardev can_receive: the device says how many
  // bytes it can take now (set once, with the receiver), so a back end
  // holds input back instead of overrunning a small FIFO; and it calls
  // receiveRoomChanged() when that number may have grown (the guest read
  // a byte). That call comes with the device's lock held: an override must
  // not call back into the device (a notification only).
  void setReceiveRoom(std::function<size_t()> room) { room_ = std::move(room); }
  virtual void receiveRoomChanged() {}

protected:
  void deliver(uint8_t byte) {
    if (receiver_)
      receiver_(byte);
  }
  // Bytes the device can take now (no flow control: as many as there are).
  size_t receiveRoom() const { return room_ ? room_() : SIZE_MAX; }

private:
  std::function<void(uint8_t)> receiver_;
  std::function<size_t()> room_;
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
