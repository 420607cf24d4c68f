// The FP unit's context state, mstatus.FS (privileged spec 1.12, 3.1.6.6):
// with FS = Off every FP instruction and every access to fflags/frm/fcsr is
// an illegal instruction (mtval = its bits), in M, S and U, and nothing is
// changed; an instruction that writes FP state (f registers, fflags, frm)
// sets FS to Dirty, which sets SD (mstatus and sstatus); FS = Off keeps the
// register values for when the unit is turned on again.
#include "priv.h"

#define FS_SHIFT 13

// mstatus.FS = value (0..3).
.macro SET_FS value
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, (\value << FS_SHIFT)
  csrs mstatus, t0
.endm

PROGRAM_START "fpu"
  CHECK 1 // FS is Off out of reset (Tiercel's reset value; the spec leaves it open)
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS | MSTATUS_SD, 0

  // ---- FS = Off: illegal, in M ----
  CHECK 2 // an FP arithmetic instruction
  EXPECT_M_TRAP 1f
  .option push
  .option norvc
off_fadd:
  fadd.d fa0, fa1, fa2
  .option pop
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_fadd
  ASSERT_M_TVAL 0x02c5f553
  CHECK 3 // an FP load
  la a1, fp_data
  EXPECT_M_TRAP 1f
  .option push
  .option norvc
off_fld:
  fld fa0, 0(a1)
  .option pop
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_fld
  ASSERT_M_TVAL 0x0005b507
  CHECK 4 // a compressed FP store: mtval = its 16 bits; memory untouched
  la a1, fp_data
  ld s4, 8(a1)
  EXPECT_M_TRAP 1f
  .option push
  .option rvc
off_cfsd:
  c.fsd fa0, 8(a1)
  .option pop
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_cfsd
  ASSERT_M_TVAL 0xa588
  la a1, fp_data
  ld a0, 8(a1)
  ASSERT_REG_EQ a0, s4
  CHECK 5 // moves between register files
  EXPECT_M_TRAP 1f
off_fmv_x:
  fmv.x.d a0, fa0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_fmv_x
  EXPECT_M_TRAP 1f
off_fmv_f:
  fmv.d.x fa0, a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_fmv_f
  CHECK 6 // the FP CSRs: fcsr, frm, fflags, read or write
  EXPECT_M_TRAP 1f
off_fcsr:
  frcsr a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_fcsr
  ASSERT_M_TVAL 0x00302573
  EXPECT_M_TRAP 1f
off_frm:
  fsrm zero
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_frm
  EXPECT_M_TRAP 1f
off_fflags:
  frflags a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_fflags
  CHECK 7 // conversions and compares too
  EXPECT_M_TRAP 1f
off_fcvt:
  fcvt.d.l fa0, a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_fcvt
  EXPECT_M_TRAP 1f
off_feq:
  feq.d a0, fa0, fa1
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, off_feq
  CHECK 8 // FS is still Off after those traps
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS | MSTATUS_SD, 0

  // ---- FS = Initial/Clean: writes make it Dirty, and SD follows ----
  CHECK 9 // FS = Initial: reading fcsr is allowed
  SET_FS 1
  frcsr a0
  csrr a1, mstatus
  ASSERT_BITS a1, MSTATUS_SD, 0
  CHECK 10 // an FP load writes an f register: Dirty, SD = 1
  la a1, fp_data
  fld fa0, 0(a1)
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  srli a0, a0, 63
  ASSERT_EQ a0, 1
  CHECK 11 // sstatus shows FS and SD too
  csrr a0, sstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  srli a0, a0, 63
  ASSERT_EQ a0, 1
  CHECK 12 // FS = Clean: SD = 0
  SET_FS 2
  csrr a0, mstatus
  srli a0, a0, 63
  ASSERT_EQ a0, 0
  CHECK 13 // from Clean, fmv.d.x makes it Dirty
  li a0, 0x3ff0000000000000
  fmv.d.x fa1, a0
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  CHECK 14 // from Clean, an arithmetic instruction
  SET_FS 2
  fadd.d fa2, fa0, fa1
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  CHECK 15 // the result is right (1.5 + 1.0)
  fmv.x.d a0, fa2
  ASSERT_EQ a0, 0x4004000000000000
  CHECK 16 // from Clean, a write to fflags through the CSR
  SET_FS 2
  csrwi fflags, 1
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  CHECK 17 // from Clean, writing frm
  SET_FS 2
  fsrmi 1
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  frrm a0
  ASSERT_EQ a0, 1
  fsrmi 0
  CHECK 18 // from Clean, an instruction that only raises a flag (inexact) dirties fflags
  csrw fflags, zero
  SET_FS 2
  la a1, fp_data
  fld fa3, 16(a1) // 1/3 as a double: (Dirty again; reset to Clean below)
  SET_FS 2
  fcvt.s.d fa4, fa3
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  frflags a0
  ASSERT_BITS a0, 1, 1 // NX
  CHECK 19 // FS = Off keeps the register values; On again, they are there
  SET_FS 0
  SET_FS 2
  fmv.x.d a0, fa2
  ASSERT_EQ a0, 0x4004000000000000
  CHECK 20 // SD is read-only: a write of SD with FS = Clean does not set it
  SET_FS 2
  li t0, MSTATUS_SD
  csrs mstatus, t0
  csrr a0, mstatus
  srli a0, a0, 63
  ASSERT_EQ a0, 0

  // ---- S and U ----
  CHECK 21 // FS = Off: illegal in S
  SET_FS 0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_off_fadd:
  fadd.d fa0, fa0, fa0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, s_off_fadd
  CHECK 22 // and in U, also for the FP CSRs
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
u_off_fcsr:
  frcsr a0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, u_off_fcsr
  CHECK 23 // S turns the unit on through sstatus.FS, uses it, and sees Dirty
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_FS_INITIAL
  csrs sstatus, t0
  fmv.d.x fa5, zero
  csrr a1, sstatus
  ecall
  TRAP_MISSED
1:ASSERT_BITS a1, MSTATUS_FS, MSTATUS_FS_DIRTY
  srli a1, a1, 63
  ASSERT_EQ a1, 1
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  CHECK 24 // U uses the unit when FS is on (Clean) and makes it Dirty
  SET_FS 2
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
  fcvt.d.w fa6, zero
  frcsr a2
  ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_USER_ECALL
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS, MSTATUS_FS_DIRTY
  CHECK 25 // S clears FS: the unit is off again for S
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_FS
  csrc sstatus, t0
s_off_again:
  fmv.x.d a0, fa0
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_ILLEGAL_INSTRUCTION, s_off_again
  csrr a0, mstatus
  ASSERT_BITS a0, MSTATUS_FS | MSTATUS_SD, 0
  PASS

  .data
  .p2align 3
fp_data:
  .dword 0x3ff8000000000000 // 1.5
  .dword 0x0123456789abcdef
  .dword 0x3fd5555555555555 // 1/3
