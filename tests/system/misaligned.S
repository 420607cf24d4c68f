// Misaligned and atomic accesses, and accesses to nothing (ISA spec 2.6,
// 8.1-8.4; privileged spec 3.1.15, 3.6, 3.7.1): Tiercel performs misaligned
// loads and stores (machine/system/softmmu.h: the ISA allows this instead
// of a trap), also across a page boundary, translating and checking both
// pages before any byte is written, with tval = the address of the part
// that faulted; misaligned AMOs and SCs are store/AMO address-misaligned
// (a misaligned LR load address-misaligned); AMOs and SC on devices or ROM
// are store/AMO access faults; loads, stores and fetches where nothing is
// mapped are access faults with tval = the address.
#include "priv.h"

#define ROM_BASE 0x1000
#define RAM_END (RAM_BASE + 128 * 1024 * 1024) // -m 128M, the default of both emulators
#define WINDOW 0x40000000 // two pages: RW, then read-only (or invalid)

PROGRAM_START "misaligned"
  // ---- Misaligned loads and stores in RAM are performed ----
  CHECK 1 // loads at every misalignment of 8 bytes
  la s2, buffer
  li t0, 0x0807060504030201
  sd t0, 0(s2)
  li t0, 0x100f0e0d0c0b0a09
  sd t0, 8(s2)
  ld a0, 1(s2)
  li t0, 0x0908070605040302
  ASSERT_REG_EQ a0, t0
  ld a0, 7(s2)
  li t0, 0x0f0e0d0c0b0a0908
  ASSERT_REG_EQ a0, t0
  CHECK 2 // word and halfword, signed and unsigned
  li t0, 0x80ff7f01
  sw t0, 16(s2)
  lw a0, 17(s2)
  ASSERT_BITS a0, 0xffffff, 0x80ff7f
  lh a0, 17(s2)
  ASSERT_EQ a0, -129 // 0xff7f
  lhu a0, 17(s2)
  ASSERT_EQ a0, 0xff7f
  lw a0, 13(s2)
  lwu a1, 13(s2)
  li t0, 0x01100f0e
  ASSERT_REG_EQ a0, t0
  ASSERT_REG_EQ a1, t0
  CHECK 3 // misaligned stores write exactly their bytes
  sd zero, 32(s2)
  sd zero, 40(s2)
  li t0, 0x1122334455667788
  sd t0, 35(s2)
  ld a0, 32(s2)
  li t0, 0x4455667788000000
  ASSERT_REG_EQ a0, t0
  ld a0, 40(s2)
  li t0, 0x0000000000112233
  ASSERT_REG_EQ a0, t0
  CHECK 4
  li t0, 0xaabb
  sh t0, 41(s2)
  li t0, 0xccddeeff
  sw t0, 45(s2)
  ld a0, 40(s2)
  li t0, 0xddeeff0000aabb33
  ASSERT_REG_EQ a0, t0
  lbu a0, 48(s2)
  ASSERT_EQ a0, 0xcc
  CHECK 5 // FP loads and stores too
  li t0, MSTATUS_FS
  csrs mstatus, t0
  li t0, 0x400921fb54442d18
  sd t0, 64(s2)
  fld fa0, 64(s2)
  fsd fa0, 73(s2)
  ld a0, 73(s2)
  li t0, 0x400921fb54442d18
  ASSERT_REG_EQ a0, t0
  flw fa1, 74(s2)
  fsw fa1, 90(s2)
  lwu a0, 90(s2)
  lwu a1, 74(s2)
  ASSERT_REG_EQ a0, a1
  li t0, MSTATUS_FS
  csrc mstatus, t0

  // ---- Across a page boundary, with translation ----
  // VA WINDOW -> page0 (RW), WINDOW + 4096 -> page1 (RW or read-only or invalid).
  la a0, root
  la a2, l1
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V
  sd a2, 8(a0) // root[1]: 0x40000000
  la a0, l1
  la a2, l0
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V
  sd a2, 0(a0)
  la a0, l0
  la a2, page0
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sd a2, 0(a0)
  la a2, page1
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sd a2, 8(a0)
  // RAM for the image and the tables: a 1 GiB identity page at 0x80000000.
  la a0, root
  li a2, RAM_BASE
  srli a2, a2, 12
  slli a2, a2, 10
  ori a2, a2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  sd a2, 16(a0)
  la t0, root
  srli t0, t0, 12
  li t1, SATP_MODE_SV39
  or s10, t0, t1
  csrw satp, s10
  sfence.vma
  la t0, page0
  li t1, 0x1111111111111111
  li t2, 4096 - 8
  add t2, t0, t2
  sd t1, 0(t2)
  la t0, page1
  li t1, 0x2222222222222222
  sd t1, 0(t0)
  CHECK 6 // an 8-byte load across the boundary (S-mode)
  li a1, WINDOW + 4096 - 4
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a0, 0(a1)
  ecall
  TRAP_MISSED
