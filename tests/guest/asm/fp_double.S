/* D extension arithmetic (ISA spec chapter 12): rounding ties in every mode,
 * the double tininess boundary, overflow, canonical NaN 0x7ff8000000000000,
 * the FMA family with a single rounding, fmin/fmax, comparisons, fclass,
 * fld/fsd. Flags: NV=0x10 DZ=8 OF=4 UF=2 NX=1. */
#include "fp_macros.h"

TEST_BEGIN
  /* 1 + 2^-53: tie */
  FP_RR 1, fadd.d, rne, 0x3ff0000000000000, 1, 0x3ff0000000000000, 0x3ca0000000000000
  FP_RR 2, fadd.d, rup, 0x3ff0000000000001, 1, 0x3ff0000000000000, 0x3ca0000000000000
  FP_RR 3, fadd.d, rmm, 0x3ff0000000000001, 1, 0x3ff0000000000000, 0x3ca0000000000000
  FP_RR 4, fadd.d, rtz, 0x3ff0000000000000, 1, 0x3ff0000000000000, 0x3ca0000000000000
  FP_RR 5, fsub.d, rdn, 0xbff0000000000001, 1, 0xbff0000000000000, 0x3ca0000000000000
  /* tininess after rounding */
  FP_RR 6, fmul.d, rne, 0x0010000000000000, 1, 0x3feffffffffffffe, 0x0010000000000001
  FP_RR 7, fmul.d, rdn, 0x000fffffffffffff, 3, 0x3feffffffffffffe, 0x0010000000000001
  FP_RR 8, fmul.d, rmm, 0x0000000000000002, 3, 0x3ff8000000000000, 0x0000000000000001
  FP_RR 9, fmul.d, rne, 0x0000000000000002, 3, 0x4004000000000000, 0x0000000000000001
  FP_RR 10, fmul.d, rmm, 0x0000000000000003, 3, 0x4004000000000000, 0x0000000000000001
  /* overflow */
  FP_RR 11, fmul.d, rne, 0x7ff0000000000000, 5, 0x7fefffffffffffff, 0x4000000000000000
  FP_RR 12, fmul.d, rtz, 0x7fefffffffffffff, 5, 0x7fefffffffffffff, 0x4000000000000000
  FP_RR 13, fmul.d, rup, 0xffefffffffffffff, 5, 0xffefffffffffffff, 0x4000000000000000
  FP_RR 14, fadd.d, rmm, 0x7ff0000000000000, 5, 0x7fefffffffffffff, 0x7c90000000000000
  FP_RR 15, fadd.d, rtz, 0x7fefffffffffffff, 1, 0x7fefffffffffffff, 0x7c90000000000000
  /* division and square root */
  FP_RR 16, fdiv.d, rne, 0xfff0000000000000, 8, 0xbff0000000000000, 0
  FP_RR 17, fdiv.d, rne, 0x7ff8000000000000, 0x10, 0x7ff0000000000000, 0xfff0000000000000
  FP_RR 18, fdiv.d, rne, 0x3fd5555555555555, 1, 0x3ff0000000000000, 0x4008000000000000
  FP_RR 19, fdiv.d, rup, 0x3fd5555555555556, 1, 0x3ff0000000000000, 0x4008000000000000
  FP_RR 20, fdiv.d, rmm, 0x0000000000000002, 3, 0x0000000000000003, 0x4000000000000000
  FP_R1 21, fsqrt.d, rne, 0x3ff6a09e667f3bcd, 1, 0x4000000000000000
  FP_R1 22, fsqrt.d, rdn, 0x3ff6a09e667f3bcc, 1, 0x4000000000000000
  FP_R1 23, fsqrt.d, rne, 0x4000000000000000, 0, 0x4010000000000000
  FP_R1 24, fsqrt.d, rne, 0x7ff8000000000000, 0x10, 0xfff0000000000000
  /* NaNs */
  FP_RR 25, fadd.d, rne, 0x7ff8000000000000, 0, 0xfff8000000000123, 0x3ff0000000000000
  FP_RR 26, fmul.d, rne, 0x7ff8000000000000, 0x10, 0x7ff0000000000001, 0x3ff0000000000000
  /* FMA family: single rounding, exact cancellation, NaN rules */
  FP_RRR 27, fmadd.d, rne, 0x3970000000000000, 0, 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002
  FP_RRR 28, fmadd.d, rne, 0x7ff8000000000000, 0x10, 0x7ff0000000000000, 0, 0x7ff8000000000000
  FP_RRR 29, fmsub.d, rne, 0, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000
  FP_RRR 30, fnmsub.d, rdn, 0x8000000000000000, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000
  FP_RRR 31, fnmadd.d, rne, 0xc008000000000000, 0, 0x3ff0000000000000, 0x4000000000000000, 0x3ff0000000000000
  FP_RRR 32, fmadd.d, rmm, 0x3ff0000000000001, 1, 0x3e50000000000000, 0x3e40000000000000, 0x3ff0000000000000
  FP_RRR 33, fmadd.d, rne, 0x3ff0000000000000, 1, 0x3e50000000000000, 0x3e40000000000000, 0x3ff0000000000000
  FP_RRR 34, fmadd.d, rne, 0x7ff8000000000000, 0x10, 0x3ff0000000000000, 0x3ff0000000000000, 0x7ff0000000000001
  /* fmin/fmax */
  FP_RR_NORM 35, fmin.d, 0x8000000000000000, 0, 0, 0x8000000000000000
  FP_RR_NORM 36, fmax.d, 0, 0, 0x8000000000000000, 0
  FP_RR_NORM 37, fmax.d, 0x7ff8000000000000, 0x10, 0x7ff0000000000001, 0x7ff8000000000000
  FP_RR_NORM 38, fmin.d, 0xbff0000000000000, 0x10, 0x7ff0000000000001, 0xbff0000000000000
  /* comparisons and class */
  FP_CMP 39, feq.d, 1, 0, 0x8000000000000000, 0
  FP_CMP 40, fle.d, 0, 0x10, 0x7ff8000000000000, 0x7ff8000000000000
  FP_CMP 41, flt.d, 1, 0, 0xbff0000000000000, 0x3ff0000000000000
  FP_TO_X_NORM 42, fclass.d, 0x020, 0x0000000000000001
  FP_TO_X_NORM 43, fclass.d, 0x100, 0x7ff0000000000001
  FP_TO_X_NORM 44, fclass.d, 0x200, 0x7ff8000000000000
  FP_TO_X_NORM 45, fmv.x.d, 0x7ff0000000000001, 0x7ff0000000000001
  /* fld/fsd move 64 bits unchanged */
  la x20, fp_double_data
  fld f6, 0(x20)
  fsd f6, 8(x20)
  ld x13, 8(x20)
  CHECK_EQ 46, x13, 0x7ff0000000000001
  fmv.x.d x13, f6
  CHECK_EQ 47, x13, 0x7ff0000000000001
TEST_END

  .data
  .balign 8
fp_double_data:
  .dword 0x7ff0000000000001
  .dword 0
