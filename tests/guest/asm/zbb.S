/* Zbb basic bit manipulation (bit-manipulation spec 1.2): logical with
 * negate, counts (including of zero), sign/zero extension, min/max,
 * rotations (by amounts above XLEN too), orc.b and rev8. */
#include "test_macros.h"

TEST_BEGIN
  TEST_RR 1, andn, 0xf0, 0xff, 0x0f
  TEST_RR 2, orn, 1, 0, -2
  TEST_RR 3, xnor, 0xfffffffffffffff0, 0xf0, 0xff
  TEST_R1 4, clz, 64, 0
  TEST_R1 5, clz, 63, 1
  TEST_R1 6, clz, 0, 0x8000000000000000
  TEST_R1 7, ctz, 64, 0
  TEST_R1 8, ctz, 63, 0x8000000000000000
  TEST_R1 9, cpop, 64, -1
  TEST_R1 10, cpop, 2, 0x1010
  TEST_R1 11, clzw, 32, 0xffffffff00000000
  TEST_R1 12, clzw, 15, 0x10000
  TEST_R1 13, ctzw, 32, 0xffffffff00000000
  TEST_R1 14, ctzw, 31, 0x80000000
  TEST_R1 15, cpopw, 4, 0xffffffff0000000f
  TEST_R1 16, sext.b, 0xffffffffffffff80, 0x1280
  TEST_R1 17, sext.b, 0x7f, 0x127f
  TEST_R1 18, sext.h, 0xffffffffffff8000, 0x18000
  TEST_R1 19, zext.h, 0x8001, 0xffffffffffff8001
  TEST_RR 20, max, 1, -1, 1
  TEST_RR 21, maxu, -1, -1, 1
  TEST_RR 22, min, -1, -1, 1
  TEST_RR 23, minu, 1, -1, 1
  TEST_RR 24, rol, 3, 0x8000000000000001, 65
  TEST_RR 25, ror, 0x8000000000000001, 3, 1
  TEST_RI 26, rori, 3, 0x8000000000000001, 63
  TEST_RR 27, rolw, 0xffffffff80000002, 0xffffffff40000001, 33
  TEST_RR 28, rorw, 0xffffffff80000001, 3, 1
  TEST_RI 29, roriw, 0xffffffff80000000, 0x40000000, 31
  TEST_RI 30, roriw, 0xffffffff80000000, 0x1234567880000000, 0
  TEST_R1 31, orc.b, 0x00ff00ff00ffff00, 0x0001008000ff1000
  TEST_R1 32, orc.b, 0, 0
  TEST_R1 33, rev8, 0x0807060504030201, 0x0102030405060708
  TEST_RR_SAME 34, max, 5, 5
  TEST_RR_SAME 35, andn, 0, -1
TEST_END
