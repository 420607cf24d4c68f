// Operand pickers and the integer categories of the fuzz body: every
// RV64I/M/Zba/Zbb/Zbs register and immediate form, and the compressed ALU
// instructions (ISA spec "C" chapter, quadrants 0-2).
#include "tests/fuzz/body_generator.h"

namespace tiercel::fuzz {

bool isReserved(unsigned xreg) {
  return xreg == reg::kSp || xreg == reg::kS10 || xreg == reg::kS11;
}

unsigned destXNonZero(Rng &rng) {
  for (;;) {
    unsigned r = 1 + static_cast<unsigned>(rng.below(31));
    if (!isReserved(r))
      return r;
  }
}

unsigned destX(Rng &rng) {
  // Writes to x0 are HINTs (ISA spec 2.9) and must leave x0 alone.
  return rng.chance(3) ? reg::kZero : destXNonZero(rng);
}

unsigned srcX(Rng &rng) { return static_cast<unsigned>(rng.below(32)); }
unsigned primeX(Rng &rng) { return 8 + static_cast<unsigned>(rng.below(8)); }
unsigned fpReg(Rng &rng) { return static_cast<unsigned>(rng.below(32)); }
unsigned primeF(Rng &rng) { return 8 + static_cast<unsigned>(rng.below(8)); }

int32_t imm12(Rng &rng) {
  switch (rng.below(8)) {
  case 0: return static_cast<int32_t>(rng.between(-16, 16));
  case 1: return rng.pick({-2048, 2047, -1, 0, 1, 2046, -2047, 1024, -1024, 255, 31, 63});
  default: return static_cast<int32_t>(rng.between(-2048, 2047));
  }
}

int32_t imm6(Rng &rng) { return static_cast<int32_t>(rng.between(-32, 31)); }

unsigned roundingMode(Rng &rng) {
  // dyn (7) most often, so the fsrm/csrw writes matter; 5 and 6 are reserved.
  return rng.chance(40) ? 7u : static_cast<unsigned>(rng.below(5));
}

namespace {

unsigned shiftAmount(Rng &rng, unsigned limit) {
  if (rng.chance(30))
    return rng.pick({0u, 1u, limit / 2 - 1, limit / 2, limit - 1}) % limit;
  return static_cast<unsigned>(rng.below(limit));
}

// A second source equal to the first now and then: x op x is a classic
// corner of register allocators.
unsigned secondSource(Rng &rng, unsigned first) { return rng.chance(15) ? first : srcX(rng); }

} // namespace

void addIntegerRegister(Rng &rng, Item &item) {
  static constexpr Opcode kOps[] = {
      Opcode::Add,    Opcode::Sub,   Opcode::Sll,      Opcode::Slt,      Opcode::Sltu,
      Opcode::Xor,    Opcode::Srl,   Opcode::Sra,      Opcode::Or,       Opcode::And,
      Opcode::Addw,   Opcode::Subw,  Opcode::Sllw,     Opcode::Srlw,     Opcode::Sraw,
      Opcode::Mul,    Opcode::Mulh,  Opcode::Mulhsu,   Opcode::Mulhu,    Opcode::Div,
      Opcode::Divu,   Opcode::Rem,   Opcode::Remu,     Opcode::Mulw,     Opcode::Divw,
      Opcode::Divuw,  Opcode::Remw,  Opcode::Remuw,    Opcode::Sh1add,   Opcode::Sh2add,
      Opcode::Sh3add, Opcode::AddUw, Opcode::Sh1addUw, Opcode::Sh2addUw, Opcode::Sh3addUw,
      Opcode::Andn,   Opcode::Orn,   Opcode::Xnor,     Opcode::Max,      Opcode::Maxu,
      Opcode::Min,    Opcode::Minu,  Opcode::Rol,      Opcode::Ror,      Opcode::Rolw,
      Opcode::Rorw,   Opcode::Bclr,  Opcode::Bext,     Opcode::Binv,     Opcode::Bset,
  };
  Opcode op = rng.pick(kOps);
  unsigned rd = destX(rng);
  unsigned rs1 = srcX(rng);
  unsigned rs2 = secondSource(rng, rs1);
  item.insns.push_back(intR(op, rd, rs1, rs2));
}

void addIntegerImmediate(Rng &rng, Item &item) {
  static constexpr Opcode kImm[] = {Opcode::Addi, Opcode::Slti, Opcode::Sltiu, Opcode::Xori,
                                    Opcode::Ori,  Opcode::Andi, Opcode::Addiw};
  static constexpr Opcode kShift64[] = {Opcode::Slli,  Opcode::Srli,  Opcode::Srai,
                                        Opcode::Rori,  Opcode::Bclri, Opcode::Bexti,
                                        Opcode::Binvi, Opcode::Bseti, Opcode::SlliUw};
  static constexpr Opcode kShift32[] = {Opcode::Slliw, Opcode::Srliw, Opcode::Sraiw, Opcode::Roriw};
  static constexpr Opcode kUnary[] = {Opcode::Clz,   Opcode::Ctz,  Opcode::Cpop, Opcode::SextB,
                                      Opcode::SextH, Opcode::Clzw, Opcode::Ctzw, Opcode::Cpopw,
                                      Opcode::ZextH, Opcode::OrcB, Opcode::Rev8};
  unsigned rd = destX(rng), rs1 = srcX(rng);
  uint64_t kind = rng.below(100);
  if (kind < 35) {
    Opcode op = rng.pick(kImm);
    item.insns.push_back(intI(op, rd, rs1, imm12(rng)));
  } else if (kind < 60) {
    Opcode op = rng.pick(kShift64);
    item.insns.push_back(intShift(op, rd, rs1, shiftAmount(rng, 64)));
  } else if (kind < 70) {
    Opcode op = rng.pick(kShift32);
    item.insns.push_back(intShift(op, rd, rs1, shiftAmount(rng, 32)));
  } else if (kind < 90) {
    item.insns.push_back(intUnary(rng.pick(kUnary), rd, rs1));
  } else {
    uint32_t imm20 = rng.chance(30) ? rng.pick({0u, 1u, 0x7ffffu, 0x80000u, 0xfffffu})
                                    : static_cast<uint32_t>(rng.below(1u << 20));
    item.insns.push_back(upper(rng.chance(50) ? Opcode::Lui : Opcode::Auipc, rd, imm20));
  }
}

// Operands are drawn into locals first: the order in which function
// arguments are evaluated is unspecified, and a seed must mean the same
// program whatever the compiler.
void addCompressedAlu(Rng &rng, Item &item) {
  switch (rng.below(14)) {
  case 0: {
    // c.addi with rd = x0 or imm = 0 are HINTs; keep them rare.
    int32_t imm = imm6(rng);
    unsigned rd = destX(rng);
    if (imm == 0 && rd != 0 && rng.chance(80))
      imm = 1;
    item.insns.push_back(cAddi(rd, imm));
    break;
  }
  case 1: {
    unsigned rd = destXNonZero(rng);
    item.insns.push_back(cAddiw(rd, imm6(rng)));
    break;
  }
  case 2: {
    unsigned rd = destX(rng);
    item.insns.push_back(cLi(rd, imm6(rng)));
    break;
  }
  case 3: {
    int32_t imm = imm6(rng);
    item.insns.push_back(cLui(destXNonZero(rng), imm == 0 ? 1 : imm));
    break;
  }
  case 4:
  case 5: {
    // shamt 0 is a HINT in RV64C; mostly use a real shift.
    unsigned shamt = rng.chance(5) ? 0u : 1 + static_cast<unsigned>(rng.below(63));
    Opcode op = rng.chance(50) ? Opcode::Srli : Opcode::Srai;
    item.insns.push_back(cShiftRight(op, primeX(rng), shamt));
    break;
  }
  case 6: {
    unsigned rd = primeX(rng);
    item.insns.push_back(cAndi(rd, imm6(rng)));
    break;
  }
  case 7:
  case 8: {
    Opcode op =
        rng.pick({Opcode::Sub, Opcode::Xor, Opcode::Or, Opcode::And, Opcode::Subw, Opcode::Addw});
    unsigned rd = primeX(rng);
    item.insns.push_back(cArith(op, rd, primeX(rng)));
    break;
  }
  case 9: {
    unsigned shamt = rng.chance(5) ? 0u : 1 + static_cast<unsigned>(rng.below(63));
    item.insns.push_back(cSlli(destX(rng), shamt));
    break;
  }
  case 10:
  case 11: {
    unsigned rd = destX(rng);
    unsigned rs2 = 1 + static_cast<unsigned>(rng.below(31));
    item.insns.push_back(rng.chance(50) ? cMv(rd, rs2) : cAdd(rd, rs2));
    break;
  }
  case 12: {
    unsigned nzuimm = 4 * (1 + static_cast<unsigned>(rng.below(255)));
    item.insns.push_back(cAddi4spn(primeX(rng), nzuimm));
    break;
  }
  default:
    // c.addi16sp is only allowed as a balanced pair around sp-relative
    // accesses (addCompressedMemory); here a plain c.nop.
    item.insns.push_back(cAddi(0, 0));
    break;
  }
  item.note = "compressed ALU";
}

} // namespace tiercel::fuzz
