// virtio-blk (virtio 1.2 section 5.2): a disk on a block back end
// (block_backend.h), one request queue.
//
// Offered features: SEG_MAX, BLK_SIZE (512), FLUSH, and RO when the back
// end is read-only. Requests: IN (read), OUT (write), FLUSH and GET_ID;
// anything else completes with VIRTIO_BLK_S_UNSUPP. A request outside the
// disk, or not a whole number of sectors, completes with VIRTIO_BLK_S_IOERR,
// as does a host I/O error; a chain too short to hold the 16-byte header
// and the status byte is a device error (NEEDS_RESET), since there is
// nowhere to put a status.
//
// This version serves requests synchronously: on the QueueNotify write, on
// the vCPU thread, under the transport's lock (virtio_mmio.h). A guest
// doing I/O stalls its hart for the host I/O's duration; an I/O thread is
// the next step if that shows up in boot or benchmark times.
#pragma once

#include <cstdint>
#include <string>

#include "devices/block_backend.h"
#include "devices/virtio_mmio.h"

namespace tiercel::devices {

// Feature bits and request types of section 5.2.
inline constexpr uint64_t kVirtioBlkFSegMax = uint64_t{1} << 2;
inline constexpr uint64_t kVirtioBlkFRo = uint64_t{1} << 5;
inline constexpr uint64_t kVirtioBlkFBlkSize = uint64_t{1} << 6;
inline constexpr uint64_t kVirtioBlkFFlush = uint64_t{1} << 9;

inline constexpr uint32_t kVirtioBlkTIn = 0;
inline constexpr uint32_t kVirtioBlkTOut = 1;
inline constexpr uint32_t kVirtioBlkTFlush = 4;
inline constexpr uint32_t kVirtioBlkTGetId = 8;

inline constexpr uint8_t kVirtioBlkSOk = 0;
inline constexpr uint8_t kVirtioBlkSIoErr = 1;
inline constexpr uint8_t kVirtioBlkSUnsupp = 2;

class VirtioBlk : public VirtioDevice {
public:
  static constexpr uint32_t kDeviceId = 2;
  static constexpr uint16_t kQueueSize = 256;
  static constexpr uint64_t kSectorBytes = 512;
  static constexpr uint32_t kIdBytes = 20; // VIRTIO_BLK_ID_BYTES
  // Data segments per request: the queue size minus header and status, as
  // QEMU offers.
  static constexpr uint32_t kSegMax = kQueueSize - 2;

  // `serial`: what GET_ID returns (at most 20 bytes are used).
  explicit VirtioBlk(BlockBackend &backend, std::string serial = "");

  const char *name() const override { return "virtio_blk"; }
  uint32_t deviceId() const override { return kDeviceId; }
  uint64_t deviceFeatures() const override;
  unsigned queueCount() const override { return 1; }
  uint16_t maxQueueSize() const override { return kQueueSize; }
  std::vector<uint8_t> configSpace() const override;
  llvm::Error processQueue(unsigned index, SplitVirtqueue &queue) override;

  uint64_t capacitySectors() const { return backend_.sizeBytes() / kSectorBytes; }
  // The last host I/O error behind an IOERR status ("" if none).
  const std::string &lastIoError() const { return lastIoError_; }

private:
  // Serves one request; returns the bytes written into the chain.
  llvm::Expected<uint32_t> serve(const DescriptorChain &chain);
  uint8_t transferData(uint32_t type, uint64_t sector, const DescriptorChain &chain,
                       uint64_t dataBytes);
  uint8_t ioStatus(llvm::Error error);

  BlockBackend &backend_;
  std::string serial_;
  std::string lastIoError_;
};

} // namespace tiercel::devices
