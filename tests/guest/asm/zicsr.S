/* Zicsr in user mode (ISA spec chapter 9, 11.2): fflags/frm/fcsr through
 * every CSR instruction form (read/write/set/clear, register and
 * immediate, masking to the field width), and the user counters
 * cycle/time/instret as monotonic values. */
#include "test_macros.h"

TEST_BEGIN
  /* fcsr = frm << 5 | fflags */
  csrwi fcsr, 0
  li a1, 0xff
  csrrw a2, fcsr, a1
  CHECK_EQ 1, a2, 0
  csrr a2, fcsr
  CHECK_EQ 2, a2, 0xff
  csrr a2, frm
  CHECK_EQ 3, a2, 7
  csrr a2, fflags
  CHECK_EQ 4, a2, 0x1f
  /* writes are masked to the field */
  li a1, 0xfff
  csrw fcsr, a1
  csrr a2, fcsr
  CHECK_EQ 5, a2, 0xff
  csrwi frm, 9
  csrr a2, frm
  CHECK_EQ 6, a2, 1
  /* set / clear, register and immediate forms */
  csrwi fflags, 0
  csrrsi a2, fflags, 0x3
  CHECK_EQ 7, a2, 0
  csrr a2, fflags
  CHECK_EQ 8, a2, 3
  li a1, 0x10
  csrrs a2, fflags, a1
  CHECK_EQ 9, a2, 3
  csrrci a2, fflags, 1
  CHECK_EQ 10, a2, 0x13
  li a1, 0x12
  csrrc a2, fflags, a1
  CHECK_EQ 11, a2, 0x12
  csrr a2, fflags
  CHECK_EQ 12, a2, 0
  csrr a2, fcsr
  CHECK_EQ 13, a2, 0x20        /* frm = 1 still */
  csrrwi a2, frm, 0
  CHECK_EQ 14, a2, 1
  /* csrrs/csrrc with x0 read without writing */
  csrwi fflags, 5
  csrrs a2, fflags, x0
  csrrc a3, fflags, x0
  CHECK_EQ 15, a2, 5
  CHECK_EQ 16, a3, 5
  /* an FP operation raises flags that fflags then shows */
  csrwi fflags, 0
  li a1, 1
  fcvt.d.l fa0, a1
  li a1, 3
  fcvt.d.l fa1, a1
  fdiv.d fa2, fa0, fa1          /* 1/3 is inexact */
  csrr a2, fflags
  CHECK_EQ 17, a2, 1
  /* the rounding mode in frm is used by dynamic-rounding instructions */
  csrwi frm, 1                  /* round toward zero */
  li a1, -1
  fcvt.d.l fa0, a1
  li a1, 2
  fcvt.d.l fa1, a1
  fdiv.d fa2, fa0, fa1          /* -0.5 */
  fcvt.l.d a2, fa2, dyn         /* RTZ: 0 */
  CHECK_EQ 18, a2, 0
  csrwi frm, 2                  /* round down */
  fcvt.l.d a2, fa2, dyn         /* RDN: -1 */
  CHECK_EQ 19, a2, -1
  csrwi frm, 0
  /* user counters are readable and do not go backwards */
  rdinstret s0
  rdtime s1
  li a1, 1000
1:
  addi a1, a1, -1
  bnez a1, 1b
  rdinstret a2
  rdtime a3
  bltu a2, s0, 2f
  sub a2, a2, s0
  li a4, 2000
  bltu a2, a4, 2f               /* at least the 2000 loop instructions retired */
  bltu a3, s1, 3f
  j 4f
2:
  FAIL 20
3:
  FAIL 21
4:
TEST_END
