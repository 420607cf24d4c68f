// The CLINT: mtime at 10 MHz from the clock, mtimecmp and MTIP, msip and
// MSIP, RV32-style halves, deadlines for the board's timer thread.
#include "devices/clint.h"

#include <gtest/gtest.h>

#include "device_test_support.h"

namespace tiercel::devices {
namespace {

struct ClintTest : ::testing::Test {
  uint64_t get(uint64_t offset, unsigned size = 8) {
    uint64_t value = 0;
    EXPECT_TRUE(clint.read(offset, size, value));
    return value;
  }
  void put(uint64_t offset, uint64_t value, unsigned size = 8) {
    EXPECT_TRUE(clint.write(offset, size, value));
  }

  testing::ManualClock clock;
  testing::LevelRecorder msip[2], mtip[2];
  int rearms = 0;
  Clint clint{clock, {{&msip[0], &mtip[0]}, {&msip[1], &mtip[1]}}, [this] { ++rearms; }};
};

TEST_F(ClintTest, MtimeCountsAtTenMegahertz) {
  EXPECT_EQ(get(0xbff8), 0u);
  clock.now += 1'000'000; // 1 ms
  EXPECT_EQ(get(0xbff8), 10'000u);
  EXPECT_EQ(clint.mtime(), 10'000u);
  EXPECT_EQ(get(0xbff8, 4), 10'000u);
  EXPECT_EQ(get(0xbffc, 4), 0u);
}

TEST_F(ClintTest, TimerInterruptAtTheDeadline) {
  EXPECT_EQ(clint.nextDeadlineNs(), TimedDevice::kNoDeadline); // mtimecmp resets to -1
  put(0x4000 + 8, 500); // hart 1: 50 us from now
  EXPECT_EQ(rearms, 1);
  EXPECT_FALSE(mtip[1].level);
  EXPECT_EQ(clint.nextDeadlineNs(), clock.now + 50'000);
  clock.now += 49'999;
  clint.tick(clock.now);
  EXPECT_FALSE(mtip[1].level);
  clock.now += 1;
  clint.tick(clock.now);
  EXPECT_TRUE(mtip[1].level);
  EXPECT_FALSE(mtip[0].level);
  EXPECT_EQ(clint.nextDeadlineNs(), TimedDevice::kNoDeadline); // hart 1 fired, hart 0 never
  put(0x4000 + 8, 1000); // the handler moves the deadline: MTIP drops at once
  EXPECT_FALSE(mtip[1].level);
  put(0x4000, 0); // hart 0: already due
  EXPECT_TRUE(mtip[0].level);
}

TEST_F(ClintTest, CompareInHalvesAndMtimeWrites) {
  put(0x4000 + 4, 0, 4); // high half first, as RV32 kernels do
  put(0x4000, 20, 4);
  EXPECT_EQ(get(0x4000), 20u);
  EXPECT_EQ(get(0x4004, 4), 0u);
  put(0xbff8, 1000); // jump mtime forward past the compare
  EXPECT_TRUE(mtip[0].level);
  EXPECT_EQ(get(0xbff8), 1000u);
  clock.now += 100;
  EXPECT_EQ(get(0xbff8), 1001u);
}

TEST_F(ClintTest, SoftwareInterruptBit) {
  put(0x4, 0xffffffff, 4);
  EXPECT_TRUE(msip[1].level);
  EXPECT_EQ(get(0x4, 4), 1u); // only bit 0 exists
  put(0x4, 0, 4);
  EXPECT_FALSE(msip[1].level);
  EXPECT_FALSE(msip[0].level);
}

TEST_F(ClintTest, AccessesItDoesNotDecodeFault) {
  uint64_t value;
  EXPECT_FALSE(clint.read(0x8, 4, value));      // no hart 2
  EXPECT_FALSE(clint.read(0x0, 8, value));      // msip is 4 bytes
  EXPECT_FALSE(clint.read(0x4002, 4, value));   // misaligned
  EXPECT_FALSE(clint.read(0x4010, 8, value));   // no hart 2
  EXPECT_FALSE(clint.write(0xbffa, 2, 0));
  EXPECT_FALSE(clint.read(0x8000, 4, value));
}

} // namespace
} // namespace tiercel::devices
