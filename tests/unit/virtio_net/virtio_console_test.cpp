// virtio console, one port (devices/virtio_console.h), driven through the
// virtio-mmio transport by the test driver: identity and features, output
// from the transmitq to the host end, host input into the receiveq both
// ways round (input first, buffers first), flow control, emergency writes,
// and input that outlives a device reset.
#include <gtest/gtest.h>

#include <string>

#include "devices/virtio_console.h"
#include "virtio_queue_driver.h"

namespace tiercel::devices {
namespace {

using testing::Segment;
using testing::TestQueue;
using testing::VirtioTestDriver;
namespace reg = testing::reg;

constexpr uint64_t kVersion1 = uint64_t{1} << 32;

// A memory back end that counts the device's "room changed" wake-ups.
class CountingBackend : public MemoryCharBackend {
public:
  void receiveRoomChanged() override { ++roomChanges; }
  size_t room() const { return receiveRoom(); }
  int roomChanges = 0;
};

struct ConsoleRig {
  CountingBackend backend;
  VirtioConsole console{backend};
  VirtioTestDriver driver{&console};
  std::unique_ptr<TestQueue> rx, tx;

  explicit ConsoleRig(uint64_t features = kVersion1) {
    console.setServiceQueue([this](unsigned queue) { driver.transport->serviceQueue(queue); });
    EXPECT_TRUE(driver.negotiate(features));
    rx = std::make_unique<TestQueue>(driver, VirtioConsole::kReceiveQueue, 16);
    tx = std::make_unique<TestQueue>(driver, VirtioConsole::kTransmitQueue, 16);
    driver.driverOk();
  }
  std::string bytesAt(uint64_t address, size_t size) {
    return std::string(reinterpret_cast<const char *>(driver.host(address)), size);
  }
};

TEST(VirtioConsoleTest, IdentityFeaturesAndTwoQueues) {
  CountingBackend backend;
  VirtioConsole console(backend);
  VirtioTestDriver driver(&console);
  EXPECT_EQ(driver.reg(reg::DeviceId), 3u);
  uint64_t features = driver.deviceFeatures();
  EXPECT_TRUE(features & kVirtioConsoleFEmergWrite);
  EXPECT_FALSE(features & kVirtioConsoleFMultiport); // one port: no control queues
  EXPECT_FALSE(features & kVirtioConsoleFSize);
  EXPECT_TRUE(features & kVersion1);
  for (unsigned queue : {0u, 1u}) {
    driver.setReg(reg::QueueSel, queue);
    EXPECT_EQ(driver.reg(reg::QueueNumMax), VirtioConsole::kQueueSize) << queue;
  }
  driver.setReg(reg::QueueSel, 2);
  EXPECT_EQ(driver.reg(reg::QueueNumMax), 0u); // control queues exist only with MULTIPORT
}

TEST(VirtioConsoleTest, TransmitQueueGoesToTheHostEnd) {
  ConsoleRig rig;
  // A chain of two readable buffers: one message across them.
  uint64_t first = rig.driver.alloc(6), second = rig.driver.alloc(7);
  std::memcpy(rig.driver.host(first), "hello ", 6);
  std::memcpy(rig.driver.host(second), "world\r\n", 7);
  rig.tx->addChain({{first, 6, false}, {second, 7, false}});
  rig.tx->notify();
  EXPECT_EQ(rig.backend.output(), "hello world\r\n");
  ASSERT_EQ(rig.tx->usedIndex(), 1);
  EXPECT_EQ(rig.tx->usedLength(0), 0u); // the device writes nothing into output buffers
  EXPECT_TRUE(rig.driver.irq.level);
  EXPECT_EQ(rig.driver.reg(reg::InterruptStatus) & 1, 1u);
  EXPECT_FALSE(rig.driver.needsReset());
}

TEST(VirtioConsoleTest, InputBeforeBuffersWaitsForTheDriver) {
  ConsoleRig rig;
  rig.backend.type("ls\n");
  EXPECT_EQ(rig.rx->usedIndex(), 0); // no buffers yet: the bytes wait
  EXPECT_EQ(rig.backend.room(), VirtioConsole::kInputBufferBytes - 3);
  uint64_t buffer = rig.rx->addBuffer(64, true);
  rig.rx->notify();
  ASSERT_EQ(rig.rx->usedIndex(), 1);
  EXPECT_EQ(rig.rx->usedLength(0), 3u);
  EXPECT_EQ(rig.bytesAt(buffer, 3), "ls\n");
  EXPECT_EQ(rig.backend.room(), VirtioConsole::kInputBufferBytes);
  EXPECT_GE(rig.backend.roomChanges, 1); // the back end may send more now
}

TEST(VirtioConsoleTest, InputWithBuffersReadyArrivesAtOnce) {
  ConsoleRig rig;
  uint64_t one = rig.rx->addBuffer(2, true);
  uint64_t two = rig.rx->addBuffer(8, true);
  rig.rx->notify(); // nothing to give yet: the buffers stay with the device
  EXPECT_EQ(rig.rx->usedIndex(), 0);
  rig.driver.acknowledgeInterrupts();
  rig.backend.type("a");
  ASSERT_EQ(rig.rx->usedIndex(), 1);
  EXPECT_EQ(rig.rx->usedLength(0), 1u);
  EXPECT_EQ(rig.bytesAt(one, 1), "a");
  EXPECT_TRUE(rig.driver.irq.level); // serviceQueue raised the interrupt
  rig.backend.type("b");
  ASSERT_EQ(rig.rx->usedIndex(), 2);
  EXPECT_EQ(rig.bytesAt(two, 1), "b");
}

TEST(VirtioConsoleTest, InputSpreadsOverBuffersAndFlowControlHoldsTheRest) {
  ConsoleRig rig;
  std::string text(VirtioConsole::kInputBufferBytes, 'x');
  rig.backend.type(text);
  EXPECT_EQ(rig.backend.room(), 0u);
  rig.backend.type("dropped"); // past the buffer: a back end that ignores room loses bytes
  uint64_t small = rig.rx->addBuffer(1000, true);
  rig.rx->notify();
  EXPECT_EQ(rig.rx->usedLength(0), 1000u);
  EXPECT_EQ(rig.bytesAt(small, 1000), std::string(1000, 'x'));
  EXPECT_EQ(rig.backend.room(), 1000u);
  uint64_t large = rig.rx->addBuffer(8192, true);
  rig.rx->notify();
  EXPECT_EQ(rig.rx->usedLength(1), VirtioConsole::kInputBufferBytes - 1000);
  EXPECT_EQ(rig.bytesAt(large, 4), "xxxx");
  EXPECT_EQ(rig.backend.room(), VirtioConsole::kInputBufferBytes);
}

TEST(VirtioConsoleTest, EmergencyWriteWorksBeforeTheDriverIsReady) {
  CountingBackend backend;
  VirtioConsole console(backend);
  VirtioTestDriver driver(&console);
  for (char c : std::string("early!"))
    ASSERT_TRUE(driver.transport->write(reg::Config + VirtioConsole::kEmergWriteOffset, 4,
                                        static_cast<uint8_t>(c)));
  EXPECT_EQ(backend.output(), "early!");
  EXPECT_EQ(driver.config(VirtioConsole::kEmergWriteOffset, 4), 0u); // write-only
  EXPECT_EQ(driver.config(0, 4), 0u);                                // cols, rows: no F_SIZE
}

TEST(VirtioConsoleTest, InputOutlivesAResetAndReadableOnlyChainsTakeNothing) {
  ConsoleRig rig;
  rig.backend.type("keep");
  // The driver resets and comes back (Linux does at probe time).
  ASSERT_TRUE(rig.driver.negotiate(kVersion1));
  TestQueue rx(rig.driver, VirtioConsole::kReceiveQueue, 16);
  rig.driver.driverOk();
  uint64_t readable = rig.driver.alloc(16);
  rx.addChain({{readable, 16, false}}); // a mistake: no room for input
  uint64_t buffer = rx.addBuffer(16, true);
  rx.notify();
  ASSERT_EQ(rx.usedIndex(), 2);
  EXPECT_EQ(rx.usedLength(0), 0u);
  EXPECT_EQ(rx.usedLength(1), 4u);
  EXPECT_EQ(rig.bytesAt(buffer, 4), "keep");
  EXPECT_FALSE(rig.driver.needsReset());
}

} // namespace
} // namespace tiercel::devices
