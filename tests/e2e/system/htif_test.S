// Bare-metal M-mode programs in the style of riscv-tests (env/p,
// riscv_test.h) that report through HTIF, for the end-to-end tests of
// -machine spike: started at 0x80000000 by `tiercel-system-riscv64
// -machine spike -bios none -kernel PROGRAM`, they end the run with their
// HTIF exit status. One source, one mode per build:
//   MODE_PASS     tests 2-4 pass, then RVTEST_PASS: tohost = 1 (status 0)
//   MODE_FAIL5    tests 2-4 pass, test 5 fails: tohost = 5 << 1 | 1 (status 5)
//   MODE_HELLO    "hello" through the console device (device 1, command 1,
//                 waiting for each fromhost response), then "hello from the
//                 syscall proxy" with SYS_write to fd 1 (8-word block, the
//                 result checked), then RVTEST_PASS
//   MODE_SYSEXIT  SYS_exit(7) through the syscall proxy (status 7)
//   MODE_BADCALL  syscall 57 (close) through the proxy: unimplemented
// As in riscv-tests, RVTEST_PASS/FAIL are an ecall whose trap handler
// writes TESTNUM (gp) to tohost as two 32-bit halves, low half first.
#define TESTNUM gp
#define CAUSE_MACHINE_ECALL 11
#define SYS_write 64
#define SYS_exit 93
#define MSG_PROXY_LENGTH 29 // "hello from the syscall proxy\n", checked below

  .section .text.init
  .globl _start
_start:
  la t0, trap_vector
  csrw mtvec, t0
  la sp, stack_top
  li TESTNUM, 0

  // test 2: addition
  li TESTNUM, 2
  li a0, 40
  addi a0, a0, 2
  li a1, 42
  bne a0, a1, fail
  // test 3: a load from .data
  li TESTNUM, 3
  la t0, word
  ld a0, 0(t0)
  li a1, 0x1234
  bne a0, a1, fail
  // test 4: tohost reads 0 (nothing pending), and the bytes between
  // tohost and fromhost are plain memory
  li TESTNUM, 4
  la t0, tohost
  ld a0, 0(t0)
  bnez a0, fail
  la t0, between
  li a1, 0x5a5a
  sd a1, 0(t0)
  ld a0, 0(t0)
  bne a0, a1, fail

#if defined(MODE_FAIL5)
  // test 5: a deliberate failure
  li TESTNUM, 5
  li a0, 1
  li a1, 2
  bne a0, a1, fail
#elif defined(MODE_HELLO)
  la s0, msg_hello
1:lbu a0, 0(s0)
  beqz a0, 2f
  call console_putchar
  addi s0, s0, 1
  j 1b
2:la a1, msg_proxy
  li a2, MSG_PROXY_LENGTH
  li a0, 1
  li a7, SYS_write
  call htif_syscall
  li TESTNUM, 6
  li a1, MSG_PROXY_LENGTH
  bne a0, a1, fail // SYS_write returns the byte count
#elif defined(MODE_SYSEXIT)
  li a0, 7
  li a7, SYS_exit
  call htif_syscall
  li TESTNUM, 7
  j fail // not reached: SYS_exit ends the run
#elif defined(MODE_BADCALL)
  li a0, 3
  li a7, 57
  call htif_syscall
  li TESTNUM, 8
  j fail // not reached
#endif

pass:
  fence
  li TESTNUM, 1
  li a7, SYS_exit
  li a0, 0
  ecall
fail:
  fence
1:beqz TESTNUM, 1b
  sll TESTNUM, TESTNUM, 1
  or TESTNUM, TESTNUM, 1
  li a7, SYS_exit
  addi a0, TESTNUM, 0
  ecall

  .align 2 // mtvec's low bits are its mode
trap_vector:
  csrr t5, mcause
  li t6, CAUSE_MACHINE_ECALL
  beq t5, t6, write_tohost
  // any other trap: fail with 1337, as riscv-tests does
  li TESTNUM, 1337
  j fail
write_tohost:
  sw TESTNUM, tohost, t5
  sw zero, tohost + 4, t5
  j write_tohost

  .section .text
// Console device: tohost = 1 << 56 | 1 << 48 | a0; wait for fromhost's
// response, take it (fromhost = 0).
console_putchar:
  li t0, 0x0101000000000000
  or t0, t0, a0
  la t1, tohost
  sd t0, 0(t1)
  la t1, fromhost
1:ld t2, 0(t1)
  beqz t2, 1b
  sd zero, 0(t1)
  // the response echoes the command with payload 0x100 | byte
  li t3, 0x100
  or t0, t0, t3
  li TESTNUM, 9
  bne t2, t0, fail
  ret

// Syscall proxy, as riscv-tests' benchmarks/common/syscall.c: the number
// and arguments in an 8-word block, its address in tohost, wait for
// fromhost, the result in the block's first word. a7 = number, a0..a2 =
// arguments; returns the result in a0.
htif_syscall:
  la t0, magic_mem
  sd a7, 0(t0)
  sd a0, 8(t0)
  sd a1, 16(t0)
  sd a2, 24(t0)
  fence
  la t1, tohost
  sd t0, 0(t1)
  la t1, fromhost
1:ld t2, 0(t1)
  beqz t2, 1b
  sd zero, 0(t1)
  fence
  ld a0, 0(t0)
  ret

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
between: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8

  .section .data
  .align 6
magic_mem: .dword 0, 0, 0, 0, 0, 0, 0, 0
word: .dword 0x1234
msg_hello: .asciz "hello\n"
msg_proxy: .ascii "hello from the syscall proxy\n"
msg_proxy_end:
  .if msg_proxy_end - msg_proxy != MSG_PROXY_LENGTH
  .error "MSG_PROXY_LENGTH is not the length of msg_proxy"
  .endif
  .align 4
  .space 1024
stack_top:
