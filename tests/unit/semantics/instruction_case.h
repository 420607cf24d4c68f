// Data-driven instruction tests: one row per case,
//   {"addiw x1, x0, -1", 0x fff0009b, "x0=0", "x1=-1"}
// giving the assembly text, its encoding (produced by riscv64-linux-gnu-as),
// the initial state and the expected state. The runner decodes the encoding,
// checks that it decodes to the mnemonic of the text, runs it through the
// semantics table and compares the WHOLE state (all registers, all test
// memory, CSRs, FP CSRs, pc, reservation) with the initial state updated by
// the expectation, so an instruction that writes anything it should not
// fails too.
//
// State syntax (space separated; numbers are decimal or 0x hex, may be
// negative meaning two's complement):
//   xN=V            integer register
//   m8[A]=V ... m64[A]=V   little-endian memory at guest address A
//   pc=V            initial pc (default 0x11000); expected pc after a jump
//   priv=U|S|M      privilege (initial)
//   fflags=V frm=V  FP CSRs in CpuState
//   csr[N]=V        a CSR that exists in the TestEnv, with its value
//   fp=off          FP unit off (initial)
//   resv=A/S/V      reservation held at A, width S, value V; resv=none
//   dirty=0|1       env.markFpDirty() called (expected)
//   csrreads=N csrwrites=N   env.csrRead/csrWrite call counts (expected)
// Expected status: continue (default), jump, resync, flush, or trap=NAME
// with tval=V (NAME is a TrapCause enumerator). On a trap pc must be the
// instruction's pc; on continue pc must be unchanged.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include "machine/isa/decoder.h"
#include "machine/semantics/semantics.h"
#include "support/test_env.h"

