/* Self-modifying code made visible by fence.i (ISA spec chapter 3): code
 * is copied into an anonymous RWX mapping, run, patched, fence.i'd and run
 * again; the patched version must run. Also patches code that has already
 * been executed many times (a hot loop body). */
#include "test_macros.h"

#define SYS_MMAP 222
#define PROT_RWX 7
#define MAP_PRIVATE_ANONYMOUS 0x22

TEST_BEGIN
  /* s0 = mmap(NULL, 4096, RWX, PRIVATE|ANONYMOUS, -1, 0) */
  li a0, 0
  li a1, 4096
  li a2, PROT_RWX
  li a3, MAP_PRIVATE_ANONYMOUS
  li a4, -1
  li a5, 0
  li a7, SYS_MMAP
  ecall
  li a1, -4096
  bgeu a0, a1, mmap_failed
  mv s0, a0
  /* copy template: "li a0, 1; ret" (two 32-bit words) */
  lla a1, template
  lw a2, 0(a1)
  sw a2, 0(s0)
  lw a2, 4(a1)
  sw a2, 4(s0)
  fence.i
  /* run it 100 times so it is hot */
  li s1, 100
  li s2, 0
1:
  jalr s0
  add s2, s2, a0
  addi s1, s1, -1
  bnez s1, 1b
  CHECK_EQ 1, s2, 100
  /* patch "li a0, 1" into "li a0, 5" */
  lla a1, patched
  lw a2, 0(a1)
  sw a2, 0(s0)
  fence.i
  jalr s0
  CHECK_EQ 2, a0, 5
  /* and again, into "li a0, -7" */
  lla a1, patched2
  lw a2, 0(a1)
  sw a2, 0(s0)
  fence.i
  jalr s0
  CHECK_EQ 3, a0, -7
TEST_END
mmap_failed:
  TEST_EXIT 100

  .section .rodata
  .balign 4
  .option push
  .option norvc
template:
  li a0, 1
  ret
patched:
  li a0, 5
patched2:
  li a0, -7
  .option pop
