// F and D operations decided on the bit patterns alone (ISA spec 11.6,
// 11.8, 11.9, 12.4-12.7): sign injection, minimum/maximum, comparisons and
// classification. No host FP instruction is involved, so they neither need
// nor disturb the MXCSR, and host DAZ/FTZ settings cannot reach them.
#pragma once

#include "machine/semantics/fp_common.h"

namespace tiercel {

// A key whose unsigned order is the numeric order of non-NaN values, with
// -0 just below +0 (the order fmin/fmax use).
template <class Fmt> TIERCEL_SEMANTICS typename Fmt::Bits fpOrderKey(typename Fmt::Bits v) {
  return fpSign<Fmt>(v) ? static_cast<typename Fmt::Bits>(~v) : (v | Fmt::kSignMask);
}

// ---- Sign injection (ISA spec 11.6): operate on the unboxed values ----

enum class SignInjection : uint8_t { Copy, Negate, Xor };

template <SignInjection kind, class Fmt, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpSignInjectInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  if (!env.fpEnabled())
    return raiseIllegal(cpu, insn);
  typename Fmt::Bits a = readF<Fmt>(cpu, insn.rs1), b = readF<Fmt>(cpu, insn.rs2);
  typename Fmt::Bits sign = b & Fmt::kSignMask;
  if (kind == SignInjection::Negate)
    sign ^= Fmt::kSignMask;
  else if (kind == SignInjection::Xor)
    sign ^= a & Fmt::kSignMask;
  writeF<Fmt>(env, insn.rd, (a & ~Fmt::kSignMask) | sign);
  return ExecStatus::Continue;
}

// ---- fmin/fmax (ISA spec 11.6): IEEE 754-2019 minimumNumber/maximumNumber ----

// One NaN operand gives the other operand, two give the canonical NaN; a
// signaling NaN raises NV; -0 is smaller than +0.
template <bool kMax, class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits fpMinMax(typename Fmt::Bits a, typename Fmt::Bits b,
                                              uint32_t &flags) {
  if (fpIsSignalingNaN<Fmt>(a) || fpIsSignalingNaN<Fmt>(b))
    flags |= kFlagInvalid;
  bool aNaN = fpIsNaN<Fmt>(a), bNaN = fpIsNaN<Fmt>(b);
  if (aNaN && bNaN)
    return Fmt::kCanonicalNaN;
  if (aNaN)
    return b;
  if (bNaN)
    return a;
  bool aLess = fpOrderKey<Fmt>(a) < fpOrderKey<Fmt>(b);
  return (aLess != kMax) ? a : b;
}

template <bool kMax, class Fmt, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpMinMaxInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  if (!env.fpEnabled())
    return raiseIllegal(cpu, insn);
  uint32_t flags = 0;
  typename Fmt::Bits result =
      fpMinMax<kMax, Fmt>(readF<Fmt>(cpu, insn.rs1), readF<Fmt>(cpu, insn.rs2), flags);
  writeF<Fmt>(env, insn.rd, result);
  accrueFlags(env, flags);
  return ExecStatus::Continue;
}

// ---- Comparisons (ISA spec 11.8) ----

enum class FpCompare : uint8_t { Eq, Lt, Le };

// feq is a quiet comparison (NV only for a signaling NaN); flt and fle are
// signaling (NV for any NaN). Any NaN operand gives 0.
template <FpCompare kind, class Fmt>
TIERCEL_SEMANTICS bool fpCompare(typename Fmt::Bits a, typename Fmt::Bits b, uint32_t &flags) {
  if (fpIsNaN<Fmt>(a) || fpIsNaN<Fmt>(b)) {
    if (kind != FpCompare::Eq || fpIsSignalingNaN<Fmt>(a) || fpIsSignalingNaN<Fmt>(b))
      flags |= kFlagInvalid;
    return false;
  }
  bool bothZero = fpIsZero<Fmt>(a) && fpIsZero<Fmt>(b);
  if (kind == FpCompare::Eq)
    return a == b || bothZero;
  if (kind == FpCompare::Lt)
    return !bothZero && fpOrderKey<Fmt>(a) < fpOrderKey<Fmt>(b);
  return bothZero || fpOrderKey<Fmt>(a) <= fpOrderKey<Fmt>(b);
}

