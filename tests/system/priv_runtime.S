// The runtime every privileged-architecture test program is linked with
// (conventions in priv.h): the entry point at 0x80000000, the M- and
// S-mode trap handlers (direct and vectored), the failure and success
// paths, and printing on the UART. Runs in M-mode except trap_s_*.
#include "priv.h"

  .section .text.init, "ax"
  .globl _start
_start:
  // Interrupts are off at reset (privileged spec 3.4); nothing delegated yet.
  csrw mie, zero
  csrw medeleg, zero
  csrw mideleg, zero
  la sp, stack_top
  // Zero .bss (the loaders do, but a test must not depend on it).
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:la t0, m_trap
  li t1, -1
  sd t1, REC_VECTOR(t0)
  csrw mscratch, t0
  la t0, s_trap
  sd t1, REC_VECTOR(t0)
  csrw sscratch, t0
  la t0, trap_m_entry
  csrw mtvec, t0
  la t0, trap_s_entry
  csrw stvec, t0
  // One PMP entry over the whole address space, RWX: where PMP is
  // implemented, S- and U-mode accesses that match no entry fail
  // (privileged spec 3.7.1). OpenSBI sets up the same.
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f // NAPOT | X | W | R
  csrw pmpcfg0, t0
  li gp, 0
  li tp, 0
  li s11, 0
  call test_main
  j pass

// ---- M-mode trap handler ----
  .text
  .align 2
  .globl trap_m_entry
trap_m_entry:
  csrrw sp, mscratch, sp // sp = m_trap, mscratch = the interrupted sp
  sd t0, REC_SAVE + 0(sp)
  li t0, -1
  sd t0, REC_VECTOR(sp)
trap_m_common:
  sd t1, REC_SAVE + 8(sp)
  csrr t0, mcause
  sd t0, REC_CAUSE(sp)
  csrr t0, mepc
  sd t0, REC_EPC(sp)
  csrr t0, mtval
  sd t0, REC_TVAL(sp)
  csrr t0, mstatus
  sd t0, REC_STATUS(sp)
  csrr t0, mip
  sd t0, REC_IP(sp)
  ld t0, REC_COUNT(sp)
  addi t0, t0, 1
  sd t0, REC_COUNT(sp)
  li t0, MAGIC_S_UNEXPECTED
  beq tp, t0, report_s_unexpected
  ld t0, REC_RESUME(sp)
  beqz t0, report_m_unexpected
  sd zero, REC_RESUME(sp)
  mv tp, t0
  ld t0, REC_SAVE + 0(sp)
  ld t1, REC_SAVE + 8(sp)
  csrrw sp, mscratch, sp
  jr tp

// Vectored mode: mtvec = trap_m_vectors | 1. Slot n records n, then the
// common handler runs. Each slot is one 4-byte jump.
  .align 8
  .globl trap_m_vectors
trap_m_vectors:
  .option push
  .option norvc
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j trap_m_vector_\n
  .endr
  .option pop
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
trap_m_vector_\n:
  csrrw sp, mscratch, sp
  sd t0, REC_SAVE + 0(sp)
  li t0, \n
  sd t0, REC_VECTOR(sp)
  j trap_m_common
  .endr

// ---- S-mode trap handler (same scheme, sscratch = s_trap) ----
  .align 2
  .globl trap_s_entry
trap_s_entry:
  csrrw sp, sscratch, sp
  sd t0, REC_SAVE + 0(sp)
  li t0, -1
  sd t0, REC_VECTOR(sp)
trap_s_common:
  sd t1, REC_SAVE + 8(sp)
  csrr t0, scause
  sd t0, REC_CAUSE(sp)
  csrr t0, sepc
  sd t0, REC_EPC(sp)
  csrr t0, stval
  sd t0, REC_TVAL(sp)
  csrr t0, sstatus
  sd t0, REC_STATUS(sp)
  csrr t0, sip
  sd t0, REC_IP(sp)
  ld t0, REC_COUNT(sp)
  addi t0, t0, 1
  sd t0, REC_COUNT(sp)
  ld t0, REC_RESUME(sp)
  beqz t0, 1f
  sd zero, REC_RESUME(sp)
  mv tp, t0
  ld t0, REC_SAVE + 0(sp)
  ld t1, REC_SAVE + 8(sp)
  csrrw sp, sscratch, sp
  jr tp
