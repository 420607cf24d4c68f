// Pseudo-instructions the disassembler prints when aliases are on: the
// ones GNU objdump prints for RV64GC + Zba/Zbb/Zbs (ISA spec, "RISC-V
// Assembly Programmer's Handbook" chapter, tables of pseudoinstructions).
#include "machine/isa/disassembler_printer.h"

namespace tiercel::detail {
namespace {

constexpr unsigned kZero = 0, kRa = 1;
constexpr unsigned kCsrFflags = 0x001, kCsrFrm = 0x002, kCsrFcsr = 0x003, kCsrCycle = 0xc00,
                   kCsrTime = 0xc01, kCsrInstret = 0xc02;

// Name of the FP-CSR pseudo-instruction family for a CSR number, e.g.
// "flags" for fflags (frflags/fsflags/fsflagsi), or empty.
std::string_view fpCsrStem(unsigned csr) {
  switch (csr) {
  case kCsrFflags: return "flags";
  case kCsrFrm: return "rm";
  case kCsrFcsr: return "csr";
  default: return {};
  }
}

std::string_view counterReader(unsigned csr) {
  switch (csr) {
  case kCsrCycle: return "rdcycle";
  case kCsrTime: return "rdtime";
  case kCsrInstret: return "rdinstret";
  default: return {};
  }
}

// "fsgnj.s" -> "fmv.s" etc.: the precision suffix of a sign-injection row.
std::string withPrecision(std::string_view stem, Opcode op) {
  std::string_view m = mnemonicOf(op);
  return std::string(stem) + std::string(m.substr(m.size() - 2));
}

bool printCsrAlias(const DecodedInstruction &d, AsmPrinter &p) {
  const unsigned csr = static_cast<unsigned>(d.imm);
  const std::string_view fp = fpCsrStem(csr);
  switch (d.opcode) {
  case Opcode::Csrrs:
    if (d.rs1 != kZero) {
      if (d.rd != kZero)
        return false;
      p.mnemonic("csrs").csr(csr).x(d.rs1);
      return true;
    }
    if (!fp.empty()) {
      p.mnemonic("fr").suffix(fp).x(d.rd);
    } else if (auto reader = counterReader(csr); !reader.empty()) {
      p.mnemonic(reader).x(d.rd);
    } else {
      p.mnemonic("csrr").x(d.rd).csr(csr);
    }
    return true;
  case Opcode::Csrrw:
    if (d.rd == kZero && d.rs1 == kZero && csr == kCsrCycle) {
      p.mnemonic("unimp"); // the canonical 32-bit illegal instruction
      return true;
    }
    if (!fp.empty()) {
      p.mnemonic("fs").suffix(fp);
      if (d.rd != kZero)
        p.x(d.rd);
      p.x(d.rs1);
      return true;
    }
    if (d.rd != kZero)
      return false;
    p.mnemonic("csrw").csr(csr).x(d.rs1);
    return true;
  case Opcode::Csrrc:
    if (d.rd != kZero)
      return false;
    p.mnemonic("csrc").csr(csr).x(d.rs1);
    return true;
  case Opcode::Csrrwi:
    if (csr == kCsrFflags || csr == kCsrFrm) {
      p.mnemonic("fs").suffix(fp).suffix("i");
      if (d.rd != kZero)
        p.x(d.rd);
      p.imm(d.rs1);
      return true;
    }
    if (d.rd != kZero)
      return false;
    p.mnemonic("csrwi").csr(csr).imm(d.rs1);
    return true;
  case Opcode::Csrrsi:
  case Opcode::Csrrci:
    if (d.rd != kZero)
      return false;
    p.mnemonic(d.opcode == Opcode::Csrrsi ? "csrsi" : "csrci").csr(csr).imm(d.rs1);
    return true;
  default: return false;
  }
}

bool printAliasTo(const DecodedInstruction &d, AsmPrinter &p) {
  switch (d.opcode) {
  case Opcode::Addi:
    if (d.rd == kZero && d.rs1 == kZero && d.imm == 0)
      p.mnemonic("nop");
    else if (d.rs1 == kZero)
      p.mnemonic("li").x(d.rd).imm(d.imm);
    else if (d.imm == 0)
      p.mnemonic("mv").x(d.rd).x(d.rs1);
    else
      return false;
    return true;
  case Opcode::Addiw:
    if (d.imm != 0)
      return false;
    p.mnemonic("sext.w").x(d.rd).x(d.rs1);
    return true;
  case Opcode::Xori:
    if (d.imm != -1)
      return false;
    p.mnemonic("not").x(d.rd).x(d.rs1);
    return true;
  case Opcode::Andi:
    if (d.imm != 255)
      return false;
    p.mnemonic("zext.b").x(d.rd).x(d.rs1);
    return true;
  case Opcode::Sltiu:
    if (d.imm != 1)
      return false;
    p.mnemonic("seqz").x(d.rd).x(d.rs1);
    return true;
  case Opcode::Add:
    // C.MV expands to add rd, x0, rs2 (ISA spec 16.5); objdump prints it
    // as mv. A 32-bit add with x0 stays an add, as objdump prints it.
    if (d.length != 2 || d.rs1 != kZero)
      return false;
    p.mnemonic("mv").x(d.rd).x(d.rs2);
    return true;
  case Opcode::Sub:
  case Opcode::Subw:
    if (d.rs1 != kZero)
      return false;
    p.mnemonic(d.opcode == Opcode::Sub ? "neg" : "negw").x(d.rd).x(d.rs2);
    return true;
  case Opcode::Sltu:
    if (d.rs1 != kZero)
      return false;
    p.mnemonic("snez").x(d.rd).x(d.rs2);
    return true;
  case Opcode::Slt:
    if (d.rs2 == kZero)
      p.mnemonic("sltz").x(d.rd).x(d.rs1);
    else if (d.rs1 == kZero)
      p.mnemonic("sgtz").x(d.rd).x(d.rs2);
    else
      return false;
    return true;
  case Opcode::AddUw:
    if (d.rs2 != kZero)
      return false;
    p.mnemonic("zext.w").x(d.rd).x(d.rs1);
    return true;
  case Opcode::Beq:
  case Opcode::Bne:
    if (d.rs2 != kZero)
      return false;
    p.mnemonic(d.opcode == Opcode::Beq ? "beqz" : "bnez").x(d.rs1).target(d.imm);
    return true;
  case Opcode::Bge:
  case Opcode::Blt: {
    const bool ge = d.opcode == Opcode::Bge;
    if (d.rs2 == kZero)
      p.mnemonic(ge ? "bgez" : "bltz").x(d.rs1).target(d.imm);
    else if (d.rs1 == kZero)
      p.mnemonic(ge ? "blez" : "bgtz").x(d.rs2).target(d.imm);
    else
      return false;
    return true;
  }
  case Opcode::Jal:
    if (d.rd == kZero)
      p.mnemonic("j").target(d.imm);
    else if (d.rd == kRa)
      p.mnemonic("jal").target(d.imm);
    else
      return false;
    return true;
  case Opcode::Jalr:
    if (d.rd == kZero && d.rs1 == kRa && d.imm == 0) {
      p.mnemonic("ret");
      return true;
    }
    if (d.rd != kZero && d.rd != kRa) {
      if (d.imm != 0)
        return false;
      p.mnemonic("jalr").x(d.rd).x(d.rs1); // objdump's "jalr rd, rs1"
      return true;
    }
    p.mnemonic(d.rd == kZero ? "jr" : "jalr");
    if (d.imm == 0)
      p.x(d.rs1);
    else
      p.memory(d.imm, d.rs1);
    return true;
  case Opcode::FsgnjS:
  case Opcode::FsgnjD:
  case Opcode::FsgnjnS:
  case Opcode::FsgnjnD:
  case Opcode::FsgnjxS:
  case Opcode::FsgnjxD: {
    if (d.rs1 != d.rs2)
      return false;
    std::string_view stem = (d.opcode == Opcode::FsgnjS || d.opcode == Opcode::FsgnjD)     ? "fmv"
                            : (d.opcode == Opcode::FsgnjnS || d.opcode == Opcode::FsgnjnD) ? "fneg"
                                                                                           : "fabs";
    p.mnemonic(withPrecision(stem, d.opcode)).f(d.rd).f(d.rs1);
    return true;
  }
  case Opcode::Fence:
    if (d.imm != 0x0ff) // fm=0000, pred=succ=iorw
      return false;
    p.mnemonic("fence");
    return true;
  case Opcode::SfenceVma:
    if (d.rs2 != kZero)
      return false;
    p.mnemonic("sfence.vma");
    if (d.rs1 != kZero)
      p.x(d.rs1);
    return true;
  case Opcode::Csrrw:
  case Opcode::Csrrs:
  case Opcode::Csrrc:
  case Opcode::Csrrwi:
  case Opcode::Csrrsi:
  case Opcode::Csrrci: return printCsrAlias(d, p);
  default: return false;
  }
}

} // namespace

bool printAlias(const DecodedInstruction &insn, const DisassemblyOptions &options,
                std::string &out) {
  AsmPrinter p(insn, options);
  if (!printAliasTo(insn, p))
    return false;
  out = p.take();
  return true;
}

} // namespace tiercel::detail
