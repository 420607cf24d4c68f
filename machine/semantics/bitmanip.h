// Bit manipulation: Zba (address generation), Zbb (basic bit manipulation)
// and Zbs (single-bit instructions), RISC-V bit-manipulation spec 1.1, 1.2,
// 1.4. All are pure register operations.
#pragma once

#include <bit>
#include <cstdint>

#include "machine/semantics/alu.h"

namespace tiercel {

// Unary: rd = op(x[rs1]).
template <class Env, class Op, class Insn>
TIERCEL_SEMANTICS ExecStatus aluUnary(Env &env, const Insn &insn, Op op) {
  CpuState &cpu = env.cpu;
  writeX(cpu, insn.rd, op(readX(cpu, insn.rs1)));
  return ExecStatus::Continue;
}

// ---- Zba ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSh1add(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return (a << 1) + b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSh2add(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return (a << 2) + b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSh3add(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return (a << 3) + b; });
}

// The .uw forms zero-extend the low word of rs1 first.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAddUw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return zeroExtend32(a) + b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSh1addUw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return (zeroExtend32(a) << 1) + b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSh2addUw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return (zeroExtend32(a) << 2) + b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSh3addUw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return (zeroExtend32(a) << 3) + b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSlliUw(Env &env, const Insn &insn) {
  return aluImmediate(env, insn,
                      [](uint64_t a, uint64_t b) { return zeroExtend32(a) << (b & 63); });
}

// ---- Zbb: logical with negate ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAndn(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a & ~b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execOrn(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a | ~b; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execXnor(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return ~(a ^ b); });
}

// ---- Zbb: counting (clz of 0 is XLEN, clzw of 0 is 32) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execClz(Env &env, const Insn &insn) {
  return aluUnary(env, insn, [](uint64_t a) -> uint64_t { return std::countl_zero(a); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCtz(Env &env, const Insn &insn) {
  return aluUnary(env, insn, [](uint64_t a) -> uint64_t { return std::countr_zero(a); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCpop(Env &env, const Insn &insn) {
  return aluUnary(env, insn, [](uint64_t a) -> uint64_t { return std::popcount(a); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execClzw(Env &env, const Insn &insn) {
  return aluUnary(
      env, insn, [](uint64_t a) -> uint64_t { return std::countl_zero(static_cast<uint32_t>(a)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCtzw(Env &env, const Insn &insn) {
  return aluUnary(
      env, insn, [](uint64_t a) -> uint64_t { return std::countr_zero(static_cast<uint32_t>(a)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execCpopw(Env &env, const Insn &insn) {
  return aluUnary(env, insn,
                  [](uint64_t a) -> uint64_t { return std::popcount(static_cast<uint32_t>(a)); });
}

// ---- Zbb: sign and zero extension ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSextB(Env &env, const Insn &insn) {
  return aluUnary(env, insn, [](uint64_t a) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a)));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execSextH(Env &env, const Insn &insn) {
  return aluUnary(env, insn, [](uint64_t a) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a)));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execZextH(Env &env, const Insn &insn) {
  return aluUnary(env, insn, [](uint64_t a) { return a & 0xffff; });
}

// ---- Zbb: minimum and maximum ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMax(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return static_cast<int64_t>(a) < static_cast<int64_t>(b) ? b : a;
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMaxu(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a < b ? b : a; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMin(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return static_cast<int64_t>(a) < static_cast<int64_t>(b) ? a : b;
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execMinu(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return a < b ? a : b; });
}

// ---- Zbb: rotations (amount from the low 6 bits, low 5 for the W forms) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRol(Env &env, const Insn &insn) {
  return aluRegister(env, insn,
                     [](uint64_t a, uint64_t b) { return std::rotl(a, static_cast<int>(b & 63)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRor(Env &env, const Insn &insn) {
  return aluRegister(env, insn,
                     [](uint64_t a, uint64_t b) { return std::rotr(a, static_cast<int>(b & 63)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRori(Env &env, const Insn &insn) {
  return aluImmediate(
      env, insn, [](uint64_t a, uint64_t b) { return std::rotr(a, static_cast<int>(b & 63)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRolw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(std::rotl(static_cast<uint32_t>(a), static_cast<int>(b & 31)));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRorw(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(std::rotr(static_cast<uint32_t>(a), static_cast<int>(b & 31)));
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRoriw(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) {
    return signExtend32(std::rotr(static_cast<uint32_t>(a), static_cast<int>(b & 31)));
  });
}

// ---- Zbb: byte operations ----

// Each byte becomes 0xff if any of its bits is set, else 0x00.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execOrcB(Env &env, const Insn &insn) {
  return aluUnary(env, insn, [](uint64_t a) {
    // Fold each byte onto its low bit, then spread that bit over the byte.
    uint64_t folded = a | ((a >> 4) & 0x0f0f0f0f0f0f0f0fu);
    folded |= (folded >> 2) & 0x0303030303030303u;
    folded |= (folded >> 1) & 0x0101010101010101u;
    return (folded & 0x0101010101010101u) * 0xff;
  });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execRev8(Env &env, const Insn &insn) {
  return aluUnary(env, insn, [](uint64_t a) { return __builtin_bswap64(a); });
}

// ---- Zbs: single-bit operations (index from the low 6 bits) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBclr(Env &env, const Insn &insn) {
  return aluRegister(env, insn,
                     [](uint64_t a, uint64_t b) { return a & ~(uint64_t{1} << (b & 63)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBext(Env &env, const Insn &insn) {
  return aluRegister(env, insn, [](uint64_t a, uint64_t b) { return (a >> (b & 63)) & 1; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBinv(Env &env, const Insn &insn) {
  return aluRegister(env, insn,
                     [](uint64_t a, uint64_t b) { return a ^ (uint64_t{1} << (b & 63)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBset(Env &env, const Insn &insn) {
  return aluRegister(env, insn,
                     [](uint64_t a, uint64_t b) { return a | (uint64_t{1} << (b & 63)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBclri(Env &env, const Insn &insn) {
  return aluImmediate(env, insn,
                      [](uint64_t a, uint64_t b) { return a & ~(uint64_t{1} << (b & 63)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBexti(Env &env, const Insn &insn) {
  return aluImmediate(env, insn, [](uint64_t a, uint64_t b) { return (a >> (b & 63)) & 1; });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBinvi(Env &env, const Insn &insn) {
  return aluImmediate(env, insn,
                      [](uint64_t a, uint64_t b) { return a ^ (uint64_t{1} << (b & 63)); });
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBseti(Env &env, const Insn &insn) {
  return aluImmediate(env, insn,
                      [](uint64_t a, uint64_t b) { return a | (uint64_t{1} << (b & 63)); });
}

} // namespace tiercel