1:// Unexpected: let M-mode report it.
  ld t0, REC_SAVE + 0(sp)
  ld t1, REC_SAVE + 8(sp)
  csrrw sp, sscratch, sp
  li tp, MAGIC_S_UNEXPECTED
  ecall
  j .

  .align 8
  .globl trap_s_vectors
trap_s_vectors:
  .option push
  .option norvc
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j trap_s_vector_\n
  .endr
  .option pop
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
trap_s_vector_\n:
  csrrw sp, sscratch, sp
  sd t0, REC_SAVE + 0(sp)
  li t0, \n
  sd t0, REC_VECTOR(sp)
  j trap_s_common
  .endr

// ---- Reports (M-mode) ----

// Quiet the machine before printing: no interrupts, no MPRV, the UART out
// of loopback.
quiesce:
  csrw mie, zero
  li t0, MSTATUS_MIE | MSTATUS_MPRV
  csrc mstatus, t0
  li t0, UART_BASE
  sb zero, UART_MCR(t0)
  sb zero, UART_IER(t0)
  la sp, fail_stack_top
  ret

report_m_unexpected:
  csrrw sp, mscratch, sp
  mv s0, gp
  call quiesce
  la a0, msg_unexpected_m
  call puts
  mv a0, s0
  call put_dec
  la a0, msg_mcause
  call puts
  M_TRAP a0, REC_CAUSE
  call put_hex
  la a0, msg_mepc
  call puts
  M_TRAP a0, REC_EPC
  call put_hex
  la a0, msg_mtval
  call puts
  M_TRAP a0, REC_TVAL
  call put_hex
  la a0, msg_mstatus
  call puts
  M_TRAP a0, REC_STATUS
  call put_hex
  la a0, msg_newline
  call puts
  li a0, 255
  j finish_fail

report_s_unexpected:
  csrrw sp, mscratch, sp
  mv s0, gp
  call quiesce
  la a0, msg_unexpected_s
  call puts
  mv a0, s0
  call put_dec
  la a0, msg_scause
  call puts
  S_TRAP a0, REC_CAUSE
  call put_hex
  la a0, msg_sepc
  call puts
  S_TRAP a0, REC_EPC
  call put_hex
  la a0, msg_stval
  call puts
  S_TRAP a0, REC_TVAL
  call put_hex
  la a0, msg_newline
  call puts
  li a0, 254
  j finish_fail

// A failed assertion: t5 = the value seen, t6 = the value expected. Runs in
// M-mode (see priv.h).
  .globl fail
fail:
  mv s0, gp
  mv s1, t5
  mv s2, t6
  call quiesce
  la a0, msg_fail
  call puts
  la a0, program_name
  call puts
  la a0, msg_check
  call puts
  mv a0, s0
  call put_dec
  la a0, msg_got
  call puts
  mv a0, s1
  call put_hex
  la a0, msg_expected
  call puts
  mv a0, s2
  call put_hex
  la a0, msg_newline
  call puts
  mv a0, s0
  beqz a0, 1f
  li t0, 253
  bleu a0, t0, finish_fail
1:li a0, 253
// a0 = exit status
finish_fail:
  slli a0, a0, 16
  li t0, FINISHER_FAIL
  or a0, a0, t0
  li t0, FINISHER_BASE
  sw a0, 0(t0)
  j .

// KEEP_GOING builds (priv.h): report a failed check and return; every
// register but ra and tp is kept. The first failing check's number is remembered.
  .globl soft_fail
soft_fail:
  la tp, soft_fail_save
  .irp r, 1,2,3,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\r, (\r * 8)(tp)
  .endr
  csrr a0, mstatus
  sd a0, 0(tp)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  la sp, fail_stack_top
  la t0, first_failure
  ld t1, 0(t0)
  bnez t1, 1f
  sd gp, 0(t0)
