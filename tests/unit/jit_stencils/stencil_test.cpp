// The stencil pipeline end to end without the translator: the generated
// tables are complete and well-formed, and stencils copied back to back and
// patched by hand run the semantics on a CpuState.
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "jit/enter_generated_code.h"
#include "jit/stencil_patcher.h"
#include "jit/stencil_set.h"
#include "machine/semantics/common.h"

namespace tiercel::jit {
namespace {

std::set<Hole> holesOf(const StencilCode &code) {
  std::set<Hole> holes;
  for (uint32_t i = 0; i < code.relocationCount; ++i)
    if (code.relocations[i].target == RelocationTarget::Hole)
      holes.insert(static_cast<Hole>(code.relocations[i].index));
  return holes;
}

TEST(StencilTables, EveryPromisedStencilExistsAndNoOther) {
  for (size_t op = 0; op < kOpcodeCount; ++op)
    for (unsigned variant = 0; variant < kStencilVariantCount; ++variant) {
      const StencilCode *code =
          instructionStencil(static_cast<Opcode>(op), static_cast<StencilVariant>(variant));
      EXPECT_EQ(code != nullptr, hasStencil(static_cast<Opcode>(op), static_cast<StencilVariant>(variant)))
          << mnemonicOf(static_cast<Opcode>(op)) << " variant " << variant;
    }
  for (unsigned i = 0; i < kSpecialStencilCount; ++i)
    EXPECT_GT(specialStencil(static_cast<SpecialStencil>(i)).size, 0u);
}

TEST(StencilTables, RelocationsLieInsideTheirCode) {
  auto checkCode = [](const StencilCode &code) {
    for (uint32_t i = 0; i < code.relocationCount; ++i) {
      const StencilRelocation &r = code.relocations[i];
      uint32_t width = r.type == RelocationType::Absolute64 ? 8 : 4;
      EXPECT_LE(r.offset + width, code.size);
      if (r.target == RelocationTarget::Hole) {
        HoleKind kind = kHoleKinds[r.index];
        if (kind == HoleKind::Wide)
          EXPECT_EQ(r.type, RelocationType::Absolute64);
        else
          EXPECT_NE(r.type, RelocationType::Absolute64);
      }
    }
    EXPECT_TRUE(code.tailJump == 0 || code.tailJump == 5);
  };
  for (size_t i = 0; i < kOpcodeCount * kStencilVariantCount; ++i)
    if (const StencilCode *code = stencilTables().instructions[i])
      checkCode(*code);
  for (unsigned i = 0; i < kSpecialStencilCount; ++i)
    checkCode(specialStencil(static_cast<SpecialStencil>(i)));
}

TEST(StencilTables, OperandsBecomeTheHolesTheSemanticsRead) {
  // addi reads rs1 and imm and writes rd; nothing else.
  const StencilCode *addi = instructionStencil(Opcode::Addi, StencilVariant::RdNonZero);
  ASSERT_NE(addi, nullptr);
  EXPECT_EQ(holesOf(*addi), (std::set<Hole>{Hole::Rd, Hole::Rs1, Hole::Imm, Hole::Continue}));
  EXPECT_EQ(addi->tailJump, 5u);
  // With rd = x0 the write, and so the whole computation, is gone.
  const StencilCode *nop = instructionStencil(Opcode::Addi, StencilVariant::RdZero);
  ASSERT_NE(nop, nullptr);
  EXPECT_EQ(holesOf(*nop), (std::set<Hole>{Hole::Continue}));
  // A load can trap: it needs its pc and the retire correction too.
  std::set<Hole> ld = holesOf(*instructionStencil(Opcode::Ld, StencilVariant::RdNonZero));
  EXPECT_TRUE(ld.count(Hole::Pc) && ld.count(Hole::Unretired) && ld.count(Hole::Rs1) &&
              ld.count(Hole::Imm) && ld.count(Hole::Rd));
  // lui takes the wide immediate.
  EXPECT_TRUE(holesOf(*instructionStencil(Opcode::Lui, StencilVariant::RdNonZero)).count(Hole::ImmWide));
  // A fused branch picks one of two successors.
  std::set<Hole> beq = holesOf(*instructionStencil(Opcode::Beq, StencilVariant::Plain));
  EXPECT_EQ(beq, (std::set<Hole>{Hole::Rs1, Hole::Rs2, Hole::Taken, Hole::NotTaken}));
}

// The reload-elision facts, checked on the bytes independently of the
// extractor's disassembler: `mov [r12 + disp32], reg64` is REX.W+B (R for
// r8-r15), 89, ModRM mod=10 rm=100, SIB 24, disp32; the load is the same
// with opcode 8B. The register is REX.R:ModRM.reg and the disp32 field is
// the access's register hole.
void expectSlotMove(const StencilCode &code, uint32_t at, uint8_t opcode,
                    const RegisterSlotAccess &access, const char *what) {
  ASSERT_EQ(access.length, 8u) << what;
  ASSERT_LE(at + 8, code.size) << what;
  const uint8_t *insn = code.bytes + at;
  EXPECT_EQ(insn[0] & 0xfb, 0x49) << what;
  EXPECT_EQ(insn[1], opcode) << what;
  EXPECT_EQ(insn[2] & 0xc7, 0x84) << what;
  EXPECT_EQ(insn[3], 0x24) << what;
  EXPECT_EQ(((insn[0] & 4) << 1) | ((insn[2] >> 3) & 7), access.hostRegister) << what;
  EXPECT_EQ(kHoleKinds[access.hole], HoleKind::Register) << what;
  bool found = false;
  for (uint32_t i = 0; i < code.relocationCount; ++i) {
    const StencilRelocation &r = code.relocations[i];
    if (r.offset == at + 4) {
      found = r.target == RelocationTarget::Hole && r.index == access.hole &&
              r.type == RelocationType::Absolute32S && r.addend == access.addend;
    } else if (opcode == 0x8b && r.offset < 8) {
      ADD_FAILURE() << what << ": another relocation in the skippable load";
    }
  }
  EXPECT_TRUE(found) << what << ": the slot is not the access's hole";
}

TEST(StencilTables, ReloadElisionFactsDescribeTheBytes) {
  unsigned stores = 0, loads = 0;
  auto check = [&](const StencilCode &code, const std::string &what) {
    if (code.endStore.length != 0) {
      ++stores;
      // The store sits right before the one `jmp Continue`.
      int continues = 0;
      uint32_t jump = 0;
      for (uint32_t i = 0; i < code.relocationCount; ++i)
        if (code.relocations[i].target == RelocationTarget::Hole &&
            code.relocations[i].index == static_cast<uint16_t>(Hole::Continue)) {
          ++continues;
          jump = code.relocations[i].offset - 1;
        }
      EXPECT_EQ(continues, 1) << what;
      ASSERT_GE(jump, 8u) << what;
      EXPECT_EQ(code.bytes[jump], 0xe9) << what;
      expectSlotMove(code, jump - 8, 0x89, code.endStore, what.c_str());
    }
    if (code.beginLoad.length != 0) {
      ++loads;
      expectSlotMove(code, 0, 0x8b, code.beginLoad, what.c_str());
    }
  };
  for (size_t i = 0; i < kOpcodeCount * kStencilVariantCount; ++i)
    if (const StencilCode *code = stencilTables().instructions[i])
      check(*code, std::string(mnemonicOf(static_cast<Opcode>(i / kStencilVariantCount))) + " " +
                       std::to_string(i % kStencilVariantCount));
  for (unsigned i = 0; i < kSpecialStencilCount; ++i)
    check(specialStencil(static_cast<SpecialStencil>(i)), "special " + std::to_string(i));

  // The pair the elision is for: add writes rd last, sb reads rs1 first.
  const StencilCode &addRd = *instructionStencil(Opcode::Add, StencilVariant::RdNonZero);
  EXPECT_EQ(addRd.endStore.length, 8u);
  EXPECT_EQ(addRd.endStore.hole, static_cast<uint8_t>(Hole::Rd));
  const StencilCode &sbPlain = *instructionStencil(Opcode::Sb, StencilVariant::Plain);
  EXPECT_EQ(sbPlain.beginLoad.length, 8u);
  EXPECT_EQ(sbPlain.beginLoad.hole, static_cast<uint8_t>(Hole::Rs1));
  // rd = x0 stores nothing; a helper call neither ends nor begins so.
  EXPECT_EQ(instructionStencil(Opcode::Add, StencilVariant::RdZero)->endStore.length, 0u);
  EXPECT_EQ(specialStencil(SpecialStencil::CallSemantics).beginLoad.length, 0u);
  EXPECT_EQ(specialStencil(SpecialStencil::CallSemantics).endStore.length, 0u);
  EXPECT_GT(stores, 50u);
  EXPECT_GT(loads, 50u);
}

// A tiny translator for tests: library first, then stencils back to back,
// each Continue patched to the next one, in memory below 2 GiB.
class Assembler {
public:
  Assembler() {
    memory_ = static_cast<uint8_t *>(mmap(nullptr, kSize, PROT_READ | PROT_WRITE,
                                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0));
    EXPECT_NE(memory_, MAP_FAILED);
    const StencilTables &tables = stencilTables();
    for (uint32_t i = 0; i < tables.externalSymbolCount; ++i) {
      EXPECT_STREQ(tables.externalSymbols[i], "tiercel_jit_execute_instruction");
      // A veneer: the host function may be more than 2 GiB away.
      static const uint8_t kJumpIndirect[] = {0xff, 0x25, 0, 0, 0, 0}; // jmp *0(%rip)
      uint64_t target = reinterpret_cast<uint64_t>(&fakeExecute);
      externals_.push_back(address(used_));
      std::memcpy(memory_ + used_, kJumpIndirect, sizeof(kJumpIndirect));
      std::memcpy(memory_ + used_ + sizeof(kJumpIndirect), &target, 8);
      used_ += 16;
    }
    for (uint32_t i = 0; i < tables.librarySectionCount; ++i) {
      const LibrarySection &section = tables.library[i];
      used_ = (used_ + section.alignment - 1) / section.alignment * section.alignment;
      library_.push_back(address(used_));
      std::memcpy(memory_ + used_, section.bytes, section.size);
      used_ += section.size;
    }
    for (uint32_t i = 0; i < tables.librarySectionCount; ++i)
      EXPECT_TRUE(patchLibrarySection(memory_ + (library_[i] - address(0)), library_[i],
                                      tables.library[i], linkage()));
    used_ = (used_ + 15) & ~size_t{15};
  }
  ~Assembler() { munmap(memory_, kSize); }

