// Hand-written F/D cases with exact expected bits and fflags in every
// rounding mode (RNE, RTZ, RDN, RUP, RMM): rounding ties, subnormals, the
// tininess-after-rounding boundary, overflow per mode, NaN-boxing, sNaN/qNaN,
// signed zeros, fcvt saturation; plus illegal rounding modes, mstatus.FS =
// Off, loads/stores, dirty marking and the host MXCSR contract.
#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "fp_test_support.h"

namespace tiercel::test {
namespace {

constexpr uint64_t S(uint32_t bits) { return 0xffffffff00000000ull | bits; } // NaN-boxed single
constexpr uint8_t NV = kFlagInvalid, DZ = kFlagDivByZero, OF = kFlagOverflow, UF = kFlagUnderflow,
                  NX = kFlagInexact;

struct Case {
  const char *mnemonic;
  uint64_t a, b, c;
  std::array<uint64_t, 5> result; // per mode RNE, RTZ, RDN, RUP, RMM
  std::array<uint8_t, 5> flags;
  const char *why;
};

constexpr std::array<uint64_t, 5> all(uint64_t v) { return {v, v, v, v, v}; }
constexpr std::array<uint8_t, 5> allFlags(uint8_t f) { return {f, f, f, f, f}; }

const std::vector<Case> &cases() {
  static const std::vector<Case> kCases = {
      // ---- add/sub: ties and signed zeros ----
      {"fadd.s",
       S(0x3f800000),
       S(0x33800000),
       0,
       {S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001), S(0x3f800001)},
       allFlags(NX),
       "1 + 2^-24: tie, RNE keeps the even 1, RMM goes away from zero"},
      {"fadd.s",
       S(0x3f800000),
       S(0x34400000),
       0,
       {S(0x3f800002), S(0x3f800001), S(0x3f800001), S(0x3f800002), S(0x3f800002)},
       allFlags(NX),
       "1 + 1.5 ulp: tie whose even neighbour is the larger one"},
      {"fadd.s",
       S(0xbf800000),
       S(0xb3800000),
       0,
       {S(0xbf800000), S(0xbf800000), S(0xbf800001), S(0xbf800000), S(0xbf800001)},
       allFlags(NX),
       "negative tie: RDN and RMM go down"},
      {"fsub.s",
       S(0x3f800000),
       S(0x3f800000),
       0,
       {S(0), S(0), S(0x80000000), S(0), S(0)},
       allFlags(0),
       "x - x is -0 only in RDN"},
      {"fadd.s", S(0x80000000), S(0x80000000), 0, all(S(0x80000000)), allFlags(0), "-0 + -0"},
      {"fadd.s", S(0x00000001), S(0x007fffff), 0, all(S(0x00800000)), allFlags(0),
       "subnormal sum reaching the smallest normal: exact, no UF"},
      {"fadd.d",
       0x3ff0000000000000,
       0x3ca0000000000000,
       0,
       {0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000001,
        0x3ff0000000000001},
       allFlags(NX),
       "1 + 2^-53 tie"},
      // ---- overflow per mode ----
      {"fadd.s",
       S(0x7f7fffff),
       S(0x7f7fffff),
       0,
       {S(0x7f800000), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000), S(0x7f800000)},
       allFlags(OF | NX),
       "max + max"},
      {"fadd.s",
       S(0xff7fffff),
       S(0xff7fffff),
       0,
       {S(0xff800000), S(0xff7fffff), S(0xff800000), S(0xff7fffff), S(0xff800000)},
       allFlags(OF | NX),
       "-max - max"},
      {"fadd.s",
       S(0x7f7fffff),
       S(0x73000000),
       0,
       {S(0x7f800000), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000), S(0x7f800000)},
       {OF | NX, NX, NX, OF | NX, OF | NX},
       "max + half an ulp: a tie that overflows when rounded up"},
      {"fmul.d",
       0x7fefffffffffffff,
       0x4000000000000000,
       0,
       {0x7ff0000000000000, 0x7fefffffffffffff, 0x7fefffffffffffff, 0x7ff0000000000000,
        0x7ff0000000000000},
       allFlags(OF | NX),
       "double max * 2"},
      // ---- NaNs ----
      {"fadd.s", S(0x7f800000), S(0xff800000), 0, all(S(0x7fc00000)), allFlags(NV), "inf - inf"},
      {"fadd.s", S(0x7f800001), S(0x3f800000), 0, all(S(0x7fc00000)), allFlags(NV),
       "sNaN operand: NV, canonical NaN"},
      {"fadd.s", S(0xffc00123), S(0x3f800000), 0, all(S(0x7fc00000)), allFlags(0),
       "qNaN with sign and payload: canonical NaN, no flag"},
      {"fadd.s", 0x000000003f800000, S(0x3f800000), 0, all(S(0x7fc00000)), allFlags(0),
       "badly NaN-boxed operand reads as the canonical NaN"},
      {"fadd.d", 0xfff8000000000123, 0x3ff0000000000000, 0, all(0x7ff8000000000000), allFlags(0),
       "double qNaN payload"},
      // ---- multiply: subnormal ties and tininess ----
      {"fmul.s",
       S(0x3f7ffffe),
       S(0x00800001),
       0,
       {S(0x00800000), S(0x007fffff), S(0x007fffff), S(0x00800000), S(0x00800000)},
       {NX, UF | NX, UF | NX, NX, NX},
       "(1-2^-46) 2^-126: not tiny after rounding in RNE/RUP/RMM, so no UF"},
      {"fmul.d",
       0x3feffffffffffffe,
       0x0010000000000001,
       0,
       {0x0010000000000000, 0x000fffffffffffff, 0x000fffffffffffff, 0x0010000000000000,
        0x0010000000000000},
       {NX, UF | NX, UF | NX, NX, NX},
       "double tininess boundary"},
      {"fmul.s",
       S(0x3fc00000),
       S(0x00000001),
       0,
       {S(0x00000002), S(0x00000001), S(0x00000001), S(0x00000002), S(0x00000002)},
       allFlags(UF | NX),
       "1.5 * min subnormal"},
      {"fmul.s",
       S(0x40200000),
       S(0x00000001),
       0,
       {S(0x00000002), S(0x00000002), S(0x00000002), S(0x00000003), S(0x00000003)},
       allFlags(UF | NX),
       "2.5 * min subnormal: subnormal tie"},
      {"fmul.s",
       S(0x3f000000),
       S(0x00000001),
       0,
       {S(0), S(0), S(0), S(0x00000001), S(0x00000001)},
       allFlags(UF | NX),
       "0.5 * min subnormal: tie between 0 and the min subnormal"},
      {"fmul.s",
       S(0xbf000000),
       S(0x00000001),
       0,
       {S(0x80000000), S(0x80000000), S(0x80000001), S(0x80000000), S(0x80000001)},
       allFlags(UF | NX),
       "-0.5 * min subnormal"},
      {"fmul.s", S(0x00000000), S(0xff800000), 0, all(S(0x7fc00000)), allFlags(NV), "0 * -inf"},
      // ---- divide and square root ----
      {"fdiv.s", S(0x3f800000), S(0x00000000), 0, all(S(0x7f800000)), allFlags(DZ), "1 / +0"},
      {"fdiv.s", S(0x3f800000), S(0x80000000), 0, all(S(0xff800000)), allFlags(DZ), "1 / -0"},
      {"fdiv.d", 0, 0, 0, all(0x7ff8000000000000), allFlags(NV), "0 / 0"},
      {"fdiv.s",
       S(0x3f800000),
       S(0x40400000),
       0,
       {S(0x3eaaaaab), S(0x3eaaaaaa), S(0x3eaaaaaa), S(0x3eaaaaab), S(0x3eaaaaab)},
       allFlags(NX),
       "1 / 3"},
      {"fdiv.s",
       S(0x00000005),
       S(0x40000000),
       0,
       {S(0x00000002), S(0x00000002), S(0x00000002), S(0x00000003), S(0x00000003)},
       allFlags(UF | NX),
       "2.5 min subnormals: a division tie"},
      {"fsqrt.s",
       S(0x40000000),
       0,
       0,
       {S(0x3fb504f3), S(0x3fb504f3), S(0x3fb504f3), S(0x3fb504f4), S(0x3fb504f3)},
       allFlags(NX),
       "sqrt 2"},
      {"fsqrt.s", S(0xbf800000), 0, 0, all(S(0x7fc00000)), allFlags(NV), "sqrt -1"},
      {"fsqrt.d", 0x8000000000000000, 0, 0, all(0x8000000000000000), allFlags(0), "sqrt -0 = -0"},
      // ---- fused multiply-add family (ISA spec 11.6) ----
      {"fmadd.s", S(0x00000000), S(0x7f800000), S(0x7fc00000), all(S(0x7fc00000)), allFlags(NV),
       "0 * inf + qNaN raises NV"},
      {"fmadd.d", 0x7ff0000000000000, 0, 0x7ff8000000000000, all(0x7ff8000000000000), allFlags(NV),
       "inf * 0 + qNaN raises NV"},
      {"fmadd.s",
       S(0x39800000),
       S(0x39800000),
       S(0x3f800000),
       {S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001), S(0x3f800001)},
       allFlags(NX),
       "2^-12 * 2^-12 + 1: single rounding of a tie"},
      {"fnmadd.s",
       S(0x3f800000),
       S(0x3f800000),
       S(0x33800000),
       {S(0xbf800000), S(0xbf800000), S(0xbf800001), S(0xbf800000), S(0xbf800001)},
       allFlags(NX),
       "-(1*1) - 2^-24"},
      {"fmsub.s",
       S(0x3f800000),
       S(0x3f800000),
       S(0x3f800000),
       {S(0), S(0), S(0x80000000), S(0), S(0)},
       allFlags(0),
       "1*1 - 1"},
      {"fnmsub.d",
       0x3ff0000000000000,
       0x3ff0000000000000,
       0x3ff0000000000000,
       {0, 0, 0x8000000000000000, 0, 0},
       allFlags(0),
       "-(1*1) + 1"},
      {"fnmadd.s", S(0), S(0x3f800000), S(0), all(S(0x80000000)), allFlags(0), "-(0*1) - 0 = -0"},
      {"fmadd.d", 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002,
       all(0x3970000000000000), allFlags(0), "exact cancellation keeps the 2^-104 term"},
      // ---- conversions to integers (ISA spec table 11.4) ----
      {"fcvt.w.s", S(0x80000000), 0, 0, all(0), allFlags(0), "-0.0"},
      {"fcvt.w.s", S(0x3f000000), 0, 0, {0, 0, 0, 1, 1}, allFlags(NX), "0.5"},
      {"fcvt.w.s", S(0x3fc00000), 0, 0, {2, 1, 1, 2, 2}, allFlags(NX), "1.5"},
      {"fcvt.w.s", S(0x40200000), 0, 0, {2, 2, 2, 3, 3}, allFlags(NX), "2.5"},
      {"fcvt.w.s", S(0xbf000000), 0, 0, {0, 0, ~0ull, 0, ~0ull}, allFlags(NX), "-0.5"},
      {"fcvt.w.s", S(0xbfc00000), 0, 0, {~1ull, ~0ull, ~1ull, ~0ull, ~1ull}, allFlags(NX), "-1.5"},
      {"fcvt.w.s", S(0xc0200000), 0, 0, {~1ull, ~1ull, ~2ull, ~1ull, ~2ull}, allFlags(NX), "-2.5"},
      {"fcvt.w.s", S(0x7fc00000), 0, 0, all(0x7fffffff), allFlags(NV), "NaN -> max"},
      {"fcvt.w.s", S(0xffc00000), 0, 0, all(0x7fffffff), allFlags(NV), "negative NaN -> max too"},
      {"fcvt.w.s", S(0xff800000), 0, 0, all(0xffffffff80000000), allFlags(NV), "-inf -> min"},
      {"fcvt.w.s", S(0x4f000000), 0, 0, all(0x7fffffff), allFlags(NV), "2^31 out of range"},
      {"fcvt.w.s", S(0xcf000000), 0, 0, all(0xffffffff80000000), allFlags(0), "-2^31 fits"},
      {"fcvt.w.d",
       0x41dfffffffe00000,
       0,
       0,
       {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff},
       {NV, NX, NX, NV, NV},
       "2^31 - 0.5 rounds out of range in RNE/RUP/RMM"},
      {"fcvt.w.d",
       0xc1e0000000100000,
       0,
       0,
       all(0xffffffff80000000),
       {NX, NX, NV, NX, NV},
       "-2^31 - 0.5"},
      {"fcvt.wu.s", S(0xbf800000), 0, 0, all(0), allFlags(NV), "-1 -> 0, invalid"},
      {"fcvt.wu.s",
       S(0xbf000000),
       0,
       0,
       all(0),
       {NX, NX, NV, NX, NV},
       "-0.5 rounds to 0 (inexact) or to -1 (invalid)"},
      {"fcvt.wu.s", S(0x7f800001), 0, 0, all(~0ull), allFlags(NV), "NaN -> 2^32-1, sign-extended"},
      {"fcvt.wu.s", S(0x4f000000), 0, 0, all(0xffffffff80000000), allFlags(0),
       "2^31 fits; the 32-bit result is sign-extended"},
      {"fcvt.wu.s", S(0x4f800000), 0, 0, all(~0ull), allFlags(NV), "2^32 out of range"},
      {"fcvt.l.s", S(0x5f000000), 0, 0, all(0x7fffffffffffffff), allFlags(NV), "2^63"},
      {"fcvt.l.s", S(0xdf000000), 0, 0, all(0x8000000000000000), allFlags(0), "-2^63"},
      {"fcvt.l.d", 0x7ff8000000000000, 0, 0, all(0x7fffffffffffffff), allFlags(NV), "NaN"},
      {"fcvt.lu.s", S(0x5f800000), 0, 0, all(~0ull), allFlags(NV), "2^64"},
      {"fcvt.lu.d", 0x43e0000000000000, 0, 0, all(0x8000000000000000), allFlags(0), "2^63"},
      {"fcvt.lu.d", 0xfff0000000000000, 0, 0, all(0), allFlags(NV), "-inf -> 0"},
      {"fcvt.l.d", 0x0000000000000001, 0, 0, {0, 0, 0, 1, 0}, allFlags(NX), "min subnormal"},
      // ---- conversions from integers ----
      {"fcvt.s.w",
       0x01000001,
       0,
       0,
       {S(0x4b800000), S(0x4b800000), S(0x4b800000), S(0x4b800001), S(0x4b800001)},
       allFlags(NX),
       "2^24 + 1: tie"},
      {"fcvt.s.w", 0x1234567800000001, 0, 0, all(S(0x3f800000)), allFlags(0),
       "only bits 31:0 of rs1 count"},
      {"fcvt.s.wu",
       ~0ull,
       0,
       0,
       {S(0x4f800000), S(0x4f7fffff), S(0x4f7fffff), S(0x4f800000), S(0x4f800000)},
       allFlags(NX),
       "2^32 - 1"},
      {"fcvt.s.l", 0x8000000000000000, 0, 0, all(S(0xdf000000)), allFlags(0), "-2^63"},
      {"fcvt.d.l",
       (1ull << 53) + 1,
       0,
       0,
       {0x4340000000000000, 0x4340000000000000, 0x4340000000000000, 0x4340000000000001,
        0x4340000000000001},
       allFlags(NX),
       "2^53 + 1"},
      {"fcvt.d.lu",
       ~0ull,
       0,
       0,
       {0x43f0000000000000, 0x43efffffffffffff, 0x43efffffffffffff, 0x43f0000000000000,
        0x43f0000000000000},
       allFlags(NX),
       "2^64 - 1"},
      {"fcvt.d.w", 0xffffffff, 0, 0, all(0xbff0000000000000), allFlags(0), "-1 from bits 31:0"},
      {"fcvt.d.wu", 0, 0, 0, all(0), allFlags(0), "0 is +0 in every mode"},
      // ---- between formats ----
      {"fcvt.s.d",
       0x3ff0000010000000,
       0,
       0,
       {S(0x3f800000), S(0x3f800000), S(0x3f800000), S(0x3f800001), S(0x3f800001)},
       allFlags(NX),
       "1 + 2^-24: tie"},
      {"fcvt.s.d",
       0x47effffff0000000,
       0,
       0,
       {S(0x7f800000), S(0x7f7fffff), S(0x7f7fffff), S(0x7f800000), S(0x7f800000)},
       {OF | NX, NX, NX, OF | NX, OF | NX},
       "single max + half ulp"},
      {"fcvt.s.d",
       0x3690000000000000,
       0,
       0,
       {S(0), S(0), S(0), S(1), S(1)},
       allFlags(UF | NX),
       "2^-150: half the min subnormal"},
      {"fcvt.s.d", 0x7ff0000000000001, 0, 0, all(S(0x7fc00000)), allFlags(NV), "sNaN"},
      {"fcvt.s.d", 0xfff8000000000000, 0, 0, all(S(0x7fc00000)), allFlags(0), "qNaN"},
      {"fcvt.d.s", S(0x7f800001), 0, 0, all(0x7ff8000000000000), allFlags(NV), "sNaN"},
      {"fcvt.d.s", S(0x00000001), 0, 0, all(0x36a0000000000000), allFlags(0), "min subnormal"},
      {"fcvt.d.s", 0x3ff0000000000000, 0, 0, all(0x7ff8000000000000), allFlags(0), "bad box"},
      // ---- fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber) ----
      {"fmin.s", S(0x80000000), S(0x00000000), 0, all(S(0x80000000)), allFlags(0), "min(-0,+0)"},
      {"fmin.s", S(0x00000000), S(0x80000000), 0, all(S(0x80000000)), allFlags(0), "min(+0,-0)"},
      {"fmax.s", S(0x80000000), S(0x00000000), 0, all(S(0x00000000)), allFlags(0), "max(-0,+0)"},
      {"fmax.d", 0, 0x8000000000000000, 0, all(0), allFlags(0), "max(+0,-0)"},
      {"fmin.s", S(0x7fc00000), S(0x3f800000), 0, all(S(0x3f800000)), allFlags(0), "one qNaN"},
      {"fmin.s", S(0x7f800001), S(0x3f800000), 0, all(S(0x3f800000)), allFlags(NV), "one sNaN"},
      {"fmax.s", S(0x7fc00000), S(0xffc00001), 0, all(S(0x7fc00000)), allFlags(0), "two NaNs"},
      {"fmax.d", 0x7ff0000000000001, 0x7ff8000000000000, 0, all(0x7ff8000000000000), allFlags(NV),
       "sNaN and qNaN"},
      {"fmin.s", 0x3f800000, S(0xbf800000), 0, all(S(0xbf800000)), allFlags(0), "bad box = qNaN"},
      // ---- comparisons ----
      {"feq.s", S(0x7fc00000), S(0x3f800000), 0, all(0), allFlags(0), "feq is quiet"},
      {"feq.s", S(0x7f800001), S(0x3f800000), 0, all(0), allFlags(NV), "but not for sNaN"},
      {"feq.d", 0x8000000000000000, 0, 0, all(1), allFlags(0), "-0 == +0"},
      {"flt.s", S(0x7fc00000), S(0x3f800000), 0, all(0), allFlags(NV), "flt signals on qNaN"},
      {"fle.d", 0x7ff8000000000000, 0x7ff8000000000000, 0, all(0), allFlags(NV), "fle too"},
      {"flt.s", S(0x80000000), S(0), 0, all(0), allFlags(0), "-0 < +0 is false"},
      {"fle.s", S(0x80000000), S(0), 0, all(1), allFlags(0), "-0 <= +0"},
      {"flt.d", 0xbff0000000000000, 0x3ff0000000000000, 0, all(1), allFlags(0), "-1 < 1"},
      {"flt.s", S(0xff800000), S(0xff7fffff), 0, all(1), allFlags(0), "-inf < -max"},
      // ---- fclass (table 11.5) ----
      {"fclass.s", S(0xff800000), 0, 0, all(1 << 0), allFlags(0), "-inf"},
      {"fclass.s", S(0xbf800000), 0, 0, all(1 << 1), allFlags(0), "-normal"},
      {"fclass.s", S(0x807fffff), 0, 0, all(1 << 2), allFlags(0), "-subnormal"},
      {"fclass.s", S(0x80000000), 0, 0, all(1 << 3), allFlags(0), "-0"},
      {"fclass.d", 0, 0, 0, all(1 << 4), allFlags(0), "+0"},
      {"fclass.d", 1, 0, 0, all(1 << 5), allFlags(0), "+subnormal"},
      {"fclass.d", 0x3ff0000000000000, 0, 0, all(1 << 6), allFlags(0), "+normal"},
      {"fclass.d", 0x7ff0000000000000, 0, 0, all(1 << 7), allFlags(0), "+inf"},
      {"fclass.d", 0x7ff0000000000001, 0, 0, all(1 << 8), allFlags(0), "sNaN"},
      {"fclass.s", 0x000000007f800000, 0, 0, all(1 << 9), allFlags(0), "bad box = qNaN"},
      // ---- sign injection and moves: no flags, no unboxing for moves ----
      {"fsgnj.s", 0x3f800000, S(0xbf800000), 0, all(S(0xffc00000)), allFlags(0),
       "bad box: the canonical NaN with the sign of rs2"},
      {"fsgnjn.s", S(0x3f800000), S(0x3f800000), 0, all(S(0xbf800000)), allFlags(0), "fneg"},
      {"fsgnjx.s", S(0xbf800000), S(0xbf800000), 0, all(S(0x3f800000)), allFlags(0), "fabs"},
      {"fsgnj.d", 0x7ff0000000000001, 0x8000000000000000, 0, all(0xfff0000000000001), allFlags(0),
       "sNaN passes through quietly"},
      {"fmv.x.w", 0x1234567887654321, 0, 0, all(0xffffffff87654321), allFlags(0),
       "fmv.x.w: bits 31:0 as they are, sign-extended"},
      {"fmv.w.x", 0x123456789abcdef0, 0, 0, all(S(0x9abcdef0)), allFlags(0), "fmv.w.x boxes"},
      {"fmv.x.d", 0x7ff0000000000001, 0, 0, all(0x7ff0000000000001), allFlags(0), "raw"},
      {"fmv.d.x", 0xfff0000000000001, 0, 0, all(0xfff0000000000001), allFlags(0), "raw"},
  };
  return kCases;
}

