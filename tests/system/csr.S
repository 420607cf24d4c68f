// CSR access rules (privileged spec 1.12, 2.1, 3.1.6.5, 3.1.11, 4.1): CSRs
// of a higher privilege are illegal, so are writes to read-only CSRs (but
// not csrrs/csrrc with x0, which do not write); TVM (satp, sfence.vma in
// S), TW (wfi in S), TSR (sret in S); mcounteren/scounteren gating
// cycle/time/instret in S and U; sstatus, sie and sip as restricted views
// of mstatus, mie and mip; WARL fields (misa, mtvec MODE, satp MODE,
// mstatus.MPP, read-only mip bits).
#include "priv.h"

// Expects `insn` (placed at label `site`) to raise an illegal-instruction
// exception taken in M-mode, with mtval = the instruction's bits.
.macro EXPECT_ILLEGAL_HERE resume
  EXPECT_M_TRAP \resume
.endm

PROGRAM_START "csr"

  // ---- Privilege of the CSR number (csr[9:8]) ----
  CHECK 1 // S reads mstatus
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_reads_mstatus:
  csrr a0, mstatus
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, s_reads_mstatus
  ASSERT_M_TVAL 0x30002573
  CHECK 2 // S writes mscratch
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_writes_mscratch:
  csrw mscratch, zero
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, s_writes_mscratch
  CHECK 3 // U reads sstatus
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
u_reads_sstatus:
  csrr a0, sstatus
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, u_reads_sstatus
  CHECK 4 // U writes sscratch
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
u_writes_sscratch:
  csrw sscratch, a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, u_writes_sscratch
  CHECK 5 // S may use its own CSRs: sscratch round trip
  csrr s4, sscratch
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, 0x5a5a
  csrrw a1, sscratch, t0
  csrr a0, sscratch
  csrw sscratch, a1
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0x5a5a
  ASSERT_REG_EQ a1, s4
  CHECK 6 // U reads mhartid
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
u_reads_mhartid:
  csrr a0, mhartid
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, u_reads_mhartid

  // ---- Read-only CSRs (csr[11:10] = 3) ----
  CHECK 7 // M writes mhartid
  EXPECT_M_TRAP 1f
m_writes_mhartid:
  csrw mhartid, zero
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, m_writes_mhartid
  ASSERT_M_TVAL 0xf1401073
  CHECK 8 // csrrs with rs1 = x0 does not write: legal on a read-only CSR
  csrrs a0, mhartid, x0
  ASSERT_EQ a0, 0
  csrrc a0, mvendorid, x0
  csrrsi a0, mimpid, 0
  csrrci a0, marchid, 0
  CHECK 9 // csrrs with rs1 != x0 writes, even if x[rs1] is 0
  li a1, 0
  EXPECT_M_TRAP 1f
m_sets_mhartid:
  csrrs a0, mhartid, a1
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, m_sets_mhartid
  CHECK 10 // csrrsi with a non-zero immediate writes
  EXPECT_M_TRAP 1f
m_setsi_cycle:
  csrrsi a0, cycle, 1
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, m_setsi_cycle
  CHECK 11 // csrrw with rd = x0 still writes
  EXPECT_M_TRAP 1f
m_writes_time:
  csrrw x0, time, a1
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, m_writes_time
  CHECK 12 // a CSR number nothing implements (custom read/write range)
  EXPECT_M_TRAP 1f
m_custom_csr:
  csrr a0, 0x7c0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, m_custom_csr
  CHECK 13 // mhartid is the a0 the hart started with: 0 on this board
  csrr a0, mhartid
  ASSERT_EQ a0, 0

  // ---- TVM ----
  CHECK 14 // satp readable and writable in S while TVM = 0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  csrr a0, satp
  csrw satp, zero
  sfence.vma
  ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  CHECK 15 // TVM = 1: satp read in S is illegal
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
tvm_read:
  csrr a0, satp
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, tvm_read
  CHECK 16 // satp write in S
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
tvm_write:
  csrw satp, zero
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, tvm_write
  CHECK 17 // sfence.vma in S
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
tvm_sfence:
  sfence.vma
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, tvm_sfence
  ASSERT_M_TVAL 0x12000073
  CHECK 18 // M-mode is not affected by TVM
  csrr a0, satp
  csrw satp, a0
  sfence.vma
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  CHECK 19 // sfence.vma in U is illegal regardless
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
u_sfence:
  sfence.vma
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, u_sfence

  // ---- TW ----
  CHECK 20 // wfi in S with TW = 1 is illegal (this hart has no time-out first)
  li t0, MSTATUS_TW
  csrs mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
