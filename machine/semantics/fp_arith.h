// F and D arithmetic (ISA spec 11.6, 12.4): add, sub, mul, div, sqrt and
// the fused multiply-add family, computed on host SSE/FMA3 under the guest
// rounding mode with exact fflags (fp_common.h, HostFpScope), then fixed up
// for RISC-V: every NaN result is the canonical NaN, NV for 0 * inf in an
// FMA even with a quiet-NaN addend, and RMM done in software (fp_soft.h).
#pragma once

#include "machine/semantics/fp_fast.h"
#include "machine/semantics/fp_soft.h"

namespace tiercel {

// One host instruction, in asm so that it stays between the MXCSR accesses
// of its HostFpScope (fp_common.h explains the ordering argument). The FMA
// is VEX-encoded FMA3 (vfmadd213: op0 = op1 * op0 + op2); the text is plain
// x86-64 assembly, so it needs no -mfma and survives as LLVM IR inline asm.
template <FpArithOp op, class Fmt>
TIERCEL_SEMANTICS typename Fmt::Host hostArith(typename Fmt::Host a, typename Fmt::Host b,
                                               typename Fmt::Host c) {
  constexpr bool kSingle = sizeof(typename Fmt::Host) == 4;
  typename Fmt::Host r = a;
  if constexpr (op == FpArithOp::Add) {
    if constexpr (kSingle)
      asm volatile("addss %1, %0" : "+x"(r) : "x"(b));
    else
      asm volatile("addsd %1, %0" : "+x"(r) : "x"(b));
  } else if constexpr (op == FpArithOp::Sub) {
    if constexpr (kSingle)
      asm volatile("subss %1, %0" : "+x"(r) : "x"(b));
    else
      asm volatile("subsd %1, %0" : "+x"(r) : "x"(b));
  } else if constexpr (op == FpArithOp::Mul) {
    if constexpr (kSingle)
      asm volatile("mulss %1, %0" : "+x"(r) : "x"(b));
    else
      asm volatile("mulsd %1, %0" : "+x"(r) : "x"(b));
  } else if constexpr (op == FpArithOp::Div) {
    if constexpr (kSingle)
      asm volatile("divss %1, %0" : "+x"(r) : "x"(b));
    else
      asm volatile("divsd %1, %0" : "+x"(r) : "x"(b));
  } else if constexpr (op == FpArithOp::Sqrt) {
    if constexpr (kSingle)
      asm volatile("sqrtss %1, %0" : "=x"(r) : "x"(a));
    else
      asm volatile("sqrtsd %1, %0" : "=x"(r) : "x"(a));
  } else {
    if constexpr (kSingle)
      asm volatile("vfmadd213ss %2, %1, %0" : "+x"(r) : "x"(b), "x"(c));
    else
      asm volatile("vfmadd213sd %2, %1, %0" : "+x"(r) : "x"(b), "x"(c));
  }
  return r;
}

// The RMM result of an operation SSE found inexact (so every operand is
// finite). Square roots never need it: a square root is never halfway
// between two floats (its square would need 2p+1 bits) and never underflows,
// so RNE and RMM agree.
template <FpArithOp op, class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits softArithRmm(typename Fmt::Bits a, typename Fmt::Bits b,
                                                  typename Fmt::Bits c, uint32_t &flags) {
  if constexpr (op == FpArithOp::Add)
    return softAdd<Fmt>(a, b, kRoundNearestMax, flags);
  else if constexpr (op == FpArithOp::Sub)
    return softAdd<Fmt>(a, b ^ Fmt::kSignMask, kRoundNearestMax, flags);
  else if constexpr (op == FpArithOp::Mul)
    return softMul<Fmt>(a, b, kRoundNearestMax, flags);
  else if constexpr (op == FpArithOp::Div)
    return softDiv<Fmt>(a, b, kRoundNearestMax, flags);
  else
    return softFma<Fmt>(a, b, c, kRoundNearestMax, flags);
}

// The operation on the MXCSR path: any mode but RMM on the host, RMM as RNE
// on the host plus the software fix-up.
template <FpArithOp op, class Fmt>
inline typename Fmt::Bits fpArithmeticSlow(typename Fmt::Bits a, typename Fmt::Bits b,
                                           typename Fmt::Bits c, uint32_t mode, uint32_t &flags) {
  // RMM runs as RNE on the host: NV, DZ and the exactness of the result do
  // not depend on the rounding mode, and when the result is exact it is the
  // RMM result too.
  HostFpScope scope(mode == kRoundNearestMax ? kRoundNearestEven : mode);
  typename Fmt::Host r =
      hostArith<op, Fmt>(fpFromBits<Fmt>(a), fpFromBits<Fmt>(b), fpFromBits<Fmt>(c));
  uint32_t raised = scope.finish();
  typename Fmt::Bits result = fpToBits<Fmt>(r);
  if (fpIsNaN<Fmt>(result)) {
    // x86 returns the default NaN 0xffc00000/0xfff8... or a quieted input
    // payload; RISC-V always returns the canonical NaN (ISA spec 11.3).
    result = Fmt::kCanonicalNaN;
    // ISA spec 11.6: 0 * inf raises NV even when the addend is a quiet NaN.
    if constexpr (op == FpArithOp::Fma) {
      if ((fpIsZero<Fmt>(a) && fpIsInf<Fmt>(b)) || (fpIsInf<Fmt>(a) && fpIsZero<Fmt>(b)))
        raised |= kFlagInvalid;
    }
  } else if (mode == kRoundNearestMax && (raised & kFlagInexact) && op != FpArithOp::Sqrt) {
    raised &= ~(kFlagInexact | kFlagUnderflow | kFlagOverflow);
    result = softArithRmm<op, Fmt>(a, b, c, raised);
  }
  flags |= raised;
  return result;
}

// The whole operation on bit patterns, in resolved mode `mode` (0..4):
// result bits, fflags raised into `flags`. RNE tries the fast path first
// (fp_fast.h); the MXCSR path is a plain inline function, which the compiler
// usually keeps out of line, so the always-inlined code stays small.
template <FpArithOp op, class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits fpArithmetic(typename Fmt::Bits a, typename Fmt::Bits b,
                                                  typename Fmt::Bits c, uint32_t mode,
                                                  uint32_t &flags) {
  typename Fmt::Bits result;
  if (mode == kRoundNearestEven && fastNearestEven<op, Fmt>(a, b, c, result, flags))
    return result;
  return fpArithmeticSlow<op, Fmt>(a, b, c, mode, flags);
}

// ---- Instruction bodies ----

template <FpArithOp op, class Fmt, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpArithInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint32_t mode;
  if (!env.fpEnabled() || !resolveRoundingMode(cpu, insn, mode))
    return raiseIllegal(cpu, insn);
  uint32_t flags = 0;
  typename Fmt::Bits result =
      fpArithmetic<op, Fmt>(readF<Fmt>(cpu, insn.rs1), readF<Fmt>(cpu, insn.rs2), 0, mode, flags);
  writeF<Fmt>(env, insn.rd, result);
  accrueFlags(env, flags);
  return ExecStatus::Continue;
}

