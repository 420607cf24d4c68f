// virtio console, one port (see virtio_console.h). Section numbers are the
// virtio 1.2 specification's.
#include "devices/virtio_console.h"

#include <algorithm>

namespace tiercel::devices {

VirtioConsole::VirtioConsole(CharBackend &backend) : backend_(backend) {
  backend_.setReceiver([this](uint8_t byte) { receive(byte); });
  backend_.setReceiveRoom([this] { return receiveRoom(); });
}

std::vector<uint8_t> VirtioConsole::configSpace() const {
  // cols, rows and max_nr_ports mean something only with F_SIZE and
  // F_MULTIPORT, which are not offered; emerg_wr is write-only (reads 0).
  return std::vector<uint8_t>(kConfigBytes, 0);
}

void VirtioConsole::writeConfig(uint64_t offset, unsigned size, uint64_t value) {
  // 5.3.4: emerg_wr takes one character in its low byte. A narrower or
  // wider store starting there carries the same low byte.
  (void)size;
  if (offset == kEmergWriteOffset)
    backend_.write(static_cast<uint8_t>(value));
}

llvm::Error VirtioConsole::processQueue(unsigned index, SplitVirtqueue &queue) {
  switch (index) {
  case kReceiveQueue: return fillReceiveBuffers(queue);
  case kTransmitQueue: return transmit(queue);
  default:
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "virtio-console has queues 0 and 1, not %u", index);
  }
}

// 5.3.6.1: the driver's buffers on the receiveq are device-writable; each
// one takes as much pending input as fits and goes back with that length.
// Chains are taken only while there is input, so buffers wait in the ring.
llvm::Error VirtioConsole::fillReceiveBuffers(SplitVirtqueue &queue) {
  bool madeRoom = false;
  {
    std::lock_guard lock(inputMutex_);
    DescriptorChain chain;
    while (!input_.empty()) {
      llvm::Expected<bool> popped = queue.pop(chain);
      if (!popped)
        return popped.takeError();
      if (!*popped)
        break;
      uint64_t count = std::min<uint64_t>(chain.writableBytes(), input_.size());
      // The deque's storage is not contiguous: copy through a small buffer.
      uint64_t written = 0;
      uint8_t bytes[256];
      while (written < count) {
        uint64_t piece = std::min<uint64_t>(count - written, sizeof bytes);
        std::copy_n(input_.begin(), piece, bytes);
        chain.write(written, bytes, piece);
        input_.erase(input_.begin(), input_.begin() + static_cast<ptrdiff_t>(piece));
        written += piece;
      }
      // A chain without device-writable bytes takes nothing and goes back
      // empty: a driver mistake with no harm to anyone.
      queue.pushUsed(chain, static_cast<uint32_t>(count));
      madeRoom = madeRoom || count > 0;
    }
  }
  if (madeRoom)
    backend_.receiveRoomChanged(); // a wake-up only (char_backend.h)
  return llvm::Error::success();
}

// 5.3.6.1: transmitq buffers are device-readable; their bytes go to the
// host end as they are. Device-writable parts carry nothing here.
llvm::Error VirtioConsole::transmit(SplitVirtqueue &queue) {
  return queue.serveAvailable([this](const DescriptorChain &chain) -> llvm::Expected<uint32_t> {
    for (const GuestBuffer &buffer : chain.readable)
      backend_.writeBytes(buffer.host, buffer.length);
    return 0u;
  });
}

void VirtioConsole::receive(uint8_t byte) {
  {
    std::lock_guard lock(inputMutex_);
    if (input_.size() >= kInputBufferBytes)
      return;
    input_.push_back(byte);
  }
  if (serviceQueue_)
    serviceQueue_(kReceiveQueue);
}

size_t VirtioConsole::receiveRoom() {
  std::lock_guard lock(inputMutex_);
  return kInputBufferBytes - input_.size();
}

} // namespace tiercel::devices
