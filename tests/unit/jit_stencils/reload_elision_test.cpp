// The translator's reload elision (StencilCode::endStore/beginLoad): when an
// instruction stencil ends by storing rd from a host register and the next
// one begins by loading that slot into the same register, the load is not
// copied. Checked on real blocks: the code is one load shorter, runs the
// same, keeps its guest-instruction map right and still traps precisely;
// nothing is elided when the slots or the stencils do not match.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "jit/code_cache.h"
#include "jit/enter_generated_code.h"
#include "jit/host_disassembler.h"
#include "jit/translator.h"
#include "machine/isa/decoder.h"
#include "machine/semantics/common.h"

namespace tiercel::jit {
namespace {

// a3 = x13, a4 = x14, a5 = x15, s5 = x21, s6 = x22.
uint32_t encodeR(unsigned funct7, unsigned rs2, unsigned rs1, unsigned funct3, unsigned rd) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x33;
}
uint32_t encodeStore(unsigned funct3, unsigned rs2, unsigned rs1, int imm) {
  auto bits = static_cast<uint32_t>(imm) & 0xfff;
  return (bits >> 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (bits & 0x1f) << 7 | 0x23;
}
uint32_t add(unsigned rd, unsigned rs1, unsigned rs2) { return encodeR(0, rs2, rs1, 0, rd); }
uint32_t sub(unsigned rd, unsigned rs1, unsigned rs2) { return encodeR(0x20, rs2, rs1, 0, rd); }
uint32_t addi(unsigned rd, unsigned rs1, int imm) {
  return (static_cast<uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
uint32_t sb(unsigned rs2, unsigned rs1, int imm) { return encodeStore(0, rs2, rs1, imm); }

uint64_t fakeExecute(CpuState *, const void *, uint64_t) {
  return static_cast<uint64_t>(ExecStatus::Continue);
}

class ReloadElision : public ::testing::Test {
protected:
  void SetUp() override {
    auto cache = CodeCache::create(1 << 20, 1 << 20);
    ASSERT_TRUE(static_cast<bool>(cache)) << llvm::toString(cache.takeError());
    cache_ = std::move(*cache);
    auto translator = Translator::create(*cache_, reinterpret_cast<const void *>(&fakeExecute));
    ASSERT_TRUE(static_cast<bool>(translator)) << llvm::toString(translator.takeError());
    translator_ = std::move(*translator);
    auto disassembler = HostDisassembler::create();
    ASSERT_TRUE(static_cast<bool>(disassembler)) << llvm::toString(disassembler.takeError());
    disassembler_ = std::move(*disassembler);
  }

  // A block of `encodings` at 0x1000 falling through to the next pc.
  std::unique_ptr<Block> translate(const std::vector<uint32_t> &encodings, bool elide) {
    std::vector<DecodedInstruction> instructions;
    uint64_t pc = 0x1000;
    for (uint32_t bits : encodings) {
      instructions.push_back(decode(bits, pc));
      pc += 4;
    }
    TranslatorOptions options;
    options.counters = false;
    options.elideReloads = elide;
    uint64_t before = translator_->reloadsElided();
    std::unique_ptr<Block> block = translator_->translate(instructions, pc, false, options);
    EXPECT_NE(block, nullptr);
    lastElided_ = translator_->reloadsElided() - before;
    return block;
  }

  size_t hostInstructions(const Block &block) {
    size_t undecoded = 0;
    size_t count = disassembler_->countInstructions(block.code, block.codeSize, &undecoded);
    EXPECT_EQ(undecoded, 0u);
    return count;
  }

  std::string firstInstructionText(const Block &block, unsigned instruction) {
    uint32_t offset = block.instructions[instruction].hostOffset;
    auto code = disassembler_->disassemble(block.code + offset, block.codeSize - offset, 0);
    return code.empty() ? "" : code.front().text;
  }

  std::unique_ptr<CodeCache> cache_;
  std::unique_ptr<Translator> translator_;
  std::unique_ptr<HostDisassembler> disassembler_;
  uint64_t lastElided_ = 0;
};

TEST_F(ReloadElision, StoreThenLoadOfTheSameRegisterDropsTheLoad) {
  // add a3, s5, a5 ; sb s6, 0(a3): sb's address is the a3 add just stored.
  std::vector<uint32_t> code = {add(13, 21, 15), sb(22, 13, 0)};
  std::unique_ptr<Block> plain = translate(code, false);
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(lastElided_, 0u);
  std::unique_ptr<Block> elided = translate(code, true);
  ASSERT_NE(elided, nullptr);
  EXPECT_EQ(lastElided_, 1u);

  // One host instruction, the 8-byte `mov reg, [r12 + 8 * 13]`, fewer.
  EXPECT_EQ(hostInstructions(*elided) + 1, hostInstructions(*plain));
  EXPECT_EQ(elided->codeSize + 8, plain->codeSize);
  EXPECT_EQ(firstInstructionText(*plain, 1), "mov rax, qword ptr [r12 + 0x68]");
  EXPECT_EQ(firstInstructionText(*elided, 1).find("r12 + 0x68"), std::string::npos);

  // The guest-instruction map still starts each instruction at its first
  // host byte, so a host fault in the shortened sb maps to the sb.
  ASSERT_EQ(elided->instructions.size(), 2u);
  EXPECT_EQ(elided->instructions[1].hostOffset, plain->instructions[1].hostOffset);
  EXPECT_EQ(elided->instructions[1].guestPc, 0x1004u);
  auto at = [&](uint32_t offset) {
    return elided->instructionAt(reinterpret_cast<uintptr_t>(elided->code) + offset);
  };
  EXPECT_EQ(at(elided->instructions[1].hostOffset), 1);
  EXPECT_EQ(at(elided->instructions[1].hostOffset - 1), 0);

  // Both run the same.
  for (Block *block : {plain.get(), elided.get()}) {
    CpuState cpu;
    std::memset(static_cast<void *>(&cpu), 0, sizeof cpu);
    cpu.x[21] = 16;
    cpu.x[15] = 8;
    cpu.x[22] = 0x1ab;
    alignas(8) uint8_t memory[64] = {};
    uint64_t exit = tiercel_enter_generated_code(&cpu, memory,
                                                 reinterpret_cast<GeneratedCode>(block->code));
    EXPECT_EQ(exit, reinterpret_cast<uint64_t>(&block->exits[0]));
    EXPECT_EQ(cpu.x[13], 24u);
    EXPECT_EQ(memory[24], 0xab);
    EXPECT_EQ(cpu.pc, 0x1008u);
    EXPECT_EQ(cpu.instret, 2u);

    // A store beyond the user range traps at the sb, which does not retire,
    // with the address the elided load would have read.
    cpu.x[21] = uint64_t{1} << 40;
    cpu.instret = 0;
    exit = tiercel_enter_generated_code(&cpu, memory, reinterpret_cast<GeneratedCode>(block->code));
    EXPECT_EQ(exit, static_cast<uint64_t>(ExitCode::Trap));
    EXPECT_EQ(cpu.pc, 0x1004u);
    EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::StorePageFault));
    EXPECT_EQ(cpu.trapValue, (uint64_t{1} << 40) + 8);
    EXPECT_EQ(cpu.instret, 1u);
  }
}

TEST_F(ReloadElision, NothingIsElidedWhenTheSlotsDiffer) {
  // sb's first load is its rs1 (a4), not the a3 add stored.
  std::unique_ptr<Block> otherBase = translate({add(13, 21, 15), sb(13, 14, 0)}, true);
  ASSERT_NE(otherBase, nullptr);
  EXPECT_EQ(lastElided_, 0u);
  // rd = x0: the add stores nothing.
  std::unique_ptr<Block> toZero = translate({add(0, 21, 15), sb(22, 0, 0)}, true);
  ASSERT_NE(toZero, nullptr);
  EXPECT_EQ(lastElided_, 0u);
}

TEST_F(ReloadElision, ChainsOfDependentInstructions) {
  // sub a3, s5, a5 ; addi a3, a3, 3 ; sub a3, a3, a5 ; sb s6, 0(a3): each
  // one's first operand is what the one before stored.
  std::vector<uint32_t> code = {sub(13, 21, 15), addi(13, 13, 3), sub(13, 13, 15), sb(22, 13, 0)};
  std::unique_ptr<Block> block = translate(code, true);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(lastElided_, 3u);
  CpuState cpu;
  std::memset(static_cast<void *>(&cpu), 0, sizeof cpu);
  cpu.x[21] = 30;
  cpu.x[15] = 5;
  cpu.x[22] = 0x77;
  alignas(8) uint8_t memory[64] = {};
  tiercel_enter_generated_code(&cpu, memory, reinterpret_cast<GeneratedCode>(block->code));
  EXPECT_EQ(cpu.x[13], 23u);
  EXPECT_EQ(memory[23], 0x77);
  EXPECT_EQ(cpu.instret, 4u);
}

TEST_F(ReloadElision, CommutativeOperandsAreExchangedToMatchTheStore) {
  // addi a3, a3, 1 ; add a3, a3, a5: the add stencil loads rs2 first, so
  // only with a3 as its rs2 does the reload of a3 go. sub a4, a3, a5 is not
  // commutative and keeps its operands.
  uint64_t swapsBefore = translator_->operandSwaps();
  std::unique_ptr<Block> swapped = translate({addi(13, 13, 1), add(13, 13, 15)}, true);
  ASSERT_NE(swapped, nullptr);
  if (translator_->operandSwaps() == swapsBefore)
    GTEST_SKIP() << "the add stencil loads rs1 first with this compiler: nothing to exchange";
  EXPECT_EQ(lastElided_, 1u);
  std::unique_ptr<Block> plain = translate({addi(13, 13, 1), add(13, 13, 15)}, false);
  EXPECT_EQ(hostInstructions(*swapped) + 1, hostInstructions(*plain));
  for (Block *block : {swapped.get(), plain.get()}) {
    CpuState cpu;
    std::memset(static_cast<void *>(&cpu), 0, sizeof cpu);
    cpu.x[13] = 40;
    cpu.x[15] = 2;
    alignas(8) uint8_t memory[8] = {};
    tiercel_enter_generated_code(&cpu, memory, reinterpret_cast<GeneratedCode>(block->code));
    EXPECT_EQ(cpu.x[13], 43u);
  }
  uint64_t swaps = translator_->operandSwaps();
  translate({addi(13, 13, 1), sub(14, 13, 15)}, true);
  EXPECT_EQ(translator_->operandSwaps(), swaps);
}

} // namespace
} // namespace tiercel::jit
