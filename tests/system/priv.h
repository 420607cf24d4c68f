// Shared header of the bare-metal privileged-architecture test programs
// (tests/system/README.md). Each program is one .S file that includes this
// header, is linked with priv.ld at 0x80000000 and runs in M-mode from
// reset on the virt board (`-machine virt -bios none -kernel PROG`).
//
// Conventions (kept by every program):
//   gp  (x3)  number of the running check (CHECK n); a failing check ends
//             the run with exit status n (through sifive_test).
//   tp  (x4)  clobbered by every trap the framework resumes from (it holds
//             the resume address on the way out of the handler).
//   s11 (x27) number of checks run, printed at the end.
//   t5, t6    scratch of the ASSERT, EXPECT and GOTO macros.
// Everything else survives a trap taken through the framework's handlers,
// so code run in S- or U-mode can leave results in registers for M-mode to
// check after it has come back.
//
// Traps. mtvec points at trap_m_entry (direct) and stvec at trap_s_entry.
// A trap is expected when a resume address has been armed beforehand
// (EXPECT_M_TRAP label / EXPECT_S_TRAP label, set from M-mode): the handler
// then records xcause, xepc, xtval, xstatus, xip and the vector slot taken
// into m_trap / s_trap (REC_* offsets), disarms itself and continues at the
// label in the handler's mode (M, or S) with all registers but tp as they
// were at the trap. An unarmed trap is a failure: the M handler prints
// mcause/mepc/mtval/mstatus on the UART and exits with status 255; the S
// handler records the trap and reports it through an ecall to M-mode (exit
// status 254).
//
// Checks use ASSERT_* (any mode whose registers are compared; the failure
// path itself runs in M-mode: a check that fails in S- or U-mode shows up as
// an unexpected trap with the check's number printed).
//
// Exit statuses: 0 pass (PASS), n = failing check (1..253), 254 unexpected
// S-mode trap, 255 unexpected M-mode trap.
#ifndef TIERCEL_TESTS_SYSTEM_PRIV_H
#define TIERCEL_TESTS_SYSTEM_PRIV_H

// ---- The virt board (QEMU's layout) ----
#define UART_BASE 0x10000000
#define UART_THR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_IRQ 10
#define FINISHER_BASE 0x100000
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333
#define CLINT_BASE 0x2000000
#define CLINT_MSIP (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME (CLINT_BASE + 0xbff8)
#define TIMEBASE_HZ 10000000
#define PLIC_BASE 0xc000000
#define PLIC_PRIORITY(src) (PLIC_BASE + 4 * (src))
#define PLIC_PENDING (PLIC_BASE + 0x1000)
#define PLIC_ENABLE(ctx) (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_BASE + 0x200004 + 0x1000 * (ctx))
#define RAM_BASE 0x80000000
// Nothing answers here on virt: the hole between the platform bus (which
// ends at 0x6000000 on QEMU's board) and the PLIC.
#define UNMAPPED_PHYS 0x8000000

// ---- Privileged architecture constants (privileged spec 1.12) ----
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE (1 << 1)
#define MSTATUS_MIE (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP (1 << 8)
#define MSTATUS_MPP (3 << 11)
#define MSTATUS_MPP_S (1 << 11)
#define MSTATUS_MPP_M (3 << 11)
#define MSTATUS_FS (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_CLEAN (2 << 13)
#define MSTATUS_FS_DIRTY (3 << 13)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM (1 << 18)
#define MSTATUS_MXR (1 << 19)
#define MSTATUS_TVM (1 << 20)
#define MSTATUS_TW (1 << 21)
#define MSTATUS_TSR (1 << 22)
#define MSTATUS_SD (1 << 63)

#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11
#define MIP_SSIP (1 << IRQ_S_SOFT)
#define MIP_MSIP (1 << IRQ_M_SOFT)
#define MIP_STIP (1 << IRQ_S_TIMER)
#define MIP_MTIP (1 << IRQ_M_TIMER)
#define MIP_SEIP (1 << IRQ_S_EXT)
#define MIP_MEIP (1 << IRQ_M_EXT)
#define CAUSE_INTERRUPT (1 << 63)

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_MACHINE_ECALL 11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15

#define SATP_MODE_SV39 (8 << 60)
#define SATP_MODE_SV48 (9 << 60)

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)

