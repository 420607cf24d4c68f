// Disassembler behaviour beyond single encodings: numeric register names
// (-M numeric), the log-line format, CSR and rounding-mode names, and a
// sweep over every table row checking that the canonical text starts with
// the row's mnemonic.
#include <gtest/gtest.h>

#include "machine/isa/decoder.h"
#include "machine/isa/disassembler.h"

namespace tiercel {
namespace {

constexpr DisassemblyOptions kNumeric{.abiNames = false, .aliases = true};
constexpr DisassemblyOptions kCanonical{.abiNames = true, .aliases = false};

std::string text(uint32_t bits, const DisassemblyOptions &options = {}, uint64_t pc = 0x1000) {
  return disassemble(decode(bits, pc), options);
}

TEST(Disassembler, NumericRegisterNames) {
  EXPECT_EQ(text(0x00c58533, kNumeric), "add x10, x11, x12");
  EXPECT_EQ(text(0x80012503, kNumeric), "lw x10, -2048(x2)");
  EXPECT_EQ(text(0x68c5f543, kNumeric), "fmadd.s f10, f11, f12, f13");
  EXPECT_EQ(text(0xa2b52553, kNumeric), "feq.d x10, f10, f11");
  EXPECT_EQ(text(0x00008067, kNumeric), "ret");
  EXPECT_EQ(text(0x00000513, kNumeric), "li x10, 0");
  EXPECT_EQ(text(0x00000513, {.abiNames = false, .aliases = false}), "addi x10, x0, 0");
  for (unsigned r = 0; r < 32; ++r) {
    EXPECT_EQ(integerRegisterName(r, false), "x" + std::to_string(r));
    EXPECT_EQ(floatRegisterName(r, false), "f" + std::to_string(r));
  }
  EXPECT_STREQ(integerRegisterName(0), "zero");
  EXPECT_STREQ(integerRegisterName(8), "s0");
  EXPECT_STREQ(integerRegisterName(31), "t6");
  EXPECT_STREQ(floatRegisterName(27), "fs11");
  EXPECT_STREQ(floatRegisterName(31), "ft11");
}

TEST(Disassembler, BranchTargetsUseThePc) {
  // beq a0, a1, +4094 at two addresses; wrap-around at the top of memory.
  EXPECT_EQ(text(0x7eb50fe3, kCanonical, 0x80000000), "beq a0, a1, 0x80000ffe");
  EXPECT_EQ(text(0x7eb50fe3, kCanonical, 0xfffffffffffff800), "beq a0, a1, 0x7fe");
  // c.j -2048 from 0x800.
  EXPECT_EQ(text(0xb001, {}, 0x800), "j 0x0");
}

TEST(Disassembler, FpCsrAliases) {
  EXPECT_EQ(text(0x00102573), "frflags a0");
  EXPECT_EQ(text(0x00159573), "fsflags a0, a1");
  EXPECT_EQ(text(0x00159073), "fsflags a1");
  EXPECT_EQ(text(0x00202573), "frrm a0");
  EXPECT_EQ(text(0x00259073), "fsrm a1");
  EXPECT_EQ(text(0x00302573), "frcsr a0");
  EXPECT_EQ(text(0x00359573), "fscsr a0, a1");
  EXPECT_EQ(text(0x0012d073), "fsflagsi 5");
  EXPECT_EQ(text(0xc0002573), "rdcycle a0");
  EXPECT_EQ(text(0xc0202573), "rdinstret a0");
  EXPECT_EQ(text(0x30002573), "csrr a0, mstatus");
  EXPECT_EQ(text(0x3005a073), "csrs mstatus, a1");
  // csrrs with both rd and rs1 set is not an alias.
  EXPECT_EQ(text(0x3005a573), "csrrs a0, mstatus, a1");
  EXPECT_EQ(text(0x30095073), "csrwi mstatus, 18");
  EXPECT_EQ(text(0x30097073), "csrci mstatus, 18");
}

TEST(Disassembler, CsrNames) {
  const std::pair<unsigned, const char *> names[] = {
      {0x001, "fflags"},      {0x002, "frm"},           {0x003, "fcsr"},
      {0xc00, "cycle"},       {0xc01, "time"},          {0xc02, "instret"},
      {0xc03, "hpmcounter3"}, {0xc1f, "hpmcounter31"},  {0x100, "sstatus"},
      {0x104, "sie"},         {0x105, "stvec"},         {0x106, "scounteren"},
      {0x10a, "senvcfg"},     {0x140, "sscratch"},      {0x141, "sepc"},
      {0x142, "scause"},      {0x143, "stval"},         {0x144, "sip"},
      {0x180, "satp"},        {0x300, "mstatus"},       {0x301, "misa"},
      {0x302, "medeleg"},     {0x303, "mideleg"},       {0x304, "mie"},
      {0x305, "mtvec"},       {0x306, "mcounteren"},    {0x30a, "menvcfg"},
      {0x340, "mscratch"},    {0x341, "mepc"},          {0x342, "mcause"},
      {0x343, "mtval"},       {0x344, "mip"},           {0xf14, "mhartid"},
      {0xf11, "mvendorid"},   {0xf12, "marchid"},       {0xf13, "mimpid"},
      {0x3a0, "pmpcfg0"},     {0x3a2, "pmpcfg2"},       {0x3ae, "pmpcfg14"},
      {0x3b0, "pmpaddr0"},    {0x3ef, "pmpaddr63"},     {0xb00, "mcycle"},
      {0xb02, "minstret"},    {0xb03, "mhpmcounter3"},  {0x323, "mhpmevent3"},
      {0x33f, "mhpmevent31"}, {0x320, "mcountinhibit"},
  };
  for (const auto &[number, name] : names) {
    auto found = csrName(number);
    ASSERT_TRUE(found.has_value()) << std::hex << number;
    EXPECT_EQ(*found, name) << std::hex << number;
  }
  // RV32-only halves and unassigned numbers have no name (printed in hex).
  for (unsigned number : {0xc80u, 0x3a1u, 0x3afu, 0x7c0u, 0x000u, 0xfffu, 0xb01u})
    EXPECT_FALSE(csrName(number).has_value()) << std::hex << number;
}

TEST(Disassembler, RoundingModeNames) {
  EXPECT_EQ(roundingModeName(0), "rne");
  EXPECT_EQ(roundingModeName(1), "rtz");
  EXPECT_EQ(roundingModeName(2), "rdn");
  EXPECT_EQ(roundingModeName(3), "rup");
  EXPECT_EQ(roundingModeName(4), "rmm");
  EXPECT_EQ(roundingModeName(5), "");
  EXPECT_EQ(roundingModeName(6), "");
  EXPECT_EQ(roundingModeName(7), "dyn");
}

TEST(Disassembler, LogLine) {
  EXPECT_EQ(formatInstructionLine(decode(0x00050513, 0x10078)),
            "0x0000000000010078:  00050513  mv a0, a0");
  EXPECT_EQ(formatInstructionLine(decode(0x4501, 0x1007c)),
            "0x000000000001007c:  4501      li a0, 0");
  EXPECT_EQ(formatInstructionLine(decode(0xffffffff, 0x80000000), kNumeric),
            "0x0000000080000000:  ffffffff  .4byte 0xffffffff");
  EXPECT_EQ(formatInstructionLine(decode(0x0000, 0x10), kCanonical),
            "0x0000000000000010:  0000      .2byte 0x0000");
}

// Every row of the table, decoded from its match bits (operand fields all
// zero) and from its match bits with every operand bit set, prints its own
// mnemonic first in canonical form.
TEST(Disassembler, EveryRowPrintsItsMnemonic) {
  for (size_t i = 0; i + 1 < kOpcodeCount; ++i) {
    const InstructionSpec &spec = kInstructionSpecs[i];
    for (uint32_t bits : {spec.match, spec.match | ~spec.mask}) {
      DecodedInstruction d = decode32(bits, 0x1000);
      ASSERT_EQ(d.opcode, static_cast<Opcode>(i)) << spec.mnemonic;
      std::string s = disassemble(d, kCanonical);
      std::string mnemonic = s.substr(0, s.find(' '));
      if (d.opcode == Opcode::Fence && mnemonic == "fence.tso")
        continue;
      // aq/rl suffixes follow the table mnemonic.
      EXPECT_EQ(mnemonic.substr(0, spec.mnemonic.size()), spec.mnemonic) << s;
      EXPECT_TRUE(mnemonic.size() == spec.mnemonic.size() || mnemonic[spec.mnemonic.size()] == '.')
          << s;
      EXPECT_FALSE(disassemble(d).empty());
    }
  }
}

} // namespace
} // namespace tiercel