tw_wfi:
  wfi
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, tw_wfi
  ASSERT_M_TVAL 0x10500073
  li t0, MSTATUS_TW
  csrc mstatus, t0
  CHECK 21 // wfi in S with TW = 0 completes when an interrupt is pending and enabled
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0 // SSIP pending, enabled in sie, but SIE = 0 in S: not taken
  li a2, 0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  wfi
  li a2, 21
  ecall
  TRAP_MISSED
1:ASSERT_EQ a2, 21
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  li t0, MIP_SSIP
  csrc mip, t0
  csrw mie, zero
  csrw mideleg, zero
  CHECK 22 // wfi in U is illegal (S-mode exists)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
u_wfi:
  wfi
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, u_wfi

  // ---- TSR ----
  CHECK 23 // sret in S with TSR = 1 is illegal
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  la t0, fail
  csrw sepc, t0
tsr_sret:
  sret
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, tsr_sret
  ASSERT_M_TVAL 0x10200073
  CHECK 24 // sret in M ignores TSR
  li t0, MSTATUS_SPP
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
  li t0, MSTATUS_TSR
  csrc mstatus, t0

  // ---- Counter enables ----
  CHECK 25 // M reads every counter
  rdcycle a0
  rdtime a0
  rdinstret a0
  csrw mcounteren, zero
  csrw scounteren, zero
  CHECK 26 // S: cycle needs mcounteren.CY
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_cycle:
  rdcycle a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, s_cycle
  CHECK 27 // S: time needs mcounteren.TM
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_time:
  rdtime a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, s_time
  CHECK 28 // S: instret needs mcounteren.IR
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_instret:
  rdinstret a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, s_instret
  CHECK 29 // mcounteren = CY|TM|IR: S reads all three; time moves
  li t0, 7
  csrw mcounteren, t0
  csrr a0, mcounteren
  ASSERT_EQ a0, 7
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  rdcycle a0
  rdinstret a1
  rdtime a2
2:rdtime a3
  beq a2, a3, 2b
  ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  CHECK 30 // U with mcounteren set but scounteren clear: illegal
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
u_cycle:
  rdcycle a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, u_cycle
  CHECK 31 // U with both: legal
  li t0, 7
  csrw scounteren, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
  rdcycle a0
  rdtime a0
  rdinstret a0
  ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_USER_ECALL
  CHECK 32 // U with scounteren set but mcounteren.TM clear: illegal
  li t0, 5
  csrw mcounteren, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
  rdcycle a0 // CY still on
u_time:
  rdtime a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, u_time
  CHECK 33 // S may write scounteren
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  csrw scounteren, zero
  csrr a0, scounteren
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0
  CHECK 34 // instret counts retired instructions
  rdinstret a0
  nop
  nop
  nop
  rdinstret a1
  sub a1, a1, a0
  ASSERT_EQ a1, 4
  csrw mcounteren, zero

  // ---- sstatus is a view of mstatus ----
  CHECK 35 // M-only fields do not show in sstatus
  li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrs mstatus, t0
  csrr a0, sstatus
  ASSERT_BITS a0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | MSTATUS_MPRV, 0
  li t0, MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrc mstatus, t0
  CHECK 36 // writing sstatus with all ones changes only the S fields
  csrr s4, mstatus
  li t0, -1
  csrw sstatus, t0
  csrr a0, mstatus
  csrw mstatus, s4
  xor a0, a0, s4
  ASSERT_BITS a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR, 0
  CHECK 37 // SIE, SPIE, SPP, SUM, MXR changed through sstatus show in mstatus
  csrr s4, mstatus
  li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  csrc mstatus, t0
  csrs sstatus, t0
  csrr a0, mstatus
  csrw mstatus, s4
  ASSERT_BITS a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  CHECK 38 // UXL and SXL say 64 bits
  csrr a0, mstatus
  srli a0, a0, 32
  ASSERT_BITS a0, 0xf, 0xa
  csrr a0, sstatus
  srli a0, a0, 32
  ASSERT_BITS a0, 0x3, 0x2

  // ---- sie and sip are views of mie and mip, through mideleg ----
  CHECK 39 // nothing delegated: sie reads zero whatever mie holds
  csrw mideleg, zero
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mie, t0
  csrr a0, sie
  ASSERT_EQ a0, 0
  CHECK 40 // and a write to sie changes nothing
  csrw mie, zero
  li t0, -1
  csrw sie, t0
  csrr a0, mie
  ASSERT_BITS a0, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MTIP | MIP_MEIP, 0
  CHECK 41 // delegated: sie writes land in mie, only for the delegated bits
  li t0, MIP_STIP | MIP_SSIP
  csrw mideleg, t0
  li t0, -1
  csrw sie, t0
  csrr a0, mie
  ASSERT_BITS a0, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MTIP | MIP_MEIP, MIP_SSIP | MIP_STIP
  csrr a0, sie
  ASSERT_BITS a0, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_MTIP | MIP_MEIP, MIP_SSIP | MIP_STIP
  csrw mie, zero
  CHECK 42 // sip shows delegated pending bits only
  li t0, MIP_STIP
  csrs mip, t0
  csrr a0, sip
  ASSERT_BITS a0, MIP_STIP, MIP_STIP
  csrw mideleg, zero
  csrr a0, sip
  ASSERT_BITS a0, MIP_STIP, 0
  csrr a0, mip
  ASSERT_BITS a0, MIP_STIP, MIP_STIP
  CHECK 43 // sip.STIP is read-only from S (only M sets the timer's pending bit)
  li t0, MIP_STIP | MIP_SSIP
  csrw mideleg, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MIP_STIP
  csrc sip, t0
  ecall
  TRAP_MISSED
