// Virtual memory: Sv39 (LEVELS=3) or Sv48 (LEVELS=4), privileged spec 1.12
// chapter 4 (4.1.11, 4.2, 4.3, 4.4, 4.5) and 3.1.6.3 (MPRV, MXR, SUM):
// identity and non-identity mappings; 4 KiB, 2 MiB, 1 GiB (and, in Sv48,
// 512 GiB) pages; misaligned superpages, invalid PTEs, W without R and
// reserved PTE bits as page faults; non-canonical addresses; the U bit with
// SUM, MXR (loads from execute-only pages), MPRV with MPP = S and U; A and
// D set by the hardware (Tiercel updates them; the PTEs are checked in
// memory); fetch/load/store page faults with their cause and tval (a fetch
// that crosses into an unmapped page included); access faults for a leaf
// pointing nowhere; sfence.vma with rs1 after a PTE change, for data and
// for code; and switching satp between Sv39 and Sv48.
#include "priv.h"

#if LEVELS == 3
#define SATP_MODE SATP_MODE_SV39
#define OTHER_MODE SATP_MODE_SV48
#define PROGRAM_NAME "vm_sv39"
#else
#define SATP_MODE SATP_MODE_SV48
#define OTHER_MODE SATP_MODE_SV39
#define PROGRAM_NAME "vm_sv48"
#endif

// Leaf flags.
#define KERNEL_RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define KERNEL_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define USER_RX (PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)
#define USER_RW (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)

// The test window: VA 0x40000000 + page * 4 KiB (l0_low), 2 MiB pages from
// 0x40200000 (l1_low), 1 GiB pages from 0xc0000000 (the Sv39 root).
#define LOW 0x40000000
#define VA(page) (LOW + (page) * 4096)
#define P_DATA 0      // page_a, kernel RW
#define P_USER 1      // page_u, user RW
#define P_INVALID 2   // V = 0
#define P_WONLY 3     // W without R: reserved
#define P_XONLY 4     // page_x, execute-only
#define P_RONLY 5     // page_a, read-only
#define P_AD 6        // page_ad, RW without A and D
#define P_CODE 7      // code_a, then code_b
#define P_NOWHERE 8   // a leaf to physical memory nothing answers at
#define P_SPAN 9      // span_page: an instruction crossing into P_SPAN + 1
#define P_SPAN_END 10 // V = 0
#define P_NOEXEC 11   // page_a, RW without X
#define P_RESERVED 12 // page_a with a reserved high PTE bit set
#define P_POINTER0 13 // a pointer (V, no R/W/X) at the last level: no leaf
#define P_USER_XONLY 14 // page_x, user execute-only
#define P_CLINT 15    // the CLINT's page with mtime (a device through a mapping)
#define SUPER_2M (LOW + 0x200000)     // -> 0x80400000
#define SUPER_2M_BAD (LOW + 0x400000) // -> 0x80401000: misaligned
#define SUPER_1G 0xc0000000           // -> 0x80000000
#define SUPER_1G_BAD 0x100000000      // -> 0x80200000: misaligned
#define SUPER_PA_2M 0x80400000
#define SUPER_CODE (LOW + 0x600000)   // code in a 2 MiB page: 0x80600000, then 0x80800000
#define SUPER_CODE_PA1 0x80600000
#define SUPER_CODE_PA2 0x80800000
#define TERA_512G 0x8000000000        // Sv48: -> 0
#define TERA_512G_BAD 0x10000000000   // Sv48: -> 0x80000000: misaligned
#if LEVELS == 3
#define NON_CANONICAL 0x0000008000000000 // bit 38 clear, bit 39 set
#else
#define NON_CANONICAL 0x0000800000000000 // bit 47 set, bits 63:48 clear
#endif
#define NOWHERE_PA UNMAPPED_PHYS

// a0 = table, a1 = index, a2 = physical address, a3 = flags: table[index] = PTE.
.macro SET_PTE table, index, pa, flags
  la a0, \table
  li a1, \index
  li a2, \pa
  li a3, \flags
  call set_pte
.endm
.macro SET_PTE_SYM table, index, symbol, flags
  la a0, \table
  li a1, \index
  la a2, \symbol
  li a3, \flags
  call set_pte