TEST(FpCases, EveryModeExactBitsAndFlags) {
  size_t checked = 0;
  for (const Case &c : cases()) {
    std::optional<Opcode> op = opcodeForMnemonic(c.mnemonic);
    ASSERT_TRUE(op) << c.mnemonic;
    for (uint8_t mode = 0; mode < 5; ++mode) {
      FpOutcome got = runFp(*op, c.a, c.b, c.c, mode, /*frm=*/0);
      EXPECT_EQ(got.status, ExecStatus::Continue);
      EXPECT_EQ(got.result, c.result[mode]) << c.mnemonic << " mode " << int(mode) << ": " << c.why
                                            << std::hex << " got 0x" << got.result;
      EXPECT_EQ(got.fflags, c.flags[mode]) << c.mnemonic << " mode " << int(mode) << ": " << c.why;
      ++checked;
    }
  }
  EXPECT_GT(checked, 500u);
}

// Every F/D opcode that has an rm field.
std::vector<Opcode> roundedOpcodes() {
  std::vector<Opcode> out;
  for (size_t i = 0; i + 1 < kOpcodeCount; ++i) {
    const InstructionSpec &spec = kInstructionSpecs[i];
    if (spec.format == Format::FR || spec.format == Format::FR1 || spec.format == Format::FR4 ||
        spec.format == Format::FToX || spec.format == Format::XToF)
      out.push_back(static_cast<Opcode>(i));
  }
  return out;
}

