// Boot image placement (QEMU's rules, boot_loader.h) and the device tree
// the board generates, read back with libfdt.
#include <gtest/gtest.h>
#include <libfdt.h>

#include <cstring>
#include <string>

#include "runtime/system/virt_fdt.h"
#include "virt_board/board_test_support.h"
#include "llvm/BinaryFormat/ELF.h"

namespace tiercel::system::board_test {
namespace {

BootFile bytesFile(const char *name, size_t size, uint8_t fill) {
  BootFile file;
  file.name = name;
  file.bytes.assign(size, fill);
  return file;
}

// A riscv64 ELF executable with one PT_LOAD: `fileBytes` of 0xab at
// physical `paddr` (virtual `vaddr`), `memBytes` in memory, entry `entry`.
BootFile elfFile(uint64_t vaddr, uint64_t paddr, uint64_t fileBytes, uint64_t memBytes,
                 uint64_t entry) {
  using namespace llvm::ELF;
  Elf64_Ehdr header = {};
  std::memcpy(header.e_ident, ElfMagic, 4);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_ident[EI_VERSION] = EV_CURRENT;
  header.e_type = ET_EXEC;
  header.e_machine = EM_RISCV;
  header.e_version = EV_CURRENT;
  header.e_entry = entry;
  header.e_phoff = sizeof(Elf64_Ehdr);
  header.e_ehsize = sizeof(Elf64_Ehdr);
  header.e_phentsize = sizeof(Elf64_Phdr);
  header.e_phnum = 1;
  Elf64_Phdr segment = {};
  segment.p_type = PT_LOAD;
  segment.p_flags = PF_R | PF_X;
  segment.p_offset = 0x1000;
  segment.p_vaddr = vaddr;
  segment.p_paddr = paddr;
  segment.p_filesz = fileBytes;
  segment.p_memsz = memBytes;
  segment.p_align = 0x1000;
  BootFile file;
  file.name = "kernel.elf";
  file.bytes.assign(0x1000 + fileBytes, 0);
  std::memcpy(file.bytes.data(), &header, sizeof header);
  std::memcpy(file.bytes.data() + sizeof header, &segment, sizeof segment);
  std::memset(file.bytes.data() + 0x1000, 0xab, fileBytes);
  return file;
}

std::string errorOf(llvm::Expected<BootLayout> layout) {
  if (layout)
    return "";
  return llvm::toString(layout.takeError());
}

TEST(BootLoaderTest, FirmwareKernelInitrdAndTreeWhereQemuPutsThem) {
  TestBoard test(uint64_t{128} << 20);
  ASSERT_TRUE(test.board);
  BootImages images;
  images.firmware = bytesFile("fw_dynamic.bin", 300 * 1024, 0x11);
  images.kernel = bytesFile("Image", 3 << 20, 0x22);
  images.initrd = bytesFile("initrd", 100000, 0x33);
  images.bootargs = "console=ttyS0 earlycon=sbi";
  auto layout = loadBootImages(*test.board, images);
  ASSERT_TRUE(bool(layout)) << llvm::toString(layout.takeError());
  EXPECT_EQ(layout->startAddress, 0x80000000u);
  EXPECT_EQ(layout->firmware->start, 0x80000000u);
  EXPECT_EQ(layout->kernel->start, 0x80200000u); // first 2 MiB boundary after the firmware
  EXPECT_EQ(layout->kernelEntry, 0x80200000u);
  // Tree: 2 MiB aligned, 1 MiB below the end of RAM at most.
  EXPECT_EQ(layout->deviceTree.start, 0x87e00000u);
  EXPECT_EQ(layout->deviceTree.end - layout->deviceTree.start, kFdtPaddedSize);
  // initrd: page-aligned, right below the tree.
  EXPECT_EQ(layout->initrd->start % 4096, 0u);
  EXPECT_EQ(layout->initrd->end, layout->initrd->start + 100000);
  EXPECT_LE(layout->initrd->end, layout->deviceTree.start);
  EXPECT_GT(layout->initrd->start, layout->deviceTree.start - 2 * 100000);
  // The bytes are in RAM.
  EXPECT_EQ(*test.board->ramPointer(0x80000000 + 300 * 1024 - 1, 1), 0x11);
  EXPECT_EQ(*test.board->ramPointer(0x80200000, 1), 0x22);
  EXPECT_EQ(*test.board->ramPointer(layout->initrd->start, 1), 0x33);
  EXPECT_EQ(std::memcmp(test.board->ramPointer(layout->deviceTree.start, 16),
                        layout->deviceTreeBlob.data(), 16),
            0);
  // The reset vector's data words and fw_dynamic_info.next_addr.
  uint64_t start, fdt, next;
  std::memcpy(&start, test.board->rom() + 24, 8);
  std::memcpy(&fdt, test.board->rom() + 32, 8);
  std::memcpy(&next, test.board->rom() + 40 + 16, 8);
  EXPECT_EQ(start, 0x80000000u);
  EXPECT_EQ(fdt, layout->deviceTree.start);
  EXPECT_EQ(next, 0x80200000u);
}

TEST(BootLoaderTest, WithoutFirmwareTheKernelIsTheFirmware) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  BootImages images;
  images.kernel = bytesFile("payload.bin", 4096, 0x13);
  auto layout = loadBootImages(*test.board, images);
  ASSERT_TRUE(bool(layout)) << llvm::toString(layout.takeError());
  EXPECT_FALSE(layout->firmware);
  EXPECT_EQ(layout->kernel->start, 0x80000000u);
  EXPECT_EQ(layout->startAddress, 0x80000000u);
}

TEST(BootLoaderTest, ElfKernelGoesToItsPhysicalAddresses) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  // Linked high (virtual) but loaded low (physical), as a vmlinux is.
  std::memset(test.board->ramPointer(0x80400000, 0x3000), 0x77, 0x3000);
  BootImages images;
  images.firmware = bytesFile("fw", 4096, 0x11);
  images.kernel = elfFile(0xffffffff80000000, 0x80400000, 0x1800, 0x3000, 0xffffffff80000010);
  auto layout = loadBootImages(*test.board, images);
  ASSERT_TRUE(bool(layout)) << llvm::toString(layout.takeError());
  EXPECT_EQ(layout->kernel->start, 0x80400000u);
  EXPECT_EQ(layout->kernel->end, 0x80403000u);
  EXPECT_EQ(layout->kernelEntry, 0x80400010u);
  EXPECT_EQ(*test.board->ramPointer(0x80400000, 1), 0xab);
  EXPECT_EQ(*test.board->ramPointer(0x804017ff, 1), 0xab);
  EXPECT_EQ(*test.board->ramPointer(0x80401800, 1), 0); // bss cleared
  EXPECT_EQ(*test.board->ramPointer(0x80402fff, 1), 0);
}

