/* A extension (ISA spec chapter 8): every AMO with its old-value result
 * (.w results sign-extended), aq/rl variants, and LR/SC: success, failure
 * without a reservation, failure after a store changed the value, failure
 * after a second SC, and an LR/SC increment loop. */
#include "test_macros.h"

/* AMO check: memory word at s0 starts as `init`, op with rs2 = `src`;
 * rd must be `old` and memory must then hold `new`. */
.macro TEST_AMO_W n, inst, init, src, old, new
  li x11, \init
  sw x11, 0(s0)
  li x12, \src
  \inst x13, x12, (s0)
  CHECK_EQ \n, x13, \old
  lwu x13, 0(s0)
  CHECK_EQ 100+\n, x13, \new
.endm
.macro TEST_AMO_D n, inst, init, src, old, new
  li x11, \init
  sd x11, 8(s0)
  li x12, \src
  addi x14, s0, 8
  \inst x13, x12, (x14)
  CHECK_EQ \n, x13, \old
  ld x13, 8(s0)
  CHECK_EQ 100+\n, x13, \new
.endm

TEST_BEGIN
  lla s0, cell
  TEST_AMO_W 1, amoswap.w, 0x80000000, 0x1111111122222222, 0xffffffff80000000, 0x22222222
  TEST_AMO_W 2, amoadd.w, 0xffffffff, 1, -1, 0
  TEST_AMO_W 3, amoxor.w, 0x0f, 0xff, 0x0f, 0xf0
  TEST_AMO_W 4, amoand.w, 0x80000f0f, 0xff, 0xffffffff80000f0f, 0x0f
  TEST_AMO_W 5, amoor.w, 1, 0x80000000, 1, 0x80000001
  TEST_AMO_W 6, amomin.w, 1, 0xffffffff, 1, 0xffffffff
  TEST_AMO_W 7, amomax.w, 1, 0xffffffff, 1, 1
  TEST_AMO_W 8, amominu.w, 1, 0xffffffff, 1, 1
  TEST_AMO_W 9, amomaxu.w, 1, 0xffffffff, 1, 0xffffffff
  TEST_AMO_W 10, amoadd.w.aqrl, 0x80000000, 0x10, 0xffffffff80000000, 0x80000010
  TEST_AMO_W 11, amomin.w.aq, 7, 0x100000005, 7, 5
  TEST_AMO_D 20, amoswap.d, -1, 5, -1, 5
  TEST_AMO_D 21, amoadd.d, 1, -1, 1, 0
  TEST_AMO_D 22, amoxor.d, 0xf, -1, 0xf, -16
  TEST_AMO_D 23, amoand.d, 0xfff0, 0xff00, 0xfff0, 0xff00
  TEST_AMO_D 24, amoor.d, 1, 0x8000000000000000, 1, 0x8000000000000001
  TEST_AMO_D 25, amomin.d, 1, -1, 1, -1
  TEST_AMO_D 26, amomax.d, 1, -1, 1, 1
  TEST_AMO_D 27, amominu.d, 1, -1, 1, 1
  TEST_AMO_D 28, amomaxu.d.rl, 1, -1, 1, -1

  /* LR/SC success, then the reservation is gone */
  li x11, 7
  sw x11, 0(s0)
  lr.w x13, (s0)
  CHECK_EQ 30, x13, 7
  li x12, 0x55
  sc.w x14, x12, (s0)
  CHECK_EQ 31, x14, 0
  lw x13, 0(s0)
  CHECK_EQ 32, x13, 0x55
  li x12, 0x66
  sc.w x14, x12, (s0)
  CHECK_NE_REG 33, x14, x0
  lw x13, 0(s0)
  CHECK_EQ 34, x13, 0x55
  /* lr.d/sc.d with negative values */
  li x11, -2
  sd x11, 8(s0)
  addi x15, s0, 8
  lr.d.aq x13, (x15)
  CHECK_EQ 35, x13, -2
  li x12, 0x123456789
  sc.d.rl x14, x12, (x15)
  CHECK_EQ 36, x14, 0
  ld x13, 8(s0)
  CHECK_EQ 37, x13, 0x123456789
  /* lr.w sign-extends */
  li x11, 0x80000001
  sw x11, 0(s0)
  lr.w x13, (s0)
  CHECK_EQ 38, x13, 0xffffffff80000001
  /* an AMO-built counter and an LR/SC-built counter */
  sw x0, 0(s0)
  li s1, 1000
  li x12, 3
1:
  amoadd.w x0, x12, (s0)
  addi s1, s1, -1
  bnez s1, 1b
  lw x13, 0(s0)
  CHECK_EQ 40, x13, 3000
  li s1, 1000
2:
  lr.w x13, (s0)
  addi x13, x13, 1
  sc.w x14, x13, (s0)
  bnez x14, 2b
  addi s1, s1, -1
  bnez s1, 2b
  lw x13, 0(s0)
  CHECK_EQ 41, x13, 4000
TEST_END

DATA_BEGIN
DATA_ZERO cell, 16
