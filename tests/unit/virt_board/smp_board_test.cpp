// The virt board with several harts (-smp N): the device tree's cpu nodes,
// phandles and the CLINT's and PLIC's interrupts-extended lists (read back
// with libfdt, as Linux's and OpenSBI's drivers read them); the CLINT's
// msip and mtimecmp of hart 1 and the PLIC's context 3 (hart 1, S-mode)
// reaching hart 1 only; and runs of every hart on its own thread: mhartid
// per hart, a hart sleeping in wfi until its IPI, and board events
// stopping spinning and sleeping harts alike.
#include <gtest/gtest.h>
#include <libfdt.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "runtime/system/system_run_loop.h"
#include "runtime/system/virt_fdt.h"
#include "virt_board/board_test_support.h"

namespace tiercel::system::board_test {
namespace {

using namespace reg;

// ---- Device tree ----

class SmpTree {
public:
  explicit SmpTree(unsigned harts) : test(uint64_t{32} << 20, harts) {
    if (!test.board)
      return;
    auto built = test.board->buildDeviceTree({});
    if (!built) {
      ADD_FAILURE() << llvm::toString(built.takeError());
      return;
    }
    blob = std::move(*built);
  }
  const void *fdt() const { return blob.data(); }
  int node(const std::string &path) const { return fdt_path_offset(fdt(), path.c_str()); }
  std::vector<uint32_t> cells(const std::string &path, const char *property) const {
    int length = 0;
    const auto *value =
        static_cast<const fdt32_t *>(fdt_getprop(fdt(), node(path), property, &length));
    std::vector<uint32_t> out;
    for (int i = 0; value != nullptr && i < length / 4; ++i)
      out.push_back(fdt32_to_cpu(value[i]));
    return out;
  }

