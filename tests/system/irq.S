// Interrupts (privileged spec 1.12, 3.1.9, 3.2.1; RISC-V PLIC spec 1.0.0;
// the virt board's CLINT, PLIC and 16550 UART): the CLINT timer (mtimecmp
// raising MTIP, taken when enabled, cleared by a later mtimecmp), the
// software interrupt (msip), an S-mode timer forwarded by M-mode through
// mip.STIP, SSIP set by software, the priority order of several pending
// interrupts, the global enable rules (S interrupts in U whatever SIE says,
// M interrupts in S whatever MIE says, delegated interrupts never in M),
// and the PLIC with the UART's THR-empty and (loopback) receive interrupts
// through context 0 (M) and context 1 (S): priority, enable, threshold,
// claim/complete.
#include "priv.h"

#define UART_IRQ_BIT (1 << UART_IRQ)

// Re-enables mstatus.MIE and expects the next interrupt to be taken at
// once, with cause `code`, at the instruction after the csrs.
.macro TAKE_NEXT_M_INTERRUPT code
  EXPECT_M_TRAP 8f
  li t0, MSTATUS_MIE
  csrs mstatus, t0
7:nop
  TRAP_MISSED
8:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | \code
  M_TRAP a0, REC_EPC
  ASSERT_LABEL a0, 7b
.endm

PROGRAM_START "irq"
  SET_TIMER_OFF
  MMIO_W32 CLINT_MSIP, 0

  // ---- CLINT: mtime and the timer ----
  CHECK 1 // mtime counts
  READ_MTIME s4
1:READ_MTIME a0
  beq a0, s4, 1b
  bltu a0, s4, fail
  CHECK 2 // a timer 1 s ahead: MTIP is not pending yet
  SET_TIMER_IN TIMEBASE_HZ
  csrr a0, mip
  ASSERT_BITS a0, MIP_MTIP, 0
  CHECK 3 // a timer 1 ms ahead: pending once mtime reaches mtimecmp (interrupts off: just the bit)
  SET_TIMER_IN (TIMEBASE_HZ / 1000)
  POLL_CSR_BITS mip, MIP_MTIP, WAIT_TICKS
  READ_MTIME a0
  li t0, CLINT_MTIMECMP
  ld a1, 0(t0)
  bltu a0, a1, fail
  CHECK 4 // a later mtimecmp clears it
  SET_TIMER_OFF
  csrr a0, mip
  ASSERT_BITS a0, MIP_MTIP, 0
  CHECK 5 // mtimecmp reads back (64-bit and as two 32-bit halves)
  li t0, CLINT_MTIMECMP
  li t1, 0x123456789abcdef0
  sd t1, 0(t0)
  ld a0, 0(t0)
  ASSERT_REG_EQ a0, t1
  lwu a0, 0(t0)
  ASSERT_EQ a0, 0x9abcdef0
  lwu a0, 4(t0)
  ASSERT_EQ a0, 0x12345678
  SET_TIMER_OFF
  CHECK 6 // the timer interrupt is taken when MTIE and MIE are set
  li t0, MIP_MTIP
  csrw mie, t0
  EXPECT_M_TRAP 1f
  SET_TIMER_IN (TIMEBASE_HZ / 1000)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
