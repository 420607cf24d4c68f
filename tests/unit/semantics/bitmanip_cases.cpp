// Data-driven cases for Zba, Zbb and Zbs (bit-manipulation spec 1.1, 1.2, 1.4).
#include "semantics/instruction_case.h"

namespace tiercel::test {
namespace {

const InstructionCase kBitmanipCases[] = {
    // Zba
    {"sh1add x1, x2, x3", 0x203120b3, "x2=0x8000000000000001 x3=10", "x1=12"},
    {"sh2add x1, x2, x3", 0x203140b3, "x2=3 x3=10", "x1=22"},
    {"sh3add x1, x2, x3", 0x203160b3, "x2=-1 x3=16", "x1=8"},
    {"add.uw x1, x2, x3", 0x083100bb, "x2=0xffffffff80000000 x3=1", "x1=0x80000001"},
    {"sh1add.uw x1, x2, x3", 0x203120bb, "x2=0xffffffff80000000 x3=1", "x1=0x100000001"},
    {"sh2add.uw x1, x2, x3", 0x203140bb, "x2=0x1234567800000001 x3=1", "x1=5"},
    {"sh3add.uw x1, x2, x3", 0x203160bb, "x2=0xffffffffffffffff x3=0", "x1=0x7fffffff8"},
    {"slli.uw x1, x2, 63", 0x0bf1109b, "x2=0xffffffff00000001", "x1=0x8000000000000000"},
    {"slli.uw x1, x2, 4", 0x0841109b, "x2=0xffffffff80000000", "x1=0x800000000"},
    // Zbb logical
    {"andn x1, x2, x3", 0x403170b3, "x2=0xff x3=0x0f", "x1=0xf0"},
    {"orn x1, x2, x3", 0x403160b3, "x2=0 x3=-2", "x1=1"},
    {"xnor x1, x2, x3", 0x403140b3, "x2=0xf0 x3=0xff", "x1=0xfffffffffffffff0"},
    // Zbb counting
    {"clz x1, x2", 0x60011093, "x2=0", "x1=64"},
    {"clz x1, x2", 0x60011093, "x2=1", "x1=63"},
    {"clz x1, x2", 0x60011093, "x2=0x8000000000000000", "x1=0"},
    {"ctz x1, x2", 0x60111093, "x2=0", "x1=64"},
    {"ctz x1, x2", 0x60111093, "x2=0x8000000000000000", "x1=63"},
    {"cpop x1, x2", 0x60211093, "x2=-1", "x1=64"},
    {"cpop x1, x2", 0x60211093, "x2=0x1010", "x1=2"},
    {"clzw x1, x2", 0x6001109b, "x2=0xffffffff00000000", "x1=32"},
    {"clzw x1, x2", 0x6001109b, "x2=0x00010000", "x1=15"},
    {"ctzw x1, x2", 0x6011109b, "x2=0xffffffff00000000", "x1=32"},
    {"ctzw x1, x2", 0x6011109b, "x2=0x80000000", "x1=31"},
    {"cpopw x1, x2", 0x6021109b, "x2=0xffffffff0000000f", "x1=4"},
    // Zbb extension
    {"sext.b x1, x2", 0x60411093, "x2=0x1280", "x1=0xffffffffffffff80"},
    {"sext.b x1, x2", 0x60411093, "x2=0x127f", "x1=0x7f"},
    {"sext.h x1, x2", 0x60511093, "x2=0x18000", "x1=0xffffffffffff8000"},
    {"zext.h x1, x2", 0x080140bb, "x2=0xffffffffffff8001", "x1=0x8001"},
    // Zbb min/max
    {"max x1, x2, x3", 0x0a3160b3, "x2=-1 x3=1", "x1=1"},
    {"maxu x1, x2, x3", 0x0a3170b3, "x2=-1 x3=1", "x1=-1"},
    {"min x1, x2, x3", 0x0a3140b3, "x2=-1 x3=1", "x1=-1"},
    {"minu x1, x2, x3", 0x0a3150b3, "x2=-1 x3=1", "x1=1"},
    // Zbb rotations
    {"rol x1, x2, x3", 0x603110b3, "x2=0x8000000000000001 x3=65", "x1=3"},
    {"ror x1, x2, x3", 0x603150b3, "x2=0x3 x3=1", "x1=0x8000000000000001"},
    {"rori x1, x2, 63", 0x63f15093, "x2=0x8000000000000001", "x1=3"},
    {"rolw x1, x2, x3", 0x603110bb, "x2=0xffffffff40000001 x3=33", "x1=0xffffffff80000002"},
    {"rorw x1, x2, x3", 0x603150bb, "x2=0x3 x3=1", "x1=0xffffffff80000001"},
    {"roriw x1, x2, 31", 0x61f1509b, "x2=0x40000000", "x1=0xffffffff80000000"},
    {"roriw x1, x2, 0", 0x6001509b, "x2=0x1234567880000000", "x1=0xffffffff80000000"},
    // Zbb bytes
    {"orc.b x1, x2", 0x28715093, "x2=0x0001008000ff1000", "x1=0x00ff00ff00ffff00"},
    {"orc.b x1, x2", 0x28715093, "x2=0", "x1=0"},
    {"rev8 x1, x2", 0x6b815093, "x2=0x0102030405060708", "x1=0x0807060504030201"},
    // Zbs
    {"bclr x1, x2, x3", 0x483110b3, "x2=-1 x3=127", "x1=0x7fffffffffffffff"},
    {"bext x1, x2, x3", 0x483150b3, "x2=0x8000000000000000 x3=63", "x1=1"},
    {"bext x1, x2, x3", 0x483150b3, "x2=0x8000000000000000 x3=62", "x1=0"},
    {"binv x1, x2, x3", 0x683110b3, "x2=1 x3=64", "x1=0"},
    {"bset x1, x2, x3", 0x283110b3, "x2=0 x3=31", "x1=0x80000000"},
    {"bclri x1, x2, 0", 0x48011093, "x2=3", "x1=2"},
    {"bexti x1, x2, 40", 0x4a815093, "x2=0x10000000000", "x1=1"},
    {"binvi x1, x2, 63", 0x6bf11093, "x2=0", "x1=0x8000000000000000"},
    {"bseti x0, x2, 5", 0x28511013, "x2=0", ""},
};

class BitmanipCase : public ::testing::TestWithParam<InstructionCase> {};
TEST_P(BitmanipCase, Executes) { runInstructionCase(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Semantics, BitmanipCase, ::testing::ValuesIn(kBitmanipCases),
                         instructionCaseName);

} // namespace

std::span<const InstructionCase> bitmanipCases() { return kBitmanipCases; }

} // namespace tiercel::test
