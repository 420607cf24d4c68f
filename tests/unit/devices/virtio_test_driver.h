// A virtio driver for tests, written here from the spec rather than taken
// from the device code: fake guest RAM in a PhysicalMap, the virtio-mmio
// registers driven as Linux's virtio_mmio.c does (reset, ACKNOWLEDGE,
// DRIVER, features, FEATURES_OK, queue set-up, DRIVER_OK), and split rings
// built by hand, so tests can also build the malformed ones a hostile guest
// would.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "device_test_support.h"
#include "devices/virtio_mmio.h"
#include "machine/system/physical_map.h"

namespace tiercel::devices::testing {

// virtio-mmio register offsets (virtio 1.2, 4.2.2), spelled out again here
// so the tests check the device against the spec, not against itself.
namespace reg {
inline constexpr uint64_t MagicValue = 0x000, Version = 0x004, DeviceId = 0x008, VendorId = 0x00c,
                          DeviceFeatures = 0x010, DeviceFeaturesSel = 0x014, DriverFeatures = 0x020,
                          DriverFeaturesSel = 0x024, QueueSel = 0x030, QueueNumMax = 0x034,
                          QueueNum = 0x038, QueueReady = 0x044, QueueNotify = 0x050,
                          InterruptStatus = 0x060, InterruptAck = 0x064, Status = 0x070,
                          QueueDescLow = 0x080, QueueDescHigh = 0x084, QueueDriverLow = 0x090,
                          QueueDriverHigh = 0x094, QueueDeviceLow = 0x0a0, QueueDeviceHigh = 0x0a4,
                          ShmSel = 0x0ac, ShmLenLow = 0x0b0, ConfigGeneration = 0x0fc,
                          Config = 0x100;
} // namespace reg

struct Segment {
  uint64_t address;
  uint32_t length;
  bool deviceWritable;
};

class VirtioTestDriver {
public:
  static constexpr uint64_t kRamBase = 0x80000000;
  static constexpr uint64_t kRamBytes = 1 << 20;
  static constexpr uint64_t kDescriptors = kRamBase + 0x1000;
  static constexpr uint64_t kDriverRing = kRamBase + 0x3000;
  static constexpr uint64_t kDeviceRing = kRamBase + 0x4000;
  static constexpr uint64_t kHeapStart = kRamBase + 0x10000;

  explicit VirtioTestDriver(VirtioDevice *device) : ram_(kRamBytes / 8, 0) {
    EXPECT_FALSE(map.addMemory(PhysicalRegion::Kind::Ram, kRamBase, kRamBytes, ramBytes(), "ram"));
    transport = std::make_unique<VirtioMmio>(map, device, irq);
  }

  uint8_t *ramBytes() { return reinterpret_cast<uint8_t *>(ram_.data()); }
  uint8_t *host(uint64_t address) { return ramBytes() + (address - kRamBase); }

  // --- registers
  uint32_t reg(uint64_t offset) {
    uint64_t value = 0;
    EXPECT_TRUE(transport->read(offset, 4, value)) << "read 0x" << std::hex << offset;
    return static_cast<uint32_t>(value);
  }
  void setReg(uint64_t offset, uint32_t value) {
    EXPECT_TRUE(transport->write(offset, 4, value)) << "write 0x" << std::hex << offset;
  }
  uint64_t config(uint64_t offset, unsigned size) {
    uint64_t value = 0;
    EXPECT_TRUE(transport->read(reg::Config + offset, size, value));
    return value;
  }

  uint64_t deviceFeatures() {
    setReg(reg::DeviceFeaturesSel, 0);
    uint64_t low = reg(reg::DeviceFeatures);
    setReg(reg::DeviceFeaturesSel, 1);
    return uint64_t{reg(reg::DeviceFeatures)} << 32 | low;
  }

  // Steps 1-6 of 3.1.1; true if the device kept FEATURES_OK.
  bool negotiate(uint64_t features) {
    setReg(reg::Status, 0);
    setReg(reg::Status, 1);     // ACKNOWLEDGE
    setReg(reg::Status, 1 | 2); // DRIVER
    setReg(reg::DriverFeaturesSel, 0);
    setReg(reg::DriverFeatures, static_cast<uint32_t>(features));
    setReg(reg::DriverFeaturesSel, 1);
    setReg(reg::DriverFeatures, static_cast<uint32_t>(features >> 32));
    setReg(reg::Status, 1 | 2 | 8); // FEATURES_OK
    negotiated = features;
    return (reg(reg::Status) & 8) != 0;
  }

  void setupQueue(unsigned index, uint16_t size, uint64_t descriptors = kDescriptors,
                  uint64_t driverRing = kDriverRing, uint64_t deviceRing = kDeviceRing) {
    setReg(reg::QueueSel, index);
    EXPECT_EQ(reg(reg::QueueReady), 0u);
    // The driver zeroes the rings before handing them over.
    std::memset(host(kDescriptors), 0, kHeapStart - kDescriptors);
    setReg(reg::QueueNum, size);
    setReg(reg::QueueDescLow, static_cast<uint32_t>(descriptors));
    setReg(reg::QueueDescHigh, static_cast<uint32_t>(descriptors >> 32));
    setReg(reg::QueueDriverLow, static_cast<uint32_t>(driverRing));
    setReg(reg::QueueDriverHigh, static_cast<uint32_t>(driverRing >> 32));
    setReg(reg::QueueDeviceLow, static_cast<uint32_t>(deviceRing));
    setReg(reg::QueueDeviceHigh, static_cast<uint32_t>(deviceRing >> 32));
    setReg(reg::QueueReady, 1);
    queueSize = size;
    nextDescriptor_ = 0;
    availIndex_ = 0;
  }