timer_spin:
  SPIN_FOR_TRAP WAIT_TICKS
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_TIMER
  CHECK 7 // MIE cleared, MPIE set, MPP = M; mtval = 0
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP_M
  ASSERT_M_TVAL 0
  CHECK 8 // mip showed MTIP in the handler
  M_TRAP a0, REC_IP
  ASSERT_BITS a0, MIP_MTIP, MIP_MTIP
  CHECK 9 // pending but MIE = 0: not taken; taken right after MIE is set
  csrr a0, mip
  ASSERT_BITS a0, MIP_MTIP, MIP_MTIP
  nop
  TAKE_NEXT_M_INTERRUPT IRQ_M_TIMER
  CHECK 10 // pending, MIE = 1, but MTIE = 0: not taken
  csrw mie, zero
  M_TRAP s4, REC_COUNT
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  nop
  nop
  csrc mstatus, t0
  M_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s4
  SET_TIMER_OFF

  // ---- CLINT: software interrupt ----
  CHECK 11 // msip = 1 raises mip.MSIP, and reads back
  MMIO_W32 CLINT_MSIP, 1
  csrr a0, mip
  ASSERT_BITS a0, MIP_MSIP, MIP_MSIP
  MMIO_R32 a0, CLINT_MSIP
  ASSERT_EQ a0, 1
  CHECK 12 // taken with MSIE
  li t0, MIP_MSIP
  csrw mie, t0
  TAKE_NEXT_M_INTERRUPT IRQ_M_SOFT
  CHECK 13 // msip = 0 lowers it; only bit 0 of msip exists
  MMIO_W32 CLINT_MSIP, 0xfffffffe
  csrr a0, mip
  ASSERT_BITS a0, MIP_MSIP, 0
  MMIO_R32 a0, CLINT_MSIP
  ASSERT_EQ a0, 0
  csrw mie, zero

  // ---- S-mode timer forwarded by M-mode (no SBI: M sets mip.STIP) ----
  CHECK 14
  li t0, MIP_STIP
  csrw mideleg, t0
  li t0, MIP_MTIP | MIP_STIP
  csrw mie, t0
  SET_TIMER_IN (TIMEBASE_HZ / 1000)
  EXPECT_M_TRAP 1f
  EXPECT_S_TRAP 2f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0
s_timer_spin:
  SPIN_FOR_TRAP WAIT_TICKS
1:// M: the machine timer, taken from S although MIE was 0 there
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_TIMER
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, MSTATUS_MPP_S
  // forward it: STIP for S, the machine timer off, back to where S was
  SET_TIMER_OFF
  li t0, MIP_STIP
  csrs mip, t0
  EXPECT_M_TRAP 3f
  M_TRAP t0, REC_EPC
  csrw mepc, t0
  mret // MPP = S
  TRAP_MISSED
2:// S: the supervisor timer interrupt
  csrr a1, scause
  csrr a2, sip
  ecall
  TRAP_MISSED
3:ASSERT_EQ a1, CAUSE_INTERRUPT | IRQ_S_TIMER
  CHECK 15 // sip showed STIP
  ASSERT_BITS a2, MIP_STIP, MIP_STIP
  CHECK 16 // sepc is inside the spin loop S was in
  S_TRAP a0, REC_EPC
  la t0, s_timer_spin
  bltu a0, t0, fail
  la t0, 1b
  bgeu a0, t0, fail
  CHECK 17 // SPP = S, SPIE = 1
  S_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
  li t0, MIP_STIP
  csrc mip, t0
  csrr a0, mip
  ASSERT_BITS a0, MIP_STIP, 0

  // ---- SSIP set by software ----
  CHECK 18 // S sets its own software interrupt and takes it at once
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  EXPECT_M_TRAP 1f
  EXPECT_S_TRAP 2f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0
  li t0, MIP_SSIP
  csrs sip, t0
ssip_next:
  nop
  TRAP_MISSED
2:csrr a1, scause
  csrr a2, sepc
  li t0, MIP_SSIP
  csrc sip, t0
  ecall
  TRAP_MISSED
1:ASSERT_EQ a1, CAUSE_INTERRUPT | IRQ_S_SOFT
  ASSERT_LABEL a2, ssip_next
  CHECK 19 // delegated interrupts are never taken in M, even with MIE = 1
  li t0, MIP_SSIP
  csrs mip, t0
  M_TRAP s4, REC_COUNT
  S_TRAP s5, REC_COUNT
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  nop
  nop
  csrc mstatus, t0
  M_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s4
  S_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s5
  CHECK 20 // in S with SIE = 0: not taken
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  nop
  nop
  ecall
  TRAP_MISSED