.endm
// reg = the PTE at table[index] (physical, from M or S).
.macro LOAD_PTE reg, table, index
  la \reg, \table
  ld \reg, (\index * 8)(\reg)
.endm

  .text
set_pte:
  srli a2, a2, 12
  slli a2, a2, 10
  or a2, a2, a3
  slli a1, a1, 3
  add a0, a0, a1
  sd a2, 0(a0)
  ret

// A pointer PTE: table[index] -> next.
.macro SET_POINTER table, index, next
  SET_PTE_SYM \table, \index, \next, PTE_V
.endm

PROGRAM_START PROGRAM_NAME
  // ---- Build the tables (M-mode, physical) ----
  // The image must fit in the first 2 MiB of RAM (l0_id maps them).
  la t0, _end
  li t1, RAM_BASE + 0x200000
  bgeu t0, t1, fail
  // Identity for the image: kernel RWX, the .usertext pages user RX.
  la s2, l0_id
  li s3, RAM_BASE
  li s4, 0
  la s5, __user_start
  la s6, __user_end
1:li a3, KERNEL_RWX
  bltu s3, s5, 2f
  bgeu s3, s6, 2f
  li a3, USER_RX
2:mv a0, s2
  mv a1, s4
  mv a2, s3
  call set_pte
  li t0, 4096
  add s3, s3, t0
  addi s4, s4, 1
  li t0, 512
  bltu s4, t0, 1b
  SET_POINTER l1_id, 0, l0_id
  SET_POINTER sv39_root, 2, l1_id
  // The test window.
  SET_POINTER sv39_root, 1, l1_low
  SET_POINTER l1_low, 0, l0_low
  SET_PTE_SYM l0_low, P_DATA, page_a, KERNEL_RW
  SET_PTE_SYM l0_low, P_USER, page_u, USER_RW
  SET_PTE_SYM l0_low, P_INVALID, page_a, (KERNEL_RW & ~PTE_V)
  SET_PTE_SYM l0_low, P_WONLY, page_a, (PTE_V | PTE_W | PTE_A | PTE_D)
  SET_PTE_SYM l0_low, P_XONLY, page_x, (PTE_V | PTE_X | PTE_A)
  SET_PTE_SYM l0_low, P_RONLY, page_a, (PTE_V | PTE_R | PTE_A)
  SET_PTE_SYM l0_low, P_AD, page_ad, (PTE_V | PTE_R | PTE_W)
  SET_PTE_SYM l0_low, P_CODE, code_a, (PTE_V | PTE_R | PTE_X)
  SET_PTE l0_low, P_NOWHERE, NOWHERE_PA, KERNEL_RW
  SET_PTE_SYM l0_low, P_SPAN, span_page, (PTE_V | PTE_R | PTE_X | PTE_A)
  SET_PTE_SYM l0_low, P_NOEXEC, page_a, KERNEL_RW
  SET_PTE_SYM l0_low, P_RESERVED, page_a, KERNEL_RW
  SET_PTE_SYM l0_low, P_POINTER0, page_a, PTE_V
  SET_PTE_SYM l0_low, P_USER_XONLY, page_x, (PTE_V | PTE_X | PTE_U | PTE_A)
  SET_PTE l0_low, P_CLINT, CLINT_BASE + 0xb000, KERNEL_RW
  la t0, l0_low
  ld t1, (P_RESERVED * 8)(t0)
  li t2, 1 << 60
  or t1, t1, t2
  sd t1, (P_RESERVED * 8)(t0)
  SET_PTE l1_low, 1, SUPER_PA_2M, KERNEL_RW
  SET_PTE l1_low, 2, SUPER_PA_2M + 0x1000, KERNEL_RW
  SET_PTE sv39_root, 3, RAM_BASE, KERNEL_RWX
  SET_PTE sv39_root, 4, RAM_BASE + 0x200000, KERNEL_RW
  // Sv48: the Sv39 root is the table below entry 0; a 512 GiB page after it.
  SET_POINTER sv48_root, 0, sv39_root
  SET_PTE sv48_root, 1, 0, KERNEL_RW
  SET_PTE sv48_root, 2, RAM_BASE, KERNEL_RW
  // Data the checks look for.
  la t0, page_a
  li t1, 0xaaaa0001
  sd t1, 0(t0)
  la t0, page_b
  li t1, 0xbbbb0002
  sd t1, 0(t0)
  la t0, page_u
  li t1, 0x55550003
  sd t1, 0(t0)
  la t0, page_x
  li t1, 0x7777000b
  sd t1, 16(t0)
  li t0, SUPER_PA_2M
  li t1, 0x22220005
  li t2, 0x1238
  add t2, t0, t2
  sd t1, 0(t2)
  li t1, 0x22220006
  li t2, 0x1ff008
  add t2, t0, t2
  sd t1, 0(t2)
  fence.i
  // satp