// ISA spec 11.2: rm 5 and 6 are reserved; DYN with frm 5..7 is illegal.
TEST(FpCases, ReservedRoundingModesAreIllegal) {
  std::vector<Opcode> ops = roundedOpcodes();
  EXPECT_EQ(ops.size(), 36u);
  for (Opcode op : ops) {
    for (auto [rm, frm] : {std::pair{5, 0}, {6, 0}, {7, 5}, {7, 6}, {7, 7}}) {
      TestEnv env;
      FpOutcome got = runFp(op, S(0x3f800000), S(0x3f800000), S(0x3f800000), rm, frm, &env);
      EXPECT_EQ(got.status, ExecStatus::Trap) << mnemonicOf(op) << " rm " << rm << " frm " << frm;
      EXPECT_EQ(env.cpu.trapCause, static_cast<uint64_t>(TrapCause::IllegalInstruction));
      EXPECT_EQ(env.cpu.trapValue, 0xdeadbeefu);
      EXPECT_EQ(env.cpu.pc, 0x1000u);
      EXPECT_EQ(got.result, 0x5555555555555555u) << mnemonicOf(op);
      EXPECT_EQ(got.fflags, 0);
      EXPECT_FALSE(got.dirty);
    }
  }
}

// Privileged spec 3.1.6.6: with mstatus.FS = Off every F/D instruction
// (loads, stores and moves included) is illegal.
TEST(FpCases, FpDisabledIsIllegal) {
  size_t count = 0;
  for (size_t i = 0; i + 1 < kOpcodeCount; ++i) {
    const InstructionSpec &spec = kInstructionSpecs[i];
    if (spec.extension != Extension::F && spec.extension != Extension::D)
      continue;
    TestEnv env;
    env.fpOn = false;
    env.cpu.x[kXs1] = TestEnv::kMemoryBase;
    FpOutcome got = runFp(static_cast<Opcode>(i), S(0x3f800000), S(0x3f800000), 0, 0, 0, &env);
    EXPECT_EQ(got.status, ExecStatus::Trap) << spec.mnemonic;
    EXPECT_EQ(env.cpu.trapCause, static_cast<uint64_t>(TrapCause::IllegalInstruction));
    EXPECT_FALSE(got.dirty);
    ++count;
  }
  EXPECT_EQ(count, 62u);
}

