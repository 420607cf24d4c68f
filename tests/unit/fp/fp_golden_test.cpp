// Checks every F/D instruction against fp_golden.txt: results and fflags that
// qemu-riscv64 (SoftFloat) produced for ~48k operand/rounding-mode cases
// (generate_fp_golden.py). Each case runs twice, with the mode as the static
// rm field and as rm = DYN with frm, and must leave the host MXCSR control
// bits as found.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "fp_test_support.h"

namespace tiercel::test {
namespace {

uint64_t parseToken(const std::string &token) {
  if (!token.empty() && token[0] == 's')
    return 0xffffffff00000000ull | std::strtoull(token.c_str() + 1, nullptr, 16);
  return std::strtoull(token.c_str(), nullptr, 16);
}

struct GoldenStats {
  size_t cases = 0;
  size_t failures = 0;
};

TEST(FpGolden, MatchesSoftFloatOracle) {
  std::ifstream in(TIERCEL_FP_GOLDEN_FILE);
  ASSERT_TRUE(in) << "cannot open " << TIERCEL_FP_GOLDEN_FILE;
  uint32_t hostMxcsr = readHostMxcsr();
  GoldenStats stats;
  std::set<std::string> opcodesSeen;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    std::string mnemonic, ta, tb, tc, column;
    fields >> mnemonic >> ta >> tb >> tc;
    std::optional<Opcode> op = opcodeForMnemonic(mnemonic);
    ASSERT_TRUE(op) << "unknown mnemonic in golden file: " << mnemonic;
    opcodesSeen.insert(mnemonic);
    uint64_t a = parseToken(ta), b = parseToken(tb), c = parseToken(tc);
    std::string expected;
    for (uint8_t mode = 0; fields >> column; ++mode) {
      if (column != "=")
        expected = column;
      size_t colon = expected.find(':');
      uint64_t expectedResult = parseToken(expected.substr(0, colon));
      uint8_t expectedFlags =
          static_cast<uint8_t>(std::strtoul(expected.c_str() + colon + 1, nullptr, 16));
      for (bool dynamic : {false, true}) {
        // With a static rm, frm holds a different valid mode that must be ignored.
        uint8_t rm = dynamic ? kRoundDynamic : mode;
        uint8_t frm = dynamic ? mode : static_cast<uint8_t>((mode + 3) % 5);
        FpOutcome got = runFp(*op, a, b, c, rm, frm);
        ++stats.cases;
        bool ok = got.status == ExecStatus::Continue && got.result == expectedResult &&
                  got.fflags == expectedFlags && (readHostMxcsr() & ~0x3fu) == (hostMxcsr & ~0x3fu);
        if (!ok && ++stats.failures <= 30) {
          ADD_FAILURE() << mnemonic << " rm=" << int(mode) << (dynamic ? " (dyn)" : "")
                        << " a=" << ta << " b=" << tb << " c=" << tc << ": got " << std::hex
                        << got.result << " flags " << int(got.fflags) << ", expected "
                        << expectedResult << " flags " << int(expectedFlags) << ", mxcsr "
                        << readHostMxcsr();
          writeHostMxcsr(hostMxcsr);
        }
      }
    }
  }
  std::printf("fp golden: %zu executions, %zu opcodes, %zu failures\n", stats.cases,
              opcodesSeen.size(), stats.failures);
  EXPECT_EQ(stats.failures, 0u);
  // Every F/D opcode except the loads and stores (fp_cases_test) is covered.
  EXPECT_EQ(opcodesSeen.size(), 58u);
  EXPECT_GT(stats.cases, 80000u);
}

} // namespace
} // namespace tiercel::test