  TestBoard test;
  std::vector<uint8_t> blob;
};

TEST(SmpDeviceTreeTest, CpuNodesPhandlesAndInterruptLists) {
  for (unsigned harts : {1u, 2u, 4u}) {
    SCOPED_TRACE("harts = " + std::to_string(harts));
    SmpTree tree(harts);
    ASSERT_FALSE(tree.blob.empty());
    ASSERT_EQ(fdt_check_header(tree.fdt()), 0);
    std::set<uint32_t> phandles;
    std::vector<uint32_t> expectClint, expectPlic;
    for (unsigned hart = 0; hart < harts; ++hart) {
      std::string cpu = "/cpus/cpu@" + std::to_string(hart);
      ASSERT_GE(tree.node(cpu), 0) << cpu;
      EXPECT_EQ(tree.cells(cpu, "reg"), std::vector<uint32_t>{hart});
      EXPECT_STREQ(static_cast<const char *>(
                       fdt_getprop(tree.fdt(), tree.node(cpu), "device_type", nullptr)),
                   "cpu");
      EXPECT_STREQ(
          static_cast<const char *>(fdt_getprop(tree.fdt(), tree.node(cpu), "status", nullptr)),
          "okay");
      uint32_t cpuPhandle = fdt_get_phandle(tree.fdt(), tree.node(cpu));
      int intcNode = tree.node(cpu + "/interrupt-controller");
      ASSERT_GE(intcNode, 0);
      EXPECT_EQ(fdt_node_check_compatible(tree.fdt(), intcNode, "riscv,cpu-intc"), 0);
      EXPECT_NE(fdt_getprop(tree.fdt(), intcNode, "interrupt-controller", nullptr), nullptr);
      uint32_t intc = fdt_get_phandle(tree.fdt(), intcNode);
      EXPECT_NE(cpuPhandle, 0u);
      EXPECT_NE(intc, 0u);
      EXPECT_TRUE(phandles.insert(cpuPhandle).second) << "duplicate phandle " << cpuPhandle;
      EXPECT_TRUE(phandles.insert(intc).second) << "duplicate phandle " << intc;
      // cpu-map: one cluster, core h is cpu h.
      EXPECT_EQ(tree.cells("/cpus/cpu-map/cluster0/core" + std::to_string(hart), "cpu"),
                std::vector<uint32_t>{cpuPhandle});
      expectClint.insert(expectClint.end(), {intc, 3, intc, 7});
      expectPlic.insert(expectPlic.end(), {intc, 11, intc, 9});
    }
    EXPECT_LT(tree.node("/cpus/cpu@" + std::to_string(harts)), 0); // no more cpus
    EXPECT_LT(tree.node("/cpus/cpu-map/cluster0/core" + std::to_string(harts)), 0);
    // The PLIC and finisher phandles collide with no hart's.
    for (const char *path : {"/soc/plic@c000000", "/soc/test@100000"}) {
      uint32_t phandle = fdt_get_phandle(tree.fdt(), tree.node(path));
      EXPECT_NE(phandle, 0u) << path;
      EXPECT_TRUE(phandles.insert(phandle).second) << path;
    }
    EXPECT_EQ(tree.cells("/soc/clint@2000000", "interrupts-extended"), expectClint);
    EXPECT_EQ(tree.cells("/soc/plic@c000000", "interrupts-extended"), expectPlic);
    EXPECT_EQ(tree.cells("/soc/plic@c000000", "riscv,ndev"), std::vector<uint32_t>{95});
    EXPECT_EQ(tree.cells("/soc/serial@10000000", "interrupt-parent"),
              std::vector<uint32_t>{virtPlicPhandle(harts)});
  }
}

TEST(SmpDeviceTreeTest, HartCountOutOfRangeIsRefused) {
  devices::MemoryCharBackend console;
  for (unsigned harts : {0u, board::kMaxHarts + 1}) {
    VirtBoardConfig config;
    config.harts = harts;
    auto board = VirtBoard::create(config, console);
    ASSERT_FALSE(board);
    EXPECT_NE(llvm::toString(board.takeError()).find("hart count must be 1 to 8"),
              std::string::npos);
  }
  VirtTreeSettings settings;
  settings.harts = 9;
  auto tree = buildVirtDeviceTree(settings);
  ASSERT_FALSE(tree);
  llvm::consumeError(tree.takeError());
}

// ---- Interrupt lines per hart ----

TEST(SmpBoardTest, ClintLinesOfHartOneReachOnlyHartOne) {
  TestBoard test(uint64_t{32} << 20, 2);
  ASSERT_TRUE(test.board);
  ASSERT_EQ(test.board->hartCount(), 2u);
  const PhysicalMap &map = test.board->map();
  SystemEnv &hart0 = test.board->env(0);
  SystemEnv &hart1 = test.board->env(1);
  test.board->cpu(0).exitRequest.store(0);
  test.board->cpu(1).exitRequest.store(0);

  // msip[1] at 0x2000004.
  ASSERT_TRUE(map.writeDevice(virt::kClintBase + 4, 4, 1));
  EXPECT_NE(hart1.csrs().mip() & mip::kMsip, 0u);
  EXPECT_EQ(hart0.csrs().mip() & mip::kMsip, 0u);
  EXPECT_EQ(test.board->cpu(1).exitRequest.load(), 1u);
  EXPECT_EQ(test.board->cpu(0).exitRequest.load(), 0u);
  uint64_t value = 0;
  ASSERT_TRUE(map.readDevice(virt::kClintBase + 4, 4, value));
  EXPECT_EQ(value, 1u);
  ASSERT_TRUE(map.readDevice(virt::kClintBase + 0, 4, value));
  EXPECT_EQ(value, 0u);
  ASSERT_TRUE(map.writeDevice(virt::kClintBase + 4, 4, 0));
  EXPECT_EQ(hart1.csrs().mip() & mip::kMsip, 0u);

  // mtimecmp[1] at 0x2004008: already due.
  ASSERT_TRUE(map.writeDevice(virt::kClintBase + 0x4008, 8, 0));
  EXPECT_NE(hart1.csrs().mip() & mip::kMtip, 0u);
  EXPECT_EQ(hart0.csrs().mip() & mip::kMtip, 0u);
  // Hart 0's mtimecmp is its own (0x2004000), still "never".
  ASSERT_TRUE(map.readDevice(virt::kClintBase + 0x4000, 8, value));
  EXPECT_EQ(value, ~uint64_t{0});
  // Past the last hart's registers: nothing.
  EXPECT_FALSE(map.readDevice(virt::kClintBase + 8, 4, value));
  EXPECT_FALSE(map.readDevice(virt::kClintBase + 0x4010, 8, value));
}

TEST(SmpBoardTest, PlicContextThreeRoutesToHartOneSupervisorOnly) {
  TestBoard test(uint64_t{32} << 20, 2);
  ASSERT_TRUE(test.board);
  devices::Plic &plic = test.board->plic();
  ASSERT_EQ(plic.contexts(), 4u);
  const PhysicalMap &map = test.board->map();
  constexpr unsigned kSource = virt::kUartIrq;
  constexpr uint64_t kContext = 3;                                   // hart 1, S-mode
  ASSERT_TRUE(map.writeDevice(virt::kPlicBase + 4 * kSource, 4, 1)); // priority 1
  ASSERT_TRUE(map.writeDevice(virt::kPlicBase + 0x2000 + 0x80 * kContext, 4, 1u << kSource));
  ASSERT_TRUE(map.writeDevice(virt::kPlicBase + 0x200000 + 0x1000 * kContext, 4, 0)); // threshold
  plic.source(kSource).setLevel(true);
  EXPECT_NE(test.board->env(1).csrs().mip() & mip::kSeip, 0u);
  EXPECT_EQ(test.board->env(1).csrs().mip() & mip::kMeip, 0u);
  EXPECT_EQ(test.board->env(0).csrs().mip() & (mip::kSeip | mip::kMeip), 0u);
  uint64_t claimed = 0;
  ASSERT_TRUE(map.readDevice(virt::kPlicBase + 0x200000 + 0x1000 * kContext + 4, 4, claimed));
  EXPECT_EQ(claimed, kSource);
  EXPECT_EQ(test.board->env(1).csrs().mip() & mip::kSeip, 0u); // claimed: no longer pending
  plic.source(kSource).setLevel(false);
  ASSERT_TRUE(map.writeDevice(virt::kPlicBase + 0x200000 + 0x1000 * kContext + 4, 4, kSource));
}

// ---- Runs ----

// Firmware whose harts branch to per-hart entry points: hart h runs the
// code at kEntries + h * kEntryStride.
constexpr uint64_t kEntries = virt::kRamBase + 0x100, kEntryStride = 0x100;
constexpr uint64_t kSave = virt::kRamBase + 0x10000; // 8 bytes per hart

void dispatchOnHartId(Program &firmware) {
  firmware.csrr(kT0, 0xf14); // mhartid (a0 holds it too: the reset vector's)
  firmware.emit(fuzz::intShift(Opcode::Slli, kT0, kT0, 8));
  firmware.la(kT1, kEntries);
  firmware.emit(fuzz::intR(Opcode::Add, kT1, kT1, kT0));
  firmware.emit(fuzz::jalr(kZero, kT1, 0));
}

// Stores a0 (the reset vector's mhartid) and mhartid + 1 at kSave + 8h.
void saveHartId(Program &firmware) {
  firmware.csrr(kT2, 0xf14);
  firmware.emit(fuzz::intShift(Opcode::Slli, kT3, kT2, 3));
  firmware.la(kT4, kSave);
  firmware.emit(fuzz::intR(Opcode::Add, kT4, kT4, kT3));
  firmware.emit(fuzz::intI(Opcode::Addi, kT2, kT2, 1));
  firmware.emit(fuzz::store(Opcode::Sw, kA0, kT4, 0));
  firmware.emit(fuzz::store(Opcode::Sw, kT2, kT4, 4));
}

BootImages imagesOf(const Program &firmware) {
  BootImages images;
  images.firmware = firmware.file();
  return images;
}

// Hart 1 sleeps in wfi (only MSIE enabled) until hart 0, 20 ms later,
// sets its msip; then hart 1 powers the board off. Both record their
// hart ids.
TEST(SmpBoardTest, HartSleepsUntilItsIpi) {
  TestBoard test(uint64_t{32} << 20, 2);
  ASSERT_TRUE(test.board);
  Program firmware(virt::kRamBase);
  dispatchOnHartId(firmware);
  firmware.padTo(kEntries);
  // Hart 0: wait 20 ms of mtime, msip[1] = 1, spin.
  saveHartId(firmware);
  firmware.li(kT2, virt::kClintBase + 0xbff8);
  firmware.emit(fuzz::load(Opcode::Ld, kT3, kT2, 0));
  firmware.li(kT4, 200000);
  firmware.emit(fuzz::intR(Opcode::Add, kT3, kT3, kT4));
  uint64_t wait = firmware.pc();
  firmware.emit(fuzz::load(Opcode::Ld, kT5, kT2, 0));
  firmware.branch(Opcode::Bltu, kT5, kT3, wait);
  firmware.li(kT1, virt::kClintBase + 4);
  firmware.li(kT2, 1);
  firmware.emit(fuzz::store(Opcode::Sw, kT2, kT1, 0));
  firmware.jumpToSelf();
  firmware.padTo(kEntries + kEntryStride);
  // Hart 1: MSIE, wfi until mip.MSIP, power off.
  saveHartId(firmware);
  firmware.li(kT5, 0x8);
  firmware.csrs(0x304, kT5);
  uint64_t sleep = firmware.pc();
  firmware.emit(Program::kWfi);
  firmware.csrr(kT6, 0x344);
  firmware.emit(fuzz::intI(Opcode::Andi, kT6, kT6, 0x8));
  firmware.branch(Opcode::Beq, kT6, kZero, sleep);
  firmware.powerOff(0x5555);
  ASSERT_TRUE(bool(loadBootImages(*test.board, imagesOf(firmware))));

  auto start = std::chrono::steady_clock::now();
  SystemRunResult result = runBoard(*test.board, {});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.event, Board::Event::PowerOff);
  EXPECT_EQ(result.status, 0);
  ASSERT_EQ(result.harts.size(), 2u);
  EXPECT_GE(result.harts[1].sleeps, 1u);
  EXPECT_LT(result.harts[1].instructions, 200u); // asleep, not spinning
  EXPECT_GT(result.harts[0].instructions, result.harts[1].instructions);
  EXPECT_EQ(result.instructions, result.harts[0].instructions + result.harts[1].instructions);
  EXPECT_EQ(result.sleeps, result.harts[0].sleeps + result.harts[1].sleeps);
  EXPECT_GE(elapsed, std::chrono::milliseconds(19));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  for (uint64_t hart = 0; hart < 2; ++hart)
    EXPECT_EQ(test.read64(kSave + 8 * hart), hart | (hart + 1) << 32) << "hart " << hart;
}

// Hart 0 powers off while harts 1-3 sleep in wfi with nothing enabled
// (the firmware never starts them): the run ends at once, not after the
// sleepers' wait timeout, and every hart was on the same board.
TEST(SmpBoardTest, PowerOffStopsSleepingHarts) {
  TestBoard test(uint64_t{32} << 20, 4);
  ASSERT_TRUE(test.board);
  Program firmware(virt::kRamBase);
  dispatchOnHartId(firmware);
  firmware.padTo(kEntries);
  // Hart 0: wait until harts 1-3 saved their ids, then power off.
  saveHartId(firmware);
  for (unsigned hart = 1; hart < 4; ++hart) {
    firmware.la(kT1, kSave + 8 * hart + 4);
    uint64_t poll = firmware.pc();
    firmware.emit(fuzz::load(Opcode::Lw, kT2, kT1, 0));
    firmware.branch(Opcode::Beq, kT2, kZero, poll);
  }
  // Give them time to fall asleep.
  firmware.li(kT2, virt::kClintBase + 0xbff8);
  firmware.emit(fuzz::load(Opcode::Ld, kT3, kT2, 0));
  firmware.li(kT4, 100000); // 10 ms
  firmware.emit(fuzz::intR(Opcode::Add, kT3, kT3, kT4));
  uint64_t wait = firmware.pc();
  firmware.emit(fuzz::load(Opcode::Ld, kT5, kT2, 0));
  firmware.branch(Opcode::Bltu, kT5, kT3, wait);
  firmware.powerOff(0x3333 | 4 << 16);
  for (unsigned hart = 1; hart < 4; ++hart) {
    firmware.padTo(kEntries + hart * kEntryStride);
    saveHartId(firmware);
    uint64_t sleep = firmware.pc();
    firmware.emit(Program::kWfi);
    firmware.branch(Opcode::Beq, kZero, kZero, sleep);
  }
  ASSERT_TRUE(bool(loadBootImages(*test.board, imagesOf(firmware))));

  auto start = std::chrono::steady_clock::now();
  SystemRunResult result = runBoard(*test.board, {});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.event, Board::Event::PowerOff);
  EXPECT_EQ(result.status, 4);
  EXPECT_LT(elapsed, std::chrono::milliseconds(900));
  ASSERT_EQ(result.harts.size(), 4u);
  for (uint64_t hart = 0; hart < 4; ++hart)
    EXPECT_EQ(test.read64(kSave + 8 * hart), hart | (hart + 1) << 32) << "hart " << hart;
  for (unsigned hart = 1; hart < 4; ++hart) {
    EXPECT_GE(result.harts[hart].sleeps, 1u) << hart;
    EXPECT_LT(result.harts[hart].instructions, 100u) << hart;
  }
}