// ---- Trap records (m_trap, s_trap): offsets ----
#define REC_CAUSE 0
#define REC_EPC 8
#define REC_TVAL 16
#define REC_STATUS 24
#define REC_IP 32
#define REC_VECTOR 40   // vector slot taken (vectored mode), -1 for the direct entry
#define REC_COUNT 48    // traps recorded since the program started
#define REC_RESUME 56   // armed resume address (0: a trap is unexpected)
#define REC_SAVE 64     // the handler's register save area (3 slots)
#define REC_SIZE 96

// tp values with which code asks the M handler to report (see fail, trap_s_entry).
#define MAGIC_S_UNEXPECTED 0x5ca1ab1e

#ifdef __ASSEMBLER__

// ---- Checks ----
.macro CHECK n
  li gp, \n
  addi s11, s11, 1
.endm

// On failure t5 holds the value seen and t6 the one expected (fail prints
// both). `reg` must not be t5 or t6. Built with -DKEEP_GOING (a diagnostic
// build, for comparing with another emulator), a failed check in M-mode is
// printed and the program goes on (ra and tp are clobbered then); the exit status
// is still that of the first failure.
#ifdef KEEP_GOING
.macro FAIL_UNLESS_EQUAL
  beq t5, t6, 9995f
  csrrw ra, mscratch, ra
  jal ra, soft_fail
  la ra, m_trap
  csrrw ra, mscratch, ra
9995:
.endm
.macro FAIL_IF_EQUAL
  bne t5, t6, 9995f
  csrrw ra, mscratch, ra
  jal ra, soft_fail
  la ra, m_trap
  csrrw ra, mscratch, ra
9995:
.endm
#else
.macro FAIL_UNLESS_EQUAL
  bne t5, t6, fail
.endm
.macro FAIL_IF_EQUAL
  beq t5, t6, fail
.endm
#endif

.macro ASSERT_EQ reg, value
  mv t5, \reg
  li t6, \value
  FAIL_UNLESS_EQUAL
.endm
.macro ASSERT_NE reg, value
  mv t5, \reg
  li t6, \value
  FAIL_IF_EQUAL
.endm
.macro ASSERT_REG_EQ a, b
  mv t5, \a
  mv t6, \b
  FAIL_UNLESS_EQUAL
.endm
.macro ASSERT_LABEL reg, label
  mv t5, \reg
  la t6, \label
  FAIL_UNLESS_EQUAL
.endm
// (reg & mask) == value
.macro ASSERT_BITS reg, mask, value
  li t6, \mask
  and t5, \reg, t6
  li t6, \value
  FAIL_UNLESS_EQUAL
.endm

// reg = field of the last M-mode (or S-mode) trap record.
.macro M_TRAP reg, field
  la \reg, m_trap
  ld \reg, \field(\reg)
.endm
.macro S_TRAP reg, field
  la \reg, s_trap
  ld \reg, \field(\reg)
.endm

// The last recorded M-mode trap had this cause and epc (label or address).
.macro ASSERT_M_TRAP cause, epc
  M_TRAP t5, REC_CAUSE
  ASSERT_EQ t5, \cause
  M_TRAP t5, REC_EPC
  la t6, \epc
  FAIL_UNLESS_EQUAL
.endm
.macro ASSERT_S_TRAP cause, epc
  S_TRAP t5, REC_CAUSE
  ASSERT_EQ t5, \cause
  S_TRAP t5, REC_EPC
  la t6, \epc
  FAIL_UNLESS_EQUAL
.endm
.macro ASSERT_M_TVAL value
  M_TRAP t5, REC_TVAL
  li t6, \value
  FAIL_UNLESS_EQUAL
.endm
.macro ASSERT_M_TVAL_LABEL label
  M_TRAP t5, REC_TVAL
  la t6, \label
  FAIL_UNLESS_EQUAL
.endm

// After an instruction that must trap: reached only if it did not.
// KEEP_GOING builds ecall instead, so the armed handler still resumes and
// the checks on the recorded cause report the difference.
.macro TRAP_MISSED
#ifdef KEEP_GOING
  ecall
#else
  j fail
#endif
.endm

// ---- Arming the handlers (from M-mode, or any mode that can write there) ----
.macro EXPECT_M_TRAP label
  la t6, \label
  la tp, m_trap
  sd t6, REC_RESUME(tp)
