// tiercel-system-riscv64's option parser: -drive and -device in QEMU's
// syntax, the checks between them, the order the virtio devices fill the
// board's slots in, and -machine.
#include <gtest/gtest.h>

#include "tests/unit/system_cli/parse_support.h"

namespace tiercel::tools {
namespace {

using namespace test;

TEST(SystemOptionsTest, NoneDriveAttachedByADevice) {
  SystemCommandLine line = parse({"-drive", "file=disk.img,format=raw,if=none,id=d0", "-device",
                                  "virtio-blk-device,drive=d0"});
  ASSERT_EQ(line.drives.size(), 1u);
  EXPECT_EQ(line.drives[0].file, "disk.img");
  EXPECT_EQ(line.drives[0].id, "d0");
  EXPECT_EQ(line.drives[0].interface, DriveSpec::Interface::None);
  EXPECT_FALSE(line.drives[0].readOnly);
  ASSERT_EQ(line.virtioDevices.size(), 1u);
  EXPECT_EQ(line.virtioDevices[0].type, VirtioDeviceSpec::Type::Blk);
  EXPECT_EQ(line.virtioDevices[0].drive, 0);
  EXPECT_TRUE(line.warnings.empty());
  EXPECT_TRUE(line.unimplemented.empty());
}

TEST(SystemOptionsTest, VirtioDriveGetsItsOwnDeviceAndFormatDefaultsToRaw) {
  SystemCommandLine line = parse({"--drive=file=a.img,if=virtio,readonly=on"});
  ASSERT_EQ(line.drives.size(), 1u);
  EXPECT_TRUE(line.drives[0].readOnly);
  EXPECT_EQ(line.drives[0].id, "virtio0"); // QEMU's automatic name
  ASSERT_EQ(line.virtioDevices.size(), 1u);
  EXPECT_EQ(line.virtioDevices[0].type, VirtioDeviceSpec::Type::Blk);
  EXPECT_EQ(line.virtioDevices[0].drive, 0);
}

TEST(SystemOptionsTest, DoubledCommaIsACommaInTheFileName) {
  SystemCommandLine line = parse({"-drive", "file=my,,disk.img,if=virtio"});
  ASSERT_EQ(line.drives.size(), 1u);
  EXPECT_EQ(line.drives[0].file, "my,disk.img");
}

TEST(SystemOptionsTest, DeviceMayComeBeforeItsDrive) {
  // QEMU creates every drive before any device.
  SystemCommandLine line =
      parse({"-device", "virtio-blk-device,drive=d0", "-drive", "file=a.img,if=none,id=d0"});
  ASSERT_EQ(line.virtioDevices.size(), 1u);
  EXPECT_EQ(line.virtioDevices[0].drive, 0);
}

TEST(SystemOptionsTest, SlotOrderIsQemus) {
  // -device ones in order, then if=virtio drives; the first in the
  // highest slot (0x10008000), which Linux probes first: /dev/vda.
  SystemCommandLine line =
      parse({"-drive", "file=v.img,if=virtio", "-drive", "file=a.img,if=none,id=a", "-drive",
             "file=b.img,if=none,id=b", "-device", "virtio-blk-device,drive=b,serial=SB", "-device",
             "virtio-rng-device", "-device", "virtio-blk-device,drive=a"});
  ASSERT_EQ(line.virtioDevices.size(), 4u);
  EXPECT_EQ(line.virtioDevices[0].drive, 2); // b
  EXPECT_EQ(line.virtioDevices[0].serial, "SB");
  EXPECT_EQ(line.virtioDevices[1].type, VirtioDeviceSpec::Type::Rng);
  EXPECT_EQ(line.virtioDevices[2].drive, 1); // a
  EXPECT_EQ(line.virtioDevices[3].drive, 0); // the if=virtio one, last
  EXPECT_EQ(virtioSlotOf(0), 7u);
  EXPECT_EQ(virtioSlotOf(1), 6u);
  EXPECT_EQ(virtioSlotOf(7), 0u);
}

TEST(SystemOptionsTest, AutomaticIdsCountPerInterface) {
  SystemCommandLine line =
      parse({"-drive", "file=a.img,if=none", "-drive", "file=b.img,if=virtio", "-drive",
             "file=c.img,if=none", "-device", "virtio-blk-device,drive=none1", "-device",
             "virtio-blk-device,drive=none0"});
  EXPECT_EQ(line.drives[0].id, "none0");
  EXPECT_EQ(line.drives[1].id, "virtio0");
  EXPECT_EQ(line.drives[2].id, "none1");
  EXPECT_EQ(line.virtioDevices[0].drive, 2);
}

TEST(SystemOptionsTest, UnusedNoneDriveIsAWarning) {
  SystemCommandLine line = parse({"-drive", "file=a.img,if=none,id=spare"});
  ASSERT_EQ(line.warnings.size(), 1u);
  EXPECT_NE(line.warnings[0].find("no device uses drive 'spare'"), std::string::npos);
  EXPECT_TRUE(line.virtioDevices.empty());
}

TEST(SystemOptionsTest, DriveErrors) {
  EXPECT_NE(errorOf({"-drive", "file=a.img,if=virtio,bogus=1"}).find("unknown key 'bogus'"),
            std::string::npos);
  EXPECT_NE(errorOf({"-drive", "a.img"}).find("not key=value"), std::string::npos);
  EXPECT_NE(errorOf({"-drive", "if=virtio"}).find("no file="), std::string::npos);
  EXPECT_NE(errorOf({"-drive", "file=,if=virtio"}).find("file= is empty"), std::string::npos);
  EXPECT_NE(errorOf({"-drive", "file=a.img"}).find("no if="), std::string::npos);
  EXPECT_NE(errorOf({"-drive", "file=a.img,if=usb"}).find("unknown interface if=usb"),
            std::string::npos);
  EXPECT_NE(errorOf({"-drive", "file=a.img,if=virtio,readonly=yes"})
                .find("readonly expects 'on' or 'off'"),
            std::string::npos);
  EXPECT_NE(errorOf({"-drive", "file=a.img,if=none,id=x", "-drive", "file=b.img,if=none,id=x"})
                .find("duplicate drive id 'x'"),
            std::string::npos);
  // The message names the -drive as given.
  EXPECT_NE(errorOf({"-drive", "file=a.img,if=virtio,bogus=1"})
                .find("-drive file=a.img,if=virtio,bogus=1: "),
            std::string::npos);
}

TEST(SystemOptionsTest, DriveFeaturesOfQemuThisBoardLacks) {
  EXPECT_EQ(unimplementedOf({"-drive", "file=a.qcow2,format=qcow2,if=virtio"}),
            "-drive format=qcow2 (raw images only)");
  EXPECT_EQ(unimplementedOf({"-drive", "file=a.img,if=ide"}),
            "-drive if=ide (this board has virtio only)");
  EXPECT_EQ(unimplementedOf({"-drive", "file=a.img,if=virtio,cache=none"}), "-drive cache=none");
  EXPECT_EQ(unimplementedOf({"-drive", "file=a.iso,if=virtio,media=cdrom"}),
            "-drive media=cdrom (disks only)");
  // A -device naming the unimplemented drive does not hide the real reason.
  EXPECT_EQ(unimplementedOf({"-drive", "file=a.qcow2,format=qcow2,if=none,id=d0", "-device",
                             "virtio-blk-device,drive=d0"}),
            "-drive format=qcow2 (raw images only)");
}

TEST(SystemOptionsTest, DeviceErrors) {
  EXPECT_NE(errorOf({"-device", "virtio-blk-device,drive=d9"}).find("no -drive with id 'd9'"),
            std::string::npos);
  EXPECT_NE(errorOf({"-device", "virtio-blk-device"}).find("drive property not set"),
            std::string::npos);
  EXPECT_NE(errorOf({"-drive", "file=a.img,if=none,id=d0", "-device", "virtio-blk-device,drive=d0",
                     "-device", "virtio-blk-device,drive=d0"})
                .find("drive 'd0' is already in use by another device"),
            std::string::npos);
  EXPECT_NE(
      errorOf({"-drive", "file=a.img,if=virtio,id=d0", "-device", "virtio-blk-device,drive=d0"})
          .find("already has a device of its own (if=virtio)"),
      std::string::npos);
  EXPECT_NE(errorOf({"-device", "e1000"}).find("unknown device type 'e1000'"), std::string::npos);
  EXPECT_NE(
      errorOf({"-device", "virtio-blk-pci,drive=d0"}).find("no PCI bus: use virtio-blk-device"),
      std::string::npos);
  EXPECT_NE(errorOf({"-device", "virtio-rng"}).find("no PCI bus: use virtio-rng-device"),
            std::string::npos);
  EXPECT_NE(errorOf({"-device", "virtio-rng-device,max-bytes=10"})
                .find("unknown property 'max-bytes' of virtio-rng-device"),
            std::string::npos);
  EXPECT_NE(errorOf({"-device", "drive=d0"}).find("the device type comes first"),
            std::string::npos);
  EXPECT_EQ(unimplementedOf({"-device", "virtio-9p-device"}), "-device virtio-9p-device");
}

TEST(SystemOptionsTest, AtMostEightVirtioDevices) {
  std::vector<std::string> args{"tiercel-system-riscv64"};
  for (int i = 0; i < 8; ++i)
    args.insert(args.end(), {"-device", "virtio-rng-device"});
  auto eight = parseSystemCommandLine(args);
  ASSERT_TRUE(bool(eight)) << llvm::toString(eight.takeError());
  EXPECT_EQ(eight->virtioDevices.size(), 8u);
  args.insert(args.end(), {"-drive", "file=a.img,if=virtio"});
  auto nine = parseSystemCommandLine(args);
  ASSERT_FALSE(bool(nine));
  EXPECT_NE(llvm::toString(nine.takeError()).find("too many virtio devices: 9"), std::string::npos);
}

TEST(SystemOptionsTest, DeviceHelpAndDriverForm) {
  EXPECT_TRUE(parse({"-device", "help"}).deviceHelp);
  SystemCommandLine line = parse({"-device", "driver=virtio-rng-device,id=rng0"});
  ASSERT_EQ(line.virtioDevices.size(), 1u);
  EXPECT_EQ(line.virtioDevices[0].type, VirtioDeviceSpec::Type::Rng);
  EXPECT_NE(systemDeviceTypesText().find("virtio-blk-device"), std::string::npos);
}

TEST(SystemOptionsTest, Machines) {
  EXPECT_EQ(parse({}).machine, "virt");
  EXPECT_EQ(parse({"-machine", "spike"}).machine, "spike");
  EXPECT_EQ(parse({"-M", "type=virt,dumpdtb=x.dtb"}).dumpDtb, "x.dtb");
  EXPECT_NE(errorOf({"-machine", "sifive_u"}).find("unknown machine 'sifive_u'"),
            std::string::npos);
  EXPECT_NE(errorOf({"-machine", "spike,bogus=1"}).find("unknown property 'bogus=1'"),
            std::string::npos);
}

} // namespace
} // namespace tiercel::tools