DecodedInstruction memoryInsn(Opcode op, unsigned base, unsigned reg, int64_t imm) {
  DecodedInstruction insn{};
  insn.opcode = op;
  insn.pc = 0x2000;
  insn.rs1 = base;
  insn.rd = reg;
  insn.rs2 = reg;
  insn.imm = imm;
  return insn;
}

TEST(FpCases, LoadsBoxAndStoresKeepBits) {
  TestEnv env;
  env.cpu.x[10] = TestEnv::kMemoryBase + 0x100;
  const uint8_t bytes[8] = {0x21, 0x43, 0x65, 0x87, 0x78, 0x56, 0x34, 0x12};
  std::memcpy(env.host(TestEnv::kMemoryBase + 0x108), bytes, 8);

  ASSERT_EQ(execFlw(env, memoryInsn(Opcode::Flw, 10, 3, 8)), ExecStatus::Continue);
  EXPECT_EQ(env.cpu.f[3], 0xffffffff87654321u) << "flw NaN-boxes";
  EXPECT_TRUE(env.fpDirty);
  ASSERT_EQ(execFld(env, memoryInsn(Opcode::Fld, 10, 4, 8)), ExecStatus::Continue);
  EXPECT_EQ(env.cpu.f[4], 0x1234567887654321u);

  env.fpDirty = false;
  env.cpu.f[5] = 0x00000000aabbccddu; // not a boxed single: fsw stores bits 31:0 anyway
  ASSERT_EQ(execFsw(env, memoryInsn(Opcode::Fsw, 10, 5, -4)), ExecStatus::Continue);
  uint32_t word;
  std::memcpy(&word, env.host(TestEnv::kMemoryBase + 0xfc), 4);
  EXPECT_EQ(word, 0xaabbccddu);
  ASSERT_EQ(execFsd(env, memoryInsn(Opcode::Fsd, 10, 4, 16)), ExecStatus::Continue);
  uint64_t dword;
  std::memcpy(&dword, env.host(TestEnv::kMemoryBase + 0x110), 8);
  EXPECT_EQ(dword, 0x1234567887654321u);
  EXPECT_FALSE(env.fpDirty) << "stores do not change the FP state";

  // A faulting access traps at the instruction and leaves the register alone.
  env.cpu.x[11] = 0x10;
  env.cpu.f[6] = 0x1111;
  EXPECT_EQ(execFlw(env, memoryInsn(Opcode::Flw, 11, 6, 0)), ExecStatus::Trap);
  EXPECT_EQ(env.cpu.trapCause, static_cast<uint64_t>(TrapCause::LoadPageFault));
  EXPECT_EQ(env.cpu.trapValue, 0x10u);
  EXPECT_EQ(env.cpu.pc, 0x2000u);
  EXPECT_EQ(env.cpu.f[6], 0x1111u);
  EXPECT_EQ(execFsd(env, memoryInsn(Opcode::Fsd, 11, 6, 8)), ExecStatus::Trap);
  EXPECT_EQ(env.cpu.trapCause, static_cast<uint64_t>(TrapCause::StorePageFault));
  EXPECT_EQ(env.cpu.trapValue, 0x18u);
}

