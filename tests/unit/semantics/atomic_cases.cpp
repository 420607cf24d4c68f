// Data-driven cases for the A extension (ISA spec chapter 8): AMO results
// (.W sign-extended), LR/SC reservation paths, misaligned and faulting
// addresses. Multi-instruction LR/SC sequences are in lr_sc_test.cpp.
#include "semantics/instruction_case.h"

namespace tiercel::test {
namespace {

const InstructionCase kACases[] = {
    // ---- AMO .W: rd = old value sign-extended, memory = op(old, rs2) ----
    {"amoswap.w x1, x2, (x3)", 0x0821a0af,
     "x2=0x1111111122222222 x3=0x12000 m32[0x12000]=0x80000000",
     "x1=0xffffffff80000000 m32[0x12000]=0x22222222"},
    {"amoadd.w x1, x2, (x3)", 0x0021a0af,
     "x2=1 x3=0x12000 m32[0x12000]=0xffffffff m32[0x12004]=0x55", "x1=-1 m32[0x12000]=0"},
    {"amoxor.w x1, x2, (x3)", 0x2021a0af, "x2=0xff x3=0x12000 m32[0x12000]=0x0f",
     "x1=0x0f m32[0x12000]=0xf0"},
    {"amoand.w x1, x2, (x3)", 0x6021a0af, "x2=0xff x3=0x12000 m32[0x12000]=0x80000f0f",
     "x1=0xffffffff80000f0f m32[0x12000]=0x0f"},
    {"amoor.w x1, x2, (x3)", 0x4021a0af, "x2=0x80000000 x3=0x12000 m32[0x12000]=1",
     "x1=1 m32[0x12000]=0x80000001"},
    {"amomin.w x1, x2, (x3)", 0x8021a0af, "x2=0xffffffff x3=0x12000 m32[0x12000]=1",
     "x1=1 m32[0x12000]=0xffffffff"},
    {"amomax.w x1, x2, (x3)", 0xa021a0af, "x2=0xffffffff x3=0x12000 m32[0x12000]=1", "x1=1"},
    {"amominu.w x1, x2, (x3)", 0xc021a0af, "x2=0xffffffff x3=0x12000 m32[0x12000]=1", "x1=1"},
    {"amomaxu.w x1, x2, (x3)", 0xe021a0af, "x2=0xffffffff x3=0x12000 m32[0x12000]=1",
     "x1=1 m32[0x12000]=0xffffffff"},
    {"amomin.w x1, x2, (x3)", 0x8021a0af, "x2=0x100000005 x3=0x12000 m32[0x12000]=7",
     "x1=7 m32[0x12000]=5"},
    {"amoadd.w.aqrl x2, x2, (x3)", 0x0621a12f, "x2=0x10 x3=0x12000 m32[0x12000]=0x80000000",
     "x2=0xffffffff80000000 m32[0x12000]=0x80000010"},
    {"amoswap.w x0, x2, (x3)", 0x0821a02f, "x2=9 x3=0x12000 m32[0x12000]=3", "m32[0x12000]=9"},
    // ---- AMO .D ----
    {"amoswap.d x1, x2, (x3)", 0x0821b0af, "x2=5 x3=0x12008 m64[0x12008]=-1",
     "x1=-1 m64[0x12008]=5"},
    {"amoadd.d x1, x2, (x3)", 0x0021b0af, "x2=-1 x3=0x12008 m64[0x12008]=1", "x1=1 m64[0x12008]=0"},
    {"amoxor.d x1, x2, (x3)", 0x2021b0af, "x2=-1 x3=0x12008 m64[0x12008]=0xf",
     "x1=0xf m64[0x12008]=-16"},
    {"amoand.d x1, x2, (x3)", 0x6021b0af, "x2=0xff00 x3=0x12008 m64[0x12008]=0xfff0",
     "x1=0xfff0 m64[0x12008]=0xff00"},
    {"amoor.d x1, x2, (x3)", 0x4021b0af, "x2=0x8000000000000000 x3=0x12008 m64[0x12008]=1",
     "x1=1 m64[0x12008]=0x8000000000000001"},
    {"amomin.d x1, x2, (x3)", 0x8021b0af, "x2=-1 x3=0x12008 m64[0x12008]=1",
     "x1=1 m64[0x12008]=-1"},
    {"amomax.d x1, x2, (x3)", 0xa021b0af, "x2=-1 x3=0x12008 m64[0x12008]=1", "x1=1"},
    {"amominu.d x1, x2, (x3)", 0xc021b0af, "x2=-1 x3=0x12008 m64[0x12008]=1", "x1=1"},
    {"amomaxu.d x1, x2, (x3)", 0xe021b0af, "x2=-1 x3=0x12008 m64[0x12008]=1",
     "x1=1 m64[0x12008]=-1"},
    {"amomaxu.d.aq x1, x1, (x3)", 0xe411b0af, "x1=7 x3=0x12008 m64[0x12008]=3",
     "x1=3 m64[0x12008]=7"},
    // ---- AMO faults: misaligned is a store/AMO misaligned exception ----
    {"amoadd.w x1, x2, (x3)", 0x0021a0af, "x1=7 x3=0x12002",
     "trap=StoreAddressMisaligned tval=0x12002"},
    {"amoadd.d x1, x2, (x3)", 0x0021b0af, "x1=7 x3=0x12004",
     "trap=StoreAddressMisaligned tval=0x12004"},
    {"amoswap.d x1, x2, (x3)", 0x0821b0af, "x3=0x40000", "trap=StorePageFault tval=0x40000"},
    // ---- LR ----
    {"lr.w x1, (x2)", 0x100120af, "x2=0x12000 m32[0x12000]=0x80000001",
     "x1=0xffffffff80000001 resv=0x12000/4/0x80000001"},
    {"lr.d x1, (x2)", 0x100130af, "x2=0x12008 m64[0x12008]=0x123456789",
     "x1=0x123456789 resv=0x12008/8/0x123456789"},
    {"lr.w.aq x0, (x2)", 0x1401202f, "x2=0x12000 m32[0x12000]=4", "resv=0x12000/4/4"},
    {"lr.w x1, (x2)", 0x100120af, "x2=0x12001",
     "trap=LoadAddressMisaligned tval=0x12001 resv=none"},
    {"lr.d x1, (x2)", 0x100130af, "x2=0x50000", "trap=LoadPageFault tval=0x50000 resv=none"},
    // ---- SC: success needs the reservation (address, width) and the value ----
    {"sc.w x1, x2, (x3)", 0x1821a0af, "x1=9 x2=0x55 x3=0x12000 m32[0x12000]=7 resv=0x12000/4/7",
     "x1=0 m32[0x12000]=0x55 resv=none"},
    {"sc.d x1, x2, (x3)", 0x1821b0af, "x2=-2 x3=0x12008 m64[0x12008]=7 resv=0x12008/8/7",
     "x1=0 m64[0x12008]=-2 resv=none"},
    {"sc.w x1, x2, (x3)", 0x1821a0af, "x2=0x55 x3=0x12000 m32[0x12000]=7", "x1=1 resv=none"},
    {"sc.w x1, x2, (x3)", 0x1821a0af, "x2=0x55 x3=0x12000 m32[0x12000]=8 resv=0x12000/4/7",
     "x1=1 resv=none"},
    {"sc.w x1, x2, (x3)", 0x1821a0af, "x2=0x55 x3=0x12004 m32[0x12004]=7 resv=0x12000/4/7",
     "x1=1 resv=none"},
    {"sc.d x1, x2, (x3)", 0x1821b0af, "x2=0x55 x3=0x12000 m32[0x12000]=7 resv=0x12000/4/7",
     "x1=1 resv=none"},
    {"sc.w.rl x0, x2, (x3)", 0x1a21a02f, "x2=0x55 x3=0x12000 m32[0x12000]=7 resv=0x12000/4/7",
     "m32[0x12000]=0x55 resv=none"},
    {"sc.w x1, x2, (x3)", 0x1821a0af, "x1=9 x3=0x12002 resv=0x12002/4/0",
     "trap=StoreAddressMisaligned tval=0x12002"},
};

class ACase : public ::testing::TestWithParam<InstructionCase> {};
TEST_P(ACase, Executes) { runInstructionCase(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Semantics, ACase, ::testing::ValuesIn(kACases), instructionCaseName);

} // namespace

std::span<const InstructionCase> atomicCases() { return kACases; }

} // namespace tiercel::test
