// Split virtqueues, device side (see virtqueue.h). Section numbers are the
// virtio 1.2 specification's.
#include "devices/virtqueue.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>

namespace tiercel::devices {

static_assert(
    std::endian::native == std::endian::little,
    "virtio 1.x structures are little-endian; this host code assumes a little-endian host");

namespace {

constexpr uint64_t kDescriptorBytes = 16;
// struct virtq_avail: flags, idx, ring[size], used_event.
constexpr uint64_t availRingBytes(uint64_t size) { return 6 + 2 * size; }
// struct virtq_used: flags, idx, ring[size] of {id, len}, avail_event.
constexpr uint64_t usedRingBytes(uint64_t size) { return 6 + 8 * size; }

llvm::Error queueError(const char *format, auto... values) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), format, values...);
}

// Guest memory shared with running harts: loads and stores of ring fields
// are atomic (relaxed unless stated), so neither side tears them.
uint16_t loadU16(const uint8_t *at, std::memory_order order = std::memory_order_relaxed) {
  return std::atomic_ref<uint16_t>(*reinterpret_cast<uint16_t *>(const_cast<uint8_t *>(at)))
      .load(order);
}
void storeU16(uint8_t *at, uint16_t value, std::memory_order order = std::memory_order_relaxed) {
  std::atomic_ref<uint16_t>(*reinterpret_cast<uint16_t *>(at)).store(value, order);
}
void storeU32(uint8_t *at, uint32_t value) {
  std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t *>(at))
      .store(value, std::memory_order_relaxed);
}

struct Descriptor {
  uint64_t address;
  uint32_t length;
  uint16_t flags;
  uint16_t next;
};

Descriptor loadDescriptor(const uint8_t *table, uint32_t index) {
  Descriptor d;
  const uint8_t *at = table + index * kDescriptorBytes;
  std::memcpy(&d.address, at, 8);
  std::memcpy(&d.length, at + 8, 4);
  std::memcpy(&d.flags, at + 12, 2);
  std::memcpy(&d.next, at + 14, 2);
  return d;
}

// vring_need_event (2.7.10): true when the used index moved past `event`
// going from `oldIndex` to `newIndex`.
bool needEvent(uint16_t event, uint16_t newIndex, uint16_t oldIndex) {
  return static_cast<uint16_t>(newIndex - event - 1) < static_cast<uint16_t>(newIndex - oldIndex);
}

std::vector<iovec> sliceOf(const std::vector<GuestBuffer> &buffers, uint64_t offset,
                           uint64_t size) {
  std::vector<iovec> slices;
  for (const GuestBuffer &buffer : buffers) {
    if (size == 0)
      break;
    if (offset >= buffer.length) {
      offset -= buffer.length;
      continue;
    }
    uint64_t take = std::min<uint64_t>(buffer.length - offset, size);
    slices.push_back({buffer.host + offset, take});
    size -= take;
    offset = 0;
  }
  return slices;
}

} // namespace

// ---------------------------------------------------------------------------
// DescriptorChain

void DescriptorChain::clear() {
  head = 0;
  readable.clear();
  writable.clear();
  readableBytes_ = 0;
  writableBytes_ = 0;
}

void DescriptorChain::addBuffer(GuestBuffer buffer, bool deviceWritable) {
  if (deviceWritable) {
    writable.push_back(buffer);
    writableBytes_ += buffer.length;
  } else {
    readable.push_back(buffer);
    readableBytes_ += buffer.length;
  }
}

uint64_t DescriptorChain::read(uint64_t offset, void *out, uint64_t size) const {
  uint64_t done = 0;
  for (const iovec &slice : sliceOf(readable, offset, size)) {
    std::memcpy(static_cast<uint8_t *>(out) + done, slice.iov_base, slice.iov_len);
    done += slice.iov_len;
  }
  return done;
}

uint64_t DescriptorChain::write(uint64_t offset, const void *data, uint64_t size) const {
  uint64_t done = 0;
  for (const iovec &slice : sliceOf(writable, offset, size)) {
    std::memcpy(slice.iov_base, static_cast<const uint8_t *>(data) + done, slice.iov_len);
    done += slice.iov_len;
  }
  return done;
}

std::vector<iovec> DescriptorChain::readableSlice(uint64_t offset, uint64_t size) const {
  return sliceOf(readable, offset, size);
}

std::vector<iovec> DescriptorChain::writableSlice(uint64_t offset, uint64_t size) const {
  return sliceOf(writable, offset, size);
}

// ---------------------------------------------------------------------------
// SplitVirtqueue

