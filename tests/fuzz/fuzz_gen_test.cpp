// Unit tests of the fuzz program generator: its encoders against GNU as,
// the decoder self-check, determinism and prefix stability, the promises
// the generated bodies make (every instruction covered, no reserved rounding
// mode, reserved registers left alone, forward targets on item boundaries)
// and the ELF image it writes.
#include <algorithm>
#include <cstring>
#include <set>

#include <gtest/gtest.h>

#include "machine/isa/decoder.h"
#include "tests/fuzz/program.h"
#include "tests/fuzz/rv_encoding.h"
#include "llvm/Object/ELF.h"

namespace tiercel::fuzz {
namespace {

struct EncodingCase {
  Insn insn;
  uint32_t expected; // from riscv64-linux-gnu-as -march=rv64gc_zba_zbb_zbs
};

// Operands as in the source line each word was assembled from.
std::vector<EncodingCase> gnuAsCases() {
  return {
      {intR(Opcode::Add, 10, 11, 12), 0x00c58533},            // add a0, a1, a2
      {intR(Opcode::Sub, 5, 6, 7), 0x407302b3},               // sub t0, t1, t2
      {intR(Opcode::Mulhsu, 18, 19, 20), 0x0349a933},         // mulhsu s2, s3, s4
      {intR(Opcode::Remuw, 15, 16, 17), 0x031877bb},          // remuw a5, a6, a7
      {intR(Opcode::Sh3addUw, 28, 29, 30), 0x21eeee3b},       // sh3add.uw t3, t4, t5
      {intR(Opcode::Andn, 10, 11, 12), 0x40c5f533},           // andn a0, a1, a2
      {intR(Opcode::Rorw, 21, 22, 23), 0x617b5abb},           // rorw s5, s6, s7
      {intR(Opcode::Bext, 1, 3, 4), 0x4841d0b3},              // bext ra, gp, tp
      {intI(Opcode::Addi, 10, 10, -2048), 0x80050513},        // addi a0, a0, -2048
      {intI(Opcode::Sltiu, 11, 12, 2047), 0x7ff63593},        // sltiu a1, a2, 2047
      {intI(Opcode::Addiw, 5, 6, -1), 0xfff3029b},            // addiw t0, t1, -1
      {intShift(Opcode::Srai, 13, 14, 63), 0x43f75693},       // srai a3, a4, 63
      {intShift(Opcode::SlliUw, 15, 16, 32), 0x0a08179b},     // slli.uw a5, a6, 32
      {intShift(Opcode::Roriw, 9, 18, 31), 0x61f9549b},       // roriw s1, s2, 31
      {intShift(Opcode::Bseti, 19, 20, 63), 0x2bfa1993},      // bseti s3, s4, 63
      {intShift(Opcode::Sraiw, 31, 30, 7), 0x407f5f9b},       // sraiw t6, t5, 7
      {intUnary(Opcode::Clzw, 10, 11), 0x6005951b},           // clzw a0, a1
      {intUnary(Opcode::Rev8, 12, 13), 0x6b86d613},           // rev8 a2, a3
      {intUnary(Opcode::OrcB, 14, 15), 0x2877d713},           // orc.b a4, a5
      {intUnary(Opcode::ZextH, 16, 17), 0x0808c83b},          // zext.h a6, a7
      {intUnary(Opcode::SextH, 24, 25), 0x605c9c13},          // sext.h s8, s9
      {upper(Opcode::Lui, 10, 0xfffff), 0xfffff537},          // lui a0, 0xfffff
      {upper(Opcode::Auipc, 6, 0x80000), 0x80000317},         // auipc t1, 0x80000
      {load(Opcode::Lwu, 11, 26, -3), 0xffdd6583},            // lwu a1, -3(s10)
      {load(Opcode::Ld, 12, 26, 2047), 0x7ffd3603},           // ld a2, 2047(s10)
      {load(Opcode::Flw, 3, 26, -2048), 0x800d2187},          // flw f3, -2048(s10)
      {store(Opcode::Sb, 13, 26, 5), 0x00dd02a3},             // sb a3, 5(s10)
      {store(Opcode::Fsd, 31, 26, -8), 0xfffd3c27},           // fsd f31, -8(s10)
      {store(Opcode::Fsw, 0, 2, 1), 0x000120a7},              // fsw f0, 1(sp)
      {branch(Opcode::Beq, 10, 11, 4094), 0x7eb50fe3},        // beq a0, a1, .+4094
      {branch(Opcode::Bgeu, 5, 6, -4096), 0x8062f063},        // bgeu t0, t1, .-4096
      {jal(1, 1048574), 0x7ffff0ef},                          // jal ra, .+1048574
      {jalr(7, 15, -1), 0xfff783e7},                          // jalr t2, -1(a5)
      {fence(0, 3, 1), 0x0310000f},                           // fence rw, w
      {fence(8, 3, 3), 0x8330000f},                           // fence.tso
      {fenceI(), 0x0000100f},                                 // fence.i
      {ecall(), 0x00000073},                                  // ecall
      {csr(Opcode::Csrrw, 10, kCsrFflags, 11), 0x00159573},   // csrrw a0, fflags, a1
      {csr(Opcode::Csrrsi, 5, kCsrFrm, 3), 0x0021e2f3},       // csrrsi t0, frm, 3
      {csr(Opcode::Csrrci, 0, kCsrFcsr, 31), 0x003ff073},     // csrrci x0, fcsr, 31
      {loadReserved(Opcode::LrD, 10, 11, 2), 0x1405b52f},     // lr.d.aq a0, (a1)
      {amo(Opcode::ScW, 12, 14, 13, 1), 0x1ad7262f},          // sc.w.rl a2, a3, (a4)
      {amo(Opcode::AmoswapD, 15, 17, 16, 3), 0x0f08b7af},     // amoswap.d.aqrl a5, a6, (a7)
      {amo(Opcode::AmomaxuW, 5, 7, 6, 0), 0xe063a2af},        // amomaxu.w t0, t1, (t2)
      {fpR(Opcode::FaddS, 1, 2, 3, 0), 0x003100d3},           // fadd.s f1, f2, f3, rne
      {fpR(Opcode::FdivD, 4, 5, 6, 7), 0x1a62f253},           // fdiv.d f4, f5, f6, dyn
      {fpR1(Opcode::FsqrtS, 7, 8, 1), 0x580413d3},            // fsqrt.s f7, f8, rtz
      {fpR1(Opcode::FcvtSD, 9, 10, 4), 0x401544d3},           // fcvt.s.d f9, f10, rmm
      {fpR1(Opcode::FcvtDS, 11, 12, 0), 0x420605d3},          // fcvt.d.s f11, f12
      {fpR4(Opcode::FmaddS, 13, 14, 15, 16, 2), 0x80f726c3},  // fmadd.s f13, f14, f15, f16, rdn
      {fpR4(Opcode::FnmsubD, 17, 18, 19, 20, 7), 0xa33978cb}, // fnmsub.d f17, f18, f19, f20
      {fpNoRm(Opcode::FsgnjnD, 21, 22, 23), 0x237b1ad3},      // fsgnjn.d f21, f22, f23
      {fpNoRm(Opcode::FmaxS, 24, 25, 26), 0x29ac9c53},        // fmax.s f24, f25, f26
      {fpNoRm(Opcode::FleD, 10, 27, 28), 0xa3cd8553},         // fle.d a0, f27, f28
      {fpR1(Opcode::FcvtLuS, 11, 29, 1), 0xc03e95d3},         // fcvt.lu.s a1, f29, rtz
      {fpR1(Opcode::FcvtDWu, 30, 12, 0), 0xd2160f53},         // fcvt.d.wu f30, a2
      {fpR1(Opcode::FcvtSL, 31, 13, 7), 0xd026ffd3},          // fcvt.s.l f31, a3
      {fpMove(Opcode::FmvXW, 14, 0), 0xe0000753},             // fmv.x.w a4, f0
      {fpMove(Opcode::FclassD, 15, 1), 0xe20097d3},           // fclass.d a5, f1
      {fpMove(Opcode::FmvDX, 2, 16), 0xf2080153},             // fmv.d.x f2, a6
      // Compressed
      {cAddi4spn(8, 1020), 0x1fe0},                  // c.addi4spn s0, sp, 1020
      {cLoadStore(Opcode::Fld, 9, 15, 248), 0x3fe4}, // c.fld fs1, 248(a5)
      {cLoadStore(Opcode::Lw, 10, 11, 124), 0x5de8}, // c.lw a0, 124(a1)
      {cLoadStore(Opcode::Ld, 9, 10, 8), 0x6504},    // c.ld s1, 8(a0)
      {cLoadStore(Opcode::Fsd, 15, 8, 0), 0xa01c},   // c.fsd fa5, 0(s0)
      {cLoadStore(Opcode::Sw, 12, 13, 64), 0xc2b0},  // c.sw a2, 64(a3)
      {cLoadStore(Opcode::Sd, 14, 15, 136), 0xe7d8}, // c.sd a4, 136(a5)
      {cAddi(0, 0), 0x0001},                         // c.nop
      {cAddi(5, -32), 0x1281},                       // c.addi t0, -32
      {cAddiw(10, 31), 0x257d},                      // c.addiw a0, 31
      {cLi(0, 5), 0x4015},                           // c.li x0, 5
      {cLi(27, -1), 0x5dfd},                         // c.li s11, -1
      {cAddi16sp(-512), 0x7101},                     // c.addi16sp sp, -512
      {cAddi16sp(496), 0x617d},                      // c.addi16sp sp, 496
      {cLui(10, -32), 0x7501},                       // c.lui a0, 0xfffe0
      {cLui(6, 1), 0x6305},                          // c.lui t1, 1
      {cShiftRight(Opcode::Srli, 8, 63), 0x907d},    // c.srli s0, 63
      {cShiftRight(Opcode::Srai, 15, 1), 0x8785},    // c.srai a5, 1
      {cAndi(11, -32), 0x9981},                      // c.andi a1, -32
      {cArith(Opcode::Sub, 8, 9), 0x8c05},           // c.sub s0, s1
      {cArith(Opcode::Xor, 10, 11), 0x8d2d},         // c.xor a0, a1
      {cArith(Opcode::Or, 12, 13), 0x8e55},          // c.or a2, a3
      {cArith(Opcode::And, 14, 15), 0x8f7d},         // c.and a4, a5
      {cArith(Opcode::Subw, 8, 15), 0x9c1d},         // c.subw s0, a5
      {cArith(Opcode::Addw, 10, 9), 0x9d25},         // c.addw a0, s1
      {cJ(2046), 0xaffd},                            // c.j .+2046
      {cJ(-2048), 0xb001},                           // c.j .-2048
      {cBranch(Opcode::Beq, 10, 254), 0xcd7d},       // c.beqz a0, .+254
      {cBranch(Opcode::Bne, 9, -256), 0xf081},       // c.bnez s1, .-256
      {cSlli(5, 63), 0x12fe},                        // c.slli t0, 63
      {cSpLoadStore(Opcode::Fld, 0, 504), 0x307e},   // c.fldsp ft0, 504(sp)
      {cSpLoadStore(Opcode::Lw, 10, 252), 0x557e},   // c.lwsp a0, 252(sp)
      {cSpLoadStore(Opcode::Ld, 27, 8), 0x6da2},     // c.ldsp s11, 8(sp)
      {cJr(5), 0x8282},                              // c.jr t0
      {cMv(10, 31), 0x857e},                         // c.mv a0, t6
      {cJalr(1), 0x9082},                            // c.jalr ra
      {cAdd(0, 11), 0x902e},                         // c.add x0, a1
      {cSpLoadStore(Opcode::Fsd, 27, 0), 0xa06e},    // c.fsdsp fs11, 0(sp)
      {cSpLoadStore(Opcode::Sw, 0, 252), 0xdf82},    // c.swsp zero, 252(sp)
      {cSpLoadStore(Opcode::Sd, 1, 504), 0xff86},    // c.sdsp ra, 504(sp)
  };
}

TEST(FuzzEncoding, MatchesGnuAssembler) {
  for (const EncodingCase &c : gnuAsCases()) {
    EXPECT_EQ(c.insn.bits, c.expected) << mnemonicOf(c.insn.expect.opcode);
    EXPECT_EQ(c.insn.length, c.expected <= 0xffff && (c.expected & 3) != 3 ? 2 : 4);
    selfCheck(c.insn, 0x10000); // aborts on a decoder disagreement
  }
}

TEST(FuzzEncodingDeathTest, SelfCheckAbortsOnDisagreement) {
  Insn wrong = intR(Opcode::Add, 10, 11, 12);
  wrong.expect.opcode = Opcode::Sub;
  EXPECT_DEATH(selfCheck(wrong, 0x10000), "encoder/decoder disagreement");
  Insn wrongOperand = intI(Opcode::Addi, 10, 11, 5);
  wrongOperand.expect.imm = 6;
  EXPECT_DEATH(selfCheck(wrongOperand, 0x10000), "encoder/decoder disagreement");
}

// Decodes the body of a program: (pc, instruction) in order.
std::vector<DecodedInstruction> decodeBody(const GeneratedProgram &program) {
  std::vector<DecodedInstruction> body;
  uint64_t pc = program.itemAddresses.empty() ? program.bodyEnd : program.itemAddresses[0];
  while (pc < program.bodyEnd) {
    size_t offset = pc - layout::kCodeStart;
    uint32_t bits = 0;
    std::memcpy(&bits, &program.code[offset], std::min<size_t>(4, program.code.size() - offset));
    DecodedInstruction insn = decode(bits, pc);
    body.push_back(insn);
    pc += insn.length;
  }
  return body;
}

TEST(FuzzProgram, SameSeedSameProgram) {
  GeneratedProgram a = generateProgram(42, 200);
  GeneratedProgram b = generateProgram(42, 200);
  EXPECT_EQ(a.code, b.code);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(buildElf(a), buildElf(b));
  GeneratedProgram c = generateProgram(43, 200);
  EXPECT_NE(a.code, c.code);
  EXPECT_NE(a.data, c.data);
  EXPECT_GE(a.bodyInstructions, 200u);
}

TEST(FuzzProgram, ShorterLengthIsAPrefix) {
  GeneratedProgram shortProgram = generateProgram(7, 120);
  GeneratedProgram longProgram = generateProgram(7, 400);
  ASSERT_GT(shortProgram.itemAddresses.size(), 20u);
  // Items far enough from the shorter end chose their targets from the same
  // candidates, so everything up to there is byte-identical.
  uint64_t stable = shortProgram.itemAddresses[shortProgram.itemAddresses.size() - 13];
  size_t bytes = stable - layout::kCodeStart;
  ASSERT_LE(bytes, longProgram.code.size());
  EXPECT_TRUE(std::equal(shortProgram.code.begin(), shortProgram.code.begin() + bytes,
                         longProgram.code.begin()));
  EXPECT_EQ(shortProgram.data, longProgram.data);
}

bool writesIntegerRd(Format f) {
  switch (f) {
  case Format::R:
  case Format::I:
  case Format::Shift64:
  case Format::Shift32:
  case Format::Unary:
  case Format::Load:
  case Format::U:
  case Format::J:
  case Format::Jalr:
  case Format::Csr:
  case Format::CsrI:
  case Format::Lr:
  case Format::Amo:
  case Format::FCmp:
  case Format::FToX:
  case Format::FMvToX: return true;
  default: return false;
  }
}

bool hasRoundingMode(Format f) {
  return f == Format::FR || f == Format::FR1 || f == Format::FR4 || f == Format::FToX ||
         f == Format::XToF;
}

// Over a few hundred programs: every RV64GC+Zba/Zbb/Zbs user instruction
// appears, every rounding mode but the reserved ones, every compressed
// instruction slot but the reserved one; and the register/target promises of
// program.h hold for every instruction.
TEST(FuzzProgram, BodiesCoverTheIsaAndKeepTheirPromises) {
  std::set<Opcode> seen;
  std::set<unsigned> roundingModes;
  std::set<unsigned> compressedSlots; // quadrant * 8 + funct3
  for (uint64_t seed = 0; seed < 300; ++seed) {
    GeneratedProgram program = generateProgram(seed, 300);
    std::set<uint64_t> boundaries(program.itemAddresses.begin(), program.itemAddresses.end());
    boundaries.insert(program.bodyEnd);
    std::vector<DecodedInstruction> body = decodeBody(program);
    for (size_t i = 0; i < body.size(); ++i) {
      const DecodedInstruction &insn = body[i];
      ASSERT_NE(insn.opcode, Opcode::Illegal) << "seed " << seed << " pc " << insn.pc;
      seen.insert(insn.opcode);
      Format format = specOf(insn.opcode).format;
      if (hasRoundingMode(format)) {
        roundingModes.insert(insn.rm);
        ASSERT_TRUE(insn.rm != 5 && insn.rm != 6) << "seed " << seed << " pc " << insn.pc;
      }
      if (insn.length == 2)
        compressedSlots.insert((insn.raw & 3) * 8 + (insn.raw >> 13));
      if (writesIntegerRd(format) && insn.rd != 0) {
        // s10 is never written; sp only by the balanced c.addi16sp pairs;
        // s11 only by the loop counters.
        EXPECT_NE(insn.rd, 26u) << "seed " << seed << " pc " << insn.pc;
        if (insn.rd == 2 || insn.rd == 27)
          EXPECT_TRUE(insn.opcode == Opcode::Addi && insn.rs1 == insn.rd ||
                      insn.opcode == Opcode::Addi && insn.rs1 == 0 && insn.rd == 27)
              << "seed " << seed << " pc " << insn.pc;
      }
      // Direct transfers go forward to an item boundary, or back only as
      // the loop-back branch on s11.
      if (format == Format::B || format == Format::J) {
        uint64_t target = insn.pc + static_cast<uint64_t>(insn.imm);
        if (insn.imm > 0)
          EXPECT_TRUE(boundaries.count(target)) << "seed " << seed << " pc " << insn.pc;
        else
          EXPECT_TRUE(format == Format::B && (insn.rs1 == 27 || insn.rs2 == 27))
              << "seed " << seed << " pc " << insn.pc;
      }
      // Indirect ones: auipc t (+ addi t) then jalr/c.jr/c.jalr through t.
      if (format == Format::Jalr) {
        ASSERT_GE(i, 1u);
        const DecodedInstruction &prev = body[i - 1];
        uint64_t target = 0;
        if (prev.opcode == Opcode::Auipc && prev.rd == insn.rs1) {
          target = prev.pc + static_cast<uint64_t>(prev.imm) + static_cast<uint64_t>(insn.imm);
        } else {
          ASSERT_GE(i, 2u);
          const DecodedInstruction &auipc = body[i - 2];
          ASSERT_EQ(auipc.opcode, Opcode::Auipc);
          ASSERT_EQ(prev.opcode, Opcode::Addi);
          target = auipc.pc + static_cast<uint64_t>(auipc.imm) + static_cast<uint64_t>(prev.imm);
        }
        target &= ~1ull;
        EXPECT_GT(target, insn.pc);
        EXPECT_TRUE(boundaries.count(target)) << "seed " << seed << " pc " << insn.pc;
      }
    }
  }
  for (size_t op = 0; op + 1 < kOpcodeCount; ++op) {
    Opcode opcode = static_cast<Opcode>(op);
    Extension ext = specOf(opcode).extension;
    bool expected =
        ext != Extension::Privileged && opcode != Opcode::Ecall && opcode != Opcode::Ebreak;
    EXPECT_EQ(seen.count(opcode) != 0, expected) << mnemonicOf(opcode);
  }
  EXPECT_EQ(roundingModes, (std::set<unsigned>{0, 1, 2, 3, 4, 7}));
  for (unsigned quadrant = 0; quadrant < 3; ++quadrant)
    for (unsigned funct3 = 0; funct3 < 8; ++funct3)
      EXPECT_EQ(compressedSlots.count(quadrant * 8 + funct3) != 0, !(quadrant == 0 && funct3 == 4))
          << "quadrant " << quadrant << " funct3 " << funct3;
}

size_t countOpcode(const GeneratedProgram &program, Opcode op) {
  size_t n = 0;
  for (const DecodedInstruction &insn : decodeBody(program))
    n += insn.opcode == op;
  return n;
}

TEST(FuzzProgram, ExclusionReplacesOnlyTheItemsHoldingTheOpcode) {
  // Find a seed whose body holds a ctzw, then exclude it.
  uint64_t seed = 0;
  GeneratedProgram before = generateProgram(seed, 300);
  while (countOpcode(before, Opcode::Ctzw) == 0)
    before = generateProgram(++seed, 300);
  OpcodeSet excluded;
  excluded.set(static_cast<size_t>(Opcode::Ctzw));
  GeneratedProgram after = generateProgram(seed, 300, excluded);
  EXPECT_EQ(countOpcode(after, Opcode::Ctzw), 0u);
  EXPECT_EQ(after.data, before.data);
  // Item by item, the opcodes are the same except in the items that held
  // the ctzw (branch offsets may differ: the items they jump over can have
  // changed size). The replacement may hold more or fewer instructions, so
  // the body can end a few items earlier or later.
  size_t items = std::min(before.itemAddresses.size(), after.itemAddresses.size());
  EXPECT_GT(items + 8, before.itemAddresses.size());
  auto itemOpcodes = [](const GeneratedProgram &p, size_t k) {
    std::vector<Opcode> ops;
    uint64_t end = k + 1 < p.itemAddresses.size() ? p.itemAddresses[k + 1] : p.bodyEnd;
    for (const DecodedInstruction &insn : decodeBody(p))
      if (insn.pc >= p.itemAddresses[k] && insn.pc < end)
        ops.push_back(insn.opcode);
    return ops;
  };
  size_t changed = 0;
  for (size_t k = 0; k < items; ++k) {
    std::vector<Opcode> was = itemOpcodes(before, k), now = itemOpcodes(after, k);
    bool heldCtzw = std::find(was.begin(), was.end(), Opcode::Ctzw) != was.end();
    if (heldCtzw)
      ++changed;
    else
      EXPECT_EQ(was, now) << "seed " << seed << " item " << k;
  }
  EXPECT_GE(changed, 1u);
  // And the default again produces it: the exclusion did not outlive the call.
  EXPECT_EQ(generateProgram(seed, 300).code, before.code);
}

TEST(FuzzElf, HeadersDescribeTheProgram) {
  GeneratedProgram program = generateProgram(3, 100);
  std::vector<uint8_t> image = buildElf(program);
  llvm::StringRef bytes(reinterpret_cast<const char *>(image.data()), image.size());
  auto file = llvm::object::ELF64LEFile::create(bytes);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  const auto &header = file->getHeader();
  EXPECT_EQ(header.e_type, llvm::ELF::ET_EXEC);
  EXPECT_EQ(header.e_machine, llvm::ELF::EM_RISCV);
  EXPECT_EQ(header.e_entry, layout::kCodeStart);
  EXPECT_EQ(header.e_flags, llvm::ELF::EF_RISCV_RVC | llvm::ELF::EF_RISCV_FLOAT_ABI_DOUBLE);
  auto phdrs = file->program_headers();
  ASSERT_TRUE(static_cast<bool>(phdrs));
  ASSERT_EQ(phdrs->size(), 2u);
  const auto &text = (*phdrs)[0];
  const auto &data = (*phdrs)[1];
  EXPECT_EQ(text.p_type, llvm::ELF::PT_LOAD);
  EXPECT_EQ(text.p_flags, llvm::ELF::PF_R | llvm::ELF::PF_X);
  EXPECT_EQ(text.p_vaddr, layout::kTextBase);
  EXPECT_EQ(text.p_offset, 0u);
  EXPECT_EQ(text.p_filesz, layout::kCodeStart - layout::kTextBase + program.code.size());
  EXPECT_EQ(data.p_type, llvm::ELF::PT_LOAD);
  EXPECT_EQ(data.p_flags, llvm::ELF::PF_R | llvm::ELF::PF_W);
  EXPECT_EQ(data.p_vaddr, layout::kDataBase);
  EXPECT_EQ(data.p_filesz, layout::kDataSize);
  EXPECT_EQ(data.p_memsz, layout::kDataSize);
  EXPECT_EQ(data.p_offset % data.p_align, data.p_vaddr % data.p_align);
  ASSERT_LE(data.p_offset + data.p_filesz, image.size());
  EXPECT_EQ(0, std::memcmp(&image[layout::kCodeStart - layout::kTextBase], program.code.data(),
                           program.code.size()));
  EXPECT_EQ(0, std::memcmp(&image[data.p_offset], program.data.data(), program.data.size()));
}

} // namespace
} // namespace tiercel::fuzz
