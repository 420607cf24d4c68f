// The virtio-mmio transport, version 2 (see virtio_mmio.h). Register
// offsets and rules are the virtio 1.2 specification's, section 4.2.2.
#include "devices/virtio_mmio.h"

#include <algorithm>
#include <cstring>

namespace tiercel::devices {

namespace {

enum Register : uint64_t {
  MagicValue = 0x000,
  Version = 0x004,
  DeviceId = 0x008,
  VendorId = 0x00c,
  DeviceFeatures = 0x010,
  DeviceFeaturesSel = 0x014,
  DriverFeatures = 0x020,
  DriverFeaturesSel = 0x024,
  QueueSel = 0x030,
  QueueNumMax = 0x034,
  QueueNum = 0x038,
  QueueReady = 0x044,
  QueueNotify = 0x050,
  InterruptStatus = 0x060,
  InterruptAck = 0x064,
  Status = 0x070,
  QueueDescLow = 0x080,
  QueueDescHigh = 0x084,
  QueueDriverLow = 0x090,
  QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0,
  QueueDeviceHigh = 0x0a4,
  ShmSel = 0x0ac,
  ShmLenLow = 0x0b0,
  ShmLenHigh = 0x0b4,
  ShmBaseLow = 0x0b8,
  ShmBaseHigh = 0x0bc,
  QueueReset = 0x0c0,
  ConfigGeneration = 0x0fc,
};

// The ring features this transport implements; offered with every device.
constexpr uint64_t kTransportFeatures =
    kVirtioFVersion1 | kVirtioRingFIndirectDesc | kVirtioRingFEventIdx;

} // namespace

VirtioMmio::VirtioMmio(const PhysicalMap &memory, VirtioDevice *device, IrqLine &irq)
    : memory_(memory), device_(device), irq_(irq) {
  unsigned count = device_ != nullptr ? device_->queueCount() : 0;
  queueStates_.resize(count);
  for (unsigned i = 0; i < count; ++i)
    queues_.push_back(std::make_unique<SplitVirtqueue>(memory_));
  std::lock_guard lock(mutex_);
  resetDevice();
}

const char *VirtioMmio::name() const {
  return device_ != nullptr ? device_->name() : "virtio_mmio_empty";
}

void VirtioMmio::setErrorReporter(std::function<void(const std::string &)> reporter) {
  std::lock_guard lock(mutex_);
  reportError_ = std::move(reporter);
}

std::string VirtioMmio::lastError() const {
  std::lock_guard lock(mutex_);
  return lastError_;
}

uint32_t VirtioMmio::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void VirtioMmio::serviceQueue(unsigned index) {
  std::lock_guard lock(mutex_);
  if (device_ != nullptr)
    notifyQueue(index);
}

void VirtioMmio::configChanged() {
  std::lock_guard lock(mutex_);
  if (device_ == nullptr || !(status_ & kVirtioStatusDriverOk))
    return;
  ++configGeneration_;
  raiseInterrupt(kVirtioInterruptConfigChange);
}

uint64_t VirtioMmio::offeredFeatures() const {
  return device_ != nullptr ? device_->deviceFeatures() | kTransportFeatures : 0;
}

VirtioMmio::QueueState *VirtioMmio::selectedQueue() {
  return queueSelect_ < queueStates_.size() ? &queueStates_[queueSelect_] : nullptr;
}

void VirtioMmio::setHalf(uint64_t &field, bool high, uint32_t value) {
  if (high)
    field = (field & 0xffffffffu) | uint64_t{value} << 32;
  else
    field = (field & ~uint64_t{0xffffffffu}) | value;
}

// ---------------------------------------------------------------------------
// Accesses

bool VirtioMmio::read(uint64_t offset, unsigned size, uint64_t &value) {
  if (offset >= kWindowSize || size > kWindowSize - offset)
    return false;
  std::lock_guard lock(mutex_);
  if (offset >= kConfigOffset) {
    // 4.2.2.2: the configuration space is read with the field's width.
    if (size != 1 && size != 2 && size != 4 && size != 8)
      return false;
    uint8_t bytes[8] = {};
    if (device_ != nullptr) {
      std::vector<uint8_t> config = device_->configSpace();
      uint64_t at = offset - kConfigOffset;
      if (at < config.size())
        std::memcpy(bytes, config.data() + at, std::min<uint64_t>(size, config.size() - at));
    }
    value = 0;
    std::memcpy(&value, bytes, size);
    return true;
  }
  // 4.2.2.2: control registers are accessed 32 bits wide and aligned.
  if (size != 4 || offset % 4 != 0)
    return false;
  uint32_t word = 0;
  bool decoded = readRegister(offset, word);
  value = word;
  return decoded;
}

bool VirtioMmio::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset >= kWindowSize || size > kWindowSize - offset)
    return false;
  std::lock_guard lock(mutex_);
  if (offset >= kConfigOffset) {
    if (size != 1 && size != 2 && size != 4 && size != 8)
      return false;
    if (device_ != nullptr)
      device_->writeConfig(offset - kConfigOffset, size, value);
    return true;
  }
  if (size != 4 || offset % 4 != 0)
    return false;
  writeRegister(offset, static_cast<uint32_t>(value));
  return true;
}

