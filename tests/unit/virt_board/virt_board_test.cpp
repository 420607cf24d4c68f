// The virt board: its physical memory map, the empty virtio-mmio slots,
// the reset vector's handoff to the firmware (a0/a1/a2, fw_dynamic_info),
// and programs run by the system run loop that reach the devices the way
// firmware does: the finisher (power off, fail code, reset), the CLINT
// timer waking a wfi, the UART's interrupt through the PLIC, the RTC.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "runtime/system/system_run_loop.h"
#include "virt_board/board_test_support.h"

namespace tiercel::system::board_test {
namespace {

using namespace reg;

TEST(VirtBoardTest, MemoryMapIsQemuVirt) {
  TestBoard test(uint64_t{32} << 20);
  ASSERT_TRUE(test.board);
  const PhysicalMap &map = test.board->map();
  struct Expect {
    uint64_t address;
    PhysicalRegion::Kind kind;
    const char *name;
    uint64_t size;
  };
  const Expect expected[] = {
      {0x1000, PhysicalRegion::Kind::Rom, "mrom", 0xf000},
      {0x100000, PhysicalRegion::Kind::Mmio, "sifive_test", 0x1000},
      {0x101000, PhysicalRegion::Kind::Mmio, "goldfish_rtc", 0x1000},
      {0x2000000, PhysicalRegion::Kind::Mmio, "clint", 0x10000},
      {0xc000000, PhysicalRegion::Kind::Mmio, "plic", 0x600000},
      {0x10000000, PhysicalRegion::Kind::Mmio, "uart16550", 0x100},
      {0x10001000, PhysicalRegion::Kind::Mmio, "virtio_mmio_empty", 0x1000},
      {0x10008000, PhysicalRegion::Kind::Mmio, "virtio_mmio_empty", 0x1000},
      {0x80000000, PhysicalRegion::Kind::Ram, "ram", uint64_t{32} << 20},
  };
  for (const Expect &e : expected) {
    const PhysicalRegion *region = map.find(e.address);
    ASSERT_NE(region, nullptr) << std::hex << e.address;
    EXPECT_EQ(region->base, e.address);
    EXPECT_EQ(region->kind, e.kind) << e.name;
    EXPECT_STREQ(region->name.c_str(), e.name);
    EXPECT_EQ(region->size, e.size) << e.name;
  }
  // Nothing at 0, between the devices, after the last virtio slot, past RAM.
  for (uint64_t hole : {uint64_t{0}, uint64_t{0x102000}, uint64_t{0x10009000},
                        uint64_t{0x80000000} + (uint64_t{32} << 20)})
    EXPECT_EQ(map.find(hole), nullptr) << std::hex << hole;
  EXPECT_NE(test.board->ramPointer(0x80000000, 32 << 20), nullptr);
  EXPECT_EQ(test.board->ramPointer(0x80000000, (32 << 20) + 1), nullptr);
  EXPECT_EQ(test.board->ramPointer(0x7ffff000, 0x2000), nullptr);
  EXPECT_EQ(test.board->cpu().pc, VirtBoard::kResetPc);
  EXPECT_EQ(test.board->cpu().privilege, Privilege::Machine);
}

TEST(VirtBoardTest, RejectsBadRamSizes) {
  devices::MemoryCharBackend console;
  for (uint64_t size : {uint64_t{0}, uint64_t{4097}, virt::kMaxRamSize + 4096}) {
    VirtBoardConfig config;
    config.ramSize = size;
    auto board = VirtBoard::create(config, console);
    EXPECT_FALSE(board) << size;
    if (!board)
      llvm::consumeError(board.takeError());
  }
}

TEST(VirtBoardTest, EmptyVirtioSlotsAnswerAsDeviceZero) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  const PhysicalMap &map = test.board->map();
  for (unsigned slot = 0; slot < virt::kVirtioSlots; ++slot) {
    uint64_t base = virt::kVirtioBase + slot * virt::kVirtioStride;
    uint64_t value = 0;
    ASSERT_TRUE(map.readDevice(base + 0x000, 4, value));
    EXPECT_EQ(value, 0x74726976u); // "virt"
    ASSERT_TRUE(map.readDevice(base + 0x004, 4, value));
    EXPECT_EQ(value, 2u); // virtio-mmio version 2
    ASSERT_TRUE(map.readDevice(base + 0x008, 4, value));
    EXPECT_EQ(value, 0u); // DeviceID 0: nothing here
    ASSERT_TRUE(map.readDevice(base + 0x070, 4, value));
    EXPECT_EQ(value, 0u);                                // Status
    EXPECT_TRUE(map.writeDevice(base + 0x070, 4, 0xff)); // ignored
    ASSERT_TRUE(map.readDevice(base + 0x070, 4, value));
    EXPECT_EQ(value, 0u);
  }
  uint64_t value;
  EXPECT_FALSE(map.readDevice(virt::kVirtioBase + 1, 1, value)); // registers are 32-bit
}

TEST(VirtBoardTest, ResetVectorIsQemusWithFwDynamicInfo) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  test.board->writeResetVector(0x80000000, 0x87e00000, 0x80200000);
  const uint8_t *rom = test.board->rom();
  auto word = [&](unsigned offset) {
    uint32_t value;
    std::memcpy(&value, rom + offset, 4);
    return value;
  };
  auto dword = [&](unsigned offset) {
    uint64_t value;
    std::memcpy(&value, rom + offset, 8);
    return value;
  };
  EXPECT_EQ(word(0), 0x00000297u);  // auipc t0, 0
  EXPECT_EQ(word(4), 0x02828613u);  // addi a2, t0, 40
  EXPECT_EQ(word(8), 0xf1402573u);  // csrr a0, mhartid
  EXPECT_EQ(word(12), 0x0202b583u); // ld a1, 32(t0)
  EXPECT_EQ(word(16), 0x0182b283u); // ld t0, 24(t0)
  EXPECT_EQ(word(20), 0x00028067u); // jr t0
  EXPECT_EQ(dword(24), 0x80000000u);
  EXPECT_EQ(dword(32), 0x87e00000u);
  // struct fw_dynamic_info at 0x1028.
  EXPECT_EQ(dword(40), 0x4942534fu); // magic
  EXPECT_EQ(dword(48), 2u);          // version
  EXPECT_EQ(dword(56), 0x80200000u); // next_addr
  EXPECT_EQ(dword(64), 1u);          // next_mode: S
  EXPECT_EQ(dword(72), 0u);          // options
  EXPECT_EQ(dword(80), 0u);          // boot_hart
}

