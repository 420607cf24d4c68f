// Decoder: table lookup on the major opcode, operand extraction by Format,
// and the RVC -> 32-bit expansion (ISA spec, "C" chapter, tables 16.5-16.7).
#include "machine/isa/decoder.h"

#include <array>

namespace tiercel {
namespace {

constexpr uint32_t bits(uint32_t value, unsigned hi, unsigned lo) {
  return (value >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr uint32_t bit(uint32_t value, unsigned pos) { return (value >> pos) & 1; }
constexpr int64_t signExtend(uint64_t value, unsigned width) {
  uint64_t shift = 64 - width;
  return static_cast<int64_t>(value << shift) >> shift;
}

// ---- 32-bit encoders used by the RVC expansion ----
constexpr uint32_t kOpLoad = 0x03, kOpLoadFp = 0x07, kOpImm = 0x13, kOpImm32 = 0x1b,
                   kOpStore = 0x23, kOpStoreFp = 0x27, kOpReg = 0x33, kOpLui = 0x37,
                   kOpReg32 = 0x3b, kOpBranch = 0x63, kOpJalr = 0x67, kOpJal = 0x6f,
                   kOpSystem = 0x73;

constexpr uint32_t encodeR(uint32_t funct7, uint32_t rs2, uint32_t rs1, uint32_t funct3,
                           uint32_t rd, uint32_t opcode) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}
constexpr uint32_t encodeI(int32_t imm, uint32_t rs1, uint32_t funct3, uint32_t rd,
                           uint32_t opcode) {
  return (static_cast<uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 |
         opcode;
}
constexpr uint32_t encodeS(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t funct3,
                           uint32_t opcode) {
  uint32_t u = static_cast<uint32_t>(imm);
  return bits(u, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | bits(u, 4, 0) << 7 |
         opcode;
}
constexpr uint32_t encodeB(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t funct3) {
  uint32_t u = static_cast<uint32_t>(imm);
  return bit(u, 12) << 31 | bits(u, 10, 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 |
         bits(u, 4, 1) << 8 | bit(u, 11) << 7 | kOpBranch;
}
constexpr uint32_t encodeJ(int32_t imm, uint32_t rd) {
  uint32_t u = static_cast<uint32_t>(imm);
  return bit(u, 20) << 31 | bits(u, 10, 1) << 21 | bit(u, 11) << 20 | bits(u, 19, 12) << 12 |
         rd << 7 | kOpJal;
}

// Compressed register fields name x8..x15.
constexpr uint32_t cReg(uint32_t field) { return field + 8; }

constexpr uint32_t kIllegal32 = 0;

uint32_t expandQuadrant0(uint16_t c) {
  uint32_t rdp = cReg(bits(c, 4, 2));
  uint32_t rs1p = cReg(bits(c, 9, 7));
  // Offsets of C.LW/C.SW (uimm[5:3|2|6]) and C.LD/C.SD/C.FLD/C.FSD (uimm[5:3|7:6]).
  int32_t wordOffset = bits(c, 12, 10) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;
  int32_t doubleOffset = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
  switch (bits(c, 15, 13)) {
  case 0: { // C.ADDI4SPN
    int32_t nzuimm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bit(c, 6) << 2 | bit(c, 5) << 3;
    if (nzuimm == 0)
      return kIllegal32; // includes the all-zero parcel, defined illegal
    return encodeI(nzuimm, 2, 0, rdp, kOpImm);
  }
  case 1: return encodeI(doubleOffset, rs1p, 3, rdp, kOpLoadFp);  // C.FLD
  case 2: return encodeI(wordOffset, rs1p, 2, rdp, kOpLoad);      // C.LW
  case 3: return encodeI(doubleOffset, rs1p, 3, rdp, kOpLoad);    // C.LD
  case 5: return encodeS(doubleOffset, rdp, rs1p, 3, kOpStoreFp); // C.FSD
  case 6: return encodeS(wordOffset, rdp, rs1p, 2, kOpStore);     // C.SW
  case 7: return encodeS(doubleOffset, rdp, rs1p, 3, kOpStore);   // C.SD
  default: return kIllegal32;                                     // 100 reserved
  }
}

uint32_t expandQuadrant1(uint16_t c) {
  uint32_t rd = bits(c, 11, 7);
  int32_t imm6 = static_cast<int32_t>(signExtend(bit(c, 12) << 5 | bits(c, 6, 2), 6));
  uint32_t rdp = cReg(bits(c, 9, 7));
  uint32_t rs2p = cReg(bits(c, 4, 2));
  switch (bits(c, 15, 13)) {
  case 0: return encodeI(imm6, rd, 0, rd, kOpImm); // C.ADDI / C.NOP
  case 1:                                          // C.ADDIW
    if (rd == 0)
      return kIllegal32;
    return encodeI(imm6, rd, 0, rd, kOpImm32);
  case 2: return encodeI(imm6, 0, 0, rd, kOpImm); // C.LI
  case 3:
    if (rd == 2) { // C.ADDI16SP
      int32_t nzimm = static_cast<int32_t>(signExtend(
          bit(c, 12) << 9 | bit(c, 6) << 4 | bit(c, 5) << 6 | bits(c, 4, 3) << 7 | bit(c, 2) << 5,
          10));
      if (nzimm == 0)
        return kIllegal32;
      return encodeI(nzimm, 2, 0, 2, kOpImm);
    } else { // C.LUI
      if (imm6 == 0)
        return kIllegal32;
      return (static_cast<uint32_t>(imm6) & 0xfffff) << 12 | rd << 7 | kOpLui;
    }
  case 4: {
    uint32_t shamt = bit(c, 12) << 5 | bits(c, 6, 2);
    switch (bits(c, 11, 10)) {
    case 0: return encodeI(static_cast<int32_t>(shamt), rdp, 5, rdp, kOpImm);         // C.SRLI
    case 1: return encodeI(static_cast<int32_t>(shamt | 0x400), rdp, 5, rdp, kOpImm); // C.SRAI
    case 2: return encodeI(imm6, rdp, 7, rdp, kOpImm);                                // C.ANDI
    default:
      if (bit(c, 12) == 0) {
        switch (bits(c, 6, 5)) {
        case 0: return encodeR(0x20, rs2p, rdp, 0, rdp, kOpReg); // C.SUB
        case 1: return encodeR(0x00, rs2p, rdp, 4, rdp, kOpReg); // C.XOR
        case 2: return encodeR(0x00, rs2p, rdp, 6, rdp, kOpReg); // C.OR
        default: return encodeR(0x00, rs2p, rdp, 7, rdp, kOpReg); // C.AND
        }
      }
      switch (bits(c, 6, 5)) {
      case 0: return encodeR(0x20, rs2p, rdp, 0, rdp, kOpReg32); // C.SUBW
      case 1: return encodeR(0x00, rs2p, rdp, 0, rdp, kOpReg32); // C.ADDW
      default: return kIllegal32;                                // reserved
      }
    }
  }
  case 5: { // C.J
    int32_t offset = static_cast<int32_t>(signExtend(
        bit(c, 12) << 11 | bit(c, 11) << 4 | bits(c, 10, 9) << 8 | bit(c, 8) << 10 |
            bit(c, 7) << 6 | bit(c, 6) << 7 | bits(c, 5, 3) << 1 | bit(c, 2) << 5,
        12));
    return encodeJ(offset, 0);
  }
  default: { // C.BEQZ (110) / C.BNEZ (111)
    int32_t offset = static_cast<int32_t>(signExtend(bit(c, 12) << 8 | bits(c, 11, 10) << 3 |
                                                         bits(c, 6, 5) << 6 | bits(c, 4, 3) << 1 |
                                                         bit(c, 2) << 5,
                                                     9));
    return encodeB(offset, 0, rdp, bits(c, 15, 13) == 6 ? 0 : 1);
  }
  }
}

uint32_t expandQuadrant2(uint16_t c) {
  uint32_t rd = bits(c, 11, 7);
  uint32_t rs2 = bits(c, 6, 2);
  int32_t doubleSpOffset = bit(c, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
  int32_t wordSpOffset = bit(c, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
  int32_t doubleSpStoreOffset = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;
  int32_t wordSpStoreOffset = bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6;
  switch (bits(c, 15, 13)) {
  case 0: // C.SLLI
    return encodeI(static_cast<int32_t>(bit(c, 12) << 5 | rs2), rd, 1, rd, kOpImm);
  case 1: return encodeI(doubleSpOffset, 2, 3, rd, kOpLoadFp); // C.FLDSP
  case 2:                                                       // C.LWSP
    if (rd == 0)
      return kIllegal32;
    return encodeI(wordSpOffset, 2, 2, rd, kOpLoad);
  case 3: // C.LDSP
    if (rd == 0)
      return kIllegal32;
    return encodeI(doubleSpOffset, 2, 3, rd, kOpLoad);
  case 4:
    if (bit(c, 12) == 0) {
      if (rs2 == 0) { // C.JR
        if (rd == 0)
          return kIllegal32;
        return encodeI(0, rd, 0, 0, kOpJalr);
      }
      return encodeR(0, rs2, 0, 0, rd, kOpReg); // C.MV
    }
    if (rs2 == 0) {
      if (rd == 0)
        return encodeI(1, 0, 0, 0, kOpSystem); // C.EBREAK
      return encodeI(0, rd, 0, 1, kOpJalr);   // C.JALR
    }
    return encodeR(0, rs2, rd, 0, rd, kOpReg); // C.ADD
  case 5: return encodeS(doubleSpStoreOffset, rs2, 2, 3, kOpStoreFp); // C.FSDSP
  case 6: return encodeS(wordSpStoreOffset, rs2, 2, 2, kOpStore);     // C.SWSP
  default: return encodeS(doubleSpStoreOffset, rs2, 2, 3, kOpStore);  // C.SDSP
  }
}

// Candidate table rows per major opcode (bits 6:0), built at compile time.
constexpr size_t kMaxRowsPerMajor = 64;
struct MajorOpcodeIndex {
  std::array<std::array<uint16_t, kMaxRowsPerMajor>, 128> rows{};
  std::array<uint8_t, 128> count{};
};

consteval MajorOpcodeIndex buildMajorIndex() {
  MajorOpcodeIndex index;
  for (size_t op = 0; op + 1 < kOpcodeCount; ++op) {
    const InstructionSpec &spec = kInstructionSpecs[op];
    if ((spec.mask & 0x7f) != 0x7f)
      throw "every instruction row must fix its major opcode";
    uint32_t major = spec.match & 0x7f;
    if (index.count[major] >= kMaxRowsPerMajor)
      throw "raise kMaxRowsPerMajor";
    index.rows[major][index.count[major]++] = static_cast<uint16_t>(op);
  }
  return index;
}

constexpr MajorOpcodeIndex kMajorIndex = buildMajorIndex();

void extractOperands(DecodedInstruction &d, uint32_t w) {
  const uint8_t rd = static_cast<uint8_t>(bits(w, 11, 7));
  const uint8_t rs1 = static_cast<uint8_t>(bits(w, 19, 15));
  const uint8_t rs2 = static_cast<uint8_t>(bits(w, 24, 20));
  const int64_t immI = signExtend(bits(w, 31, 20), 12);
  const int64_t immS = signExtend(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12);
  const uint8_t funct3 = static_cast<uint8_t>(bits(w, 14, 12));
  switch (specOf(d.opcode).format) {
  case Format::None: break;
  case Format::R: d.rd = rd; d.rs1 = rs1; d.rs2 = rs2; break;
  case Format::I:
  case Format::Load:
  case Format::Jalr:
  case Format::FLoad: d.rd = rd; d.rs1 = rs1; d.imm = immI; break;
  case Format::Shift64: d.rd = rd; d.rs1 = rs1; d.imm = bits(w, 25, 20); break;
  case Format::Shift32: d.rd = rd; d.rs1 = rs1; d.imm = bits(w, 24, 20); break;
  case Format::Unary:
  case Format::FMvToX:
  case Format::FMvFromX: d.rd = rd; d.rs1 = rs1; break;
  case Format::Store:
  case Format::FStore: d.rs1 = rs1; d.rs2 = rs2; d.imm = immS; break;
  case Format::B:
    d.rs1 = rs1;
    d.rs2 = rs2;
    d.imm = signExtend(bit(w, 31) << 12 | bit(w, 7) << 11 | bits(w, 30, 25) << 5 |
                           bits(w, 11, 8) << 1,
                       13);
    break;
  case Format::U: d.rd = rd; d.imm = signExtend(w & 0xfffff000u, 32); break;
  case Format::J:
    d.rd = rd;
    d.imm = signExtend(bit(w, 31) << 20 | bits(w, 19, 12) << 12 | bit(w, 20) << 11 |
                           bits(w, 30, 21) << 1,
                       21);
    break;
  case Format::Fence: d.imm = bits(w, 31, 20); break;
  case Format::Csr:
  case Format::CsrI: d.rd = rd; d.rs1 = rs1; d.imm = bits(w, 31, 20); break;
  case Format::SfenceVma: d.rs1 = rs1; d.rs2 = rs2; break;
  case Format::Lr: d.rd = rd; d.rs1 = rs1; d.rm = static_cast<uint8_t>(bits(w, 26, 25)); break;
  case Format::Amo:
    d.rd = rd;
    d.rs1 = rs1;
    d.rs2 = rs2;
    d.rm = static_cast<uint8_t>(bits(w, 26, 25));
    break;
  case Format::FR: d.rd = rd; d.rs1 = rs1; d.rs2 = rs2; d.rm = funct3; break;
  case Format::FR1:
  case Format::FToX:
  case Format::XToF: d.rd = rd; d.rs1 = rs1; d.rm = funct3; break;
  case Format::FR4:
    d.rd = rd;
    d.rs1 = rs1;
    d.rs2 = rs2;
    d.rs3 = static_cast<uint8_t>(bits(w, 31, 27));
    d.rm = funct3;
    break;
  case Format::FRNoRm:
  case Format::FCmp: d.rd = rd; d.rs1 = rs1; d.rs2 = rs2; break;
  }
}

} // namespace

uint32_t expandCompressed(uint16_t parcel) {
  switch (parcel & 3) {
  case 0: return expandQuadrant0(parcel);
  case 1: return expandQuadrant1(parcel);
  case 2: return expandQuadrant2(parcel);
  default: return kIllegal32; // not a compressed parcel
  }
}

DecodedInstruction decode32(uint32_t w, uint64_t pc) {
  DecodedInstruction d;
  d.pc = pc;
  d.raw = w;
  d.length = 4;
  uint32_t major = w & 0x7f;
  for (size_t i = 0; i < kMajorIndex.count[major]; ++i) {
    uint16_t op = kMajorIndex.rows[major][i];
    const InstructionSpec &spec = kInstructionSpecs[op];
    if ((w & spec.mask) == spec.match) {
      d.opcode = static_cast<Opcode>(op);
      extractOperands(d, w);
      return d;
    }
  }
  d.opcode = Opcode::Illegal;
  return d;
}

DecodedInstruction decode(uint32_t bitsIn, uint64_t pc) {
  uint16_t parcel = static_cast<uint16_t>(bitsIn);
  if (instructionLength(parcel) == 4)
    return decode32(bitsIn, pc);
  DecodedInstruction d = decode32(expandCompressed(parcel), pc);
  d.raw = parcel;
  d.length = 2;
  return d;
}

} // namespace tiercel