.endm
.macro EXPECT_S_TRAP label
  la t6, \label
  la tp, s_trap
  sd t6, REC_RESUME(tp)
.endm
.macro DISARM_TRAPS
  la tp, m_trap
  sd zero, REC_RESUME(tp)
  la tp, s_trap
  sd zero, REC_RESUME(tp)
.endm

// ---- Privilege changes ----
// From M-mode: continue at the next instruction in `mode` (PRV_U/S/M), by
// mret. mstatus.MIE takes MPIE's value on the way, MPIE becomes 1.
.macro GOTO_MODE mode
  li t6, MSTATUS_MPP
  csrc mstatus, t6
  li t6, (\mode << 11)
  csrs mstatus, t6
  la t6, 9997f
  csrw mepc, t6
  mret
9997:
.endm
// From S-mode: continue at the next instruction in `mode` (PRV_U/S), by sret.
.macro S_GOTO_MODE mode
  li t6, MSTATUS_SPP
  csrc sstatus, t6
.if \mode == PRV_S
  csrs sstatus, t6
.endif
  la t6, 9996f
  csrw sepc, t6
  sret
9996:
.endm
// From M-mode: continue at `label` in `mode`, by mret.
.macro MRET_TO mode, label
  li t6, MSTATUS_MPP
  csrc mstatus, t6
  li t6, (\mode << 11)
  csrs mstatus, t6
  la t6, \label
  csrw mepc, t6
  mret
.endm
// From any mode: back to M-mode at `label` through an ecall (the M handler
// records it: cause 8, 9 or 11).
.macro BACK_TO_M label
  EXPECT_M_TRAP \label
  ecall
  TRAP_MISSED
.endm

// ---- MMIO helpers ----
.macro MMIO_W32 addr, value
  li t6, \addr
  li t5, \value
  sw t5, 0(t6)
.endm
.macro MMIO_R32 reg, addr
  li t6, \addr
  lw \reg, 0(t6)
.endm

// ---- Time ----
// reg = mtime (the CLINT's, 10 MHz).
.macro READ_MTIME reg
  li \reg, CLINT_MTIME
  ld \reg, 0(\reg)
.endm
// mtimecmp = mtime + ticks (hart 0).
.macro SET_TIMER_IN ticks
  READ_MTIME t5
  li t6, \ticks
  add t5, t5, t6
  li t6, CLINT_MTIMECMP
  sd t5, 0(t6)
.endm
.macro SET_TIMER_OFF
  li t5, -1
  li t6, CLINT_MTIMECMP
  sd t5, 0(t6)
.endm
// Spins (any mode that can read the CLINT) until a trap takes the hart
// elsewhere. If none comes within `ticks` of mtime, ecall: the armed
// handler resumes and the check on the recorded cause fails.
.macro SPIN_FOR_TRAP ticks
  READ_MTIME t6
  li t5, \ticks
  add t6, t6, t5
9994:
  READ_MTIME t5
  bltu t5, t6, 9994b
  ecall
  j fail
.endm
// Polls until (csr & mask) != 0, failing after `ticks` of mtime (M-mode;
// the deadline is kept in poll_deadline).
.macro POLL_CSR_BITS csr, mask, ticks
  READ_MTIME t6
  li t5, \ticks
  add t6, t6, t5
  la t5, poll_deadline
  sd t6, 0(t5)
9993:
  csrr t5, \csr
  li t6, \mask
  and t5, t5, t6
  bnez t5, 9992f
  READ_MTIME t5
  la t6, poll_deadline
  ld t6, 0(t6)
  bltu t5, t6, 9993b
  mv t5, zero
  li t6, \mask
  j fail
9992:
.endm
// 1 s of mtime: how long a check waits for an interrupt that must come (a
// loaded host may be slow to deliver a timer; a correct run waits far less).
#define WAIT_TICKS TIMEBASE_HZ

// ---- Start and end ----
// Every program: `PROGRAM_START "name"`, its checks, then `PASS`.
.macro PROGRAM_START name
  .section .rodata
  .globl program_name
program_name:
  .asciz "\name"
  .text
  .globl test_main
test_main:
.endm

.macro PASS
  j pass
.endm

#endif // __ASSEMBLER__
#endif // TIERCEL_TESTS_SYSTEM_PRIV_H
