/* RV64I base integer instructions (ISA spec chapters 2 and 5): arithmetic,
 * logic, shifts (including by 63/31 and register amounts above 63), W forms
 * and their sign extension, compares, branches, jal/jalr, loads/stores of
 * every width with sign/zero extension, lui/auipc, x0 behaviour. */
#include "test_macros.h"

TEST_BEGIN
  /* ---- register-register ---- */
  TEST_RR 1, add, 3, 1, 2
  TEST_RR 2, add, 0, -1, 1
  TEST_RR 3, sub, -1, 0, 1
  TEST_RR 4, sub, 0x8000000000000000, 0x7fffffffffffffff, -1
  TEST_RR 5, sll, 0x8000000000000000, 1, 63
  TEST_RR 6, sll, 2, 1, 65
  TEST_RR 7, srl, 1, 0x8000000000000000, 63
  TEST_RR 8, sra, -1, 0x8000000000000000, 63
  TEST_RR 9, sra, 0x0800000000000000, 0x4000000000000000, 131
  TEST_RR 10, slt, 1, -1, 0
  TEST_RR 11, slt, 0, 0, -1
  TEST_RR 12, sltu, 0, -1, 0
  TEST_RR 13, sltu, 1, 0, -1
  TEST_RR 14, xor, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f, 0xf00ff00ff00ff00f
  TEST_RR 15, or, 0xff0f, 0xf00f, 0x0f00
  TEST_RR 16, and, 0xf000, 0xf00f, 0xff00
  TEST_RR_SAME 17, add, 0x8000000000000000, 0x4000000000000000
  /* ---- W forms: 32-bit result, sign-extended ---- */
  TEST_RR 20, addw, 0xffffffff80000000, 0x7fffffff, 1
  TEST_RR 21, addw, 3, 0xffffffff00000001, 0x1000000002
  TEST_RR 22, subw, 0x7fffffff, 0x80000000, 1
  TEST_RR 23, sllw, 0xffffffff80000000, 1, 31
  TEST_RR 24, sllw, 1, 1, 32
  TEST_RR 25, srlw, 1, 0xffffffff80000000, 31
  TEST_RR 26, srlw, 0xffffffff80000000, 0x80000000, 0
  TEST_RR 27, sraw, -1, 0x80000000, 31
  TEST_RR 28, sraw, 0xfffffffff8000000, 0x12345678c0000000, 35
  /* ---- register-immediate ---- */
  TEST_RI 30, addi, -1, 0, -1
  TEST_RI 31, addi, 0x800, 0x1000, -2048
  TEST_RI 32, slti, 1, -5, 0
  TEST_RI 33, sltiu, 1, 5, -1
  TEST_RI 34, sltiu, 0, -1, 1
  TEST_RI 35, xori, 0xffffffffffffff00, 0xff, -1
  TEST_RI 36, ori, 0x80000000000007f1, 0x8000000000000001, 0x7f0
  TEST_RI 37, andi, 0x123456789abcdef0, 0x123456789abcdeff, -16
  TEST_RI 38, slli, 0x8000000000000000, 3, 63
  TEST_RI 39, srli, 1, 0x8000000000000000, 63
  TEST_RI 40, srai, -1, 0x8000000000000000, 63
  TEST_RI 41, addiw, -1, 0, -1
  TEST_RI 42, addiw, 0xffffffff80000000, 0x7fffffff, 1
  TEST_RI 43, slliw, 0xffffffff80000000, 3, 31
  TEST_RI 44, srliw, 1, 0xffffffff80000000, 31
  TEST_RI 45, srliw, 0xffffffff80000000, 0x80000000, 0
  TEST_RI 46, sraiw, -1, 0x80000000, 31
  /* ---- x0 is hard-wired to zero ---- */
  li x11, 5
  add x0, x11, x11
  addi x0, x0, 7
  CHECK_EQ 50, x0, 0
  mv x13, x0
  CHECK_EQ 51, x13, 0
  /* ---- lui / auipc ---- */
  lui x13, 0x12345
  CHECK_EQ 52, x13, 0x12345000
  lui x13, 0x80000
  CHECK_EQ 53, x13, 0xffffffff80000000
