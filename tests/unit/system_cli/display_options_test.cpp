// The display's options of tiercel-system-riscv64 (tools/tiercel-system-
// riscv64/options.cpp): -display sdl|none|png:FILE|help, -nographic, the
// framebuffer a window implies, -device simple-framebuffer and the
// virtio-input devices, and their errors.
#include <gtest/gtest.h>

#include "tests/unit/system_cli/parse_support.h"

namespace tiercel::tools {
namespace {

using namespace test;

TEST(DisplayOptionsTest, NoDisplayOptionKeepsTodaysHeadlessRun) {
  SystemCommandLine line = parse({"-m", "256M"});
  EXPECT_EQ(line.display.type, DisplaySpec::Type::Default);
  EXPECT_FALSE(line.framebuffer);
  EXPECT_FALSE(line.nographic);
}

TEST(DisplayOptionsTest, SdlImpliesADefaultFramebuffer) {
  SystemCommandLine line = parse({"-display", "sdl"});
  EXPECT_EQ(line.display.type, DisplaySpec::Type::Sdl);
  EXPECT_TRUE(line.display.screendump.empty());
  ASSERT_TRUE(line.framebuffer);
  EXPECT_EQ(line.framebuffer->width, 640u);
  EXPECT_EQ(line.framebuffer->height, 480u);
  line = parse({"--display=sdl,screendump=/tmp/s.png"});
  EXPECT_EQ(line.display.screendump, "/tmp/s.png");
}

TEST(DisplayOptionsTest, PngTakesAFileAndAnInterval) {
  SystemCommandLine line = parse({"-display", "png:out/shot.png"});
  EXPECT_EQ(line.display.type, DisplaySpec::Type::Png);
  EXPECT_EQ(line.display.screendump, "out/shot.png");
  EXPECT_EQ(line.display.intervalMs, 0u);
  ASSERT_TRUE(line.framebuffer);
  line = parse({"-display", "png:a,,b.png,interval=0.5"}); // ",," is a comma in the name
  EXPECT_EQ(line.display.screendump, "a,b.png");
  EXPECT_EQ(line.display.intervalMs, 500u);
}

TEST(DisplayOptionsTest, AFramebufferDeviceSetsTheSize) {
  SystemCommandLine line =
      parse({"-device", "simple-framebuffer,xres=800,yres=600", "-display", "png:x.png"});
  ASSERT_TRUE(line.framebuffer);
  EXPECT_EQ(line.framebuffer->width, 800u);
  EXPECT_EQ(line.framebuffer->height, 600u);
  EXPECT_TRUE(line.virtioDevices.empty()); // no virtio slot for it
  // With no -display a framebuffer stays Default: main() opens a window
  // when it can.
  line = parse({"-device", "simple-framebuffer"});
  EXPECT_EQ(line.display.type, DisplaySpec::Type::Default);
  ASSERT_TRUE(line.framebuffer);
  EXPECT_EQ(line.framebuffer->width, 640u);
}

TEST(DisplayOptionsTest, NographicIsNoneAndKeepsAnAskedForFramebuffer) {
  SystemCommandLine line = parse({"-nographic"});
  EXPECT_EQ(line.display.type, DisplaySpec::Type::None);
  EXPECT_FALSE(line.framebuffer);
  line = parse({"-nographic", "-device", "simple-framebuffer"});
  EXPECT_EQ(line.display.type, DisplaySpec::Type::None);
  EXPECT_TRUE(line.framebuffer);
  line = parse({"-display", "none", "-device", "simple-framebuffer"});
  EXPECT_EQ(line.display.type, DisplaySpec::Type::None);
  EXPECT_TRUE(line.framebuffer);
  EXPECT_NE(errorOf({"-nographic", "-display", "sdl"})
                .find("-nographic cannot be used with "
                      "-display sdl"),
            std::string::npos);
}

TEST(DisplayOptionsTest, HelpAndErrors) {
  EXPECT_TRUE(parse({"-display", "help"}).displayHelp);
  EXPECT_EQ(errorOf({"-display", "bogus"}),
            "-display bogus: unknown display type 'bogus' ('-display help' lists them)");
  EXPECT_EQ(errorOf({"-display", "png"}), "-display png: png needs a file: -display png:FILE");
  EXPECT_NE(errorOf({"-display", "sdl,gl=on"}).find("unknown option 'gl' (sdl has screendump"),
            std::string::npos);
  EXPECT_NE(errorOf({"-display", "png:x.png,interval=0"}).find("interval is in seconds"),
            std::string::npos);
  EXPECT_NE(errorOf({"-display", "none,screendump=x.png"}).find("none has no options"),
            std::string::npos);
  SystemCommandLine line = parse({"-display", "gtk"});
  ASSERT_EQ(line.unimplemented.size(), 1u);
  EXPECT_EQ(line.unimplemented[0], "-display gtk (this tool has sdl, none, png:FILE)");
  EXPECT_NE(errorOf({"-device", "simple-framebuffer,xres=8"})
                .find("xres must be a number of "
                      "pixels from 16 to 4096"),
            std::string::npos);
  EXPECT_NE(errorOf({"-device", "simple-framebuffer,depth=16"}).find("unknown property 'depth'"),
            std::string::npos);
  EXPECT_NE(errorOf({"-device", "simple-framebuffer", "-device", "simple-framebuffer"})
                .find("the board has one framebuffer"),
            std::string::npos);
}

TEST(DisplayOptionsTest, InputDevicesFillVirtioSlots) {
  SystemCommandLine line =
      parse({"-device", "virtio-keyboard-device,serial=k1", "-device", "virtio-mouse-device",
             "-device", "virtio-tablet-device,id=t0", "-device", "virtio-rng-device"});
  ASSERT_EQ(line.virtioDevices.size(), 4u);
  EXPECT_EQ(line.virtioDevices[0].type, VirtioDeviceSpec::Type::Keyboard);
  EXPECT_EQ(line.virtioDevices[0].serial, "k1");
  EXPECT_EQ(line.virtioDevices[1].type, VirtioDeviceSpec::Type::Mouse);
  EXPECT_EQ(line.virtioDevices[2].type, VirtioDeviceSpec::Type::Tablet);
  EXPECT_EQ(line.virtioDevices[3].type, VirtioDeviceSpec::Type::Rng);
  EXPECT_EQ(virtioSlotOf(0), 7u);
  EXPECT_TRUE(line.unimplemented.empty());
  EXPECT_NE(errorOf({"-device", "virtio-keyboard-device,drive=d0"})
                .find("unknown property 'drive' of virtio-keyboard-device (it has serial, id)"),
            std::string::npos);
  EXPECT_NE(errorOf({"-device", "virtio-keyboard-pci"})
                .find("this board has no PCI bus: use virtio-keyboard-device"),
            std::string::npos);
}

TEST(DisplayOptionsTest, HelpTextsListTheNewDevicesAndDisplays) {
  std::string devices = systemDeviceTypesText();
  for (const char *name : {"virtio-keyboard-device", "virtio-mouse-device", "virtio-tablet-device",
                           "simple-framebuffer", "virtio-blk-device"})
    EXPECT_NE(devices.find(name), std::string::npos) << name;
  std::string displays = systemDisplayTypesText();
  for (const char *name : {"sdl", "none", "png:FILE", "Ctrl-Alt-G", "SIGUSR1"})
    EXPECT_NE(displays.find(name), std::string::npos) << name;
  EXPECT_NE(systemUsageText().find("-display sdl|none|png:FILE|help"), std::string::npos);
}

} // namespace
} // namespace tiercel::tools
