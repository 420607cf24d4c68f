/* Compressed instructions (ISA spec, "C" chapter), written with explicit
 * c.* mnemonics so each is really 16 bits: register/immediate forms,
 * stack-pointer-relative loads/stores, control transfer, and a loop mixing
 * 16- and 32-bit instructions. */
#include "test_macros.h"

TEST_BEGIN
  /* c.li / c.addi / c.addiw / c.lui */
  c.li a1, -3
  CHECK_EQ 1, a1, -3
  c.addi a1, 31
  CHECK_EQ 2, a1, 28
  li a1, 0x7fffffff
  c.addiw a1, 1
  CHECK_EQ 3, a1, 0xffffffff80000000
  c.lui a2, 0xfffe1
  CHECK_EQ 4, a2, 0xfffffffffffe1000
  c.lui a2, 1
  CHECK_EQ 5, a2, 0x1000
  /* shifts and andi on x8..x15 */
  li s0, 0x8000000000000000
  c.srai s0, 63
  CHECK_EQ 6, s0, -1
  c.srli s0, 60
  CHECK_EQ 7, s0, 0xf
  c.slli s0, 60
  CHECK_EQ 8, s0, 0xf000000000000000
  c.andi s0, -1
  CHECK_EQ 9, s0, 0xf000000000000000
  li s1, 0x1234
  c.andi s1, 0x1f
  CHECK_EQ 10, s1, 0x14
  /* register-register */
  li a3, 10
  li a4, 3
  c.sub a3, a4
  CHECK_EQ 11, a3, 7
  c.xor a3, a4
  CHECK_EQ 12, a3, 4
  c.or a3, a4
  CHECK_EQ 13, a3, 7
  c.and a3, a4
  CHECK_EQ 14, a3, 3
  li a3, 0x7fffffff
  li a4, 1
  c.addw a3, a4
  CHECK_EQ 15, a3, 0xffffffff80000000
  c.subw a3, a4
  CHECK_EQ 16, a3, 0x7fffffff
  c.mv a5, a3
  CHECK_EQ 17, a5, 0x7fffffff
  c.add a5, a4
  CHECK_EQ 18, a5, 0x80000000
  /* loads and stores, register based and sp based */
  lla s0, buffer
  li a1, 0x1122334455667788
  c.sd a1, 8(s0)
  c.ld a2, 8(s0)
  CHECK_EQ 19, a2, 0x1122334455667788
  li a1, 0x80000001
  c.sw a1, 4(s0)
  c.lw a2, 4(s0)
  CHECK_EQ 20, a2, 0xffffffff80000001
  mv s1, sp
  addi sp, s0, 64
  c.addi16sp sp, -32
  c.sdsp a1, 8(sp)
  c.ldsp a3, 8(sp)
  CHECK_EQ 21, a3, 0x80000001
  c.swsp a1, 16(sp)
  c.lwsp a3, 16(sp)
  CHECK_EQ 22, a3, 0xffffffff80000001
  c.addi4spn a4, sp, 16
  addi a5, s0, 48
  CHECK_EQ_REG 23, a4, a5
  /* FP loads/stores of the C extension move bits unchanged */
  li a1, 0x400921fb54442d18
  sd a1, 0(s0)
  c.fld fa0, 0(s0)
  c.fsd fa0, 24(s0)
  ld a2, 24(s0)
  CHECK_EQ 24, a2, 0x400921fb54442d18
  c.fsdsp fa0, 0(sp)
  c.fldsp fa1, 0(sp)
  fmv.x.d a2, fa1
  CHECK_EQ 25, a2, 0x400921fb54442d18
  mv sp, s1
  /* control transfer */
  li a1, 0
  c.beqz a1, 1f
  FAIL 26
1:
  c.bnez a1, 2f
  j 3f
2:
  FAIL 27
3:
  c.j 4f
  FAIL 28
4:
  lla a1, 5f
  c.jalr a1
6:
  j 7f
5:
  lla a2, 6b
  CHECK_EQ_REG 29, ra, a2
  c.jr ra
  FAIL 30
7:
  lla a1, 8f
  c.jr a1
  FAIL 31
8:
  c.nop
  /* a loop of mixed 16- and 32-bit instructions */
  c.li a1, 0
  li a2, 200
9:
  c.addi a1, 3
  addiw a1, a1, -1
  c.addi a2, -1
  c.bnez a2, 9b
  CHECK_EQ 32, a1, 400
TEST_END

DATA_BEGIN
DATA_ZERO buffer, 64