template <FpCompare kind, class Fmt, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpCompareInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  if (!env.fpEnabled())
    return raiseIllegal(cpu, insn);
  uint32_t flags = 0;
  bool result = fpCompare<kind, Fmt>(readF<Fmt>(cpu, insn.rs1), readF<Fmt>(cpu, insn.rs2), flags);
  writeX(cpu, insn.rd, result ? 1 : 0);
  accrueFlags(env, flags);
  return ExecStatus::Continue;
}

// ---- Classification (ISA spec 11.9, table 11.5) ----

template <class Fmt> TIERCEL_SEMANTICS uint64_t fpClassify(typename Fmt::Bits v) {
  bool sign = fpSign<Fmt>(v);
  if (fpIsNaN<Fmt>(v))
    return fpIsSignalingNaN<Fmt>(v) ? 1u << 8 : 1u << 9;
  if (fpIsInf<Fmt>(v))
    return sign ? 1u << 0 : 1u << 7;
  if (fpIsZero<Fmt>(v))
    return sign ? 1u << 3 : 1u << 4;
  if ((v & Fmt::kExponentMask) == 0) // subnormal
    return sign ? 1u << 2 : 1u << 5;
  return sign ? 1u << 1 : 1u << 6;
}

template <class Fmt, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpClassInstruction(Env &env, const Insn &insn) {
  if (!env.fpEnabled())
    return raiseIllegal(env.cpu, insn);
  writeX(env.cpu, insn.rd, fpClassify<Fmt>(readF<Fmt>(env.cpu, insn.rs1)));
  return ExecStatus::Continue;
}

// ---- Single precision ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsgnjS(Env &env, const Insn &insn) {
  return fpSignInjectInstruction<SignInjection::Copy, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsgnjnS(Env &env, const Insn &insn) {
  return fpSignInjectInstruction<SignInjection::Negate, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsgnjxS(Env &env, const Insn &insn) {
  return fpSignInjectInstruction<SignInjection::Xor, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFminS(Env &env, const Insn &insn) {
  return fpMinMaxInstruction<false, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmaxS(Env &env, const Insn &insn) {
  return fpMinMaxInstruction<true, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFeqS(Env &env, const Insn &insn) {
  return fpCompareInstruction<FpCompare::Eq, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFltS(Env &env, const Insn &insn) {
  return fpCompareInstruction<FpCompare::Lt, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFleS(Env &env, const Insn &insn) {
  return fpCompareInstruction<FpCompare::Le, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFclassS(Env &env, const Insn &insn) {
  return fpClassInstruction<Float32Format>(env, insn);
}

// ---- Double precision ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsgnjD(Env &env, const Insn &insn) {
  return fpSignInjectInstruction<SignInjection::Copy, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsgnjnD(Env &env, const Insn &insn) {
  return fpSignInjectInstruction<SignInjection::Negate, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsgnjxD(Env &env, const Insn &insn) {
  return fpSignInjectInstruction<SignInjection::Xor, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFminD(Env &env, const Insn &insn) {
  return fpMinMaxInstruction<false, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmaxD(Env &env, const Insn &insn) {
  return fpMinMaxInstruction<true, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFeqD(Env &env, const Insn &insn) {
  return fpCompareInstruction<FpCompare::Eq, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFltD(Env &env, const Insn &insn) {
  return fpCompareInstruction<FpCompare::Lt, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFleD(Env &env, const Insn &insn) {
  return fpCompareInstruction<FpCompare::Le, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFclassD(Env &env, const Insn &insn) {
  return fpClassInstruction<Float64Format>(env, insn);
}

} // namespace tiercel