// The firmware stores what the reset vector handed it, then powers off.
TEST(VirtBoardTest, ResetVectorHandsOffToTheFirmware) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  constexpr uint64_t kSave = 0x80001000;
  Program firmware(virt::kRamBase);
  firmware.la(kT0, kSave);
  firmware.emit(fuzz::store(Opcode::Sd, kA0, kT0, 0));
  firmware.emit(fuzz::store(Opcode::Sd, kA1, kT0, 8));
  firmware.emit(fuzz::store(Opcode::Sd, kA2, kT0, 16));
  firmware.emit(fuzz::load(Opcode::Ld, kT1, kA2, 0)); // fw_dynamic_info.magic
  firmware.emit(fuzz::store(Opcode::Sd, kT1, kT0, 24));
  firmware.emit(fuzz::load(Opcode::Ld, kT1, kA1, 0)); // the tree's magic
  firmware.emit(fuzz::store(Opcode::Sw, kT1, kT0, 32));
  firmware.powerOff(0x5555);

  BootImages images;
  images.firmware = firmware.file();
  auto layout = loadBootImages(*test.board, images);
  ASSERT_TRUE(bool(layout)) << llvm::toString(layout.takeError());
  SystemRunResult result = runBoard(*test.board, {});
  EXPECT_EQ(result.event, Board::Event::PowerOff);
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(test.read64(kSave), 0u); // a0: hart 0
  EXPECT_EQ(test.read64(kSave + 8), layout->deviceTree.start);
  EXPECT_EQ(test.read64(kSave + 16), VirtBoard::kFwDynamicInfoAddress);
  EXPECT_EQ(test.read64(kSave + 24), VirtBoard::kFwDynamicMagic);
  EXPECT_EQ(static_cast<uint32_t>(test.read64(kSave + 32)), 0xedfe0dd0u); // 0xd00dfeed, big-endian
}