bool VirtioMmio::readRegister(uint64_t offset, uint32_t &value) {
  const QueueState *queue = selectedQueue();
  switch (offset) {
  case MagicValue: value = kMagicValue; return true;
  case Version: value = kVersion; return true;
  case DeviceId: value = device_ != nullptr ? device_->deviceId() : 0; return true;
  case VendorId: value = kVendorId; return true;
  case DeviceFeatures:
    value = deviceFeaturesSelect_ < 2
                ? static_cast<uint32_t>(offeredFeatures() >> (32 * deviceFeaturesSelect_))
                : 0;
    return true;
  case QueueNumMax: value = queue != nullptr ? device_->maxQueueSize() : 0; return true;
  case QueueNum: value = queue != nullptr ? queue->size : 0; return true;
  case QueueReady: value = queue != nullptr && queue->ready; return true;
  case InterruptStatus: value = interruptStatus_; return true;
  case Status: value = status_; return true;
  case QueueDescLow:
    value = queue != nullptr ? static_cast<uint32_t>(queue->descriptors) : 0;
    return true;
  case QueueDescHigh:
    value = queue != nullptr ? static_cast<uint32_t>(queue->descriptors >> 32) : 0;
    return true;
  case QueueDriverLow:
    value = queue != nullptr ? static_cast<uint32_t>(queue->driverRing) : 0;
    return true;
  case QueueDriverHigh:
    value = queue != nullptr ? static_cast<uint32_t>(queue->driverRing >> 32) : 0;
    return true;
  case QueueDeviceLow:
    value = queue != nullptr ? static_cast<uint32_t>(queue->deviceRing) : 0;
    return true;
  case QueueDeviceHigh:
    value = queue != nullptr ? static_cast<uint32_t>(queue->deviceRing >> 32) : 0;
    return true;
  // No shared memory regions: every ID reads as a length of -1 (4.2.2).
  case ShmLenLow:
  case ShmLenHigh:
  case ShmBaseLow:
  case ShmBaseHigh: value = 0xffffffffu; return true;
  case ConfigGeneration: value = configGeneration_; return true;
  // Write-only registers, and QueueReset (VIRTIO_F_RING_RESET is not offered).
  default: value = 0; return true;
  }
}

void VirtioMmio::writeRegister(uint64_t offset, uint32_t value) {
  if (device_ == nullptr)
    return; // an empty slot ignores its driver
  QueueState *queue = selectedQueue();
  // 4.2.2.3: queue registers are not to change while the queue is ready.
  QueueState *idleQueue = queue != nullptr && !queue->ready ? queue : nullptr;
  switch (offset) {
  case DeviceFeaturesSel: deviceFeaturesSelect_ = value; break;
  case DriverFeatures:
    // Fixed once FEATURES_OK is set (3.1.1).
    if (driverFeaturesSelect_ < 2 && !(status_ & kVirtioStatusFeaturesOk))
      setHalf(driverFeatures_, driverFeaturesSelect_ == 1, value);
    break;
  case DriverFeaturesSel: driverFeaturesSelect_ = value; break;
  case QueueSel: queueSelect_ = value; break;
  case QueueNum:
    if (idleQueue)
      idleQueue->size = static_cast<uint16_t>(std::min<uint32_t>(value, 0xffff));
    break;
  case QueueReady: setQueueReady(value & 1); break;
  case QueueNotify: notifyQueue(value); break;
  case InterruptAck:
    interruptStatus_ &= ~value;
    updateIrq();
    break;
  case Status: writeStatus(value); break;
  case QueueDescLow:
    if (idleQueue)
      setHalf(idleQueue->descriptors, false, value);
    break;
  case QueueDescHigh:
    if (idleQueue)
      setHalf(idleQueue->descriptors, true, value);
    break;
  case QueueDriverLow:
    if (idleQueue)
      setHalf(idleQueue->driverRing, false, value);
    break;
  case QueueDriverHigh:
    if (idleQueue)
      setHalf(idleQueue->driverRing, true, value);
    break;
  case QueueDeviceLow:
    if (idleQueue)
      setHalf(idleQueue->deviceRing, false, value);
    break;
  case QueueDeviceHigh:
    if (idleQueue)
      setHalf(idleQueue->deviceRing, true, value);
    break;
  case ShmSel: sharedMemorySelect_ = value; break;
  default: break; // read-only registers, QueueReset
  }
}

