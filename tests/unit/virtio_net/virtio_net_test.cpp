// virtio-net (devices/virtio_net.h) on a loopback back end, driven through
// the virtio-mmio transport by the test driver: identity, features and the
// configuration space (MAC, link up), frames out through the transmitq with
// the 12-byte header stripped, frames in through the receiveq with a
// VERSION_1 header (num_buffers 1), both orders of frame and buffer, and
// every way a frame is dropped without harming the host or the device.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "devices/virtio_net.h"
#include "virtio_queue_driver.h"

namespace tiercel::devices {
namespace {

using testing::Segment;
using testing::TestQueue;
using testing::VirtioTestDriver;
namespace reg = testing::reg;

constexpr uint64_t kVersion1 = uint64_t{1} << 32;
constexpr MacAddress kMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

// Keeps what the card sent; sends what the test gives it.
class LoopbackBackend : public NetBackend {
public:
  void transmit(const uint8_t *frame, size_t size) override {
    sent.emplace_back(frame, frame + size);
  }
  void inject(const std::vector<uint8_t> &frame) { deliver(frame.data(), frame.size()); }
  std::vector<std::vector<uint8_t>> sent;
};

std::vector<uint8_t> testFrame(size_t size, uint8_t seed) {
  std::vector<uint8_t> frame(size);
  for (size_t i = 0; i < size; ++i)
    frame[i] = static_cast<uint8_t>(seed + i * 13);
  return frame;
}

struct NetRig {
  LoopbackBackend backend;
  std::unique_ptr<VirtioNet> net = std::make_unique<VirtioNet>(backend, kMac);
  VirtioTestDriver driver{net.get()};
  std::unique_ptr<TestQueue> rx, tx;

