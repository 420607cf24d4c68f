// 16-bit RVC encoders (ISA spec "C" chapter, RV64 column of tables
// "Instruction listing for RVC, Quadrant 0/1/2"). Each builder also fills in
// the 32-bit instruction the word expands to, which is what the project's
// decoder must report for it. Immediates are scattered across the word in
// per-instruction orders; the bit lists in the comments are the spec's.
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/rv_encoding.h"

namespace tiercel::fuzz {
namespace {

constexpr uint32_t bit(uint32_t value, unsigned pos) { return (value >> pos) & 1; }
constexpr uint32_t bits(uint32_t value, unsigned hi, unsigned lo) {
  return (value >> lo) & ((1u << (hi - lo + 1)) - 1);
}

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "tiercel-fuzz-gen: internal error: %s\n", what);
  std::abort();
}

void require(bool ok, const char *what) {
  if (!ok)
    fail(what);
}

unsigned primeField(unsigned reg) {
  require(reg >= 8 && reg <= 15, "compressed register field needs x8..x15 / f8..f15");
  return reg - 8;
}

Insn make(uint32_t bits16, Opcode op, unsigned rd, unsigned rs1, unsigned rs2, int64_t imm) {
  Insn insn;
  insn.bits = bits16 & 0xffff;
  insn.length = 2;
  insn.expect.opcode = op;
  insn.expect.rd = static_cast<uint8_t>(rd);
  insn.expect.rs1 = static_cast<uint8_t>(rs1);
  insn.expect.rs2 = static_cast<uint8_t>(rs2);
  insn.expect.imm = imm;
  return insn;
}

// CI format: funct3 | imm[5] | rd/rs1 | imm[4:0] | op, with the immediate
// bits already arranged by the caller into the 6 slots (bit 12, bits 6:2).
uint32_t encodeCI(uint32_t funct3, uint32_t slot12, unsigned rd, uint32_t slots6to2, uint32_t op) {
  return funct3 << 13 | slot12 << 12 | rd << 7 | slots6to2 << 2 | op;
}

} // namespace

// C.ADDI4SPN: nzuimm[5:4|9:6|2|3] in bits 12:5.
Insn cAddi4spn(unsigned rdp, unsigned nzuimm) {
  require(nzuimm != 0 && nzuimm < 1024 && nzuimm % 4 == 0, "c.addi4spn immediate");
  uint32_t imm8 =
      bits(nzuimm, 5, 4) << 6 | bits(nzuimm, 9, 6) << 2 | bit(nzuimm, 2) << 1 | bit(nzuimm, 3);
  return make(imm8 << 5 | primeField(rdp) << 2 | 0, Opcode::Addi, rdp, 2, 0, nzuimm);
}

// C.LW/C.SW: uimm[5:3] in 12:10, uimm[2|6] in 6:5. C.LD/C.SD/C.FLD/C.FSD:
// uimm[5:3] in 12:10, uimm[7:6] in 6:5.
Insn cLoadStore(Opcode op, unsigned regp, unsigned rs1p, unsigned offset) {
  uint32_t funct3 = 0;
  bool word = false, isStore = false;
  switch (op) {
  case Opcode::Fld: funct3 = 1; break;
  case Opcode::Lw:
    funct3 = 2;
    word = true;
    break;
  case Opcode::Ld: funct3 = 3; break;
  case Opcode::Fsd:
    funct3 = 5;
    isStore = true;
    break;
  case Opcode::Sw:
    funct3 = 6;
    word = true;
    isStore = true;
    break;
  case Opcode::Sd:
    funct3 = 7;
    isStore = true;
    break;
  default: fail("not a compressed register-based load/store");
  }
  require(word ? offset < 128 && offset % 4 == 0 : offset < 256 && offset % 8 == 0,
          "compressed load/store offset");
  uint32_t low2 = word ? (bit(offset, 2) << 1 | bit(offset, 6)) : bits(offset, 7, 6);
  uint32_t w = funct3 << 13 | bits(offset, 5, 3) << 10 | primeField(rs1p) << 7 | low2 << 5 |
               primeField(regp) << 2 | 0;
  if (isStore)
    return make(w, op, 0, rs1p, regp, offset);
  return make(w, op, regp, rs1p, 0, offset);
}

Insn cAddi(unsigned rd, int32_t imm) {
  require(imm >= -32 && imm < 32, "c.addi immediate");
  uint32_t u = static_cast<uint32_t>(imm);
  return make(encodeCI(0, bit(u, 5), rd, bits(u, 4, 0), 1), Opcode::Addi, rd, rd, 0, imm);
}

