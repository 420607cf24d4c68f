// Data-driven cases for Zicsr (ISA spec chapter 9, privileged spec 2.1) and
// the privileged instructions, which the TestEnv (a user-mode environment)
// rejects as illegal.
#include "semantics/instruction_case.h"

namespace tiercel::test {
namespace {

// CSR numbers used: fflags 0x001, frm 0x002, fcsr 0x003, cycle 0xc00
// (read-only, user), sscratch 0x140 (supervisor), satp 0x180, mscratch 0x340.
const InstructionCase kCsrCases[] = {
    // ---- FP CSRs live in CpuState ----
    {"csrrs x1, fflags, x0", 0x001020f3, "fflags=0x15 frm=3", "x1=0x15 dirty=0"},
    {"csrrs x1, frm, x0", 0x002020f3, "fflags=0x15 frm=3", "x1=3"},
    {"csrrs x1, fcsr, x0", 0x003020f3, "fflags=0x15 frm=3", "x1=0x75"},
    {"csrrw x1, fcsr, x2", 0x003110f3, "x2=0xfff fflags=1 frm=1",
     "x1=0x21 fflags=0x1f frm=7 dirty=1 resync pc=0x11004"},
    {"csrrw x1, fflags, x2", 0x001110f3, "x2=0xff", "x1=0 fflags=0x1f dirty=1"},
    {"csrrwi x0, frm, 9", 0x0024d073, "frm=4", "frm=1 dirty=1 resync pc=0x11004"},
    {"csrrsi x1, fflags, 0x3", 0x0011e0f3, "fflags=0x10", "x1=0x10 fflags=0x13 dirty=1"},
    {"csrrci x1, fflags, 0x11", 0x0018f0f3, "fflags=0x13", "x1=0x13 fflags=0x2 dirty=1"},
    {"csrrc x1, fcsr, x2", 0x003130f3, "x2=0xe0 fflags=0x3 frm=7",
     "x1=0xe3 frm=0 dirty=1 resync pc=0x11004"},
    {"csrrs x1, fflags, x0", 0x001020f3, "fp=off fflags=1",
     "trap=IllegalInstruction tval=0x001020f3"},
    {"csrrw x0, frm, x2", 0x00211073, "fp=off", "trap=IllegalInstruction"},
    // ---- other CSRs go to the environment ----
    {"csrrs x1, cycle, x0", 0xc00020f3, "csr[0xc00]=123", "x1=123 csrreads=1 csrwrites=0"},
    {"csrrsi x1, cycle, 0", 0xc00060f3, "csr[0xc00]=123", "x1=123 csrwrites=0"},
    {"csrrw x1, cycle, x2", 0xc00110f3, "csr[0xc00]=123",
     "trap=IllegalInstruction tval=0xc00110f3 csrreads=0"},
    {"csrrs x1, cycle, x2", 0xc00120f3, "x2=0 csr[0xc00]=123",
     "trap=IllegalInstruction csrreads=0"},
    {"csrrci x1, cycle, 1", 0xc000f0f3, "csr[0xc00]=123", "trap=IllegalInstruction"},
    {"csrrw x1, sscratch, x2", 0x140110f3, "priv=U x2=5 csr[0x140]=9",
     "trap=IllegalInstruction csrreads=0"},
    {"csrrw x1, sscratch, x2", 0x140110f3, "priv=S x2=5 csr[0x140]=9",
     "x1=9 csr[0x140]=5 csrreads=1 csrwrites=1"},
    {"csrrw x0, sscratch, x2", 0x14011073, "priv=S x2=5 csr[0x140]=9",
     "csr[0x140]=5 csrreads=0 csrwrites=1"},
    {"csrrs x0, sscratch, x2", 0x14012073, "priv=S x2=6 csr[0x140]=9", "csr[0x140]=15 csrreads=1"},
    {"csrrc x1, sscratch, x2", 0x140130f3, "priv=S x2=1 csr[0x140]=9", "x1=9 csr[0x140]=8"},
    {"csrrs x1, sscratch, x0", 0x140020f3, "priv=S csr[0x140]=9", "x1=9 csrwrites=0"},
    {"csrrwi x1, sscratch, 31", 0x140fd0f3, "priv=M csr[0x140]=0", "x1=0 csr[0x140]=31"},
    {"csrrw x1, mscratch, x2", 0x340110f3, "priv=S csr[0x340]=1", "trap=IllegalInstruction"},
    {"csrrw x1, satp, x2", 0x180110f3, "priv=S x2=0x8000000000012345 csr[0x180]=0",
     "x1=0 csr[0x180]=0x8000000000012345 resync pc=0x11004"},
    {"csrrs x1, satp, x0", 0x180020f3, "priv=S csr[0x180]=7", "x1=7"},
    {"csrrs x1, 0x7ff, x0", 0x7ff020f3, "priv=M", "trap=IllegalInstruction tval=0x7ff020f3"},
    {"csrrs x5, 0x5c0, x0", 0x5c0022f3, "priv=S", "trap=IllegalInstruction"},
    // ---- privileged instructions: the user-mode TestEnv rejects them ----
    {"mret", 0x30200073, "priv=M", "trap=IllegalInstruction tval=0x30200073"},
    {"sret", 0x10200073, "priv=S", "trap=IllegalInstruction tval=0x10200073"},
    {"wfi", 0x10500073, "", "trap=IllegalInstruction tval=0x10500073"},
    {"sfence.vma x1, x2", 0x12208073, "priv=S", "trap=IllegalInstruction"},
};

class CsrCase : public ::testing::TestWithParam<InstructionCase> {};
TEST_P(CsrCase, Executes) { runInstructionCase(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Semantics, CsrCase, ::testing::ValuesIn(kCsrCases), instructionCaseName);

} // namespace

std::span<const InstructionCase> csrCases() { return kCsrCases; }

} // namespace tiercel::test
