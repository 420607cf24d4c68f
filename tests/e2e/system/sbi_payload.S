// A bare-metal S-mode payload that OpenSBI (fw_dynamic) starts at
// 0x80200000, for the end-to-end tests of tiercel-system-riscv64. It talks
// to the firmware only through SBI calls (SBI spec v1.0: legacy console
// putchar/getchar, TIME, SRST) and checks what the boot protocol hands it:
// a0 = hart id 0, a1 = a device tree. One source, one mode per build:
//   MODE_POWEROFF  print, check, power off with SBI SRST (exit status 0)
//   MODE_FAIL      power off through the finisher with code 3 (status 3)
//   MODE_REBOOT    print, then ask SBI SRST for a cold reboot
//   MODE_ECHO      print "ready", read a line through SBI getchar, print it
//                  back, power off
//   MODE_TIMER     arm the SBI timer 10 ms ahead, wfi until the supervisor
//                  timer interrupt arrives, power off
// With ANY_HART (the -smp builds) any hart id below 8 is accepted: Debian's
// OpenSBI 1.1 picks its cold-boot hart, the one that starts the payload, by
// a lottery among the harts (sbi_init), so it is not always hart 0.
#define SBI_LEGACY_PUTCHAR 0x01
#define SBI_LEGACY_GETCHAR 0x02
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_SRST 0x53525354

  .section .text
  .globl _start
_start:
  mv s0, a0 // hart id
  mv s1, a1 // device tree
  la sp, stack_top
  la a0, msg_hello
  call puts
  // a0 must be hart 0 and a1 a flattened device tree (magic 0xd00dfeed, big-endian).
#ifdef ANY_HART
  li t0, 8
  bgeu s0, t0, bad_boot
#else
  bnez s0, bad_boot
#endif
  lwu t0, 0(s1)
  li t1, 0xedfe0dd0
  bne t0, t1, bad_boot
  la a0, msg_fdt
  call puts
  // The time CSR counts (OpenSBI lets S-mode read it).
  rdtime t0
1:rdtime t1
  beq t0, t1, 1b

#if defined(MODE_POWEROFF)
  la a0, msg_bye
  call puts
  li a0, 0 // shutdown
  li a1, 0 // no reason
  j srst
#elif defined(MODE_FAIL)
  la a0, msg_fail
  call puts
  li t0, 0x100000        // sifive_test
  li t1, 0x3333 | (3 << 16)
  sw t1, 0(t0)
  j hang
#elif defined(MODE_REBOOT)
  la a0, msg_reboot
  call puts
  li a0, 1 // cold reboot
  li a1, 0
  j srst
#elif defined(MODE_ECHO)
  la a0, msg_ready
  call puts
  la s2, line
2:li a7, SBI_LEGACY_GETCHAR
  ecall
  bltz a0, 2b            // nothing yet: poll again
  li t0, '\n'
  beq a0, t0, 3f
  li t0, '\r'
  beq a0, t0, 3f
  sb a0, 0(s2)
  addi s2, s2, 1
  j 2b
3:sb zero, 0(s2)
  la a0, msg_got
  call puts
  la a0, line
  call puts
  la a0, msg_newline
  call puts
  li a0, 0
  li a1, 0
  j srst
#elif defined(MODE_TIMER)
  la t0, trap_handler
  csrw stvec, t0
  li t0, 1 << 5          // sie.STIE
  csrw sie, t0
  rdtime s3
  li t0, 100000          // 10 ms at 10 MHz
  add a0, s3, t0
  li a6, 0
  li a7, SBI_EXT_TIME    // sbi_set_timer
  ecall
  // The idle pattern Linux uses: wfi with SIE off (it still wakes on a
  // pending, enabled interrupt), then SIE on for a moment to take it. With
  // SIE on across the check, an interrupt between the check and the wfi
  // would leave the wfi waiting for a timer that already fired.
4:la t0, timer_fired
  ld t1, 0(t0)
  bnez t1, 5f
  wfi
  csrsi sstatus, 1 << 1  // SIE: the interrupt is taken here
  csrci sstatus, 1 << 1
  j 4b
5:la a0, msg_timer
  call puts
  li a0, 0
  li a1, 0
  j srst
#else
#error "define one MODE_*"
#endif

bad_boot:
  la a0, msg_bad_boot
  call puts
  li t0, 0x100000
  li t1, 0x3333 | (2 << 16)
  sw t1, 0(t0)
hang:
  wfi
  j hang

// SBI system reset: a0 = type, a1 = reason. Does not return.
srst:
  li a6, 0
  li a7, SBI_EXT_SRST
  ecall
  la a0, msg_srst_failed
  call puts
  j hang

// puts(a0): each byte through the legacy console putchar.
puts:
  mv t2, a0
5:lbu a0, 0(t2)
  beqz a0, 6f
  li a7, SBI_LEGACY_PUTCHAR
  ecall
  addi t2, t2, 1
  j 5b
6:ret

#if defined(MODE_TIMER)
  .align 4
trap_handler:
  // Only the supervisor timer interrupt is expected.
  csrr t0, scause
  li t1, (1 << 63) | 5
  bne t0, t1, bad_boot
  li a0, -1              // no next timer: clears STIP
  li a6, 0
  li a7, SBI_EXT_TIME
  ecall
  rdtime t0
  sub t0, t0, s3
  li t1, 100000
  bltu t0, t1, bad_boot  // too early
  la t0, timer_fired
  li t1, 1
  sd t1, 0(t0)
  sret
#endif

  .section .rodata
msg_hello: .asciz "tiercel-payload: hello from S-mode\n"
#ifdef ANY_HART
msg_fdt: .asciz "tiercel-payload: a hart of the board, device tree found\n"
#else
msg_fdt: .asciz "tiercel-payload: hart 0, device tree found\n"
#endif
msg_bye: .asciz "tiercel-payload: powering off\n"
msg_fail: .asciz "tiercel-payload: failing with code 3\n"
msg_reboot: .asciz "tiercel-payload: rebooting\n"
msg_ready: .asciz "tiercel-payload: ready\n"
msg_got: .asciz "tiercel-payload: got '"
msg_newline: .asciz "'\n"
msg_timer: .asciz "tiercel-payload: timer interrupt\n"
msg_bad_boot: .asciz "tiercel-payload: unexpected boot state or trap\n"
msg_srst_failed: .asciz "tiercel-payload: SBI SRST returned\n"

  .section .bss
  .align 4
timer_fired: .dword 0
line: .space 128
  .align 4
  .space 4096
stack_top:
