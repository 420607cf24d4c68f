// PNG screenshots (runtime/system/display_png.h, display.h's png display):
// a picture written and read back with libpng has the same pixels; the
// file is replaced whole; a failure says why; Display writes the
// framebuffer at stop() and, with an interval, while the picture changes.
#include "runtime/system/display_png.h"

#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "runtime/system/display.h"

namespace tiercel::system {
namespace {

struct Picture {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgb;
};

// Reads with libpng's simplified API as 8-bit RGB.
Picture readPng(const std::string &path) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  Picture picture;
  if (!png_image_begin_read_from_file(&image, path.c_str())) {
    ADD_FAILURE() << "cannot read " << path << ": " << image.message;
    return picture;
  }
  image.format = PNG_FORMAT_RGB;
  picture.width = image.width;
  picture.height = image.height;
  picture.rgb.resize(PNG_IMAGE_SIZE(image));
  EXPECT_TRUE(png_image_finish_read(&image, nullptr, picture.rgb.data(), 0, nullptr))
      << image.message;
  return picture;
}

uint32_t pixelOf(const Picture &picture, uint32_t x, uint32_t y) {
  const uint8_t *at = &picture.rgb[(size_t{y} * picture.width + x) * 3];
  return uint32_t{at[0]} << 16 | uint32_t{at[1]} << 8 | at[2];
}

class PngTest : public ::testing::Test {
protected:
  void SetUp() override {
    directory = std::filesystem::temp_directory_path() /
                ("tiercel-png-test-" + std::to_string(getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory);
  }
  void TearDown() override { std::filesystem::remove_all(directory); }
  std::string path(const char *name) const { return (directory / name).string(); }

  std::filesystem::path directory;
};

TEST_F(PngTest, WritesPixelsThatReadBackTheSame) {
  constexpr uint32_t width = 37, height = 23; // odd sizes: no row padding hides errors
  std::vector<uint32_t> pixels(width * height);
  for (uint32_t y = 0; y < height; ++y)
    for (uint32_t x = 0; x < width; ++x)
      pixels[y * width + x] = 0xab000000u | (x * 7) << 16 | (y * 11) << 8 | ((x ^ y) & 0xff);
  std::string file = path("picture.png");
  ASSERT_FALSE(writePng(file, pixels.data(), width, height));
  Picture picture = readPng(file);
  ASSERT_EQ(picture.width, width);
  ASSERT_EQ(picture.height, height);
  for (uint32_t y = 0; y < height; ++y)
    for (uint32_t x = 0; x < width; ++x)
      ASSERT_EQ(pixelOf(picture, x, y), pixels[y * width + x] & 0xffffff) << x << "," << y;
  // Nothing left behind but the file itself.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(directory),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(PngTest, ReplacesAnOlderScreenshot) {
  std::string file = path("shot.png");
  std::vector<uint32_t> red(16 * 16, 0xff0000), blue(16 * 16, 0x0000ff);
  ASSERT_FALSE(writePng(file, red.data(), 16, 16));
  ASSERT_FALSE(writePng(file, blue.data(), 16, 16));
  EXPECT_EQ(pixelOf(readPng(file), 5, 5), 0x0000ffu);
}

TEST_F(PngTest, AFileThatCannotBeWrittenIsAnError) {
  std::vector<uint32_t> pixels(16 * 16, 0);
  llvm::Error error = writePng(path("no/such/dir/shot.png"), pixels.data(), 16, 16);
  ASSERT_TRUE(static_cast<bool>(error));
  std::string message = llvm::toString(std::move(error));
  EXPECT_NE(message.find("cannot write the screenshot"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

TEST_F(PngTest, PngDisplayWritesTheFramebufferWhenStopped) {
  auto framebuffer = devices::Framebuffer::create(64, 32, 32 << 20);
  ASSERT_TRUE(static_cast<bool>(framebuffer));
  uint32_t white = 0xffffff;
  std::memcpy((*framebuffer)->memory() + 5 * (*framebuffer)->stride() + 4 * 9, &white, 4);
  DisplayConfig config;
  config.kind = DisplayConfig::Kind::Png;
  config.screendump = path("final.png");
  config.framebuffer = framebuffer->get();
  config.screendumpOnSignal = false; // the test process does not block SIGUSR1
  std::string warning;
  auto display = Display::start(config, warning);
  ASSERT_TRUE(static_cast<bool>(display)) << llvm::toString(display.takeError());
  EXPECT_TRUE(warning.empty());
  EXPECT_FALSE((*display)->hasWindow());
  EXPECT_FALSE(std::filesystem::exists(config.screendump));
  ASSERT_FALSE((*display)->stop());
  Picture picture = readPng(config.screendump);
  ASSERT_EQ(picture.width, 64u);
  ASSERT_EQ(picture.height, 32u);
  EXPECT_EQ(pixelOf(picture, 9, 5), 0xffffffu);
  EXPECT_EQ(pixelOf(picture, 10, 5), 0u);
  // stop() again does nothing more.
  std::filesystem::remove(config.screendump);
  ASSERT_FALSE((*display)->stop());
  EXPECT_FALSE(std::filesystem::exists(config.screendump));
}

TEST_F(PngTest, PngDisplayWithAnIntervalFollowsThePicture) {
  auto framebuffer = devices::Framebuffer::create(32, 32, 32 << 20);
  ASSERT_TRUE(static_cast<bool>(framebuffer));
  DisplayConfig config;
  config.kind = DisplayConfig::Kind::Png;
  config.screendump = path("live.png");
  config.intervalMs = 20;
  config.framebuffer = framebuffer->get();
  config.screendumpOnSignal = false;
  std::string warning;
  auto display = Display::start(config, warning);
  ASSERT_TRUE(static_cast<bool>(display)) << llvm::toString(display.takeError());
  auto waitFor = [&](uint32_t colour) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(config.screendump) &&
          pixelOf(readPng(config.screendump), 0, 0) == colour)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  EXPECT_TRUE(waitFor(0)); // the first look counts as a change
  uint32_t green = 0x00ff00;
  std::memcpy((*framebuffer)->memory(), &green, 4);
  EXPECT_TRUE(waitFor(0x00ff00)) << "the screenshot did not follow the framebuffer";
  ASSERT_FALSE((*display)->stop());
}

TEST_F(PngTest, ExplicitScreendumpWritesNowAndNoneWithoutAFile) {
  auto framebuffer = devices::Framebuffer::create(16, 16, 32 << 20);
  ASSERT_TRUE(static_cast<bool>(framebuffer));
  DisplayConfig config;
  config.kind = DisplayConfig::Kind::None;
  config.framebuffer = framebuffer->get();
  std::string warning;
  auto quiet = Display::start(config, warning);
  ASSERT_TRUE(static_cast<bool>(quiet));
  EXPECT_FALSE((*quiet)->writeScreendump()); // no file: nothing to do, no error
  config.screendump = path("now.png");
  config.screendumpOnSignal = false;
  auto display = Display::start(config, warning);
  ASSERT_TRUE(static_cast<bool>(display));
  ASSERT_FALSE((*display)->writeScreendump());
  EXPECT_TRUE(std::filesystem::exists(config.screendump));
}

TEST_F(PngTest, AScreenshotInADirectoryThatIsNotThereFailsAtStart) {
  auto framebuffer = devices::Framebuffer::create(16, 16, 32 << 20);
  ASSERT_TRUE(static_cast<bool>(framebuffer));
  DisplayConfig config;
  config.kind = DisplayConfig::Kind::Png;
  config.screendump = path("missing/shot.png");
  config.framebuffer = framebuffer->get();
  config.screendumpOnSignal = false;
  std::string warning;
  auto display = Display::start(config, warning);
  ASSERT_FALSE(static_cast<bool>(display));
  std::string message = llvm::toString(display.takeError());
  EXPECT_NE(message.find("cannot write the screenshot"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

TEST_F(PngTest, SdlDisplayWithoutAnXServerFailsOrFallsBack) {
  // Run with no X server: SDL cannot open a window. (Skipped where one is
  // reachable: the e2e test covers the window itself under Xvfb.)
  if (std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr)
    GTEST_SKIP() << "an X or Wayland display is set";
  auto framebuffer = devices::Framebuffer::create(16, 16, 32 << 20);
  ASSERT_TRUE(static_cast<bool>(framebuffer));
  DisplayConfig config;
  config.kind = DisplayConfig::Kind::Sdl;
  config.framebuffer = framebuffer->get();
  config.title = "Tiercel virt - interp";
  std::string warning;
  auto display = Display::start(config, warning);
  ASSERT_FALSE(static_cast<bool>(display));
  std::string message = llvm::toString(display.takeError());
  EXPECT_NE(message.find("-display sdl: cannot open a window"), std::string::npos) << message;
  EXPECT_NE(message.find("no $DISPLAY"), std::string::npos) << message;
  config.fallBackToNone = true;
  auto fallback = Display::start(config, warning);
  ASSERT_TRUE(static_cast<bool>(fallback));
  EXPECT_FALSE((*fallback)->hasWindow());
  EXPECT_NE(warning.find("going on without a window"), std::string::npos) << warning;
}

} // namespace
} // namespace tiercel::system