llvm::Error SplitVirtqueue::enable(const Layout &layout, bool indirect, bool eventIndex) {
  enabled_ = false;
  if (layout.size == 0 || !std::has_single_bit(layout.size))
    return queueError("queue size %u is not a power of two", unsigned{layout.size});
  // Alignment (2.7): descriptor table 16, driver ring 2, device ring 4.
  if (layout.descriptors % 16 != 0 || layout.driverRing % 2 != 0 || layout.deviceRing % 4 != 0)
    return queueError("misaligned ring: descriptors 0x%llx, driver 0x%llx, device 0x%llx",
                      static_cast<unsigned long long>(layout.descriptors),
                      static_cast<unsigned long long>(layout.driverRing),
                      static_cast<unsigned long long>(layout.deviceRing));
  uint8_t *descriptors = memory_.ramRange(layout.descriptors, kDescriptorBytes * layout.size);
  uint8_t *driverRing = memory_.ramRange(layout.driverRing, availRingBytes(layout.size));
  uint8_t *deviceRing = memory_.ramRange(layout.deviceRing, usedRingBytes(layout.size));
  if (descriptors == nullptr || driverRing == nullptr || deviceRing == nullptr)
    return queueError(
        "ring outside RAM: descriptors 0x%llx, driver 0x%llx, device 0x%llx (size %u)",
        static_cast<unsigned long long>(layout.descriptors),
        static_cast<unsigned long long>(layout.driverRing),
        static_cast<unsigned long long>(layout.deviceRing), unsigned{layout.size});
  // The atomic ring accesses need the host addresses aligned as well.
  if (reinterpret_cast<uintptr_t>(driverRing) % 2 != 0 ||
      reinterpret_cast<uintptr_t>(deviceRing) % 4 != 0)
    return queueError("guest RAM is mapped at a host address that misaligns the rings");
  layout_ = layout;
  indirect_ = indirect;
  eventIndex_ = eventIndex;
  descriptors_ = descriptors;
  driverRing_ = driverRing;
  deviceRing_ = deviceRing;
  // A queue starts empty at index 0 (2.7.13 / 4.2.3.2): the driver zeroed
  // the rings before enabling them.
  lastAvail_ = 0;
  usedIndex_ = 0;
  publishedUsed_ = 0;
  signalledUsed_ = 0;
  signalledValid_ = false;
  enabled_ = true;
  return llvm::Error::success();
}

void SplitVirtqueue::disable() {
  enabled_ = false;
  descriptors_ = driverRing_ = deviceRing_ = nullptr;
  layout_ = Layout{};
}

uint16_t SplitVirtqueue::loadAvailIndex() const {
  // Acquire: the ring entries and descriptors the index covers were written
  // before it (2.7.13).
  return loadU16(driverRing_ + 2, std::memory_order_acquire);
}

llvm::Expected<bool> SplitVirtqueue::pop(DescriptorChain &chain) {
  chain.clear();
  if (!enabled_)
    return false;
  uint16_t availIndex = loadAvailIndex();
  if (availIndex == lastAvail_ && eventIndex_) {
    // Ask to be notified for the next entry, then look again: the driver
    // may have added one before it could see avail_event (2.7.10).
    storeU16(deviceRing_ + 4 + 8 * uint64_t{layout_.size}, lastAvail_);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    availIndex = loadAvailIndex();
  }
  if (availIndex == lastAvail_)
    return false;
  uint16_t pending = static_cast<uint16_t>(availIndex - lastAvail_);
  if (pending > layout_.size)
    return queueError("available index moved from %u to %u, more than the queue size %u",
                      unsigned{lastAvail_}, unsigned{availIndex}, unsigned{layout_.size});
  uint16_t head =
      loadU16(driverRing_ + 4 + 2 * uint64_t{static_cast<uint16_t>(lastAvail_ % layout_.size)});
  if (llvm::Error error = walkChain(head, chain))
    return std::move(error);
  ++lastAvail_;
  return true;
}

