// The physical address map: lookups, overlap checks, device dispatch.
#include "machine/system/physical_map.h"

#include <gtest/gtest.h>

#include <vector>

#include "devices/sifive_test.h"
#include "device_test_support.h"

namespace tiercel {
namespace {

TEST(PhysicalMapTest, FindsRegionsByAddress) {
  std::vector<uint8_t> ram(0x1000), rom(0x100);
  devices::testing::PowerRecorder power;
  devices::SifiveTest finisher(power);
  PhysicalMap map;
  ASSERT_FALSE(map.addMemory(PhysicalRegion::Kind::Ram, 0x80000000, ram.size(), ram.data(), "ram"));
  ASSERT_FALSE(map.addMemory(PhysicalRegion::Kind::Rom, 0x1000, rom.size(), rom.data(), "rom"));
  ASSERT_FALSE(map.addDevice(0x100000, finisher));
  ASSERT_EQ(map.regions().size(), 3u);
  EXPECT_EQ(map.regions()[0].name, "rom"); // sorted by base
  EXPECT_EQ(map.find(0x1000)->name, "rom");
  EXPECT_EQ(map.find(0x10ff)->name, "rom");
  EXPECT_EQ(map.find(0x1100), nullptr);
  EXPECT_EQ(map.find(0xfff), nullptr);
  EXPECT_EQ(map.find(0x80000fff)->host, ram.data());
  EXPECT_EQ(map.find(0x80001000), nullptr);
  EXPECT_EQ(map.find(0x100ffc)->device, &finisher);
  EXPECT_EQ(map.find(~uint64_t{0}), nullptr);
}

TEST(PhysicalMapTest, RejectsOverlapsEmptyAndWrappingRegions) {
  std::vector<uint8_t> ram(0x2000);
  PhysicalMap map;
  ASSERT_FALSE(map.addMemory(PhysicalRegion::Kind::Ram, 0x80000000, 0x1000, ram.data(), "ram"));
  auto expectError = [](llvm::Error error, const char *text) {
    ASSERT_TRUE(static_cast<bool>(error));
    EXPECT_NE(llvm::toString(std::move(error)).find(text), std::string::npos);
  };
  expectError(map.addMemory(PhysicalRegion::Kind::Ram, 0x80000ff0, 0x20, ram.data(), "second"),
              "overlaps ram");
  expectError(map.addMemory(PhysicalRegion::Kind::Ram, 0x7ffffff0, 0x11, ram.data(), "below"),
              "overlaps ram");
  expectError(map.addMemory(PhysicalRegion::Kind::Ram, 0x1000, 0, ram.data(), "empty"), "empty");
  expectError(map.addMemory(PhysicalRegion::Kind::Ram, ~uint64_t{0} - 4, 0x10, ram.data(), "wrap"),
              "wraps");
  expectError(map.addMemory(PhysicalRegion::Kind::Ram, 0x1000, 0x10, nullptr, "nohost"),
              "no host memory");
  // Touching but not overlapping is fine.
  EXPECT_FALSE(map.addMemory(PhysicalRegion::Kind::Ram, 0x80001000, 0x1000, ram.data() + 0x1000,
                             "next"));
  EXPECT_FALSE(map.addMemory(PhysicalRegion::Kind::Rom, ~uint64_t{0} - 0xf, 0x10, ram.data(), "top"));
  EXPECT_EQ(map.find(~uint64_t{0})->name, "top");
}

TEST(PhysicalMapTest, DeviceAccessesStayInsideTheWindow) {
  devices::testing::PowerRecorder power;
  devices::SifiveTest finisher(power);
  std::vector<uint8_t> ram(0x1000);
  PhysicalMap map;
  ASSERT_FALSE(map.addDevice(0x100000, finisher));
  ASSERT_FALSE(map.addMemory(PhysicalRegion::Kind::Ram, 0x80000000, ram.size(), ram.data(), "ram"));
  uint64_t value = 1;
  EXPECT_TRUE(map.readDevice(0x100000, 4, value));
  EXPECT_EQ(value, 0u);
  EXPECT_TRUE(map.writeDevice(0x100000, 4, 0x5555));
  EXPECT_EQ(power.exitCodes, std::vector<int>{0});
  EXPECT_FALSE(map.readDevice(0x100ffe, 4, value)); // crosses the window's end
  EXPECT_FALSE(map.readDevice(0x100004, 4, value)); // the device decodes nothing there
  EXPECT_FALSE(map.readDevice(0x80000000, 4, value)); // RAM is not a device
  EXPECT_FALSE(map.writeDevice(0x200000, 4, 0));      // nothing mapped
}

} // namespace
} // namespace tiercel