TEST(VirtBoardTest, FinisherFailCodeAndReset) {
  for (uint32_t command : {0x3333u | 3u << 16, 0x7777u}) {
    TestBoard test;
    ASSERT_TRUE(test.board);
    Program firmware(virt::kRamBase);
    firmware.powerOff(command);
    BootImages images;
    images.firmware = firmware.file();
    ASSERT_TRUE(bool(loadBootImages(*test.board, images)));
    SystemRunResult result = runBoard(*test.board, {});
    if (command == 0x7777u) {
      EXPECT_EQ(result.event, Board::Event::Reset);
    } else {
      EXPECT_EQ(result.event, Board::Event::PowerOff);
      EXPECT_EQ(result.status, 3);
    }
  }
}

// M-mode firmware: mtimecmp = mtime + 20 ms, MTIE on (MIE off: no trap),
// wfi until mip.MTIP. The hart must sleep, not spin, and wake in time.
TEST(VirtBoardTest, WfiSleepsUntilTheClintTimer) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  constexpr uint64_t kTicks = 200000; // 20 ms at 10 MHz
  Program firmware(virt::kRamBase);
  firmware.li(kT1, virt::kClintBase + 0x4000); // mtimecmp (hart 0)
  firmware.li(kT2, virt::kClintBase + 0xbff8); // mtime
  firmware.emit(fuzz::load(Opcode::Ld, kT3, kT2, 0));
  firmware.li(kT4, kTicks);
  firmware.emit(fuzz::intR(Opcode::Add, kT3, kT3, kT4));
  firmware.emit(fuzz::store(Opcode::Sd, kT3, kT1, 0));
  firmware.li(kT5, 0x80); // mie.MTIE
  firmware.csrs(0x304, kT5);
  uint64_t loop = firmware.pc();
  firmware.emit(Program::kWfi);
  firmware.csrr(kT6, 0x344); // mip
  firmware.emit(fuzz::intI(Opcode::Andi, kT6, kT6, 0x80));
  firmware.branch(Opcode::Beq, kT6, kZero, loop);
  firmware.powerOff(0x5555);
  BootImages images;
  images.firmware = firmware.file();
  ASSERT_TRUE(bool(loadBootImages(*test.board, images)));

  auto start = std::chrono::steady_clock::now();
  std::clock_t cpuStart = std::clock();
  SystemRunResult result = runBoard(*test.board, {});
  double cpuSeconds = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.event, Board::Event::PowerOff);
  EXPECT_GE(result.sleeps, 1u);
  EXPECT_GE(elapsed, std::chrono::milliseconds(19));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_LT(result.instructions, 1000u); // a spinning wfi would retire far more
  EXPECT_LT(cpuSeconds, 0.015 + 0.5 * std::chrono::duration<double>(elapsed).count());
}

// A byte typed on the console raises the UART's line (source 10), the PLIC
// raises MEIP for context 0; the firmware claims, reads RBR, completes.
TEST(VirtBoardTest, UartInterruptReachesTheHartThroughThePlic) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  constexpr uint64_t kSave = 0x80001000;
  constexpr uint64_t kPlic = virt::kPlicBase;
  Program firmware(virt::kRamBase);
  firmware.li(kT0, kPlic + 4 * virt::kUartIrq); // priority[10] = 1
  firmware.li(kT1, 1);
  firmware.emit(fuzz::store(Opcode::Sw, kT1, kT0, 0));
  firmware.li(kT0, kPlic + 0x2000); // context 0 enables, sources 0..31
  firmware.li(kT1, 1u << virt::kUartIrq);
  firmware.emit(fuzz::store(Opcode::Sw, kT1, kT0, 0));
  firmware.li(kT0, virt::kUartBase);
  firmware.li(kT1, 1); // IER: received data available
  firmware.emit(fuzz::store(Opcode::Sb, kT1, kT0, 1));
  firmware.li(kT5, 0x800); // mie.MEIE
  firmware.csrs(0x304, kT5);
  uint64_t loop = firmware.pc();
  firmware.emit(Program::kWfi);
  firmware.csrr(kT6, 0x344);
  firmware.emit(fuzz::intR(Opcode::And, kT6, kT6, kT5));
  firmware.branch(Opcode::Beq, kT6, kZero, loop);
  firmware.li(kT0, kPlic + 0x200004); // context 0 claim/complete
  firmware.emit(fuzz::load(Opcode::Lw, kA0, kT0, 0));
  firmware.li(kT1, virt::kUartBase);
  firmware.emit(fuzz::load(Opcode::Lbu, kA1, kT1, 0)); // RBR
  firmware.emit(fuzz::store(Opcode::Sw, kA0, kT0, 0)); // complete
  firmware.la(kT2, kSave);
  firmware.emit(fuzz::store(Opcode::Sd, kA0, kT2, 0));
  firmware.emit(fuzz::store(Opcode::Sd, kA1, kT2, 8));
  firmware.powerOff(0x5555);
  BootImages images;
  images.firmware = firmware.file();
  ASSERT_TRUE(bool(loadBootImages(*test.board, images)));

  std::thread typist([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    test.console.type("Z");
  });
  SystemRunResult result = runBoard(*test.board, {});
  typist.join();
  EXPECT_EQ(result.event, Board::Event::PowerOff);
  EXPECT_EQ(test.read64(kSave), virt::kUartIrq);
  EXPECT_EQ(test.read64(kSave + 8), uint64_t{'Z'});
}

