// virtio-rng / entropy device (virtio 1.2 section 5.4): one queue whose
// device-writable buffers it fills from the host's getrandom(). No feature
// bits, no configuration space. Device-readable buffers in a chain carry
// nothing for this device and are ignored. Served synchronously on
// QueueNotify, like virtio-blk.
#pragma once

#include "devices/virtio_mmio.h"

namespace tiercel::devices {

class VirtioRng : public VirtioDevice {
public:
  static constexpr uint32_t kDeviceId = 4;
  static constexpr uint16_t kQueueSize = 64;

  const char *name() const override { return "virtio_rng"; }
  uint32_t deviceId() const override { return kDeviceId; }
  uint64_t deviceFeatures() const override { return 0; }
  unsigned queueCount() const override { return 1; }
  uint16_t maxQueueSize() const override { return kQueueSize; }
  std::vector<uint8_t> configSpace() const override { return {}; }
  llvm::Error processQueue(unsigned index, SplitVirtqueue &queue) override;
};

} // namespace tiercel::devices
