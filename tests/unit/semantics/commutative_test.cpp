// The instruction table's kCommutative flag is a promise the JIT relies on
// (it exchanges rs1 and rs2 to skip a reload): check it against the one
// semantics with operand pairs that tell order apart.
#include <random>

#include "semantics/instruction_case.h"

namespace tiercel::test {
namespace {

uint64_t run(Opcode opcode, uint64_t rs1Value, uint64_t rs2Value) {
  auto env = std::make_unique<TestEnv>();
  DecodedInstruction insn;
  insn.opcode = opcode;
  insn.rd = 5;
  insn.rs1 = 6;
  insn.rs2 = 7;
  insn.pc = env->cpu.pc;
  env->cpu.x[6] = rs1Value;
  env->cpu.x[7] = rs2Value;
  EXPECT_EQ(execFunctionFor<TestEnv>(opcode)(*env, insn), ExecStatus::Continue);
  return env->cpu.x[5];
}

TEST(Commutative, FlaggedInstructionsGiveTheSameResultWithOperandsExchanged) {
  std::mt19937_64 random(20261121);
  const uint64_t edges[] = {0, 1, ~uint64_t{0}, 0x8000000000000000ull, 0x7fffffffffffffffull,
                            0x80000000ull, 0xffffffffull, 0x123456789abcdef0ull};
  int flagged = 0;
  for (size_t index = 0; index + 1 < kOpcodeCount; ++index) {
    auto opcode = static_cast<Opcode>(index);
    if (!hasFlag(opcode, kCommutative))
      continue;
    ++flagged;
    for (int trial = 0; trial < 200; ++trial) {
      uint64_t a = trial < 64 ? edges[trial % 8] : random();
      uint64_t b = trial < 64 ? edges[trial / 8] : random();
      ASSERT_EQ(run(opcode, a, b), run(opcode, b, a))
          << specOf(opcode).mnemonic << " with 0x" << std::hex << a << ", 0x" << b;
    }
  }
  EXPECT_EQ(flagged, 14); // add addw and or xor mul mulw mulh mulhu xnor min max minu maxu
}

TEST(Commutative, OrderSensitiveInstructionsAreNotFlagged) {
  for (Opcode opcode : {Opcode::Sub, Opcode::Subw, Opcode::Sll, Opcode::Slt, Opcode::Sltu,
                        Opcode::Mulhsu, Opcode::Div, Opcode::Rem, Opcode::Andn, Opcode::Orn,
                        Opcode::Rol, Opcode::Ror}) {
    EXPECT_FALSE(hasFlag(opcode, kCommutative)) << specOf(opcode).mnemonic;
    EXPECT_NE(run(opcode, 0xf23456789abcdef0ull, 5), run(opcode, 5, 0xf23456789abcdef0ull))
        << specOf(opcode).mnemonic;
  }
}

} // namespace
} // namespace tiercel::test
