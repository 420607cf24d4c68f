// 32-bit RISC-V encoders (ISA spec 2.2-2.3 base formats, R4 for fused
// multiply-add) with their own table of field values, and the self-check
// against the project's decoder. See rv_encoding.h for why the table is
// restated here instead of being derived from instructions.def.
#include "tests/fuzz/rv_encoding.h"

#include <cstdio>
#include <cstdlib>

#include "machine/isa/decoder.h"
#include "machine/isa/disassembler.h"

namespace tiercel::fuzz {
namespace {

// Major opcodes (ISA spec table 34.1, "RISC-V base opcode map").
constexpr uint32_t kLoad = 0x03, kLoadFp = 0x07, kMiscMem = 0x0f, kOpImm = 0x13, kAuipc = 0x17,
                   kOpImm32 = 0x1b, kStore = 0x23, kStoreFp = 0x27, kAmo = 0x2f, kOp = 0x33,
                   kLui = 0x37, kOp32 = 0x3b, kMadd = 0x43, kMsub = 0x47, kNmsub = 0x4b,
                   kNmadd = 0x4f, kOpFp = 0x53, kBranch = 0x63, kJalr = 0x67, kJal = 0x6f,
                   kSystem = 0x73;

// Fixed fields of one instruction. `high` is funct7 (R, FP), funct6 (64-bit
// immediate shifts), funct5 (AMOs) or the 2-bit fmt (R4), as the format
// needs; `rs2Field` is the fixed rs2 of unary and conversion rows.
struct Row {
  Opcode op;
  uint8_t major;
  uint8_t funct3;
  uint8_t high;
  uint8_t rs2Field;
};

constexpr Row kRows[] = {
    // RV64I register-register (ISA spec 2.4.2, 5.2)
    {Opcode::Add, kOp, 0, 0x00, 0},
    {Opcode::Sub, kOp, 0, 0x20, 0},
    {Opcode::Sll, kOp, 1, 0x00, 0},
    {Opcode::Slt, kOp, 2, 0x00, 0},
    {Opcode::Sltu, kOp, 3, 0x00, 0},
    {Opcode::Xor, kOp, 4, 0x00, 0},
    {Opcode::Srl, kOp, 5, 0x00, 0},
    {Opcode::Sra, kOp, 5, 0x20, 0},
    {Opcode::Or, kOp, 6, 0x00, 0},
    {Opcode::And, kOp, 7, 0x00, 0},
    {Opcode::Addw, kOp32, 0, 0x00, 0},
    {Opcode::Subw, kOp32, 0, 0x20, 0},
    {Opcode::Sllw, kOp32, 1, 0x00, 0},
    {Opcode::Srlw, kOp32, 5, 0x00, 0},
    {Opcode::Sraw, kOp32, 5, 0x20, 0},
    // M (ISA spec chapter 7)
    {Opcode::Mul, kOp, 0, 0x01, 0},
    {Opcode::Mulh, kOp, 1, 0x01, 0},
    {Opcode::Mulhsu, kOp, 2, 0x01, 0},
    {Opcode::Mulhu, kOp, 3, 0x01, 0},
    {Opcode::Div, kOp, 4, 0x01, 0},
    {Opcode::Divu, kOp, 5, 0x01, 0},
    {Opcode::Rem, kOp, 6, 0x01, 0},
    {Opcode::Remu, kOp, 7, 0x01, 0},
    {Opcode::Mulw, kOp32, 0, 0x01, 0},
    {Opcode::Divw, kOp32, 4, 0x01, 0},
    {Opcode::Divuw, kOp32, 5, 0x01, 0},
    {Opcode::Remw, kOp32, 6, 0x01, 0},
    {Opcode::Remuw, kOp32, 7, 0x01, 0},
    // Zba
    {Opcode::Sh1add, kOp, 2, 0x10, 0},
    {Opcode::Sh2add, kOp, 4, 0x10, 0},
    {Opcode::Sh3add, kOp, 6, 0x10, 0},
    {Opcode::AddUw, kOp32, 0, 0x04, 0},
    {Opcode::Sh1addUw, kOp32, 2, 0x10, 0},
    {Opcode::Sh2addUw, kOp32, 4, 0x10, 0},
    {Opcode::Sh3addUw, kOp32, 6, 0x10, 0},
    // Zbb
    {Opcode::Andn, kOp, 7, 0x20, 0},
    {Opcode::Orn, kOp, 6, 0x20, 0},
    {Opcode::Xnor, kOp, 4, 0x20, 0},
    {Opcode::Max, kOp, 6, 0x05, 0},
    {Opcode::Maxu, kOp, 7, 0x05, 0},
    {Opcode::Min, kOp, 4, 0x05, 0},
    {Opcode::Minu, kOp, 5, 0x05, 0},
    {Opcode::Rol, kOp, 1, 0x30, 0},
    {Opcode::Ror, kOp, 5, 0x30, 0},
    {Opcode::Rolw, kOp32, 1, 0x30, 0},
    {Opcode::Rorw, kOp32, 5, 0x30, 0},
    // Zbs
    {Opcode::Bclr, kOp, 1, 0x24, 0},
    {Opcode::Bext, kOp, 5, 0x24, 0},
    {Opcode::Binv, kOp, 1, 0x34, 0},
    {Opcode::Bset, kOp, 1, 0x14, 0},
    // Register-immediate
    {Opcode::Addi, kOpImm, 0, 0, 0},
    {Opcode::Slti, kOpImm, 2, 0, 0},
    {Opcode::Sltiu, kOpImm, 3, 0, 0},
    {Opcode::Xori, kOpImm, 4, 0, 0},
    {Opcode::Ori, kOpImm, 6, 0, 0},
    {Opcode::Andi, kOpImm, 7, 0, 0},
    {Opcode::Addiw, kOpImm32, 0, 0, 0},
    // Shifts by immediate: high = funct6 (64-bit) or funct7 (32-bit)
    {Opcode::Slli, kOpImm, 1, 0x00, 0},
    {Opcode::Srli, kOpImm, 5, 0x00, 0},
    {Opcode::Srai, kOpImm, 5, 0x10, 0},
    {Opcode::Rori, kOpImm, 5, 0x18, 0},
    {Opcode::Bclri, kOpImm, 1, 0x12, 0},
    {Opcode::Bexti, kOpImm, 5, 0x12, 0},
    {Opcode::Binvi, kOpImm, 1, 0x1a, 0},
    {Opcode::Bseti, kOpImm, 1, 0x0a, 0},
    {Opcode::SlliUw, kOpImm32, 1, 0x02, 0},
    {Opcode::Slliw, kOpImm32, 1, 0x00, 0},
    {Opcode::Srliw, kOpImm32, 5, 0x00, 0},
    {Opcode::Sraiw, kOpImm32, 5, 0x20, 0},
    {Opcode::Roriw, kOpImm32, 5, 0x30, 0},
    // Zbb unary: funct7 + fixed rs2 field
    {Opcode::Clz, kOpImm, 1, 0x30, 0},
    {Opcode::Ctz, kOpImm, 1, 0x30, 1},
    {Opcode::Cpop, kOpImm, 1, 0x30, 2},
    {Opcode::SextB, kOpImm, 1, 0x30, 4},
    {Opcode::SextH, kOpImm, 1, 0x30, 5},
    {Opcode::Clzw, kOpImm32, 1, 0x30, 0},
    {Opcode::Ctzw, kOpImm32, 1, 0x30, 1},
    {Opcode::Cpopw, kOpImm32, 1, 0x30, 2},
    {Opcode::ZextH, kOp32, 4, 0x04, 0},
    {Opcode::OrcB, kOpImm, 5, 0x14, 0x07},
    {Opcode::Rev8, kOpImm, 5, 0x35, 0x18},
    // Upper immediates, control transfer
    {Opcode::Lui, kLui, 0, 0, 0},
    {Opcode::Auipc, kAuipc, 0, 0, 0},
    {Opcode::Jal, kJal, 0, 0, 0},
    {Opcode::Jalr, kJalr, 0, 0, 0},
    {Opcode::Beq, kBranch, 0, 0, 0},
    {Opcode::Bne, kBranch, 1, 0, 0},
    {Opcode::Blt, kBranch, 4, 0, 0},
    {Opcode::Bge, kBranch, 5, 0, 0},
    {Opcode::Bltu, kBranch, 6, 0, 0},
    {Opcode::Bgeu, kBranch, 7, 0, 0},
    // Loads and stores
    {Opcode::Lb, kLoad, 0, 0, 0},
    {Opcode::Lh, kLoad, 1, 0, 0},
    {Opcode::Lw, kLoad, 2, 0, 0},
    {Opcode::Ld, kLoad, 3, 0, 0},
    {Opcode::Lbu, kLoad, 4, 0, 0},
    {Opcode::Lhu, kLoad, 5, 0, 0},
    {Opcode::Lwu, kLoad, 6, 0, 0},
    {Opcode::Flw, kLoadFp, 2, 0, 0},
    {Opcode::Fld, kLoadFp, 3, 0, 0},
    {Opcode::Sb, kStore, 0, 0, 0},
    {Opcode::Sh, kStore, 1, 0, 0},
    {Opcode::Sw, kStore, 2, 0, 0},
    {Opcode::Sd, kStore, 3, 0, 0},
    {Opcode::Fsw, kStoreFp, 2, 0, 0},
    {Opcode::Fsd, kStoreFp, 3, 0, 0},
    // Fences, system, Zicsr
    {Opcode::Fence, kMiscMem, 0, 0, 0},
    {Opcode::FenceI, kMiscMem, 1, 0, 0},
    {Opcode::Ecall, kSystem, 0, 0, 0},
    {Opcode::Csrrw, kSystem, 1, 0, 0},
    {Opcode::Csrrs, kSystem, 2, 0, 0},
    {Opcode::Csrrc, kSystem, 3, 0, 0},
    {Opcode::Csrrwi, kSystem, 5, 0, 0},
    {Opcode::Csrrsi, kSystem, 6, 0, 0},
    {Opcode::Csrrci, kSystem, 7, 0, 0},
    // A: high = funct5
    {Opcode::LrW, kAmo, 2, 0x02, 0},
    {Opcode::ScW, kAmo, 2, 0x03, 0},
    {Opcode::AmoswapW, kAmo, 2, 0x01, 0},
    {Opcode::AmoaddW, kAmo, 2, 0x00, 0},
    {Opcode::AmoxorW, kAmo, 2, 0x04, 0},
    {Opcode::AmoandW, kAmo, 2, 0x0c, 0},
    {Opcode::AmoorW, kAmo, 2, 0x08, 0},
    {Opcode::AmominW, kAmo, 2, 0x10, 0},
    {Opcode::AmomaxW, kAmo, 2, 0x14, 0},
    {Opcode::AmominuW, kAmo, 2, 0x18, 0},
    {Opcode::AmomaxuW, kAmo, 2, 0x1c, 0},
    {Opcode::LrD, kAmo, 3, 0x02, 0},
    {Opcode::ScD, kAmo, 3, 0x03, 0},
    {Opcode::AmoswapD, kAmo, 3, 0x01, 0},
    {Opcode::AmoaddD, kAmo, 3, 0x00, 0},
    {Opcode::AmoxorD, kAmo, 3, 0x04, 0},
    {Opcode::AmoandD, kAmo, 3, 0x0c, 0},
    {Opcode::AmoorD, kAmo, 3, 0x08, 0},
    {Opcode::AmominD, kAmo, 3, 0x10, 0},
    {Opcode::AmomaxD, kAmo, 3, 0x14, 0},
    {Opcode::AmominuD, kAmo, 3, 0x18, 0},
    {Opcode::AmomaxuD, kAmo, 3, 0x1c, 0},
    // F and D arithmetic: high = funct7
    {Opcode::FaddS, kOpFp, 0, 0x00, 0},
    {Opcode::FsubS, kOpFp, 0, 0x04, 0},
    {Opcode::FmulS, kOpFp, 0, 0x08, 0},
    {Opcode::FdivS, kOpFp, 0, 0x0c, 0},
    {Opcode::FaddD, kOpFp, 0, 0x01, 0},
    {Opcode::FsubD, kOpFp, 0, 0x05, 0},
    {Opcode::FmulD, kOpFp, 0, 0x09, 0},
    {Opcode::FdivD, kOpFp, 0, 0x0d, 0},
    {Opcode::FsqrtS, kOpFp, 0, 0x2c, 0},
    {Opcode::FsqrtD, kOpFp, 0, 0x2d, 0},
    {Opcode::FcvtSD, kOpFp, 0, 0x20, 1},
    {Opcode::FcvtDS, kOpFp, 0, 0x21, 0},
    // R4: high = fmt (00 single, 01 double)
    {Opcode::FmaddS, kMadd, 0, 0, 0},
    {Opcode::FmsubS, kMsub, 0, 0, 0},
    {Opcode::FnmsubS, kNmsub, 0, 0, 0},
    {Opcode::FnmaddS, kNmadd, 0, 0, 0},
    {Opcode::FmaddD, kMadd, 0, 1, 0},
    {Opcode::FmsubD, kMsub, 0, 1, 0},
    {Opcode::FnmsubD, kNmsub, 0, 1, 0},
    {Opcode::FnmaddD, kNmadd, 0, 1, 0},
    // Sign injection, min/max, compares: funct3 selects
    {Opcode::FsgnjS, kOpFp, 0, 0x10, 0},
    {Opcode::FsgnjnS, kOpFp, 1, 0x10, 0},
    {Opcode::FsgnjxS, kOpFp, 2, 0x10, 0},
    {Opcode::FminS, kOpFp, 0, 0x14, 0},
    {Opcode::FmaxS, kOpFp, 1, 0x14, 0},
    {Opcode::FsgnjD, kOpFp, 0, 0x11, 0},
    {Opcode::FsgnjnD, kOpFp, 1, 0x11, 0},
    {Opcode::FsgnjxD, kOpFp, 2, 0x11, 0},
    {Opcode::FminD, kOpFp, 0, 0x15, 0},
    {Opcode::FmaxD, kOpFp, 1, 0x15, 0},
    {Opcode::FeqS, kOpFp, 2, 0x50, 0},
    {Opcode::FltS, kOpFp, 1, 0x50, 0},
    {Opcode::FleS, kOpFp, 0, 0x50, 0},
    {Opcode::FeqD, kOpFp, 2, 0x51, 0},
    {Opcode::FltD, kOpFp, 1, 0x51, 0},
    {Opcode::FleD, kOpFp, 0, 0x51, 0},
    // Conversions: funct7 + rs2 field selecting the integer type
    {Opcode::FcvtWS, kOpFp, 0, 0x60, 0},
    {Opcode::FcvtWuS, kOpFp, 0, 0x60, 1},
    {Opcode::FcvtLS, kOpFp, 0, 0x60, 2},
    {Opcode::FcvtLuS, kOpFp, 0, 0x60, 3},
    {Opcode::FcvtWD, kOpFp, 0, 0x61, 0},
    {Opcode::FcvtWuD, kOpFp, 0, 0x61, 1},
    {Opcode::FcvtLD, kOpFp, 0, 0x61, 2},
    {Opcode::FcvtLuD, kOpFp, 0, 0x61, 3},
    {Opcode::FcvtSW, kOpFp, 0, 0x68, 0},
    {Opcode::FcvtSWu, kOpFp, 0, 0x68, 1},
    {Opcode::FcvtSL, kOpFp, 0, 0x68, 2},
    {Opcode::FcvtSLu, kOpFp, 0, 0x68, 3},
    {Opcode::FcvtDW, kOpFp, 0, 0x69, 0},
    {Opcode::FcvtDWu, kOpFp, 0, 0x69, 1},
    {Opcode::FcvtDL, kOpFp, 0, 0x69, 2},
    {Opcode::FcvtDLu, kOpFp, 0, 0x69, 3},
    // Moves and classify: funct7 + funct3
    {Opcode::FmvXW, kOpFp, 0, 0x70, 0},
    {Opcode::FclassS, kOpFp, 1, 0x70, 0},
    {Opcode::FmvXD, kOpFp, 0, 0x71, 0},
    {Opcode::FclassD, kOpFp, 1, 0x71, 0},
    {Opcode::FmvWX, kOpFp, 0, 0x78, 0},
    {Opcode::FmvDX, kOpFp, 0, 0x79, 0},
};

[[noreturn]] void fail(const char *what, Opcode op) {
  std::fprintf(stderr, "tiercel-fuzz-gen: internal error: %s (%.*s)\n", what,
               static_cast<int>(mnemonicOf(op).size()), mnemonicOf(op).data());
  std::abort();
}

const Row &rowOf(Opcode op) {
  for (const Row &row : kRows)
    if (row.op == op)
      return row;
  fail("no encoding row for this opcode", op);
}

constexpr uint32_t field(uint32_t value, unsigned hi, unsigned lo) {
  return (value >> lo) & ((1u << (hi - lo + 1)) - 1);
}

// ---- Base formats (ISA spec 2.2, 2.3) ----
uint32_t encodeR(uint32_t funct7, unsigned rs2, unsigned rs1, uint32_t funct3, unsigned rd,
                 uint32_t major) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | major;
}
uint32_t encodeI(int32_t imm, unsigned rs1, uint32_t funct3, unsigned rd, uint32_t major) {
  return field(static_cast<uint32_t>(imm), 11, 0) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 |
         major;
}
uint32_t encodeS(int32_t imm, unsigned rs2, unsigned rs1, uint32_t funct3, uint32_t major) {
  uint32_t u = static_cast<uint32_t>(imm);
  return field(u, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | field(u, 4, 0) << 7 | major;
}
uint32_t encodeB(int32_t imm, unsigned rs2, unsigned rs1, uint32_t funct3) {
  uint32_t u = static_cast<uint32_t>(imm);
  return field(u, 12, 12) << 31 | field(u, 10, 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 |
         field(u, 4, 1) << 8 | field(u, 11, 11) << 7 | kBranch;
}
uint32_t encodeU(uint32_t imm20, unsigned rd, uint32_t major) {
  return (imm20 & 0xfffff) << 12 | rd << 7 | major;
}
uint32_t encodeJ(int32_t imm, unsigned rd) {
  uint32_t u = static_cast<uint32_t>(imm);
  return field(u, 20, 20) << 31 | field(u, 10, 1) << 21 | field(u, 11, 11) << 20 |
         field(u, 19, 12) << 12 | rd << 7 | kJal;
}
uint32_t encodeR4(unsigned rs3, uint32_t fmt, unsigned rs2, unsigned rs1, uint32_t rm, unsigned rd,
                  uint32_t major) {
  return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | major;
}

Insn make(uint32_t bits, Opcode op) {
  Insn insn;
  insn.bits = bits;
  insn.length = 4;
  insn.expect.opcode = op;
  return insn;
}

void requireRange(bool ok, const char *what, Opcode op) {
  if (!ok)
    fail(what, op);
}

} // namespace

Insn intR(Opcode op, unsigned rd, unsigned rs1, unsigned rs2) {
  const Row &r = rowOf(op);
  Insn insn = make(encodeR(r.high, rs2, rs1, r.funct3, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.rs2 = rs2;
  return insn;
}

Insn intI(Opcode op, unsigned rd, unsigned rs1, int32_t imm) {
  requireRange(imm >= -2048 && imm <= 2047, "12-bit immediate out of range", op);
  const Row &r = rowOf(op);
  Insn insn = make(encodeI(imm, rs1, r.funct3, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.imm = imm;
  return insn;
}

Insn intShift(Opcode op, unsigned rd, unsigned rs1, unsigned shamt) {
  const Row &r = rowOf(op);
  // 64-bit shifts (major OP-IMM, and slli.uw) have a 6-bit shamt under a
  // funct6; the *w forms a 5-bit shamt under a funct7.
  bool wide = r.major == kOpImm || op == Opcode::SlliUw;
  requireRange(shamt < (wide ? 64u : 32u), "shift amount out of range", op);
  uint32_t imm = wide ? (uint32_t(r.high) << 6 | shamt) : (uint32_t(r.high) << 5 | shamt);
  Insn insn = make(encodeI(static_cast<int32_t>(imm), rs1, r.funct3, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.imm = shamt;
  return insn;
}

Insn intUnary(Opcode op, unsigned rd, unsigned rs1) {
  const Row &r = rowOf(op);
  Insn insn = make(encodeR(r.high, r.rs2Field, rs1, r.funct3, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  return insn;
}

Insn upper(Opcode op, unsigned rd, uint32_t imm20) {
  const Row &r = rowOf(op);
  Insn insn = make(encodeU(imm20, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.imm = static_cast<int32_t>(imm20 << 12);
  return insn;
}

Insn load(Opcode op, unsigned rd, unsigned rs1, int32_t offset) {
  requireRange(offset >= -2048 && offset <= 2047, "load offset out of range", op);
  const Row &r = rowOf(op);
  Insn insn = make(encodeI(offset, rs1, r.funct3, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.imm = offset;
  return insn;
}

Insn store(Opcode op, unsigned rs2, unsigned rs1, int32_t offset) {
  requireRange(offset >= -2048 && offset <= 2047, "store offset out of range", op);
  const Row &r = rowOf(op);
  Insn insn = make(encodeS(offset, rs2, rs1, r.funct3, r.major), op);
  insn.expect.rs1 = rs1;
  insn.expect.rs2 = rs2;
  insn.expect.imm = offset;
  return insn;
}

Insn branch(Opcode op, unsigned rs1, unsigned rs2, int32_t offset) {
  requireRange(offset >= -4096 && offset <= 4094 && offset % 2 == 0, "branch offset", op);
  const Row &r = rowOf(op);
  Insn insn = make(encodeB(offset, rs2, rs1, r.funct3), op);
  insn.expect.rs1 = rs1;
  insn.expect.rs2 = rs2;
  insn.expect.imm = offset;
  return insn;
}

Insn jal(unsigned rd, int32_t offset) {
  requireRange(offset >= -(1 << 20) && offset < (1 << 20) && offset % 2 == 0, "jal offset",
               Opcode::Jal);
  Insn insn = make(encodeJ(offset, rd), Opcode::Jal);
  insn.expect.rd = rd;
  insn.expect.imm = offset;
  return insn;
}

Insn jalr(unsigned rd, unsigned rs1, int32_t offset) {
  requireRange(offset >= -2048 && offset <= 2047, "jalr offset", Opcode::Jalr);
  Insn insn = make(encodeI(offset, rs1, 0, rd, kJalr), Opcode::Jalr);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.imm = offset;
  return insn;
}

Insn fence(unsigned fm, unsigned pred, unsigned succ) {
  uint32_t imm = (fm & 15) << 8 | (pred & 15) << 4 | (succ & 15);
  Insn insn = make(encodeI(static_cast<int32_t>(imm), 0, 0, 0, kMiscMem), Opcode::Fence);
  insn.expect.imm = imm;
  return insn;
}

Insn fenceI() { return make(encodeI(0, 0, 1, 0, kMiscMem), Opcode::FenceI); }

Insn ecall() { return make(encodeI(0, 0, 0, 0, kSystem), Opcode::Ecall); }

Insn csr(Opcode op, unsigned rd, unsigned csrNumber, unsigned rs1OrUimm) {
  const Row &r = rowOf(op);
  Insn insn =
      make(encodeI(static_cast<int32_t>(csrNumber & 0xfff), rs1OrUimm, r.funct3, rd, kSystem), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1OrUimm;
  insn.expect.imm = csrNumber & 0xfff;
  return insn;
}

Insn loadReserved(Opcode op, unsigned rd, unsigned rs1, unsigned aqrl) {
  const Row &r = rowOf(op);
  uint32_t funct7 = uint32_t(r.high) << 2 | (aqrl & 3);
  Insn insn = make(encodeR(funct7, 0, rs1, r.funct3, rd, kAmo), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.rm = aqrl & 3;
  return insn;
}

Insn amo(Opcode op, unsigned rd, unsigned rs1, unsigned rs2, unsigned aqrl) {
  const Row &r = rowOf(op);
  uint32_t funct7 = uint32_t(r.high) << 2 | (aqrl & 3);
  Insn insn = make(encodeR(funct7, rs2, rs1, r.funct3, rd, kAmo), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.rs2 = rs2;
  insn.expect.rm = aqrl & 3;
  return insn;
}

Insn fpR(Opcode op, unsigned rd, unsigned rs1, unsigned rs2, unsigned rm) {
  const Row &r = rowOf(op);
  Insn insn = make(encodeR(r.high, rs2, rs1, rm, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.rs2 = rs2;
  insn.expect.rm = rm;
  return insn;
}

Insn fpR1(Opcode op, unsigned rd, unsigned rs1, unsigned rm) {
  const Row &r = rowOf(op);
  Insn insn = make(encodeR(r.high, r.rs2Field, rs1, rm, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.rm = rm;
  return insn;
}

Insn fpR4(Opcode op, unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm) {
  const Row &r = rowOf(op);
  Insn insn = make(encodeR4(rs3, r.high, rs2, rs1, rm, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.rs2 = rs2;
  insn.expect.rs3 = rs3;
  insn.expect.rm = rm;
  return insn;
}

Insn fpNoRm(Opcode op, unsigned rd, unsigned rs1, unsigned rs2) {
  const Row &r = rowOf(op);
  Insn insn = make(encodeR(r.high, rs2, rs1, r.funct3, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  insn.expect.rs2 = rs2;
  return insn;
}

Insn fpMove(Opcode op, unsigned rd, unsigned rs1) {
  const Row &r = rowOf(op);
  Insn insn = make(encodeR(r.high, 0, rs1, r.funct3, rd, r.major), op);
  insn.expect.rd = rd;
  insn.expect.rs1 = rs1;
  return insn;
}

HiLo splitHiLo(int64_t value) {
  int64_t hi = (value + 0x800) >> 12;
  int64_t lo = value - (hi << 12);
  return HiLo{static_cast<uint32_t>(hi) & 0xfffff, static_cast<int32_t>(lo)};
}

std::vector<Insn> loadImmediate(unsigned rd, uint64_t value) {
  HiLo parts = splitHiLo(static_cast<int64_t>(value));
  if (parts.hi20 == 0)
    return {intI(Opcode::Addi, rd, 0, parts.lo12)};
  return {upper(Opcode::Lui, rd, parts.hi20), intI(Opcode::Addi, rd, rd, parts.lo12)};
}

std::vector<Insn> loadAddress(unsigned rd, uint64_t target, uint64_t pc) {
  HiLo parts = splitHiLo(static_cast<int64_t>(target - pc));
  return {upper(Opcode::Auipc, rd, parts.hi20), intI(Opcode::Addi, rd, rd, parts.lo12)};
}

void selfCheck(const Insn &insn, uint64_t pc) {
  DecodedInstruction got = decode(insn.bits, pc);
  const DecodedInstruction &want = insn.expect;
  if (got.opcode == want.opcode && got.rd == want.rd && got.rs1 == want.rs1 &&
      got.rs2 == want.rs2 && got.rs3 == want.rs3 && got.rm == want.rm && got.imm == want.imm &&
      got.length == insn.length)
    return;
  DecodedInstruction shown = want;
  shown.pc = pc;
  shown.raw = insn.bits;
  shown.length = insn.length;
  std::fprintf(stderr,
               "tiercel-fuzz-gen: encoder/decoder disagreement at pc 0x%llx, word 0x%0*x:\n"
               "  intended: %s (rd=%u rs1=%u rs2=%u rs3=%u rm=%u imm=%lld len=%u)\n"
               "  decoded:  %s (rd=%u rs1=%u rs2=%u rs3=%u rm=%u imm=%lld len=%u)\n",
               static_cast<unsigned long long>(pc), insn.length == 2 ? 4 : 8, insn.bits,
               disassemble(shown, {false, false}).c_str(), want.rd, want.rs1, want.rs2, want.rs3,
               want.rm, static_cast<long long>(want.imm), insn.length,
               disassemble(got, {false, false}).c_str(), got.rd, got.rs1, got.rs2, got.rs3, got.rm,
               static_cast<long long>(got.imm), got.length);
  std::abort();
}

} // namespace tiercel::fuzz
