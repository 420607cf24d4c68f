// Exact software floating point on integers, for what SSE cannot do the
// RISC-V way: rounding to nearest with ties to max magnitude (RMM, which has
// no MXCSR mode), conversions with RISC-V saturation (ISA spec table 11.4)
// and unsigned/64-bit integer conversions, and precision conversion.
//
// Shape (as in Berkeley SoftFloat, written here from the IEEE rules): an
// operation produces its exact result as sign * sig * 2^exp with `sig` a
// 64-bit integer whose lowest bit is "jammed" (ORed with every bit shifted
// out), then roundPack() rounds that to the target format in any mode,
// detecting tininess after rounding as RISC-V requires (ISA spec 11.2).
// Jamming keeps at least two bits below the target precision, so a single
// correct rounding follows. Operands are finite; callers handle NaN and
// infinity.
#pragma once

#include "machine/semantics/fp_common.h"

namespace tiercel {

using UInt128 = unsigned __int128;

TIERCEL_SEMANTICS int leadingZeros64(uint64_t v) { return v == 0 ? 64 : __builtin_clzll(v); }
TIERCEL_SEMANTICS int leadingZeros128(UInt128 v) {
  uint64_t high = static_cast<uint64_t>(v >> 64);
  return high != 0 ? __builtin_clzll(high) : 64 + leadingZeros64(static_cast<uint64_t>(v));
}

// v >> n, ORing every bit shifted out into the lowest bit.
TIERCEL_SEMANTICS uint64_t shiftRightJam64(uint64_t v, int n) {
  if (n == 0)
    return v;
  if (n >= 64)
    return v != 0;
  return (v >> n) | ((v << (64 - n)) != 0);
}
TIERCEL_SEMANTICS UInt128 shiftRightJam128(UInt128 v, int n) {
  if (n == 0)
    return v;
  if (n >= 128)
    return v != 0;
  return (v >> n) | ((v << (128 - n)) != 0);
}

// Whether rounding increments the magnitude kept so far (ISA spec table 11.1).
TIERCEL_SEMANTICS bool roundIncrements(uint32_t mode, bool sign, bool lsb, bool guard,
                                       bool sticky) {
  switch (mode) {
  case kRoundNearestEven: return guard && (sticky || lsb);
  case kRoundTowardZero: return false;
  case kRoundDown: return sign && (guard || sticky);
  case kRoundUp: return !sign && (guard || sticky);
  default: // kRoundNearestMax
    return guard;
  }
}

// The result of an overflow (IEEE 754 7.4): infinity or the largest finite
// number, depending on mode and sign.
template <class Fmt> TIERCEL_SEMANTICS typename Fmt::Bits overflowResult(uint32_t mode, bool sign) {
  bool toInfinity = mode == kRoundNearestEven || mode == kRoundNearestMax ||
                    (mode == kRoundDown && sign) || (mode == kRoundUp && !sign);
  typename Fmt::Bits magnitude = toInfinity ? Fmt::kInfinity : Fmt::kMaxFinite;
  return (sign ? Fmt::kSignMask : 0) | magnitude;
}

// Rounds sign * sig * 2^exp (sig != 0, sticky jammed into bit 0) to Fmt.
template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits roundPack(bool sign, int exp, uint64_t sig, uint32_t mode,
                                               uint32_t &flags) {
  using Bits = typename Fmt::Bits;
  constexpr int kPrecision = Fmt::kPrecision;
  constexpr int kDrop = 64 - kPrecision; // bits below the precision once normalized
  const Bits signBit = sign ? Fmt::kSignMask : 0;
  int shift = leadingZeros64(sig);
  sig <<= shift;
  int e = exp - shift + 63; // value in [2^e, 2^(e+1))

  if (e >= Fmt::kEmin) {
    uint64_t mant = sig >> kDrop;
    uint64_t rest = sig & ((uint64_t{1} << kDrop) - 1);
    bool guard = (rest >> (kDrop - 1)) & 1;
    bool sticky = (rest & ((uint64_t{1} << (kDrop - 1)) - 1)) != 0;
    if (rest != 0)
      flags |= kFlagInexact;
    if (roundIncrements(mode, sign, mant & 1, guard, sticky)) {
      ++mant;
      if (mant >> kPrecision) {
        mant >>= 1;
        ++e;
      }
    }
    if (e > Fmt::kEmax) {
      flags |= kFlagOverflow | kFlagInexact;
      return overflowResult<Fmt>(mode, sign);
    }
    return signBit | (static_cast<Bits>(e + Fmt::kBias) << (kPrecision - 1)) |
           (static_cast<Bits>(mant) & Fmt::kFractionMask);
  }

  // Below the normal range. Tininess is decided after rounding (ISA spec
  // 11.2): the value is not tiny only if rounding it to full precision with
  // an unbounded exponent reaches 2^emin.
  bool tiny = true;
  if (e == Fmt::kEmin - 1) {
    uint64_t mant = sig >> kDrop;
    uint64_t rest = sig & ((uint64_t{1} << kDrop) - 1);
    bool guard = (rest >> (kDrop - 1)) & 1;
    bool sticky = (rest & ((uint64_t{1} << (kDrop - 1)) - 1)) != 0;
    if (mant == (uint64_t{1} << kPrecision) - 1 && roundIncrements(mode, sign, true, guard, sticky))
      tiny = false;
  }
  int drop = kDrop + (Fmt::kEmin - e); // > kDrop
  uint64_t mant;
  bool guard, sticky;
  if (drop < 64) {
    mant = sig >> drop;
    guard = (sig >> (drop - 1)) & 1;
    sticky = (sig & ((uint64_t{1} << (drop - 1)) - 1)) != 0;
  } else if (drop == 64) {
    mant = 0;
    guard = sig >> 63;
    sticky = (sig << 1) != 0;
  } else {
    mant = 0;
    guard = false;
    sticky = true;
  }
  if (guard || sticky) {
    flags |= kFlagInexact;
    if (tiny)
      flags |= kFlagUnderflow;
  }
  if (roundIncrements(mode, sign, mant & 1, guard, sticky))
    ++mant; // may carry into the exponent field: the smallest normal number
  return signBit | static_cast<Bits>(mant);
}

// A finite non-zero value as sign * sig * 2^exp with an integer sig.
struct Unpacked {
  bool sign;
  int exp;
  uint64_t sig;
};

template <class Fmt> TIERCEL_SEMANTICS Unpacked unpackFinite(typename Fmt::Bits v) {
  constexpr int kFractionBits = Fmt::kPrecision - 1;
  int biased = static_cast<int>((v & Fmt::kExponentMask) >> kFractionBits);
  uint64_t fraction = v & Fmt::kFractionMask;
  if (biased == 0)
    return {fpSign<Fmt>(v), Fmt::kEmin - kFractionBits, fraction};
  return {fpSign<Fmt>(v), biased - Fmt::kBias - kFractionBits,
          fraction | (uint64_t{1} << kFractionBits)};
}

// A 128-bit exact (or jammed) result -> roundPack.
template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits roundPack128(bool sign, int exp, UInt128 sig, uint32_t mode,
                                                  uint32_t &flags) {
  int width = 128 - leadingZeros128(sig);
  if (width > 64) {
    sig = shiftRightJam128(sig, width - 64);
    exp += width - 64;
  }
  return roundPack<Fmt>(sign, exp, static_cast<uint64_t>(sig), mode, flags);
}

// The exact zero that x + y gives when it cancels or both are zero (IEEE 754
// 6.3): -0 only in round-down, unless both addends are -0.
template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits exactZeroSum(bool signX, bool signY, uint32_t mode) {
  bool sign = signX == signY ? signX : mode == kRoundDown;
  return sign ? Fmt::kSignMask : 0;
}

// x + y for non-zero x = sx * X * 2^ex, y = sy * Y * 2^ey whose 128-bit
// significands have their top bit at bit 125 (room for the carry and the
// sign-free subtraction).
template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits addAligned(bool sx, int ex, UInt128 x, bool sy, int ey,
                                                UInt128 y, uint32_t mode, uint32_t &flags) {
  if (ex < ey || (ex == ey && x < y)) {
    bool ts = sx;
    sx = sy;
    sy = ts;
    int te = ex;
    ex = ey;
    ey = te;
    UInt128 tv = x;
    x = y;
    y = tv;
  }
  y = shiftRightJam128(y, ex - ey);
  UInt128 sum;
  if (sx == sy) {
    sum = x + y;
  } else {
    sum = x - y; // x >= y by the swap above
    if (sum == 0)
      return exactZeroSum<Fmt>(sx, sy, mode);
  }
  return roundPack128<Fmt>(sx, ex, sum, mode, flags);
}

// Places a non-zero significand with its top bit at bit 125.
TIERCEL_SEMANTICS UInt128 alignTo125(UInt128 sig, int &exp) {
  int shift = leadingZeros128(sig) - 2;
  exp -= shift;
  return sig << shift;
}

template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits softAdd(typename Fmt::Bits a, typename Fmt::Bits b,
                                             uint32_t mode, uint32_t &flags) {
  if (fpIsZero<Fmt>(a) && fpIsZero<Fmt>(b))
    return exactZeroSum<Fmt>(fpSign<Fmt>(a), fpSign<Fmt>(b), mode);
  if (fpIsZero<Fmt>(a))
    return b;
  if (fpIsZero<Fmt>(b))
    return a;
  Unpacked ua = unpackFinite<Fmt>(a), ub = unpackFinite<Fmt>(b);
  UInt128 x = alignTo125(ua.sig, ua.exp), y = alignTo125(ub.sig, ub.exp);
  return addAligned<Fmt>(ua.sign, ua.exp, x, ub.sign, ub.exp, y, mode, flags);
}

template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits softMul(typename Fmt::Bits a, typename Fmt::Bits b,
                                             uint32_t mode, uint32_t &flags) {
  bool sign = fpSign<Fmt>(a) != fpSign<Fmt>(b);
  if (fpIsZero<Fmt>(a) || fpIsZero<Fmt>(b))
    return sign ? Fmt::kSignMask : 0;
  Unpacked ua = unpackFinite<Fmt>(a), ub = unpackFinite<Fmt>(b);
  UInt128 product = static_cast<UInt128>(ua.sig) * ub.sig;
  return roundPack128<Fmt>(sign, ua.exp + ub.exp, product, mode, flags);
}

// a / b for b != 0: restoring division to 64 quotient bits plus a sticky
// remainder bit (enough for any rounding, and free of 128-bit division
// library calls, which the stencils could not hold).
template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits softDiv(typename Fmt::Bits a, typename Fmt::Bits b,
                                             uint32_t mode, uint32_t &flags) {
  bool sign = fpSign<Fmt>(a) != fpSign<Fmt>(b);
  if (fpIsZero<Fmt>(a))
    return sign ? Fmt::kSignMask : 0;
  Unpacked ua = unpackFinite<Fmt>(a), ub = unpackFinite<Fmt>(b);
  int shiftA = leadingZeros64(ua.sig) - 1, shiftB = leadingZeros64(ub.sig) - 1;
  uint64_t dividend = ua.sig << shiftA, divisor = ub.sig << shiftB; // in [2^62, 2^63)
  uint64_t quotient = 0;
  for (int i = 0; i < 64; ++i) {
    quotient <<= 1;
    if (dividend >= divisor) {
      dividend -= divisor;
      quotient |= 1;
    }
    dividend <<= 1;
  }
  quotient |= dividend != 0;
  int exp = (ua.exp - shiftA) - (ub.exp - shiftB) - 63;
  return roundPack<Fmt>(sign, exp, quotient, mode, flags);
}

// a * b + c with a single rounding (ISA spec 11.6); finite operands.
template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits softFma(typename Fmt::Bits a, typename Fmt::Bits b,
                                             typename Fmt::Bits c, uint32_t mode, uint32_t &flags) {
  bool productSign = fpSign<Fmt>(a) != fpSign<Fmt>(b);
  if (fpIsZero<Fmt>(a) || fpIsZero<Fmt>(b)) {
    if (fpIsZero<Fmt>(c))
      return exactZeroSum<Fmt>(productSign, fpSign<Fmt>(c), mode);
    return c;
  }
  Unpacked ua = unpackFinite<Fmt>(a), ub = unpackFinite<Fmt>(b);
  UInt128 product = static_cast<UInt128>(ua.sig) * ub.sig;
  int productExp = ua.exp + ub.exp;
  if (fpIsZero<Fmt>(c))
    return roundPack128<Fmt>(productSign, productExp, product, mode, flags);
  Unpacked uc = unpackFinite<Fmt>(c);
  UInt128 x = alignTo125(product, productExp), y = alignTo125(uc.sig, uc.exp);
  return addAligned<Fmt>(productSign, productExp, x, uc.sign, uc.exp, y, mode, flags);
}

// ---- Conversions ----

// Float -> integer of `width` bits (32 or 64), with the saturation of ISA
// spec table 11.4: NaN and too-large positive -> the largest value, too-large
// negative -> the smallest, raising NV and nothing else. Returns the result
// in the low `width` bits.
template <class Fmt>
TIERCEL_SEMANTICS uint64_t softToInteger(typename Fmt::Bits v, uint32_t mode, bool isSigned,
                                         int width, uint32_t &flags) {
  const uint64_t maxValue = isSigned ? (uint64_t{1} << (width - 1)) - 1
                                     : (width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1);
  const uint64_t minValue =
      isSigned ? uint64_t{1} << (width - 1) : 0; // as a two's complement pattern
  if (fpIsNaN<Fmt>(v)) {
    flags |= kFlagInvalid;
    return maxValue;
  }
  bool sign = fpSign<Fmt>(v);
  if (fpIsInf<Fmt>(v)) {
    flags |= kFlagInvalid;
    return sign ? minValue : maxValue;
  }
  if (fpIsZero<Fmt>(v))
    return 0;
  Unpacked u = unpackFinite<Fmt>(v);
  uint64_t magnitude;
  bool inexact = false;
  if (u.exp >= 0) {
    if (u.exp + (64 - leadingZeros64(u.sig)) > 64) {
      flags |= kFlagInvalid;
      return sign ? minValue : maxValue;
    }
    magnitude = u.sig << u.exp;
  } else {
    int n = -u.exp;
    bool guard, sticky;
    if (n < 64) {
      magnitude = u.sig >> n;
      guard = (u.sig >> (n - 1)) & 1;
      sticky = (u.sig & ((uint64_t{1} << (n - 1)) - 1)) != 0;
    } else { // sig < 2^53, so the value is far below 1/2
      magnitude = 0;
      guard = false;
      sticky = true;
    }
    inexact = guard || sticky;
    if (roundIncrements(mode, sign, magnitude & 1, guard, sticky))
      ++magnitude; // sig < 2^53: cannot wrap
  }
  uint64_t limit = sign ? (isSigned ? uint64_t{1} << (width - 1) : 0) : maxValue;
  if (magnitude > limit) {
    flags |= kFlagInvalid;
    return sign ? minValue : maxValue;
  }
  if (inexact)
    flags |= kFlagInexact;
  uint64_t result = sign ? uint64_t{0} - magnitude : magnitude;
  return width == 64 ? result : result & 0xffffffffu;
}

// Integer (sign and magnitude) -> float, rounded by `mode`.
template <class Fmt>
TIERCEL_SEMANTICS typename Fmt::Bits softFromInteger(bool sign, uint64_t magnitude, uint32_t mode,
                                                     uint32_t &flags) {
  if (magnitude == 0)
    return 0;
  return roundPack<Fmt>(sign, 0, magnitude, mode, flags);
}

// Between the formats (fcvt.s.d / fcvt.d.s): NaN -> canonical NaN, NV for
// a signaling one (ISA spec 12.5).
template <class To, class From>
TIERCEL_SEMANTICS typename To::Bits softConvertFormat(typename From::Bits v, uint32_t mode,
                                                      uint32_t &flags) {
  using ToBits = typename To::Bits;
  ToBits signBit = fpSign<From>(v) ? To::kSignMask : 0;
  if (fpIsNaN<From>(v)) {
    if (fpIsSignalingNaN<From>(v))
      flags |= kFlagInvalid;
    return To::kCanonicalNaN;
  }
  if (fpIsInf<From>(v))
    return signBit | To::kInfinity;
  if (fpIsZero<From>(v))
    return signBit;
  Unpacked u = unpackFinite<From>(v);
  return roundPack<To>(u.sign, u.exp, u.sig, mode, flags);
}

} // namespace tiercel
