// RV64I integer computation: upper immediates, register-immediate and
// register-register operations, including the 32-bit "W" forms whose results
// are sign-extended to 64 bits (ISA spec 2.4, 5.2).
#pragma once

#include "machine/semantics/common.h"

namespace tiercel {

// The low 32 bits of `value`, sign-extended to 64 (ISA spec 5.2: every *W
// result is a sign-extended 32-bit value).
TIERCEL_SEMANTICS uint64_t signExtend32(uint64_t value) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(value)));
}

TIERCEL_SEMANTICS uint64_t zeroExtend32(uint64_t value) { return value & 0xffffffffu; }

// Register-immediate: rd = op(x[rs1], imm). `imm` is already sign-extended.
template <class Env, class Op, class Insn>
TIERCEL_SEMANTICS ExecStatus aluImmediate(Env &env, const Insn &insn, Op op) {
  CpuState &cpu = env.cpu;
  writeX(cpu, insn.rd, op(readX(cpu, insn.rs1), static_cast<uint64_t>(insn.imm)));
  return ExecStatus::Continue;
}

// Register-register: rd = op(x[rs1], x[rs2]).
template <class Env, class Op, class Insn>
TIERCEL_SEMANTICS ExecStatus aluRegister(Env &env, const Insn &insn, Op op) {
  CpuState &cpu = env.cpu;
  writeX(cpu, insn.rd, op(readX(cpu, insn.rs1), readX(cpu, insn.rs2)));
  return ExecStatus::Continue;
}

// ---- Upper immediates (ISA spec 2.4): imm already holds imm20 << 12 ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execLui(Env &env, const Insn &insn) {
  writeX(env.cpu, insn.rd, static_cast<uint64_t>(insn.imm));
  return ExecStatus::Continue;
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAuipc(Env &env, const Insn &insn) {
  writeX(env.cpu, insn.rd, insn.pc + static_cast<uint64_t>(insn.imm));
  return ExecStatus::Continue;
}

// ---- Register-immediate (ISA spec 2.4.1) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAddi(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) { return a + b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSlti(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) -> uint64_t {
    return static_cast<int64_t>(a) < static_cast<int64_t>(b);
  });
}

// The immediate is sign-extended and then compared unsigned (ISA spec 2.4.1).
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSltiu(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) -> uint64_t { return a < b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execXori(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) { return a ^ b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execOri(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) { return a | b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAndi(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) { return a & b; });
}

// RV64 shifts by immediate take a 6-bit shamt (ISA spec 5.2.1).
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSlli(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) { return a << (b & 63); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSrli(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) { return a >> (b & 63); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSrai(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) {
    return static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAddiw(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) { return signExtend32(a + b); });
}

// 32-bit shifts operate on the low word and take a 5-bit shamt (ISA spec 5.2.1).
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSlliw(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(a) << (b & 31));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSrliw(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(a) >> (b & 31));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSraiw(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)));
  });
}

// ---- Register-register (ISA spec 2.4.2, 5.2.2) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAdd(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a + b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSub(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a - b; });
}

// Register shifts use the low 6 bits of rs2 (low 5 for the W forms).
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSll(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a << (b & 63); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSlt(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) -> uint64_t {
    return static_cast<int64_t>(a) < static_cast<int64_t>(b);
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSltu(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) -> uint64_t { return a < b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execXor(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a ^ b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSrl(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a >> (b & 63); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSra(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63));
  });
}

template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execOr(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a | b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAnd(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a & b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAddw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return signExtend32(a + b); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSubw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return signExtend32(a - b); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSllw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(a) << (b & 31));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSrlw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(a) >> (b & 31));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSraw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)));
  });
}

} // namespace tiercel
