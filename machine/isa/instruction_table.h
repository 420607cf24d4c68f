// The instruction table, compiled: the Opcode enum, per-instruction metadata
// and the encoding masks, all derived at compile time from instructions.def.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace tiercel {

// Operand layout of an instruction: which fields it has, in which register
// file, and how the disassembler prints them.
enum class Format : uint8_t {
  None,      // ecall, ebreak, fence.i, mret, sret, wfi
  R,         // rd, rs1, rs2
  I,         // rd, rs1, imm12
  Shift64,   // rd, rs1, shamt6
  Shift32,   // rd, rs1, shamt5
  Unary,     // rd, rs1
  Load,      // rd, imm(rs1)
  Store,     // rs2, imm(rs1)
  B,         // rs1, rs2, pc-relative target
  U,         // rd, imm20 (imm holds the value already shifted left by 12)
  J,         // rd, pc-relative target
  Jalr,      // rd, imm(rs1)
  Fence,     // pred, succ (imm holds fm:pred:succ)
  Csr,       // rd, csr, rs1 (imm holds the CSR number)
  CsrI,      // rd, csr, uimm5 (uimm5 in rs1, imm holds the CSR number)
  SfenceVma, // rs1, rs2
  Lr,        // rd, (rs1) with aq/rl
  Amo,       // rd, rs2, (rs1) with aq/rl
  FLoad,     // frd, imm(rs1)
  FStore,    // frs2, imm(rs1)
  FR,        // frd, frs1, frs2, rm
  FR1,       // frd, frs1, rm
  FR4,       // frd, frs1, frs2, frs3, rm
  FRNoRm,    // frd, frs1, frs2
  FCmp,      // rd, frs1, frs2
  FToX,      // rd, frs1, rm
  XToF,      // frd, rs1, rm
  FMvToX,    // rd, frs1
  FMvFromX,  // frd, rs1
};

enum class Extension : uint8_t { RV64I, M, A, F, D, Zicsr, Zifencei, Zba, Zbb, Zbs, Privileged };

// Metadata bits. Tiers use them to cut blocks and to know which
// instructions can leave early.
enum InstructionFlags : uint32_t {
  kNone = 0,
  kEndsBlock = 1u << 0,          // control leaves the straight line here
  kDirectJump = 1u << 1,         // jal: target known at translation time
  kIndirectJump = 1u << 2,       // jalr: target computed at run time
  kConditionalBranch = 1u << 3,  // b*: two successors, both known
  kMayTrap = 1u << 4,            // can raise an exception besides illegal
  kLoad = 1u << 5,               // reads guest memory
  kStore = 1u << 6,              // writes guest memory
  kAtomic = 1u << 7,             // LR/SC/AMO
  kFloat = 1u << 8,              // touches the FP state (needs mstatus.FS)
  kCsr = 1u << 9,                // reads/writes a CSR
  kCommutative = 1u << 10,       // rs1 and rs2 may trade places (same rd, same result)
};

enum class Opcode : uint16_t {
#define INSTRUCTION(Name, Mnemonic, Encoding, Fmt, Ext, Flags) Name,
#include "machine/isa/instructions.def"
  Illegal,  // not a valid instruction; executing it raises illegal-instruction
};

inline constexpr size_t kOpcodeCount = static_cast<size_t>(Opcode::Illegal) + 1;

struct InstructionSpec {
  std::string_view mnemonic;
  uint32_t mask;   // bits fixed by the encoding
  uint32_t match;  // their values
  Format format;
  Extension extension;
  uint32_t flags;
};

namespace detail {

// Parses an encoding string ("0000000 ----- ----- 000 ----- 0110011") into
// mask/match. A malformed row fails to compile (constant evaluation throws).
struct MaskMatch {
  uint32_t mask = 0;
  uint32_t match = 0;
};

consteval MaskMatch parseEncoding(std::string_view encoding) {
  MaskMatch result;
  int bits = 0;
  for (char c : encoding) {
    if (c == ' ')
      continue;
    result.mask <<= 1;
    result.match <<= 1;
    if (c == '0') {
      result.mask |= 1;
    } else if (c == '1') {
      result.mask |= 1;
      result.match |= 1;
    } else if (c != '-') {
      throw "instruction encoding may only contain 0, 1, - and spaces";
    }
    ++bits;
  }
  if (bits != 32)
    throw "instruction encoding must have exactly 32 bits";
  return result;
}

consteval InstructionSpec makeSpec(std::string_view mnemonic, std::string_view encoding,
                                   Format format, Extension extension, uint32_t flags) {
  MaskMatch mm = parseEncoding(encoding);
  return InstructionSpec{mnemonic, mm.mask, mm.match, format, extension, flags};
}

} // namespace detail

// kInstructionSpecs[op] describes Opcode op. The last entry is Illegal.
inline constexpr std::array<InstructionSpec, kOpcodeCount> kInstructionSpecs = {{
#define INSTRUCTION(Name, Mnemonic, Encoding, Fmt, Ext, Flags)                                     \
  detail::makeSpec(Mnemonic, Encoding, Format::Fmt, Extension::Ext, Flags),
#include "machine/isa/instructions.def"
    InstructionSpec{"unimp", 0, 0, Format::None, Extension::RV64I, kEndsBlock | kMayTrap},
}};

constexpr const InstructionSpec &specOf(Opcode op) {
  return kInstructionSpecs[static_cast<size_t>(op)];
}
constexpr std::string_view mnemonicOf(Opcode op) { return specOf(op).mnemonic; }
constexpr bool hasFlag(Opcode op, uint32_t flag) { return (specOf(op).flags & flag) != 0; }
constexpr bool endsBlock(Opcode op) { return hasFlag(op, kEndsBlock); }

namespace detail {
// No two rows may match the same word: for every pair, some bit fixed in
// both must differ. Checked once at compile time.
consteval bool encodingsAreDisjoint() {
  for (size_t i = 0; i + 1 < kOpcodeCount; ++i) {
    for (size_t j = i + 1; j + 1 < kOpcodeCount; ++j) {
      const auto &a = kInstructionSpecs[i];
      const auto &b = kInstructionSpecs[j];
      uint32_t common = a.mask & b.mask;
      if ((a.match & common) == (b.match & common))
        return false;
    }
  }
  return true;
}
} // namespace detail

static_assert(detail::encodingsAreDisjoint(), "two rows of instructions.def overlap");

} // namespace tiercel
