// The framebuffer's memory and its dirty tracking (devices/framebuffer.h):
// which rows a refresh reports, that an unchanged picture reports nothing
// (the display then draws nothing), and the size limits.
#include "devices/framebuffer.h"

#include <gtest/gtest.h>

#include <cstring>

namespace tiercel::devices {
namespace {

constexpr uint64_t kWindow = 32 << 20;

std::unique_ptr<Framebuffer> make(uint32_t width, uint32_t height) {
  auto framebuffer = Framebuffer::create(width, height, kWindow);
  EXPECT_TRUE(static_cast<bool>(framebuffer)) << llvm::toString(framebuffer.takeError());
  return std::move(*framebuffer);
}

void poke(Framebuffer &framebuffer, uint32_t x, uint32_t y, uint32_t value) {
  std::memcpy(framebuffer.memory() + uint64_t{y} * framebuffer.stride() + 4 * x, &value, 4);
}

TEST(FramebufferTest, GeometryAndPageRoundedMemory) {
  std::unique_ptr<Framebuffer> framebuffer = make(640, 480);
  EXPECT_EQ(framebuffer->width(), 640u);
  EXPECT_EQ(framebuffer->height(), 480u);
  EXPECT_EQ(framebuffer->stride(), 2560u);
  EXPECT_EQ(framebuffer->memoryBytes(), 640u * 480 * 4); // already whole pages
  std::unique_ptr<Framebuffer> odd = make(17, 17);
  EXPECT_EQ(odd->memoryBytes(), 4096u);
  EXPECT_EQ(std::string(Framebuffer::kFormat), "x8r8g8b8");
}

TEST(FramebufferTest, StartsBlackAndReadsPixelsAsRgb) {
  std::unique_ptr<Framebuffer> framebuffer = make(32, 16);
  for (uint32_t y = 0; y < 16; ++y)
    for (uint32_t x = 0; x < 32; ++x)
      ASSERT_EQ(framebuffer->pixel(x, y), 0u);
  poke(*framebuffer, 3, 2, 0xff123456); // the x8 byte is not part of the colour
  EXPECT_EQ(framebuffer->pixel(3, 2), 0x123456u);
  std::vector<uint32_t> snapshot = framebuffer->snapshot();
  ASSERT_EQ(snapshot.size(), 32u * 16);
  EXPECT_EQ(snapshot[2 * 32 + 3], 0x123456u);
}

TEST(FramebufferTest, RejectsSizesOutOfRange) {
  for (auto [width, height] : {std::pair{8u, 100u}, {100u, 8u}, {5000u, 100u}, {100u, 4097u}}) {
    auto framebuffer = Framebuffer::create(width, height, kWindow);
    ASSERT_FALSE(static_cast<bool>(framebuffer));
    EXPECT_NE(llvm::toString(framebuffer.takeError()).find("out of range"), std::string::npos);
  }
  auto tooBig = Framebuffer::create(4096, 4096, kWindow); // 64 MiB in a 32 MiB window
  ASSERT_FALSE(static_cast<bool>(tooBig));
  EXPECT_NE(llvm::toString(tooBig.takeError()).find("32 MiB window"), std::string::npos);
}

TEST(FramebufferTrackerTest, FirstRefreshReportsEverythingThenOnlyChanges) {
  std::unique_ptr<Framebuffer> framebuffer = make(64, 48);
  FramebufferTracker tracker(*framebuffer);
  FramebufferTracker::Damage first = tracker.refresh();
  EXPECT_TRUE(first.changed);
  EXPECT_EQ(first.firstRow, 0u);
  EXPECT_EQ(first.endRow, 48u);
  EXPECT_EQ(tracker.generation(), 1u);
  // Nothing written: no damage, no new generation (no redraw).
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(tracker.refresh().changed);
  EXPECT_EQ(tracker.generation(), 1u);
}

TEST(FramebufferTrackerTest, ReportsTheSpanOfChangedRows) {
  std::unique_ptr<Framebuffer> framebuffer = make(64, 48);
  FramebufferTracker tracker(*framebuffer);
  tracker.refresh();
  poke(*framebuffer, 0, 10, 0xffffff);
  poke(*framebuffer, 63, 20, 0x00ff00);
  FramebufferTracker::Damage damage = tracker.refresh();
  EXPECT_TRUE(damage.changed);
  EXPECT_EQ(damage.firstRow, 10u);
  EXPECT_EQ(damage.endRow, 21u);
  EXPECT_EQ(tracker.generation(), 2u);
  EXPECT_EQ(tracker.pixels()[10 * 64], 0xffffffu);
  EXPECT_EQ(tracker.pixels()[20 * 64 + 63], 0x00ff00u);
  // Writing the same value again is no change.
  poke(*framebuffer, 0, 10, 0xffffff);
  EXPECT_FALSE(tracker.refresh().changed);
  // The last row alone.
  poke(*framebuffer, 5, 47, 0x0000ff);
  damage = tracker.refresh();
  EXPECT_EQ(damage.firstRow, 47u);
  EXPECT_EQ(damage.endRow, 48u);
  EXPECT_EQ(tracker.generation(), 3u);
}

TEST(FramebufferTrackerTest, TwoTrackersAreIndependent) {
  std::unique_ptr<Framebuffer> framebuffer = make(32, 32);
  FramebufferTracker window(*framebuffer), screenshots(*framebuffer);
  window.refresh();
  screenshots.refresh();
  poke(*framebuffer, 1, 1, 0x808080);
  EXPECT_TRUE(window.refresh().changed);
  EXPECT_TRUE(screenshots.refresh().changed);
  EXPECT_FALSE(window.refresh().changed);
}

} // namespace
} // namespace tiercel::devices