#if LEVELS == 3
  la t0, sv39_root
#else
  la t0, sv48_root
#endif
  srli t0, t0, 12
  li t1, SATP_MODE
  or s10, t0, t1 // s10 = this program's satp
  csrw satp, s10
  sfence.vma

  // ---- Identity and non-identity mappings ----
  CHECK 1 // S runs with translation on (identity for the image) and reads its data
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  csrr a0, satp
  la t0, magic_word
  ld a1, 0(t0)
  ecall
  TRAP_MISSED
1:ASSERT_REG_EQ a0, s10
  ASSERT_EQ a1, 0x600dcafe
  CHECK 2 // a 4 KiB page elsewhere: VA 0x40000000 -> page_a
  li a1, VA(P_DATA)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a0, 0(a1)
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0xaaaa0001
  CHECK 3 // an S store through it lands in page_a
  li a1, VA(P_DATA)
  li a0, 0xaaaa0011
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  sd a0, 8(a1)
  ecall
  TRAP_MISSED
1:la t0, page_a
  ld a0, 8(t0)
  ASSERT_EQ a0, 0xaaaa0011
  CHECK 4 // a 2 MiB page
  li a1, SUPER_2M
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a0, 0x238(a1)
  li t0, 0x1000
  add t0, a1, t0
  ld a0, 0x238(t0)
  li t0, 0x1ff008
  add t0, a1, t0
  ld a2, 0(t0)
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0x22220005
  ASSERT_EQ a2, 0x22220006
  CHECK 5 // a 1 GiB page: data, and code run through it
  li t0, SUPER_1G - RAM_BASE
  la a1, magic_word
  add a1, a1, t0
  la a2, code_ret_c
  add a2, a2, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a3, 0(a1)
  jalr a2
  ecall
  TRAP_MISSED
1:ASSERT_EQ a3, 0x600dcafe
  ASSERT_EQ a0, 0xc
#if LEVELS == 4
  CHECK 6 // Sv48: a 512 GiB page (at physical 0)
  li t0, TERA_512G
  la a1, magic_word
  add a1, a1, t0
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a3, 0(a1)
  ecall
  TRAP_MISSED
1:ASSERT_EQ a3, 0x600dcafe
  CHECK 7 // a misaligned 512 GiB page
  li a1, TERA_512G_BAD
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
tera_bad:
  ld a3, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, tera_bad
  ASSERT_M_TVAL TERA_512G_BAD
#endif

  // ---- Faults from the walk ----
  CHECK 8 // a misaligned 2 MiB page: load page fault, tval = the address
  li a1, SUPER_2M_BAD + 0x10
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
mega_bad:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, mega_bad
  ASSERT_M_TVAL SUPER_2M_BAD + 0x10
  CHECK 9 // a misaligned 1 GiB page, for a store
  li a1, SUPER_1G_BAD + 0x28
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
giga_bad:
  sd a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_PAGE_FAULT, giga_bad
  ASSERT_M_TVAL SUPER_1G_BAD + 0x28
  CHECK 10 // an invalid PTE: load
  li a1, VA(P_INVALID) + 0x40
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
invalid_load:
  lw a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, invalid_load
  ASSERT_M_TVAL VA(P_INVALID) + 0x40
  CHECK 11 // store
  li a1, VA(P_INVALID) + 0x48
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
invalid_store:
  sb a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_PAGE_FAULT, invalid_store
  ASSERT_M_TVAL VA(P_INVALID) + 0x48
  CHECK 12 // fetch: mepc and mtval are the target
  li a1, VA(P_INVALID) + 0x80
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_PAGE_FAULT
  M_TRAP a0, REC_EPC
  ASSERT_EQ a0, VA(P_INVALID) + 0x80
  ASSERT_M_TVAL VA(P_INVALID) + 0x80
  CHECK 13 // W without R is reserved: a page fault, even for a store
  li a1, VA(P_WONLY)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
