// Split rings of any queue index for devices with several queues (virtio
// console, virtio-net), on top of devices/virtio_test_driver.h, whose own
// helpers drive queue 0 at fixed addresses. Each TestQueue takes its rings
// from the driver's heap, programs the queue registers as Linux's
// virtio_mmio.c does, and keeps its own descriptor and available-ring
// positions, written from the spec (virtio 1.2, 2.7) like the rest of the
// test driver.
#pragma once

#include <cstring>
#include <vector>

#include "devices/virtio_test_driver.h"

namespace tiercel::devices::testing {

class TestQueue {
public:
  TestQueue(VirtioTestDriver &driver, unsigned index, uint16_t size)
      : driver_(driver), index_(index), size_(size) {
    descriptors_ = driver.alloc(16 * uint64_t{size}, 16);
    driverRing_ = driver.alloc(6 + 2 * uint64_t{size}, 4);
    deviceRing_ = driver.alloc(6 + 8 * uint64_t{size}, 4);
    std::memset(driver.host(descriptors_), 0, 16 * uint64_t{size});
    std::memset(driver.host(driverRing_), 0, 6 + 2 * uint64_t{size});
    std::memset(driver.host(deviceRing_), 0, 6 + 8 * uint64_t{size});
    driver.setReg(reg::QueueSel, index);
    driver.setReg(reg::QueueNum, size);
    driver.setReg(reg::QueueDescLow, static_cast<uint32_t>(descriptors_));
    driver.setReg(reg::QueueDescHigh, static_cast<uint32_t>(descriptors_ >> 32));
    driver.setReg(reg::QueueDriverLow, static_cast<uint32_t>(driverRing_));
    driver.setReg(reg::QueueDriverHigh, static_cast<uint32_t>(driverRing_ >> 32));
    driver.setReg(reg::QueueDeviceLow, static_cast<uint32_t>(deviceRing_));
    driver.setReg(reg::QueueDeviceHigh, static_cast<uint32_t>(deviceRing_ >> 32));
    driver.setReg(reg::QueueReady, 1);
  }

  // A chain in consecutive descriptor slots, made available.
  uint16_t addChain(const std::vector<Segment> &segments) {
    uint16_t head = static_cast<uint16_t>(nextDescriptor_ % size_);
    for (size_t i = 0; i < segments.size(); ++i) {
      uint16_t slot = static_cast<uint16_t>(nextDescriptor_++ % size_);
      bool last = i + 1 == segments.size();
      uint16_t flags = (segments[i].deviceWritable ? 2 : 0) | (last ? 0 : 1);
      driver_.setDescriptor(descriptors_, slot, segments[i].address, segments[i].length, flags,
                            static_cast<uint16_t>(nextDescriptor_ % size_));
    }
    driver_.poke<uint16_t>(driverRing_ + 4 + 2 * (availIndex_ % size_), head);
    driver_.poke<uint16_t>(driverRing_ + 2, ++availIndex_);
    return head;
  }
  // One buffer of `bytes` from the heap, as a one-descriptor chain.
  uint64_t addBuffer(uint32_t bytes, bool deviceWritable, const void *contents = nullptr) {
    uint64_t at = driver_.alloc(bytes == 0 ? 1 : bytes);
    if (contents != nullptr)
      std::memcpy(driver_.host(at), contents, bytes);
    addChain({{at, bytes, deviceWritable}});
    return at;
  }

  void notify() { driver_.notify(index_); }
  uint16_t usedIndex() { return driver_.peek<uint16_t>(deviceRing_ + 2); }
  uint32_t usedId(uint16_t position) {
    return driver_.peek<uint32_t>(deviceRing_ + 4 + 8 * (position % size_));
  }
  uint32_t usedLength(uint16_t position) {
    return driver_.peek<uint32_t>(deviceRing_ + 8 + 8 * (position % size_));
  }
  void setAvailFlags(uint16_t flags) { driver_.poke<uint16_t>(driverRing_, flags); }

  uint64_t descriptors() const { return descriptors_; }
  uint64_t driverRing() const { return driverRing_; }
  uint64_t deviceRing() const { return deviceRing_; }
  uint16_t size() const { return size_; }

private:
  VirtioTestDriver &driver_;
  unsigned index_;
  uint16_t size_;
  uint64_t descriptors_ = 0, driverRing_ = 0, deviceRing_ = 0;
  uint32_t nextDescriptor_ = 0;
  uint16_t availIndex_ = 0;
};

} // namespace tiercel::devices::testing
