// Trap delegation (privileged spec 1.12, 3.1.8, 3.1.7, 4.1.1, 4.1.2):
// medeleg/mideleg as WARL registers, delegated exceptions from U and S
// taken in S with scause/sepc/stval and the SIE/SPIE/SPP stack, exceptions
// from M never delegated, undelegated ones going to M, sret from the S
// handler back into U, delegated interrupts never taken in M, and vectored
// stvec/mtvec: interrupts at base + 4 * cause, exceptions at base.
#include "priv.h"

PROGRAM_START "deleg"

  // ---- WARL: what can be delegated ----
  CHECK 1 // medeleg[11] (ecall from M) is read-only zero
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  ASSERT_BITS a0, 1 << CAUSE_MACHINE_ECALL, 0
  CHECK 2 // the exceptions an OS handles can be delegated
  ASSERT_BITS a0, 0xb30c, 0xb30c // illegal, breakpoint, ecall U/S, page faults
  CHECK 3 // the supervisor interrupts can be delegated
  li t0, -1
  csrw mideleg, t0
  csrr a0, mideleg
  ASSERT_BITS a0, MIP_SSIP | MIP_STIP | MIP_SEIP, MIP_SSIP | MIP_STIP | MIP_SEIP
  CHECK 4 // clearing works (a hart with the H extension may keep its VS bits set)
  csrw medeleg, zero
  csrw mideleg, zero
  csrr a0, medeleg
  csrr a1, mideleg
  andi a1, a1, MIP_SSIP | MIP_STIP | MIP_SEIP
  or a0, a0, a1
  ASSERT_EQ a0, 0

  // ---- A delegated illegal instruction from U goes to S ----
  CHECK 5
  li t0, 1 << CAUSE_ILLEGAL_INSTRUCTION
  csrw medeleg, t0
  M_TRAP s3, REC_COUNT
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
illegal_u:
  .option push
  .option norvc
  csrr a0, mstatus // illegal in U
  .option pop
  TRAP_MISSED
2:// S-mode handler continuation
  csrr a1, sstatus
  ecall // to M (ecall from S is not delegated)
  TRAP_MISSED