  NetRig() {
    net->setServiceQueue([this](unsigned queue) { driver.transport->serviceQueue(queue); });
    EXPECT_TRUE(driver.negotiate(kVersion1 | kVirtioNetFMac | kVirtioNetFStatus));
    rx = std::make_unique<TestQueue>(driver, VirtioNet::kReceiveQueue, 16);
    tx = std::make_unique<TestQueue>(driver, VirtioNet::kTransmitQueue, 16);
    driver.driverOk();
  }
  std::vector<uint8_t> bytesAt(uint64_t address, size_t size) {
    return std::vector<uint8_t>(driver.host(address), driver.host(address) + size);
  }
};

TEST(VirtioNetTest, IdentityFeaturesAndConfigurationSpace) {
  LoopbackBackend backend;
  VirtioNet net(backend, kMac);
  VirtioTestDriver driver(&net);
  EXPECT_EQ(driver.reg(reg::DeviceId), 1u);
  uint64_t features = driver.deviceFeatures();
  EXPECT_TRUE(features & kVirtioNetFMac);
  EXPECT_TRUE(features & kVirtioNetFStatus);
  EXPECT_FALSE(features & kVirtioNetFMrgRxbuf);
  EXPECT_FALSE(features & 1);                   // VIRTIO_NET_F_CSUM: no offloads
  EXPECT_FALSE(features & (uint64_t{1} << 17)); // VIRTIO_NET_F_CTRL_VQ
  for (unsigned i = 0; i < 6; ++i)
    EXPECT_EQ(driver.config(i, 1), kMac[i]) << i;
  EXPECT_EQ(driver.config(6, 2), kVirtioNetSLinkUp);
  driver.setReg(reg::QueueSel, 2);
  EXPECT_EQ(driver.reg(reg::QueueNumMax), 0u); // no control queue
}

TEST(VirtioNetTest, TransmitStripsTheHeaderWhateverTheLayout) {
  NetRig rig;
  std::vector<uint8_t> frame = testFrame(60, 1);
  // Header alone, then the frame split in two (Linux puts the header in
  // front of the frame in one buffer; both are allowed).
  uint64_t header = rig.driver.alloc(VirtioNet::kHeaderBytes);
  uint64_t part1 = rig.driver.alloc(20), part2 = rig.driver.alloc(40);
  std::memcpy(rig.driver.host(part1), frame.data(), 20);
  std::memcpy(rig.driver.host(part2), frame.data() + 20, 40);
  rig.tx->addChain(
      {{header, VirtioNet::kHeaderBytes, false}, {part1, 20, false}, {part2, 40, false}});
  // One buffer: header and frame together.
  std::vector<uint8_t> together(VirtioNet::kHeaderBytes, 0);
  std::vector<uint8_t> second = testFrame(1514, 7);
  together.insert(together.end(), second.begin(), second.end());
  rig.tx->addBuffer(static_cast<uint32_t>(together.size()), false, together.data());
  rig.tx->notify();
  ASSERT_EQ(rig.backend.sent.size(), 2u);
  EXPECT_EQ(rig.backend.sent[0], frame);
  EXPECT_EQ(rig.backend.sent[1], second);
  ASSERT_EQ(rig.tx->usedIndex(), 2);
  EXPECT_EQ(rig.tx->usedLength(0), 0u);
  EXPECT_EQ(rig.net->counters().transmitted, 2u);
}

TEST(VirtioNetTest, ATransmitChainShorterThanTheHeaderIsDropped) {
  NetRig rig;
  rig.tx->addBuffer(5, false);
  rig.tx->notify();
  EXPECT_TRUE(rig.backend.sent.empty());
  EXPECT_EQ(rig.tx->usedIndex(), 1); // back to the driver all the same
  EXPECT_EQ(rig.net->counters().transmitDropped, 1u);
  EXPECT_FALSE(rig.driver.needsReset());
}

TEST(VirtioNetTest, AFrameBeforeBuffersWaitsThenGetsAVersion1Header) {
  NetRig rig;
  std::vector<uint8_t> frame = testFrame(98, 3);
  rig.backend.inject(frame);
  EXPECT_EQ(rig.rx->usedIndex(), 0);
  uint64_t buffer = rig.rx->addBuffer(1526, true);
  rig.rx->notify();
  ASSERT_EQ(rig.rx->usedIndex(), 1);
  EXPECT_EQ(rig.rx->usedLength(0), VirtioNet::kHeaderBytes + frame.size());
  std::vector<uint8_t> header = rig.bytesAt(buffer, VirtioNet::kHeaderBytes);
  std::vector<uint8_t> expected(VirtioNet::kHeaderBytes, 0);
  expected[10] = 1; // num_buffers = 1 (5.1.6.4), everything else 0: no offloads
  EXPECT_EQ(header, expected);
  EXPECT_EQ(rig.bytesAt(buffer + VirtioNet::kHeaderBytes, frame.size()), frame);
  EXPECT_EQ(rig.net->counters().received, 1u);
}

TEST(VirtioNetTest, AFrameWithBuffersReadyArrivesAtOnceWithAnInterrupt) {
  NetRig rig;
  uint64_t buffer = rig.rx->addBuffer(1526, true);
  rig.rx->notify();
  EXPECT_FALSE(rig.driver.irq.level);
  std::vector<uint8_t> frame = testFrame(1514, 9);
  rig.backend.inject(frame);
  ASSERT_EQ(rig.rx->usedIndex(), 1);
  EXPECT_EQ(rig.bytesAt(buffer + VirtioNet::kHeaderBytes, frame.size()), frame);
  EXPECT_TRUE(rig.driver.irq.level);
}

TEST(VirtioNetTest, ABufferTooSmallDropsTheFrameAndGoesBackEmpty) {
  NetRig rig;
  rig.rx->addBuffer(100, true);
  uint64_t good = rig.rx->addBuffer(1526, true);
  rig.rx->notify();
  rig.backend.inject(testFrame(200, 1)); // does not fit in 100 bytes
  rig.backend.inject(testFrame(60, 2));
  ASSERT_EQ(rig.rx->usedIndex(), 2);
  EXPECT_EQ(rig.rx->usedLength(0), 0u);
  EXPECT_EQ(rig.rx->usedLength(1), VirtioNet::kHeaderBytes + 60);
  EXPECT_EQ(rig.bytesAt(good + VirtioNet::kHeaderBytes, 60), testFrame(60, 2));
  EXPECT_EQ(rig.net->counters().receiveDropped, 1u);
  EXPECT_FALSE(rig.driver.needsReset());
}

TEST(VirtioNetTest, PendingFramesAreBoundedAndAResetDropsThem) {
  NetRig rig;
  for (size_t i = 0; i < VirtioNet::kMaxPendingFrames + 10; ++i)
    rig.backend.inject(testFrame(64, static_cast<uint8_t>(i)));
  EXPECT_EQ(rig.net->counters().receiveDropped, 10u);
  ASSERT_TRUE(rig.driver.negotiate(kVersion1 | kVirtioNetFMac)); // a reset on the way
  EXPECT_EQ(rig.net->counters().receiveDropped, 10u + VirtioNet::kMaxPendingFrames);
  TestQueue rx(rig.driver, VirtioNet::kReceiveQueue, 16);
  rig.driver.driverOk();
  rx.addBuffer(1526, true);
  rx.notify();
  EXPECT_EQ(rx.usedIndex(), 0); // nothing left from before the reset
}

TEST(VirtioNetTest, NothingReachesTheGuestBeforeDriverOkOrAfterTheCardIsGone) {
  LoopbackBackend backend;
  {
    VirtioNet net(backend, kMac);
    VirtioTestDriver driver(&net);
    net.setServiceQueue([&](unsigned queue) { driver.transport->serviceQueue(queue); });
    ASSERT_TRUE(driver.negotiate(kVersion1));
    TestQueue rx(driver, VirtioNet::kReceiveQueue, 16);
    rx.addBuffer(1526, true);
    backend.inject(testFrame(60, 1)); // before DRIVER_OK: kept, not delivered
    EXPECT_EQ(rx.usedIndex(), 0);
    driver.driverOk();
    backend.inject(testFrame(60, 2)); // the next event: the first frame takes the buffer
    EXPECT_EQ(rx.usedIndex(), 1);
    EXPECT_EQ(net.counters().received, 1u);
  }
  backend.inject(testFrame(60, 3)); // the card detached when destroyed: dropped
}

} // namespace
} // namespace tiercel::devices