wonly_store:
  sd a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_PAGE_FAULT, wonly_store
  ASSERT_M_TVAL VA(P_WONLY)
  CHECK 14 // a reserved PTE bit (60) set: page fault
  li a1, VA(P_RESERVED) + 8
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
reserved_load:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, reserved_load
  ASSERT_M_TVAL VA(P_RESERVED) + 8
  CHECK 15 // a non-canonical address: page fault
  li a1, NON_CANONICAL
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
noncanonical_load:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, noncanonical_load
  ASSERT_M_TVAL NON_CANONICAL
  CHECK 16 // a store to a read-only page
  li a1, VA(P_RONLY) + 0x10
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a0, 0(a1) // reading is fine
ronly_store:
  sw a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_PAGE_FAULT, ronly_store
  ASSERT_M_TVAL VA(P_RONLY) + 0x10
  CHECK 17 // an AMO to a read-only page is a store page fault
  li a1, VA(P_RONLY) + 0x20
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
ronly_amo:
  amoadd.d a0, a0, (a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_STORE_PAGE_FAULT, ronly_amo
  ASSERT_M_TVAL VA(P_RONLY) + 0x20
  CHECK 18 // fetch from a page without X
  li a1, VA(P_NOEXEC)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_PAGE_FAULT
  ASSERT_M_TVAL VA(P_NOEXEC)
  CHECK 19 // an instruction crossing into an unmapped page: mepc = its start, mtval = the second page
  li a1, VA(P_SPAN) + 0xffe
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_PAGE_FAULT
  M_TRAP a0, REC_EPC
  ASSERT_EQ a0, VA(P_SPAN) + 0xffe
  ASSERT_M_TVAL VA(P_SPAN_END)
  CHECK 20 // a leaf pointing where nothing answers: a load access fault, tval = the VA
  li a1, VA(P_NOWHERE) + 0x18
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
nowhere_load:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_ACCESS, nowhere_load
  ASSERT_M_TVAL VA(P_NOWHERE) + 0x18
  CHECK 21 // a delegated page fault goes to S with stval = the address
  li t0, 1 << CAUSE_LOAD_PAGE_FAULT
  csrw medeleg, t0
  li a1, VA(P_INVALID) + 0x100
  EXPECT_S_TRAP 2f
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
deleg_load:
  ld a0, 0(a1)
  TRAP_MISSED
2:ecall
  TRAP_MISSED
1:csrw medeleg, zero
  ASSERT_S_TRAP CAUSE_LOAD_PAGE_FAULT, deleg_load
  S_TRAP a0, REC_TVAL
  ASSERT_EQ a0, VA(P_INVALID) + 0x100

  CHECK 22 // a pointer PTE at the last level (no leaf found): page fault
  li a1, VA(P_POINTER0)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
pointer0_load:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, pointer0_load
  ASSERT_M_TVAL VA(P_POINTER0)
  CHECK 23 // a root table where nothing answers: the walk's own access faults (MPRV load from M)
  li t0, UNMAPPED_PHYS
  srli t0, t0, 12
  li t1, SATP_MODE
  or t0, t0, t1
  csrw satp, t0
  li a1, VA(P_DATA)
  EXPECT_M_TRAP 1f
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
bad_root_load:
  ld a0, 0(a1)
  TRAP_MISSED
1:li t0, MSTATUS_MPRV
  csrc mstatus, t0
  csrw satp, s10
  sfence.vma
  ASSERT_M_TRAP CAUSE_LOAD_ACCESS, bad_root_load
  ASSERT_M_TVAL VA(P_DATA)

  CHECK 24 // a device through a mapping: S reads mtime at VA, and it is the CLINT's
  li a1, VA(P_CLINT) + 0xff8
  EXPECT_M_TRAP 1f
  READ_MTIME s4
  GOTO_MODE PRV_S
  ld a0, 0(a1)
  ecall
  TRAP_MISSED
1:READ_MTIME s5
  sltu t0, a0, s4
  ASSERT_EQ t0, 0
  sltu t0, s5, a0
  ASSERT_EQ t0, 0
  CHECK 25 // and S writes a device register through it (mtimecmp is in another page: msip is not;
           // write mtimecmp's page instead through a second mapping of the CLINT)
  li t0, -1
  li t1, CLINT_MTIMECMP
  sd t0, 0(t1)
  SET_PTE l0_low, P_CLINT, CLINT_BASE + 0x4000, KERNEL_RW
  sfence.vma
  li a1, VA(P_CLINT)
  li a2, 0x1234567
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  sd a2, 0(a1)
  ecall
  TRAP_MISSED
1:li t1, CLINT_MTIMECMP
  ld a0, 0(t1)
  ASSERT_EQ a0, 0x1234567
  li t0, -1
  sd t0, 0(t1)
  CHECK 26 // code cannot be fetched from a device, mapping or not: instruction access fault
  li a1, VA(P_CLINT)
  la a2, l0_low + P_CLINT * 8
  ld t0, 0(a2)
  ori t0, t0, PTE_X
  sd t0, 0(a2)
  sfence.vma
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_ACCESS
  ASSERT_M_TVAL VA(P_CLINT)

  // ---- U bit, SUM, MXR ----
  CHECK 27 // U runs user code and reads a user page
  li a1, VA(P_USER)
  EXPECT_M_TRAP 1f
  MRET_TO PRV_U, user_load
1:M_TRAP a1, REC_CAUSE
  ASSERT_EQ a1, CAUSE_USER_ECALL
  ASSERT_EQ a0, 0x55550003
  CHECK 28 // U cannot read a kernel page
  li a1, VA(P_DATA)
  EXPECT_M_TRAP 1f
  MRET_TO PRV_U, user_load
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, user_load
  ASSERT_M_TVAL VA(P_DATA)
  CHECK 29 // nor write one
  li a1, VA(P_DATA) + 8
  EXPECT_M_TRAP 1f
  MRET_TO PRV_U, user_store
1:ASSERT_M_TRAP CAUSE_STORE_PAGE_FAULT, user_store
  CHECK 30 // nor run kernel code
  la a1, code_ret_c
  EXPECT_M_TRAP 1f
  MRET_TO PRV_U, user_jump
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_PAGE_FAULT
  ASSERT_M_TVAL_LABEL code_ret_c
  CHECK 31 // S with SUM = 0 cannot read a user page
  li a1, VA(P_USER)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SUM
  csrc sstatus, t0
sum_off_load:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, sum_off_load
  CHECK 32 // with SUM = 1 it can read and write it
  li a1, VA(P_USER)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  ld a0, 0(a1)
  li a2, 0x55550033
  sd a2, 8(a1)
  csrc sstatus, t0
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0x55550003
  la t0, page_u
  ld a0, 8(t0)
  ASSERT_EQ a0, 0x55550033
  CHECK 33 // S never executes a user page, SUM or not
  la a1, user_ret_42
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  jalr a1
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_PAGE_FAULT
  ASSERT_M_TVAL_LABEL user_ret_42
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  CHECK 34 // an execute-only page cannot be read with MXR = 0
  li a1, VA(P_XONLY) + 16
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
xonly_load:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, xonly_load
  CHECK 35 // with MXR = 1 it can
  li a1, VA(P_XONLY) + 16
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  ld a0, 0(a1)
  csrc sstatus, t0
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0x7777000b
  CHECK 36 // and after MXR is cleared again it cannot (no stale permission)
  li a1, VA(P_XONLY) + 16
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  ld a0, 0(a1)
  csrc sstatus, t0
xonly_load2:
  ld a0, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, xonly_load2

  CHECK 37 // U reads a user execute-only page only with MXR
  li a1, VA(P_USER_XONLY) + 16
  EXPECT_M_TRAP 1f
  MRET_TO PRV_U, user_load
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, user_load
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  li a1, VA(P_USER_XONLY) + 16
  EXPECT_M_TRAP 1f
  MRET_TO PRV_U, user_load
1:li t0, MSTATUS_MXR
  csrc mstatus, t0
  M_TRAP a1, REC_CAUSE
  ASSERT_EQ a1, CAUSE_USER_ECALL
  ASSERT_EQ a0, 0x7777000b

  // ---- MPRV: M-mode loads and stores with MPP's translation ----
  CHECK 38 // MPP = S: M reads VA 0x40000000 through the page table
  li a1, VA(P_DATA)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
  ld a0, 0(a1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  ASSERT_EQ a0, 0xaaaa0001
  CHECK 39 // MPP = S, store
  li a1, VA(P_DATA)
  li a2, 0xaaaa0021
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  sd a2, 16(a1)
  csrc mstatus, t0
  la t0, page_a
  ld a0, 16(t0)
  ASSERT_EQ a0, 0xaaaa0021
  CHECK 40 // MPP = S, SUM = 0: a user page faults (trap to M, MPP becomes M)
  li a1, VA(P_USER)
  EXPECT_M_TRAP 1f
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
mprv_sum_off:
  ld a0, 0(a1)
  TRAP_MISSED
1:li t0, MSTATUS_MPRV
  csrc mstatus, t0
  ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, mprv_sum_off
  M_TRAP a0, REC_STATUS
  ASSERT_BITS a0, MSTATUS_MPRV | MSTATUS_MPP, MSTATUS_MPRV | MSTATUS_MPP_M
  CHECK 41 // MPP = S, SUM = 1: allowed
  li a1, VA(P_USER)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV | MSTATUS_SUM
  csrs mstatus, t0
  ld a0, 0(a1)
  li t0, MSTATUS_MPRV | MSTATUS_SUM
  csrc mstatus, t0
  ASSERT_EQ a0, 0x55550003
  CHECK 42 // MPP = U: a user page is fine
  li a1, VA(P_USER)
  li t0, MSTATUS_MPP
  csrc mstatus, t0 // MPP = U
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  ld a0, 0(a1)
  csrc mstatus, t0
  ASSERT_EQ a0, 0x55550003
  CHECK 43 // MPP = U: a kernel page is a store page fault with tval
  li a1, VA(P_DATA) + 0x30
  EXPECT_M_TRAP 1f
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
mprv_user_store:
  sd a0, 0(a1)
  TRAP_MISSED
1:li t0, MSTATUS_MPRV
  csrc mstatus, t0
  ASSERT_M_TRAP CAUSE_STORE_PAGE_FAULT, mprv_user_store
  ASSERT_M_TVAL VA(P_DATA) + 0x30
  CHECK 44 // MPP = S with MXR: the execute-only page reads
  li a1, VA(P_XONLY) + 16
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV | MSTATUS_MXR
  csrs mstatus, t0
  ld a0, 0(a1)
  li t0, MSTATUS_MPRV | MSTATUS_MXR
  csrc mstatus, t0
  ASSERT_EQ a0, 0x7777000b
  CHECK 45 // MPRV does not translate fetches: M code kept running above, and M data without MPRV is physical
  la t0, page_a
  ld a0, 0(t0)
  ASSERT_EQ a0, 0xaaaa0001

  // ---- A and D ----
  CHECK 46 // a load sets A, not D
  LOAD_PTE a0, l0_low, P_AD
  ASSERT_BITS a0, PTE_A | PTE_D, 0
  li a1, VA(P_AD)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a0, 0(a1)
  ecall
  TRAP_MISSED
1:LOAD_PTE a0, l0_low, P_AD
  ASSERT_BITS a0, PTE_A | PTE_D, PTE_A
  CHECK 47 // a store to the same page (its read translation cached) sets D
  li a1, VA(P_AD)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a0, 0(a1)
  sd a0, 8(a1)
  ecall
  TRAP_MISSED
1:LOAD_PTE a0, l0_low, P_AD
  ASSERT_BITS a0, PTE_A | PTE_D, PTE_A | PTE_D
  CHECK 48 // D cleared by software + sfence.vma: the next store sets it again
  la t0, l0_low
  ld t1, (P_AD * 8)(t0)
  andi t1, t1, ~PTE_D
  sd t1, (P_AD * 8)(t0)
  li a1, VA(P_AD)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  sfence.vma a1
  sd a0, 16(a1)
  ecall
  TRAP_MISSED
1:LOAD_PTE a0, l0_low, P_AD
  ASSERT_BITS a0, PTE_D, PTE_D
  CHECK 49 // a fetch sets A (code_a mapped without A)
  LOAD_PTE a0, l0_low, P_CODE
  ASSERT_BITS a0, PTE_A, 0
  li a1, VA(P_CODE)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0xa
  LOAD_PTE a0, l0_low, P_CODE
  ASSERT_BITS a0, PTE_A | PTE_D, PTE_A
  CHECK 50 // a store to a page where the PTE has A = 1, D = 0 and no W: page fault, D stays 0
  li a1, VA(P_RONLY)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  sd a0, 0(a1)
  TRAP_MISSED
1:LOAD_PTE a0, l0_low, P_RONLY
  ASSERT_BITS a0, PTE_D, 0

  // ---- sfence.vma after PTE changes ----
  CHECK 51 // S remaps VA 0x40000000 from page_a to page_b: after sfence.vma rs1 it reads page_b
  li a1, VA(P_DATA)
  la a2, l0_low + P_DATA * 8
  la a3, page_b
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a4, 0(a1) // page_a, and the translation is cached
  srli t0, a3, 12
  slli t0, t0, 10
  ori t0, t0, KERNEL_RW
  sd t0, 0(a2)
  sfence.vma a1
  ld a5, 0(a1)
  ecall
  TRAP_MISSED
1:ASSERT_EQ a4, 0xaaaa0001
  ASSERT_EQ a5, 0xbbbb0002
  CHECK 52 // invalidated + sfence.vma x0: a page fault
  li a1, VA(P_DATA)
  la a2, l0_low + P_DATA * 8
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  ld a4, 0(a1)
  sd zero, 0(a2)
  sfence.vma
stale_load:
  ld a5, 0(a1)
  TRAP_MISSED
1:ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, stale_load
  ASSERT_EQ a4, 0xbbbb0002
  SET_PTE_SYM l0_low, P_DATA, page_a, KERNEL_RW
  sfence.vma
  CHECK 53 // code: VA of P_CODE remapped from code_a to code_b, sfence.vma rs1: the new code runs
  li a1, VA(P_CODE)
  la a2, l0_low + P_CODE * 8
  la a3, code_b
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  mv a4, a0
  srli t0, a3, 12
  slli t0, t0, 10
  ori t0, t0, (PTE_V | PTE_R | PTE_X | PTE_A)
  sd t0, 0(a2)
  sfence.vma a1
  jalr a1
  mv a5, a0
  ecall
  TRAP_MISSED
1:ASSERT_EQ a4, 0xa
  ASSERT_EQ a5, 0xb
  CHECK 54 // and back, with sfence.vma x0
  li a1, VA(P_CODE)
  la a2, l0_low + P_CODE * 8
  la a3, code_a
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  srli t0, a3, 12
  slli t0, t0, 10
  ori t0, t0, (PTE_V | PTE_R | PTE_X | PTE_A)
  sd t0, 0(a2)
  sfence.vma
  jalr a1
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0xa
  CHECK 55 // the code at a VA unmapped (sfence.vma rs1): a fetch page fault
  li a1, VA(P_CODE)
  la a2, l0_low + P_CODE * 8
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  sd zero, 0(a2)
  sfence.vma a1
  jalr a1
  TRAP_MISSED
1:M_TRAP a0, REC_CAUSE
  ASSERT_EQ a0, CAUSE_FETCH_PAGE_FAULT
  ASSERT_M_TVAL VA(P_CODE)
  SET_PTE_SYM l0_low, P_CODE, code_a, (PTE_V | PTE_R | PTE_X | PTE_A)
  sfence.vma

  // ---- satp mode switch ----
  CHECK 56 // S switches to the other mode (same tables below), reads, and back
#if LEVELS == 3
  la t0, sv48_root
#else
  la t0, sv39_root
#endif
  srli t0, t0, 12
  li t1, OTHER_MODE
  or a2, t0, t1
  li a1, VA(P_DATA)
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  csrw satp, a2
  sfence.vma
  csrr a3, satp
  ld a0, 0(a1)
  csrw satp, s10
  sfence.vma
  ecall
  TRAP_MISSED
1:ASSERT_REG_EQ a3, a2
  ASSERT_EQ a0, 0xaaaa0001
  CHECK 57 // Sv48's 512 GiB VA is not canonical in Sv39
#if LEVELS == 3
  li a1, TERA_512G + RAM_BASE
#else
  li a1, TERA_512G + RAM_BASE
  la t0, sv39_root
  srli t0, t0, 12
  li t1, SATP_MODE_SV39
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
#endif
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
sv39_tera:
  ld a0, 0(a1)
  TRAP_MISSED
1:csrw satp, s10
  sfence.vma
  ASSERT_M_TRAP CAUSE_LOAD_PAGE_FAULT, sv39_tera
  CHECK 58 // code in a 2 MiB page, the leaf changed to other memory, sfence.vma rs1 = another
           // 4 KiB piece of that superpage: the new code runs (rs1 names the whole leaf)
  li t0, SUPER_CODE_PA1 + 0x1000
  li t1, 0x00100513 // li a0, 1
  sw t1, 0(t0)
  li t1, 0x00008067 // ret
  sw t1, 4(t0)
  li t0, SUPER_CODE_PA2 + 0x1000
  li t1, 0x00200513 // li a0, 2
  sw t1, 0(t0)
  li t1, 0x00008067
  sw t1, 4(t0)
  fence.i
  SET_PTE l1_low, 3, SUPER_CODE_PA1, (PTE_V | PTE_R | PTE_X | PTE_A)
  sfence.vma
  li a1, SUPER_CODE + 0x1000
  la a2, l1_low + 3 * 8
  li a3, SUPER_CODE_PA2
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  mv a4, a0
  srli t0, a3, 12
  slli t0, t0, 10
  ori t0, t0, (PTE_V | PTE_R | PTE_X | PTE_A)
  sd t0, 0(a2)
  li t0, SUPER_CODE
  sfence.vma t0
  jalr a1
  mv a5, a0
  ecall
  TRAP_MISSED
1:ASSERT_EQ a4, 1
  ASSERT_EQ a5, 2
  CHECK 59 // the same after the TLB was emptied by satp writes in between (an identical
           // address space of the other mode, and back): decoded code must still go
  SET_PTE l1_low, 3, SUPER_CODE_PA1, (PTE_V | PTE_R | PTE_X | PTE_A)
  sfence.vma
#if LEVELS == 3
  la t0, sv48_root
#else
  la t0, sv39_root
#endif
  srli t0, t0, 12
  li t1, OTHER_MODE
  or a6, t0, t1
  li a1, SUPER_CODE + 0x1000
  la a2, l1_low + 3 * 8
  li a3, SUPER_CODE_PA2
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  jalr a1
  mv a4, a0
  csrw satp, a6
  csrw satp, s10
  srli t0, a3, 12
  slli t0, t0, 10
  ori t0, t0, (PTE_V | PTE_R | PTE_X | PTE_A)
  sd t0, 0(a2)
  li t0, SUPER_CODE + 0x3000
  sfence.vma t0
  jalr a1
  mv a5, a0
  ecall
  TRAP_MISSED
1:ASSERT_EQ a4, 1
  ASSERT_EQ a5, 2
  CHECK 60 // satp = Bare from S: VA = PA again
  la a1, magic_word
  EXPECT_M_TRAP 1f
  GOTO_MODE PRV_S
  csrw satp, zero
  sfence.vma
  ld a0, 0(a1)
  li a2, VA(P_DATA)
  csrw satp, s10
  sfence.vma
  ld a3, 0(a2)
  ecall
  TRAP_MISSED
1:ASSERT_EQ a0, 0x600dcafe
  ASSERT_EQ a3, 0xaaaa0001
  csrw satp, zero
  sfence.vma
  PASS

// ---- Code reached through mappings ----
  .text
code_ret_c:
  li a0, 0xc
  ret
  .p2align 12
code_a:
  li a0, 0xa
  ret
  .p2align 12
code_b:
  li a0, 0xb
  ret
  .p2align 12
span_page:
  .skip 4094, 0
  .half 0x0513 // the first half of addi a0, a0, 1; the second half is on the next page
  .p2align 12

// ---- U-mode code (user pages, identity) ----
  .section .usertext, "ax"
user_load:
  ld a0, 0(a1)
  ecall
user_store:
  sd a0, 0(a1)
  ecall
user_jump:
  jr a1
user_ret_42:
  li a0, 42
  ret

  .data
magic_word:
  .dword 0x600dcafe

  .bss
  .p2align 12
sv39_root: .space 4096
sv48_root: .space 4096
l1_id: .space 4096
l0_id: .space 4096
l1_low: .space 4096
l0_low: .space 4096
page_a: .space 4096
page_b: .space 4096
page_u: .space 4096
page_x: .space 4096
page_ad: .space 4096