// Code the guest rewrites runs in its new form after fence.i: the run
// loop's interpreter must not keep the decoded block of the old one.
TEST(VirtBoardTest, RewrittenCodeRunsAfterFenceI) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  constexpr uint64_t kSave = 0x80001000, kSite = 0x80000800;
  const uint32_t returnsTwo = fuzz::intI(Opcode::Addi, kA0, kZero, 2).bits;
  Program firmware(virt::kRamBase);
  firmware.emit(fuzz::jal(1, static_cast<int32_t>(kSite - firmware.pc()))); // a0 = 1
  firmware.la(kT0, kSave);
  firmware.emit(fuzz::store(Opcode::Sd, kA0, kT0, 0));
  firmware.la(kT1, kSite);
  firmware.li(kT2, returnsTwo & 0xfff); // the new word, built in two halves
  firmware.li(kT3, returnsTwo >> 12);
  firmware.emit(fuzz::intShift(Opcode::Slli, kT3, kT3, 12));
  firmware.emit(fuzz::intR(Opcode::Or, kT2, kT2, kT3));
  firmware.emit(fuzz::store(Opcode::Sw, kT2, kT1, 0));
  firmware.emit(fuzz::fenceI());
  firmware.emit(fuzz::jal(1, static_cast<int32_t>(kSite - firmware.pc()))); // a0 = 2
  firmware.la(kT0, kSave);
  firmware.emit(fuzz::store(Opcode::Sd, kA0, kT0, 8));
  firmware.powerOff(0x5555);
  while (firmware.pc() < kSite)
    firmware.emit(fuzz::intI(Opcode::Addi, kZero, kZero, 0));
  firmware.emit(fuzz::intI(Opcode::Addi, kA0, kZero, 1));
  firmware.emit(fuzz::jalr(0, 1, 0));
  BootImages images;
  images.firmware = firmware.file();
  ASSERT_TRUE(bool(loadBootImages(*test.board, images)));
  SystemRunResult result = runBoard(*test.board, {});
  EXPECT_EQ(result.event, Board::Event::PowerOff);
  EXPECT_EQ(test.read64(kSave), 1u);
  EXPECT_EQ(test.read64(kSave + 8), 2u);
}

TEST(VirtBoardTest, RtcReadsTheHostsWallClock) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  uint64_t low = 0, high = 0;
  ASSERT_TRUE(test.board->map().readDevice(virt::kRtcBase + 0x00, 4, low)); // latches high
  ASSERT_TRUE(test.board->map().readDevice(virt::kRtcBase + 0x04, 4, high));
  int64_t guestSeconds = static_cast<int64_t>((high << 32 | low) / 1'000'000'000);
  EXPECT_LE(std::abs(guestSeconds - static_cast<int64_t>(std::time(nullptr))), 2);
}

TEST(VirtBoardTest, QuitFromAnotherThreadStopsASpinningHart) {
  TestBoard test;
  ASSERT_TRUE(test.board);
  Program firmware(virt::kRamBase);
  firmware.jumpToSelf();
  BootImages images;
  images.firmware = firmware.file();
  ASSERT_TRUE(bool(loadBootImages(*test.board, images)));
  std::thread quitter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    test.board->requestQuit(7);
  });
  SystemRunResult result = runBoard(*test.board, {});
  quitter.join();
  EXPECT_EQ(result.event, Board::Event::Quit);
  EXPECT_EQ(result.status, 7);
  EXPECT_GT(result.instructions, 0u);
}

} // namespace
} // namespace tiercel::system::board_test
