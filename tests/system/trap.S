// Trap entry and return (privileged spec 1.12, 3.1.6.1, 3.1.14-3.1.16,
// 3.3.1, 3.3.2): ecall from M, S and U; mepc and mcause; mtval of an
// illegal instruction (its bits) and of ecall (0); jalr clearing bit 0 so a
// misaligned fetch cannot happen with C; ebreak and c.ebreak; mret and sret
// restoring xIE/xPIE/xPP and setting xPP to U; mret and sret clearing MPRV
// when they leave M-mode; mret/sret illegal below their mode.
#include "priv.h"

PROGRAM_START "trap"

  // ---- ecall from M ----
  CHECK 1
  li t0, MSTATUS_MIE
  csrs mstatus, t0 // mie = 0: nothing can interrupt
  EXPECT_M_TRAP 1f
ecall_m:
  ecall
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_MACHINE_ECALL, ecall_m
  CHECK 2
  ASSERT_M_TVAL 0
  CHECK 3 // MPP = M, MPIE = the MIE before the trap (1), MIE cleared
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPP_M | MSTATUS_MPIE
  CHECK 4 // and mstatus itself still says so in the handler's continuation
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_MIE, 0
  CHECK 5 // mepc is the ecall itself, not the next instruction
  csrr a0, mepc
  ASSERT_LABEL a0, ecall_m

  // ---- ecall from S ----
  CHECK 6
  li t0, MSTATUS_MIE | MSTATUS_MPIE
  csrc mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
ecall_s:
  ecall
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_SUPERVISOR_ECALL, ecall_s
  CHECK 7
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPP_S
  CHECK 8
  ASSERT_M_TVAL 0

  // ---- ecall from U ----
  CHECK 9
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
ecall_u:
  ecall
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_USER_ECALL, ecall_u
  CHECK 10
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, 0

  // ---- ecall from U after mret with MPIE = 1: MIE was 1 in U, so MPIE = 1 ----
  CHECK 11
  li t0, MSTATUS_MPIE
  csrs mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
ecall_u2:
  ecall
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_USER_ECALL, ecall_u2
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPIE

  // ---- Illegal instructions: mtval = the instruction's bits ----
  CHECK 12 // a write to a read-only CSR (the canonical unimp: csrrw x0, cycle, x0)
  EXPECT_M_TRAP 1f
illegal_csr:
  .option push
  .option norvc
  csrrw x0, cycle, x0
  .option pop
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, illegal_csr
  CHECK 13
  ASSERT_M_TVAL 0xc0001073
  CHECK 14 // custom-1 opcode: no such extension; upper mtval bits stay zero
  EXPECT_M_TRAP 1f
illegal_custom:
  .word 0xfc00002b
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, illegal_custom
  CHECK 15
  ASSERT_M_TVAL 0xfc00002b
  CHECK 16 // reserved compressed encoding (c.addi4spn with nzuimm = 0): the 16 bits
  EXPECT_M_TRAP 1f
illegal_rvc:
  .half 0x0004
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, illegal_rvc
  CHECK 17
  ASSERT_M_TVAL 0x0004
  CHECK 18 // c.lwsp with rd = x0 is reserved too
  EXPECT_M_TRAP 1f
illegal_rvc2:
  .half 0x4002
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, illegal_rvc2
  ASSERT_M_TVAL 0x4002
  CHECK 19 // an illegal instruction in U-mode: mret
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
mret_in_u:
  mret
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, mret_in_u
  ASSERT_M_TVAL 0x30200073
  CHECK 20 // mret in S-mode is illegal too
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
mret_in_s:
  mret
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, mret_in_s
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, MSTATUS_MPP_S
  CHECK 21 // sret in U-mode
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
sret_in_u:
  sret
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, sret_in_u
  ASSERT_M_TVAL 0x10200073

  // ---- jalr clears bit 0: with C there is no misaligned fetch ----
  CHECK 22
  li a0, 0
  la t0, jalr_target + 1
  jalr ra, 0(t0)
  TRAP_MISSED
  .align 2
jalr_target:
  li a0, 22
  ASSERT_EQ a0, 22
  CHECK 23 // an odd offset is cleared the same way; the link is pc + 4
  li a0, 0
  la t0, jalr_target2
  .option push
  .option norvc
jalr_site:
  jalr ra, 1(t0)
  .option pop
  TRAP_MISSED
  .align 2
jalr_target2:
  li a0, 23
  ASSERT_EQ a0, 23
  la t0, jalr_site + 4
  ASSERT_REG_EQ ra, t0
  CHECK 24 // a target at a 2-byte boundary is fine (no fault)
  la t0, half_target
  jr t0
  TRAP_MISSED
  .align 2
  .half 0x0001 // c.nop, so half_target is 2 mod 4