1:csrr a0, mip
  ASSERT_BITS a0, MIP_STIP, MIP_STIP
  li t0, MIP_STIP
  csrc mip, t0
  csrr a0, mip
  ASSERT_BITS a0, MIP_STIP, 0
  CHECK 44 // sip.SSIP is writable from S when delegated
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MIP_SSIP
  csrs sip, t0
  ecall
  TRAP_MISSED
1:csrr a0, mip
  ASSERT_BITS a0, MIP_SSIP, MIP_SSIP
  li t0, MIP_SSIP
  csrc mip, t0
  csrw mideleg, zero
  CHECK 45 // mip.MTIP, MSIP, MEIP are read-only (driven by CLINT and PLIC)
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0) // timer far away: MTIP low
  MMIO_W32 CLINT_MSIP, 0
  li t0, MIP_MTIP | MIP_MSIP | MIP_MEIP
  csrs mip, t0
  csrr a0, mip
  ASSERT_BITS a0, MIP_MTIP | MIP_MSIP | MIP_MEIP, 0
  CHECK 46 // and csrc cannot clear them: msip raised through the CLINT stays
  MMIO_W32 CLINT_MSIP, 1
  li t0, MIP_MSIP
  csrc mip, t0
  csrr a0, mip
  MMIO_W32 CLINT_MSIP, 0
  ASSERT_BITS a0, MIP_MSIP, MIP_MSIP
  csrr a0, mip
  ASSERT_BITS a0, MIP_MSIP, 0

  // ---- WARL fields ----
  CHECK 47 // misa: MXL = 64, and I M A F D C S U
  csrr a0, misa
  srli a1, a0, 62
  ASSERT_EQ a1, 2
  li t0, (1 << ('I' - 'A')) | (1 << ('M' - 'A')) | (1 << ('A' - 'A')) | (1 << ('F' - 'A')) | (1 << ('D' - 'A')) | (1 << ('C' - 'A')) | (1 << ('S' - 'A')) | (1 << ('U' - 'A'))
  and a1, a0, t0
  ASSERT_REG_EQ a1, t0
  CHECK 48 // misa is read-only here: a write that would drop F and D is ignored
  li t0, ~((1 << ('F' - 'A')) | (1 << ('D' - 'A')))
  and t0, a0, t0
  csrw misa, t0
  csrr a1, misa
  ASSERT_REG_EQ a1, a0
  CHECK 49 // mtvec: vectored MODE is kept
  csrr s4, mtvec
  la t0, trap_m_vectors + 1
  csrw mtvec, t0
  csrr a0, mtvec
  csrw mtvec, s4
  la t0, trap_m_vectors + 1
  ASSERT_REG_EQ a0, t0
  CHECK 50 // mtvec: a reserved MODE (2, 3) is not kept
  la t0, trap_m_vectors + 2
  csrw mtvec, t0
  csrr a0, mtvec
  csrw mtvec, s4
  andi a0, a0, 3
  li t0, 2
  sltu a0, a0, t0
  ASSERT_EQ a0, 1
  la t0, trap_m_vectors + 3
  csrw mtvec, t0
  csrr a0, mtvec
  csrw mtvec, s4
  andi a0, a0, 3
  li t0, 2
  sltu a0, a0, t0
  ASSERT_EQ a0, 1
  CHECK 51 // satp: Sv39 is accepted (read back in M, where it does not translate)
  la t0, csr_root_table
  srli t0, t0, 12
  li t1, SATP_MODE_SV39
  or s4, t0, t1
  csrw satp, s4
  csrr a0, satp
  ASSERT_REG_EQ a0, s4
  CHECK 52 // a reserved MODE (1) is ignored: the whole write has no effect
  li t1, (1 << 60)
  or t1, t1, t0
  csrw satp, t1
  csrr a0, satp
  ASSERT_REG_EQ a0, s4
  CHECK 53 // Sv48 is accepted
  li t1, SATP_MODE_SV48
  or t1, t1, t0
  csrw satp, t1
  csrr a0, satp
  ASSERT_REG_EQ a0, t1
  csrw satp, zero
  csrr a0, satp
  ASSERT_EQ a0, 0
  CHECK 54 // mstatus.MPP: S and U are kept, the reserved 2 is not
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S
  csrs mstatus, t0
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_MPP, MSTATUS_MPP_S
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_MPP, 0
  li t0, (2 << 11)
  csrs mstatus, t0
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  ASSERT_NE a0, 2
  CHECK 55 // mscratch is a plain register
  csrr s4, mscratch
  li t0, 0x0123456789abcdef
  csrw mscratch, t0
  csrr a0, mscratch
  csrw mscratch, s4
  ASSERT_REG_EQ a0, t0
  CHECK 56 // mepc holds a full address
  li t0, 0xfffffffffffffffe
  csrw mepc, t0
  csrr a0, mepc
  ASSERT_REG_EQ a0, t0

  // ---- Counters ----
  CHECK 57 // a write to minstret replaces the writing instruction's own increment
  li t0, 1000
  csrw minstret, t0
  csrr a0, minstret
  csrr a1, minstret
  rdinstret a2
  ASSERT_EQ a0, 1000
  ASSERT_EQ a1, 1001
  CHECK 58 // instret (the unprivileged view) is minstret
  ASSERT_EQ a2, 1002
  CHECK 59 // mcycle is writable the same way and keeps counting
  li t0, 5000
  csrw mcycle, t0
  csrr a0, mcycle
  csrr a1, mcycle
  sltu a2, a1, a0 // never backwards
  ASSERT_EQ a2, 0
  li t0, 5000
  sltu a2, a0, t0
  ASSERT_EQ a2, 0
  CHECK 60 // mcountinhibit.IR freezes minstret
  li t0, 4
  csrw mcountinhibit, t0
  csrr a0, mcountinhibit
  ASSERT_EQ a0, 4
  csrr a0, minstret
  nop
  nop
  csrr a1, minstret
  ASSERT_REG_EQ a1, a0
  CHECK 61 // a write while frozen is read back as written
  li t0, 77
  csrw minstret, t0
  csrr a0, minstret
  ASSERT_EQ a0, 77
  CHECK 62 // counting resumes from there once IR is cleared
  csrw mcountinhibit, zero
  nop
  csrr a0, minstret
  li t0, 78
  sltu a1, a0, t0
  ASSERT_EQ a1, 0
  li t0, 81
  sltu a1, a0, t0
  ASSERT_EQ a1, 1
  CHECK 63 // the time CSR is the CLINT's mtime
  rdtime a0
  READ_MTIME a1
  rdtime a2
  sltu t0, a1, a0
  ASSERT_EQ t0, 0
  sltu t0, a2, a1
  ASSERT_EQ t0, 0
  CHECK 64 // hpmcounter3 in S needs its mcounteren bit (hardwired to 0 here)
  li t0, 7
  csrw mcounteren, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_hpm3:
  csrr a0, hpmcounter3
  TRAP_MISSED
