// RISC-V instruction encoders for the fuzz program generator.
//
// Deliberately independent of machine/isa/instructions.def: the field values
// (major opcode, funct3, funct7, ...) are restated here from the ISA manual,
// and every word the generator emits is decoded again with the project's
// decoder and compared field by field (selfCheck). A disagreement is either
// an encoder bug here or a decoder bug there; both abort the generator.
//
// Each builder returns an Insn: the bits, the length and the
// DecodedInstruction the decoder must produce for it (compressed words
// decode to the 32-bit instruction they expand to, ISA spec "C" chapter).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "machine/isa/decoded_instruction.h"

namespace tiercel::fuzz {

// Integer registers the generator names (ABI names, ISA spec chapter 25).
namespace reg {
inline constexpr unsigned kZero = 0, kRa = 1, kSp = 2, kT0 = 5, kA0 = 10, kA1 = 11, kA2 = 12,
                          kA7 = 17, kS10 = 26, kS11 = 27;
}

// CSR numbers of the FP control and status registers (ISA spec 11.2).
inline constexpr unsigned kCsrFflags = 0x001, kCsrFrm = 0x002, kCsrFcsr = 0x003;

struct Insn {
  uint32_t bits = 0;
  uint8_t length = 4;
  DecodedInstruction expect; // opcode and operands the decoder must report
};

// ---- 32-bit instructions ----
Insn intR(Opcode op, unsigned rd, unsigned rs1, unsigned rs2);       // RV64I/M/Zba/Zbb/Zbs
Insn intI(Opcode op, unsigned rd, unsigned rs1, int32_t imm);        // addi..andi, addiw
Insn intShift(Opcode op, unsigned rd, unsigned rs1, unsigned shamt); // Shift64/Shift32 rows
Insn intUnary(Opcode op, unsigned rd, unsigned rs1);                 // clz, sext.b, rev8, ...
Insn upper(Opcode op, unsigned rd, uint32_t imm20);                  // lui, auipc
Insn load(Opcode op, unsigned rd, unsigned rs1, int32_t offset);     // integer and FP loads
Insn store(Opcode op, unsigned rs2, unsigned rs1, int32_t offset);   // integer and FP stores
Insn branch(Opcode op, unsigned rs1, unsigned rs2, int32_t offset);
Insn jal(unsigned rd, int32_t offset);
Insn jalr(unsigned rd, unsigned rs1, int32_t offset);
Insn fence(unsigned fm, unsigned pred, unsigned succ);
Insn fenceI();
Insn ecall();
// csrrw/s/c take a register in rs1; csrrwi/si/ci a 5-bit immediate.
Insn csr(Opcode op, unsigned rd, unsigned csrNumber, unsigned rs1OrUimm);
Insn loadReserved(Opcode op, unsigned rd, unsigned rs1, unsigned aqrl);
Insn amo(Opcode op, unsigned rd, unsigned rs1, unsigned rs2, unsigned aqrl); // incl. sc.w/sc.d
Insn fpR(Opcode op, unsigned rd, unsigned rs1, unsigned rs2, unsigned rm);   // fadd.s ...
Insn fpR1(Opcode op, unsigned rd, unsigned rs1, unsigned rm); // fsqrt, fcvt.* (any direction)
Insn fpR4(Opcode op, unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm);
Insn fpNoRm(Opcode op, unsigned rd, unsigned rs1, unsigned rs2); // fsgnj*, fmin/fmax, compares
Insn fpMove(Opcode op, unsigned rd, unsigned rs1);               // fmv.x.w/d, fmv.w/d.x, fclass

// ---- 16-bit compressed instructions (ISA spec "C" chapter, RV64 forms) ----
// Registers named "p" are the 3-bit compressed fields: x8..x15 / f8..f15.
Insn cAddi4spn(unsigned rdp, unsigned nzuimm);
Insn cLoadStore(Opcode op, unsigned regp, unsigned rs1p, unsigned offset); // c.lw/ld/fld/sw/sd/fsd
Insn cAddi(unsigned rd, int32_t imm);                                      // also c.nop (rd = 0)
Insn cAddiw(unsigned rd, int32_t imm);
Insn cLi(unsigned rd, int32_t imm);
Insn cAddi16sp(int32_t imm);
Insn cLui(unsigned rd, int32_t imm6);                      // loads sext(imm6) << 12
Insn cShiftRight(Opcode op, unsigned rdp, unsigned shamt); // c.srli / c.srai
Insn cAndi(unsigned rdp, int32_t imm);
Insn cArith(Opcode op, unsigned rdp, unsigned rs2p); // c.sub/xor/or/and/subw/addw
Insn cJ(int32_t offset);
Insn cBranch(Opcode op, unsigned rs1p, int32_t offset); // c.beqz (Beq) / c.bnez (Bne)
Insn cSlli(unsigned rd, unsigned shamt);
Insn cSpLoadStore(Opcode op, unsigned reg, unsigned offset); // c.lwsp/ldsp/fldsp/swsp/sdsp/fsdsp
Insn cJr(unsigned rs1);
Insn cJalr(unsigned rs1);
Insn cMv(unsigned rd, unsigned rs2);
Insn cAdd(unsigned rd, unsigned rs2);

// Decodes insn.bits at pc with the project's decoder and aborts the program
// with a description of both sides unless opcode, operands and length match.
void selfCheck(const Insn &insn, uint64_t pc);

// Splits a pc-relative or absolute 32-bit value into the auipc/lui upper 20
// bits and the sign-extended low 12 bits that addi/jalr add back.
struct HiLo {
  uint32_t hi20;
  int32_t lo12;
};
HiLo splitHiLo(int64_t value);

// rd = value for 0 <= value < 2^31: lui + addi, or addi alone.
std::vector<Insn> loadImmediate(unsigned rd, uint64_t value);
// rd = target, for an auipc at `pc`: auipc + addi.
std::vector<Insn> loadAddress(unsigned rd, uint64_t target, uint64_t pc);

} // namespace tiercel::fuzz