TEST(BootLoaderTest, ImagesThatDoNotFitAreNamedErrors) {
  {
    TestBoard test(uint64_t{4} << 20);
    BootImages images;
    images.firmware = bytesFile("huge.bin", 5 << 20, 0);
    EXPECT_NE(errorOf(loadBootImages(*test.board, images)).find("firmware huge.bin"),
              std::string::npos);
  }
  {
    TestBoard test(uint64_t{8} << 20);
    BootImages images;
    images.firmware = bytesFile("fw", 4096, 0);
    images.kernel = bytesFile("Image", 4 << 20, 0);
    images.initrd = bytesFile("big-initrd", 3 << 20, 0);
    std::string error = errorOf(loadBootImages(*test.board, images));
    EXPECT_NE(error.find("initrd big-initrd"), std::string::npos) << error;
    EXPECT_NE(error.find("does not fit"), std::string::npos) << error;
  }
  {
    TestBoard test;
    BootImages images;
    images.kernel = elfFile(0x1000, 0x1000, 16, 16, 0x1000); // in the ROM's range
    std::string error = errorOf(loadBootImages(*test.board, images));
    EXPECT_NE(error.find("outside RAM"), std::string::npos) << error;
  }
  {
    TestBoard test;
    BootImages images;
    images.firmware = bytesFile("fw", 4096, 0);
    images.kernel = elfFile(0x80000000, 0x80000000, 16, 16, 0x80000000);
    std::string error = errorOf(loadBootImages(*test.board, images));
    EXPECT_NE(error.find("overlaps the firmware"), std::string::npos) << error;
  }
  {
    TestBoard test;
    BootImages images;
    images.deviceTree = bytesFile("garbage.dtb", 100, 0x5a);
    std::string error = errorOf(loadBootImages(*test.board, images));
    EXPECT_NE(error.find("garbage.dtb: not a flattened device tree"), std::string::npos) << error;
  }
}

// ---- The device tree ----

class DeviceTreeTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(test.board);
    BootImages images;
    images.firmware = bytesFile("fw", 4096, 0);
    images.kernel = bytesFile("Image", 4096, 0);
    images.initrd = bytesFile("initrd", 5000, 0);
    images.bootargs = "console=ttyS0";
    images.rngSeed.assign(32, 0x42);
    auto loaded = loadBootImages(*test.board, images);
    ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
    layout = std::move(*loaded);
    fdt = layout.deviceTreeBlob.data();
    ASSERT_EQ(fdt_check_header(fdt), 0);
  }

  int node(const char *path) {
    int offset = fdt_path_offset(fdt, path);
    EXPECT_GE(offset, 0) << path;
    return offset;
  }
  std::string string(const char *path, const char *property) {
    int length = 0;
    const char *value = static_cast<const char *>(fdt_getprop(fdt, node(path), property, &length));
    if (value == nullptr)
      return "<missing>";
    return std::string(value, static_cast<size_t>(length)); // string lists keep their NULs
  }
  std::vector<uint32_t> cells(const char *path, const char *property) {
    int length = 0;
    const fdt32_t *value =
        static_cast<const fdt32_t *>(fdt_getprop(fdt, node(path), property, &length));
    std::vector<uint32_t> out;
    for (int i = 0; value != nullptr && i < length / 4; ++i)
      out.push_back(fdt32_to_cpu(value[i]));
    return out;
  }
  uint64_t u64(const char *path, const char *property) {
    std::vector<uint32_t> value = cells(path, property);
    return value.size() == 2 ? uint64_t{value[0]} << 32 | value[1] : ~uint64_t{0};
  }
  static std::string list(std::initializer_list<const char *> strings) {
    std::string out;
    for (const char *s : strings)
      out += std::string(s) + '\0';
    return out;
  }
  static std::vector<uint32_t> reg(uint64_t base, uint64_t size) {
    return {static_cast<uint32_t>(base >> 32), static_cast<uint32_t>(base),
            static_cast<uint32_t>(size >> 32), static_cast<uint32_t>(size)};
  }

  TestBoard test{uint64_t{64} << 20};
  BootLayout layout;
  const void *fdt = nullptr;
};

TEST_F(DeviceTreeTest, RootCpuAndMemory) {
  EXPECT_EQ(string("/", "compatible"), list({"riscv-virtio"}));
  EXPECT_EQ(cells("/", "#address-cells"), std::vector<uint32_t>{2});
  EXPECT_EQ(cells("/memory@80000000", "reg"), reg(0x80000000, 64 << 20));
  EXPECT_EQ(string("/memory@80000000", "device_type"), list({"memory"}));
  EXPECT_EQ(cells("/cpus", "timebase-frequency"), std::vector<uint32_t>{10000000});
  EXPECT_EQ(string("/cpus/cpu@0", "riscv,isa"), list({"rv64imafdc_zicsr_zifencei_zba_zbb_zbs"}));
  EXPECT_EQ(string("/cpus/cpu@0", "mmu-type"), list({"riscv,sv48"}));
  EXPECT_EQ(string("/cpus/cpu@0", "compatible"), list({"riscv"}));
  EXPECT_EQ(string("/cpus/cpu@0", "riscv,isa-base"), list({"rv64i"}));
  EXPECT_EQ(string("/cpus/cpu@0", "riscv,isa-extensions"),
            list({"i", "m", "a", "f", "d", "c", "zicsr", "zifencei", "zba", "zbb", "zbs"}));
  EXPECT_EQ(string("/cpus/cpu@0/interrupt-controller", "compatible"), list({"riscv,cpu-intc"}));
  EXPECT_EQ(fdt_node_check_compatible(fdt, node("/soc"), "simple-bus"), 0);
}

