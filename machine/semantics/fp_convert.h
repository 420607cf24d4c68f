// F and D conversions and moves (ISA spec 11.7, 11.8, 12.5): fcvt between
// floats and 32/64-bit signed/unsigned integers, fcvt.s.d / fcvt.d.s, and
// the raw bit moves fmv.x.w, fmv.w.x, fmv.x.d, fmv.d.x.
//
// Conversions run in integer code (fp_soft.h) in every rounding mode rather
// than on SSE: cvtss2si and friends return the "integer indefinite"
// 0x80000000... instead of the saturated values of ISA spec table 11.4, have
// no unsigned forms before AVX-512 and no RMM, and a bit-level conversion
// needs no MXCSR round trip (cheaper than the two stmxcsr of HostFpScope).
#pragma once

#include "machine/semantics/fp_soft.h"

namespace tiercel {

TIERCEL_SEMANTICS uint64_t signExtendWord(uint64_t value) {
  return static_cast<uint64_t>(
      static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(value))));
}

// fcvt.{w,wu,l,lu}.{s,d}: rd = x register. 32-bit results, the unsigned one
// included, are sign-extended (ISA spec 11.7).
template <class Fmt, bool kSigned, int kWidth, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpToIntegerInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint32_t mode;
  if (!env.fpEnabled() || !resolveRoundingMode(cpu, insn, mode))
    return raiseIllegal(cpu, insn);
  uint32_t flags = 0;
  uint64_t result = softToInteger<Fmt>(readF<Fmt>(cpu, insn.rs1), mode, kSigned, kWidth, flags);
  if (kWidth == 32)
    result = signExtendWord(result);
  writeX(cpu, insn.rd, result);
  accrueFlags(env, flags);
  return ExecStatus::Continue;
}

// fcvt.{s,d}.{w,wu,l,lu}: the integer is the low kWidth bits of rs1.
template <class Fmt, bool kSigned, int kWidth, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpFromIntegerInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint32_t mode;
  if (!env.fpEnabled() || !resolveRoundingMode(cpu, insn, mode))
    return raiseIllegal(cpu, insn);
  uint64_t value = readX(cpu, insn.rs1);
  if (kWidth == 32)
    value = kSigned ? signExtendWord(value) : (value & 0xffffffffu);
  bool sign = kSigned && static_cast<int64_t>(value) < 0;
  uint64_t magnitude = sign ? uint64_t{0} - value : value;
  uint32_t flags = 0;
  typename Fmt::Bits result = softFromInteger<Fmt>(sign, magnitude, mode, flags);
  writeF<Fmt>(env, insn.rd, result);
  accrueFlags(env, flags);
  return ExecStatus::Continue;
}

template <class To, class From, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpConvertFormatInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint32_t mode;
  // fcvt.d.s is exact, but its rm field is still checked (a reserved rm is
  // illegal for every instruction that has one, ISA spec 11.2).
  if (!env.fpEnabled() || !resolveRoundingMode(cpu, insn, mode))
    return raiseIllegal(cpu, insn);
  uint32_t flags = 0;
  typename To::Bits result = softConvertFormat<To, From>(readF<From>(cpu, insn.rs1), mode, flags);
  writeF<To>(env, insn.rd, result);
  accrueFlags(env, flags);
  return ExecStatus::Continue;
}

// ---- Float -> integer ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtWS(Env &env, const Insn &insn) {
  return fpToIntegerInstruction<Float32Format, true, 32>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtWuS(Env &env, const Insn &insn) {
  return fpToIntegerInstruction<Float32Format, false, 32>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtLS(Env &env, const Insn &insn) {
  return fpToIntegerInstruction<Float32Format, true, 64>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtLuS(Env &env, const Insn &insn) {
  return fpToIntegerInstruction<Float32Format, false, 64>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtWD(Env &env, const Insn &insn) {
  return fpToIntegerInstruction<Float64Format, true, 32>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtWuD(Env &env, const Insn &insn) {
  return fpToIntegerInstruction<Float64Format, false, 32>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtLD(Env &env, const Insn &insn) {
  return fpToIntegerInstruction<Float64Format, true, 64>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtLuD(Env &env, const Insn &insn) {
  return fpToIntegerInstruction<Float64Format, false, 64>(env, insn);
}

// ---- Integer -> float ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtSW(Env &env, const Insn &insn) {
  return fpFromIntegerInstruction<Float32Format, true, 32>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtSWu(Env &env, const Insn &insn) {
  return fpFromIntegerInstruction<Float32Format, false, 32>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtSL(Env &env, const Insn &insn) {
  return fpFromIntegerInstruction<Float32Format, true, 64>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtSLu(Env &env, const Insn &insn) {
  return fpFromIntegerInstruction<Float32Format, false, 64>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtDW(Env &env, const Insn &insn) {
  return fpFromIntegerInstruction<Float64Format, true, 32>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtDWu(Env &env, const Insn &insn) {
  return fpFromIntegerInstruction<Float64Format, false, 32>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtDL(Env &env, const Insn &insn) {
  return fpFromIntegerInstruction<Float64Format, true, 64>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtDLu(Env &env, const Insn &insn) {
  return fpFromIntegerInstruction<Float64Format, false, 64>(env, insn);
}

// ---- Between formats (ISA spec 12.5) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtSD(Env &env, const Insn &insn) {
  return fpConvertFormatInstruction<Float32Format, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFcvtDS(Env &env, const Insn &insn) {
  return fpConvertFormatInstruction<Float64Format, Float32Format>(env, insn);
}

// ---- Raw moves (ISA spec 11.8, 12.6): no unboxing, no flags ----

// fmv.x.w copies bits 31:0 as they are (a badly boxed value is not replaced
// by the canonical NaN) and sign-extends them.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmvXW(Env &env, const Insn &insn) {
  if (!env.fpEnabled())
    return raiseIllegal(env.cpu, insn);
  writeX(env.cpu, insn.rd, signExtendWord(env.cpu.f[insn.rs1]));
  return ExecStatus::Continue;
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmvWX(Env &env, const Insn &insn) {
  if (!env.fpEnabled())
    return raiseIllegal(env.cpu, insn);
  writeF<Float32Format>(env, insn.rd, static_cast<uint32_t>(readX(env.cpu, insn.rs1)));
  return ExecStatus::Continue;
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmvXD(Env &env, const Insn &insn) {
  if (!env.fpEnabled())
    return raiseIllegal(env.cpu, insn);
  writeX(env.cpu, insn.rd, env.cpu.f[insn.rs1]);
  return ExecStatus::Continue;
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmvDX(Env &env, const Insn &insn) {
  if (!env.fpEnabled())
    return raiseIllegal(env.cpu, insn);
  writeF<Float64Format>(env, insn.rd, readX(env.cpu, insn.rs1));
  return ExecStatus::Continue;
}

} // namespace tiercel
