// virtio-rng driven like a guest: it fills every device-writable buffer of
// a chain with host entropy and reports their total length.
#include "devices/virtio_rng.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "virtio_test_driver.h"

namespace tiercel::devices {
namespace {

using testing::VirtioTestDriver;
namespace reg = testing::reg;

constexpr uint64_t kVersion1 = uint64_t{1} << 32;
constexpr uint64_t kIndirect = uint64_t{1} << 28;

bool allZero(const uint8_t *bytes, size_t size) {
  return std::all_of(bytes, bytes + size, [](uint8_t b) { return b == 0; });
}

TEST(VirtioRngTest, IdentifiesAsAnEntropyDeviceWithNoConfiguration) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  EXPECT_EQ(driver.reg(reg::DeviceId), 4u);
  EXPECT_EQ(driver.config(0, 4), 0u);
  EXPECT_EQ(driver.deviceFeatures() & 0xffffff, 0u); // no device-type features (bits 0-23)
}

TEST(VirtioRngTest, FillsEveryWritableBuffer) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1 | kIndirect);
  uint64_t first = driver.alloc(64), second = driver.alloc(4096), third = driver.alloc(64);
  driver.addChain({{first, 64, true}, {second, 4096, true}});
  driver.addIndirectChain({{third, 64, true}});
  driver.notify();
  ASSERT_EQ(driver.usedIndex(), 2);
  EXPECT_EQ(driver.usedLength(0), 64u + 4096);
  EXPECT_EQ(driver.usedLength(1), 64u);
  // 64 random bytes all zero has probability 2^-512.
  EXPECT_FALSE(allZero(driver.host(first), 64));
  EXPECT_FALSE(allZero(driver.host(second) + 4096 - 64, 64));
  EXPECT_FALSE(allZero(driver.host(third), 64));
  EXPECT_FALSE(std::equal(driver.host(first), driver.host(first) + 64, driver.host(third)));
  EXPECT_TRUE(driver.irq.level);
}

TEST(VirtioRngTest, IgnoresDeviceReadableBuffers) {
  VirtioRng rng;
  VirtioTestDriver driver(&rng);
  driver.initialize(kVersion1);
  uint64_t readable = driver.alloc(32), writable = driver.alloc(32);
  driver.addChain({{readable, 32, false}, {writable, 32, true}});
  driver.notify();
  ASSERT_EQ(driver.usedIndex(), 1);
  EXPECT_EQ(driver.usedLength(0), 32u);
  EXPECT_TRUE(allZero(driver.host(readable), 32));
  EXPECT_FALSE(allZero(driver.host(writable), 32));
}

} // namespace
} // namespace tiercel::devices