  uint64_t here() const { return address(used_); }

  // Appends a stencil from offset `skip` on; its Continue hole points right
  // after it (the tail jump is dropped).
  void append(const StencilCode &code, HoleValues holes, uint32_t skip = 0) {
    uint32_t size = code.size - code.tailJump - skip;
    holes.set(Hole::Continue, address(used_) + size);
    std::memcpy(memory_ + used_, code.bytes + skip, size);
    ASSERT_TRUE(
        patchStencil(memory_ + used_, address(used_), code, skip, skip + size, holes, linkage()));
    used_ += size;
  }

  uint64_t run(CpuState &cpu, uint64_t entry, uint8_t *base) {
    EXPECT_EQ(mprotect(memory_, kSize, PROT_READ | PROT_EXEC), 0);
    uint64_t result =
        tiercel_enter_generated_code(&cpu, base, reinterpret_cast<GeneratedCode>(entry));
    EXPECT_EQ(mprotect(memory_, kSize, PROT_READ | PROT_WRITE), 0);
    return result;
  }

  static uint64_t fakeExecute(CpuState *cpu, const void *, uint64_t unretired) {
    cpu->x[31] = 0x5eed + unretired;
    return static_cast<uint64_t>(ExecStatus::Continue);
  }

private:
  static constexpr size_t kSize = 1 << 20;
  uint64_t address(size_t offset) const { return reinterpret_cast<uint64_t>(memory_) + offset; }
  StencilLinkage linkage() const { return {library_.data(), externals_.data()}; }

