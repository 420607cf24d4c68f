// Disassembler: DecodedInstruction -> standard RISC-V assembly text, in the
// syntax GNU objdump and LLVM print (ISA spec, "RISC-V Assembly Programmer's
// Handbook" chapter, for register ABI names and pseudo-instructions).
//
// Output format (documented here, relied on by `-d in_asm` and the tests):
// - "mnemonic op1, op2, ..." with one space after the mnemonic and ", "
//   between operands.
// - Registers by ABI name ("a0", "fa0", "zero") by default; with
//   abiNames=false by architectural name ("x10", "f10"), the CLI's
//   `-M numeric`.
// - Immediates in decimal ("addi a0, a0, -1"), except the 20-bit field of
//   lui/auipc, printed in hex as objdump does ("lui a0, 0x12345"), and CSR
//   numbers that have no name ("csrr a0, 0x7c0").
// - Memory operands as offset(base): "lw a0, 8(sp)", "lr.w a0, (a1)".
// - Branch and jump targets as absolute hex addresses computed from
//   insn.pc: "beq a0, a1, 0x10078", "jal ra, 0x10100".
// - FP rounding mode appended when it is not the default: the default is
//   dyn, except for the exact widening conversions fcvt.d.s, fcvt.d.w,
//   fcvt.d.wu whose default is rne (as objdump and LLVM print them).
//   Reserved modes 5 and 6 print as their number ("fadd.s fa0, fa1, fa2, 5").
// - aq/rl as mnemonic suffixes: "amoadd.w.aqrl", "lr.d.aq".
// - fence as "fence pred, succ" ("fence iorw, iorw", an empty set is "0");
//   fm=1000 with pred=succ=rw is "fence.tso". Reserved fm values are
//   ignored, as the spec says base implementations do (ISA spec 2.7).
// - Illegal encodings as data: ".4byte 0x12345678" or ".2byte 0x1234".
//   With aliases on, the all-zero parcel (the defined illegal instruction,
//   ISA spec "C" chapter) and csrrw zero, cycle, zero print as "unimp".
// - Compressed instructions print as the 32-bit instruction they expand to
//   (the decoder expands them); objdump's "c." forms are not reproduced.
// With aliases=true (the default) the pseudo-instructions objdump prints
// are used (nop, li, mv, ret, j, beqz, csrr, frflags, fmv.s, ...); with
// aliases=false every instruction prints in its canonical form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "machine/isa/decoded_instruction.h"

namespace tiercel {

struct DisassemblyOptions {
  bool abiNames = true; // "a0" (default) or "x10" (-M numeric)
  bool aliases = true;  // "li a0, 1" for "addi a0, zero, 1", as objdump does
};

std::string disassemble(const DecodedInstruction &insn, const DisassemblyOptions &options = {});

// One line of an instruction log, as `-d in_asm` prints it:
//   "0x0000000000010078:  00050513  addi a0, a0, 0"
//   "0x000000000001007c:  4501      li a0, 0"
// address (16 hex digits), the encoding as fetched (8 hex digits, or 4 for
// a compressed parcel, padded to the same width) and the text.
std::string formatInstructionLine(const DecodedInstruction &insn,
                                  const DisassemblyOptions &options = {});

const char *integerRegisterName(unsigned reg, bool abiNames = true);
const char *floatRegisterName(unsigned reg, bool abiNames = true);

// "rne", "rtz", "rdn", "rup", "rmm", "dyn"; empty for the reserved 5 and 6.
std::string_view roundingModeName(unsigned rm);

// The standard name of a CSR number (unprivileged counters and FP CSRs,
// S-mode and M-mode CSRs, debug/trigger CSRs as RV64 defines them), or
// nullopt when it has none here.
std::optional<std::string_view> csrName(unsigned csr);

} // namespace tiercel