1:S_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s5
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  CHECK 21 // in U it is taken whatever SIE says (SIE = 0 here); SPP = U
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  EXPECT_M_TRAP 1f
  EXPECT_S_TRAP 2f
  GOTO_MODE PRV_U
u_taken:
  nop
  TRAP_MISSED
2:li t0, MIP_SSIP
  csrc sip, t0
  ecall
  TRAP_MISSED
1:S_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_S_SOFT
  S_TRAP a0, REC_EPC
  ASSERT_LABEL a0, u_taken
  S_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_SPP | MSTATUS_SPIE, 0
  CHECK 22 // an undelegated S-level interrupt pending in S goes to M, whatever MIE is
  csrw mideleg, zero
  li t0, MIP_STIP
  csrw mie, t0
  csrs mip, t0
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_to_m:
  nop
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_S_TIMER
  M_TRAP a0, REC_EPC
  ASSERT_LABEL a0, s_to_m
  li t0, MIP_STIP
  csrc mip, t0
  csrw mie, zero

  CHECK 23 // a machine interrupt is taken in U whatever MIE says
  li t0, MIP_MSIP
  csrw mie, t0
  MMIO_W32 CLINT_MSIP, 1
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_U
  nop
  SPIN_FOR_TRAP WAIT_TICKS
1:MMIO_W32 CLINT_MSIP, 0
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_SOFT
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, 0
  CHECK 24 // an interrupt made takeable right before an illegal instruction comes first
  MMIO_W32 CLINT_MSIP, 1
  EXPECT_M_TRAP 1f
  li t0, MSTATUS_MIE
  csrs mstatus, t0
before_illegal:
  .word 0xfc00002b
  TRAP_MISSED
1:MMIO_W32 CLINT_MSIP, 0
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_SOFT
  M_TRAP a0, REC_EPC
  ASSERT_LABEL a0, before_illegal
  CHECK 25 // mret with MPIE = 1 and an interrupt pending: taken at mepc's target
  MMIO_W32 CLINT_MSIP, 1
  li t0, MSTATUS_MPIE
  csrs mstatus, t0
  EXPECT_M_TRAP 1f
  MRET_TO PRV_M, mret_target
  TRAP_MISSED
mret_target:
  nop
  TRAP_MISSED
1:MMIO_W32 CLINT_MSIP, 0
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_SOFT
  M_TRAP a0, REC_EPC
  ASSERT_LABEL a0, mret_target
  csrw mie, zero

  // ---- Priorities: MEI > MSI > MTI > SEI > SSI > STI (3.1.9) ----
  CHECK 26 // all but MEI pending for M at once (nothing delegated; SEIP set by software)
  li t0, MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP
  csrw mie, t0
  MMIO_W32 CLINT_MSIP, 1
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  li t0, MIP_SSIP | MIP_STIP
  csrs mip, t0
  POLL_CSR_BITS mip, MIP_MTIP, WAIT_TICKS
  TAKE_NEXT_M_INTERRUPT IRQ_M_SOFT
  MMIO_W32 CLINT_MSIP, 0
  CHECK 27
  TAKE_NEXT_M_INTERRUPT IRQ_M_TIMER
  SET_TIMER_OFF
  CHECK 28
  TAKE_NEXT_M_INTERRUPT IRQ_S_SOFT
  li t0, MIP_SSIP
  csrc mip, t0
  CHECK 29
  TAKE_NEXT_M_INTERRUPT IRQ_S_TIMER
  li t0, MIP_STIP
  csrc mip, t0
  CHECK 30 // SEIP written by M-mode software is an interrupt too (3.1.9), before SSI and STI
  li t0, MIP_SEIP | MIP_SSIP | MIP_STIP
  csrs mip, t0
  csrr a0, mip
  ASSERT_BITS a0, MIP_SEIP, MIP_SEIP
  TAKE_NEXT_M_INTERRUPT IRQ_S_EXT
  li t0, MIP_SEIP
  csrc mip, t0
  csrr a0, mip
  ASSERT_BITS a0, MIP_SEIP, 0
  TAKE_NEXT_M_INTERRUPT IRQ_S_SOFT
  li t0, MIP_SSIP
  csrc mip, t0
  TAKE_NEXT_M_INTERRUPT IRQ_S_TIMER
  li t0, MIP_STIP
  csrc mip, t0
  csrw mie, zero
  CHECK 31 // in S: a pending M interrupt beats a delegated S one, though S's is enabled
  li t0, MIP_SSIP
  csrw mideleg, t0
  li t0, MIP_SSIP | MIP_MSIP
  csrw mie, t0
  li t0, MIP_SSIP
  csrs mip, t0
  MMIO_W32 CLINT_MSIP, 1
  li t0, MSTATUS_SIE
  csrs mstatus, t0 // SIE = 1 in S after the mret
  EXPECT_M_TRAP 1f
  EXPECT_S_TRAP 2f
  GOTO_MODE PRV_S
