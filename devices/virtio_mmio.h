// The virtio-mmio transport, version 2 ("modern", virtio 1.2 section 4.2),
// as QEMU's virt board has it in eight slots at 0x10001000 (0x1000 apart,
// IRQs 1-8; compatible "virtio,mmio"). The transport owns the register
// window, feature negotiation, device status, the virtqueues and the
// interrupt; a VirtioDevice (virtio_blk.h, virtio_rng.h) supplies the
// device type: its ID, feature bits, configuration space and what a request
// on a queue means. A slot without a device answers DeviceID 0, which
// drivers skip (4.2.3.1.1).
//
// Requests are processed synchronously, on the vCPU thread that writes
// QueueNotify, under the transport's lock; the interrupt line goes high
// after the used ring is updated when the driver asked for it.
//
// Guest mistakes never reach the host as errors: a ring or chain that breaks
// the rules (virtqueue.h) sets DEVICE_NEEDS_RESET in Status, raises a
// configuration-change interrupt (4.2.2.1 / 2.1.2) and stops the device
// until the driver resets it; the reason is kept for logging.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "devices/virtqueue.h"
#include "machine/system/device_interface.h"
#include "machine/system/physical_map.h"

namespace tiercel::devices {

// Feature bits the transport handles (section 6).
inline constexpr uint64_t kVirtioRingFIndirectDesc = uint64_t{1} << 28;
inline constexpr uint64_t kVirtioRingFEventIdx = uint64_t{1} << 29;
inline constexpr uint64_t kVirtioFVersion1 = uint64_t{1} << 32;

// Device status bits (2.1).
inline constexpr uint32_t kVirtioStatusAcknowledge = 1;
inline constexpr uint32_t kVirtioStatusDriver = 2;
inline constexpr uint32_t kVirtioStatusDriverOk = 4;
inline constexpr uint32_t kVirtioStatusFeaturesOk = 8;
inline constexpr uint32_t kVirtioStatusNeedsReset = 0x40;
inline constexpr uint32_t kVirtioStatusFailed = 0x80;

// InterruptStatus bits (4.2.2).
inline constexpr uint32_t kVirtioInterruptUsedBuffer = 1;
inline constexpr uint32_t kVirtioInterruptConfigChange = 2;

// A virtio device type behind the transport. Called with the transport's
// lock held, so implementations need no locking of their own for state
// only the transport reaches.
class VirtioDevice {
public:
  virtual ~VirtioDevice() = default;
  virtual const char *name() const = 0;
  virtual uint32_t deviceId() const = 0;
  // Device-type feature bits (0-23 and any device-specific ones); the
  // transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX.
  virtual uint64_t deviceFeatures() const = 0;
  virtual unsigned queueCount() const = 0;
  virtual uint16_t maxQueueSize() const = 0;
  // The device-specific configuration space (at 0x100 in the window),
  // little-endian. Reads past its end return zeros; writes are ignored
  // unless the device overrides writeConfig.
  virtual std::vector<uint8_t> configSpace() const = 0;
  virtual void writeConfig(uint64_t /*offset*/, unsigned /*size*/, uint64_t /*value*/) {}
  // The driver set FEATURES_OK with these features (already checked to be
  // a subset of what was offered).
  virtual void featuresNegotiated(uint64_t /*features*/) {}
  virtual void reset() {}
  // Serves every available chain of queue `index` (pop, handle, pushUsed).
  // An error is a guest mistake the device cannot answer with a status:
  // the transport sets NEEDS_RESET.
  virtual llvm::Error processQueue(unsigned index, SplitVirtqueue &queue) = 0;
};

class VirtioMmio : public MmioDevice {
public:
  static constexpr uint64_t kWindowSize = 0x1000;
  static constexpr uint32_t kMagicValue = 0x74726976; // "virt"
  static constexpr uint32_t kVersion = 2;
  static constexpr uint32_t kVendorId = 0x554d4551; // "QEMU", as QEMU's devices say
  static constexpr uint64_t kConfigOffset = 0x100;

  // `device` may be null: an empty slot (DeviceID 0). `memory` is the
  // board's physical map, for DMA into RAM.
  VirtioMmio(const PhysicalMap &memory, VirtioDevice *device, IrqLine &irq);
  // An empty slot.
  VirtioMmio(const PhysicalMap &memory, IrqLine &irq) : VirtioMmio(memory, nullptr, irq) {}

  const char *name() const override;
  uint64_t windowSize() const override { return kWindowSize; }
  bool read(uint64_t offset, unsigned size, uint64_t &value) override;
  bool write(uint64_t offset, unsigned size, uint64_t value) override;

  // Where guest mistakes are reported (the board routes it to
  // `-d guest_errors`); called under the transport's lock.
  void setErrorReporter(std::function<void(const std::string &)> reporter);
  // A host-side event for queue `index` (a packet arrived, a key was
  // pressed, console input): from any thread, the same as the driver's
  // QueueNotify: under the lock, the device's processQueue runs, the used
  // ring is published and the interrupt raised when the driver asked for
  // it. Nothing happens before DRIVER_OK or while the device needs a
  // reset; a device whose driver has not made buffers available yet simply
  // finds none (it keeps its data and tries again at the next event or
  // notify).
  void serviceQueue(unsigned index);
  // The device's configuration space changed (a link went up, a console
  // was resized): bumps ConfigGeneration and raises the configuration-
  // change interrupt. From any thread.
  void configChanged();
  // The last device error that set NEEDS_RESET ("" if none since reset).
  std::string lastError() const;
  uint32_t status() const;

private:
  struct QueueState {
    uint16_t size = 0;
    bool ready = false;
    uint64_t descriptors = 0;
    uint64_t driverRing = 0;
    uint64_t deviceRing = 0;
  };

  uint64_t offeredFeatures() const;
  bool readRegister(uint64_t offset, uint32_t &value);
  void writeRegister(uint64_t offset, uint32_t value);
  void writeStatus(uint32_t value);
  void setQueueReady(bool ready);
  void notifyQueue(uint32_t index);
  void resetDevice();
  void deviceError(std::string message);
  void raiseInterrupt(uint32_t bits);
  void updateIrq();
  QueueState *selectedQueue();
  static void setHalf(uint64_t &field, bool high, uint32_t value);

  const PhysicalMap &memory_;
  VirtioDevice *device_;
  IrqLine &irq_;
  mutable std::mutex mutex_;
  std::function<void(const std::string &)> reportError_;
  std::string lastError_;

  uint32_t status_ = 0;
  uint32_t deviceFeaturesSelect_ = 0;
  uint32_t driverFeaturesSelect_ = 0;
  uint64_t driverFeatures_ = 0;
  uint64_t negotiatedFeatures_ = 0;
  uint32_t queueSelect_ = 0;
  uint32_t sharedMemorySelect_ = 0;
  uint32_t interruptStatus_ = 0;
  uint32_t configGeneration_ = 0;
  bool irqLevel_ = false;
  std::vector<QueueState> queueStates_;
  std::vector<std::unique_ptr<SplitVirtqueue>> queues_;
};

} // namespace tiercel::devices
