/* Zbs single-bit instructions (bit-manipulation spec 1.4); register bit
 * indexes are taken modulo 64. */
#include "test_macros.h"

TEST_BEGIN
  TEST_RR 1, bclr, 0x7fffffffffffffff, -1, 127
  TEST_RR 2, bclr, 0xfffffffffffffffe, -1, 0
  TEST_RR 3, bext, 1, 0x8000000000000000, 63
  TEST_RR 4, bext, 0, 0x8000000000000000, 62
  TEST_RR 5, binv, 0, 1, 64
  TEST_RR 6, binv, 0x8000000000000001, 1, 63
  TEST_RR 7, bset, 0x80000000, 0, 31
  TEST_RR 8, bset, 0x100000000, 0, 96
  TEST_RI 9, bclri, 2, 3, 0
  TEST_RI 10, bexti, 1, 0x10000000000, 40
  TEST_RI 11, binvi, 0x8000000000000000, 0, 63
  TEST_RI 12, bseti, 0x21, 1, 5
  /* a bit set built and counted with bset/bext */
  li s0, 0
  li s1, 0
1:
  bset s0, s0, s1
  addi s1, s1, 3
  li x11, 64
  blt s1, x11, 1b
  CHECK_EQ 13, s0, 0x9249249249249249
  li s1, 0
  li x13, 0
2:
  bext x12, s0, s1
  add x13, x13, x12
  addi s1, s1, 1
  li x11, 64
  blt s1, x11, 2b
  CHECK_EQ 14, x13, 22
TEST_END
