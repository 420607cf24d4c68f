// FP categories of the fuzz body: every F and D instruction (ISA spec
// chapters 11-12) with every static rounding mode and dyn, and reads and
// writes of fflags/frm/fcsr (ISA spec 11.2).
//
// The only FP state that could make a program's outcome depend on the
// implementation is a reserved rounding mode: an instruction with rm 5 or 6,
// or one with rm = dyn while frm holds 5..7, is illegal. The generator never
// encodes rm 5/6, and every CSR write below keeps frm in 0..4.
#include "tests/fuzz/body_generator.h"

namespace tiercel::fuzz {
namespace {

unsigned secondFp(Rng &rng, unsigned first) { return rng.chance(15) ? first : fpReg(rng); }

// fflags is sticky: after a few operations every flag is set and a wrong
// flag from a later one is invisible. So a third of the FP operations are
// bracketed: swap the accrued flags out (and clear them), run the
// operation, read the flags it raised into a register.
void push(Rng &rng, Item &item, Insn insn) {
  bool bracket = rng.chance(35);
  if (bracket)
    item.insns.push_back(csr(Opcode::Csrrw, destX(rng), kCsrFflags, reg::kZero));
  item.insns.push_back(insn);
  if (bracket) {
    item.insns.push_back(csr(Opcode::Csrrs, destXNonZero(rng), kCsrFflags, reg::kZero));
    item.note = "FP operation with its flags captured";
  }
}

} // namespace

void addFpArithmetic(Rng &rng, Item &item) {
  static constexpr Opcode kBinary[] = {Opcode::FaddS, Opcode::FsubS, Opcode::FmulS, Opcode::FdivS,
                                       Opcode::FaddD, Opcode::FsubD, Opcode::FmulD, Opcode::FdivD};
  static constexpr Opcode kUnary[] = {Opcode::FsqrtS, Opcode::FsqrtD, Opcode::FcvtSD,
                                      Opcode::FcvtDS};
  static constexpr Opcode kFused[] = {Opcode::FmaddS,  Opcode::FmsubS, Opcode::FnmsubS,
                                      Opcode::FnmaddS, Opcode::FmaddD, Opcode::FmsubD,
                                      Opcode::FnmsubD, Opcode::FnmaddD};
  // Operands go into locals first: argument evaluation order is unspecified.
  unsigned rd = fpReg(rng);
  unsigned rs1 = fpReg(rng);
  unsigned rm = roundingMode(rng);
  uint64_t kind = rng.below(100);
  if (kind < 50) {
    Opcode op = rng.pick(kBinary);
    push(rng, item, fpR(op, rd, rs1, secondFp(rng, rs1), rm));
  } else if (kind < 70) {
    push(rng, item, fpR1(rng.pick(kUnary), rd, rs1, rm));
  } else {
    Opcode op = rng.pick(kFused);
    unsigned rs2 = secondFp(rng, rs1);
    push(rng, item, fpR4(op, rd, rs1, rs2, secondFp(rng, rs1), rm));
  }
}

void addFpOther(Rng &rng, Item &item) {
  static constexpr Opcode kSignMinMax[] = {
      Opcode::FsgnjS, Opcode::FsgnjnS, Opcode::FsgnjxS, Opcode::FminS, Opcode::FmaxS,
      Opcode::FsgnjD, Opcode::FsgnjnD, Opcode::FsgnjxD, Opcode::FminD, Opcode::FmaxD};
  static constexpr Opcode kCompare[] = {Opcode::FeqS, Opcode::FltS, Opcode::FleS,
                                        Opcode::FeqD, Opcode::FltD, Opcode::FleD};
  static constexpr Opcode kToInteger[] = {Opcode::FcvtWS,  Opcode::FcvtWuS, Opcode::FcvtLS,
                                          Opcode::FcvtLuS, Opcode::FcvtWD,  Opcode::FcvtWuD,
                                          Opcode::FcvtLD,  Opcode::FcvtLuD};
  static constexpr Opcode kFromInteger[] = {Opcode::FcvtSW,  Opcode::FcvtSWu, Opcode::FcvtSL,
                                            Opcode::FcvtSLu, Opcode::FcvtDW,  Opcode::FcvtDWu,
                                            Opcode::FcvtDL,  Opcode::FcvtDLu};
  static constexpr Opcode kToIntegerMove[] = {Opcode::FmvXW, Opcode::FmvXD, Opcode::FclassS,
                                              Opcode::FclassD};
  unsigned frs1 = fpReg(rng);
  switch (rng.below(7)) {
  case 0:
  case 1: {
    Opcode op = rng.pick(kSignMinMax);
    unsigned rd = fpReg(rng);
    push(rng, item, fpNoRm(op, rd, frs1, secondFp(rng, frs1)));
    break;
  }
  case 2: {
    Opcode op = rng.pick(kCompare);
    unsigned rd = destX(rng);
    push(rng, item, fpNoRm(op, rd, frs1, secondFp(rng, frs1)));
    break;
  }
  case 3: {
    Opcode op = rng.pick(kToInteger);
    unsigned rd = destX(rng);
    push(rng, item, fpR1(op, rd, frs1, roundingMode(rng)));
    break;
  }
  case 4: {
    Opcode op = rng.pick(kFromInteger);
    unsigned rd = fpReg(rng);
    unsigned rs1 = srcX(rng);
    push(rng, item, fpR1(op, rd, rs1, roundingMode(rng)));
    break;
  }
  case 5: {
    Opcode op = rng.pick(kToIntegerMove);
    push(rng, item, fpMove(op, destX(rng), frs1));
    break;
  }
  default: {
    Opcode op = rng.chance(50) ? Opcode::FmvWX : Opcode::FmvDX;
    unsigned rd = fpReg(rng);
    push(rng, item, fpMove(op, rd, srcX(rng)));
    break;
  }
  }
}

void addFpCsr(Rng &rng, Item &item) {
  unsigned rd = destX(rng);
  unsigned csrNumber = rng.pick({kCsrFflags, kCsrFrm, kCsrFcsr});
  uint64_t kind = rng.below(100);
  if (kind < 30) {
    // Read only: frflags / frrm / frcsr (csrrs rd, csr, x0), or csrrsi/csrrci
    // with a zero immediate, which also only read.
    Opcode op = rng.pick({Opcode::Csrrs, Opcode::Csrrc, Opcode::Csrrsi, Opcode::Csrrci});
    item.insns.push_back(csr(op, rd, csrNumber, 0));
    item.note = "FP CSR read";
    return;
  }
  // A write. Choose the value so that frm stays a valid mode (0..4):
  // fflags takes any 5 bits; frm any mode by csrrw, any clear by csrrc (it
  // only lowers a valid mode), set only of 0; fcsr csrrw any flags with a
  // valid mode, csrrs only flag bits, csrrc anything.
  Opcode op;
  unsigned value;
  uint64_t form = rng.below(3);
  if (csrNumber == kCsrFflags) {
    op = form == 0 ? Opcode::Csrrw : form == 1 ? Opcode::Csrrs : Opcode::Csrrc;
    value = static_cast<unsigned>(rng.below(32));
  } else if (csrNumber == kCsrFrm) {
    op = form == 2 ? Opcode::Csrrc : Opcode::Csrrw;
    value = form == 2 ? static_cast<unsigned>(rng.below(8)) : static_cast<unsigned>(rng.below(5));
  } else {
    op = form == 0 ? Opcode::Csrrw : form == 1 ? Opcode::Csrrs : Opcode::Csrrc;
    if (op == Opcode::Csrrw) {
      unsigned mode = static_cast<unsigned>(rng.below(5));
      value = mode << 5 | static_cast<unsigned>(rng.below(32));
    } else if (op == Opcode::Csrrs) {
      value = static_cast<unsigned>(rng.below(32));
    } else {
      value = static_cast<unsigned>(rng.below(256));
    }
  }
  if (value < 32 && rng.chance(50)) {
    // The immediate forms carry a 5-bit zero-extended value.
    Opcode immediateOp = op == Opcode::Csrrw   ? Opcode::Csrrwi
                         : op == Opcode::Csrrs ? Opcode::Csrrsi
                                               : Opcode::Csrrci;
    item.insns.push_back(csr(immediateOp, rd, csrNumber, value));
    item.note = "FP CSR write (immediate)";
    return;
  }
  unsigned temp = destXNonZero(rng);
  item.insns.push_back(intI(Opcode::Addi, temp, reg::kZero, static_cast<int32_t>(value)));
  item.insns.push_back(csr(op, rd, csrNumber, temp));
  item.note = "li + FP CSR write";
}

} // namespace tiercel::fuzz