1:ASSERT_S_TRAP CAUSE_ILLEGAL_INSTRUCTION, illegal_u
  CHECK 6 // stval = the instruction bits
  S_TRAP a0, REC_TVAL
  ASSERT_EQ a0, 0x30002573
  CHECK 7 // SPP = U, SIE = 0
  ASSERT_BITS a1, MSTATUS_SPP | MSTATUS_SIE, 0
  CHECK 8 // M-mode saw the S-mode ecall only: one more M trap, none for the illegal instruction
  M_TRAP a0, REC_COUNT
  sub a0, a0, s3
  ASSERT_EQ a0, 1
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  CHECK 9 // scause/sepc are what S-mode read in its handler (the handler recorded them from S)
  csrr a0, scause
  ASSERT_EQ a0, CAUSE_ILLEGAL_INSTRUCTION
  csrr a0, sepc
  ASSERT_LABEL a0, illegal_u

  // ---- SPIE records SIE: a delegated breakpoint from S with SIE = 1 ----
  CHECK 10
  li t0, (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0 // sie = 0: nothing can interrupt
ebreak_s:
  ebreak
  TRAP_MISSED
2:csrr a1, sstatus
  ecall
  TRAP_MISSED
1:ASSERT_S_TRAP CAUSE_BREAKPOINT, ebreak_s
  CHECK 11 // SPP = S, SPIE = 1, SIE = 0
  ASSERT_BITS a1, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
  CHECK 12 // an S-mode trap leaves the M-mode stack alone: MPP is S from the ecall
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, MSTATUS_MPP_S

  // ---- Delegated ecalls ----
  CHECK 13 // ecall from U, delegated
  li t0, (1 << CAUSE_USER_ECALL)
  csrw medeleg, t0
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
ecall_u:
  ecall
  TRAP_MISSED
2:ecall // S -> M
  TRAP_MISSED
1:ASSERT_S_TRAP CAUSE_USER_ECALL, ecall_u
  S_TRAP a0, REC_TVAL
  ASSERT_EQ a0, 0
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  CHECK 14 // ecall from S, delegated, stays in S
  li t0, (1 << CAUSE_SUPERVISOR_ECALL) | (1 << CAUSE_ILLEGAL_INSTRUCTION)
  csrw medeleg, t0
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
ecall_s:
  ecall
  TRAP_MISSED
2:csrr a1, sstatus
  ebreak // not delegated: to M
  TRAP_MISSED
1:ASSERT_S_TRAP CAUSE_SUPERVISOR_ECALL, ecall_s
  ASSERT_BITS a1, MSTATUS_SPP, MSTATUS_SPP
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_BREAKPOINT
  CHECK 15 // exceptions in M-mode are never delegated, whatever medeleg says
  li t0, -1
  csrw medeleg, t0
  M_TRAP s3, REC_COUNT
  S_TRAP s4, REC_COUNT
  EXPECT_M_TRAP 1f
ebreak_m:
  ebreak
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_BREAKPOINT, ebreak_m
  CHECK 16
  EXPECT_M_TRAP 1f
illegal_m:
  .word 0xfc00002b
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, illegal_m
  CHECK 17
  EXPECT_M_TRAP 1f
ecall_m:
  ecall
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_MACHINE_ECALL, ecall_m
  CHECK 18 // and the S handler never ran
  S_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s4
  M_TRAP a0, REC_COUNT
  sub a0, a0, s3
  ASSERT_EQ a0, 3

  // ---- sret from the S handler back into U: the U code goes on ----
  CHECK 19
  li t0, (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  li a2, 0
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
  .option push
  .option norvc
ebreak_u:
  ebreak
  .option pop
  li a2, 19 // runs after the S handler's sret
ecall_u2:
  ecall // not delegated: to M
  TRAP_MISSED
2:// S: skip the ebreak and return to U
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  sret
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_USER_ECALL, ecall_u2
  ASSERT_EQ a2, 19
  S_TRAP a0, REC_EPC
  ASSERT_LABEL a0, ebreak_u
  CHECK 20 // an undelegated exception from S goes to M with MPP = S
  li t0, (1 << CAUSE_USER_ECALL)
  csrw medeleg, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
ebreak_s2:
  ebreak
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_BREAKPOINT, ebreak_s2
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, MSTATUS_MPP_S
  csrw medeleg, zero

  // ---- Delegated interrupts: never taken in M, taken in S ----
  CHECK 21
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0 // M-mode may set SSIP
  csrr a0, mip
  ASSERT_BITS a0, MIP_SSIP, MIP_SSIP
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  M_TRAP s3, REC_COUNT
  nop
  nop
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  M_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s3 // MIE = 1 in M, SSIP pending and enabled: still not taken
  CHECK 22 // in S with SIE = 1 it is taken, through the direct stvec (vector -1)
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0
ssip_spin:
  j ssip_spin
2:csrr a1, sip
  li t0, MIP_SSIP
  csrc sip, t0 // S clears its own software interrupt
  csrr a2, sip
  ecall
  TRAP_MISSED
1:S_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_S_SOFT
  S_TRAP a0, REC_VECTOR
  ASSERT_EQ a0, -1
  CHECK 23 // sepc is the interrupted instruction
  S_TRAP a0, REC_EPC
  ASSERT_LABEL a0, ssip_spin
  CHECK 24 // stval is 0 for an interrupt
  S_TRAP a0, REC_TVAL
  ASSERT_EQ a0, 0
  CHECK 25 // sip showed SSIP in the handler, and S could clear it
  ASSERT_BITS a1, MIP_SSIP, MIP_SSIP
  ASSERT_BITS a2, MIP_SSIP, 0
  csrr a0, mip
  ASSERT_BITS a0, MIP_SSIP, 0

  // ---- Vectored stvec: interrupts at base + 4 * cause, exceptions at base ----
  CHECK 26
  la t0, trap_s_vectors + 1
  csrw stvec, t0
  csrr a0, stvec
  la t1, trap_s_vectors + 1
  ASSERT_REG_EQ a0, t1 // MODE = 1 (vectored) is supported
  li t0, MIP_SSIP
  csrs mip, t0
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0
3:j 3b
2:li t0, MIP_SSIP
  csrc sip, t0
  ecall
  TRAP_MISSED
1:S_TRAP a0, REC_VECTOR
  ASSERT_EQ a0, IRQ_S_SOFT
  S_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_S_SOFT
  CHECK 27 // a delegated exception with a vectored stvec: base (slot 0)
  li t0, (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
ebreak_vs:
  ebreak
  TRAP_MISSED
2:ecall
  TRAP_MISSED
1:S_TRAP a0, REC_VECTOR
  ASSERT_EQ a0, 0
  ASSERT_S_TRAP CAUSE_BREAKPOINT, ebreak_vs
  csrw medeleg, zero
  la t0, trap_s_entry
  csrw stvec, t0

  // ---- Vectored mtvec ----
  CHECK 28 // the machine software interrupt (CLINT msip) at slot 3
  la t0, trap_m_vectors + 1
  csrw mtvec, t0
  csrw mideleg, zero
  li t0, MIP_MSIP
  csrw mie, t0
  MMIO_W32 CLINT_MSIP, 1
  EXPECT_M_TRAP 1f
  li t0, MSTATUS_MIE
  csrs mstatus, t0
3:j 3b
1:MMIO_W32 CLINT_MSIP, 0
  M_TRAP a0, REC_VECTOR
  ASSERT_EQ a0, IRQ_M_SOFT
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_SOFT
  CHECK 29 // after the trap MIE = 0 and MPIE = 1
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP_M
  CHECK 30 // an undelegated STIP (set by M in mip) is an M interrupt: slot 5
  li t0, MIP_STIP
  csrw mie, t0
  csrs mip, t0
  EXPECT_M_TRAP 1f
  li t0, MSTATUS_MIE
  csrs mstatus, t0
3:j 3b
1:li t0, MIP_STIP
  csrc mip, t0
  M_TRAP a0, REC_VECTOR
  ASSERT_EQ a0, IRQ_S_TIMER
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_S_TIMER
  CHECK 31 // an exception with a vectored mtvec: base
  EXPECT_M_TRAP 1f
ecall_vm:
  ecall
  TRAP_MISSED
1:M_TRAP a0, REC_VECTOR
  ASSERT_EQ a0, 0
  ASSERT_M_TRAP CAUSE_MACHINE_ECALL, ecall_vm
  CHECK 32 // an interrupt from S with a vectored mtvec (machine interrupts are on in S)
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, MSTATUS_MPIE
  csrc mstatus, t0 // MIE will be 0 in S: M interrupts still come
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  MMIO_W32 CLINT_MSIP, 1
3:j 3b
1:MMIO_W32 CLINT_MSIP, 0
  M_TRAP a0, REC_VECTOR
  ASSERT_EQ a0, IRQ_M_SOFT
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, MSTATUS_MPP_S
  csrw mie, zero
  la t0, trap_m_entry
  csrw mtvec, t0
  CHECK 33 // a reserved MODE (2) written to stvec leaves a legal value
  li t0, 0x80001002
  csrw stvec, t0
  csrr a0, stvec
  andi a0, a0, 3
  li t1, 2
  sltu a0, a0, t1
  ASSERT_EQ a0, 1
  la t0, trap_s_entry
  csrw stvec, t0
  PASS
