// Data-driven decoder and disassembler cases: encoding -> opcode, every
// operand field, canonical text and objdump-style alias text. Encodings
// were produced by GNU as (riscv64-linux-gnu-as -march=rv64gc_zba_zbb_zbs)
// and checked against riscv64-linux-gnu-objdump. They cover every Format,
// every compressed instruction kind, HINTs, and the sign extension and
// extreme values of each immediate kind. All cases are fetched at kPc.
#include <gtest/gtest.h>

#include "machine/isa/decoder.h"
#include "machine/isa/disassembler.h"

namespace tiercel {
namespace {

constexpr uint64_t kPc = 0x10000;

struct Operands {
  uint8_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
  int64_t imm = 0;
  uint8_t rm = 0;
};

struct DecodeCase {
  uint32_t bits; // as fetched: the 16-bit parcel for compressed words
  Opcode opcode;
  Operands ops;          // every field; unused ones must be zero
  const char *canonical; // aliases=false
  const char *alias;     // aliases=true; nullptr when the same as canonical
};

// Register numbers by ABI name, for readability.
// clang-format off
enum : uint8_t {
  zero = 0, ra = 1, sp = 2, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9, a0 = 10, a1 = 11, a2 = 12,
  a3 = 13, a4 = 14, a5 = 15, s11 = 27, t6 = 31,
  ft0 = 0, ft1 = 1, fs0 = 8, fs1 = 9, fa0 = 10, fa1 = 11, fa2 = 12, fa3 = 13, fa5 = 15,
  fs11 = 27, ft11 = 31,
};
// clang-format on
constexpr uint8_t kDyn = 7;

// clang-format off
const DecodeCase kCases[] = {
    // ---- Format::None ----
    {0x00000073, Opcode::Ecall, {}, "ecall", nullptr},
    {0x00100073, Opcode::Ebreak, {}, "ebreak", nullptr},
    {0x0000100f, Opcode::FenceI, {}, "fence.i", nullptr},
    // FENCE.I's imm/rs1/rd are ignored (ISA spec 3.1): decoded, not kept.
    {0x0015108f, Opcode::FenceI, {}, "fence.i", nullptr},
    {0x10200073, Opcode::Sret, {}, "sret", nullptr},
    {0x30200073, Opcode::Mret, {}, "mret", nullptr},
    {0x10500073, Opcode::Wfi, {}, "wfi", nullptr},
    // ---- R ----
    {0x00c58533, Opcode::Add, {.rd = a0, .rs1 = a1, .rs2 = a2}, "add a0, a1, a2", nullptr},
    {0x41f00433, Opcode::Sub, {.rd = s0, .rs1 = zero, .rs2 = t6}, "sub s0, zero, t6", "neg s0, t6"},
    {0x027322b3, Opcode::Mulhsu, {.rd = t0, .rs1 = t1, .rs2 = t2}, "mulhsu t0, t1, t2", nullptr},
    {0x20c5a53b, Opcode::Sh1addUw, {.rd = a0, .rs1 = a1, .rs2 = a2},
     "sh1add.uw a0, a1, a2", nullptr},
    {0x60c5d53b, Opcode::Rorw, {.rd = a0, .rs1 = a1, .rs2 = a2}, "rorw a0, a1, a2", nullptr},
    {0x28c59533, Opcode::Bset, {.rd = a0, .rs1 = a1, .rs2 = a2}, "bset a0, a1, a2", nullptr},
    {0x080505bb, Opcode::AddUw, {.rd = a1, .rs1 = a0}, "add.uw a1, a0, zero", "zext.w a1, a0"},
    {0x40b005bb, Opcode::Subw, {.rd = a1, .rs2 = a1}, "subw a1, zero, a1", "negw a1, a1"},
    {0x00a03533, Opcode::Sltu, {.rd = a0, .rs2 = a0}, "sltu a0, zero, a0", "snez a0, a0"},
    {0x00052533, Opcode::Slt, {.rd = a0, .rs1 = a0}, "slt a0, a0, zero", "sltz a0, a0"},
    {0x00a02533, Opcode::Slt, {.rd = a0, .rs2 = a0}, "slt a0, zero, a0", "sgtz a0, a0"},
    // ---- I: 12-bit immediates, sign-extended, both extremes ----
    {0x80058513, Opcode::Addi, {.rd = a0, .rs1 = a1, .imm = -2048}, "addi a0, a1, -2048", nullptr},
    {0x7ff58513, Opcode::Addi, {.rd = a0, .rs1 = a1, .imm = 2047}, "addi a0, a1, 2047", nullptr},
    {0xfff5a513, Opcode::Slti, {.rd = a0, .rs1 = a1, .imm = -1}, "slti a0, a1, -1", nullptr},
    // sltiu sign-extends too (ISA spec 2.4.1), then compares unsigned.
    {0xfff5b513, Opcode::Sltiu, {.rd = a0, .rs1 = a1, .imm = -1}, "sltiu a0, a1, -1", nullptr},
    {0x0015b513, Opcode::Sltiu, {.rd = a0, .rs1 = a1, .imm = 1}, "sltiu a0, a1, 1", "seqz a0, a1"},
    {0xfff5851b, Opcode::Addiw, {.rd = a0, .rs1 = a1, .imm = -1}, "addiw a0, a1, -1", nullptr},
    {0x0005851b, Opcode::Addiw, {.rd = a0, .rs1 = a1}, "addiw a0, a1, 0", "sext.w a0, a1"},
    {0xfff5c513, Opcode::Xori, {.rd = a0, .rs1 = a1, .imm = -1}, "xori a0, a1, -1", "not a0, a1"},
    {0x0ff5f513, Opcode::Andi, {.rd = a0, .rs1 = a1, .imm = 255},
     "andi a0, a1, 255", "zext.b a0, a1"},
    {0x00000013, Opcode::Addi, {}, "addi zero, zero, 0", "nop"},
    {0x00058513, Opcode::Addi, {.rd = a0, .rs1 = a1}, "addi a0, a1, 0", "mv a0, a1"},
    {0x80000513, Opcode::Addi, {.rd = a0, .imm = -2048}, "addi a0, zero, -2048", "li a0, -2048"},
    // ---- Shift64 / Shift32: unsigned shift amounts ----
    {0x03f59513, Opcode::Slli, {.rd = a0, .rs1 = a1, .imm = 63}, "slli a0, a1, 63", nullptr},
    {0x43f5d513, Opcode::Srai, {.rd = a0, .rs1 = a1, .imm = 63}, "srai a0, a1, 63", nullptr},
    {0x6215d513, Opcode::Rori, {.rd = a0, .rs1 = a1, .imm = 33}, "rori a0, a1, 33", nullptr},
    {0x4bf5d513, Opcode::Bexti, {.rd = a0, .rs1 = a1, .imm = 63}, "bexti a0, a1, 63", nullptr},
    {0x0bf5951b, Opcode::SlliUw, {.rd = a0, .rs1 = a1, .imm = 63}, "slli.uw a0, a1, 63", nullptr},
    {0x01f5951b, Opcode::Slliw, {.rd = a0, .rs1 = a1, .imm = 31}, "slliw a0, a1, 31", nullptr},
    {0x41f5d51b, Opcode::Sraiw, {.rd = a0, .rs1 = a1, .imm = 31}, "sraiw a0, a1, 31", nullptr},
    {0x6015d51b, Opcode::Roriw, {.rd = a0, .rs1 = a1, .imm = 1}, "roriw a0, a1, 1", nullptr},
    // ---- Unary ----
    {0x60059513, Opcode::Clz, {.rd = a0, .rs1 = a1}, "clz a0, a1", nullptr},
    {0x60459513, Opcode::SextB, {.rd = a0, .rs1 = a1}, "sext.b a0, a1", nullptr},
    {0x0805c53b, Opcode::ZextH, {.rd = a0, .rs1 = a1}, "zext.h a0, a1", nullptr},
    {0x6b85d513, Opcode::Rev8, {.rd = a0, .rs1 = a1}, "rev8 a0, a1", nullptr},
    {0x2875d513, Opcode::OrcB, {.rd = a0, .rs1 = a1}, "orc.b a0, a1", nullptr},
    {0x6025951b, Opcode::Cpopw, {.rd = a0, .rs1 = a1}, "cpopw a0, a1", nullptr},
    // ---- Load / Store: I and S immediates ----
    {0x80012503, Opcode::Lw, {.rd = a0, .rs1 = sp, .imm = -2048}, "lw a0, -2048(sp)", nullptr},
    {0x7ff5b503, Opcode::Ld, {.rd = a0, .rs1 = a1, .imm = 2047}, "ld a0, 2047(a1)", nullptr},
    {0xfff5c503, Opcode::Lbu, {.rd = a0, .rs1 = a1, .imm = -1}, "lbu a0, -1(a1)", nullptr},
    {0x0005e503, Opcode::Lwu, {.rd = a0, .rs1 = a1}, "lwu a0, 0(a1)", nullptr},
    {0x80a13023, Opcode::Sd, {.rs1 = sp, .rs2 = a0, .imm = -2048}, "sd a0, -2048(sp)", nullptr},
    {0x7eb62fa3, Opcode::Sw, {.rs1 = a2, .rs2 = a1, .imm = 2047}, "sw a1, 2047(a2)", nullptr},
    {0xfea58fa3, Opcode::Sb, {.rs1 = a1, .rs2 = a0, .imm = -1}, "sb a0, -1(a1)", nullptr},
    // ---- U: imm holds the value shifted, sign-extended from bit 31 ----
    {0xfffff537, Opcode::Lui, {.rd = a0, .imm = -4096}, "lui a0, 0xfffff", nullptr},
    {0x80000537, Opcode::Lui, {.rd = a0, .imm = -0x80000000ll}, "lui a0, 0x80000", nullptr},
    {0x7ffff517, Opcode::Auipc, {.rd = a0, .imm = 0x7ffff000}, "auipc a0, 0x7ffff", nullptr},
    // ---- B: 13-bit targets, both extremes, printed absolute ----
    {0x7eb50fe3, Opcode::Beq, {.rs1 = a0, .rs2 = a1, .imm = 4094}, "beq a0, a1, 0x10ffe", nullptr},
    {0x8092f063, Opcode::Bgeu, {.rs1 = t0, .rs2 = s1, .imm = -4096},
     "bgeu t0, s1, 0xf000", nullptr},
    {0x00a04463, Opcode::Blt, {.rs2 = a0, .imm = 8}, "blt zero, a0, 0x10008", "bgtz a0, 0x10008"},
    {0xfe055ce3, Opcode::Bge, {.rs1 = a0, .imm = -8}, "bge a0, zero, 0xfff8", "bgez a0, 0xfff8"},
    {0x00a05463, Opcode::Bge, {.rs2 = a0, .imm = 8}, "bge zero, a0, 0x10008", "blez a0, 0x10008"},
    {0x00054463, Opcode::Blt, {.rs1 = a0, .imm = 8}, "blt a0, zero, 0x10008", "bltz a0, 0x10008"},
    // ---- J: 21-bit targets, both extremes ----
    {0x7ffff0ef, Opcode::Jal, {.rd = ra, .imm = 0xffffe}, "jal ra, 0x10fffe", "jal 0x10fffe"},
    {0x8000006f, Opcode::Jal, {.imm = -0x100000},
     "jal zero, 0xfffffffffff10000", "j 0xfffffffffff10000"},
    {0x010002ef, Opcode::Jal, {.rd = t0, .imm = 16}, "jal t0, 0x10010", nullptr},
    // ---- Jalr ----
    {0x800500e7, Opcode::Jalr, {.rd = ra, .rs1 = a0, .imm = -2048},
     "jalr ra, -2048(a0)", "jalr -2048(a0)"},
    {0x00008067, Opcode::Jalr, {.rs1 = ra}, "jalr zero, 0(ra)", "ret"},
    {0x00478067, Opcode::Jalr, {.rs1 = a5, .imm = 4}, "jalr zero, 4(a5)", "jr 4(a5)"},
    {0x000785e7, Opcode::Jalr, {.rd = a1, .rs1 = a5}, "jalr a1, 0(a5)", "jalr a1, a5"},
    // ---- Fence: imm holds fm:pred:succ; rs1/rd are ignored (ISA spec 2.7) ----
    {0x0ff0000f, Opcode::Fence, {.imm = 0x0ff}, "fence iorw, iorw", "fence"},
    {0x0210000f, Opcode::Fence, {.imm = 0x021}, "fence r, w", nullptr},
    {0x8330000f, Opcode::Fence, {.imm = 0x833}, "fence.tso", nullptr},
    {0x0100000f, Opcode::Fence, {.imm = 0x010}, "fence w, 0", nullptr},
    {0x0ff5058f, Opcode::Fence, {.imm = 0x0ff}, "fence iorw, iorw", "fence"},
    // ---- Csr / CsrI: imm is the CSR number, zero-extended ----
    {0x30059573, Opcode::Csrrw, {.rd = a0, .rs1 = a1, .imm = 0x300},
     "csrrw a0, mstatus, a1", nullptr},
    {0x00102573, Opcode::Csrrs, {.rd = a0, .imm = 0x001}, "csrrs a0, fflags, zero", "frflags a0"},
    {0x3045b073, Opcode::Csrrc, {.rs1 = a1, .imm = 0x304}, "csrrc zero, mie, a1", "csrc mie, a1"},
    {0x7c002573, Opcode::Csrrs, {.rd = a0, .imm = 0x7c0},
     "csrrs a0, 0x7c0, zero", "csrr a0, 0x7c0"},
    {0xfff02573, Opcode::Csrrs, {.rd = a0, .imm = 0xfff},
     "csrrs a0, 0xfff, zero", "csrr a0, 0xfff"},
    {0xc0001073, Opcode::Csrrw, {.imm = 0xc00}, "csrrw zero, cycle, zero", "unimp"},
    {0xc0102573, Opcode::Csrrs, {.rd = a0, .imm = 0xc01}, "csrrs a0, time, zero", "rdtime a0"},
    {0x00359073, Opcode::Csrrw, {.rs1 = a1, .imm = 0x003}, "csrrw zero, fcsr, a1", "fscsr a1"},
    {0x14159073, Opcode::Csrrw, {.rs1 = a1, .imm = 0x141}, "csrrw zero, sepc, a1", "csrw sepc, a1"},
    {0x002fd573, Opcode::Csrrwi, {.rd = a0, .rs1 = 31, .imm = 0x002},
     "csrrwi a0, frm, 31", "fsrmi a0, 31"},
    {0x10016073, Opcode::Csrrsi, {.rs1 = 2, .imm = 0x100},
     "csrrsi zero, sstatus, 2", "csrsi sstatus, 2"},
    {0x3440f573, Opcode::Csrrci, {.rd = a0, .rs1 = 1, .imm = 0x344}, "csrrci a0, mip, 1", nullptr},
    // ---- SfenceVma ----
    {0x12b50073, Opcode::SfenceVma, {.rs1 = a0, .rs2 = a1}, "sfence.vma a0, a1", nullptr},
    {0x12000073, Opcode::SfenceVma, {}, "sfence.vma zero, zero", "sfence.vma"},
    // ---- Lr / Amo: rm holds aq:rl ----
    {0x1405a52f, Opcode::LrW, {.rd = a0, .rs1 = a1, .rm = 2}, "lr.w.aq a0, (a1)", nullptr},
    {0x1005b52f, Opcode::LrD, {.rd = a0, .rs1 = a1}, "lr.d a0, (a1)", nullptr},
    {0x06c5a52f, Opcode::AmoaddW, {.rd = a0, .rs1 = a1, .rs2 = a2, .rm = 3},
     "amoadd.w.aqrl a0, a2, (a1)", nullptr},
    {0x1ac5b52f, Opcode::ScD, {.rd = a0, .rs1 = a1, .rs2 = a2, .rm = 1},
     "sc.d.rl a0, a2, (a1)", nullptr},
    {0xe0c5b52f, Opcode::AmomaxuD, {.rd = a0, .rs1 = a1, .rs2 = a2},
     "amomaxu.d a0, a2, (a1)", nullptr},
    // ---- FLoad / FStore ----
    {0xffc12507, Opcode::Flw, {.rd = fa0, .rs1 = sp, .imm = -4}, "flw fa0, -4(sp)", nullptr},
    {0x7f853407, Opcode::Fld, {.rd = fs0, .rs1 = a0, .imm = 2040}, "fld fs0, 2040(a0)", nullptr},
    {0x80a5b027, Opcode::Fsd, {.rs1 = a1, .rs2 = fa0, .imm = -2048}, "fsd fa0, -2048(a1)", nullptr},
    // ---- FR / FR1 / FR4: rounding mode printed unless it is the default ----
    {0x00c5f553, Opcode::FaddS, {.rd = fa0, .rs1 = fa1, .rs2 = fa2, .rm = kDyn},
     "fadd.s fa0, fa1, fa2", nullptr},
    {0x00c59553, Opcode::FaddS, {.rd = fa0, .rs1 = fa1, .rs2 = fa2, .rm = 1},
     "fadd.s fa0, fa1, fa2, rtz", nullptr},
    {0x12c5c553, Opcode::FmulD, {.rd = fa0, .rs1 = fa1, .rs2 = fa2, .rm = 4},
     "fmul.d fa0, fa1, fa2, rmm", nullptr},
    // Reserved rm 101 decodes (executing it is illegal) and prints as a number.
    {0x00c5d553, Opcode::FaddS, {.rd = fa0, .rs1 = fa1, .rs2 = fa2, .rm = 5},
     "fadd.s fa0, fa1, fa2, 5", nullptr},
    {0x5a00b053, Opcode::FsqrtD, {.rd = ft0, .rs1 = ft1, .rm = 3},
     "fsqrt.d ft0, ft1, rup", nullptr},
    {0x4015f553, Opcode::FcvtSD, {.rd = fa0, .rs1 = fa1, .rm = kDyn}, "fcvt.s.d fa0, fa1", nullptr},
    {0x42058553, Opcode::FcvtDS, {.rd = fa0, .rs1 = fa1, .rm = 0}, "fcvt.d.s fa0, fa1", nullptr},
    {0x4205f553, Opcode::FcvtDS, {.rd = fa0, .rs1 = fa1, .rm = kDyn},
     "fcvt.d.s fa0, fa1, dyn", nullptr},
    {0x68c5f543, Opcode::FmaddS, {.rd = fa0, .rs1 = fa1, .rs2 = fa2, .rs3 = fa3, .rm = kDyn},
     "fmadd.s fa0, fa1, fa2, fa3", nullptr},
    {0xfac5a54b, Opcode::FnmsubD, {.rd = fa0, .rs1 = fa1, .rs2 = fa2, .rs3 = ft11, .rm = 2},
     "fnmsub.d fa0, fa1, fa2, ft11, rdn", nullptr},
    // ---- FRNoRm ----
    {0x22b58553, Opcode::FsgnjD, {.rd = fa0, .rs1 = fa1, .rs2 = fa1},
     "fsgnj.d fa0, fa1, fa1", "fmv.d fa0, fa1"},
    {0x20b59553, Opcode::FsgnjnS, {.rd = fa0, .rs1 = fa1, .rs2 = fa1},
     "fsgnjn.s fa0, fa1, fa1", "fneg.s fa0, fa1"},
    {0x22b5a553, Opcode::FsgnjxD, {.rd = fa0, .rs1 = fa1, .rs2 = fa1},
     "fsgnjx.d fa0, fa1, fa1", "fabs.d fa0, fa1"},
    {0x28c58553, Opcode::FminS, {.rd = fa0, .rs1 = fa1, .rs2 = fa2},
     "fmin.s fa0, fa1, fa2", nullptr},
    // ---- FCmp / FToX / XToF / FMvToX / FMvFromX ----
    {0xa2b52553, Opcode::FeqD, {.rd = a0, .rs1 = fa0, .rs2 = fa1}, "feq.d a0, fa0, fa1", nullptr},
    {0xc0051553, Opcode::FcvtWS, {.rd = a0, .rs1 = fa0, .rm = 1}, "fcvt.w.s a0, fa0, rtz", nullptr},
    {0xc2357553, Opcode::FcvtLuD, {.rd = a0, .rs1 = fa0, .rm = kDyn}, "fcvt.lu.d a0, fa0", nullptr},
    {0xd0257553, Opcode::FcvtSL, {.rd = fa0, .rs1 = a0, .rm = kDyn}, "fcvt.s.l fa0, a0", nullptr},
    {0xd2050553, Opcode::FcvtDW, {.rd = fa0, .rs1 = a0, .rm = 0}, "fcvt.d.w fa0, a0", nullptr},
    {0xd2157553, Opcode::FcvtDWu, {.rd = fa0, .rs1 = a0, .rm = kDyn},
     "fcvt.d.wu fa0, a0, dyn", nullptr},
    {0xe2050553, Opcode::FmvXD, {.rd = a0, .rs1 = fa0}, "fmv.x.d a0, fa0", nullptr},
    {0xe0051553, Opcode::FclassS, {.rd = a0, .rs1 = fa0}, "fclass.s a0, fa0", nullptr},
    {0xf0050553, Opcode::FmvWX, {.rd = fa0, .rs1 = a0}, "fmv.w.x fa0, a0", nullptr},

    // ==== Compressed: every kind, expanded (ISA spec 16.3-16.8) ====
    // Quadrant 0.
    {0x1fe4, Opcode::Addi, {.rd = s1, .rs1 = sp, .imm = 1020}, "addi s1, sp, 1020", nullptr},
    {0x3d7c, Opcode::Fld, {.rd = fa5, .rs1 = a0, .imm = 248}, "fld fa5, 248(a0)", nullptr},
    {0x5fe8, Opcode::Lw, {.rd = a0, .rs1 = a5, .imm = 124}, "lw a0, 124(a5)", nullptr},
    {0x7ce0, Opcode::Ld, {.rd = s0, .rs1 = s1, .imm = 248}, "ld s0, 248(s1)", nullptr},
    {0xa604, Opcode::Fsd, {.rs1 = a2, .rs2 = fs1, .imm = 8}, "fsd fs1, 8(a2)", nullptr},
    {0xc14c, Opcode::Sw, {.rs1 = a0, .rs2 = a1, .imm = 4}, "sw a1, 4(a0)", nullptr},
    {0xe31c, Opcode::Sd, {.rs1 = a4, .rs2 = a5}, "sd a5, 0(a4)", nullptr},
    // Quadrant 1.
    {0x0001, Opcode::Addi, {}, "addi zero, zero, 0", "nop"},
    {0x1501, Opcode::Addi, {.rd = a0, .rs1 = a0, .imm = -32}, "addi a0, a0, -32", nullptr},
    {0x357d, Opcode::Addiw, {.rd = a0, .rs1 = a0, .imm = -1}, "addiw a0, a0, -1", nullptr},
    {0x5501, Opcode::Addi, {.rd = a0, .imm = -32}, "addi a0, zero, -32", "li a0, -32"},
    {0x7101, Opcode::Addi, {.rd = sp, .rs1 = sp, .imm = -512}, "addi sp, sp, -512", nullptr},
    {0x617d, Opcode::Addi, {.rd = sp, .rs1 = sp, .imm = 496}, "addi sp, sp, 496", nullptr},
    {0x7501, Opcode::Lui, {.rd = a0, .imm = -0x20000}, "lui a0, 0xfffe0", nullptr},
    {0x6dfd, Opcode::Lui, {.rd = s11, .imm = 0x1f000}, "lui s11, 0x1f", nullptr},
    {0x93fd, Opcode::Srli, {.rd = a5, .rs1 = a5, .imm = 63}, "srli a5, a5, 63", nullptr},
    {0x8505, Opcode::Srai, {.rd = a0, .rs1 = a0, .imm = 1}, "srai a0, a0, 1", nullptr},
    {0x98fd, Opcode::Andi, {.rd = s1, .rs1 = s1, .imm = -1}, "andi s1, s1, -1", nullptr},
    {0x8c1d, Opcode::Sub, {.rd = s0, .rs1 = s0, .rs2 = a5}, "sub s0, s0, a5", nullptr},
    {0x8c3d, Opcode::Xor, {.rd = s0, .rs1 = s0, .rs2 = a5}, "xor s0, s0, a5", nullptr},
    {0x8c5d, Opcode::Or, {.rd = s0, .rs1 = s0, .rs2 = a5}, "or s0, s0, a5", nullptr},
    {0x8c7d, Opcode::And, {.rd = s0, .rs1 = s0, .rs2 = a5}, "and s0, s0, a5", nullptr},
    {0x9d0d, Opcode::Subw, {.rd = a0, .rs1 = a0, .rs2 = a1}, "subw a0, a0, a1", nullptr},
    {0x9d2d, Opcode::Addw, {.rd = a0, .rs1 = a0, .rs2 = a1}, "addw a0, a0, a1", nullptr},
    {0xb001, Opcode::Jal, {.imm = -2048}, "jal zero, 0xf800", "j 0xf800"},
    {0xaffd, Opcode::Jal, {.imm = 2046}, "jal zero, 0x107fe", "j 0x107fe"},
    {0xd001, Opcode::Beq, {.rs1 = s0, .imm = -256}, "beq s0, zero, 0xff00", "beqz s0, 0xff00"},
    {0xeffd, Opcode::Bne, {.rs1 = a5, .imm = 254}, "bne a5, zero, 0x100fe", "bnez a5, 0x100fe"},
    // Quadrant 2.
    {0x1ffe, Opcode::Slli, {.rd = t6, .rs1 = t6, .imm = 63}, "slli t6, t6, 63", nullptr},
    {0x307e, Opcode::Fld, {.rd = ft0, .rs1 = sp, .imm = 504}, "fld ft0, 504(sp)", nullptr},
    {0x50fe, Opcode::Lw, {.rd = ra, .rs1 = sp, .imm = 252}, "lw ra, 252(sp)", nullptr},
    {0x757e, Opcode::Ld, {.rd = a0, .rs1 = sp, .imm = 504}, "ld a0, 504(sp)", nullptr},
    {0x8082, Opcode::Jalr, {.rs1 = ra}, "jalr zero, 0(ra)", "ret"},
    {0x8782, Opcode::Jalr, {.rs1 = a5}, "jalr zero, 0(a5)", "jr a5"},
    {0x852e, Opcode::Add, {.rd = a0, .rs2 = a1}, "add a0, zero, a1", "mv a0, a1"},
    {0x9002, Opcode::Ebreak, {}, "ebreak", nullptr},
    {0x9502, Opcode::Jalr, {.rd = ra, .rs1 = a0}, "jalr ra, 0(a0)", "jalr a0"},
    {0x952e, Opcode::Add, {.rd = a0, .rs1 = a0, .rs2 = a1}, "add a0, a0, a1", nullptr},
    {0xbfee, Opcode::Fsd, {.rs1 = sp, .rs2 = fs11, .imm = 504}, "fsd fs11, 504(sp)", nullptr},
    {0xdffe, Opcode::Sw, {.rs1 = sp, .rs2 = t6, .imm = 252}, "sw t6, 252(sp)", nullptr},
    {0xe02a, Opcode::Sd, {.rs1 = sp, .rs2 = a0}, "sd a0, 0(sp)", nullptr},
    // HINTs decode as the instruction they expand to (ISA spec 16.7).
    {0x0501, Opcode::Addi, {.rd = a0, .rs1 = a0}, "addi a0, a0, 0", "mv a0, a0"},
    {0x0015, Opcode::Addi, {.imm = 5}, "addi zero, zero, 5", "li zero, 5"},
    {0x4015, Opcode::Addi, {.imm = 5}, "addi zero, zero, 5", "li zero, 5"},
    {0x6005, Opcode::Lui, {.imm = 0x1000}, "lui zero, 0x1", nullptr},
    {0x0502, Opcode::Slli, {.rd = a0, .rs1 = a0}, "slli a0, a0, 0", nullptr},
    {0x8101, Opcode::Srli, {.rd = a0, .rs1 = a0}, "srli a0, a0, 0", nullptr},
    {0x802e, Opcode::Add, {.rs2 = a1}, "add zero, zero, a1", "mv zero, a1"},
};
// clang-format on

class DecodeCases : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(DecodeCases, OperandsAndText) {
  const DecodeCase &c = GetParam();
  const bool compressed = (c.bits & 3) != 3;
  const DecodedInstruction d = decode(c.bits, kPc);
  EXPECT_EQ(d.opcode, c.opcode) << mnemonicOf(d.opcode) << " vs " << mnemonicOf(c.opcode);
  EXPECT_EQ(d.length, compressed ? 2 : 4);
  EXPECT_EQ(d.raw, c.bits);
  EXPECT_EQ(d.pc, kPc);
  EXPECT_EQ(d.rd, c.ops.rd);
  EXPECT_EQ(d.rs1, c.ops.rs1);
  EXPECT_EQ(d.rs2, c.ops.rs2);
  EXPECT_EQ(d.rs3, c.ops.rs3);
  EXPECT_EQ(d.imm, c.ops.imm);
  EXPECT_EQ(d.rm, c.ops.rm);
  EXPECT_EQ(disassemble(d, {.abiNames = true, .aliases = false}), c.canonical);
  EXPECT_EQ(disassemble(d, {.abiNames = true, .aliases = true}), c.alias ? c.alias : c.canonical);
}

std::string caseName(const ::testing::TestParamInfo<DecodeCase> &info) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%zu_%08x", info.index, info.param.bits);
  return buf;
}

INSTANTIATE_TEST_SUITE_P(Table, DecodeCases, ::testing::ValuesIn(kCases), caseName);

// The table above is meant to exercise every operand Format at least once
// with a 32-bit encoding; a Format added to instruction_table.h without a
// case here fails this test.
TEST(DecodeCasesCoverage, EveryFormatHasA32BitCase) {
  constexpr size_t kFormats = static_cast<size_t>(Format::FMvFromX) + 1;
  bool seen[kFormats] = {};
  for (const DecodeCase &c : kCases)
    if ((c.bits & 3) == 3)
      seen[static_cast<size_t>(specOf(c.opcode).format)] = true;
  for (size_t i = 0; i + 1 < kOpcodeCount; ++i)
    EXPECT_TRUE(seen[static_cast<size_t>(kInstructionSpecs[i].format)])
        << "no case for the Format of " << kInstructionSpecs[i].mnemonic;
}

// ---- Illegal and reserved encodings ----

struct IllegalCase {
  uint32_t bits;
  const char *text; // aliases=true; canonical is always the .2byte/.4byte form
  const char *why;
};

const IllegalCase kIllegal[] = {
    {0x0000, "unimp", "all-zero parcel: defined illegal (ISA spec 16.8)"},
    {0x0004, ".2byte 0x0004", "C.ADDI4SPN with nzuimm=0 is reserved"},
    {0x8000, ".2byte 0x8000", "quadrant 0, funct3=100 is reserved"},
    {0x2001, ".2byte 0x2001", "C.ADDIW with rd=x0 is reserved"},
    {0x6101, ".2byte 0x6101", "C.ADDI16SP with nzimm=0 is reserved"},
    {0x6081, ".2byte 0x6081", "C.LUI with nzimm=0 is reserved"},
    {0x9c41, ".2byte 0x9c41", "C.SUBW/C.ADDW space, funct2=10 is reserved"},
    {0x4002, ".2byte 0x4002", "C.LWSP with rd=x0 is reserved"},
    {0x6002, ".2byte 0x6002", "C.LDSP with rd=x0 is reserved"},
    {0x8002, ".2byte 0x8002", "C.JR with rs1=x0 is reserved"},
    {0xffffffff, ".4byte 0xffffffff", "longer-than-32-bit encoding space"},
    {0x0000007f, ".4byte 0x0000007f", "64-bit encoding prefix"},
    {0x40001033, ".4byte 0x40001033", "sll with funct7=0100000"},
    {0x04001013, ".4byte 0x04001013", "slli with funct6=000001"},
};

TEST(DecodeIllegal, ReservedAndIllegalEncodings) {
  for (const IllegalCase &c : kIllegal) {
    const bool compressed = (c.bits & 3) != 3;
    const DecodedInstruction d = decode(c.bits, kPc);
    EXPECT_EQ(d.opcode, Opcode::Illegal) << c.why;
    EXPECT_EQ(d.length, compressed ? 2 : 4) << c.why;
    EXPECT_EQ(d.raw, c.bits) << c.why;
    EXPECT_EQ(disassemble(d, {.abiNames = true, .aliases = true}), c.text) << c.why;
    char canonical[32];
    std::snprintf(canonical, sizeof canonical, compressed ? ".2byte 0x%04x" : ".4byte 0x%08x",
                  c.bits);
    EXPECT_EQ(disassemble(d, {.abiNames = true, .aliases = false}), canonical) << c.why;
  }
}

TEST(DecodeIllegal, ExpandCompressedReturnsZeroForReserved) {
  for (const IllegalCase &c : kIllegal)
    if ((c.bits & 3) != 3)
      EXPECT_EQ(expandCompressed(static_cast<uint16_t>(c.bits)), 0u) << c.why;
  // And expands a valid one to its 32-bit form: c.addi a0, -32 = addi a0, a0, -32.
  EXPECT_EQ(expandCompressed(0x1501), 0xfe050513u);
}

TEST(Decode, InstructionLength) {
  EXPECT_EQ(instructionLength(0x0001), 2u);
  EXPECT_EQ(instructionLength(0x0002), 2u);
  EXPECT_EQ(instructionLength(0x0000), 2u);
  EXPECT_EQ(instructionLength(0x0013), 4u);
  // The high half of a compressed fetch is ignored: it is the next instruction.
  EXPECT_EQ(decode(0xffff1501, kPc).opcode, Opcode::Addi);
  EXPECT_EQ(decode(0xffff1501, kPc).length, 2);
}

} // namespace
} // namespace tiercel
