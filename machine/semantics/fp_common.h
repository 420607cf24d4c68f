// Shared machinery of the F and D semantics (ISA spec chapters 11 and 12):
// NaN-boxing, canonical NaNs, rounding-mode resolution, fflags accrual, the
// host MXCSR protocol that runs one guest operation on SSE with exact flags,
// and the bit-level view of the two IEEE formats used by the software paths
// (fp_soft.h).
#pragma once

#include <cstdint>
#include <cstring>

#include "machine/semantics/common.h"

namespace tiercel {

// ---- The two formats, as bit patterns ----

// IEEE 754 binary32 / binary64 parameters. `precision` counts the implicit
// bit; emin is the exponent of the smallest normal number.
struct Float32Format {
  using Bits = uint32_t;
  using Host = float;
  static constexpr int kPrecision = 24;
  static constexpr int kBias = 127;
  static constexpr int kEmin = -126;
  static constexpr int kEmax = 127;
  static constexpr Bits kSignMask = 0x80000000u;
  static constexpr Bits kExponentMask = 0x7f800000u;
  static constexpr Bits kFractionMask = 0x007fffffu;
  static constexpr Bits kQuietBit = 0x00400000u;
  static constexpr Bits kCanonicalNaN = 0x7fc00000u; // ISA spec 11.3
  static constexpr Bits kInfinity = 0x7f800000u;
  static constexpr Bits kMaxFinite = 0x7f7fffffu;
};

struct Float64Format {
  using Bits = uint64_t;
  using Host = double;
  static constexpr int kPrecision = 53;
  static constexpr int kBias = 1023;
  static constexpr int kEmin = -1022;
  static constexpr int kEmax = 1023;
  static constexpr Bits kSignMask = 0x8000000000000000ull;
  static constexpr Bits kExponentMask = 0x7ff0000000000000ull;
  static constexpr Bits kFractionMask = 0x000fffffffffffffull;
  static constexpr Bits kQuietBit = 0x0008000000000000ull;
  static constexpr Bits kCanonicalNaN = 0x7ff8000000000000ull; // ISA spec 12.3
  static constexpr Bits kInfinity = 0x7ff0000000000000ull;
  static constexpr Bits kMaxFinite = 0x7fefffffffffffffull;
};

template <class Fmt> TIERCEL_SEMANTICS bool fpIsNaN(typename Fmt::Bits v) {
  return (v & ~Fmt::kSignMask) > Fmt::kInfinity;
}
template <class Fmt> TIERCEL_SEMANTICS bool fpIsSignalingNaN(typename Fmt::Bits v) {
  return fpIsNaN<Fmt>(v) && (v & Fmt::kQuietBit) == 0;
}
template <class Fmt> TIERCEL_SEMANTICS bool fpIsInf(typename Fmt::Bits v) {
  return (v & ~Fmt::kSignMask) == Fmt::kInfinity;
}
template <class Fmt> TIERCEL_SEMANTICS bool fpIsZero(typename Fmt::Bits v) {
  return (v & ~Fmt::kSignMask) == 0;
}
template <class Fmt> TIERCEL_SEMANTICS bool fpSign(typename Fmt::Bits v) {
  return (v & Fmt::kSignMask) != 0;
}

template <class Fmt> TIERCEL_SEMANTICS typename Fmt::Host fpFromBits(typename Fmt::Bits v) {
  typename Fmt::Host h;
  std::memcpy(&h, &v, sizeof h);
  return h;
}
template <class Fmt> TIERCEL_SEMANTICS typename Fmt::Bits fpToBits(typename Fmt::Host h) {
  typename Fmt::Bits v;
  std::memcpy(&v, &h, sizeof v);
  return v;
}

// ---- NaN-boxing (ISA spec 12.2) ----

// A single-precision operand is valid only if bits 63:32 are all ones;
// otherwise it reads as the canonical NaN.
TIERCEL_SEMANTICS uint32_t unboxSingle(uint64_t reg) {
  return (reg >> 32) == 0xffffffffu ? static_cast<uint32_t>(reg) : Float32Format::kCanonicalNaN;
}
TIERCEL_SEMANTICS uint64_t boxSingle(uint32_t value) { return 0xffffffff00000000ull | value; }

// Register access for either format: S reads unbox, S writes box.
template <class Fmt> TIERCEL_SEMANTICS typename Fmt::Bits readF(const CpuState &cpu, uint64_t reg) {
  if constexpr (sizeof(typename Fmt::Bits) == 4)
    return unboxSingle(cpu.f[reg]);
  else
    return cpu.f[reg];
}

template <class Fmt, class Env>
TIERCEL_SEMANTICS void writeF(Env &env, uint64_t reg, typename Fmt::Bits value) {
  if constexpr (sizeof(typename Fmt::Bits) == 4)
    env.cpu.f[reg] = boxSingle(value);
  else
    env.cpu.f[reg] = value;
  env.markFpDirty();
}

// Accrue exception flags into fflags (ISA spec 11.2). Nothing to write, and
// so nothing to make dirty, when no flag was raised.
template <class Env> TIERCEL_SEMANTICS void accrueFlags(Env &env, uint32_t flags) {
  if (flags != 0) {
    env.cpu.fflags |= static_cast<uint8_t>(flags);
    env.markFpDirty();
  }
}

// ---- Rounding mode (ISA spec 11.2, table 11.1) ----

// The effective rounding mode of `insn`: the static rm field, or frm when
// rm = DYN. Returns false for the reserved encodings (rm 5 or 6, or DYN with
// frm > 4), which make the instruction illegal.
template <class Insn>
TIERCEL_SEMANTICS bool resolveRoundingMode(const CpuState &cpu, const Insn &insn,
                                           uint32_t &mode) {
  uint32_t rm = insn.rm;
  if (rm == kRoundDynamic)
    rm = cpu.frm;
  mode = rm;
  return rm <= kRoundNearestMax;
}

// ---- Host MXCSR protocol ----
//
// An SSE operation reports IEEE exceptions in the sticky MXCSR flags and
// rounds by MXCSR.RC. To run one guest operation with exact flags we (1) save
// the host MXCSR, (2) load a value with the guest's rounding control, every
// exception masked, DAZ/FTZ off and all flags clear, unless the saved value
// is already exactly that, (3) run the operation, (4) read the flags back and
// (5) restore the saved MXCSR if its control bits (rounding, masks, DAZ, FTZ)
// differ from what is loaded. Contract with the host: the control bits are
// preserved exactly; the sticky status flags are scratch (no host code here
// reads them), so they are not put back, which saves an MXCSR write per
// operation. The RNE fast path (fp_fast.h) avoids all of this for most
// operations.
//
// Ordering: every step, the arithmetic included, is a separate `asm
// volatile` statement. Neither clang nor LLVM reorders volatile asm
// statements with respect to each other (in IR they are `call asm
// sideeffect`, which has unmodeled side effects; in the backend they are
// INLINEASM nodes with the side-effect bit and act as scheduling barriers),
// and because the arithmetic itself is asm, no ordinary FP instruction exists
// that could be hoisted or sunk across an MXCSR access, constant folded under
// the assumption of the default environment, or executed speculatively. That
// stays sound when tier 2 inlines these functions into optimized LLVM IR.
// `#pragma STDC FENV_ACCESS` with constrained intrinsics would also be sound
// in principle, but it does not order the MXCSR intrinsics (ldmxcsr is only
// "has side effects") against constrained FP nodes in every LLVM 19 backend
// path we could verify, and it makes the surrounding code (the fix-ups)
// strict too; asm keeps the guarantee local and obvious.

// MXCSR bits (Intel SDM vol. 1, 10.2.3).
inline constexpr uint32_t kMxcsrInvalid = 1u << 0;   // IE
inline constexpr uint32_t kMxcsrDenormal = 1u << 1;  // DE (no RISC-V equivalent)
inline constexpr uint32_t kMxcsrDivZero = 1u << 2;   // ZE
inline constexpr uint32_t kMxcsrOverflow = 1u << 3;  // OE
inline constexpr uint32_t kMxcsrUnderflow = 1u << 4; // UE
inline constexpr uint32_t kMxcsrPrecision = 1u << 5; // PE
inline constexpr uint32_t kMxcsrFlagMask = 0x3f;
inline constexpr uint32_t kMxcsrAllMasked = 0x1f80; // all six exceptions masked
inline constexpr uint32_t kMxcsrRoundShift = 13;

// MXCSR.RC encodings for RNE, RTZ, RDN, RUP (RISC-V 0..3). Note the swap:
// x86 RC 1 is "down" and 3 is "toward zero".
inline constexpr uint32_t kMxcsrRoundControl[4] = {0u, 3u, 1u, 2u};

// The MXCSR under which a guest operation runs in RISC-V mode `mode` (0..3).
TIERCEL_SEMANTICS uint32_t guestMxcsr(uint32_t mode) {
  return kMxcsrAllMasked | (kMxcsrRoundControl[mode] << kMxcsrRoundShift);
}

TIERCEL_SEMANTICS uint32_t hostReadMxcsr() {
  uint32_t value;
  asm volatile("stmxcsr %0" : "=m"(value));
  return value;
}

TIERCEL_SEMANTICS void hostWriteMxcsr(uint32_t value) { asm volatile("ldmxcsr %0" : : "m"(value)); }

// MXCSR exception flags -> fflags. Tininess: with UE masked, x86 sets UE when
// the result is tiny and inexact, and it detects tininess after rounding
// (Intel SDM vol. 1, 4.9.1.5: "the result of rounding with unbounded
// exponent ... is non-zero and tiny"), which is what RISC-V requires (ISA
// spec 11.2). The golden qemu/softfloat cases at the tininess boundary
// (tests/unit/fp) check it.
TIERCEL_SEMANTICS uint32_t flagsFromMxcsr(uint32_t mxcsr) {
  uint32_t flags = 0;
  if (mxcsr & kMxcsrInvalid)
    flags |= kFlagInvalid;
  if (mxcsr & kMxcsrDivZero)
    flags |= kFlagDivByZero;
  if (mxcsr & kMxcsrOverflow)
    flags |= kFlagOverflow;
  if (mxcsr & kMxcsrUnderflow)
    flags |= kFlagUnderflow;
  if (mxcsr & kMxcsrPrecision)
    flags |= kFlagInexact;
  return flags;
}

// Brackets one host operation: the constructor enters guest mode `mode`
// (0..3), finish() returns the fflags the operation raised and restores the
// host MXCSR control bits. Only asm volatile statements touch the MXCSR.
class HostFpScope {
public:
  TIERCEL_SEMANTICS explicit HostFpScope(uint32_t mode)
      : saved_(hostReadMxcsr()), guest_(guestMxcsr(mode)) {
    if (saved_ != guest_)
      hostWriteMxcsr(guest_);
  }
  TIERCEL_SEMANTICS uint32_t finish() {
    uint32_t after = hostReadMxcsr();
    if (((after ^ saved_) & ~kMxcsrFlagMask) != 0)
      hostWriteMxcsr(saved_);
    return flagsFromMxcsr(after);
  }

private:
  uint32_t saved_;
  uint32_t guest_;
};

} // namespace tiercel