both_pending:
  nop
  TRAP_MISSED
2:// S: reached only after M has dealt with its interrupt
  li t0, MIP_SSIP
  csrc sip, t0
  ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_SOFT
  M_TRAP a0, REC_EPC
  ASSERT_LABEL a0, both_pending
  CHECK 32 // M clears MSIP and returns: then the S interrupt is taken
  MMIO_W32 CLINT_MSIP, 0
  EXPECT_M_TRAP 1f
  M_TRAP t0, REC_EPC
  csrw mepc, t0
  mret
  TRAP_MISSED
1:S_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_S_SOFT
  S_TRAP a0, REC_EPC
  ASSERT_LABEL a0, both_pending
  M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  csrw mie, zero
  csrw mideleg, zero
  li t0, MSTATUS_SIE
  csrc mstatus, t0

  // ---- PLIC + UART: THR-empty interrupt through context 0 (M) ----
  CHECK 33 // a source with priority 0 never interrupts
  MMIO_W32 PLIC_PRIORITY(UART_IRQ), 0
  MMIO_W32 PLIC_ENABLE(0), UART_IRQ_BIT
  MMIO_W32 PLIC_THRESHOLD(0), 0
  li t0, UART_BASE
  li t1, 0x02
  sb t1, UART_IER(t0)
  MMIO_R32 a0, PLIC_PENDING
  ASSERT_BITS a0, UART_IRQ_BIT, UART_IRQ_BIT
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, 0
  MMIO_R32 a0, PLIC_CLAIM(0)
  ASSERT_EQ a0, 0
  CHECK 34 // the UART's line drops (ETBEI off): the request is not retracted (PLIC spec, gateways)
  li t0, UART_BASE
  sb zero, UART_IER(t0)
  lbu a0, UART_IIR(t0)
  ASSERT_BITS a0, 0x0f, 0x01 // the UART has nothing to say any more...
  MMIO_R32 a0, PLIC_PENDING
  ASSERT_BITS a0, UART_IRQ_BIT, UART_IRQ_BIT // ...but the PLIC still holds the request
  CHECK 35 // with a priority it interrupts and is claimed; completed, nothing comes back
  MMIO_W32 PLIC_PRIORITY(UART_IRQ), 1
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, MIP_MEIP
  MMIO_R32 a0, PLIC_CLAIM(0)
  ASSERT_EQ a0, UART_IRQ
  MMIO_W32 PLIC_CLAIM(0), UART_IRQ
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, 0
  MMIO_R32 a0, PLIC_PENDING
  ASSERT_BITS a0, UART_IRQ_BIT, 0
  CHECK 36 // nothing pending: claim returns 0
  MMIO_W32 PLIC_PRIORITY(UART_IRQ), 1
  MMIO_W32 PLIC_ENABLE(0), UART_IRQ_BIT
  MMIO_W32 PLIC_ENABLE(1), 0
  MMIO_W32 PLIC_THRESHOLD(0), 0
  MMIO_R32 a0, PLIC_CLAIM(0)
  ASSERT_EQ a0, 0
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, 0
  CHECK 37 // priority and enable registers read back
  MMIO_R32 a0, PLIC_PRIORITY(UART_IRQ)
  ASSERT_EQ a0, 1
  MMIO_R32 a0, PLIC_ENABLE(0)
  ASSERT_EQ a0, UART_IRQ_BIT
  CHECK 38 // enabling ETBEI with THR empty raises the UART's line: pending in the PLIC, MEIP
  li t0, UART_BASE
  li t1, 0x02
  sb t1, UART_IER(t0)
  MMIO_R32 a0, PLIC_PENDING
  ASSERT_BITS a0, UART_IRQ_BIT, UART_IRQ_BIT
  POLL_CSR_BITS mip, MIP_MEIP, WAIT_TICKS
  CHECK 39 // threshold >= priority masks it
  MMIO_W32 PLIC_THRESHOLD(0), 1
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, 0
  MMIO_R32 a0, PLIC_PENDING
  ASSERT_BITS a0, UART_IRQ_BIT, UART_IRQ_BIT
  CHECK 40 // a masked source is not claimed
  MMIO_R32 a0, PLIC_CLAIM(0)
  ASSERT_EQ a0, 0
  CHECK 41 // priority above the threshold: MEIP again, taken with MEIE
  MMIO_W32 PLIC_PRIORITY(UART_IRQ), 2
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, MIP_MEIP
  li t0, MIP_MEIP
  csrw mie, t0
  TAKE_NEXT_M_INTERRUPT IRQ_M_EXT
  CHECK 42 // claim gives the UART's source; it is no longer pending
  MMIO_R32 a0, PLIC_CLAIM(0)
  ASSERT_EQ a0, UART_IRQ
  MMIO_R32 a0, PLIC_PENDING
  ASSERT_BITS a0, UART_IRQ_BIT, 0
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, 0
  CHECK 43 // completing while the UART still asserts its line: pending again
  MMIO_W32 PLIC_CLAIM(0), UART_IRQ
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, MIP_MEIP
  MMIO_R32 a0, PLIC_CLAIM(0)
  ASSERT_EQ a0, UART_IRQ
  CHECK 44 // IIR says THR empty; reading it clears the UART's interrupt
  li t0, UART_BASE
  lbu a0, UART_IIR(t0)
  ASSERT_BITS a0, 0x0f, 0x02
  lbu a0, UART_IIR(t0)
  ASSERT_BITS a0, 0x0f, 0x01
  CHECK 45 // complete: the line is low, nothing pending
  MMIO_W32 PLIC_CLAIM(0), UART_IRQ
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, 0
  MMIO_R32 a0, PLIC_PENDING
  ASSERT_BITS a0, UART_IRQ_BIT, 0
  li t0, UART_BASE
  sb zero, UART_IER(t0)
  csrw mie, zero
  MMIO_W32 PLIC_THRESHOLD(0), 0

  // ---- PLIC + UART: receive interrupt (loopback) through context 1 (S) ----
  CHECK 46 // a byte sent in loopback arrives; with ERBFI the line rises; context 1 -> SEIP
  MMIO_W32 PLIC_ENABLE(0), 0
  MMIO_W32 PLIC_ENABLE(1), UART_IRQ_BIT
  MMIO_W32 PLIC_THRESHOLD(1), 0
  li t0, UART_BASE
  li t1, 0x10 // MCR: loopback
  sb t1, UART_MCR(t0)
  li t1, 0x01 // IER: received data available
  sb t1, UART_IER(t0)
  li t1, 'Z'
  sb t1, UART_THR(t0)
  POLL_CSR_BITS mip, MIP_SEIP, WAIT_TICKS
  csrr a0, mip
  ASSERT_BITS a0, MIP_MEIP, 0
  CHECK 47 // delegated SEIP, taken in S; S claims from context 1 and reads the byte
  li t0, MIP_SEIP
  csrw mideleg, t0
  csrw mie, t0
  EXPECT_M_TRAP 1f
  EXPECT_S_TRAP 2f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0