TEST(FpCases, FlagsAccrueAndDirtyOnlyOnWrites) {
  TestEnv env;
  env.cpu.fflags = NX;
  FpOutcome lt = runFp(Opcode::FltS, S(0x3f800000), S(0x40000000), 0, 0, 0, &env);
  EXPECT_EQ(lt.result, 1u);
  EXPECT_FALSE(lt.dirty) << "a comparison that raises nothing writes no FP state";
  FpOutcome nv = runFp(Opcode::FltS, S(0x7fc00000), S(0x40000000), 0, 0, 0, &env);
  EXPECT_TRUE(nv.dirty) << "raising NV writes fflags";

  // fflags is sticky: an operation ORs its flags into what is there.
  DecodedInstruction insn{};
  insn.opcode = Opcode::FdivS;
  insn.rs1 = 1;
  insn.rs2 = 2;
  insn.rd = 3;
  insn.rm = kRoundDynamic;
  env.cpu.frm = kRoundNearestEven;
  env.cpu.fflags = NV;
  env.cpu.f[1] = S(0x3f800000);
  env.cpu.f[2] = S(0);
  EXPECT_EQ(execFdivS(env, insn), ExecStatus::Continue);
  EXPECT_EQ(env.cpu.fflags, NV | DZ);
}

// The semantics must give RISC-V results whatever the host MXCSR holds
// (here RTZ, FTZ, DAZ and set sticky flags) and leave its control bits
// unchanged (the sticky flags are scratch, fp_common.h).
TEST(FpCases, HostMxcsrIsIgnoredAndRestored) {
  uint32_t original = readHostMxcsr();
  const uint32_t hostile = 0x1f80 | (3u << 13) | (1u << 15) | (1u << 6) | 0x3f;
  struct {
    Opcode op;
    uint64_t a, b;
    uint64_t result;
    uint8_t flags;
  } checks[] = {
      {Opcode::FaddS, S(0x00000001), S(0x00000001), S(0x00000002), 0},  // DAZ would give 0
      {Opcode::FmulS, S(0x3f000000), S(0x00800000), S(0x00400000), 0},  // FTZ would give 0
      {Opcode::FaddS, S(0x3f800000), S(0x33800001), S(0x3f800001), NX}, // RNE, not RTZ
      {Opcode::FmulD, 0x0010000000000000, 0x3fe0000000000001, 0x0008000000000000, UF | NX},
      {Opcode::FdivD, 0x3ff0000000000000, 0x4008000000000000, 0x3fd5555555555555, NX},
      {Opcode::FsqrtS, S(0x40000000), 0, S(0x3fb504f3), NX},
  };
  for (const auto &c : checks) {
    writeHostMxcsr(hostile);
    FpOutcome got = runFp(c.op, c.a, c.b, 0, kRoundNearestEven, 0);
    uint32_t after = readHostMxcsr();
    writeHostMxcsr(original);
    EXPECT_EQ(after & ~0x3fu, hostile & ~0x3fu) << mnemonicOf(c.op);
    EXPECT_EQ(got.result, c.result) << mnemonicOf(c.op);
    EXPECT_EQ(got.fflags, c.flags) << mnemonicOf(c.op);
  }
}

} // namespace
} // namespace tiercel::test