namespace tiercel::test {

struct InstructionCase {
  const char *text;
  uint32_t encoding;
  const char *setup;
  const char *expect;
};

// The integer case tables (one per *_cases.cpp), for the coverage check.
std::span<const InstructionCase> rv64iCases();
std::span<const InstructionCase> mCases();
std::span<const InstructionCase> bitmanipCases();
std::span<const InstructionCase> atomicCases();
std::span<const InstructionCase> csrCases();

inline std::ostream &operator<<(std::ostream &os, const InstructionCase &c) {
  return os << '"' << c.text << "\" setup {" << c.setup << "} expect {" << c.expect << '}';
}

// The parsed form of a state string.
struct CaseState {
  std::map<unsigned, uint64_t> x;
  std::map<uint64_t, std::pair<unsigned, uint64_t>> memory; // addr -> (bytes, value)
  std::map<uint32_t, uint64_t> csrs;
  std::optional<uint64_t> pc, fflags, frm, tval, dirty, csrReads, csrWrites;
  std::optional<Privilege> privilege;
  std::optional<bool> fpOff;
  bool reservationGiven = false;
  uint8_t reservationSize = 0;
  uint64_t reservationAddress = 0, reservationValue = 0;
  ExecStatus status = ExecStatus::Continue;
  std::optional<TrapCause> trap;
};

inline uint64_t parseCaseNumber(std::string_view text) {
  std::string s(text);
  bool negative = !s.empty() && s[0] == '-';
  uint64_t value = std::strtoull(s.c_str() + (negative ? 1 : 0), nullptr, 0);
  return negative ? ~value + 1 : value;
}

inline TrapCause parseTrapCause(std::string_view name) {
  static const std::map<std::string_view, TrapCause> kNames = {
      {"InstructionAddressMisaligned", TrapCause::InstructionAddressMisaligned},
      {"InstructionAccessFault", TrapCause::InstructionAccessFault},
      {"IllegalInstruction", TrapCause::IllegalInstruction},
      {"Breakpoint", TrapCause::Breakpoint},
      {"LoadAddressMisaligned", TrapCause::LoadAddressMisaligned},
      {"LoadAccessFault", TrapCause::LoadAccessFault},
      {"StoreAddressMisaligned", TrapCause::StoreAddressMisaligned},
      {"StoreAccessFault", TrapCause::StoreAccessFault},
      {"EcallFromU", TrapCause::EcallFromU},
      {"EcallFromS", TrapCause::EcallFromS},
      {"EcallFromM", TrapCause::EcallFromM},
      {"InstructionPageFault", TrapCause::InstructionPageFault},
      {"LoadPageFault", TrapCause::LoadPageFault},
      {"StorePageFault", TrapCause::StorePageFault},
  };
  auto it = kNames.find(name);
  if (it == kNames.end()) {
    ADD_FAILURE() << "unknown trap cause " << name;
    return TrapCause::IllegalInstruction;
  }
  return it->second;
}

inline CaseState parseCaseState(const char *text) {
  CaseState state;
  std::istringstream tokens(text);
  std::string token;
  while (tokens >> token) {
    std::string_view t = token;
    size_t eq = t.find('=');
    std::string_view key = eq == std::string_view::npos ? t : t.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : t.substr(eq + 1);
    if (key == "continue") {
      state.status = ExecStatus::Continue;
    } else if (key == "jump") {
      state.status = ExecStatus::Jump;
    } else if (key == "resync") {
      state.status = ExecStatus::Resync;
    } else if (key == "flush") {
      state.status = ExecStatus::FlushCode;
    } else if (key == "trap") {
      state.status = ExecStatus::Trap;
      state.trap = parseTrapCause(value);
    } else if (key == "tval") {
      state.tval = parseCaseNumber(value);
    } else if (key.size() >= 2 && key[0] == 'x' && std::isdigit(key[1])) {
      state.x[static_cast<unsigned>(std::atoi(std::string(key.substr(1)).c_str()))] =
          parseCaseNumber(value);
    } else if (key.size() > 2 && key[0] == 'm' && std::isdigit(key[1])) {
      size_t open = key.find('['), close = key.find(']');
      unsigned bits =
          static_cast<unsigned>(std::atoi(std::string(key.substr(1, open - 1)).c_str()));
      uint64_t address = parseCaseNumber(key.substr(open + 1, close - open - 1));
      state.memory[address] = {bits / 8, parseCaseNumber(value)};
    } else if (key.starts_with("csr[")) {
      state.csrs[static_cast<uint32_t>(parseCaseNumber(key.substr(4, key.size() - 5)))] =
          parseCaseNumber(value);
    } else if (key == "pc") {
      state.pc = parseCaseNumber(value);
    } else if (key == "priv") {
      state.privilege = value == "M"   ? Privilege::Machine
                        : value == "S" ? Privilege::Supervisor
                                       : Privilege::User;
    } else if (key == "fflags") {
      state.fflags = parseCaseNumber(value);
    } else if (key == "frm") {
      state.frm = parseCaseNumber(value);
    } else if (key == "fp") {
      state.fpOff = value == "off";
    } else if (key == "dirty") {
      state.dirty = parseCaseNumber(value);
    } else if (key == "csrreads") {
      state.csrReads = parseCaseNumber(value);
    } else if (key == "csrwrites") {
      state.csrWrites = parseCaseNumber(value);
    } else if (key == "resv") {
      state.reservationGiven = true;
      if (value != "none") {
        size_t a = value.find('/'), b = value.rfind('/');
        state.reservationAddress = parseCaseNumber(value.substr(0, a));
        state.reservationSize =
            static_cast<uint8_t>(parseCaseNumber(value.substr(a + 1, b - a - 1)));
        state.reservationValue = parseCaseNumber(value.substr(b + 1));
      }
    } else {
      ADD_FAILURE() << "unknown state key '" << key << "' in \"" << text << '"';
    }
  }
  return state;
}

inline constexpr uint64_t kDefaultCasePc = 0x11000;

inline void writeCaseMemory(TestEnv &env, uint64_t address, unsigned bytes, uint64_t value) {
  ASSERT_TRUE(env.inRange(address, bytes)) << "test memory address out of range";
  std::memcpy(env.host(address), &value, bytes);
}

// Applies a parsed initial state to a fresh TestEnv.
inline void applyCaseSetup(TestEnv &env, const CaseState &setup) {
  env.cpu.pc = setup.pc.value_or(kDefaultCasePc);
  for (auto [reg, value] : setup.x)
    env.cpu.x[reg] = value;
  for (auto &[address, sizedValue] : setup.memory)
    writeCaseMemory(env, address, sizedValue.first, sizedValue.second);
  for (auto [csr, value] : setup.csrs)
    env.csrs[csr] = value;
  if (setup.privilege)
    env.cpu.privilege = *setup.privilege;
  if (setup.fflags)
    env.cpu.fflags = static_cast<uint8_t>(*setup.fflags);
  if (setup.frm)
    env.cpu.frm = static_cast<uint8_t>(*setup.frm);
  if (setup.fpOff)
    env.fpOn = !*setup.fpOff;
  if (setup.reservationGiven) {
    env.cpu.reservationValid = setup.reservationSize;
    env.cpu.reservationAddress = setup.reservationAddress;
    env.cpu.reservationValue = setup.reservationValue;
  }
}

// Runs one case and reports every difference from the expected state.
inline void runInstructionCase(const InstructionCase &c) {
  SCOPED_TRACE(c.text);
  CaseState setup = parseCaseState(c.setup);
  CaseState expect = parseCaseState(c.expect);

  // CpuState holds an atomic, so the expected state is built alongside
  // rather than copied.
  auto env = std::make_unique<TestEnv>();
  applyCaseSetup(*env, setup);
  auto expectedEnv = std::make_unique<TestEnv>();
  applyCaseSetup(*expectedEnv, setup);
  TestEnv &expected = *expectedEnv;

  DecodedInstruction insn = decode(c.encoding, env->cpu.pc);
  std::string_view text = c.text;
  std::string_view mnemonic = text.substr(0, text.find(' '));
  // Assembler aliases whose table row has another name.
  if (mnemonic == "fence.tso")
    mnemonic = "fence";
  // Ordering suffixes of LR/SC/AMOs live in insn.rm (bit 1 aq, bit 0 rl).
  for (auto [suffix, bits] :
       {std::pair<std::string_view, uint8_t>{".aqrl", 3}, {".aq", 2}, {".rl", 1}}) {
    if (mnemonic.ends_with(suffix)) {
      mnemonic.remove_suffix(suffix.size());
      EXPECT_EQ(insn.rm, bits) << "aq/rl bits";
      break;
    }
  }
  ASSERT_EQ(mnemonicOf(insn.opcode), mnemonic)
      << "encoding 0x" << std::hex << c.encoding << " does not decode to the case's mnemonic";

  ExecStatus status = execFunctionFor<TestEnv>(insn.opcode)(*env, insn);
  EXPECT_EQ(static_cast<int>(status), static_cast<int>(expect.status)) << "ExecStatus";

  // Expected state: the initial one updated by the expectation.
  for (auto [reg, value] : expect.x)
    expected.cpu.x[reg] = value;
  for (auto &[address, sizedValue] : expect.memory)
    writeCaseMemory(expected, address, sizedValue.first, sizedValue.second);
  for (auto [csr, value] : expect.csrs)
    expected.csrs[csr] = value;
  if (expect.fflags)
    expected.cpu.fflags = static_cast<uint8_t>(*expect.fflags);
  if (expect.frm)
    expected.cpu.frm = static_cast<uint8_t>(*expect.frm);

  for (unsigned reg = 0; reg < 32; ++reg)
    EXPECT_EQ(env->cpu.x[reg], expected.cpu.x[reg]) << "x" << reg;
  EXPECT_EQ(env->cpu.x[0], 0u) << "x0 must stay zero";
  for (unsigned reg = 0; reg < 32; ++reg)
    EXPECT_EQ(env->cpu.f[reg], expected.cpu.f[reg]) << "f" << reg;
  EXPECT_EQ(env->cpu.fflags, expected.cpu.fflags) << "fflags";
  EXPECT_EQ(env->cpu.frm, expected.cpu.frm) << "frm";
  EXPECT_EQ(env->cpu.privilege, expected.cpu.privilege) << "privilege";
  EXPECT_EQ(env->csrs, expected.csrs) << "CSRs";
  for (size_t offset = 0; offset < TestEnv::kMemorySize; ++offset) {
    if (env->memory[offset] != expected.memory[offset]) {
      ADD_FAILURE() << "memory differs at 0x" << std::hex << TestEnv::kMemoryBase + offset << ": 0x"
                    << unsigned{env->memory[offset]} << " expected 0x"
                    << unsigned{expected.memory[offset]};
      break;
    }
  }

  switch (expect.status) {
  case ExecStatus::Continue:
    EXPECT_EQ(env->cpu.pc, insn.pc) << "a non-control instruction wrote pc";
    break;
  case ExecStatus::Trap:
    EXPECT_EQ(env->cpu.pc, insn.pc) << "trap pc";
    if (expect.trap)
      EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(*expect.trap)) << "trap cause";
    if (expect.tval)
      EXPECT_EQ(env->cpu.trapValue, *expect.tval) << "tval";
    break;
  default:
    EXPECT_TRUE(expect.pc.has_value()) << "case must give the expected pc";
    if (expect.pc)
      EXPECT_EQ(env->cpu.pc, *expect.pc) << "next pc";
    break;
  }
  if (expect.reservationGiven) {
    EXPECT_EQ(env->cpu.reservationValid, expect.reservationSize) << "reservation width";
    if (expect.reservationSize != 0) {
      EXPECT_EQ(env->cpu.reservationAddress, expect.reservationAddress) << "reservation address";
      EXPECT_EQ(env->cpu.reservationValue, expect.reservationValue) << "reservation value";
    }
  }
  if (expect.dirty)
    EXPECT_EQ(env->fpDirty, *expect.dirty != 0) << "FP dirty";
  if (expect.csrReads)
    EXPECT_EQ(env->csrReadCount, *expect.csrReads) << "csrRead calls";
  if (expect.csrWrites)
    EXPECT_EQ(env->csrWriteCount, *expect.csrWrites) << "csrWrite calls";
}

// gtest parameter names: "3_addiw".
inline std::string instructionCaseName(const ::testing::TestParamInfo<InstructionCase> &info) {
  std::string name = std::to_string(info.index) + "_";
  for (const char *p = info.param.text; *p != '\0' && *p != ' '; ++p)
    name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  return name;
}

} // namespace tiercel::test
