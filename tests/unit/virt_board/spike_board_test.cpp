// The spike board (runtime/system/spike_board.h): HTIF's registers over
// RAM at the program's tohost/fromhost, the checks on those addresses, a
// program ending the run through tohost, the console through HTIF, an
// unimplemented request, its device tree, and the HTIF symbols of an ELF.
#include <gtest/gtest.h>

#include <libfdt.h>

#include "runtime/system/spike_board.h"
#include "runtime/system/system_run_loop.h"
#include "tests/unit/virt_board/board_test_support.h"

namespace tiercel::system::board_test {
namespace {

using namespace reg;

constexpr uint64_t kTohost = board::kRamBase + 0x1000;
constexpr uint64_t kFromhost = board::kRamBase + 0x1040;

struct SpikeTest {
  explicit SpikeTest(SpikeBoardConfig config = {}) {
    if (config.tohost == 0) {
      config.tohost = kTohost;
      config.fromhost = kFromhost;
    }
    config.ramSize = uint64_t{16} << 20;
    auto created = SpikeBoard::create(config, console, errors);
    if (!created) {
      ADD_FAILURE() << llvm::toString(created.takeError());
      return;
    }
    board = std::move(*created);
  }
  SystemRunResult run(const Program &program) {
    BootImages images;
    images.kernel = program.file("test program"); // -bios none: the kernel runs in M-mode
    auto layout = loadBootImages(*board, images);
    EXPECT_TRUE(bool(layout)) << llvm::toString(layout.takeError());
    return runBoard(*board, {});
  }
  devices::MemoryCharBackend console, errors;
  std::unique_ptr<SpikeBoard> board;
};

std::string createError(SpikeBoardConfig config) {
  devices::MemoryCharBackend console;
  config.ramSize = uint64_t{16} << 20;
  auto board = SpikeBoard::create(config, console, console);
  return board ? "" : llvm::toString(board.takeError());
}

TEST(SpikeBoardTest, HtifRegistersSitOverRamAtTheSymbols) {
  SpikeTest test;
  ASSERT_TRUE(test.board);
  const PhysicalMap &map = test.board->map();
  EXPECT_EQ(map.find(kTohost)->kind, PhysicalRegion::Kind::Mmio);
  EXPECT_EQ(map.find(kTohost + 7)->kind, PhysicalRegion::Kind::Mmio);
  EXPECT_EQ(map.find(kTohost + 8)->kind, PhysicalRegion::Kind::Ram); // between the two
  EXPECT_EQ(map.find(kFromhost)->kind, PhysicalRegion::Kind::Mmio);
  EXPECT_EQ(map.find(kFromhost + 8)->kind, PhysicalRegion::Kind::Ram);
  EXPECT_EQ(map.find(board::kRamBase)->kind, PhysicalRegion::Kind::Ram);
  EXPECT_EQ(map.find(board::kClintBase)->kind, PhysicalRegion::Kind::Mmio);
  EXPECT_EQ(map.find(0x10000000), nullptr); // no UART on this board
}

TEST(SpikeBoardTest, RefusesBadHtifAddresses) {
  EXPECT_NE(createError({0, board::kRamBase + 4, std::nullopt}).find("not 8-byte aligned"),
            std::string::npos);
  EXPECT_NE(createError({0, 0x1000, std::nullopt}).find("is not in RAM"), std::string::npos);
  EXPECT_NE(createError({0, board::kRamBase + (16 << 20), std::nullopt}).find("is not in RAM"),
            std::string::npos);
  EXPECT_NE(createError({0, kTohost, kTohost}).find("the same word"), std::string::npos);
  EXPECT_EQ(createError({0, kTohost, std::nullopt}), ""); // fromhost is optional
}

// riscv-tests' RVTEST_FAIL for test 5: sw (5 << 1 | 1), tohost; sw zero, tohost + 4.
TEST(SpikeBoardTest, TohostExitEndsTheRunWithTheTestNumber) {
  SpikeTest test;
  ASSERT_TRUE(test.board);
  Program program(board::kRamBase);
  program.li(kT1, 5 << 1 | 1);
  program.la(kT0, kTohost);
  program.emit(fuzz::store(Opcode::Sw, kT1, kT0, 0));
  program.emit(fuzz::store(Opcode::Sw, kZero, kT0, 4));
  program.jumpToSelf();
  SystemRunResult result = test.run(program);
  EXPECT_EQ(result.event, Board::Event::PowerOff);
  EXPECT_EQ(result.status, 5);
  EXPECT_EQ(test.board->failureMessage(), "");
}

TEST(SpikeBoardTest, ConsoleThroughHtifThenPass) {
  SpikeTest test;
  ASSERT_TRUE(test.board);
  Program program(board::kRamBase);
  program.la(kT0, kTohost);
  for (char c : std::string("ok\n")) {
    program.li(kT1, 0x0101);
    program.emit(fuzz::intShift(Opcode::Slli, kT1, kT1, 48));
    program.emit(fuzz::intI(Opcode::Ori, kT1, kT1, c));
    program.emit(fuzz::store(Opcode::Sd, kT1, kT0, 0));
  }
  program.li(kT1, 1);
  program.emit(fuzz::store(Opcode::Sd, kT1, kT0, 0));
  program.jumpToSelf();
  SystemRunResult result = test.run(program);
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(test.console.output(), "ok\n");
  EXPECT_EQ(test.board->htif().fromhost(), (uint64_t{0x0101} << 48) | 0x100 | '\n');
}

TEST(SpikeBoardTest, UnimplementedRequestFailsTheRun) {
  SpikeTest test;
  ASSERT_TRUE(test.board);
  Program program(board::kRamBase);
  program.la(kT0, kTohost);
  program.li(kT1, 0x0200);
  program.emit(fuzz::intShift(Opcode::Slli, kT1, kT1, 48)); // device 2
  program.emit(fuzz::store(Opcode::Sd, kT1, kT0, 0));
  program.jumpToSelf();
  SystemRunResult result = test.run(program);
  EXPECT_EQ(result.event, Board::Event::PowerOff);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(test.board->failureMessage().find("unimplemented: HTIF device 2 command 0"),
            std::string::npos);
}

TEST(SpikeBoardTest, ExitStatusNeverTurnsAFailureIntoAPass) {
  EXPECT_EQ(htifExitStatus(0), 0);
  EXPECT_EQ(htifExitStatus(5), 5);
  EXPECT_EQ(htifExitStatus(256), 255);
  EXPECT_EQ(htifExitStatus(257), 1);
}

TEST(SpikeBoardTest, DeviceTreeHasHtifMemoryAndClint) {
  SpikeTest test;
  ASSERT_TRUE(test.board);
  auto tree = test.board->buildDeviceTree({});
  ASSERT_TRUE(bool(tree)) << llvm::toString(tree.takeError());
  const void *fdt = tree->data();
  ASSERT_EQ(fdt_check_header(fdt), 0);
  EXPECT_GE(fdt_node_offset_by_compatible(fdt, -1, "ucb,htif0"), 0);
  EXPECT_GE(fdt_node_offset_by_compatible(fdt, -1, "riscv,clint0"), 0);
  EXPECT_GE(fdt_path_offset(fdt, "/memory@80000000"), 0);
  EXPECT_GE(fdt_path_offset(fdt, "/cpus/cpu@0/interrupt-controller"), 0);
  EXPECT_LT(fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0"), 0);
}

TEST(SpikeBoardTest, RawImagesHaveNoHtifSymbols) {
  Program program(board::kRamBase);
  program.jumpToSelf();
  auto symbols = findHtifSymbols(program.file(), "kernel");
  ASSERT_TRUE(bool(symbols));
  EXPECT_FALSE(symbols->tohost.has_value());
  EXPECT_FALSE(symbols->fromhost.has_value());
}

} // namespace
} // namespace tiercel::system::board_test
