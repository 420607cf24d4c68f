// Helpers shared by the F/D unit tests: run one F/D instruction by mnemonic
// on a TestEnv with operands in fixed registers, and read back the result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "machine/semantics/semantics.h"
#include "support/test_env.h"

namespace tiercel::test {

// Operand registers used by runFp: f1/f2/f3 (or x5 for an integer source),
// result in f4 or x6.
inline constexpr unsigned kFs1 = 1, kFs2 = 2, kFs3 = 3, kFd = 4, kXs1 = 5, kXd = 6;

inline std::optional<Opcode> opcodeForMnemonic(std::string_view mnemonic) {
  for (size_t i = 0; i + 1 < kOpcodeCount; ++i)
    if (kInstructionSpecs[i].mnemonic == mnemonic)
      return static_cast<Opcode>(i);
  return std::nullopt;
}

inline bool writesIntegerRegister(Format format) {
  return format == Format::FCmp || format == Format::FToX || format == Format::FMvToX;
}
inline bool readsIntegerRegister(Format format) {
  return format == Format::XToF || format == Format::FMvFromX;
}

struct FpOutcome {
  ExecStatus status;
  uint64_t result; // f[kFd] or x[kXd]
  uint8_t fflags;  // accrued from zero
  bool dirty;      // markFpDirty was called
};

// Runs `op` with raw register operands a, b, c. `rm` is the instruction's rm
// field, `frm` the dynamic mode.
inline FpOutcome runFp(Opcode op, uint64_t a, uint64_t b, uint64_t c, uint8_t rm, uint8_t frm,
                       TestEnv *envOut = nullptr) {
  TestEnv local;
  TestEnv &env = envOut ? *envOut : local;
  Format format = specOf(op).format;
  DecodedInstruction insn{};
  insn.pc = 0x1000;
  insn.raw = 0xdeadbeef;
  insn.opcode = op;
  insn.rm = rm;
  insn.rs1 = readsIntegerRegister(format) ? kXs1 : kFs1;
  insn.rs2 = kFs2;
  insn.rs3 = kFs3;
  insn.rd = writesIntegerRegister(format) ? kXd : kFd;
  env.cpu.x[kXs1] = a;
  env.cpu.f[kFs1] = a;
  env.cpu.f[kFs2] = b;
  env.cpu.f[kFs3] = c;
  env.cpu.x[kXd] = 0x5555555555555555ull;
  env.cpu.f[kFd] = 0x5555555555555555ull;
  env.cpu.frm = frm;
  env.cpu.fflags = 0;
  env.fpDirty = false;
  ExecStatus status = execFunctionFor<TestEnv>(op)(env, insn);
  uint64_t result = writesIntegerRegister(format) ? env.cpu.x[kXd] : env.cpu.f[kFd];
  return {status, result, env.cpu.fflags, env.fpDirty};
}

inline uint32_t readHostMxcsr() {
  uint32_t value;
  asm volatile("stmxcsr %0" : "=m"(value));
  return value;
}
inline void writeHostMxcsr(uint32_t value) { asm volatile("ldmxcsr %0" : : "m"(value)); }

} // namespace tiercel::test
