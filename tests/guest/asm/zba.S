/* Zba address-generation instructions (bit-manipulation spec 1.1). */
#include "test_macros.h"

TEST_BEGIN
  TEST_RR 1, sh1add, 12, 0x8000000000000001, 10
  TEST_RR 2, sh2add, 22, 3, 10
  TEST_RR 3, sh3add, 8, -1, 16
  TEST_RR 4, add.uw, 0x80000001, 0xffffffff80000000, 1
  TEST_RR 5, sh1add.uw, 0x100000001, 0xffffffff80000000, 1
  TEST_RR 6, sh2add.uw, 5, 0x1234567800000001, 1
  TEST_RR 7, sh3add.uw, 0x7fffffff8, -1, 0
  TEST_RI 8, slli.uw, 0x8000000000000000, 0xffffffff00000001, 63
  TEST_RI 9, slli.uw, 0x800000000, 0xffffffff80000000, 4
  TEST_R1 10, zext.w, 0xffffffff, -1
  /* indexing an array with sh3add */
  lla s0, table
  li s1, 2
  sh3add x13, s1, s0
  ld x13, 0(x13)
  CHECK_EQ 11, x13, 0x3333
TEST_END

DATA_BEGIN
table:
  .dword 0x1111, 0x2222, 0x3333, 0x4444