s_ext_wait:
  nop
  TRAP_MISSED
2:csrr a1, scause
  MMIO_R32 a2, PLIC_CLAIM(1)
  li t0, UART_BASE
  lbu a3, UART_THR(t0) // RBR
  lbu a4, UART_LSR(t0)
  MMIO_W32 PLIC_CLAIM(1), UART_IRQ
  csrr a5, sip
  ecall
  TRAP_MISSED
1:ASSERT_EQ a1, CAUSE_INTERRUPT | IRQ_S_EXT
  S_TRAP a0, REC_EPC
  ASSERT_LABEL a0, s_ext_wait
  CHECK 48
  ASSERT_EQ a2, UART_IRQ
  ASSERT_EQ a3, 'Z'
  CHECK 49 // the FIFO is empty again (LSR.DR = 0), so after completion SEIP is low
  ASSERT_BITS a4, 0x01, 0
  ASSERT_BITS a5, MIP_SEIP, 0
  CHECK 50 // not delegated, context 1's SEIP is an M interrupt
  csrw mideleg, zero
  li t0, UART_BASE
  li t1, 'Y'
  sb t1, UART_THR(t0)
  POLL_CSR_BITS mip, MIP_SEIP, WAIT_TICKS
  li t0, MIP_SEIP
  csrw mie, t0
  TAKE_NEXT_M_INTERRUPT IRQ_S_EXT
  MMIO_R32 a2, PLIC_CLAIM(1)
  ASSERT_EQ a2, UART_IRQ
  li t0, UART_BASE
  lbu a3, UART_THR(t0)
  ASSERT_EQ a3, 'Y'
  MMIO_W32 PLIC_CLAIM(1), UART_IRQ
  csrr a0, mip
  ASSERT_BITS a0, MIP_SEIP, 0
  CHECK 51 // a completion naming a source the context has not enabled is ignored
  li t0, UART_BASE
  li t1, 'X'
  sb t1, UART_THR(t0)
  POLL_CSR_BITS mip, MIP_SEIP, WAIT_TICKS
  MMIO_R32 a2, PLIC_CLAIM(1)
  ASSERT_EQ a2, UART_IRQ
  li t0, UART_BASE
  lbu a3, UART_THR(t0) // line low now
  MMIO_W32 PLIC_ENABLE(1), 0
  MMIO_W32 PLIC_CLAIM(1), UART_IRQ // ignored: source 10 is not enabled in context 1
  MMIO_W32 PLIC_ENABLE(1), UART_IRQ_BIT
  li t0, UART_BASE
  li t1, 'W'
  sb t1, UART_THR(t0)
  csrr a0, mip // the gateway still holds source 10 for the missing completion
  ASSERT_BITS a0, MIP_SEIP, 0
  MMIO_W32 PLIC_CLAIM(1), UART_IRQ
  csrr a0, mip
  ASSERT_BITS a0, MIP_SEIP, MIP_SEIP
  MMIO_R32 a2, PLIC_CLAIM(1)
  li t0, UART_BASE
  lbu a3, UART_THR(t0)
  MMIO_W32 PLIC_CLAIM(1), UART_IRQ
  ASSERT_EQ a3, 'W'
  li t0, UART_BASE
  sb zero, UART_IER(t0)
  sb zero, UART_MCR(t0)
  csrw mie, zero
  MMIO_W32 PLIC_ENABLE(1), 0
  MMIO_W32 PLIC_PRIORITY(UART_IRQ), 0
  PASS