  void driverOk() { setReg(reg::Status, reg(reg::Status) | 4); }

  // The whole bring-up for a one-queue device.
  void initialize(uint64_t features, uint16_t size = 16) {
    ASSERT_TRUE(negotiate(features));
    setupQueue(0, size);
    driverOk();
    ASSERT_EQ(reg(reg::Status), 1u | 2 | 4 | 8);
  }

  // --- guest memory
  uint64_t alloc(uint64_t bytes, uint64_t align = 16) {
    heap_ = (heap_ + align - 1) & ~(align - 1);
    uint64_t at = heap_;
    heap_ += bytes;
    EXPECT_LE(heap_, kRamBase + kRamBytes);
    return at;
  }
  template <class T> void poke(uint64_t address, T value) {
    std::memcpy(host(address), &value, sizeof value);
  }
  template <class T> T peek(uint64_t address) {
    T value;
    std::memcpy(&value, host(address), sizeof value);
    return value;
  }

  // --- rings
  void setDescriptor(uint64_t table, uint32_t index, uint64_t address, uint32_t length,
                     uint16_t flags, uint16_t next) {
    uint64_t at = table + 16 * uint64_t{index};
    poke<uint64_t>(at, address);
    poke<uint32_t>(at + 8, length);
    poke<uint16_t>(at + 12, flags);
    poke<uint16_t>(at + 14, next);
  }
  // Puts a chain in consecutive descriptor slots and makes it available.
  uint16_t addChain(const std::vector<Segment> &segments) {
    uint16_t head = static_cast<uint16_t>(nextDescriptor_ % queueSize);
    for (size_t i = 0; i < segments.size(); ++i) {
      uint16_t index = static_cast<uint16_t>(nextDescriptor_++ % queueSize);
      bool last = i + 1 == segments.size();
      uint16_t flags = (segments[i].deviceWritable ? 2 : 0) | (last ? 0 : 1);
      setDescriptor(kDescriptors, index, segments[i].address, segments[i].length, flags,
                    static_cast<uint16_t>(nextDescriptor_ % queueSize));
    }
    publish(head);
    return head;
  }
  // The same chain in an indirect table behind one descriptor.
  uint16_t addIndirectChain(const std::vector<Segment> &segments) {
    uint64_t table = alloc(16 * segments.size());
    for (size_t i = 0; i < segments.size(); ++i) {
      bool last = i + 1 == segments.size();
      uint16_t flags = (segments[i].deviceWritable ? 2 : 0) | (last ? 0 : 1);
      setDescriptor(table, static_cast<uint32_t>(i), segments[i].address, segments[i].length, flags,
                    static_cast<uint16_t>(i + 1));
    }
    uint16_t head = static_cast<uint16_t>(nextDescriptor_++ % queueSize);
    setDescriptor(kDescriptors, head, table, static_cast<uint32_t>(16 * segments.size()), 4, 0);
    publish(head);
    return head;
  }
  void publish(uint16_t head) {
    poke<uint16_t>(kDriverRing + 4 + 2 * (availIndex_ % queueSize), head);
    poke<uint16_t>(kDriverRing + 2, ++availIndex_);
  }
  void setAvailIndex(uint16_t index) {
    availIndex_ = index;
    poke<uint16_t>(kDriverRing + 2, index);
  }
  void notify(unsigned queue = 0) { setReg(reg::QueueNotify, queue); }

  uint16_t usedIndex() { return peek<uint16_t>(kDeviceRing + 2); }
  uint32_t usedId(uint16_t position) {
    return peek<uint32_t>(kDeviceRing + 4 + 8 * (position % queueSize));
  }
  uint32_t usedLength(uint16_t position) {
    return peek<uint32_t>(kDeviceRing + 8 + 8 * (position % queueSize));
  }
  // EVENT_IDX fields (2.7.10): used_event after the driver ring, avail_event
  // after the device ring.
  void setUsedEvent(uint16_t value) { poke<uint16_t>(kDriverRing + 4 + 2 * queueSize, value); }
  uint16_t availEvent() { return peek<uint16_t>(kDeviceRing + 4 + 8 * queueSize); }

  void acknowledgeInterrupts() { setReg(reg::InterruptAck, reg(reg::InterruptStatus)); }
  bool needsReset() { return (reg(reg::Status) & 0x40) != 0; }

  PhysicalMap map;
  LevelRecorder irq;
  std::unique_ptr<VirtioMmio> transport;
  uint16_t queueSize = 0;
  uint64_t negotiated = 0;

private:
  std::vector<uint64_t> ram_; // 8-byte aligned, as guest RAM is
  uint64_t heap_ = kHeapStart;
  uint32_t nextDescriptor_ = 0;
  uint16_t availIndex_ = 0;
};

} // namespace tiercel::devices::testing
