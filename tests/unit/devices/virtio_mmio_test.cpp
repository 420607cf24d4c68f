// The virtio-mmio transport and split virtqueues, driven like a guest:
// identification registers, an empty slot, feature negotiation, queue
// set-up, interrupts and their suppression (flags and EVENT_IDX), reset,
// and every malformed ring a guest can write ending in NEEDS_RESET rather
// than a host crash. The device behind it is virtio-rng (the simplest).
#include "devices/virtio_mmio.h"

#include <gtest/gtest.h>

#include <thread>

#include "devices/virtio_rng.h"
#include "virtio_test_driver.h"

namespace tiercel::devices {
namespace {

using testing::Segment;
using testing::VirtioTestDriver;
namespace reg = testing::reg;

constexpr uint64_t kVersion1 = uint64_t{1} << 32;
constexpr uint64_t kIndirect = uint64_t{1} << 28;
constexpr uint64_t kEventIdx = uint64_t{1} << 29;

TEST(PhysicalMapDmaTest, RamRangeCoversOnlyWholeRamRanges) {
  std::vector<uint8_t> ram(0x1000), rom(0x100);
  testing::LevelRecorder irq;
  PhysicalMap map;
  VirtioMmio slot(map, irq);
  ASSERT_FALSE(map.addMemory(PhysicalRegion::Kind::Ram, 0x80000000, ram.size(), ram.data(), "ram"));
  ASSERT_FALSE(map.addMemory(PhysicalRegion::Kind::Rom, 0x1000, rom.size(), rom.data(), "rom"));
  ASSERT_FALSE(map.addDevice(0x10001000, slot));
  EXPECT_EQ(map.ramRange(0x80000000, 0x1000), ram.data());
  EXPECT_EQ(map.ramRange(0x80000ff0, 0x10), ram.data() + 0xff0);
  EXPECT_EQ(map.ramRange(0x80000ff0, 0x11), nullptr); // runs off the end
  EXPECT_EQ(map.ramRange(0x80001000, 0), nullptr);    // just past it
  EXPECT_EQ(map.ramRange(0x80000800, ~uint64_t{0}), nullptr);
  EXPECT_EQ(map.ramRange(0x1000, 4), nullptr);     // ROM is no DMA target
  EXPECT_EQ(map.ramRange(0x10001000, 4), nullptr); // nor is MMIO
  EXPECT_EQ(map.ramRange(0x7ffffff0, 0x20), nullptr);
}

TEST(VirtioMmioTest, EmptySlotIdentifiesAsDeviceZeroAndIgnoresWrites) {
  VirtioTestDriver driver(nullptr);
  EXPECT_EQ(driver.reg(reg::MagicValue), 0x74726976u);
  EXPECT_EQ(driver.reg(reg::Version), 2u);
  EXPECT_EQ(driver.reg(reg::DeviceId), 0u);
  EXPECT_EQ(driver.reg(reg::VendorId), 0x554d4551u);
  EXPECT_EQ(driver.deviceFeatures(), 0u);
  EXPECT_EQ(driver.reg(reg::QueueNumMax), 0u);
  driver.setReg(reg::Status, 1);
  EXPECT_EQ(driver.reg(reg::Status), 0u);
  driver.notify(0);
  EXPECT_EQ(driver.config(0, 4), 0u);
  EXPECT_EQ(driver.irq.changes, 0);
}

TEST(VirtioMmioTest, IdentifiesTheDeviceAndOffersTheRingFeatures) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  EXPECT_EQ(driver.reg(reg::MagicValue), 0x74726976u);
  EXPECT_EQ(driver.reg(reg::Version), 2u);
  EXPECT_EQ(driver.reg(reg::DeviceId), 4u);
  EXPECT_EQ(driver.deviceFeatures(), kVersion1 | kIndirect | kEventIdx);
  driver.setReg(reg::DeviceFeaturesSel, 2); // no third word
  EXPECT_EQ(driver.reg(reg::DeviceFeatures), 0u);
  driver.setReg(reg::QueueSel, 0);
  EXPECT_EQ(driver.reg(reg::QueueNumMax), VirtioRng::kQueueSize);
  driver.setReg(reg::QueueSel, 1); // no such queue
  EXPECT_EQ(driver.reg(reg::QueueNumMax), 0u);
  EXPECT_EQ(driver.reg(reg::QueueReady), 0u);
  driver.setReg(reg::ShmSel, 0);
  EXPECT_EQ(driver.reg(reg::ShmLenLow), 0xffffffffu); // no shared memory regions
  EXPECT_EQ(driver.reg(reg::ConfigGeneration), 0u);
}

TEST(VirtioMmioTest, ControlRegistersTakeOnlyAligned32BitAccesses) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  uint64_t value = 0;
  EXPECT_FALSE(driver.transport->read(reg::MagicValue, 2, value));
  EXPECT_FALSE(driver.transport->read(reg::MagicValue + 1, 4, value));
  EXPECT_FALSE(driver.transport->read(reg::MagicValue, 8, value));
  EXPECT_FALSE(driver.transport->write(reg::Status, 1, 1));
  EXPECT_FALSE(driver.transport->read(0x1000, 4, value)); // past the window
  EXPECT_FALSE(driver.transport->read(0xffe, 4, value));
  EXPECT_TRUE(driver.transport->read(reg::Config + 3, 1, value)); // config: any width
  EXPECT_EQ(driver.reg(reg::Status), 0u);
}

