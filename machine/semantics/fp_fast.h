// The fast path of RNE arithmetic: exact fflags without touching the MXCSR
// flags.
//
// Why: reading SSE exception flags costs an MXCSR write per inexact
// operation (the sticky flags must be cleared before the next one), and on
// the hosts measured an ldmxcsr that changes the MXCSR followed by stmxcsr
// costs 20-200 ns, against ~1 ns for the arithmetic. So in round-to-nearest-
// even, with the host MXCSR control bits in their default state (checked
// with one stmxcsr, which is cheap), the result comes from the same SSE
// instruction and the flags from error-free transformations (Knuth's TwoSum,
// the FMA-based exact product error, division and square-root remainders):
// the result is inexact exactly when the exact error is non-zero. Only
// results that are finite and away from the underflow range take this path,
// where NX is the only flag possible; everything else (NaN, infinities,
// overflow, tiny results, zero operands of a product) returns false and goes
// through the MXCSR path (fp_arith.h).
//
// Ordering: like HostFpScope, every FP instruction is inside asm volatile,
// so it cannot move across the stmxcsr check or another operation's MXCSR
// writes. The sequences use VEX (AVX/FMA3) encodings, which the host has.
#pragma once

#include "machine/semantics/fp_common.h"

namespace tiercel {

enum class FpArithOp : uint8_t { Add, Sub, Mul, Div, Sqrt, Fma };

// Host MXCSR control bits (rounding, masks, DAZ, FTZ) as the fast path needs
// them: RNE, everything masked, no DAZ/FTZ. The flags do not matter.
TIERCEL_SEMANTICS bool hostInDefaultFpMode() {
  return (hostReadMxcsr() & ~kMxcsrFlagMask) == kMxcsrAllMasked;
}

// |x| >= 2^(emin + k), as a bit pattern bound for a positive magnitude.
template <class Fmt> constexpr typename Fmt::Bits kMagnitudeAtLeast(int k) {
  return static_cast<typename Fmt::Bits>(1 + k) << (Fmt::kPrecision - 1);
}

template <class Fmt> TIERCEL_SEMANTICS typename Fmt::Bits fpMagnitude(typename Fmt::Bits v) {
  return v & ~Fmt::kSignMask;
}
template <class Fmt> TIERCEL_SEMANTICS bool fpIsFinite(typename Fmt::Bits v) {
  return fpMagnitude<Fmt>(v) < Fmt::kInfinity;
}

// a + b (sub passes -b: x - y is x + (-y) in every case that stays here).
// TwoSum's error is exact whenever nothing overflows, which the finiteness
// checks cover; a sum that lands in the subnormal range is always exact.
template <class Fmt>
TIERCEL_SEMANTICS bool fastAdd(typename Fmt::Bits a, typename Fmt::Bits b, typename Fmt::Bits &out,
                               uint32_t &flags) {
  using Host = typename Fmt::Host;
  Host x = fpFromBits<Fmt>(a), y = fpFromBits<Fmt>(b), s, e, t, u;
  if constexpr (sizeof(Host) == 4)
    asm volatile("vaddss %[y], %[x], %[s]\n\t"
                 "vsubss %[x], %[s], %[u]\n\t" // u = s - x
                 "vsubss %[u], %[s], %[t]\n\t" // t = s - u
                 "vsubss %[t], %[x], %[t]\n\t" // t = x - t
                 "vsubss %[u], %[y], %[u]\n\t" // u = y - u
                 "vaddss %[u], %[t], %[e]"     // e = t + u
                 : [s] "=&x"(s), [e] "=&x"(e), [t] "=&x"(t), [u] "=&x"(u)
                 : [x] "x"(x), [y] "x"(y));
  else
    asm volatile("vaddsd %[y], %[x], %[s]\n\t"
                 "vsubsd %[x], %[s], %[u]\n\t"
                 "vsubsd %[u], %[s], %[t]\n\t"
                 "vsubsd %[t], %[x], %[t]\n\t"
                 "vsubsd %[u], %[y], %[u]\n\t"
                 "vaddsd %[u], %[t], %[e]"
                 : [s] "=&x"(s), [e] "=&x"(e), [t] "=&x"(t), [u] "=&x"(u)
                 : [x] "x"(x), [y] "x"(y));
  typename Fmt::Bits sum = fpToBits<Fmt>(s), error = fpToBits<Fmt>(e);
  if (!fpIsFinite<Fmt>(sum) || !fpIsFinite<Fmt>(error))
    return false;
  out = sum;
  flags |= fpMagnitude<Fmt>(error) != 0 ? kFlagInexact : 0;
  return true;
}

// a * b; e = fma(a, b, -r) is the exact error once |r| >= 2^(emin+p+2)
// (then the exponents of a and b sum to at least emin + p, so the error is
// a multiple of the smallest subnormal and has at most p bits).
template <class Fmt>
TIERCEL_SEMANTICS bool fastMul(typename Fmt::Bits a, typename Fmt::Bits b, typename Fmt::Bits &out,
                               uint32_t &flags) {
  using Host = typename Fmt::Host;
  Host x = fpFromBits<Fmt>(a), y = fpFromBits<Fmt>(b), r, e;
  if constexpr (sizeof(Host) == 4)
    asm volatile("vmulss %[y], %[x], %[r]\n\t"
                 "vmovaps %[r], %[e]\n\t"
                 "vfmsub231ss %[y], %[x], %[e]" // e = x * y - r
                 : [r] "=&x"(r), [e] "=&x"(e)
                 : [x] "x"(x), [y] "x"(y));
  else
    asm volatile("vmulsd %[y], %[x], %[r]\n\t"
                 "vmovapd %[r], %[e]\n\t"
                 "vfmsub231sd %[y], %[x], %[e]"
                 : [r] "=&x"(r), [e] "=&x"(e)
                 : [x] "x"(x), [y] "x"(y));
  typename Fmt::Bits product = fpToBits<Fmt>(r), error = fpToBits<Fmt>(e);
  if (!fpIsFinite<Fmt>(product) ||
      fpMagnitude<Fmt>(product) < kMagnitudeAtLeast<Fmt>(Fmt::kPrecision + 2))
    return false;
  out = product;
  flags |= fpMagnitude<Fmt>(error) != 0 ? kFlagInexact : 0;
  return true;
}

// a / b; the remainder a - r*b is exact (one FMA) when |a| >= 2^(emin+2p+2)
// and r is far from underflow.
template <class Fmt>
TIERCEL_SEMANTICS bool fastDiv(typename Fmt::Bits a, typename Fmt::Bits b, typename Fmt::Bits &out,
                               uint32_t &flags) {
  using Host = typename Fmt::Host;
  if (fpMagnitude<Fmt>(a) < kMagnitudeAtLeast<Fmt>(2 * Fmt::kPrecision + 2))
    return false;
  Host x = fpFromBits<Fmt>(a), y = fpFromBits<Fmt>(b), r, rem;
  if constexpr (sizeof(Host) == 4)
    asm volatile("vdivss %[y], %[x], %[r]\n\t"
                 "vmovaps %[x], %[rem]\n\t"
                 "vfnmadd231ss %[y], %[r], %[rem]" // rem = x - r * y
                 : [r] "=&x"(r), [rem] "=&x"(rem)
                 : [x] "x"(x), [y] "x"(y));
  else
    asm volatile("vdivsd %[y], %[x], %[r]\n\t"
                 "vmovapd %[x], %[rem]\n\t"
                 "vfnmadd231sd %[y], %[r], %[rem]"
                 : [r] "=&x"(r), [rem] "=&x"(rem)
                 : [x] "x"(x), [y] "x"(y));
  typename Fmt::Bits quotient = fpToBits<Fmt>(r), remainder = fpToBits<Fmt>(rem);
  if (!fpIsFinite<Fmt>(quotient) || !fpIsFinite<Fmt>(remainder) ||
      fpMagnitude<Fmt>(quotient) < kMagnitudeAtLeast<Fmt>(Fmt::kPrecision + 2))
    return false;
  out = quotient;
  flags |= fpMagnitude<Fmt>(remainder) != 0 ? kFlagInexact : 0;
  return true;
}

// sqrt(a) for positive a >= 2^(emin+2p+2): the remainder a - r*r is exact.
template <class Fmt>
TIERCEL_SEMANTICS bool fastSqrt(typename Fmt::Bits a, typename Fmt::Bits &out, uint32_t &flags) {
  using Host = typename Fmt::Host;
  if (fpSign<Fmt>(a) || a < kMagnitudeAtLeast<Fmt>(2 * Fmt::kPrecision + 2) || !fpIsFinite<Fmt>(a))
    return false;
  Host x = fpFromBits<Fmt>(a), r, rem;
  if constexpr (sizeof(Host) == 4)
    asm volatile("vsqrtss %[x], %[x], %[r]\n\t"
                 "vmovaps %[x], %[rem]\n\t"
                 "vfnmadd231ss %[r], %[r], %[rem]" // rem = x - r * r
                 : [r] "=&x"(r), [rem] "=&x"(rem)
                 : [x] "x"(x));
  else
    asm volatile("vsqrtsd %[x], %[x], %[r]\n\t"
                 "vmovapd %[x], %[rem]\n\t"
                 "vfnmadd231sd %[r], %[r], %[rem]"
                 : [r] "=&x"(r), [rem] "=&x"(rem)
                 : [x] "x"(x));
  out = fpToBits<Fmt>(r);
  flags |= fpMagnitude<Fmt>(fpToBits<Fmt>(rem)) != 0 ? kFlagInexact : 0;
  return true;
}

// a * b + c. r = fma(a, b, c) is exact iff a*b = r - c exactly. Both sides
// are written as canonical pairs (hi = RNE(value), lo = value - hi): the
// product by the FMA error trick, r - c by TwoSum; the pairs are equal iff
// the values are. Inexact results at or below 2^emin may be tiny after
// rounding (UF), so they take the MXCSR path.
template <class Fmt>
TIERCEL_SEMANTICS bool fastFma(typename Fmt::Bits a, typename Fmt::Bits b, typename Fmt::Bits c,
                               typename Fmt::Bits &out, uint32_t &flags) {
  using Host = typename Fmt::Host;
  Host x = fpFromBits<Fmt>(a), y = fpFromBits<Fmt>(b), z = fpFromBits<Fmt>(c);
  Host r, ph, pl, dh, dl, t, u;
  if constexpr (sizeof(Host) == 4)
    asm volatile("vmovaps %[x], %[r]\n\t"
                 "vfmadd213ss %[z], %[y], %[r]\n\t" // r = x * y + z
                 "vmulss %[y], %[x], %[ph]\n\t"
                 "vmovaps %[ph], %[pl]\n\t"
                 "vfmsub231ss %[y], %[x], %[pl]\n\t" // pl = x * y - ph
                 "vsubss %[z], %[r], %[dh]\n\t"      // dh = r - z
                 "vsubss %[r], %[dh], %[u]\n\t"      // u = dh - r
                 "vsubss %[u], %[dh], %[t]\n\t"      // t = dh - u
                 "vsubss %[t], %[r], %[t]\n\t"       // t = r - t
                 "vaddss %[u], %[z], %[u]\n\t"       // u = z + u   (-(-z - u))
                 "vsubss %[u], %[t], %[dl]"          // dl = t - u
                 : [r] "=&x"(r), [ph] "=&x"(ph), [pl] "=&x"(pl), [dh] "=&x"(dh), [dl] "=&x"(dl),
                   [t] "=&x"(t), [u] "=&x"(u)
                 : [x] "x"(x), [y] "x"(y), [z] "x"(z));
  else
    asm volatile("vmovapd %[x], %[r]\n\t"
                 "vfmadd213sd %[z], %[y], %[r]\n\t"
                 "vmulsd %[y], %[x], %[ph]\n\t"
                 "vmovapd %[ph], %[pl]\n\t"
                 "vfmsub231sd %[y], %[x], %[pl]\n\t"
                 "vsubsd %[z], %[r], %[dh]\n\t"
                 "vsubsd %[r], %[dh], %[u]\n\t"
                 "vsubsd %[u], %[dh], %[t]\n\t"
                 "vsubsd %[t], %[r], %[t]\n\t"
                 "vaddsd %[u], %[z], %[u]\n\t"
                 "vsubsd %[u], %[t], %[dl]"
                 : [r] "=&x"(r), [ph] "=&x"(ph), [pl] "=&x"(pl), [dh] "=&x"(dh), [dl] "=&x"(dl),
                   [t] "=&x"(t), [u] "=&x"(u)
                 : [x] "x"(x), [y] "x"(y), [z] "x"(z));
  using Bits = typename Fmt::Bits;
  Bits result = fpToBits<Fmt>(r), productHigh = fpToBits<Fmt>(ph), productLow = fpToBits<Fmt>(pl);
  Bits diffHigh = fpToBits<Fmt>(dh), diffLow = fpToBits<Fmt>(dl);
  if (!fpIsFinite<Fmt>(result) || !fpIsFinite<Fmt>(productHigh) || !fpIsFinite<Fmt>(productLow) ||
      !fpIsFinite<Fmt>(diffHigh) || !fpIsFinite<Fmt>(diffLow))
    return false;
  // The product error is exact for a large product or an exactly zero one.
  bool zeroProduct = fpIsZero<Fmt>(a) || fpIsZero<Fmt>(b);
  if (!zeroProduct && fpMagnitude<Fmt>(productHigh) < kMagnitudeAtLeast<Fmt>(Fmt::kPrecision + 2))
    return false;
  // Compare values, not bits: +0 and -0 are the same value.
  auto same = [](Bits p, Bits q) { return p == q || (fpIsZero<Fmt>(p) && fpIsZero<Fmt>(q)); };
  bool exact = same(productHigh, diffHigh) && same(productLow, diffLow);
  if (!exact && fpMagnitude<Fmt>(result) <= kMagnitudeAtLeast<Fmt>(0))
    return false;
  out = result;
  flags |= exact ? 0 : kFlagInexact;
  return true;
}

// Dispatch; false sends the operation to the MXCSR path.
template <FpArithOp op, class Fmt>
TIERCEL_SEMANTICS bool fastNearestEven(typename Fmt::Bits a, typename Fmt::Bits b,
                                       typename Fmt::Bits c, typename Fmt::Bits &out,
                                       uint32_t &flags) {
  if (!hostInDefaultFpMode())
    return false;
  if constexpr (op == FpArithOp::Add)
    return fastAdd<Fmt>(a, b, out, flags);
  else if constexpr (op == FpArithOp::Sub)
    return fastAdd<Fmt>(a, b ^ Fmt::kSignMask, out, flags);
  else if constexpr (op == FpArithOp::Mul)
    return fastMul<Fmt>(a, b, out, flags);
  else if constexpr (op == FpArithOp::Div)
    return fastDiv<Fmt>(a, b, out, flags);
  else if constexpr (op == FpArithOp::Sqrt)
    return fastSqrt<Fmt>(a, out, flags);
  else
    return fastFma<Fmt>(a, b, c, out, flags);
}

} // namespace tiercel
