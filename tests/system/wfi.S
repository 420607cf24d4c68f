// WFI (privileged spec 1.12, 3.3.3): it completes when an interrupt is
// pending and enabled in mie, whatever mstatus.MIE/SIE and mideleg say;
// with nothing pending it stalls the hart (Tiercel sleeps the host thread)
// until such an interrupt arrives; an interrupt that is also globally
// enabled is then taken with xepc = the instruction after the wfi.
#include "priv.h"

#define DELAY_TICKS (TIMEBASE_HZ / 200) // 5 ms

PROGRAM_START "wfi"
  SET_TIMER_OFF
  MMIO_W32 CLINT_MSIP, 0

  CHECK 1 // pending and enabled in mie, MIE = 0: wfi returns and the code goes on
  MMIO_W32 CLINT_MSIP, 1
  li t0, MIP_MSIP
  csrw mie, t0
  M_TRAP s4, REC_COUNT
  li a0, 0
  wfi
  li a0, 1
  ASSERT_EQ a0, 1
  CHECK 2 // and no trap was taken
  M_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s4
  csrr a0, mip
  ASSERT_BITS a0, MIP_MSIP, MIP_MSIP
  MMIO_W32 CLINT_MSIP, 0
  CHECK 3 // a timer DELAY_TICKS ahead: wfi sleeps until it fires, then goes on
  li t0, MIP_MTIP
  csrw mie, t0
  SET_TIMER_IN DELAY_TICKS
  li t0, CLINT_MTIMECMP
  ld s5, 0(t0)
  READ_MTIME s6
  wfi
  READ_MTIME s7
  M_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s4
  CHECK 4 // mtime has reached mtimecmp: the hart waited for the timer
  sltu a0, s7, s5
  ASSERT_EQ a0, 0
  CHECK 5 // and did not sleep for ages after it (1 s bound)
  sub a0, s7, s6
  li t0, TIMEBASE_HZ
  sltu a0, a0, t0
  ASSERT_EQ a0, 1
  csrr a0, mip
  ASSERT_BITS a0, MIP_MTIP, MIP_MTIP
  SET_TIMER_OFF
  CHECK 6 // with MIE = 1 the interrupt is taken; mepc = the instruction after the wfi
  SET_TIMER_IN DELAY_TICKS
  EXPECT_M_TRAP 1f
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  READ_MTIME s6
  .option push
  .option norvc
wfi_m:
  wfi
wfi_m_next:
  .option pop
  nop
  SPIN_FOR_TRAP WAIT_TICKS
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_TIMER
  M_TRAP a0, REC_EPC
  la t0, wfi_m_next
  la t1, wfi_m
  // mepc is the next instruction if the hart slept in wfi; the wfi itself
  // is allowed only if the interrupt came before it ran (it cannot here,
  // 5 ms ahead, unless the host stalled us that long).
  beq a0, t1, 2f
  ASSERT_REG_EQ a0, t0
2:READ_MTIME s7
  li t0, CLINT_MTIMECMP
  ld s5, 0(t0)
  sltu a0, s7, s5
  ASSERT_EQ a0, 0
  SET_TIMER_OFF
  CHECK 7 // a pending, enabled interrupt that is delegated wakes wfi in M (not taken there)
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  M_TRAP s4, REC_COUNT
  wfi
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  M_TRAP a0, REC_COUNT
  ASSERT_REG_EQ a0, s4
  li t0, MIP_SSIP
  csrc mip, t0
  csrw mideleg, zero
  CHECK 8 // wfi in S (TW = 0) wakes for a machine timer, taken from S after the wfi
  li t0, MIP_MTIP
  csrw mie, t0
  SET_TIMER_IN DELAY_TICKS
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  .option push
  .option norvc
wfi_s:
  wfi
wfi_s_next:
  .option pop
  SPIN_FOR_TRAP WAIT_TICKS
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_INTERRUPT | IRQ_M_TIMER
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, MSTATUS_MPP_S
  M_TRAP a0, REC_EPC
  la t0, wfi_s_next
  la t1, wfi_s
  beq a0, t1, 2f
  ASSERT_REG_EQ a0, t0
2:SET_TIMER_OFF
  CHECK 9 // wfi in S wakes for a delegated S interrupt with SIE = 0, and S goes on
  li t0, MIP_STIP
  csrw mideleg, t0
  li t0, MIP_STIP | MIP_MTIP
  csrw mie, t0
  SET_TIMER_IN DELAY_TICKS
  li a2, 0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SIE
  csrc sstatus, t0
3:wfi // woken by the M timer first (an M trap), then by STIP
  li a2, 9
  csrr a3, sip
  ecall
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  li t0, CAUSE_INTERRUPT | IRQ_M_TIMER
  bne a0, t0, 4f
  // the M timer: forward it as STIP and return to S (SIE = 0: not taken)
  SET_TIMER_OFF
  li t0, MIP_STIP
  csrs mip, t0
  EXPECT_M_TRAP 1b
  M_TRAP t0, REC_EPC
  csrw mepc, t0
  mret
  TRAP_MISSED
4:ASSERT_EQ a0, CAUSE_SUPERVISOR_ECALL
  ASSERT_EQ a2, 9
  ASSERT_BITS a3, MIP_STIP, MIP_STIP
  li t0, MIP_STIP
  csrc mip, t0
  csrw mideleg, zero
  CHECK 10 // several sleeps in a row: each one waits for its own timer
  li t0, MIP_MTIP
  csrw mie, t0
  li s8, 3
  READ_MTIME s6
5:SET_TIMER_IN (TIMEBASE_HZ / 500) // 2 ms
6:wfi
  csrr t0, mip
  andi t0, t0, MIP_MTIP
  beqz t0, 6b // a spurious wake-up is allowed: wait again
  addi s8, s8, -1
  bnez s8, 5b
  READ_MTIME s7
  sub a0, s7, s6
  li t0, 3 * (TIMEBASE_HZ / 500)
  sltu a0, a0, t0
  ASSERT_EQ a0, 0
  SET_TIMER_OFF
  csrw mie, zero
  PASS
