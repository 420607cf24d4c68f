/* F/D conversions (ISA spec 11.7, 12.5): fcvt to integers in every rounding
 * mode with the saturation of table 11.4 (NaN -> largest, out of range ->
 * min/max, NV and nothing else) and sign-extended 32-bit results; fcvt from
 * integers (only bits 31:0 for .w/.wu); fcvt.s.d / fcvt.d.s. */
#include "fp_macros.h"

#define S(x) (0xffffffff00000000 | (x))

TEST_BEGIN
  /* 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, -0.0 in every mode */
  FP_TO_X 1, fcvt.w.s, rne, 0, 1, S(0x3f000000)
  FP_TO_X 2, fcvt.w.s, rup, 1, 1, S(0x3f000000)
  FP_TO_X 3, fcvt.w.s, rmm, 1, 1, S(0x3f000000)
  FP_TO_X 4, fcvt.w.s, rne, 2, 1, S(0x3fc00000)
  FP_TO_X 5, fcvt.w.s, rtz, 1, 1, S(0x3fc00000)
  FP_TO_X 6, fcvt.w.s, rne, 2, 1, S(0x40200000)
  FP_TO_X 7, fcvt.w.s, rmm, 3, 1, S(0x40200000)
  FP_TO_X 8, fcvt.w.s, rdn, -1, 1, S(0xbf000000)
  FP_TO_X 9, fcvt.w.s, rne, 0, 1, S(0xbf000000)
  FP_TO_X 10, fcvt.w.s, rmm, -2, 1, S(0xbfc00000)
  FP_TO_X 11, fcvt.w.s, rup, -1, 1, S(0xbfc00000)
  FP_TO_X 12, fcvt.w.s, rne, -2, 1, S(0xc0200000)
  FP_TO_X 13, fcvt.w.s, rdn, -3, 1, S(0xc0200000)
  FP_TO_X 14, fcvt.w.s, rmm, -3, 1, S(0xc0200000)
  FP_TO_X 15, fcvt.w.s, rdn, 0, 0, S(0x80000000)
  FP_TO_X 16, fcvt.l.d, rmm, 3, 1, 0x4004000000000000
  FP_TO_X 17, fcvt.l.d, rne, 2, 1, 0x4004000000000000
  /* saturation */
  FP_TO_X 18, fcvt.w.s, rne, 0x7fffffff, 0x10, S(0x7fc00000)
  FP_TO_X 19, fcvt.w.s, rne, 0x7fffffff, 0x10, S(0xffc00000)
  FP_TO_X 20, fcvt.w.s, rne, 0xffffffff80000000, 0x10, S(0xff800000)
  FP_TO_X 21, fcvt.w.s, rne, 0x7fffffff, 0x10, S(0x4f000000)
  FP_TO_X 22, fcvt.w.s, rne, 0xffffffff80000000, 0, S(0xcf000000)
  FP_TO_X 23, fcvt.w.d, rne, 0x7fffffff, 0x10, 0x41dfffffffe00000
  FP_TO_X 24, fcvt.w.d, rtz, 0x7fffffff, 1, 0x41dfffffffe00000
  FP_TO_X 25, fcvt.w.d, rmm, 0xffffffff80000000, 0x10, 0xc1e0000000100000
  FP_TO_X 26, fcvt.w.d, rne, 0xffffffff80000000, 1, 0xc1e0000000100000
  FP_TO_X 27, fcvt.wu.s, rne, 0, 0x10, S(0xbf800000)
  FP_TO_X 28, fcvt.wu.s, rtz, 0, 1, S(0xbf000000)
  FP_TO_X 29, fcvt.wu.s, rdn, 0, 0x10, S(0xbf000000)
  FP_TO_X 30, fcvt.wu.s, rne, -1, 0x10, S(0x7f800001)
  FP_TO_X 31, fcvt.wu.s, rne, 0xffffffff80000000, 0, S(0x4f000000)
  FP_TO_X 32, fcvt.wu.d, rne, -1, 0x10, 0x41f0000000000000
  FP_TO_X 33, fcvt.l.s, rne, 0x7fffffffffffffff, 0x10, S(0x5f000000)
  FP_TO_X 34, fcvt.l.s, rne, 0x8000000000000000, 0, S(0xdf000000)
  FP_TO_X 35, fcvt.l.d, rne, 0x7fffffffffffffff, 0x10, 0x7ff8000000000000
  FP_TO_X 36, fcvt.lu.s, rne, -1, 0x10, S(0x5f800000)
  FP_TO_X 37, fcvt.lu.d, rne, 0x8000000000000000, 0, 0x43e0000000000000
  FP_TO_X 38, fcvt.lu.d, rne, 0, 0x10, 0xfff0000000000000
  FP_TO_X 39, fcvt.l.d, rup, 1, 1, 0x0000000000000001
  /* a badly boxed single is the canonical NaN */
  FP_TO_X 40, fcvt.w.s, rne, 0x7fffffff, 0x10, 0x000000003f800000
  /* from integers */
  FP_FROM_X 41, fcvt.s.w, rne, S(0x4b800000), 1, 0x01000001
  FP_FROM_X 42, fcvt.s.w, rmm, S(0x4b800001), 1, 0x01000001
  FP_FROM_X 43, fcvt.s.w, rne, S(0x3f800000), 0, 0x1234567800000001
  FP_FROM_X 44, fcvt.s.wu, rne, S(0x4f800000), 1, -1
  FP_FROM_X 45, fcvt.s.wu, rtz, S(0x4f7fffff), 1, -1
  FP_FROM_X 46, fcvt.s.l, rne, S(0xdf000000), 0, 0x8000000000000000
  FP_FROM_X 47, fcvt.d.l, rne, 0x4340000000000000, 1, 0x20000000000001
  FP_FROM_X 48, fcvt.d.l, rmm, 0x4340000000000001, 1, 0x20000000000001
  FP_FROM_X 49, fcvt.d.lu, rne, 0x43f0000000000000, 1, -1
  FP_FROM_X 50, fcvt.d.lu, rdn, 0x43efffffffffffff, 1, -1
  FP_FROM_X 51, fcvt.d.w, , 0xbff0000000000000, 0, 0xffffffff
  FP_FROM_X 52, fcvt.d.wu, , 0x41efffffffe00000, 0, 0xffffffff
  FP_FROM_X 53, fcvt.s.lu, rdn, S(0), 0, 0
  /* between formats */
  FP_R1 54, fcvt.s.d, rne, S(0x3f800000), 1, 0x3ff0000010000000
  FP_R1 55, fcvt.s.d, rmm, S(0x3f800001), 1, 0x3ff0000010000000
  FP_R1 56, fcvt.s.d, rne, S(0x7f800000), 5, 0x47effffff0000000
  FP_R1 57, fcvt.s.d, rtz, S(0x7f7fffff), 1, 0x47effffff0000000
  FP_R1 58, fcvt.s.d, rne, S(0), 3, 0x3690000000000000
  FP_R1 59, fcvt.s.d, rmm, S(0x00000001), 3, 0x3690000000000000
  FP_R1 60, fcvt.s.d, rne, S(0x7fc00000), 0x10, 0x7ff0000000000001
  FP_R1 61, fcvt.s.d, rne, S(0x7fc00000), 0, 0xfff8000000000000
  FP_R1 62, fcvt.d.s, , 0x7ff8000000000000, 0x10, S(0x7f800001)
  FP_R1 63, fcvt.d.s, , 0x36a0000000000000, 0, S(0x00000001)
  FP_R1 64, fcvt.d.s, , 0x7ff8000000000000, 0, 0x3ff0000000000000
  FP_R1 65, fcvt.d.s, , 0xc00921fb60000000, 0, S(0xc0490fdb)
TEST_END
