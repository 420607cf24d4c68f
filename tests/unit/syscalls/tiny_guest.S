/* The smallest riscv64 Linux program: exit(0). The syscall unit tests load
 * it into a real Process so handlers run against a real guest address space. */
  .globl _start
_start:
  li a0, 0
  li a7, 93
  ecall