llvm::Error SplitVirtqueue::walkChain(uint16_t head, DescriptorChain &chain) const {
  chain.head = head;
  const uint8_t *table = descriptors_;
  uint32_t tableSize = layout_.size;
  uint32_t index = head;
  uint32_t seenInTable = 0; // a chain longer than its table must loop
  uint32_t total = 0;
  bool inIndirect = false;
  uint64_t streamBytes = 0;
  for (;;) {
    if (index >= tableSize)
      return queueError("descriptor index %u past the %s table of %u (chain head %u)", index,
                        inIndirect ? "indirect" : "descriptor", tableSize, unsigned{head});
    if (++seenInTable > tableSize)
      return queueError("descriptor chain at head %u loops", unsigned{head});
    if (++total > kMaxChainDescriptors)
      return queueError("descriptor chain at head %u longer than %u descriptors", unsigned{head},
                        kMaxChainDescriptors);
    Descriptor d = loadDescriptor(table, index);
    if (d.flags & kVirtqDescFlagIndirect) {
      // 2.7.5.3: only with the feature, never inside an indirect table, never
      // with NEXT; the table is a whole number of descriptors, anywhere in RAM.
      if (!indirect_)
        return queueError(
            "indirect descriptor at head %u, but VIRTIO_RING_F_INDIRECT_DESC was not negotiated",
            unsigned{head});
      if (inIndirect)
        return queueError("indirect descriptor inside an indirect table (chain head %u)",
                          unsigned{head});
      if (d.flags & kVirtqDescFlagNext)
        return queueError("indirect descriptor with NEXT set (chain head %u)", unsigned{head});
      if (d.length == 0 || d.length % kDescriptorBytes != 0)
        return queueError(
            "indirect table length %u is not a positive multiple of 16 (chain head %u)", d.length,
            unsigned{head});
      // No alignment rule for indirect tables (2.7 aligns only the rings and
      // the main table); Linux's kmalloc'ed tables are 8-byte aligned under
      // SLOB.
      const uint8_t *indirectTable = memory_.ramRange(d.address, d.length);
      if (indirectTable == nullptr)
        return queueError("indirect table 0x%llx+0x%x outside RAM (chain head %u)",
                          static_cast<unsigned long long>(d.address), d.length, unsigned{head});
      table = indirectTable;
      tableSize = d.length / kDescriptorBytes;
      index = 0;
      seenInTable = 0;
      inIndirect = true;
      continue;
    }
    uint8_t *host = memory_.ramRange(d.address, d.length);
    if (host == nullptr)
      return queueError("buffer 0x%llx+0x%x outside RAM (chain head %u)",
                        static_cast<unsigned long long>(d.address), d.length, unsigned{head});
    bool deviceWritable = (d.flags & kVirtqDescFlagWrite) != 0;
    // 2.7.4.2: device-readable buffers come before device-writable ones.
    if (!deviceWritable && !chain.writable.empty())
      return queueError("device-readable buffer after a device-writable one (chain head %u)",
                        unsigned{head});
    streamBytes += d.length;
    if (streamBytes > UINT32_MAX) // used lengths are 32-bit
      return queueError("chain at head %u holds more than 4 GiB", unsigned{head});
    chain.addBuffer({host, d.length}, deviceWritable);
    if (!(d.flags & kVirtqDescFlagNext))
      return llvm::Error::success();
    index = d.next;
  }
}

void SplitVirtqueue::pushUsed(const DescriptorChain &chain, uint32_t writtenBytes) {
  if (!enabled_)
    return;
  uint8_t *element =
      deviceRing_ + 4 + 8 * uint64_t{static_cast<uint16_t>(usedIndex_ % layout_.size)};
  storeU32(element, chain.head);
  storeU32(element + 4, writtenBytes);
  ++usedIndex_;
}

llvm::Error SplitVirtqueue::serveAvailable(
    llvm::function_ref<llvm::Expected<uint32_t>(const DescriptorChain &chain)> serve) {
  DescriptorChain chain;
  for (;;) {
    llvm::Expected<bool> popped = pop(chain);
    if (!popped)
      return popped.takeError();
    if (!*popped)
      return llvm::Error::success();
    llvm::Expected<uint32_t> written = serve(chain);
    if (!written)
      return written.takeError();
    pushUsed(chain, *written);
  }
}

bool SplitVirtqueue::publishUsed() {
  if (!enabled_ || usedIndex_ == publishedUsed_)
    return false;
  // Release: the used elements (and the data in the buffers) are visible
  // before the index that hands them over.
  storeU16(deviceRing_ + 2, usedIndex_, std::memory_order_release);
  publishedUsed_ = usedIndex_;
  if (!eventIndex_)
    return (loadU16(driverRing_) & kVirtqAvailFlagNoInterrupt) == 0;
  // The index store must be visible before used_event is read, or a driver
  // that re-enables interrupts just now could miss this batch (2.7.10).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  uint16_t usedEvent = loadU16(driverRing_ + 4 + 2 * uint64_t{layout_.size});
  bool wanted = !signalledValid_ || needEvent(usedEvent, usedIndex_, signalledUsed_);
  signalledUsed_ = usedIndex_;
  signalledValid_ = true;
  return wanted;
}

} // namespace tiercel::devices
