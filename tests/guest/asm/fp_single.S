/* F extension arithmetic (ISA spec chapter 11): every rounding mode on
 * ties, subnormal ties and the tininess-after-rounding boundary, overflow per
 * mode, canonical NaNs, NaN-boxing, the 0 * inf + qNaN rule, fmin/fmax of
 * signed zeros and NaNs, comparisons and fclass. Flags: NV=0x10 DZ=8 OF=4
 * UF=2 NX=1. */
#include "fp_macros.h"

#define S(x) (0xffffffff00000000 | (x))

TEST_BEGIN
  /* 1 + 2^-24 is a tie: RNE keeps 1, RMM and RUP go up. */
  FP_RR 1, fadd.s, rne, S(0x3f800000), 1, S(0x3f800000), S(0x33800000)
  FP_RR 2, fadd.s, rtz, S(0x3f800000), 1, S(0x3f800000), S(0x33800000)
  FP_RR 3, fadd.s, rdn, S(0x3f800000), 1, S(0x3f800000), S(0x33800000)
  FP_RR 4, fadd.s, rup, S(0x3f800001), 1, S(0x3f800000), S(0x33800000)
  FP_RR 5, fadd.s, rmm, S(0x3f800001), 1, S(0x3f800000), S(0x33800000)
  FP_RR 6, fadd.s, rmm, S(0xbf800001), 1, S(0xbf800000), S(0xb3800000)
  FP_RR 7, fadd.s, rdn, S(0xbf800001), 1, S(0xbf800000), S(0xb3800000)
  /* x - x = +0, but -0 in RDN */
  FP_RR 8, fsub.s, rne, S(0), 0, S(0x3f800000), S(0x3f800000)
  FP_RR 9, fsub.s, rdn, S(0x80000000), 0, S(0x3f800000), S(0x3f800000)
  /* overflow per mode */
  FP_RR 10, fadd.s, rne, S(0x7f800000), 5, S(0x7f7fffff), S(0x7f7fffff)
  FP_RR 11, fadd.s, rtz, S(0x7f7fffff), 5, S(0x7f7fffff), S(0x7f7fffff)
  FP_RR 12, fadd.s, rdn, S(0xff800000), 5, S(0xff7fffff), S(0xff7fffff)
  FP_RR 13, fadd.s, rup, S(0xff7fffff), 5, S(0xff7fffff), S(0xff7fffff)
  FP_RR 14, fadd.s, rmm, S(0x7f800000), 5, S(0x7f7fffff), S(0x7f7fffff)
  /* tininess after rounding: (1-2^-46) 2^-126 rounds to 2^-126 without UF */
  FP_RR 15, fmul.s, rne, S(0x00800000), 1, S(0x3f7ffffe), S(0x00800001)
  FP_RR 16, fmul.s, rtz, S(0x007fffff), 3, S(0x3f7ffffe), S(0x00800001)
  FP_RR 17, fmul.s, rmm, S(0x00800000), 1, S(0x3f7ffffe), S(0x00800001)
  /* subnormal ties: 2.5 and 0.5 times the smallest subnormal */
  FP_RR 18, fmul.s, rne, S(0x00000002), 3, S(0x40200000), S(0x00000001)
  FP_RR 19, fmul.s, rmm, S(0x00000003), 3, S(0x40200000), S(0x00000001)
  FP_RR 20, fmul.s, rne, S(0), 3, S(0x3f000000), S(0x00000001)
  FP_RR 21, fmul.s, rmm, S(0x00000001), 3, S(0x3f000000), S(0x00000001)
  FP_RR 22, fmul.s, rdn, S(0x80000001), 3, S(0xbf000000), S(0x00000001)
  /* exact subnormal arithmetic raises nothing */
  FP_RR 23, fadd.s, rne, S(0x00800000), 0, S(0x00000001), S(0x007fffff)
  /* division */
  FP_RR 24, fdiv.s, rne, S(0x7f800000), 8, S(0x3f800000), S(0)
  FP_RR 25, fdiv.s, rne, S(0x7fc00000), 0x10, S(0), S(0)
  FP_RR 26, fdiv.s, rtz, S(0x3eaaaaaa), 1, S(0x3f800000), S(0x40400000)
  FP_RR 27, fdiv.s, rmm, S(0x3eaaaaab), 1, S(0x3f800000), S(0x40400000)
  FP_RR 28, fdiv.s, rmm, S(0x00000003), 3, S(0x00000005), S(0x40000000)
  /* square root */
  FP_R1 29, fsqrt.s, rne, S(0x3fb504f3), 1, S(0x40000000)
  FP_R1 30, fsqrt.s, rup, S(0x3fb504f4), 1, S(0x40000000)
  FP_R1 31, fsqrt.s, rne, S(0x7fc00000), 0x10, S(0xbf800000)
  FP_R1 32, fsqrt.s, rne, S(0x80000000), 0, S(0x80000000)
  /* NaNs: canonical results, NV only for sNaN / invalid operations */
  FP_RR 33, fadd.s, rne, S(0x7fc00000), 0x10, S(0x7f800000), S(0xff800000)
  FP_RR 34, fadd.s, rne, S(0x7fc00000), 0x10, S(0x7f800001), S(0x3f800000)
  FP_RR 35, fadd.s, rne, S(0x7fc00000), 0, S(0xffc00123), S(0x3f800000)
  FP_RR 36, fmul.s, rne, S(0x7fc00000), 0x10, S(0), S(0xff800000)
  /* NaN-boxing: a value without 0xffffffff above reads as the canonical NaN */
  FP_RR 37, fadd.s, rne, S(0x7fc00000), 0, 0x000000003f800000, S(0x3f800000)
  FP_RR 38, fmul.s, rne, S(0x7fc00000), 0, S(0x3f800000), 0x3ff0000000000000
  /* fused multiply-add family */
  FP_RRR 39, fmadd.s, rne, S(0x7fc00000), 0x10, S(0), S(0x7f800000), S(0x7fc00000)
  FP_RRR 40, fmadd.s, rne, S(0x3f800000), 1, S(0x39800000), S(0x39800000), S(0x3f800000)
  FP_RRR 41, fmadd.s, rmm, S(0x3f800001), 1, S(0x39800000), S(0x39800000), S(0x3f800000)
  FP_RRR 42, fnmadd.s, rdn, S(0xbf800001), 1, S(0x3f800000), S(0x3f800000), S(0x33800000)
  FP_RRR 43, fmsub.s, rdn, S(0x80000000), 0, S(0x3f800000), S(0x3f800000), S(0x3f800000)
  FP_RRR 44, fnmsub.s, rne, S(0), 0, S(0x3f800000), S(0x3f800000), S(0x3f800000)
  FP_RRR 45, fnmadd.s, rne, S(0x80000000), 0, S(0), S(0x3f800000), S(0)
  FP_RRR 46, fmadd.s, rne, S(0x40400000), 0, S(0x3f800000), S(0x40000000), S(0x3f800000)
  /* fmin/fmax: -0 < +0, one NaN gives the other operand, sNaN raises NV */
  FP_RR_NORM 47, fmin.s, S(0x80000000), 0, S(0), S(0x80000000)
  FP_RR_NORM 48, fmax.s, S(0), 0, S(0x80000000), S(0)
  FP_RR_NORM 49, fmin.s, S(0x3f800000), 0, S(0x7fc00000), S(0x3f800000)
  FP_RR_NORM 50, fmax.s, S(0x3f800000), 0x10, S(0x3f800000), S(0x7f800001)
  FP_RR_NORM 51, fmax.s, S(0x7fc00000), 0, S(0xffc00000), S(0x7fc00001)
  FP_RR_NORM 52, fmin.s, S(0xbf800000), 0, 0x3f800000, S(0xbf800000)
  /* sign injection works on the unboxed value and raises nothing */
  FP_RR_NORM 53, fsgnjn.s, S(0xbf800000), 0, S(0x3f800000), S(0x3f800000)
  FP_RR_NORM 54, fsgnjx.s, S(0x3f800000), 0, S(0xbf800000), S(0xbf800000)
  FP_RR_NORM 55, fsgnj.s, S(0xffc00000), 0, 0x3f800000, S(0xbf800000)
  FP_RR_NORM 56, fsgnj.s, S(0x7f800001), 0, S(0xff800001), S(0)
  /* comparisons: feq quiet, flt/fle signaling */
  FP_CMP 57, feq.s, 0, 0, S(0x7fc00000), S(0x3f800000)
  FP_CMP 58, feq.s, 0, 0x10, S(0x7f800001), S(0x3f800000)
  FP_CMP 59, flt.s, 0, 0x10, S(0x7fc00000), S(0x3f800000)
  FP_CMP 60, fle.s, 1, 0, S(0x80000000), S(0)
  FP_CMP 61, flt.s, 0, 0, S(0x80000000), S(0)
  FP_CMP 62, feq.s, 1, 0, S(0x80000000), S(0)
  FP_CMP 63, flt.s, 1, 0, S(0xff800000), S(0xff7fffff)
  /* fclass (table 11.5) */
  FP_TO_X_NORM 64, fclass.s, 0x001, S(0xff800000)
  FP_TO_X_NORM 65, fclass.s, 0x002, S(0xbf800000)
  FP_TO_X_NORM 66, fclass.s, 0x004, S(0x807fffff)
  FP_TO_X_NORM 67, fclass.s, 0x008, S(0x80000000)
  FP_TO_X_NORM 68, fclass.s, 0x010, S(0)
  FP_TO_X_NORM 69, fclass.s, 0x020, S(0x00000001)
  FP_TO_X_NORM 70, fclass.s, 0x040, S(0x3f800000)
  FP_TO_X_NORM 71, fclass.s, 0x080, S(0x7f800000)
  FP_TO_X_NORM 72, fclass.s, 0x100, S(0x7f800001)
  FP_TO_X_NORM 73, fclass.s, 0x200, 0x000000007f800000
  /* moves: fmv.x.w sign-extends bits 31:0 as they are, fmv.w.x boxes */
  FP_TO_X_NORM 74, fmv.x.w, 0xffffffff87654321, 0x1234567887654321
  li x11, 0x123456789abcdef0
  fmv.w.x f5, x11
  fmv.x.d x13, f5
  CHECK_EQ 75, x13, S(0x9abcdef0)

  /* dynamic rounding: frm = RUP, then rm = dyn */
  li x11, 3
  fsrm x0, x11
  FP_RR 76, fadd.s, dyn, S(0x3f800001), 1, S(0x3f800000), S(0x33800000)
  li x11, 4
  fsrm x0, x11
  FP_RR 77, fadd.s, dyn, S(0x3f800001), 1, S(0x3f800000), S(0x33800000)
  fsrm x0, x0
  /* fflags accrue */
  csrwi fflags, 0
  li x11, S(0x3f800000)
  fmv.d.x f1, x11
  fmv.w.x f2, x0
  fdiv.s f3, f1, f2
  li x11, S(0x7f800001)
  fmv.d.x f1, x11
  feq.s x13, f1, f1
  csrr x13, fflags
  CHECK_EQ 78, x13, 0x18

  /* flw NaN-boxes, fsw stores bits 31:0 unchanged */
  la x20, fp_single_data
  flw f6, 0(x20)
  fmv.x.d x13, f6
  CHECK_EQ 79, x13, S(0x87654321)
  li x11, 0x00000000aabbccdd
  fmv.d.x f7, x11
  fsw f7, 4(x20)
  lwu x13, 4(x20)
  CHECK_EQ 80, x13, 0xaabbccdd
TEST_END

  .data
  .balign 8
fp_single_data:
  .word 0x87654321
  .word 0
