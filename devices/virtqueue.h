// Split virtqueues (virtio 1.2 section 2.7) as the device side sees them:
// the descriptor table, the driver ("available") ring and the device
// ("used") ring in guest RAM, reached through the physical map's DMA
// accessor.
//
// Everything here is written by the guest, so nothing is trusted: a ring
// outside RAM, a descriptor index past the table, a chain that loops, an
// indirect table that is nested or not negotiated, a buffer
// outside RAM, a device-readable buffer after a device-writable one, or an
// available index that moved by more than the queue size each come back as
// an llvm::Error naming the problem. The transport (virtio_mmio.h) turns it
// into DEVICE_NEEDS_RESET; the host never crashes on guest data.
//
// Memory ordering against the guest's harts, which run concurrently on
// other host threads: the available index is loaded with acquire before the
// ring entries it covers are read, the used index is stored with release
// after the used entries, and the event-index checks have the full fences
// the spec's notification-suppression protocol needs (2.7.7, 2.7.10).
#pragma once

#include <cstdint>
#include <vector>

#include <sys/uio.h>

#include "machine/system/physical_map.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

namespace tiercel::devices {

// Descriptor flags (2.7.5) and ring flags (2.7.6, 2.7.8).
inline constexpr uint16_t kVirtqDescFlagNext = 1;
inline constexpr uint16_t kVirtqDescFlagWrite = 2;
inline constexpr uint16_t kVirtqDescFlagIndirect = 4;
inline constexpr uint16_t kVirtqAvailFlagNoInterrupt = 1;

// One guest buffer of a chain, already checked to lie in RAM.
struct GuestBuffer {
  uint8_t *host = nullptr;
  uint32_t length = 0;
};

// A descriptor chain popped from the available ring: its head index (what
// goes back in the used ring) and its buffers as two byte streams, the
// device-readable one and the device-writable one. Request framing is not
// tied to descriptor boundaries (virtio 1.x: any layout), so devices read
// and write at stream offsets.
class DescriptorChain {
public:
  uint16_t head = 0;
  std::vector<GuestBuffer> readable;
  std::vector<GuestBuffer> writable;

  uint64_t readableBytes() const { return readableBytes_; }
  uint64_t writableBytes() const { return writableBytes_; }

  // Copies readable bytes [offset, offset + size) out; returns how many
  // there were (fewer at the stream's end).
  uint64_t read(uint64_t offset, void *out, uint64_t size) const;
  // Copies into writable bytes [offset, offset + size); returns how many fit.
  uint64_t write(uint64_t offset, const void *data, uint64_t size) const;
  // The host iovecs covering [offset, offset + size) of a stream, for
  // preadv/pwritev straight into guest memory; size must fit in the stream.
  std::vector<iovec> readableSlice(uint64_t offset, uint64_t size) const;
  std::vector<iovec> writableSlice(uint64_t offset, uint64_t size) const;

  void clear();
  void addBuffer(GuestBuffer buffer, bool deviceWritable);

private:
  uint64_t readableBytes_ = 0;
  uint64_t writableBytes_ = 0;
};

class SplitVirtqueue {
public:
  // Longest chain accepted (descriptors, indirect ones included): bounds
  // the host memory a hostile guest can make one request cost.
  static constexpr uint32_t kMaxChainDescriptors = 65536;

  struct Layout {
    uint16_t size = 0; // QueueNum: a power of two
    uint64_t descriptors = 0;
    uint64_t driverRing = 0; // "available"
    uint64_t deviceRing = 0; // "used"
  };

  explicit SplitVirtqueue(const PhysicalMap &memory) : memory_(memory) {}

  // Checks the layout (size a power of two, each area aligned as 2.7 asks
  // and inside RAM) and starts the queue at index 0. `indirect` and
  // `eventIndex`: whether VIRTIO_RING_F_INDIRECT_DESC / _EVENT_IDX were
  // negotiated.
  llvm::Error enable(const Layout &layout, bool indirect, bool eventIndex);
  void disable();
  bool enabled() const { return enabled_; }
  uint16_t size() const { return layout_.size; }

  // The next available chain into `chain`: true if there was one, false if
  // the ring is empty (with EVENT_IDX, after publishing avail_event and
  // checking again, so a notification cannot be lost).
  llvm::Expected<bool> pop(DescriptorChain &chain);

  // Returns a chain to the driver: a used element with `writtenBytes`.
  // Visible to the driver after publishUsed().
  void pushUsed(const DescriptorChain &chain, uint32_t writtenBytes);

  // Every available chain, in order: `serve` handles it and says how many
  // bytes it wrote, and the chain goes back to the driver with that count
  // (pushUsed). Stops at the first error of the ring or of `serve`.
  llvm::Error serveAvailable(
      llvm::function_ref<llvm::Expected<uint32_t>(const DescriptorChain &chain)> serve);

  // Stores the used index (release) if elements were pushed; returns
  // whether the driver wants an interrupt for them (VIRTQ_AVAIL_F_NO_INTERRUPT,
  // or used_event with EVENT_IDX).
  bool publishUsed();

  uint16_t lastAvailIndex() const { return lastAvail_; }
  uint16_t usedIndex() const { return usedIndex_; }

private:
  llvm::Error walkChain(uint16_t head, DescriptorChain &chain) const;
  uint16_t loadAvailIndex() const;

  const PhysicalMap &memory_;
  Layout layout_;
  bool enabled_ = false;
  bool indirect_ = false;
  bool eventIndex_ = false;
  uint8_t *descriptors_ = nullptr;
  uint8_t *driverRing_ = nullptr;
  uint8_t *deviceRing_ = nullptr;
  uint16_t lastAvail_ = 0;     // next available ring entry to consume
  uint16_t usedIndex_ = 0;     // next used ring entry to fill
  uint16_t publishedUsed_ = 0; // used index the driver can see
  uint16_t signalledUsed_ = 0; // used index at the last interrupt decision (EVENT_IDX)
  bool signalledValid_ = false;
};

} // namespace tiercel::devices