TEST(VirtioMmioTest, RefusesFeaturesNotOfferedAndDriversWithoutVersion1) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  EXPECT_FALSE(driver.negotiate(0)); // a legacy driver
  EXPECT_EQ(driver.reg(reg::Status), 3u);
  EXPECT_FALSE(driver.negotiate(kVersion1 | uint64_t{1} << 5)); // a bit not offered
  EXPECT_TRUE(driver.negotiate(kVersion1 | kIndirect));
  EXPECT_EQ(driver.reg(reg::Status), 1u | 2 | 8);
  // Features are fixed once FEATURES_OK is set.
  driver.setReg(reg::DriverFeaturesSel, 0);
  driver.setReg(reg::DriverFeatures, 0);
  driver.setupQueue(0, 4);
  driver.driverOk();
  uint64_t buffer = driver.alloc(8);
  driver.addIndirectChain({{buffer, 8, true}}); // still allowed: INDIRECT_DESC stands
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 1);
  EXPECT_FALSE(driver.needsReset());
}

// Indirect tables have no alignment rule (virtio 1.2 2.7 aligns only the
// rings and the main table): Linux built with SLOB hands out 8-byte aligned
// ones.
TEST(VirtioMmioTest, IndirectTableNeedOnlyBeEightByteAligned) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1 | kIndirect, 8);
  uint64_t buffer = driver.alloc(24);
  uint64_t table = driver.alloc(32 + 8) + 8; // 8 bytes past a 16-byte boundary
  driver.setDescriptor(table, 0, buffer, 16, 2 | 1, 1); // WRITE | NEXT
  driver.setDescriptor(table, 1, buffer + 16, 8, 2, 0);
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, table, 32, 4, 0);
  driver.publish(0);
  driver.notify();
  EXPECT_FALSE(driver.needsReset()) << driver.transport->lastError();
  EXPECT_EQ(driver.usedIndex(), 1);
  EXPECT_EQ(driver.usedLength(0), 24u);
}

TEST(VirtioMmioTest, UsedBufferRaisesTheInterruptUntilAcknowledged) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1);
  uint64_t buffer = driver.alloc(32);
  uint16_t head = driver.addChain({{buffer, 32, true}});
  EXPECT_FALSE(driver.irq.level);
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 1);
  EXPECT_EQ(driver.usedId(0), head);
  EXPECT_EQ(driver.usedLength(0), 32u);
  EXPECT_TRUE(driver.irq.level);
  EXPECT_EQ(driver.reg(reg::InterruptStatus), 1u);
  driver.setReg(reg::InterruptAck, 1);
  EXPECT_FALSE(driver.irq.level);
  EXPECT_EQ(driver.reg(reg::InterruptStatus), 0u);
}

TEST(VirtioMmioTest, NothingIsServedBeforeDriverOk) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  ASSERT_TRUE(driver.negotiate(kVersion1));
  driver.setupQueue(0, 8);
  uint64_t buffer = driver.alloc(16);
  driver.addChain({{buffer, 16, true}});
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 0);
  driver.driverOk();
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 1);
}

