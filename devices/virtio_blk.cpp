// virtio-blk (see virtio_blk.h). Section numbers are virtio 1.2's.
#include "devices/virtio_blk.h"

#include <algorithm>
#include <cstring>

namespace tiercel::devices {

namespace {

// struct virtio_blk_config (5.2.4), through the secure-erase fields.
constexpr size_t kConfigBytes = 72;
constexpr size_t kConfigCapacity = 0;
constexpr size_t kConfigSegMax = 12;
constexpr size_t kConfigBlkSize = 20;
constexpr size_t kConfigNumQueues = 34;

// struct virtio_blk_req's header (5.2.6): type, reserved, sector.
constexpr uint64_t kRequestHeaderBytes = 16;

template <class T> void putLittle(std::vector<uint8_t> &bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value); // little-endian host (virtqueue.cpp)
}

} // namespace

VirtioBlk::VirtioBlk(BlockBackend &backend, std::string serial)
    : backend_(backend), serial_(std::move(serial)) {}

uint64_t VirtioBlk::deviceFeatures() const {
  uint64_t features = kVirtioBlkFSegMax | kVirtioBlkFBlkSize | kVirtioBlkFFlush;
  if (backend_.readOnly())
    features |= kVirtioBlkFRo;
  return features;
}

std::vector<uint8_t> VirtioBlk::configSpace() const {
  std::vector<uint8_t> config(kConfigBytes, 0);
  putLittle<uint64_t>(config, kConfigCapacity, capacitySectors());
  putLittle<uint32_t>(config, kConfigSegMax, kSegMax);
  putLittle<uint32_t>(config, kConfigBlkSize, static_cast<uint32_t>(kSectorBytes));
  putLittle<uint16_t>(config, kConfigNumQueues, 1);
  return config;
}

llvm::Error VirtioBlk::processQueue(unsigned index, SplitVirtqueue &queue) {
  if (index != 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "virtio-blk has one queue, not %u", index);
  return queue.serveAvailable([this](const DescriptorChain &chain) { return serve(chain); });
}

uint8_t VirtioBlk::ioStatus(llvm::Error error) {
  if (!error)
    return kVirtioBlkSOk;
  lastIoError_ = llvm::toString(std::move(error));
  return kVirtioBlkSIoErr;
}

uint8_t VirtioBlk::transferData(uint32_t type, uint64_t sector, const DescriptorChain &chain,
                                uint64_t dataBytes) {
  uint64_t capacity = capacitySectors();
  // 5.2.6.2: whole sectors, inside the disk.
  if (dataBytes % kSectorBytes != 0 || sector > capacity ||
      dataBytes / kSectorBytes > capacity - sector)
    return kVirtioBlkSIoErr;
  uint64_t offset = sector * kSectorBytes;
  if (type == kVirtioBlkTIn)
    return ioStatus(backend_.read(offset, chain.writableSlice(0, dataBytes)));
  if (backend_.readOnly())
    return kVirtioBlkSIoErr;
  return ioStatus(backend_.write(offset, chain.readableSlice(kRequestHeaderBytes, dataBytes)));
}

llvm::Expected<uint32_t> VirtioBlk::serve(const DescriptorChain &chain) {
  // The header is device-readable, the status byte the last device-writable
  // byte (5.2.6); without them there is no request to answer.
  if (chain.readableBytes() < kRequestHeaderBytes || chain.writableBytes() < 1)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "request at head %u lacks the header or the status byte (%llu readable, "
        "%llu writable bytes)",
        unsigned{chain.head}, static_cast<unsigned long long>(chain.readableBytes()),
        static_cast<unsigned long long>(chain.writableBytes()));
  uint8_t header[kRequestHeaderBytes];
  chain.read(0, header, sizeof header);
  uint32_t type;
  uint64_t sector;
  std::memcpy(&type, header, 4);
  std::memcpy(&sector, header + 8, 8);

  uint64_t statusOffset = chain.writableBytes() - 1;
  uint8_t status = kVirtioBlkSOk;
  uint64_t dataWritten = 0;
  switch (type) {
  case kVirtioBlkTIn:
    status = transferData(type, sector, chain, statusOffset);
    if (status == kVirtioBlkSOk)
      dataWritten = statusOffset;
    break;
  case kVirtioBlkTOut:
    status = transferData(type, sector, chain, chain.readableBytes() - kRequestHeaderBytes);
    break;
  case kVirtioBlkTFlush: status = ioStatus(backend_.flush()); break;
  case kVirtioBlkTGetId: {
    // 5.2.6: 20 bytes, the string not terminated if it fills them.
    char id[kIdBytes] = {};
    std::memcpy(id, serial_.data(), std::min<size_t>(serial_.size(), kIdBytes));
    dataWritten = chain.write(0, id, std::min<uint64_t>(kIdBytes, statusOffset));
    break;
  }
  default: status = kVirtioBlkSUnsupp; break;
  }
  chain.write(statusOffset, &status, 1);
  return static_cast<uint32_t>(dataWritten + 1); // chains are under 4 GiB (virtqueue.cpp)
}

} // namespace tiercel::devices
