// Disassembler: canonical forms of every Format, the entry point that tries
// pseudo-instructions first, and the log-line helper. The output format is
// documented in disassembler.h.
#include "machine/isa/disassembler.h"

#include "machine/isa/disassembler_printer.h"

namespace tiercel {
namespace {

// clang-format off
const char *const kAbiX[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2",
                               "s0",   "s1", "a0", "a1", "a2",  "a3",  "a4", "a5",
                               "a6",   "a7", "s2", "s3", "s4",  "s5",  "s6", "s7",
                               "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
const char *const kNumX[32] = {"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",
                               "x8",  "x9",  "x10", "x11", "x12", "x13", "x14", "x15",
                               "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
                               "x24", "x25", "x26", "x27", "x28", "x29", "x30", "x31"};
const char *const kAbiF[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                               "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                               "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                               "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
const char *const kNumF[32] = {"f0",  "f1",  "f2",  "f3",  "f4",  "f5",  "f6",  "f7",
                               "f8",  "f9",  "f10", "f11", "f12", "f13", "f14", "f15",
                               "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23",
                               "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31"};
// clang-format on

// The rounding mode an instruction prints without: dyn, except for the
// conversions that are always exact, which assemblers encode as rne when
// the mode is omitted (GNU as and LLVM agree).
unsigned defaultRoundingMode(Opcode op) {
  switch (op) {
  case Opcode::FcvtDS:
  case Opcode::FcvtDW:
  case Opcode::FcvtDWu: return 0;
  default: return 7;
  }
}

void roundingMode(detail::AsmPrinter &p, const DecodedInstruction &insn) {
  if (insn.rm == defaultRoundingMode(insn.opcode))
    return;
  std::string_view name = roundingModeName(insn.rm);
  if (name.empty())
    p.imm(insn.rm); // reserved 5/6: printed as a number, as objdump does
  else
    p.operand(name);
}

// FENCE predecessor/successor set (ISA spec 2.7): bits i, o, r, w.
void fenceSet(detail::AsmPrinter &p, unsigned set) {
  if (set == 0) {
    p.operand("0");
    return;
  }
  std::string s;
  const char letters[] = "iorw";
  for (unsigned i = 0; i < 4; ++i)
    if (set & (8u >> i))
      s += letters[i];
  p.operand(s);
}

std::string_view orderingSuffix(unsigned aqrl) {
  switch (aqrl & 3) {
  case 0: return "";
  case 1: return ".rl";
  case 2: return ".aq";
  default: return ".aqrl";
  }
}

std::string illegal(const DecodedInstruction &insn) {
  char buf[32];
  if (insn.length == 2)
    std::snprintf(buf, sizeof buf, ".2byte 0x%04x", insn.raw & 0xffff);
  else
    std::snprintf(buf, sizeof buf, ".4byte 0x%08x", insn.raw);
  return buf;
}

std::string canonical(const DecodedInstruction &insn, const DisassemblyOptions &options) {
  detail::AsmPrinter p(insn, options);
  const InstructionSpec &spec = specOf(insn.opcode);
  p.mnemonic(spec.mnemonic);
  switch (spec.format) {
  case Format::None: break;
  case Format::R: p.x(insn.rd).x(insn.rs1).x(insn.rs2); break;
  case Format::I:
  case Format::Shift64:
  case Format::Shift32: p.x(insn.rd).x(insn.rs1).imm(insn.imm); break;
  case Format::Unary: p.x(insn.rd).x(insn.rs1); break;
  case Format::Load:
  case Format::Jalr: p.x(insn.rd).memory(insn.imm, insn.rs1); break;
  case Format::Store: p.x(insn.rs2).memory(insn.imm, insn.rs1); break;
  case Format::B: p.x(insn.rs1).x(insn.rs2).target(insn.imm); break;
  case Format::U: p.x(insn.rd).hex((static_cast<uint64_t>(insn.imm) >> 12) & 0xfffff); break;
  case Format::J: p.x(insn.rd).target(insn.imm); break;
  case Format::Fence: {
    unsigned fm = (insn.imm >> 8) & 15, pred = (insn.imm >> 4) & 15, succ = insn.imm & 15;
    if (fm == 8 && pred == 3 && succ == 3)
      return "fence.tso"; // ISA spec 2.7: FENCE.TSO is fm=1000, RW,RW
    fenceSet(p, pred);
    fenceSet(p, succ);
    break;
  }
  case Format::Csr: p.x(insn.rd).csr(static_cast<unsigned>(insn.imm)).x(insn.rs1); break;
  case Format::CsrI: p.x(insn.rd).csr(static_cast<unsigned>(insn.imm)).imm(insn.rs1); break;
  case Format::SfenceVma: p.x(insn.rs1).x(insn.rs2); break;
  case Format::Lr: p.suffix(orderingSuffix(insn.rm)).x(insn.rd).memory(0, insn.rs1, false); break;
  case Format::Amo:
    p.suffix(orderingSuffix(insn.rm)).x(insn.rd).x(insn.rs2).memory(0, insn.rs1, false);
    break;
  case Format::FLoad: p.f(insn.rd).memory(insn.imm, insn.rs1); break;
  case Format::FStore: p.f(insn.rs2).memory(insn.imm, insn.rs1); break;
  case Format::FR:
    p.f(insn.rd).f(insn.rs1).f(insn.rs2);
    roundingMode(p, insn);
    break;
  case Format::FR1:
    p.f(insn.rd).f(insn.rs1);
    roundingMode(p, insn);
    break;
  case Format::FR4:
    p.f(insn.rd).f(insn.rs1).f(insn.rs2).f(insn.rs3);
    roundingMode(p, insn);
    break;
  case Format::FRNoRm: p.f(insn.rd).f(insn.rs1).f(insn.rs2); break;
  case Format::FCmp: p.x(insn.rd).f(insn.rs1).f(insn.rs2); break;
  case Format::FToX:
    p.x(insn.rd).f(insn.rs1);
    roundingMode(p, insn);
    break;
  case Format::XToF:
    p.f(insn.rd).x(insn.rs1);
    roundingMode(p, insn);
    break;
  case Format::FMvToX: p.x(insn.rd).f(insn.rs1); break;
  case Format::FMvFromX: p.f(insn.rd).x(insn.rs1); break;
  }
  return p.take();
}

} // namespace

const char *integerRegisterName(unsigned reg, bool abiNames) {
  return (abiNames ? kAbiX : kNumX)[reg & 31];
}
const char *floatRegisterName(unsigned reg, bool abiNames) {
  return (abiNames ? kAbiF : kNumF)[reg & 31];
}

std::string_view roundingModeName(unsigned rm) {
  // ISA spec 11.2, table "Rounding mode encoding".
  static constexpr std::string_view kNames[8] = {"rne", "rtz", "rdn", "rup", "rmm", "", "", "dyn"};
  return kNames[rm & 7];
}

std::string disassemble(const DecodedInstruction &insn, const DisassemblyOptions &options) {
  if (insn.opcode == Opcode::Illegal) {
    if (options.aliases && insn.length == 2 && (insn.raw & 0xffff) == 0)
      return "unimp";
    return illegal(insn);
  }
  std::string text;
  if (options.aliases && detail::printAlias(insn, options, text))
    return text;
  return canonical(insn, options);
}

std::string formatInstructionLine(const DecodedInstruction &insn,
                                  const DisassemblyOptions &options) {
  char prefix[48];
  if (insn.length == 2)
    std::snprintf(prefix, sizeof prefix, "0x%016" PRIx64 ":  %04x      ", insn.pc,
                  insn.raw & 0xffff);
  else
    std::snprintf(prefix, sizeof prefix, "0x%016" PRIx64 ":  %08x  ", insn.pc, insn.raw);
  return prefix + disassemble(insn, options);
}

} // namespace tiercel
