/* FP check macros for the F/D guest programs (fp_*.S), on top of
 * test_macros.h. Operands and results are raw 64-bit register images
 * (a single-precision value is NaN-boxed: 0xffffffff in bits 63:32), and
 * every check compares the result bits and the fflags the instruction
 * raised, starting from clear fflags. */
#ifndef TIERCEL_FP_MACROS_H
#define TIERCEL_FP_MACROS_H

#include "test_macros.h"

/* Check n: fd = inst(fs1=a, fs2=b) with static rounding mode rm. */
.macro FP_RR n, inst, rm, result, flags, a, b
  li x11, \a
  fmv.d.x f1, x11
  li x12, \b
  fmv.d.x f2, x12
  csrwi fflags, 0
  \inst f3, f1, f2, \rm
  fmv.x.d x13, f3
  CHECK_EQ \n, x13, \result
  csrr x13, fflags
  CHECK_EQ \n, x13, \flags
.endm

/* Check n: fd = inst(fs1=a, fs2=b), no rounding-mode field. */
.macro FP_RR_NORM n, inst, result, flags, a, b
  li x11, \a
  fmv.d.x f1, x11
  li x12, \b
  fmv.d.x f2, x12
  csrwi fflags, 0
  \inst f3, f1, f2
  fmv.x.d x13, f3
  CHECK_EQ \n, x13, \result
  csrr x13, fflags
  CHECK_EQ \n, x13, \flags
.endm

/* Check n: fd = inst(a, b, c) (fused multiply-add family). */
.macro FP_RRR n, inst, rm, result, flags, a, b, c
  li x11, \a
  fmv.d.x f1, x11
  li x12, \b
  fmv.d.x f2, x12
  li x13, \c
  fmv.d.x f4, x13
  csrwi fflags, 0
  \inst f3, f1, f2, f4, \rm
  fmv.x.d x13, f3
  CHECK_EQ \n, x13, \result
  csrr x13, fflags
  CHECK_EQ \n, x13, \flags
.endm

/* Check n: fd = inst(fs1=a) with rounding mode rm (fsqrt, fcvt.s.d...);
 * rm may be empty for the exact fcvt.d.s, which the assembler writes
 * without one. */
.macro FP_R1 n, inst, rm, result, flags, a
  li x11, \a
  fmv.d.x f1, x11
  csrwi fflags, 0
  .ifb \rm
  \inst f3, f1
  .else
  \inst f3, f1, \rm
  .endif
  fmv.x.d x13, f3
  CHECK_EQ \n, x13, \result
  csrr x13, fflags
  CHECK_EQ \n, x13, \flags
.endm

/* Check n: x13 = inst(fs1=a, fs2=b) (comparisons). */
.macro FP_CMP n, inst, result, flags, a, b
  li x11, \a
  fmv.d.x f1, x11
  li x12, \b
  fmv.d.x f2, x12
  csrwi fflags, 0
  \inst x13, f1, f2
  CHECK_EQ \n, x13, \result
  csrr x13, fflags
  CHECK_EQ \n, x13, \flags
.endm

/* Check n: x13 = inst(fs1=a) with rounding mode rm (fcvt to integer). */
.macro FP_TO_X n, inst, rm, result, flags, a
  li x11, \a
  fmv.d.x f1, x11
  csrwi fflags, 0
  \inst x13, f1, \rm
  CHECK_EQ \n, x13, \result
  csrr x13, fflags
  CHECK_EQ \n, x13, \flags
.endm

/* Check n: x13 = inst(fs1=a), no rounding mode (fclass, fmv.x.*). */
.macro FP_TO_X_NORM n, inst, result, a
  li x11, \a
  fmv.d.x f1, x11
  \inst x13, f1
  CHECK_EQ \n, x13, \result
.endm

/* Check n: fd = inst(xs1=a) with rounding mode rm (fcvt from integer);
 * rm may be empty for the exact fcvt.d.w/fcvt.d.wu. */
.macro FP_FROM_X n, inst, rm, result, flags, a
  li x11, \a
  csrwi fflags, 0
  .ifb \rm
  \inst f3, x11
  .else
  \inst f3, x11, \rm
  .endif
  fmv.x.d x13, f3
  CHECK_EQ \n, x13, \result
  csrr x13, fflags
  CHECK_EQ \n, x13, \flags
.endm

#endif