1:li t0, 0x2222222211111111
  ASSERT_REG_EQ a0, t0
  CHECK 7 // a store across it
  li a1, WINDOW + 4096 - 2
  li a0, 0x4433
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  sw a0, 0(a1)
  ecall
  TRAP_MISSED
1:la t0, page0
  li t1, 4096 - 8
  add t0, t0, t1
  ld a0, 0(t0)
  li t1, 0x4433111111111111
  ASSERT_REG_EQ a0, t1
  la t0, page1
  ld a0, 0(t0)
  li t1, 0x2222222222220000
  ASSERT_REG_EQ a0, t1
  CHECK 8 // the second page read-only: store page fault, tval = the second page...
  la a0, l0
  ld a2, 8(a0)
  andi a2, a2, ~(PTE_W | PTE_D)
  sd a2, 8(a0)
  sfence.vma
  li a1, WINDOW + 4096 - 4
  li a0, 0x5555555566666666
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
cross_store:
  sd a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_PAGE_FAULT, cross_store
  ASSERT_M_TVAL WINDOW + 4096
  CHECK 9 // ...and no byte was written to the first page (Tiercel checks both pages first)
  la t0, page0
  li t1, 4096 - 8
  add t0, t0, t1
  ld a0, 0(t0)
  li t1, 0x4433111111111111
  ASSERT_REG_EQ a0, t1
  CHECK 10 // a load into an invalid second page: load page fault at the second page
  la a0, l0
  sd zero, 8(a0)
  sfence.vma
  li a1, WINDOW + 4096 - 2
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
cross_load:
  lw a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, cross_load
  ASSERT_M_TVAL WINDOW + 4096
  CHECK 11 // a misaligned access inside one page of the window works as usual
  li a1, WINDOW + 0x101
  li a0, 0x0123456789abcdef
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  sd a0, 0(a1)
  ld a2, 0(a1)
  ecall
  TRAP_MISSED
1:ASSERT_REG_EQ a2, a0
  csrw satp, zero
  sfence.vma
  CHECK 12 // physical: a load crossing the end of RAM is an access fault at the first byte past it
  li a1, RAM_END - 4
  EXPECT_M_TRAP 1f
ram_end_load:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_ACCESS, ram_end_load
  ASSERT_M_TVAL RAM_END
  CHECK 13 // the last 8 bytes of RAM, aligned, are fine
  li a1, RAM_END - 8
  li a0, 0x7e7e7e7e
  sd a0, 0(a1)
  ld a2, 0(a1)
  ASSERT_REG_EQ a2, a0

  // ---- Atomics: misaligned ----
  CHECK 14 // amoadd.w at +2: store/AMO address misaligned, tval = the address
  la a1, buffer + 2
  EXPECT_M_TRAP 1f