TEST(VirtioMmioTest, HostSideServiceFromAnotherThreadIsLikeANotify) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  ASSERT_TRUE(driver.negotiate(kVersion1));
  driver.setupQueue(0, 8);
  driver.addChain({{driver.alloc(16), 16, true}});
  std::thread([&] { driver.transport->serviceQueue(0); }).join();
  EXPECT_EQ(driver.usedIndex(), 0); // not before DRIVER_OK
  driver.driverOk();
  std::thread([&] { driver.transport->serviceQueue(0); }).join();
  EXPECT_EQ(driver.usedIndex(), 1);
  EXPECT_TRUE(driver.irq.level);
  driver.transport->serviceQueue(7); // no such queue: ignored
  EXPECT_EQ(driver.transport->status() & kVirtioStatusNeedsReset, 0u);
}

TEST(VirtioMmioTest, ConfigChangeBumpsTheGenerationAndInterrupts) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.transport->configChanged(); // before DRIVER_OK: nothing to tell
  EXPECT_EQ(driver.reg(reg::ConfigGeneration), 0u);
  driver.initialize(kVersion1);
  driver.transport->configChanged();
  EXPECT_EQ(driver.reg(reg::ConfigGeneration), 1u);
  EXPECT_EQ(driver.reg(reg::InterruptStatus), kVirtioInterruptConfigChange);
  EXPECT_TRUE(driver.irq.level);
  driver.setReg(reg::InterruptAck, kVirtioInterruptConfigChange);
  EXPECT_FALSE(driver.irq.level);
}

TEST(VirtioMmioTest, NoInterruptFlagSuppressesTheInterruptButNotTheWork) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1);
  driver.poke<uint16_t>(VirtioTestDriver::kDriverRing, 1); // VIRTQ_AVAIL_F_NO_INTERRUPT
  driver.addChain({{driver.alloc(8), 8, true}});
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 1);
  EXPECT_FALSE(driver.irq.level);
}

TEST(VirtioMmioTest, EventIndexInterruptsOnlyWhenUsedEventIsPassed) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1 | kEventIdx);
  // The first used buffer always interrupts (nothing signalled yet).
  driver.setUsedEvent(0);
  driver.addChain({{driver.alloc(8), 8, true}});
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 1);
  EXPECT_TRUE(driver.irq.level);
  // The device asks to be notified at the next available entry.
  EXPECT_EQ(driver.availEvent(), 1);
  driver.acknowledgeInterrupts();

  // Interrupt me when used entry 3 is written: entries 1 and 2 stay quiet.
  driver.setUsedEvent(3);
  for (int i = 0; i < 2; ++i) {
    driver.addChain({{driver.alloc(8), 8, true}});
    driver.notify();
    EXPECT_FALSE(driver.irq.level) << "used index " << driver.usedIndex();
  }
  EXPECT_EQ(driver.usedIndex(), 3);
  driver.addChain({{driver.alloc(8), 8, true}});
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 4);
  EXPECT_TRUE(driver.irq.level);
  EXPECT_EQ(driver.availEvent(), 4);
  driver.acknowledgeInterrupts();

  // A batch that jumps over used_event still interrupts once.
  driver.setUsedEvent(5);
  for (int i = 0; i < 3; ++i)
    driver.addChain({{driver.alloc(8), 8, true}});
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 7);
  EXPECT_TRUE(driver.irq.level);
}

TEST(VirtioMmioTest, QueueRegistersAreFixedWhileTheQueueIsReady) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1, 8);
  driver.setReg(reg::QueueSel, 0);
  driver.setReg(reg::QueueNum, 2);
  driver.setReg(reg::QueueDescLow, 0x1234);
  EXPECT_EQ(driver.reg(reg::QueueNum), 8u);
  EXPECT_EQ(driver.reg(reg::QueueDescLow), static_cast<uint32_t>(VirtioTestDriver::kDescriptors));
  // Disabling the queue stops the work.
  driver.setReg(reg::QueueReady, 0);
  EXPECT_EQ(driver.reg(reg::QueueReady), 0u);
  driver.addChain({{driver.alloc(8), 8, true}});
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 0);
}

TEST(VirtioMmioTest, ResetClearsEverythingAndTheDeviceWorksAgain) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1 | kIndirect);
  driver.addChain({{driver.alloc(8), 8, true}});
  driver.notify();
  ASSERT_TRUE(driver.irq.level);
  driver.setReg(reg::Status, 0);
  EXPECT_EQ(driver.reg(reg::Status), 0u);
  EXPECT_EQ(driver.reg(reg::InterruptStatus), 0u);
  EXPECT_FALSE(driver.irq.level);
  driver.setReg(reg::QueueSel, 0);
  EXPECT_EQ(driver.reg(reg::QueueReady), 0u);
  EXPECT_EQ(driver.reg(reg::QueueNum), VirtioRng::kQueueSize); // back to the default
  driver.initialize(kVersion1, 4);
  uint64_t buffer = driver.alloc(16);
  driver.addChain({{buffer, 16, true}});
  driver.notify();
  EXPECT_EQ(driver.usedIndex(), 1); // the rings restart at index 0
  EXPECT_EQ(driver.usedLength(0), 16u);
}

// --- malformed rings: NEEDS_RESET and a configuration-change interrupt

struct MalformedRingTest : ::testing::Test {
  void SetUp() override { driver.initialize(kVersion1 | kIndirect, 8); }
  // The device stopped with NEEDS_RESET, said why, and told the driver.
  void expectNeedsReset(const char *reason) {
    EXPECT_TRUE(driver.needsReset());
    EXPECT_NE(driver.transport->lastError().find(reason), std::string::npos)
        << driver.transport->lastError();
    EXPECT_TRUE(driver.reg(reg::InterruptStatus) & 2);
    EXPECT_TRUE(driver.irq.level);
    EXPECT_EQ(driver.usedIndex(), 0);
    // Later notifications are ignored until a reset...
    driver.acknowledgeInterrupts();
    driver.notify();
    EXPECT_FALSE(driver.irq.level);
    // ...the driver cannot clear the bit by writing Status...
    driver.setReg(reg::Status, 0xf);
    EXPECT_TRUE(driver.needsReset());
    // ...and after one the device serves again.
    driver.initialize(kVersion1, 8);
    EXPECT_FALSE(driver.needsReset());
    EXPECT_EQ(driver.transport->lastError(), "");
    driver.addChain({{driver.alloc(8), 8, true}});
    driver.notify();
    EXPECT_EQ(driver.usedIndex(), 1);
  }
  VirtioRng rng;
  VirtioTestDriver driver{&rng};
};

TEST_F(MalformedRingTest, ChainThatLoops) {
  uint64_t buffer = driver.alloc(8);
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, buffer, 8, 1 | 2, 1);
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 1, buffer, 8, 1 | 2, 0);
  driver.publish(0);
  driver.notify();
  expectNeedsReset("loops");
}

TEST_F(MalformedRingTest, SelfLinkedDescriptor) {
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 5, driver.alloc(8), 8, 1 | 2, 5);
  driver.publish(5);
  driver.notify();
  expectNeedsReset("loops");
}

TEST_F(MalformedRingTest, NextIndexPastTheTable) {
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, driver.alloc(8), 8, 1 | 2, 300);
  driver.publish(0);
  driver.notify();
  expectNeedsReset("past the descriptor table");
}

TEST_F(MalformedRingTest, HeadIndexPastTheTable) {
  driver.publish(8);
  driver.notify();
  expectNeedsReset("past the descriptor table");
}

TEST_F(MalformedRingTest, BufferOutsideRam) {
  driver.addChain({{0x1000, 8, true}});
  driver.notify();
  expectNeedsReset("outside RAM");
}

TEST_F(MalformedRingTest, BufferRunningOffTheEndOfRam) {
  driver.addChain({{VirtioTestDriver::kRamBase + VirtioTestDriver::kRamBytes - 4, 8, true}});
  driver.notify();
  expectNeedsReset("outside RAM");
}

TEST_F(MalformedRingTest, BufferWithAHugeLengthThatWouldWrap) {
  driver.addChain({{VirtioTestDriver::kRamBase, 0xffffffff, true}});
  driver.notify();
  expectNeedsReset("outside RAM");
}

TEST_F(MalformedRingTest, ReadableBufferAfterAWritableOne) {
  driver.addChain({{driver.alloc(8), 8, true}, {driver.alloc(8), 8, false}});
  driver.notify();
  expectNeedsReset("device-readable buffer after a device-writable one");
}

TEST_F(MalformedRingTest, AvailableIndexMovedTooFar) {
  driver.setAvailIndex(9);
  driver.notify();
  expectNeedsReset("more than the queue size");
}

TEST_F(MalformedRingTest, NestedIndirectTable) {
  uint64_t inner = driver.alloc(16);
  driver.setDescriptor(inner, 0, driver.alloc(8), 8, 2, 0);
  uint64_t outer = driver.alloc(16);
  driver.setDescriptor(outer, 0, inner, 16, 4, 0);
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, outer, 16, 4, 0);
  driver.publish(0);
  driver.notify();
  expectNeedsReset("inside an indirect table");
}

