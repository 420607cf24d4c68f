// The Goldfish RTC: wall time with the TIME_HIGH latch, setting the time,
// the alarm and its interrupt.
#include "devices/goldfish_rtc.h"

#include <gtest/gtest.h>

#include "device_test_support.h"

namespace tiercel::devices {
namespace {

constexpr int64_t kWallMinusClock = 1'700'000'000'000'000'000; // late 2023, in ns

struct RtcTest : ::testing::Test {
  uint32_t get(uint64_t offset) {
    uint64_t value = 0;
    EXPECT_TRUE(rtc.read(offset, 4, value));
    return static_cast<uint32_t>(value);
  }
  void put(uint64_t offset, uint32_t value) { EXPECT_TRUE(rtc.write(offset, 4, value)); }
  uint64_t time() {
    uint64_t low = get(0x00);
    return uint64_t{get(0x04)} << 32 | low;
  }

  testing::ManualClock clock;
  testing::LevelRecorder irq;
  int rearms = 0;
  GoldfishRtc rtc{clock, kWallMinusClock, irq, [this] { ++rearms; }};
};

TEST_F(RtcTest, ReadsWallTimeWithTheHighHalfLatched) {
  EXPECT_EQ(time(), clock.now + kWallMinusClock);
  uint32_t low = get(0x00);
  clock.now += uint64_t{1} << 33; // the high half moves after the latch
  EXPECT_EQ(uint64_t{get(0x04)} << 32 | low, clock.now - (uint64_t{1} << 33) + kWallMinusClock);
}

TEST_F(RtcTest, GuestSetsTheTime) {
  uint64_t wanted = 0x0123456789abcdefull;
  put(0x04, static_cast<uint32_t>(wanted >> 32));
  put(0x00, static_cast<uint32_t>(wanted));
  EXPECT_EQ(time(), wanted);
  clock.now += 5;
  EXPECT_EQ(time(), wanted + 5);
}

TEST_F(RtcTest, AlarmFiresAtItsTimeAndRaisesTheIrqWhenEnabled) {
  uint64_t alarm = time() + 1'000'000;
  put(0x10, 1);
  put(0x0c, static_cast<uint32_t>(alarm >> 32));
  put(0x08, static_cast<uint32_t>(alarm));
  EXPECT_EQ(rearms, 1);
  EXPECT_EQ(get(0x18), 1u);
  EXPECT_EQ(rtc.nextDeadlineNs(), clock.now + 1'000'000);
  clock.now += 999'999;
  rtc.tick(clock.now);
  EXPECT_FALSE(irq.level);
  clock.now += 1;
  rtc.tick(clock.now);
  EXPECT_TRUE(irq.level);
  EXPECT_EQ(get(0x18), 0u);
  EXPECT_EQ(rtc.nextDeadlineNs(), TimedDevice::kNoDeadline);
  put(0x1c, 1);
  EXPECT_FALSE(irq.level);
}

TEST_F(RtcTest, PastAlarmFiresAtOnceClearAlarmDisarmsAndDisabledIrqStaysLow) {
  put(0x08, 0); // ALARM_HIGH 0: long past
  EXPECT_EQ(get(0x18), 0u);
  EXPECT_FALSE(irq.level); // pending, but the interrupt is disabled
  put(0x10, 1);
  EXPECT_TRUE(irq.level);
  put(0x1c, 1);
  uint64_t alarm = time() + 10;
  put(0x0c, static_cast<uint32_t>(alarm >> 32));
  put(0x08, static_cast<uint32_t>(alarm));
  put(0x14, 1);
  clock.now += 100;
  rtc.tick(clock.now);
  EXPECT_FALSE(irq.level);
}

TEST_F(RtcTest, OnlyAlignedWordAccesses) {
  uint64_t value;
  EXPECT_FALSE(rtc.read(0x00, 8, value));
  EXPECT_FALSE(rtc.read(0x02, 4, value));
  EXPECT_FALSE(rtc.read(0x20, 4, value));
  EXPECT_FALSE(rtc.write(0x01, 1, 0));
}

} // namespace
} // namespace tiercel::devices
