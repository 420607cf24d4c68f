// Shared pieces of the virt board tests: a tiny assembler that builds a
// raw firmware image (instruction words from the fuzz generator's
// encoders, tests/fuzz/rv_encoding.h) and a board with its console in
// memory.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "devices/char_backend.h"
#include "runtime/system/boot_loader.h"
#include "runtime/system/virt_board.h"
#include "tests/fuzz/rv_encoding.h"

namespace tiercel::system::board_test {

// Register numbers (ABI names).
namespace reg {
inline constexpr unsigned kZero = 0, kT0 = 5, kT1 = 6, kT2 = 7, kA0 = 10, kA1 = 11, kA2 = 12,
                          kA3 = 13, kT3 = 28, kT4 = 29, kT5 = 30, kT6 = 31;
}

// Instruction words placed from `base` on.
class Program {
public:
  explicit Program(uint64_t base) : base_(base) {}
  uint64_t pc() const { return base_ + words_.size() * 4; }
  void emit(uint32_t word) { words_.push_back(word); }
  void emit(const fuzz::Insn &insn) { emit(insn.bits); }
  // rd = value for 0 <= value < 2^31.
  void li(unsigned rd, uint64_t value) {
    for (const fuzz::Insn &insn : fuzz::loadImmediate(rd, value))
      emit(insn);
  }
  // rd = target (pc-relative).
  void la(unsigned rd, uint64_t target) {
    for (const fuzz::Insn &insn : fuzz::loadAddress(rd, target, pc()))
      emit(insn);
  }
  void csrr(unsigned rd, unsigned csr) { emit(fuzz::csr(Opcode::Csrrs, rd, csr, 0)); }
  void csrs(unsigned csr, unsigned rs1) { emit(fuzz::csr(Opcode::Csrrs, 0, csr, rs1)); }
  void branch(Opcode op, unsigned rs1, unsigned rs2, uint64_t target) {
    emit(fuzz::branch(op, rs1, rs2, static_cast<int32_t>(target - pc())));
  }
  void jumpToSelf() { emit(fuzz::jal(0, 0)); }
  // Nops up to `address` (for code at fixed places, e.g. one entry per hart).
  void padTo(uint64_t address) {
    while (pc() < address)
      emit(fuzz::intI(Opcode::Addi, reg::kZero, reg::kZero, 0));
  }
  // Powers off through the finisher with `command` (0x5555, 0x3333 | code << 16).
  void powerOff(uint32_t command) {
    li(reg::kT0, virt::kTestBase);
    li(reg::kT1, command);
    emit(fuzz::store(Opcode::Sw, reg::kT1, reg::kT0, 0));
    jumpToSelf();
  }
  static constexpr uint32_t kWfi = 0x10500073;

  BootFile file(const char *name = "test firmware") const {
    BootFile out;
    out.name = name;
    out.bytes.resize(words_.size() * 4);
    std::memcpy(out.bytes.data(), words_.data(), out.bytes.size());
    return out;
  }

private:
  uint64_t base_;
  std::vector<uint32_t> words_;
};

struct TestBoard {
  explicit TestBoard(uint64_t ramSize = uint64_t{64} << 20, unsigned harts = 1) {
    VirtBoardConfig config;
    config.ramSize = ramSize;
    config.harts = harts;
    auto created = VirtBoard::create(config, console);
    if (!created) {
      ADD_FAILURE() << llvm::toString(created.takeError());
      return;
    }
    board = std::move(*created);
  }
  uint64_t read64(uint64_t paddr) {
    uint64_t value = 0;
    std::memcpy(&value, board->ramPointer(paddr, 8), 8);
    return value;
  }
  devices::MemoryCharBackend console;
  std::unique_ptr<VirtBoard> board;
};

} // namespace tiercel::system::board_test
