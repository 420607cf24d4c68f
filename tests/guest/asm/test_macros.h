/* Macros for the self-checking bare guest programs in tests/guest/asm/.
 *
 * Each NAME.S is a riscv64 Linux program without libc:
 *
 *     #include "test_macros.h"
 *     TEST_BEGIN
 *       TEST_RR 1, add, 3, 1, 2          # check #1: add of 1 and 2 is 3
 *       ...
 *     TEST_END                            # exit(0): every check passed
 *
 * A failing check exits with its number as the status (1..255), so the
 * status names the first check that failed. Checks use x11..x13 for
 * operands/results and t6 (x31) for expected values; tests should keep
 * their own state in other registers (s0..s11 are never touched here).
 * Numbers must be unique within a program. */
#ifndef TIERCEL_TEST_MACROS_H
#define TIERCEL_TEST_MACROS_H

#define TIERCEL_SYS_EXIT 93

/* Program entry. */
.macro TEST_BEGIN
  .text
  .globl _start
_start:
.endm

/* All checks passed: exit(0). Also defines the shared failure exit, which
 * expects the check number in a0. */
.macro TEST_END
  li a0, 0
  li a7, TIERCEL_SYS_EXIT
  ecall
tiercel_test_fail:
  li a7, TIERCEL_SYS_EXIT
  ecall
.endm

/* exit(code) right here. */
.macro TEST_EXIT code
  li a0, \code
  li a7, TIERCEL_SYS_EXIT
  ecall
.endm

/* Fail with check number n unconditionally. */
.macro FAIL n
  li a0, \n
  j tiercel_test_fail
.endm

/* Check number n: register reg must equal the 64-bit constant expected. */
.macro CHECK_EQ n, reg, expected
  li t6, \expected
  beq \reg, t6, 8801f
  li a0, \n
  j tiercel_test_fail
8801:
.endm

/* Check number n: registers a and b must be equal. */
.macro CHECK_EQ_REG n, a, b
  beq \a, \b, 8802f
  li a0, \n
  j tiercel_test_fail
8802:
.endm

/* Check number n: register a must differ from register b. */
.macro CHECK_NE_REG n, a, b
  bne \a, \b, 8803f
  li a0, \n
  j tiercel_test_fail
8803:
.endm

/* Register-register: inst x13, x11=a, x12=b; x13 must be result. */
.macro TEST_RR n, inst, result, a, b
  li x11, \a
  li x12, \b
  \inst x13, x11, x12
  CHECK_EQ \n, x13, \result
.endm

/* Register-immediate: inst x13, x11=a, imm; x13 must be result. */
.macro TEST_RI n, inst, result, a, imm
  li x11, \a
  \inst x13, x11, \imm
  CHECK_EQ \n, x13, \result
.endm

/* Unary: inst x13, x11=a; x13 must be result. */
.macro TEST_R1 n, inst, result, a
  li x11, \a
  \inst x13, x11
  CHECK_EQ \n, x13, \result
.endm

/* Same as TEST_RR but with rd == rs1 == rs2 == x13 (register aliasing). */
.macro TEST_RR_SAME n, inst, result, a
  li x13, \a
  \inst x13, x13, x13
  CHECK_EQ \n, x13, \result
.endm

/* Branch taken check: branch on x11=a, x12=b must (taken=1) or must not
 * (taken=0) jump. */
.macro TEST_BRANCH n, inst, taken, a, b
  li x11, \a
  li x12, \b
  \inst x11, x12, 8804f
  .if \taken
    FAIL \n
  .else
    j 8805f
  .endif
8804:
  .if !\taken
    FAIL \n
  .endif
8805:
.endm

/* Data section helpers. */
.macro DATA_BEGIN
  .data
  .balign 16
.endm

/* An 8-byte aligned, labelled block of `bytes` zero bytes. */
.macro DATA_ZERO label, bytes
  .balign 8
\label:
  .zero \bytes
.endm

#endif
