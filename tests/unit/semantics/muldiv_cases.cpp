// Data-driven cases for the M extension (ISA spec chapter 7), with the
// division-by-zero and overflow results of table 7.1.
#include "semantics/instruction_case.h"

namespace tiercel::test {
namespace {

const InstructionCase kMCases[] = {
    {"mul x1, x2, x3", 0x023100b3, "x2=-3 x3=7", "x1=-21"},
    {"mul x1, x2, x3", 0x023100b3, "x2=0x100000000 x3=0x100000001", "x1=0x100000000"},
    {"mulh x1, x2, x3", 0x023110b3, "x2=-1 x3=-1", "x1=0"},
    {"mulh x1, x2, x3", 0x023110b3, "x2=0x8000000000000000 x3=0x8000000000000000",
     "x1=0x4000000000000000"},
    {"mulh x1, x2, x3", 0x023110b3, "x2=-2 x3=0x7fffffffffffffff", "x1=-1"},
    {"mulhsu x1, x2, x3", 0x023120b3, "x2=-1 x3=-1", "x1=-1"},
    {"mulhsu x1, x2, x3", 0x023120b3, "x2=2 x3=0x8000000000000000", "x1=1"},
    {"mulhu x1, x2, x3", 0x023130b3, "x2=-1 x3=-1", "x1=0xfffffffffffffffe"},
    {"mulhu x1, x2, x3", 0x023130b3, "x2=0x100000000 x3=0x100000000", "x1=1"},
    {"mulw x1, x2, x3", 0x023100bb, "x2=0x10000 x3=0x8000", "x1=0xffffffff80000000"},
    {"mulw x1, x2, x3", 0x023100bb, "x2=0xffffffff00000003 x3=0x5", "x1=15"},
    {"mul x0, x2, x3", 0x02310033, "x2=3 x3=5", ""},
    // division
    {"div x1, x2, x3", 0x023140b3, "x2=-7 x3=2", "x1=-3"},
    {"div x1, x2, x3", 0x023140b3, "x2=7 x3=0", "x1=-1"},
    {"div x1, x2, x3", 0x023140b3, "x2=0x8000000000000000 x3=-1", "x1=0x8000000000000000"},
    {"divu x1, x2, x3", 0x023150b3, "x2=-1 x3=2", "x1=0x7fffffffffffffff"},
    {"divu x1, x2, x3", 0x023150b3, "x2=7 x3=0", "x1=0xffffffffffffffff"},
    {"rem x1, x2, x3", 0x023160b3, "x2=-7 x3=2", "x1=-1"},
    {"rem x1, x2, x3", 0x023160b3, "x2=-7 x3=0", "x1=-7"},
    {"rem x1, x2, x3", 0x023160b3, "x2=0x8000000000000000 x3=-1", "x1=0"},
    {"remu x1, x2, x3", 0x023170b3, "x2=-1 x3=10", "x1=5"},
    {"remu x1, x2, x3", 0x023170b3, "x2=-7 x3=0", "x1=-7"},
    {"divw x1, x2, x3", 0x023140bb, "x2=0xffffffff80000000 x3=-1", "x1=0xffffffff80000000"},
    {"divw x1, x2, x3", 0x023140bb, "x2=0x1234567800000007 x3=0", "x1=-1"},
    {"divw x1, x2, x3", 0x023140bb, "x2=0x00000000fffffff9 x3=0x100000002", "x1=-3"},
    {"divuw x1, x2, x3", 0x023150bb, "x2=0x00000000fffffff9 x3=0x100000002", "x1=0x7ffffffc"},
    {"divuw x1, x2, x3", 0x023150bb, "x2=5 x3=0x100000000", "x1=-1"},
    {"divuw x1, x2, x3", 0x023150bb, "x2=0xffffffff x3=1", "x1=-1"},
    {"remw x1, x2, x3", 0x023160bb, "x2=0x80000000 x3=-1", "x1=0"},
    {"remw x1, x2, x3", 0x023160bb, "x2=0x80000001 x3=0", "x1=0xffffffff80000001"},
    {"remw x1, x2, x3", 0x023160bb, "x2=-7 x3=2", "x1=-1"},
    {"remuw x1, x2, x3", 0x023170bb, "x2=0x80000001 x3=0", "x1=0xffffffff80000001"},
    {"remuw x1, x2, x3", 0x023170bb, "x2=0xffffffff x3=0x10", "x1=15"},
    {"remuw x1, x2, x3", 0x023170bb, "x2=0x1234567800000009 x3=0x4", "x1=1"},
};

class MCase : public ::testing::TestWithParam<InstructionCase> {};
TEST_P(MCase, Executes) { runInstructionCase(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Semantics, MCase, ::testing::ValuesIn(kMCases), instructionCaseName);

} // namespace

std::span<const InstructionCase> mCases() { return kMCases; }

} // namespace tiercel::test
