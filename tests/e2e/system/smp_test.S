// A bare-metal M-mode program for -smp N on the virt board (no firmware,
// no Linux): `tiercel-system-riscv64 -machine virt -smp NHARTS -bios none
// -kernel smp_test`. Every hart starts here from the reset vector with
// a0 = mhartid. It checks what a multi-hart board must do, and powers off
// through the finisher (0x100000) with status 0, or with a code naming
// what went wrong:
//   - hart 0 wakes each other hart from wfi with an IPI (its msip in the
//     CLINT, 0x2000000 + 4h), after that hart said it is about to sleep;
//   - every hart adds 1 to a shared counter ITERATIONS times with amoadd.d
//     and to another with an lr.d/sc.d loop: no increment may be lost;
//   - each hart other than 0 then sleeps in wfi until its own mtimecmp
//     (0x2004000 + 8h) passes, 2 ms ahead: the timer wakes that hart;
//   - hart 0 waits (bounded by mtime) for all of them and checks the totals.
// Exit codes: 2 a hart did not get ready or did not finish in 10 s (-smp
// smaller than NHARTS), 3 the amoadd total is wrong, 4 the lr/sc total is
// wrong, 5 not every hart was woken by its timer, 6 a hart's msip still
// read 1 after it cleared it, 7 a hart id is out of range (-smp larger
// than NHARTS), 99 an unexpected trap.
// The run's `-d stats` shows the wfi sleeps of each hart (the test checks
// harts 1.. slept at least once).
#ifndef NHARTS
#define NHARTS 4
#endif
#define ITERATIONS 20000
#define CLINT 0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME 0x200bff8
#define FINISHER 0x100000
#define MIP_MSIP 0x8
#define MIP_MTIP 0x80
#define TICKS_2MS 20000          // mtime counts at 10 MHz
#define TICKS_10S 100000000

  .section .text.init
  .globl _start
_start:
  la t0, trap_vector
  csrw mtvec, t0
  csrw mie, zero
  li t0, NHARTS
  bgeu a0, t0, bad_hart
  mv s0, a0 // s0 = mhartid from here on
  bnez s0, secondary

// ---- hart 0 ----
primary:
  // Wake each other hart once it has said it is going to sleep, and a
  // little later, so it most likely is asleep by then. A hart that never
  // says so (fewer harts than NHARTS) fails the test after 10 s.
  li t0, CLINT_MTIME
  ld s2, 0(t0)
  li t1, TICKS_10S
  add s2, s2, t1
  li s1, 1
wake_next:
  li t0, NHARTS
  bgeu s1, t0, primary_work
  la t1, ready
  slli t2, s1, 3
  add t1, t1, t2
1:
  ld t3, 0(t1)
  bnez t3, 10f
  li t4, CLINT_MTIME
  ld t4, 0(t4)
  bltu t4, s2, 1b
  li a0, 2
  j fail
10:
  li a0, 20000 // 2 ms of mtime
  call delay_ticks
  li t1, CLINT
  slli t2, s1, 2
  add t1, t1, t2
  li t3, 1
  sw t3, 0(t1) // msip[s1] = 1
  addi s1, s1, 1
  j wake_next
primary_work:
  call work
  // Wait for the others, at most 10 s.
  li t0, CLINT_MTIME
  ld s2, 0(t0)
  li t1, TICKS_10S
  add s2, s2, t1
  la t2, done
  li t3, NHARTS - 1
2:
  ld t4, 0(t2)
  beq t4, t3, check
  ld t5, 0(t0)
  bltu t5, s2, 2b
  li a0, 2
  j fail
check:
  fence rw, rw
  li t0, NHARTS * ITERATIONS
  la t1, amo_counter
  ld t2, 0(t1)
  li a0, 3
  bne t2, t0, fail
  la t1, lrsc_counter
  ld t2, 0(t1)
  li a0, 4
  bne t2, t0, fail
  la t1, timer_woken
  ld t2, 0(t1)
  li t0, NHARTS - 1
  li a0, 5
  bne t2, t0, fail
  la t1, msip_stuck
  ld t2, 0(t1)
  li a0, 6
  bnez t2, fail
  li t0, FINISHER
  li t1, 0x5555
  sw t1, 0(t0)
  j .

// ---- harts 1 .. NHARTS-1 ----
secondary:
  // Sleep until our msip: only MSIE enabled, mstatus.MIE stays 0, so the
  // interrupt wakes wfi without a trap (privileged spec 3.3.3).
  li t0, MIP_MSIP
  csrw mie, t0
  la t1, ready
  slli t2, s0, 3
  add t1, t1, t2
  li t3, 1
  sd t3, 0(t1)
3:
  wfi
  csrr t0, mip
  andi t0, t0, MIP_MSIP
  beqz t0, 3b // wfi may return early: sleep again
  // Acknowledge the IPI: clear our msip, and check it reads as clear.
  li t1, CLINT
  slli t2, s0, 2
  add t1, t1, t2
  sw zero, 0(t1)
  lw t3, 0(t1)
  beqz t3, 4f
  la t4, msip_stuck
  li t5, 1
  amoadd.d zero, t5, (t4)
4:
  call work
  // Sleep until our own timer, 2 ms ahead.
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  li t2, TICKS_2MS
  add t1, t1, t2
  li t3, CLINT_MTIMECMP
  slli t4, s0, 3
  add t3, t3, t4
  sd t1, 0(t3)
  li t0, MIP_MTIP
  csrw mie, t0
5:
  wfi
  csrr t0, mip
  andi t0, t0, MIP_MTIP
  beqz t0, 5b
  li t0, -1
  sd t0, 0(t3) // mtimecmp = never: MTIP drops
  csrw mie, zero
  la t1, timer_woken
  li t2, 1
  amoadd.d zero, t2, (t1)
  la t1, done
  amoadd.d.aqrl zero, t2, (t1)
  // Nothing left to do: sleep (with mie = 0 nothing wakes us but the
  // board stopping).
6:
  wfi
  j 6b

// ---- shared ----

// ITERATIONS increments of amo_counter (amoadd.d) and of lrsc_counter (an
// lr.d/sc.d retry loop).
work:
  li t0, ITERATIONS
  la t1, amo_counter
  la t2, lrsc_counter
  li t3, 1
7:
  amoadd.d zero, t3, (t1)
8:
  lr.d t4, (t2)
  addi t4, t4, 1
  sc.d t5, t4, (t2)
  bnez t5, 8b
  addi t0, t0, -1
  bnez t0, 7b
  ret

// Spins until mtime has advanced by a0 ticks.
delay_ticks:
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  add t1, t1, a0
9:
  ld t2, 0(t0)
  bltu t2, t1, 9b
  ret

bad_hart:
  li a0, 7
  j fail

// Powers off with status a0: 0x3333 | a0 << 16 to the finisher.
fail:
  slli a0, a0, 16
  li t0, 0x3333
  or a0, a0, t0
  li t0, FINISHER
  sw a0, 0(t0)
  j .

  .align 2
trap_vector:
  li a0, 99
  j fail

  .data
  .align 6
amo_counter: .dword 0
  .align 6
lrsc_counter: .dword 0
  .align 6
done: .dword 0
timer_woken: .dword 0
msip_stuck: .dword 0
  .align 6
ready: .fill NHARTS, 8, 0