1:mv s0, gp
  mv s1, t5
  mv s2, t6
  la a0, msg_fail
  call puts
  la a0, program_name
  call puts
  la a0, msg_check
  call puts
  mv a0, s0
  call put_dec
  la a0, msg_got
  call puts
  mv a0, s1
  call put_hex
  la a0, msg_expected
  call puts
  mv a0, s2
  call put_hex
  la a0, msg_newline
  call puts
  la tp, soft_fail_save
  ld a0, 0(tp)
  csrw mstatus, a0
  .irp r, 1,2,3,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\r, (\r * 8)(tp)
  .endr
  ret

  .globl pass
pass:
  mv s0, s11
  call quiesce
  la t0, first_failure
  ld a0, 0(t0)
  bnez a0, finish_fail
  la a0, program_name
  call puts
  la a0, msg_colon
  call puts
  mv a0, s0
  call put_dec
  la a0, msg_passed
  call puts
  li t0, FINISHER_BASE
  li t1, FINISHER_PASS
  sw t1, 0(t0)
  j .

// ---- UART output (M-mode, polled) ----
  .globl put_char
put_char:
  li t0, UART_BASE
1:lbu t1, UART_LSR(t0)
  andi t1, t1, 0x20 // THR empty
  beqz t1, 1b
  sb a0, UART_THR(t0)
  ret

  .globl puts
puts:
  addi sp, sp, -16
  sd ra, 0(sp)
  sd s0, 8(sp)
  mv s0, a0
1:lbu a0, 0(s0)
  beqz a0, 2f
  call put_char
  addi s0, s0, 1
  j 1b
2:ld ra, 0(sp)
  ld s0, 8(sp)
  addi sp, sp, 16
  ret

  .globl put_hex
put_hex:
  addi sp, sp, -32
  sd ra, 0(sp)
  sd s0, 8(sp)
  sd s1, 16(sp)
  mv s0, a0
  li a0, '0'
  call put_char
  li a0, 'x'
  call put_char
  li s1, 60
1:srl a0, s0, s1
  andi a0, a0, 15
  li t0, 10
  blt a0, t0, 2f
  addi a0, a0, 'a' - 10 - '0'
2:addi a0, a0, '0'
  call put_char
  addi s1, s1, -4
  bgez s1, 1b
  ld ra, 0(sp)
  ld s0, 8(sp)
  ld s1, 16(sp)
  addi sp, sp, 32
  ret

  .globl put_dec
put_dec:
  addi sp, sp, -48
  sd ra, 0(sp)
  sd s0, 8(sp)
  // digits into 16..39(sp), last first
  addi s0, sp, 40
  sb zero, 0(s0)
  li t1, 10
1:remu t0, a0, t1
  divu a0, a0, t1
  addi t0, t0, '0'
  addi s0, s0, -1
  sb t0, 0(s0)
  bnez a0, 1b
  mv a0, s0
  call puts
  ld ra, 0(sp)
  ld s0, 8(sp)
  addi sp, sp, 48
  ret

  .section .rodata
msg_unexpected_m: .asciz "FAIL: unexpected M-mode trap during check "
msg_unexpected_s: .asciz "FAIL: unexpected S-mode trap during check "
msg_mcause: .asciz ": mcause="
msg_mepc: .asciz " mepc="
msg_mtval: .asciz " mtval="
msg_mstatus: .asciz " mstatus="
msg_scause: .asciz ": scause="
msg_sepc: .asciz " sepc="
msg_stval: .asciz " stval="
msg_fail: .asciz "FAIL: "
msg_check: .asciz ": check "
msg_got: .asciz " failed: got "
msg_expected: .asciz ", expected "
msg_colon: .asciz ": "
msg_passed: .asciz " checks passed\n"
msg_newline: .asciz "\n"

  .bss
  .align 6
  .globl m_trap, s_trap
m_trap: .space REC_SIZE
s_trap: .space REC_SIZE
  .align 3
soft_fail_save: .space 32 * 8
first_failure: .space 8
  .globl poll_deadline
poll_deadline: .space 8
  .align 4
  .space 16384
stack_top:
  .space 4096
fail_stack_top:
