// The sifive,test0 finisher: pass, fail with a code, reset, and the rest.
#include "devices/sifive_test.h"

#include <gtest/gtest.h>

#include "device_test_support.h"

namespace tiercel::devices {
namespace {

TEST(SifiveTestTest, PassFailAndReset) {
  testing::PowerRecorder power;
  SifiveTest finisher(power);
  EXPECT_TRUE(finisher.write(0, 4, SifiveTest::kPass));
  EXPECT_TRUE(finisher.write(0, 4, SifiveTest::kFail | (3u << 16)));
  EXPECT_TRUE(finisher.write(0, 8, SifiveTest::kReset));
  EXPECT_EQ(power.exitCodes, (std::vector<int>{0, 3}));
  EXPECT_EQ(power.resets, 1);
}

// OpenSBI's driver (lib/utils/sys/sifive_test.c) uses writew.
TEST(SifiveTestTest, SixteenBitWritesAsOpenSbiDoes) {
  testing::PowerRecorder power;
  SifiveTest finisher(power);
  EXPECT_TRUE(finisher.write(0, 2, SifiveTest::kPass));
  EXPECT_TRUE(finisher.write(0, 2, SifiveTest::kReset));
  uint64_t value = 7;
  EXPECT_TRUE(finisher.read(0, 2, value));
  EXPECT_EQ(value, 0u);
  EXPECT_EQ(power.exitCodes, (std::vector<int>{0}));
  EXPECT_EQ(power.resets, 1);
}

TEST(SifiveTestTest, OtherValuesAndAccessesDoNothing) {
  testing::PowerRecorder power;
  SifiveTest finisher(power);
  EXPECT_TRUE(finisher.write(0, 4, 0x1234));
  EXPECT_TRUE(finisher.write(0, 4, 0x5554));
  EXPECT_FALSE(finisher.write(0, 1, SifiveTest::kPass)); // a byte store decodes nothing
  EXPECT_FALSE(finisher.write(4, 4, SifiveTest::kPass));
  uint64_t value = 7;
  EXPECT_TRUE(finisher.read(0, 4, value));
  EXPECT_EQ(value, 0u);
  EXPECT_FALSE(finisher.read(8, 4, value));
  EXPECT_TRUE(power.exitCodes.empty());
  EXPECT_EQ(power.resets, 0);
}

} // namespace
} // namespace tiercel::devices