1:csrr t0, mcounteren
  csrw mcounteren, zero
  andi t0, t0, 8
  bnez t0, 2f // an implementation whose bit 3 is writable lets S read it
  ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, s_hpm3
2:CHECK 65 // TW does not apply to M-mode: wfi with an interrupt pending and enabled returns
  li t0, MSTATUS_TW
  csrs mstatus, t0
  li t0, MIP_SSIP
  csrw mie, t0
  csrs mip, t0
  wfi
  li t0, MIP_SSIP
  csrc mip, t0
  csrw mie, zero
  li t0, MSTATUS_TW
  csrc mstatus, t0
  CHECK 66 // menvcfg/senvcfg: only FIOM is implemented (no Sstc, Svpbmt, Zicbo*)
  li t0, -1
  csrw menvcfg, t0
  csrr a0, menvcfg
  csrw menvcfg, zero
  ASSERT_EQ a0, 1
  li t0, -1
  csrw senvcfg, t0
  csrr a0, senvcfg
  csrw senvcfg, zero
  ASSERT_EQ a0, 1
  CHECK 67 // so stimecmp (Sstc) does not exist
  EXPECT_M_TRAP 1f
no_stimecmp:
  csrr a0, 0x14d
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, no_stimecmp
  PASS

  .bss
  .align 12
csr_root_table:
  .space 4096