// ---------------------------------------------------------------------------
// Status, queues, notifications

void VirtioMmio::writeStatus(uint32_t value) {
  if (value == 0) { // 2.4: writing 0 resets the device
    resetDevice();
    return;
  }
  uint32_t next = (value & ~kVirtioStatusNeedsReset) | (status_ & kVirtioStatusNeedsReset);
  if ((next & kVirtioStatusFeaturesOk) && !(status_ & kVirtioStatusFeaturesOk)) {
    // 3.1.1 step 5-6: accept only a subset of what was offered, and only a
    // modern driver (no legacy interface here). Leaving FEATURES_OK clear
    // tells the driver its features were refused.
    bool subset = (driverFeatures_ & ~offeredFeatures()) == 0;
    if (!subset || !(driverFeatures_ & kVirtioFVersion1)) {
      next &= ~kVirtioStatusFeaturesOk;
    } else {
      negotiatedFeatures_ = driverFeatures_;
      device_->featuresNegotiated(negotiatedFeatures_);
    }
  }
  status_ = next;
}

void VirtioMmio::setQueueReady(bool ready) {
  QueueState *queue = selectedQueue();
  if (queue == nullptr)
    return;
  SplitVirtqueue &ring = *queues_[queueSelect_];
  if (!ready) {
    queue->ready = false;
    ring.disable();
    return;
  }
  if (queue->ready)
    return;
  if (queue->size > device_->maxQueueSize()) {
    deviceError("queue " + std::to_string(queueSelect_) + ": size " + std::to_string(queue->size) +
                " above QueueNumMax " + std::to_string(device_->maxQueueSize()));
    return;
  }
  SplitVirtqueue::Layout layout{queue->size, queue->descriptors, queue->driverRing,
                                queue->deviceRing};
  if (llvm::Error error = ring.enable(layout, negotiatedFeatures_ & kVirtioRingFIndirectDesc,
                                      negotiatedFeatures_ & kVirtioRingFEventIdx)) {
    deviceError("queue " + std::to_string(queueSelect_) + ": " + llvm::toString(std::move(error)));
    return;
  }
  queue->ready = true;
}

void VirtioMmio::notifyQueue(uint32_t index) {
  // 3.1.1: no buffers are used before DRIVER_OK; a device that needs a
  // reset serves nothing until it gets one.
  if (!(status_ & kVirtioStatusDriverOk) || (status_ & kVirtioStatusNeedsReset))
    return;
  if (index >= queues_.size() || !queueStates_[index].ready)
    return;
  SplitVirtqueue &queue = *queues_[index];
  llvm::Error error = device_->processQueue(index, queue);
  // Chains completed before an error still go back to the driver.
  if (queue.publishUsed())
    raiseInterrupt(kVirtioInterruptUsedBuffer);
  if (error)
    deviceError("queue " + std::to_string(index) + ": " + llvm::toString(std::move(error)));
}

void VirtioMmio::deviceError(std::string message) {
  lastError_ = std::string(name()) + ": " + message;
  if (reportError_)
    reportError_(lastError_);
  bool wasRunning = (status_ & kVirtioStatusDriverOk) != 0;
  status_ |= kVirtioStatusNeedsReset;
  for (unsigned i = 0; i < queues_.size(); ++i) {
    queues_[i]->disable();
    queueStates_[i].ready = false;
  }
  // 2.1.2: with DRIVER_OK set, NEEDS_RESET comes with a configuration change
  // notification.
  if (wasRunning)
    raiseInterrupt(kVirtioInterruptConfigChange);
}

void VirtioMmio::resetDevice() {
  status_ = 0;
  deviceFeaturesSelect_ = driverFeaturesSelect_ = 0;
  driverFeatures_ = negotiatedFeatures_ = 0;
  queueSelect_ = 0;
  sharedMemorySelect_ = 0;
  interruptStatus_ = 0;
  lastError_.clear();
  for (unsigned i = 0; i < queues_.size(); ++i) {
    queues_[i]->disable();
    queueStates_[i] = QueueState{};
    queueStates_[i].size = device_->maxQueueSize();
  }
  if (device_ != nullptr)
    device_->reset();
  updateIrq();
}

void VirtioMmio::raiseInterrupt(uint32_t bits) {
  interruptStatus_ |= bits;
  updateIrq();
}

void VirtioMmio::updateIrq() {
  bool level = interruptStatus_ != 0;
  if (level != irqLevel_) {
    irqLevel_ = level;
    irq_.setLevel(level);
  }
}

} // namespace tiercel::devices