Insn cAddiw(unsigned rd, int32_t imm) {
  require(rd != 0 && imm >= -32 && imm < 32, "c.addiw operands");
  uint32_t u = static_cast<uint32_t>(imm);
  return make(encodeCI(1, bit(u, 5), rd, bits(u, 4, 0), 1), Opcode::Addiw, rd, rd, 0, imm);
}

Insn cLi(unsigned rd, int32_t imm) {
  require(imm >= -32 && imm < 32, "c.li immediate");
  uint32_t u = static_cast<uint32_t>(imm);
  return make(encodeCI(2, bit(u, 5), rd, bits(u, 4, 0), 1), Opcode::Addi, rd, 0, 0, imm);
}

// C.ADDI16SP: nzimm[9] in bit 12, nzimm[4|6|8:7|5] in bits 6:2.
Insn cAddi16sp(int32_t imm) {
  require(imm != 0 && imm >= -512 && imm < 512 && imm % 16 == 0, "c.addi16sp immediate");
  uint32_t u = static_cast<uint32_t>(imm);
  uint32_t slots = bit(u, 4) << 4 | bit(u, 6) << 3 | bits(u, 8, 7) << 1 | bit(u, 5);
  return make(encodeCI(3, bit(u, 9), 2, slots, 1), Opcode::Addi, 2, 2, 0, imm);
}

// C.LUI: nzimm[17] in bit 12, nzimm[16:12] in bits 6:2.
Insn cLui(unsigned rd, int32_t imm6) {
  require(rd != 0 && rd != 2 && imm6 != 0 && imm6 >= -32 && imm6 < 32, "c.lui operands");
  uint32_t u = static_cast<uint32_t>(imm6);
  return make(encodeCI(3, bit(u, 5), rd, bits(u, 4, 0), 1), Opcode::Lui, rd, 0, 0,
              static_cast<int64_t>(imm6) * 4096);
}

Insn cShiftRight(Opcode op, unsigned rdp, unsigned shamt) {
  require(shamt < 64 && (op == Opcode::Srli || op == Opcode::Srai), "c.srli/c.srai operands");
  uint32_t kind = op == Opcode::Srli ? 0 : 1;
  uint32_t w = 4u << 13 | bit(shamt, 5) << 12 | kind << 10 | primeField(rdp) << 7 |
               bits(shamt, 4, 0) << 2 | 1;
  return make(w, op, rdp, rdp, 0, shamt);
}

Insn cAndi(unsigned rdp, int32_t imm) {
  require(imm >= -32 && imm < 32, "c.andi immediate");
  uint32_t u = static_cast<uint32_t>(imm);
  uint32_t w =
      4u << 13 | bit(u, 5) << 12 | 2u << 10 | primeField(rdp) << 7 | bits(u, 4, 0) << 2 | 1;
  return make(w, Opcode::Andi, rdp, rdp, 0, imm);
}

// CA format: 100 | bit 12 (0 = 64-bit op, 1 = word op) | 11 | rd' | funct2 | rs2' | 01.
Insn cArith(Opcode op, unsigned rdp, unsigned rs2p) {
  uint32_t wordOp = 0, funct2 = 0;
  switch (op) {
  case Opcode::Sub: funct2 = 0; break;
  case Opcode::Xor: funct2 = 1; break;
  case Opcode::Or: funct2 = 2; break;
  case Opcode::And: funct2 = 3; break;
  case Opcode::Subw:
    wordOp = 1;
    funct2 = 0;
    break;
  case Opcode::Addw:
    wordOp = 1;
    funct2 = 1;
    break;
  default: fail("not a compressed CA-format instruction");
  }
  uint32_t w = 4u << 13 | wordOp << 12 | 3u << 10 | primeField(rdp) << 7 | funct2 << 5 |
               primeField(rs2p) << 2 | 1;
  return make(w, op, rdp, rdp, rs2p, 0);
}

// C.J: offset[11|4|9:8|10|6|7|3:1|5] in bits 12:2.
Insn cJ(int32_t offset) {
  require(offset >= -2048 && offset < 2048 && offset % 2 == 0, "c.j offset");
  uint32_t u = static_cast<uint32_t>(offset);
  uint32_t slots = bit(u, 11) << 10 | bit(u, 4) << 9 | bits(u, 9, 8) << 7 | bit(u, 10) << 6 |
                   bit(u, 6) << 5 | bit(u, 7) << 4 | bits(u, 3, 1) << 1 | bit(u, 5);
  return make(5u << 13 | slots << 2 | 1, Opcode::Jal, 0, 0, 0, offset);
}