// A quit from another thread stops every spinning hart; a reset does too,
// and the board can then be destroyed and built again.
TEST(SmpBoardTest, QuitAndResetStopEveryHart) {
  {
    TestBoard test(uint64_t{32} << 20, 3);
    ASSERT_TRUE(test.board);
    Program firmware(virt::kRamBase);
    firmware.jumpToSelf();
    ASSERT_TRUE(bool(loadBootImages(*test.board, imagesOf(firmware))));
    std::thread quitter([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      test.board->requestQuit(9);
    });
    SystemRunResult result = runBoard(*test.board, {});
    quitter.join();
    EXPECT_EQ(result.event, Board::Event::Quit);
    EXPECT_EQ(result.status, 9);
    ASSERT_EQ(result.harts.size(), 3u);
    for (const HartRunCounts &hart : result.harts)
      EXPECT_GT(hart.instructions, 0u);
  }
  for (int boot = 0; boot < 2; ++boot) {
    TestBoard test(uint64_t{32} << 20, 2);
    ASSERT_TRUE(test.board);
    Program firmware(virt::kRamBase);
    dispatchOnHartId(firmware);
    firmware.padTo(kEntries);
    firmware.powerOff(0x7777); // hart 0 resets
    firmware.padTo(kEntries + kEntryStride);
    firmware.jumpToSelf(); // hart 1 spins
    ASSERT_TRUE(bool(loadBootImages(*test.board, imagesOf(firmware))));
    SystemRunResult result = runBoard(*test.board, {});
    EXPECT_EQ(result.event, Board::Event::Reset);
  }
}

} // namespace
} // namespace tiercel::system::board_test
