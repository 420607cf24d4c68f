// The decoder and disassembler against LLVM's RISC-V MC disassembler:
// every 16-bit word and 1.2 million 32-bit words (uniform, biased toward
// valid encodings, and near misses of valid encodings), agreeing on
// validity and on the printed canonical form. Where the spec lets LLVM and
// us legitimately differ, the word must fall in one of the exception
// classes below; anything else is a bug in the decoder or the table.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "isa/llvm_reference.h"
#include "machine/isa/decoder.h"
#include "machine/isa/disassembler.h"

namespace tiercel {
namespace {

constexpr uint64_t kPc = 0x80001000;

// ---- Exception classes: spec-sanctioned differences from LLVM ----
//
// Each one is a set of words Tiercel decodes and LLVM rejects (or the
// reverse), with the reason the spec gives. The tests assert that every
// validity disagreement falls into exactly one class.
enum class Exception {
  // FENCE with rs1/rd != 0 or a reserved fm/pred/succ combination. ISA
  // spec 2.7: "base implementations shall ignore these fields" and "shall
  // treat all such reserved configurations as normal fences with fm=0000".
  // LLVM accepts only rs1=rd=0 with fm=0000 (or the exact FENCE.TSO).
  FenceReservedFields,
  // FENCE.I with imm/rs1/rd != 0. ISA spec 3.1 (Zifencei): "The unused
  // fields in the FENCE.I instruction, imm[11:0], rs1, and rd, are reserved
  // for finer-grain fences in future extensions. For forward compatibility,
  // base implementations shall ignore these fields". LLVM requires zeros.
  FenceIReservedFields,
  // FP instructions whose rm field holds the reserved modes 101/110. ISA
  // spec 11.2: their behaviour is reserved; Tiercel decodes them and the
  // semantics raise illegal-instruction when executed (the same path as a
  // reserved dynamic mode in frm), LLVM refuses to decode them.
  ReservedRoundingMode,
  // C.LUI (and its rd=x0 HINT form) with nzimm=0. ISA spec 16.5 ("C"
  // chapter, C.LUI): "The code points with nzimm=0 are reserved". Tiercel
  // rejects them as illegal; LLVM 19 decodes them as c.lui rd, 0.
  CLuiZeroImmediate,
  Count,
};
constexpr const char *kExceptionNames[] = {"FenceReservedFields", "FenceIReservedFields",
                                           "ReservedRoundingMode", "CLuiZeroImmediate"};
static_assert(std::size(kExceptionNames) == static_cast<size_t>(Exception::Count));

bool hasRoundingModeField(Format f) {
  return f == Format::FR || f == Format::FR1 || f == Format::FR4 || f == Format::FToX ||
         f == Format::XToF;
}

// The class a validity disagreement belongs to, or Count for none.
Exception classify(uint32_t word, unsigned length, const DecodedInstruction &ours,
                   bool llvmAccepts) {
  const bool oursAccepts = ours.opcode != Opcode::Illegal;
  if (length == 4 && oursAccepts && !llvmAccepts) {
    const uint32_t rd = (word >> 7) & 31, rs1 = (word >> 15) & 31, fm = word >> 28;
    if (ours.opcode == Opcode::Fence && (rd != 0 || rs1 != 0 || fm != 0))
      return Exception::FenceReservedFields;
    if (ours.opcode == Opcode::FenceI && (word & 0xfff'f8f80u) != 0)
      return Exception::FenceIReservedFields;
    if (hasRoundingModeField(specOf(ours.opcode).format) && (ours.rm == 5 || ours.rm == 6))
      return Exception::ReservedRoundingMode;
  }
  if (length == 2 && !oursAccepts && llvmAccepts) {
    const bool isCLui = (word & 0xe003) == 0x6001 && ((word >> 7) & 31) != 2;
    const bool zeroImmediate = (word & 0x107c) == 0;
    if (isCLui && zeroImmediate)
      return Exception::CLuiZeroImmediate;
  }
  return Exception::Count;
}

// ---- Normalisation of pure formatting differences ----

struct Asm {
  std::string mnemonic;
  std::vector<std::string> operands;
};

bool isIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

// Rewrites every number (decimal, 0x hex, with an optional '-') as signed
// decimal of its 64-bit value: "0x10" and "16", "0xfffff" and "1048575"
// compare equal. Digits inside names (x10, fs11) are left alone.
std::string canonicalNumbers(const std::string &s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const bool boundary = i == 0 || !isIdentChar(s[i - 1]);
    const bool negative = s[i] == '-' && i + 1 < s.size() && isdigit(s[i + 1]);
    if (boundary && (isdigit(s[i]) || negative)) {
      size_t j = i + (negative ? 1 : 0);
      uint64_t value = 0;
      if (s.compare(j, 2, "0x") == 0) {
        j += 2;
        while (j < s.size() && isxdigit(s[j]))
          value = value * 16 + (isdigit(s[j]) ? s[j] - '0' : (s[j] | 0x20) - 'a' + 10), ++j;
      } else {
        while (j < s.size() && isdigit(s[j]))
          value = value * 10 + (s[j] - '0'), ++j;
      }
      if (negative)
        value = 0 - value;
      out += std::to_string(static_cast<int64_t>(value));
      i = j;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// The widening conversions omit rne, everything else omits dyn
// (disassembler.h); LLVM's no-aliases mode prints both. Dropping the
// default on both sides makes the two spellings of one operand equal.
bool isRneDefault(const std::string &mnemonic) {
  return mnemonic == "fcvt.d.s" || mnemonic == "fcvt.d.w" || mnemonic == "fcvt.d.wu";
}

Asm normalize(const std::string &text) {
  std::string collapsed;
  for (char c : text) {
    if (c == '\t' || c == ' ') {
      if (!collapsed.empty() && collapsed.back() != ' ')
        collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  while (!collapsed.empty() && collapsed.back() == ' ')
    collapsed.pop_back();
  Asm result;
  size_t space = collapsed.find(' ');
  result.mnemonic = collapsed.substr(0, space);
  if (space != std::string::npos) {
    std::string rest = collapsed.substr(space + 1);
    size_t start = 0;
    while (true) {
      size_t comma = rest.find(", ", start);
      result.operands.push_back(canonicalNumbers(rest.substr(start, comma - start)));
      if (comma == std::string::npos)
        break;
      start = comma + 2;
    }
  }
  if (!result.operands.empty()) {
    const std::string &last = result.operands.back();
    if ((last == "dyn" && !isRneDefault(result.mnemonic)) ||
        (last == "rne" && isRneDefault(result.mnemonic)))
      result.operands.pop_back();
  }
  return result;
}

std::string join(const Asm &a) {
  std::string s = a.mnemonic;
  for (size_t i = 0; i < a.operands.size(); ++i)
    s += (i ? ", " : " ") + a.operands[i];
  return s;
}

// ---- Compressed instructions: LLVM's c.* MCInst -> the 32-bit expansion ----
//
// LLVM prints compressed words in their c.* form; Tiercel decodes them to
// the instruction they expand to. Each LLVM compressed opcode is rewritten
// here, from its MCInst operands, into the canonical text of its expansion
// as the ISA spec's "C" chapter defines it. {rN} is register operand N,
// {iN} immediate operand N in decimal, {uN} its low 20 bits (LLVM holds
// c.lui's immediate as the 20-bit lui field, but c.lui's HINT form as the
// signed 6-bit value), {tN} the target pc + operand N.
struct CompressedExpansion {
  std::string_view llvmName;
  std::string_view pattern;
};
constexpr CompressedExpansion kCompressed[] = {
    {"C_ADDI4SPN", "addi {r0}, {r1}, {i2}"},
    {"C_FLD", "fld {r0}, {i2}({r1})"},
    {"C_LW", "lw {r0}, {i2}({r1})"},
    {"C_LD", "ld {r0}, {i2}({r1})"},
    {"C_FSD", "fsd {r0}, {i2}({r1})"},
    {"C_SW", "sw {r0}, {i2}({r1})"},
    {"C_SD", "sd {r0}, {i2}({r1})"},
    {"C_NOP", "addi zero, zero, 0"},
    {"C_NOP_HINT", "addi zero, zero, {i0}"},
    {"C_ADDI", "addi {r0}, {r1}, {i2}"},
    {"C_ADDI_HINT_IMM_ZERO", "addi {r0}, {r1}, {i2}"},
    {"C_ADDIW", "addiw {r0}, {r1}, {i2}"},
    {"C_LI", "addi {r0}, zero, {i1}"},
    {"C_LI_HINT", "addi {r0}, zero, {i1}"},
    {"C_ADDI16SP", "addi {r0}, {r1}, {i2}"},
    {"C_LUI", "lui {r0}, {u1}"},
    {"C_LUI_HINT", "lui {r0}, {u1}"},
    {"C_SRLI", "srli {r0}, {r1}, {i2}"},
    {"C_SRAI", "srai {r0}, {r1}, {i2}"},
    {"C_SRLI64_HINT", "srli {r0}, {r1}, 0"},
    {"C_SRAI64_HINT", "srai {r0}, {r1}, 0"},
    {"C_ANDI", "andi {r0}, {r1}, {i2}"},
    {"C_SUB", "sub {r0}, {r1}, {r2}"},
    {"C_XOR", "xor {r0}, {r1}, {r2}"},
    {"C_OR", "or {r0}, {r1}, {r2}"},
    {"C_AND", "and {r0}, {r1}, {r2}"},
    {"C_SUBW", "subw {r0}, {r1}, {r2}"},
    {"C_ADDW", "addw {r0}, {r1}, {r2}"},
    {"C_J", "jal zero, {t0}"},
    {"C_BEQZ", "beq {r0}, zero, {t1}"},
    {"C_BNEZ", "bne {r0}, zero, {t1}"},
    {"C_SLLI", "slli {r0}, {r1}, {i2}"},
    {"C_SLLI_HINT", "slli {r0}, {r1}, {i2}"},
    {"C_SLLI64_HINT", "slli {r0}, {r1}, 0"},
    {"C_FLDSP", "fld {r0}, {i2}({r1})"},
    {"C_LWSP", "lw {r0}, {i2}({r1})"},
    {"C_LDSP", "ld {r0}, {i2}({r1})"},
    {"C_JR", "jalr zero, 0({r0})"},
    {"C_MV", "add {r0}, zero, {r1}"},
    {"C_MV_HINT", "add {r0}, zero, {r1}"},
    {"C_EBREAK", "ebreak"},
    {"C_JALR", "jalr ra, 0({r0})"},
    {"C_ADD", "add {r0}, {r1}, {r2}"},
    {"C_ADD_HINT", "add {r0}, {r1}, {r2}"},
    {"C_FSDSP", "fsd {r0}, {i2}({r1})"},
    {"C_SWSP", "sw {r0}, {i2}({r1})"},
    {"C_SDSP", "sd {r0}, {i2}({r1})"},
};

// The expansion text, or empty when LLVM's opcode is not in the table.
std::string expandLlvmCompressed(const test::LlvmReference &llvm, const llvm::MCInst &inst,
                                 uint64_t pc) {
  std::string_view name = llvm.opcodeName(inst);
  for (const CompressedExpansion &e : kCompressed) {
    if (e.llvmName != name)
      continue;
    std::string out;
    for (size_t i = 0; i < e.pattern.size(); ++i) {
      if (e.pattern[i] != '{') {
        out += e.pattern[i];
        continue;
      }
      const char kind = e.pattern[i + 1];
      const unsigned index = static_cast<unsigned>(e.pattern[i + 2] - '0');
      i += 3; // at '}'
      if (index >= inst.getNumOperands())
        return "<operand " + std::to_string(index) + " missing in " + std::string(name) + ">";
      const llvm::MCOperand &op = inst.getOperand(index);
      if (kind == 'r' && op.isReg()) {
        out += llvm.registerName(op.getReg());
      } else if (kind == 'i' && op.isImm()) {
        out += std::to_string(op.getImm());
      } else if (kind == 'u' && op.isImm()) {
        out += std::to_string(static_cast<uint64_t>(op.getImm()) & 0xfffff);
      } else if (kind == 't' && op.isImm()) {
        out += std::to_string(static_cast<int64_t>(pc + static_cast<uint64_t>(op.getImm())));
      } else {
        return "<operand " + std::to_string(index) + " of " + std::string(name) +
               " has an unexpected kind>";
      }
    }
    return out;
  }
  return {};
}

// ---- The comparison ----

struct Comparison {
  uint64_t words = 0;
  uint64_t bothValid = 0;
  uint64_t bothInvalid = 0;
  uint64_t csrNamedOnlyByLlvm = 0; // we print a number, LLVM knows a name
  uint64_t exceptions[static_cast<size_t>(Exception::Count)] = {};
  uint64_t failures = 0;
  std::vector<std::string> failureExamples;

  void fail(uint32_t word, unsigned length, const std::string &what) {
    ++failures;
    if (failureExamples.size() < 40) {
      char buf[16];
      std::snprintf(buf, sizeof buf, length == 2 ? "%04x" : "%08x", word);
      failureExamples.push_back(std::string(buf) + ": " + what);
    }
  }

  std::string summary() const {
    std::string s = "words " + std::to_string(words) + ", both valid " + std::to_string(bothValid) +
                    ", both invalid " + std::to_string(bothInvalid) + ", CSRs only LLVM names " +
                    std::to_string(csrNamedOnlyByLlvm);
    for (size_t i = 0; i < static_cast<size_t>(Exception::Count); ++i)
      s += std::string(", ") + kExceptionNames[i] + " " + std::to_string(exceptions[i]);
    s += ", unexplained " + std::to_string(failures);
    return s;
  }
};

bool isCsrMnemonic(const std::string &m) { return m.rfind("csrr", 0) == 0; }
bool isNumber(const std::string &s) {
  return !s.empty() && (isdigit(s[0]) || (s[0] == '-' && s.size() > 1));
}

void compareWord(const test::LlvmReference &llvm, uint32_t word, unsigned length,
                 Comparison &result) {
  ++result.words;
  const DecodedInstruction ours = decode(word, kPc);
  if (ours.length != length) {
    result.fail(word, length, "decoded length " + std::to_string(ours.length));
    return;
  }
  std::optional<llvm::MCInst> ref = llvm.decode(word, length, kPc);
  // LLVM decodes the all-zero parcel as c.unimp: the ISA spec's defined
  // illegal instruction ("C" chapter), which is what Illegal means here.
  if (ref && llvm.opcodeName(*ref) == "C_UNIMP")
    ref.reset();
  const bool oursValid = ours.opcode != Opcode::Illegal;
  if (oursValid != ref.has_value()) {
    Exception e = classify(word, length, ours, ref.has_value());
    if (e == Exception::Count) {
      result.fail(word, length,
                  oursValid
                      ? "Tiercel decodes '" + disassemble(ours, {true, false}) + "', LLVM rejects"
                      : "Tiercel rejects, LLVM decodes '" + llvm.print(*ref, kPc) + "'");
    } else {
      ++result.exceptions[static_cast<size_t>(e)];
    }
    return;
  }
  if (!oursValid) {
    ++result.bothInvalid;
    return;
  }
  std::string expectedText;
  if (length == 2) {
    expectedText = expandLlvmCompressed(llvm, *ref, kPc);
    if (expectedText.empty()) {
      result.fail(word, length,
                  "LLVM opcode " + std::string(llvm.opcodeName(*ref)) +
                      " has no expansion in kCompressed");
      return;
    }
  } else if (llvm.opcodeName(*ref) == "UNIMP") {
    // LLVM has a separate UNIMP instruction for csrrw zero, cycle, zero.
    expectedText = "csrrw zero, cycle, zero";
  } else {
    expectedText = llvm.print(*ref, kPc);
  }
  const Asm expected = normalize(expectedText);
  const Asm actual = normalize(disassemble(ours, {.abiNames = true, .aliases = false}));
  bool same =
      expected.mnemonic == actual.mnemonic && expected.operands.size() == actual.operands.size();
  for (size_t i = 0; same && i < actual.operands.size(); ++i) {
    if (expected.operands[i] == actual.operands[i])
      continue;
    // LLVM names more CSRs than Tiercel does (hypervisor, vector, ...):
    // a number on our side is fine when it is the CSR LLVM decoded.
    if (isCsrMnemonic(actual.mnemonic) && i == 1 && isNumber(actual.operands[i]) &&
        !isNumber(expected.operands[i]) && ref->getNumOperands() > 1 &&
        ref->getOperand(1).isImm() &&
        std::to_string(ref->getOperand(1).getImm()) == actual.operands[i]) {
      ++result.csrNamedOnlyByLlvm;
      continue;
    }
    same = false;
  }
  if (!same) {
    result.fail(word, length, "Tiercel '" + join(actual) + "' vs LLVM '" + join(expected) + "'");
    return;
  }
  ++result.bothValid;
}

class DecoderVsLlvm : public ::testing::Test {
protected:
  static void SetUpTestSuite() { llvm_ = new test::LlvmReference(); }
  static void TearDownTestSuite() {
    delete llvm_;
    llvm_ = nullptr;
  }
  static void report(const Comparison &c) {
    std::printf("%s\n", c.summary().c_str());
    for (const std::string &e : c.failureExamples)
      ADD_FAILURE() << e;
    EXPECT_EQ(c.failures, 0u) << c.summary();
  }
  static test::LlvmReference *llvm_;
};
test::LlvmReference *DecoderVsLlvm::llvm_ = nullptr;

TEST_F(DecoderVsLlvm, EveryCompressedWord) {
  ASSERT_EQ(llvm_->error(), "");
  Comparison c;
  for (uint32_t word = 0; word < 0x10000; ++word)
    if ((word & 3) != 3)
      compareWord(*llvm_, word, 2, c);
  report(c);
  EXPECT_EQ(c.words, 49152u);
  // Exhaustive, so the one compressed class has an exact size: nzimm=0
  // with each of the 31 rd values that are not x2 (x2 is C.ADDI16SP).
  EXPECT_EQ(c.exceptions[static_cast<size_t>(Exception::CLuiZeroImmediate)], 31u);
}

TEST_F(DecoderVsLlvm, MillionRandom32BitWords) {
  ASSERT_EQ(llvm_->error(), "");
  std::mt19937 rng(0x71e2ce1); // fixed seed: failures reproduce
  Comparison uniform, biased;
  constexpr int kEach = 500'000;
  for (int i = 0; i < kEach; ++i)
    compareWord(*llvm_, static_cast<uint32_t>(rng()) | 3, 4, uniform);
  // Biased toward valid encodings: the fixed bits of a random table row,
  // random operand bits.
  std::uniform_int_distribution<size_t> row(0, kOpcodeCount - 2);
  for (int i = 0; i < kEach; ++i) {
    const InstructionSpec &spec = kInstructionSpecs[row(rng)];
    compareWord(*llvm_, (static_cast<uint32_t>(rng()) & ~spec.mask) | spec.match, 4, biased);
  }
  // Near misses: a biased word with one of the row's fixed bits flipped,
  // so every row's mask is probed bit by bit (ecall vs. its neighbours,
  // funct7 variants, the fixed rs2 of fsqrt/fcvt/fmv...).
  Comparison nearMiss;
  constexpr int kNearMisses = 200'000;
  for (int i = 0; i < kNearMisses; ++i) {
    const InstructionSpec &spec = kInstructionSpecs[row(rng)];
    uint32_t word = (static_cast<uint32_t>(rng()) & ~spec.mask) | spec.match;
    uint32_t flip;
    do
      flip = 1u << (rng() % 32);
    while (!(spec.mask & flip) || flip <= 2); // keep it a 32-bit encoding
    compareWord(*llvm_, word ^ flip, 4, nearMiss);
  }
  std::printf("uniform:   ");
  report(uniform);
  std::printf("biased:    ");
  report(biased);
  std::printf("near miss: ");
  report(nearMiss);
  // Biased words are almost all valid; a decoder that rejected whole rows
  // would still "agree" on validity with itself, so check the volume.
  EXPECT_GT(biased.bothValid, kEach * 9 / 10);
}

} // namespace
} // namespace tiercel
