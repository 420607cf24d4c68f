/* M extension (ISA spec chapter 7): products, high halves, division and
 * remainder including division by zero and signed overflow (table 7.1),
 * which must not trap. */
#include "test_macros.h"

TEST_BEGIN
  TEST_RR 1, mul, -21, -3, 7
  TEST_RR 2, mul, 0x100000000, 0x100000000, 0x100000001
  TEST_RR 3, mulh, 0, -1, -1
  TEST_RR 4, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000
  TEST_RR 5, mulh, -1, -2, 0x7fffffffffffffff
  TEST_RR 6, mulhsu, -1, -1, -1
  TEST_RR 7, mulhsu, 1, 2, 0x8000000000000000
  TEST_RR 8, mulhu, 0xfffffffffffffffe, -1, -1
  TEST_RR 9, mulhu, 1, 0x100000000, 0x100000000
  TEST_RR 10, mulw, 0xffffffff80000000, 0x10000, 0x8000
  TEST_RR 11, mulw, 15, 0xffffffff00000003, 5
  TEST_RR 20, div, -3, -7, 2
  TEST_RR 21, div, -1, 7, 0
  TEST_RR 22, div, 0x8000000000000000, 0x8000000000000000, -1
  TEST_RR 23, divu, 0x7fffffffffffffff, -1, 2
  TEST_RR 24, divu, -1, 7, 0
  TEST_RR 25, rem, -1, -7, 2
  TEST_RR 26, rem, -7, -7, 0
  TEST_RR 27, rem, 0, 0x8000000000000000, -1
  TEST_RR 28, remu, 5, -1, 10
  TEST_RR 29, remu, -7, -7, 0
  TEST_RR 30, divw, 0xffffffff80000000, 0xffffffff80000000, -1
  TEST_RR 31, divw, -1, 0x1234567800000007, 0
  TEST_RR 32, divw, -3, 0xfffffff9, 0x100000002
  TEST_RR 33, divuw, 0x7ffffffc, 0xfffffff9, 0x100000002
  TEST_RR 34, divuw, -1, 5, 0x100000000
  TEST_RR 35, remw, 0, 0x80000000, -1
  TEST_RR 36, remw, 0xffffffff80000001, 0x80000001, 0
  TEST_RR 37, remuw, 0xffffffff80000001, 0x80000001, 0
  TEST_RR 38, remuw, 15, 0xffffffff, 0x10
  TEST_RR_SAME 39, mul, 0x0000000000010000, 0x100
  TEST_RR_SAME 40, div, 1, -5
  /* a loop of dependent multiplies and divisions */
  li s0, 1
  li s1, 20
1:
  mul s0, s0, s1
  addi s1, s1, -1
  bnez s1, 1b
  CHECK_EQ 41, s0, 2432902008176640000  /* 20! */
  li s1, 20
2:
  divu s0, s0, s1
  addi s1, s1, -1
  bnez s1, 2b
  CHECK_EQ 42, s0, 1
TEST_END
