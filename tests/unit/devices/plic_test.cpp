// The PLIC: priorities, enables, thresholds, claim/complete and the
// level-triggered gateway, with two harts' four contexts.
#include "devices/plic.h"

#include <gtest/gtest.h>

#include "device_test_support.h"

namespace tiercel::devices {
namespace {

struct PlicTest : ::testing::Test {
  uint32_t get(uint64_t offset) {
    uint64_t value = 0;
    EXPECT_TRUE(plic.read(offset, 4, value));
    return static_cast<uint32_t>(value);
  }
  void put(uint64_t offset, uint32_t value) { EXPECT_TRUE(plic.write(offset, 4, value)); }
  static uint64_t enable(unsigned context, unsigned source) { return 0x2000 + 0x80 * context + 4 * (source / 32); }
  static uint64_t threshold(unsigned context) { return 0x200000 + 0x1000 * context; }
  static uint64_t claim(unsigned context) { return threshold(context) + 4; }

  testing::LevelRecorder outputs[4]; // hart 0 M, hart 0 S, hart 1 M, hart 1 S
  Plic plic{{&outputs[0], &outputs[1], &outputs[2], &outputs[3]}};
};

TEST_F(PlicTest, ClaimReturnsTheHighestPriorityEnabledSource) {
  put(4 * 10, 1); // UART, priority 1
  put(4 * 1, 3);  // virtio slot 0, priority 3
  put(enable(1, 0), (1u << 10) | (1u << 1));
  plic.source(10).setLevel(true);
  EXPECT_TRUE(outputs[1].level);
  EXPECT_FALSE(outputs[0].level); // not enabled for M
  plic.source(1).setLevel(true);
  EXPECT_EQ(get(0x1000), (1u << 10) | (1u << 1));
  EXPECT_EQ(get(claim(1)), 1u);
  EXPECT_EQ(get(claim(1)), 10u);
  EXPECT_EQ(get(claim(1)), 0u); // nothing left
  EXPECT_FALSE(outputs[1].level);
}

TEST_F(PlicTest, GatewayHoldsAClaimedSourceUntilCompletion) {
  put(4 * 10, 1);
  put(enable(1, 10), 1u << 10);
  plic.source(10).setLevel(true);
  EXPECT_EQ(get(claim(1)), 10u);
  EXPECT_FALSE(outputs[1].level); // claimed: not pending while the line stays high
  put(claim(1), 10);              // complete with the line still high
  EXPECT_TRUE(outputs[1].level);
  EXPECT_EQ(get(claim(1)), 10u);
  plic.source(10).setLevel(false);
  put(claim(1), 10);
  EXPECT_FALSE(outputs[1].level);
  EXPECT_EQ(get(0x1000), 0u);
}

// PLIC specification 1.0.0, "Interrupt Gateways": a request forwarded to
// the core is not retracted when a level-triggered line drops before the
// claim; the handler finds the device no longer needs service.
TEST_F(PlicTest, ARequestIsNotRetractedWhenTheLineDrops) {
  put(4 * 10, 1);
  put(enable(0, 10), 1u << 10);
  plic.source(10).setLevel(true);
  plic.source(10).setLevel(false);
  EXPECT_EQ(get(0x1000), 1u << 10);
  EXPECT_TRUE(outputs[0].level);
  EXPECT_EQ(get(claim(0)), 10u);
  EXPECT_FALSE(outputs[0].level);
  put(claim(0), 10); // the line is low: no new request
  EXPECT_FALSE(outputs[0].level);
  EXPECT_EQ(get(0x1000), 0u);
  EXPECT_EQ(get(claim(0)), 0u);
}

TEST_F(PlicTest, ThresholdAndZeroPriorityMask) {
  put(4 * 5, 2);
  put(enable(0, 5), 1u << 5);
  put(threshold(0), 2);
  plic.source(5).setLevel(true);
  EXPECT_FALSE(outputs[0].level); // priority must exceed the threshold
  put(threshold(0), 1);
  EXPECT_TRUE(outputs[0].level);
  put(4 * 5, 0); // priority 0 never interrupts
  EXPECT_FALSE(outputs[0].level);
  EXPECT_EQ(get(claim(0)), 0u);
}

TEST_F(PlicTest, CompletionOfASourceNotEnabledIsIgnored) {
  put(4 * 7, 1);
  put(enable(2, 7), 1u << 7);
  plic.source(7).setLevel(true);
  EXPECT_TRUE(outputs[2].level);
  EXPECT_EQ(get(claim(2)), 7u);
  put(claim(3), 7); // hart 1 S has it disabled: ignored
  EXPECT_FALSE(outputs[2].level);
  put(claim(2), 7);
  EXPECT_TRUE(outputs[2].level);
}

TEST_F(PlicTest, RegistersMaskAndReservedSpaceIsHarmless) {
  put(4 * 3, 0xffffffff);
  EXPECT_EQ(get(4 * 3), Plic::kMaxPriority);
  put(0, 5); // source 0 has no priority
  EXPECT_EQ(get(0), 0u);
  put(enable(0, 0), 0xffffffff);
  EXPECT_EQ(get(enable(0, 0)), 0xfffffffeu); // source 0 cannot be enabled
  put(0x1000, 0xffffffff); // pending is read-only
  EXPECT_EQ(get(0x1000), 0u);
  put(threshold(9), 1); // no context 9: ignored
  EXPECT_EQ(get(threshold(9)), 0u);
  uint64_t value = 0;
  EXPECT_FALSE(plic.read(2, 4, value));  // misaligned
  EXPECT_FALSE(plic.read(0, 1, value));  // byte access
  EXPECT_FALSE(plic.read(Plic::kWindowSize - 4, 8, value));
  plic.source(0).setLevel(true); // source 0 does not exist
  plic.source(Plic::kSources - 1).setLevel(true);
  EXPECT_EQ(get(0x1000 + 4 * ((Plic::kSources - 1) / 32)), 1u << ((Plic::kSources - 1) % 32));
}

TEST_F(PlicTest, EightByteAccessCoversTwoRegisters) {
  uint64_t value = 0;
  ASSERT_TRUE(plic.write(4 * 2, 8, (uint64_t{5} << 32) | 6));
  ASSERT_TRUE(plic.read(4 * 2, 8, value));
  EXPECT_EQ(value, (uint64_t{5} << 32) | 6);
}

} // namespace
} // namespace tiercel::devices