half_target:
  .option push
  .option rvc
  c.li a0, 24
  .option pop
  ASSERT_EQ a0, 24
  la t0, half_target
  andi t0, t0, 3
  ASSERT_EQ t0, 2

  // ---- ebreak and c.ebreak ----
  CHECK 25
  EXPECT_M_TRAP 1f
  .option push
  .option norvc
ebreak_site:
  ebreak
  .option pop
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_BREAKPOINT, ebreak_site
  CHECK 26 // mtval: the address of the ebreak (what Tiercel writes) or 0
  M_TRAP a0, REC_TVAL
  beqz a0, 2f
  ASSERT_LABEL a0, ebreak_site
2:CHECK 27
  EXPECT_M_TRAP 1f
  .option push
  .option rvc
c_ebreak_site:
  c.ebreak
  .option pop
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_BREAKPOINT, c_ebreak_site
  M_TRAP a0, REC_TVAL
  beqz a0, 2f
  ASSERT_LABEL a0, c_ebreak_site
2:CHECK 28 // ebreak from U-mode: MPP = U
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
ebreak_u:
  ebreak
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_BREAKPOINT, ebreak_u
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, 0

  // ---- mret: MIE = MPIE, MPIE = 1, MPP = U (least privileged mode) ----
  CHECK 29
  li t0, MSTATUS_MPIE | MSTATUS_MIE
  csrc mstatus, t0
  GOTO_MODE PRV_M // MPP = M, MPIE = 0
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE
  CHECK 30
  li t0, MSTATUS_MPIE
  csrs mstatus, t0
  GOTO_MODE PRV_M // MPP = M, MPIE = 1: MIE becomes 1
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MIE | MSTATUS_MPIE
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  CHECK 31 // mret to M keeps MPRV
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  GOTO_MODE PRV_M
  csrr a0, mstatus
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  ASSERT_BITS a0, MSTATUS_MPRV | MSTATUS_MPP, MSTATUS_MPRV
  CHECK 32 // mret to S clears MPRV (seen from M after the ecall back)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ecall
  TRAP_MISSED
1:M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPRV, 0
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_MPRV, 0
  CHECK 33 // and mret to U
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
  ecall
  TRAP_MISSED
1:csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_MPRV, 0
  CHECK 34 // mret jumps to mepc, and mepc[0] is always 0 (IALIGN = 16)
  la t0, mret_target + 1
  csrw mepc, t0
  csrr a0, mepc
  la t0, mret_target
  ASSERT_REG_EQ a0, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  mret
  TRAP_MISSED
mret_target:
  CHECK 35 // mepc[1] is writable: 2-byte aligned addresses are kept
  li t0, 0x80000006
  csrw mepc, t0
  csrr a0, mepc
  ASSERT_EQ a0, 0x80000006

  // ---- sret: SIE = SPIE, SPIE = 1, SPP = U; from M-mode too ----
  CHECK 36 // sret in M-mode with SPP = U goes to U
  li t0, MSTATUS_SPP
  csrc mstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_M_TRAP 1f
  sret
  TRAP_MISSED
2:ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_USER_ECALL
  CHECK 37 // sret in M-mode with SPP = S goes to S, and clears MPRV
  li t0, MSTATUS_SPP | MSTATUS_MPRV
  csrs mstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_M_TRAP 1f
  sret
  TRAP_MISSED
2:ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPRV | MSTATUS_SPP, 0
  CHECK 38 // sret in S-mode: SIE = SPIE (1), SPIE = 1, SPP = U
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrs sstatus, t0
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
  TRAP_MISSED
2:csrr a1, sstatus // still S-mode (SPP was S): sstatus is readable
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  ecall
  TRAP_MISSED
1:ASSERT_BITS a1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SIE | MSTATUS_SPIE
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  CHECK 39 // sret with SPIE = 0: SIE = 0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SPP | MSTATUS_SIE
  csrs sstatus, t0
  li t0, MSTATUS_SPIE
  csrc sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
  TRAP_MISSED
2:csrr a1, sstatus
  ecall
  TRAP_MISSED
1:ASSERT_BITS a1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE
  CHECK 40 // sret from S to U: the ecall comes from U
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
  TRAP_MISSED
2:ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_USER_ECALL
  M_TRAP a0, REC_EPC
  ASSERT_LABEL a0, 2b
  CHECK 41 // sepc[0] is always 0 too
  li t0, 0x80000011
  csrw sepc, t0
  csrr a0, sepc
  ASSERT_EQ a0, 0x80000010
  CHECK 42 // mcause/mtval are plain read/write registers for software
  li t0, 0x8000000000000005
  csrw mcause, t0
  csrr a0, mcause
  li t1, 0x8000000000000005
  ASSERT_REG_EQ a0, t1
  li t0, 0x123456789abcdef0
  csrw mtval, t0
  csrr a0, mtval
  ASSERT_REG_EQ a0, t0
  CHECK 43 // a trap count sanity check: the handler saw every trap above
  M_TRAP a0, REC_COUNT
  ASSERT_EQ a0, 21
  PASS