TEST_F(MalformedRingTest, IndirectTableWithABadLength) {
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, driver.alloc(32), 24, 4, 0);
  driver.publish(0);
  driver.notify();
  expectNeedsReset("not a positive multiple of 16");
}

TEST_F(MalformedRingTest, IndirectTableOutsideRam) {
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, 0x40000000, 64, 4, 0);
  driver.publish(0);
  driver.notify();
  expectNeedsReset("indirect table 0x40000000+0x40 outside RAM");
}

TEST_F(MalformedRingTest, IndirectWithNext) {
  uint64_t table = driver.alloc(16);
  driver.setDescriptor(table, 0, driver.alloc(8), 8, 2, 0);
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, table, 16, 4 | 1, 1);
  driver.publish(0);
  driver.notify();
  expectNeedsReset("with NEXT");
}

TEST_F(MalformedRingTest, LoopInsideAnIndirectTable) {
  uint64_t table = driver.alloc(32);
  uint64_t buffer = driver.alloc(8);
  driver.setDescriptor(table, 0, buffer, 8, 2 | 1, 1);
  driver.setDescriptor(table, 1, buffer, 8, 2 | 1, 0);
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, table, 32, 4, 0);
  driver.publish(0);
  driver.notify();
  expectNeedsReset("loops");
}

TEST_F(MalformedRingTest, NextPastAnIndirectTable) {
  uint64_t table = driver.alloc(16);
  driver.setDescriptor(table, 0, driver.alloc(8), 8, 2 | 1, 1);
  driver.setDescriptor(VirtioTestDriver::kDescriptors, 0, table, 16, 4, 0);
  driver.publish(0);
  driver.notify();
  expectNeedsReset("past the indirect table");
}

TEST(VirtioMmioRingSetupTest, IndirectWithoutTheFeatureIsAnError) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1, 8);
  driver.addIndirectChain({{driver.alloc(8), 8, true}});
  driver.notify();
  EXPECT_TRUE(driver.needsReset());
  EXPECT_NE(driver.transport->lastError().find("INDIRECT_DESC was not negotiated"),
            std::string::npos);
}

TEST(VirtioMmioRingSetupTest, BadQueueLayoutsNeedAReset) {
  struct Case {
    const char *what;
    uint16_t size;
    uint64_t descriptors, driverRing, deviceRing;
    const char *reason;
  };
  const uint64_t base = VirtioTestDriver::kRamBase;
  const Case cases[] = {
      {"size not a power of two", 6, base + 0x1000, base + 0x3000, base + 0x4000,
       "not a power of two"},
      {"size zero", 0, base + 0x1000, base + 0x3000, base + 0x4000, "not a power of two"},
      {"size above QueueNumMax", 128, base + 0x1000, base + 0x3000, base + 0x4000,
       "above QueueNumMax"},
      {"descriptors misaligned", 8, base + 0x1008, base + 0x3000, base + 0x4000, "misaligned"},
      {"device ring misaligned", 8, base + 0x1000, base + 0x3000, base + 0x4002, "misaligned"},
      {"descriptors outside RAM", 8, 0x1000, base + 0x3000, base + 0x4000, "outside RAM"},
      {"device ring past RAM's end", 8, base + 0x1000, base + 0x3000,
       base + VirtioTestDriver::kRamBytes - 16, "outside RAM"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.what);
    VirtioRng rng;
    VirtioTestDriver driver(&rng);
    ASSERT_TRUE(driver.negotiate(kVersion1));
    driver.setupQueue(0, c.size, c.descriptors, c.driverRing, c.deviceRing);
    EXPECT_EQ(driver.reg(reg::QueueReady), 0u);
    EXPECT_TRUE(driver.needsReset());
    EXPECT_NE(driver.transport->lastError().find(c.reason), std::string::npos)
        << driver.transport->lastError();
    // Before DRIVER_OK there is no configuration-change interrupt (2.1.2).
    EXPECT_FALSE(driver.irq.level);
  }
}

TEST(VirtioMmioRingSetupTest, ErrorsGoToTheReporter) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  std::vector<std::string> reports;
  driver.transport->setErrorReporter(
      [&](const std::string &message) { reports.push_back(message); });
  driver.initialize(kVersion1, 8);
  driver.publish(9);
  driver.notify();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].rfind("virtio_rng: queue 0: descriptor index 9", 0), 0u) << reports[0];
}

} // namespace
} // namespace tiercel::devices