// fmadd: a*b+c, fmsub: a*b-c, fnmsub: -(a*b)+c, fnmadd: -(a*b)-c (ISA spec
// 11.6). Negating an operand before the single rounding is exact and gives
// the right signed zeros, so all four are one host FMA.
template <bool kNegateProduct, bool kNegateAddend, class Fmt, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpFmaInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint32_t mode;
  if (!env.fpEnabled() || !resolveRoundingMode(cpu, insn, mode))
    return raiseIllegal(cpu, insn);
  typename Fmt::Bits a = readF<Fmt>(cpu, insn.rs1), b = readF<Fmt>(cpu, insn.rs2),
                     c = readF<Fmt>(cpu, insn.rs3);
  if (kNegateProduct)
    a ^= Fmt::kSignMask;
  if (kNegateAddend)
    c ^= Fmt::kSignMask;
  uint32_t flags = 0;
  typename Fmt::Bits result = fpArithmetic<FpArithOp::Fma, Fmt>(a, b, c, mode, flags);
  writeF<Fmt>(env, insn.rd, result);
  accrueFlags(env, flags);
  return ExecStatus::Continue;
}

template <class Fmt, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus fpSqrtInstruction(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint32_t mode;
  if (!env.fpEnabled() || !resolveRoundingMode(cpu, insn, mode))
    return raiseIllegal(cpu, insn);
  uint32_t flags = 0;
  typename Fmt::Bits result =
      fpArithmetic<FpArithOp::Sqrt, Fmt>(readF<Fmt>(cpu, insn.rs1), 0, 0, mode, flags);
  writeF<Fmt>(env, insn.rd, result);
  accrueFlags(env, flags);
  return ExecStatus::Continue;
}

// ---- Single precision (ISA spec 11.6) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFaddS(Env &env, const Insn &insn) {
  return fpArithInstruction<FpArithOp::Add, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsubS(Env &env, const Insn &insn) {
  return fpArithInstruction<FpArithOp::Sub, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmulS(Env &env, const Insn &insn) {
  return fpArithInstruction<FpArithOp::Mul, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFdivS(Env &env, const Insn &insn) {
  return fpArithInstruction<FpArithOp::Div, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsqrtS(Env &env, const Insn &insn) {
  return fpSqrtInstruction<Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmaddS(Env &env, const Insn &insn) {
  return fpFmaInstruction<false, false, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmsubS(Env &env, const Insn &insn) {
  return fpFmaInstruction<false, true, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFnmsubS(Env &env, const Insn &insn) {
  return fpFmaInstruction<true, false, Float32Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFnmaddS(Env &env, const Insn &insn) {
  return fpFmaInstruction<true, true, Float32Format>(env, insn);
}

// ---- Double precision (ISA spec 12.4) ----

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFaddD(Env &env, const Insn &insn) {
  return fpArithInstruction<FpArithOp::Add, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsubD(Env &env, const Insn &insn) {
  return fpArithInstruction<FpArithOp::Sub, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmulD(Env &env, const Insn &insn) {
  return fpArithInstruction<FpArithOp::Mul, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFdivD(Env &env, const Insn &insn) {
  return fpArithInstruction<FpArithOp::Div, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsqrtD(Env &env, const Insn &insn) {
  return fpSqrtInstruction<Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmaddD(Env &env, const Insn &insn) {
  return fpFmaInstruction<false, false, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFmsubD(Env &env, const Insn &insn) {
  return fpFmaInstruction<false, true, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFnmsubD(Env &env, const Insn &insn) {
  return fpFmaInstruction<true, false, Float64Format>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFnmaddD(Env &env, const Insn &insn) {
  return fpFmaInstruction<true, true, Float64Format>(env, insn);
}

} // namespace tiercel
