// Data-driven cases for RV64I computation, control transfer, loads and
// stores (ISA spec chapters 2 and 5). Encodings from riscv64-linux-gnu-as.
#include "semantics/instruction_case.h"

namespace tiercel::test {
namespace {

const InstructionCase kRv64iCases[] = {
    // ---- upper immediates ----
    {"lui x5, 0x12345", 0x123452b7, "", "x5=0x12345000"},
    {"lui x5, 0xfffff", 0xfffff2b7, "", "x5=0xfffffffffffff000"},
    {"lui x5, 0x80000", 0x800002b7, "", "x5=0xffffffff80000000"},
    {"lui x0, 0x1", 0x00001037, "", ""},
    {"auipc x6, 0x1", 0x00001317, "pc=0x11000", "x6=0x12000"},
    {"auipc x6, 0x80000", 0x80000317, "pc=0x11000", "x6=0xffffffff80011000"},
    // ---- register-immediate ----
    {"addi x1, x2, -1", 0xfff10093, "x2=0", "x1=-1"},
    {"addi x1, x2, 2047", 0x7ff10093, "x2=0x7fffffffffffffff", "x1=0x80000000000007fe"},
    {"addi x0, x2, 5", 0x00510013, "x2=1", ""},
    {"addi x2, x2, -2048", 0x80010113, "x2=0x1000", "x2=0x800"},
    {"slti x1, x2, 0", 0x00012093, "x2=-5", "x1=1"},
    {"slti x1, x2, -1", 0xfff12093, "x2=0", "x1=0"},
    {"sltiu x1, x2, -1", 0xfff13093, "x2=5", "x1=1"},
    {"sltiu x1, x2, 1", 0x00113093, "x2=0", "x1=1"},
    {"sltiu x1, x2, 1", 0x00113093, "x2=-1", "x1=0"},
    {"xori x1, x2, -1", 0xfff14093, "x2=0x00ff00ff00ff00ff", "x1=0xff00ff00ff00ff00"},
    {"ori x1, x2, 0x7f0", 0x7f016093, "x2=0x8000000000000001", "x1=0x80000000000007f1"},
    {"andi x1, x2, -16", 0xff017093, "x2=0x123456789abcdeff", "x1=0x123456789abcdef0"},
    {"slli x1, x2, 63", 0x03f11093, "x2=3", "x1=0x8000000000000000"},
    {"slli x1, x2, 0", 0x00011093, "x2=0x1234", "x1=0x1234"},
    {"srli x1, x2, 63", 0x03f15093, "x2=0x8000000000000000", "x1=1"},
    {"srai x1, x2, 63", 0x43f15093, "x2=0x8000000000000000", "x1=-1"},
    {"srai x1, x2, 4", 0x40415093, "x2=0x7000000000000000", "x1=0x0700000000000000"},
    {"addiw x1, x0, -1", 0xfff0009b, "", "x1=0xffffffffffffffff"},
    {"addiw x1, x2, 1", 0x0011009b, "x2=0x7fffffff", "x1=0xffffffff80000000"},
    {"addiw x1, x2, 0", 0x0001009b, "x2=0x1234567800000005", "x1=5"},
    {"slliw x1, x2, 31", 0x01f1109b, "x2=0x3", "x1=0xffffffff80000000"},
    {"slliw x1, x2, 4", 0x0041109b, "x2=0xf000000008000000", "x1=-0x80000000"},
    {"srliw x1, x2, 31", 0x01f1509b, "x2=0xffffffff80000000", "x1=1"},
    {"srliw x1, x2, 0", 0x0001509b, "x2=0x0000000080000000", "x1=0xffffffff80000000"},
    {"sraiw x1, x2, 31", 0x41f1509b, "x2=0x0000000080000000", "x1=-1"},
    {"sraiw x1, x2, 4", 0x4041509b, "x2=0xffffffff7ffffff0", "x1=0x07ffffff"},
    // ---- register-register ----
    {"add x1, x2, x3", 0x003100b3, "x2=0xffffffffffffffff x3=2", "x1=1"},
    {"add x0, x2, x3", 0x00310033, "x2=1 x3=2", ""},
    {"add x3, x3, x3", 0x003181b3, "x3=0x4000000000000000", "x3=0x8000000000000000"},
    {"sub x1, x2, x3", 0x403100b3, "x2=0 x3=1", "x1=-1"},
    {"sll x1, x2, x3", 0x003110b3, "x2=1 x3=65", "x1=2"},
    {"sll x1, x2, x3", 0x003110b3, "x2=1 x3=63", "x1=0x8000000000000000"},
    {"slt x1, x2, x3", 0x003120b3, "x2=-1 x3=1", "x1=1"},
    {"slt x1, x2, x3", 0x003120b3, "x2=1 x3=-1", "x1=0"},
    {"sltu x1, x2, x3", 0x003130b3, "x2=-1 x3=1", "x1=0"},
    {"sltu x1, x0, x3", 0x003030b3, "x3=7", "x1=1"},
    {"xor x1, x2, x3", 0x003140b3, "x2=0xff00 x3=0x0ff0", "x1=0xf0f0"},
    {"srl x1, x2, x3", 0x003150b3, "x2=0x8000000000000000 x3=127", "x1=1"},
    {"sra x1, x2, x3", 0x403150b3, "x2=0x8000000000000000 x3=127", "x1=-1"},
    {"or x1, x2, x3", 0x003160b3, "x2=0xf0 x3=0x0f", "x1=0xff"},
    {"and x1, x2, x3", 0x003170b3, "x2=0xf0f0 x3=0xff00", "x1=0xf000"},
    {"addw x1, x2, x3", 0x003100bb, "x2=0x7fffffff x3=1", "x1=0xffffffff80000000"},
    {"addw x1, x2, x3", 0x003100bb, "x2=0xffffffff00000001 x3=0x1000000002", "x1=3"},
    {"subw x1, x2, x3", 0x403100bb, "x2=0x80000000 x3=1", "x1=0x7fffffff"},
    {"subw x1, x2, x3", 0x403100bb, "x2=0 x3=1", "x1=-1"},
    {"sllw x1, x2, x3", 0x003110bb, "x2=1 x3=63", "x1=0xffffffff80000000"},
    {"sllw x1, x2, x3", 0x003110bb, "x2=1 x3=32", "x1=1"},
    {"srlw x1, x2, x3", 0x003150bb, "x2=0xffffffff80000000 x3=31", "x1=1"},
    {"srlw x1, x2, x3", 0x003150bb, "x2=0xffffffff80000000 x3=32", "x1=0xffffffff80000000"},
    {"sraw x1, x2, x3", 0x403150bb, "x2=0x80000000 x3=31", "x1=-1"},
    {"sraw x1, x2, x3", 0x403150bb, "x2=0x12345678f0000000 x3=4", "x1=0xffffffffff000000"},
    // ---- control transfer ----
    {"jal x1, .+16", 0x010000ef, "pc=0x11000", "jump pc=0x11010 x1=0x11004"},
    {"jal x0, .-8", 0xff9ff06f, "pc=0x11000", "jump pc=0x10ff8"},
    {"jalr x1, 4(x2)", 0x004100e7, "pc=0x11000 x2=0x12001", "jump pc=0x12004 x1=0x11004"},
    {"jalr x2, 0(x2)", 0x00010167, "pc=0x11000 x2=0x12346", "jump pc=0x12346 x2=0x11004"},
    {"jalr x0, -1(x1)", 0xfff08067, "pc=0x11000 x1=0x12000", "jump pc=0x11ffe"},
    {"beq x1, x2, .+16", 0x00208863, "x1=5 x2=5", "jump pc=0x11010"},
    {"beq x1, x2, .+16", 0x00208863, "x1=5 x2=6", "jump pc=0x11004"},
    {"beq x0, x0, .-4096", 0x80000063, "", "jump pc=0x10000"},
    {"bne x1, x2, .+8", 0x00209463, "x1=5 x2=6", "jump pc=0x11008"},
    {"bne x1, x2, .+8", 0x00209463, "x1=6 x2=6", "jump pc=0x11004"},
    {"blt x1, x2, .+8", 0x0020c463, "x1=-1 x2=1", "jump pc=0x11008"},
    {"blt x1, x2, .+8", 0x0020c463, "x1=1 x2=-1", "jump pc=0x11004"},
    {"bge x1, x2, .+8", 0x0020d463, "x1=3 x2=3", "jump pc=0x11008"},
    {"bge x1, x2, .+8", 0x0020d463, "x1=-3 x2=3", "jump pc=0x11004"},
    {"bltu x1, x2, .+8", 0x0020e463, "x1=-1 x2=1", "jump pc=0x11004"},
    {"bltu x1, x2, .+8", 0x0020e463, "x1=1 x2=-1", "jump pc=0x11008"},
    {"bgeu x1, x2, .+8", 0x0020f463, "x1=-1 x2=1", "jump pc=0x11008"},
    {"bgeu x1, x2, .+8", 0x0020f463, "x1=0 x2=1", "jump pc=0x11004"},
    // ---- loads: sign/zero extension, x0, rd == rs1, faults ----
    {"lb x1, 0(x2)", 0x00010083, "x2=0x12000 m8[0x12000]=0x80", "x1=0xffffffffffffff80"},
    {"lbu x1, 0(x2)", 0x00014083, "x2=0x12000 m8[0x12000]=0x80", "x1=0x80"},
    {"lh x1, 2(x2)", 0x00211083, "x2=0x12000 m16[0x12002]=0x8001", "x1=0xffffffffffff8001"},
    {"lhu x1, 2(x2)", 0x00215083, "x2=0x12000 m16[0x12002]=0x8001", "x1=0x8001"},
    {"lw x1, -4(x2)", 0xffc12083, "x2=0x12004 m32[0x12000]=0x80000000", "x1=0xffffffff80000000"},
    {"lwu x1, -4(x2)", 0xffc16083, "x2=0x12004 m32[0x12000]=0x80000000", "x1=0x80000000"},
    {"ld x1, 8(x2)", 0x00813083, "x2=0x12000 m64[0x12008]=0x8877665544332211",
     "x1=0x8877665544332211"},
    {"ld x2, 0(x2)", 0x00013103, "x2=0x12000 m64[0x12000]=0x1122", "x2=0x1122"},
    {"lw x0, 0(x2)", 0x00012003, "x2=0x12000 m32[0x12000]=5", ""},
    {"ld x1, 0(x2)", 0x00013083, "x2=0x30000 x1=7", "trap=LoadPageFault tval=0x30000"},
    {"lw x0, 0(x2)", 0x00012003, "x2=0x8", "trap=LoadPageFault tval=0x8"},
    {"lb x1, -1(x2)", 0xfff10083, "x2=0x10000", "trap=LoadPageFault tval=0xffff"},
    // ---- stores: only the low bytes, faults leave memory alone ----
    {"sb x1, 0(x2)", 0x00110023, "x1=0x1234 x2=0x12000", "m8[0x12000]=0x34"},
    {"sh x1, 1(x2)", 0x001110a3, "x1=0x123456 x2=0x12000", "m16[0x12001]=0x3456"},
    {"sw x1, 4(x2)", 0x00112223, "x1=0x1122334455667788 x2=0x12000", "m32[0x12004]=0x55667788"},
    {"sd x1, -8(x2)", 0xfe113c23, "x1=0x1122334455667788 x2=0x12008",
     "m64[0x12000]=0x1122334455667788"},
    {"sd x0, 0(x2)", 0x00013023, "x2=0x12000 m64[0x12000]=-1", "m64[0x12000]=0"},
    {"sw x1, 0(x2)", 0x00112023, "x1=1 x2=0x1fffe", "trap=StorePageFault tval=0x1fffe"},
    // ---- ordering and environment ----
    {"fence rw, rw", 0x0330000f, "", ""},
    {"fence w, r", 0x0120000f, "", ""},
    {"fence.tso", 0x8330000f, "", ""},
    {"fence.i", 0x0000100f, "pc=0x11000", "flush pc=0x11004"},
    {"ecall", 0x00000073, "priv=U", "trap=EcallFromU tval=0"},
    {"ecall", 0x00000073, "priv=S", "trap=EcallFromS tval=0"},
    {"ecall", 0x00000073, "priv=M", "trap=EcallFromM tval=0"},
    {"ebreak", 0x00100073, "pc=0x11000", "trap=Breakpoint tval=0x11000"},
    // ---- undefined encodings: tval holds the instruction bits ----
    {"unimp", 0xffffffff, "", "trap=IllegalInstruction tval=0xffffffff"},
    {"unimp", 0x00000000, "", "trap=IllegalInstruction tval=0"},
};

class Rv64iCase : public ::testing::TestWithParam<InstructionCase> {};
TEST_P(Rv64iCase, Executes) { runInstructionCase(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Semantics, Rv64iCase, ::testing::ValuesIn(kRv64iCases),
                         instructionCaseName);

} // namespace

std::span<const InstructionCase> rv64iCases() { return kRv64iCases; }

} // namespace tiercel::test