  uint8_t *memory_ = nullptr;
  size_t used_ = 0;
  std::vector<uint64_t> library_;
  std::vector<uint64_t> externals_;
};

HoleValues instruction(uint64_t pc, unsigned rd, unsigned rs1, unsigned rs2, int64_t imm) {
  HoleValues holes;
  holes.set(Hole::Pc, pc);
  holes.set(Hole::NextPc, pc + 4);
  holes.setRegister(Hole::Rd, rd);
  holes.setRegister(Hole::Rs1, rs1);
  holes.setRegister(Hole::Rs2, rs2);
  holes.setImmediate(imm);
  return holes;
}

void clear(CpuState &cpu) { std::memset(static_cast<void *>(&cpu), 0, sizeof(cpu)); }

// The block entry, preceded by the stub it leaves through on an exit
// request. Returns the entry's address.
uint64_t appendBlockEntry(Assembler &assembler, uint64_t pc, uint32_t count) {
  HoleValues stub;
  stub.set(Hole::Pc, pc);
  uint64_t stubAddress = assembler.here();
  assembler.append(specialStencil(SpecialStencil::ExitRequestStub), stub);
  uint64_t entry = assembler.here();
  HoleValues header;
  header.set(Hole::Count, count);
  header.set(Hole::ExitRequest, stubAddress);
  assembler.append(specialStencil(SpecialStencil::BlockEntry), header);
  return entry;
}

TEST(StencilExecution, StraightLineBlockRunsTheSemantics) {
  Assembler assembler;
  uint64_t entry = appendBlockEntry(assembler, 0x1000, 4);
  // addi x5, x0, -42 ; add x6, x5, x5 ; lui x7, 0x80000 ; (helper) ; exit to 0x2000
  assembler.append(*instructionStencil(Opcode::Addi, StencilVariant::RdNonZero),
                   instruction(0x1000, 5, 0, 0, -42));
  assembler.append(*instructionStencil(Opcode::Add, StencilVariant::RdNonZero),
                   instruction(0x1004, 6, 5, 5, 0));
  assembler.append(*instructionStencil(Opcode::Lui, StencilVariant::RdNonZero),
                   instruction(0x1008, 7, 0, 0, -0x80000000ll));
  HoleValues helper = instruction(0x100c, 0, 0, 0, 0);
  helper.set(Hole::Unretired, 1);
  assembler.append(specialStencil(SpecialStencil::CallSemantics), helper);
  HoleValues exit;
  exit.set(Hole::Pc, 0x2000);
  exit.set(Hole::ExitRecord, 0xabcdef12345);
  assembler.append(specialStencil(SpecialStencil::ExitStub), exit);

  CpuState cpu;
  clear(cpu);
  EXPECT_EQ(assembler.run(cpu, entry, nullptr), 0xabcdef12345u);
  EXPECT_EQ(cpu.x[5], static_cast<uint64_t>(-42));
  EXPECT_EQ(cpu.x[6], static_cast<uint64_t>(-84));
  EXPECT_EQ(cpu.x[7], 0xffffffff80000000u);
  EXPECT_EQ(cpu.x[31], 0x5eeeu); // the helper saw its Unretired hole
  EXPECT_EQ(cpu.pc, 0x2000u);
  EXPECT_EQ(cpu.instret, 4u);

  // An exit request stops the block at its entry with pc = the block.
  cpu.exitRequest.store(1);
  EXPECT_EQ(assembler.run(cpu, entry, nullptr), static_cast<uint64_t>(ExitCode::ExitRequest));
  EXPECT_EQ(cpu.pc, 0x1000u);
  EXPECT_EQ(cpu.instret, 4u);
}

TEST(StencilExecution, AStencilCopiedAfterItsFirstLoadUsesTheStoredRegister) {
  // add x13, x21, x15 ; ld x12, 8(x13) with ld's reload of x13 not copied.
  const StencilCode &addRd = *instructionStencil(Opcode::Add, StencilVariant::RdNonZero);
  const StencilCode &ld = *instructionStencil(Opcode::Ld, StencilVariant::RdNonZero);
  ASSERT_EQ(addRd.endStore.hostRegister, ld.beginLoad.hostRegister);
  Assembler assembler;
  uint64_t entry = appendBlockEntry(assembler, 0x5000, 2);
  assembler.append(addRd, instruction(0x5000, 13, 21, 15, 0));
  HoleValues load = instruction(0x5004, 12, 13, 0, 8);
  load.set(Hole::Unretired, 1);
  assembler.append(ld, load, ld.beginLoad.length);
  HoleValues exit;
  exit.set(Hole::Pc, 0x5008);
  exit.set(Hole::ExitRecord, 0x30000);
  assembler.append(specialStencil(SpecialStencil::ExitStub), exit);

  alignas(8) uint8_t memory[64] = {};
  uint64_t value = 0x0102030405060708;
  std::memcpy(memory + 40, &value, 8);
  CpuState cpu;
  clear(cpu);
  cpu.x[21] = 30;
  cpu.x[15] = 2;
  EXPECT_EQ(assembler.run(cpu, entry, memory), 0x30000u);
  EXPECT_EQ(cpu.x[13], 32u);
  EXPECT_EQ(cpu.x[12], value);
}

TEST(StencilPatcher, RelocationsOutsideTheCopiedBytes) {
  // Skipping the first load skips its hole; a bound inside a field fails.
  const StencilCode &ld = *instructionStencil(Opcode::Ld, StencilVariant::RdNonZero);
  ASSERT_EQ(ld.beginLoad.length, 8u);
  std::vector<uint8_t> copy(ld.bytes, ld.bytes + ld.size);
  HoleValues holes = instruction(0x6000, 1, 2, 0, 0);
  StencilLinkage linkage{nullptr, nullptr};
  uint64_t at = 0x10000000;
  EXPECT_TRUE(patchStencil(copy.data() + 8, at + 8, ld, 8, ld.size - ld.tailJump, holes, linkage));
  EXPECT_TRUE(std::equal(copy.begin(), copy.begin() + 8, ld.bytes)); // untouched
  EXPECT_FALSE(patchStencil(copy.data() + 6, at + 6, ld, 6, ld.size, holes, linkage));
}

TEST(StencilExecution, BranchPicksItsSuccessor) {
  Assembler assembler;
  uint64_t entry = assembler.here();
  // Branch first; its successors are two exit stubs placed after it.
  HoleValues branch = instruction(0x3000, 0, 10, 11, 0x40);
  const StencilCode &stub = specialStencil(SpecialStencil::ExitStub);
  const StencilCode &beq = *instructionStencil(Opcode::Beq, StencilVariant::Plain);
  uint64_t takenStub = entry + beq.size;
  uint64_t notTakenStub = takenStub + stub.size;
  branch.set(Hole::Taken, takenStub);
  branch.set(Hole::NotTaken, notTakenStub);
  assembler.append(beq, branch);
  ASSERT_EQ(assembler.here(), takenStub - beq.tailJump);
  // Pad so the stubs land where the holes say.
  while (assembler.here() < takenStub)
    assembler.append(*instructionStencil(Opcode::Addi, StencilVariant::RdZero), HoleValues{});
  HoleValues taken, notTaken;
  taken.set(Hole::Pc, 0x3040);
  taken.set(Hole::ExitRecord, 0x10001);
  notTaken.set(Hole::Pc, 0x3004);
  notTaken.set(Hole::ExitRecord, 0x10002);
  assembler.append(stub, taken);
  ASSERT_EQ(assembler.here(), notTakenStub);
  assembler.append(stub, notTaken);

  CpuState cpu;
  clear(cpu);
  cpu.x[10] = cpu.x[11] = 7;
  EXPECT_EQ(assembler.run(cpu, entry, nullptr), 0x10001u);
  EXPECT_EQ(cpu.pc, 0x3040u);
  cpu.x[11] = 8;
  EXPECT_EQ(assembler.run(cpu, entry, nullptr), 0x10002u);
  EXPECT_EQ(cpu.pc, 0x3004u);
}

TEST(StencilExecution, LoadsUseTheMemoryBaseAndTrapPrecisely) {
  Assembler assembler;
  uint64_t entry = appendBlockEntry(assembler, 0x4000, 2);
  HoleValues load = instruction(0x4000, 12, 10, 0, -8);
  load.set(Hole::Unretired, 2);
  assembler.append(*instructionStencil(Opcode::Ld, StencilVariant::RdNonZero), load);
  HoleValues store = instruction(0x4004, 0, 10, 12, 16);
  store.set(Hole::Unretired, 1);
  assembler.append(*instructionStencil(Opcode::Sd, StencilVariant::Plain), store);
  HoleValues exit;
  exit.set(Hole::Pc, 0x4008);
  exit.set(Hole::ExitRecord, 0x20000);
  assembler.append(specialStencil(SpecialStencil::ExitStub), exit);

  alignas(8) uint8_t memory[64] = {};
  uint64_t value = 0x1122334455667788;
  std::memcpy(memory + 24, &value, 8);
  CpuState cpu;
  clear(cpu);
  cpu.x[10] = 32; // guest address 32 - 8 = 24
  EXPECT_EQ(assembler.run(cpu, entry, memory), 0x20000u);
  EXPECT_EQ(cpu.x[12], value);
  uint64_t stored;
  std::memcpy(&stored, memory + 48, 8);
  EXPECT_EQ(stored, value);
  EXPECT_EQ(cpu.instret, 2u);

  // An address beyond the user range: the load traps with its own pc, and
  // neither it nor the store retires.
  cpu.x[10] = uint64_t{1} << 40;
  EXPECT_EQ(assembler.run(cpu, entry, memory), static_cast<uint64_t>(ExitCode::Trap));
  EXPECT_EQ(cpu.pc, 0x4000u);
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::LoadPageFault));
  EXPECT_EQ(cpu.trapValue, (uint64_t{1} << 40) - 8);
  EXPECT_EQ(cpu.instret, 2u);
}

} // namespace
} // namespace tiercel::jit