TEST_F(DeviceTreeTest, DevicesWithQemusCompatiblesAndInterrupts) {
  uint32_t intc = fdt_get_phandle(fdt, node("/cpus/cpu@0/interrupt-controller"));
  uint32_t plic = fdt_get_phandle(fdt, node("/soc/plic@c000000"));
  uint32_t test = fdt_get_phandle(fdt, node("/soc/test@100000"));
  ASSERT_NE(intc, 0u);
  ASSERT_NE(plic, 0u);
  ASSERT_NE(test, 0u);
  EXPECT_EQ(string("/soc/clint@2000000", "compatible"), list({"sifive,clint0", "riscv,clint0"}));
  EXPECT_EQ(cells("/soc/clint@2000000", "reg"), reg(0x2000000, 0x10000));
  EXPECT_EQ(cells("/soc/clint@2000000", "interrupts-extended"),
            (std::vector<uint32_t>{intc, 3, intc, 7}));
  EXPECT_EQ(string("/soc/plic@c000000", "compatible"), list({"sifive,plic-1.0.0", "riscv,plic0"}));
  EXPECT_EQ(cells("/soc/plic@c000000", "riscv,ndev"), std::vector<uint32_t>{95});
  EXPECT_EQ(cells("/soc/plic@c000000", "interrupts-extended"),
            (std::vector<uint32_t>{intc, 11, intc, 9}));
  EXPECT_EQ(cells("/soc/plic@c000000", "reg"), reg(0xc000000, 0x600000));
  EXPECT_EQ(string("/soc/serial@10000000", "compatible"), list({"ns16550a"}));
  EXPECT_EQ(cells("/soc/serial@10000000", "clock-frequency"), std::vector<uint32_t>{3686400});
  EXPECT_EQ(cells("/soc/serial@10000000", "interrupts"), std::vector<uint32_t>{10});
  EXPECT_EQ(cells("/soc/serial@10000000", "interrupt-parent"), std::vector<uint32_t>{plic});
  EXPECT_EQ(cells("/soc/serial@10000000", "reg"), reg(0x10000000, 0x100));
  EXPECT_EQ(string("/soc/rtc@101000", "compatible"), list({"google,goldfish-rtc"}));
  EXPECT_EQ(cells("/soc/rtc@101000", "interrupts"), std::vector<uint32_t>{11});
  EXPECT_EQ(string("/soc/test@100000", "compatible"),
            list({"sifive,test1", "sifive,test0", "syscon"}));
  EXPECT_EQ(string("/poweroff", "compatible"), list({"syscon-poweroff"}));
  EXPECT_EQ(cells("/poweroff", "regmap"), std::vector<uint32_t>{test});
  EXPECT_EQ(cells("/poweroff", "value"), std::vector<uint32_t>{0x5555});
  EXPECT_EQ(string("/reboot", "compatible"), list({"syscon-reboot"}));
  EXPECT_EQ(cells("/reboot", "value"), std::vector<uint32_t>{0x7777});
  for (unsigned slot = 0; slot < 8; ++slot) {
    char name[64];
    std::snprintf(name, sizeof name, "/soc/virtio_mmio@%x", 0x10001000 + slot * 0x1000);
    EXPECT_EQ(string(name, "compatible"), list({"virtio,mmio"}));
    EXPECT_EQ(cells(name, "interrupts"), std::vector<uint32_t>{slot + 1});
    EXPECT_EQ(cells(name, "reg"), reg(0x10001000 + slot * 0x1000, 0x1000));
  }
}

TEST_F(DeviceTreeTest, ChosenHasBootargsInitrdConsoleAndSeed) {
  EXPECT_EQ(string("/chosen", "bootargs"), list({"console=ttyS0"}));
  EXPECT_EQ(string("/chosen", "stdout-path"), list({"/soc/serial@10000000"}));
  EXPECT_EQ(u64("/chosen", "linux,initrd-start"), layout.initrd->start);
  EXPECT_EQ(u64("/chosen", "linux,initrd-end"), layout.initrd->end);
  EXPECT_EQ(string("/chosen", "rng-seed"), std::string(32, '\x42'));
  // Room to grow: OpenSBI adds nodes in place.
  EXPECT_EQ(fdt_totalsize(fdt), kFdtPaddedSize);
  EXPECT_GT(fdt_totalsize(fdt) - fdt_off_dt_strings(fdt) - fdt_size_dt_strings(fdt), 0x10000u);
}

TEST(DeviceTreeFileTest, ADtbFileGetsChosenToo) {
  // A tree without /chosen, as a user might give with -dtb.
  std::vector<uint8_t> blob(4096);
  ASSERT_EQ(fdt_create_empty_tree(blob.data(), static_cast<int>(blob.size())), 0);
  auto opened = openDeviceTree(blob, "user.dtb");
  ASSERT_TRUE(bool(opened)) << llvm::toString(opened.takeError());
  ChosenSettings chosen;
  chosen.bootargs = "quiet";
  chosen.initrd = std::make_pair(uint64_t{0x88000000}, uint64_t{0x88001000});
  ASSERT_FALSE(bool(setChosen(*opened, chosen)));
  const void *fdt = opened->data();
  int node = fdt_path_offset(fdt, "/chosen");
  ASSERT_GE(node, 0);
  EXPECT_STREQ(static_cast<const char *>(fdt_getprop(fdt, node, "bootargs", nullptr)), "quiet");
  int length = 0;
  const void *start = fdt_getprop(fdt, node, "linux,initrd-start", &length);
  ASSERT_EQ(length, 8);
  // Properties are only 4-byte aligned in a tree: copy, do not dereference.
  fdt64_t value;
  std::memcpy(&value, start, sizeof value);
  EXPECT_EQ(fdt64_to_cpu(value), 0x88000000u);
}

} // namespace
} // namespace tiercel::system::board_test