// C.BEQZ/C.BNEZ: offset[8|4:3] in 12:10, offset[7:6|2:1|5] in 6:2.
Insn cBranch(Opcode op, unsigned rs1p, int32_t offset) {
  require(offset >= -256 && offset < 256 && offset % 2 == 0, "c.beqz/c.bnez offset");
  require(op == Opcode::Beq || op == Opcode::Bne, "c.beqz/c.bnez opcode");
  uint32_t u = static_cast<uint32_t>(offset);
  uint32_t funct3 = op == Opcode::Beq ? 6 : 7;
  uint32_t w = funct3 << 13 | bit(u, 8) << 12 | bits(u, 4, 3) << 10 | primeField(rs1p) << 7 |
               bits(u, 7, 6) << 5 | bits(u, 2, 1) << 3 | bit(u, 5) << 2 | 1;
  return make(w, op, 0, rs1p, 0, offset);
}

Insn cSlli(unsigned rd, unsigned shamt) {
  require(shamt < 64, "c.slli shift amount");
  return make(encodeCI(0, bit(shamt, 5), rd, bits(shamt, 4, 0), 2), Opcode::Slli, rd, rd, 0, shamt);
}

// C.LWSP: uimm[5] in 12, uimm[4:2|7:6] in 6:2. C.LDSP/C.FLDSP: uimm[5] in 12,
// uimm[4:3|8:6] in 6:2. C.SWSP: uimm[5:2|7:6] in 12:7. C.SDSP/C.FSDSP:
// uimm[5:3|8:6] in 12:7.
Insn cSpLoadStore(Opcode op, unsigned reg, unsigned offset) {
  switch (op) {
  case Opcode::Lw:
    require(reg != 0 && offset < 256 && offset % 4 == 0, "c.lwsp operands");
    return make(encodeCI(2, bit(offset, 5), reg, bits(offset, 4, 2) << 2 | bits(offset, 7, 6), 2),
                op, reg, 2, 0, offset);
  case Opcode::Ld:
  case Opcode::Fld: {
    require((op == Opcode::Fld || reg != 0) && offset < 512 && offset % 8 == 0, "c.ldsp operands");
    uint32_t funct3 = op == Opcode::Ld ? 3 : 1;
    return make(
        encodeCI(funct3, bit(offset, 5), reg, bits(offset, 4, 3) << 3 | bits(offset, 8, 6), 2), op,
        reg, 2, 0, offset);
  }
  case Opcode::Sw:
    require(offset < 256 && offset % 4 == 0, "c.swsp offset");
    return make(6u << 13 | (bits(offset, 5, 2) << 2 | bits(offset, 7, 6)) << 7 | reg << 2 | 2, op,
                0, 2, reg, offset);
  case Opcode::Sd:
  case Opcode::Fsd: {
    require(offset < 512 && offset % 8 == 0, "c.sdsp offset");
    uint32_t funct3 = op == Opcode::Sd ? 7 : 5;
    return make(funct3 << 13 | (bits(offset, 5, 3) << 3 | bits(offset, 8, 6)) << 7 | reg << 2 | 2,
                op, 0, 2, reg, offset);
  }
  default: fail("not a compressed sp-based load/store");
  }
}

Insn cJr(unsigned rs1) {
  require(rs1 != 0, "c.jr needs a non-zero register");
  return make(4u << 13 | rs1 << 7 | 2, Opcode::Jalr, 0, rs1, 0, 0);
}

Insn cJalr(unsigned rs1) {
  require(rs1 != 0, "c.jalr needs a non-zero register");
  return make(4u << 13 | 1u << 12 | rs1 << 7 | 2, Opcode::Jalr, 1, rs1, 0, 0);
}

Insn cMv(unsigned rd, unsigned rs2) {
  require(rs2 != 0, "c.mv needs a non-zero source");
  return make(4u << 13 | rd << 7 | rs2 << 2 | 2, Opcode::Add, rd, 0, rs2, 0);
}

Insn cAdd(unsigned rd, unsigned rs2) {
  require(rs2 != 0, "c.add needs a non-zero source");
  return make(4u << 13 | 1u << 12 | rd << 7 | rs2 << 2 | 2, Opcode::Add, rd, rd, rs2, 0);
}

} // namespace tiercel::fuzz