1:
  auipc x13, 0
  lla x12, 1b
  CHECK_EQ_REG 54, x13, x12
  /* ---- branches ---- */
  TEST_BRANCH 60, beq, 1, 5, 5
  TEST_BRANCH 61, beq, 0, 5, 6
  TEST_BRANCH 62, bne, 1, 5, 6
  TEST_BRANCH 63, bne, 0, 6, 6
  TEST_BRANCH 64, blt, 1, -1, 1
  TEST_BRANCH 65, blt, 0, 1, -1
  TEST_BRANCH 66, bge, 1, 3, 3
  TEST_BRANCH 67, bge, 0, -3, 3
  TEST_BRANCH 68, bltu, 0, -1, 1
  TEST_BRANCH 69, bltu, 1, 1, -1
  TEST_BRANCH 70, bgeu, 1, -1, 1
  TEST_BRANCH 71, bgeu, 0, 0, 1
  /* ---- jal / jalr: link register, bit 0 cleared, rd == rs1 ---- */
  jal x13, 2f
2:
  lla x12, 2b
  CHECK_EQ_REG 80, x13, x12
  lla x13, 3f
  addi x13, x13, 1          /* odd target: jalr clears bit 0 */
  jalr x14, 0(x13)
6:
  FAIL 81
3:
  lla x12, 6b
  CHECK_EQ_REG 82, x14, x12 /* x14 = address after the jalr */
  lla x13, 4f
  jalr x13, 0(x13)          /* rd == rs1 */
7:
  FAIL 83
4:
  lla x12, 7b
  CHECK_EQ_REG 84, x13, x12
  /* a counted loop with a backward branch */
  li x13, 0
  li x14, 100
5:
  add x13, x13, x14
  addi x14, x14, -1
  bnez x14, 5b
  CHECK_EQ 85, x13, 5050
  /* ---- loads and stores ---- */
  lla s0, buffer
  li x11, 0x8877665544332211
  sd x11, 0(s0)
  ld x13, 0(s0)
  CHECK_EQ 90, x13, 0x8877665544332211
  lb x13, 7(s0)
  CHECK_EQ 91, x13, 0xffffffffffffff88
  lbu x13, 7(s0)
  CHECK_EQ 92, x13, 0x88
  lh x13, 6(s0)
  CHECK_EQ 93, x13, 0xffffffffffff8877
  lhu x13, 6(s0)
  CHECK_EQ 94, x13, 0x8877
  lw x13, 4(s0)
  CHECK_EQ 95, x13, 0xffffffff88776655
  lwu x13, 4(s0)
  CHECK_EQ 96, x13, 0x88776655
  lw x13, 0(s0)
  CHECK_EQ 97, x13, 0x44332211
  li x11, 0xaabbccdd
  sb x11, 8(s0)
  sh x11, 10(s0)
  sw x11, 12(s0)
  ld x13, 8(s0)
  CHECK_EQ 98, x13, 0xaabbccddccdd00dd
  addi x13, s0, 16
  sd x13, 16(s0)
  ld x13, 0(x13)            /* rd == rs1 */
  addi x12, s0, 16
  CHECK_EQ_REG 99, x13, x12
  li x11, -1
  sd x11, 24(s0)
  sd x0, 24(s0)             /* store of x0 writes zero */
  ld x13, 24(s0)
  CHECK_EQ 100, x13, 0
  lw x13, -4(x12)           /* negative offset: word at buffer+12 */
  CHECK_EQ 101, x13, 0xffffffffaabbccdd
  lw x0, 0(s0)              /* load into x0 has no effect */
  CHECK_EQ 102, x0, 0
  /* ---- fence is accepted ---- */
  fence
  fence rw, rw
  fence.tso
TEST_END

DATA_BEGIN
DATA_ZERO buffer, 64