amo_w_misaligned:
  amoadd.w a0, a0, (a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_MISALIGNED_STORE, amo_w_misaligned
  ASSERT_M_TVAL_LABEL buffer + 2
  CHECK 15 // amoswap.d at +4
  la a1, buffer + 4
  EXPECT_M_TRAP 1f
amo_d_misaligned:
  amoswap.d a0, a0, (a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_MISALIGNED_STORE, amo_d_misaligned
  ASSERT_M_TVAL_LABEL buffer + 4
  CHECK 16 // and the memory is unchanged
  la t0, buffer
  ld a0, 0(t0)
  li t1, 0x0807060504030201
  ASSERT_REG_EQ a0, t1
  CHECK 17 // lr.d misaligned: load address misaligned
  la a1, buffer + 1
  EXPECT_M_TRAP 1f
lr_misaligned:
  lr.d a0, (a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_MISALIGNED_LOAD, lr_misaligned
  ASSERT_M_TVAL_LABEL buffer + 1
  CHECK 18 // sc.w misaligned: store/AMO address misaligned
  la a1, buffer + 6
  EXPECT_M_TRAP 1f
sc_misaligned:
  sc.w a0, a0, (a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_MISALIGNED_STORE, sc_misaligned
  CHECK 19 // aligned atomics work (the contrast)
  la a1, buffer
  li a0, 1
  amoadd.d a2, a0, (a1)
  ld a3, 0(a1)
  li t0, 0x0807060504030201
  ASSERT_REG_EQ a2, t0
  addi t0, t0, 1
  ASSERT_REG_EQ a3, t0
  lr.d a2, (a1)
  sc.d a4, a0, (a1)
  ASSERT_EQ a4, 0
  ld a3, 0(a1)
  ASSERT_EQ a3, 1

  // ---- Atomics on devices and ROM: access faults ----
  CHECK 20 // amoor.w on a device register (the CLINT's msip): store/AMO access fault
  li a1, CLINT_MSIP
  li a0, 0
  EXPECT_M_TRAP 1f
amo_mmio:
  amoor.w a2, a0, (a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_ACCESS, amo_mmio
  ASSERT_M_TVAL CLINT_MSIP
  CHECK 21 // amoswap.d on the CLINT's mtimecmp
  li a1, CLINT_MTIMECMP
  li a0, -1
  EXPECT_M_TRAP 1f
amo_mmio_d:
  amoswap.d a2, a0, (a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_ACCESS, amo_mmio_d
  CHECK 22 // sc.w on a device after a reservation there: store/AMO access fault
  li a1, CLINT_MSIP
  li a0, 0
  EXPECT_M_TRAP 1f
  lr.w a2, (a1)
sc_mmio:
  sc.w a3, a0, (a1)
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_NE a0, CAUSE_ILLEGAL_INSTRUCTION
  ASSERT_EQ a0, CAUSE_STORE_ACCESS
  M_TRAP a0, REC_EPC
  ASSERT_LABEL a0, sc_mmio
  ASSERT_M_TVAL CLINT_MSIP
  CHECK 23 // an AMO on the boot ROM: store/AMO access fault
  li a1, ROM_BASE
  EXPECT_M_TRAP 1f
amo_rom:
  amoadd.w a2, a0, (a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_ACCESS, amo_rom
  ASSERT_M_TVAL ROM_BASE

  // ---- Nothing mapped, and read-only memory ----
  CHECK 24 // load: load access fault, tval = the address
  li a1, UNMAPPED_PHYS + 0x40
  EXPECT_M_TRAP 1f
unmapped_load:
  lw a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_ACCESS, unmapped_load
  ASSERT_M_TVAL UNMAPPED_PHYS + 0x40
  CHECK 25 // store: store/AMO access fault
  li a1, UNMAPPED_PHYS + 0x48
  EXPECT_M_TRAP 1f
unmapped_store:
  sd a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_ACCESS, unmapped_store
  ASSERT_M_TVAL UNMAPPED_PHYS + 0x48
  CHECK 26 // fetch: instruction access fault, mepc = mtval = the target
  li a1, UNMAPPED_PHYS + 0x80
  EXPECT_M_TRAP 1f
  jalr a1
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_ACCESS
  M_TRAP a0, REC_EPC
  ASSERT_EQ a0, UNMAPPED_PHYS + 0x80
  ASSERT_M_TVAL UNMAPPED_PHYS + 0x80
  CHECK 27 // fetch from a device (the UART): instruction access fault
  li a1, UART_BASE
  EXPECT_M_TRAP 1f
  jalr a1
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_ACCESS
  ASSERT_M_TVAL UART_BASE
  CHECK 28 // the boot ROM reads (its first instruction is auipc t0, 0)...
  li a1, ROM_BASE
  lw a0, 0(a1)
  ASSERT_EQ a0, 0x00000297
  CHECK 29 // ...but is not writable: store/AMO access fault
  li a1, ROM_BASE + 8
  EXPECT_M_TRAP 1f
rom_store:
  sw a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_ACCESS, rom_store
  ASSERT_M_TVAL ROM_BASE + 8
  CHECK 30 // an access fault from S-mode (satp Bare) is taken the same way, MPP = S
  li a1, UNMAPPED_PHYS
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
s_unmapped:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_ACCESS, s_unmapped
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPP, MSTATUS_MPP_S
  PASS

  .bss
  .p2align 12
root: .space 4096
l1: .space 4096
l0: .space 4096
page0: .space 4096
page1: .space 4096
buffer: .space 256
