// The software rounding core (machine/semantics/fp_soft.h) is what gives RMM
// results. It is written for every rounding mode, so here it is checked
// against host SSE (which is exact in RNE/RTZ/RDN/RUP) on random operands of
// every class: same bits, same fflags. Then the RMM property itself: RMM
// differs from RNE only on exact ties, by one ulp away from zero.
#include <random>

#include <gtest/gtest.h>

#include "fp_test_support.h"

namespace tiercel::test {
namespace {

// Random finite operands biased towards the interesting places: subnormals,
// the overflow edge, nearby exponents (cancellation) and short significands
// (exact results and ties).
template <class Fmt> class OperandSource {
public:
  using Bits = typename Fmt::Bits;
  explicit OperandSource(uint64_t seed) : rng_(seed) {}

  Bits next(Bits near) {
    constexpr int kFractionBits = Fmt::kPrecision - 1;
    constexpr uint64_t kMaxBiased = 2 * Fmt::kBias; // largest finite biased exponent
    Bits sign = (rng_() & 1) ? Fmt::kSignMask : 0;
    Bits fraction = static_cast<Bits>(rng_()) & Fmt::kFractionMask;
    uint64_t biased;
    switch (rng_() % 7) {
    case 0: biased = rng_() % 3; break;                           // subnormal, smallest normals
    case 1: biased = kMaxBiased - rng_() % 3; break;              // near overflow
    case 2: biased = (near >> kFractionBits) & kMaxBiased; break; // same exponent as `near`
    case 3:                                                       // close exponent
      biased = ((near >> kFractionBits) & kMaxBiased) + rng_() % 60;
      biased = biased > kMaxBiased ? kMaxBiased : biased;
      biased = biased < 30 ? 0 : biased - 30;
      break;
    case 4:
      fraction &= static_cast<Bits>(~Bits{0} << (kFractionBits - 4)); // short significand
      [[fallthrough]];
    default: biased = rng_() % (kMaxBiased + 1); break;
    }
    if (rng_() % 16 == 0)
      return sign; // zero
    return sign | (static_cast<Bits>(biased) << kFractionBits) | fraction;
  }

private:
  std::mt19937_64 rng_;
};

template <class Fmt> void checkSoftAgainstHost(uint64_t seed, int iterations) {
  using Bits = typename Fmt::Bits;
  OperandSource<Fmt> source(seed);
  int failures = 0;
  for (int i = 0; i < iterations && failures < 10; ++i) {
    Bits a = source.next(0), b = source.next(a), c = source.next(a);
    for (uint32_t mode = 0; mode < 4; ++mode) {
      auto check = [&](const char *what, Bits soft, uint32_t softFlags, Bits host,
                       uint32_t hostFlags) {
        if (soft != host || softFlags != hostFlags) {
          ++failures;
          ADD_FAILURE() << what << " mode " << mode << std::hex << " a=" << uint64_t(a)
                        << " b=" << uint64_t(b) << " c=" << uint64_t(c) << ": soft "
                        << uint64_t(soft) << "/" << softFlags << " host " << uint64_t(host) << "/"
                        << hostFlags;
        }
      };
      uint32_t sf = 0, hf = 0;
      Bits s = softAdd<Fmt>(a, b, mode, sf);
      Bits h = fpArithmetic<FpArithOp::Add, Fmt>(a, b, 0, mode, hf);
      check("add", s, sf, h, hf);
      sf = hf = 0;
      s = softMul<Fmt>(a, b, mode, sf);
      h = fpArithmetic<FpArithOp::Mul, Fmt>(a, b, 0, mode, hf);
      check("mul", s, sf, h, hf);
      if (!fpIsZero<Fmt>(b)) {
        sf = hf = 0;
        s = softDiv<Fmt>(a, b, mode, sf);
        h = fpArithmetic<FpArithOp::Div, Fmt>(a, b, 0, mode, hf);
        check("div", s, sf, h, hf);
      }
      sf = hf = 0;
      s = softFma<Fmt>(a, b, c, mode, sf);
      h = fpArithmetic<FpArithOp::Fma, Fmt>(a, b, c, mode, hf);
      check("fma", s, sf, h, hf);
    }
  }
}

// The RNE fast path (fp_fast.h) must agree with the MXCSR path whenever it
// accepts an operation, and accept most ordinary ones.
template <class Fmt> void checkFastAgainstMxcsr(uint64_t seed, int iterations) {
  using Bits = typename Fmt::Bits;
  OperandSource<Fmt> source(seed);
  int accepted = 0, total = 0, failures = 0;
  auto check = [&]<FpArithOp op>(Bits a, Bits b, Bits c) {
    Bits fast, slow;
    uint32_t fastFlags = 0, slowFlags = 0;
    ++total;
    if (!fastNearestEven<op, Fmt>(a, b, c, fast, fastFlags))
      return;
    ++accepted;
    slow = fpArithmeticSlow<op, Fmt>(a, b, c, kRoundNearestEven, slowFlags);
    if ((fast != slow || fastFlags != slowFlags) && ++failures < 10)
      ADD_FAILURE() << "op " << int(op) << std::hex << " a=" << uint64_t(a) << " b=" << uint64_t(b)
                    << " c=" << uint64_t(c) << ": fast " << uint64_t(fast) << "/" << fastFlags
                    << " mxcsr " << uint64_t(slow) << "/" << slowFlags;
  };
  for (int i = 0; i < iterations; ++i) {
    Bits a = source.next(0), b = source.next(a), c = source.next(a);
    check.template operator()<FpArithOp::Add>(a, b, c);
    check.template operator()<FpArithOp::Sub>(a, b, c);
    check.template operator()<FpArithOp::Mul>(a, b, c);
    check.template operator()<FpArithOp::Div>(a, b, c);
    check.template operator()<FpArithOp::Sqrt>(a, b, c);
    check.template operator()<FpArithOp::Fma>(a, b, c);
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(accepted, total / 2) << "the fast path should take most random operations";
}

TEST(FpSoft, FastPathMatchesMxcsrPathSingle) { checkFastAgainstMxcsr<Float32Format>(5, 100000); }
TEST(FpSoft, FastPathMatchesMxcsrPathDouble) { checkFastAgainstMxcsr<Float64Format>(6, 100000); }

TEST(FpSoft, MatchesHostSseSingle) { checkSoftAgainstHost<Float32Format>(1, 60000); }
TEST(FpSoft, MatchesHostSseDouble) { checkSoftAgainstHost<Float64Format>(2, 60000); }

// Double -> single on the host (cvtsd2ss) against softConvertFormat.
TEST(FpSoft, ConvertFormatMatchesHost) {
  OperandSource<Float64Format> source(3);
  for (int i = 0; i < 100000; ++i) {
    uint64_t d = source.next(0x3ff0000000000000ull);
    if (i % 3 == 0) // land in the single range, near its edges
      d = (d & 0x800fffffffffffffull) | (uint64_t((1023 - 160 + i % 300) & 0x7ff) << 52);
    for (uint32_t mode = 0; mode < 4; ++mode) {
      uint32_t softFlags = 0;
      uint32_t soft = softConvertFormat<Float32Format, Float64Format>(d, mode, softFlags);
      HostFpScope scope(mode);
      float f;
      double in = fpFromBits<Float64Format>(d);
      asm volatile("cvtsd2ss %1, %0" : "=x"(f) : "x"(in));
      uint32_t hostFlags = scope.finish();
      ASSERT_EQ(soft, fpToBits<Float32Format>(f)) << std::hex << d << " mode " << mode;
      ASSERT_EQ(softFlags, hostFlags) << std::hex << d << " mode " << mode;
    }
  }
}

// RMM agrees with RNE except at an exact tie that RNE resolved towards zero;
// there it is one ulp further from zero. Checked on constructed ties and on
// random operands.
TEST(FpSoft, RmmDiffersFromRneOnlyOnTies) {
  OperandSource<Float32Format> source(4);
  int differing = 0;
  for (int i = 0; i < 200000; ++i) {
    uint32_t a = source.next(0), b = source.next(a);
    uint32_t fr = 0, fm = 0;
    uint32_t rne = fpArithmetic<FpArithOp::Add, Float32Format>(a, b, 0, kRoundNearestEven, fr);
    uint32_t rmm = fpArithmetic<FpArithOp::Add, Float32Format>(a, b, 0, kRoundNearestMax, fm);
    ASSERT_EQ(fr, fm) << std::hex << a << " + " << b;
    if (rne == rmm)
      continue;
    ++differing;
    ASSERT_EQ(rmm & 0x7fffffffu, (rne & 0x7fffffffu) + 1) << std::hex << a << " + " << b;
    // The exact sum, computed in double (exact for these operands when no
    // exponent gap exceeds 29), lies halfway between rne and rmm.
    double exact = double(fpFromBits<Float32Format>(a)) + double(fpFromBits<Float32Format>(b));
    double mid =
        (double(fpFromBits<Float32Format>(rne)) + double(fpFromBits<Float32Format>(rmm))) / 2;
    ASSERT_EQ(exact, mid) << std::hex << a << " + " << b;
  }
  EXPECT_GT(differing, 100);
}

} // namespace
} // namespace tiercel::test
