// Tier-1 block translation (see translator.h).
#include "jit/translator.h"

#include <cassert>

#include <algorithm>
#include <cstring>

namespace tiercel::jit {

namespace {

constexpr int kNone = -1;

// One stencil instance in a block being laid out. Code holes name other
// pieces by index; they become addresses once the layout is known.
struct Piece {
  const StencilCode *code = nullptr;
  HoleValues holes;
  int continueTo = kNone, takenTo = kNone, notTakenTo = kNone, targetTo = kNone;
  int exitRequestTo = kNone;
  int instruction = kNone; // the guest instruction it starts, if any
  int exitJump = kNone;    // this is the Jump of exits[exitJump]
  int exitStub = kNone;    // this is the ExitStub of exits[exitStub]
  uint32_t skip = 0;       // leading bytes not copied (an elided reload)
  uint32_t size = 0, offset = 0;
  uint32_t pad = 0; // NOPs before it (a Jump whose rel32 field must be 4-aligned)
};

// The displacement, i.e. the guest register slot, a register-slot move of
// `piece` addresses.
uint64_t slotOf(const Piece &piece, const RegisterSlotAccess &access) {
  return piece.holes.get(static_cast<Hole>(access.hole)) + static_cast<uint64_t>(access.addend);
}

// Whether `next` may start after its first instruction: `previous` runs
// right before it and ends by storing the host register that instruction
// loads to the slot it loads from (the extractor proved both ends, see
// StencilCode::endStore and beginLoad), so the load would be a no-op.
// Only between the instruction stencils of one block: nothing else jumps
// into one of them.
bool reloadIsRedundant(const Piece &previous, const Piece &next, int nextIndex) {
  const RegisterSlotAccess &store = previous.code->endStore;
  const RegisterSlotAccess &load = next.code->beginLoad;
  return previous.instruction != kNone && next.instruction != kNone &&
         previous.continueTo == nextIndex &&
         next.code != &specialStencil(SpecialStencil::CallSemantics) && store.length != 0 &&
         load.length != 0 && store.hostRegister == load.hostRegister &&
         slotOf(previous, store) == slotOf(next, load);
}

// rs1 <-> rs2 of a commutative instruction (kCommutative: same result).
void swapSources(HoleValues &holes) {
  uint64_t rs1 = holes.get(Hole::Rs1);
  holes.set(Hole::Rs1, holes.get(Hole::Rs2));
  holes.set(Hole::Rs2, rs1);
}

void setOperandHoles(HoleValues &holes, const DecodedInstruction &insn, uint32_t unretired) {
  holes.set(Hole::Pc, insn.pc);
  holes.set(Hole::NextPc, insn.nextPc());
  holes.set(Hole::Raw, insn.raw);
  holes.setRegister(Hole::Rd, insn.rd);
  holes.setRegister(Hole::Rs1, insn.rs1);
  holes.setRegister(Hole::Rs2, insn.rs2);
  holes.setRegister(Hole::Rs3, insn.rs3);
  holes.set(Hole::Rm, insn.rm);
  holes.setImmediate(insn.imm);
  holes.set(Hole::Unretired, unretired);
}

const StencilRelocation *targetRelocation(const StencilCode &jump) {
  const StencilRelocation *found = nullptr;
  for (uint32_t i = 0; i < jump.relocationCount; ++i) {
    const StencilRelocation &r = jump.relocations[i];
    if (r.target == RelocationTarget::Hole && r.index == static_cast<uint16_t>(Hole::Target)) {
      if (found != nullptr || r.type != RelocationType::Relative32)
        return nullptr;
      found = &r;
    }
  }
  return found;
}

} // namespace

namespace {

// Counters are written by the thread that runs the block (stencil code, and
// BaselineEngine::noteIndirectTarget) while the compile thread reads them:
// relaxed atomic loads, since a count a little behind is all a policy needs.
uint64_t relaxed(const uint64_t &counter) { return __atomic_load_n(&counter, __ATOMIC_RELAXED); }

// Every thread's copy of `shared` (jit/code_cache.h, "Per-thread data
// views"); just `shared` when the block has no views.
template <typename T, typename Body>
void forEachCopy(const std::vector<int64_t> *views, const T &shared, Body body) {
  if (views == nullptr) {
    body(shared);
    return;
  }
  for (int64_t offset : *views)
    body(*reinterpret_cast<const T *>(reinterpret_cast<uintptr_t>(&shared) + offset));
}

} // namespace

uint64_t Block::edgeCount(unsigned exit) const {
  uint64_t total = 0;
  if (counters != nullptr)
    forEachCopy(counterViews, counters[exit], [&](const uint64_t &copy) { total += relaxed(copy); });
  return total;
}

Block::JalrCounts Block::jalrCounts(const ExitRecord &exit) const {
  JalrCounts counts;
  if (exit.profile == nullptr)
    return counts;
  forEachCopy(counterViews, *exit.profile, [&](const JalrProfile &copy) {
    counts.other += relaxed(copy.other);
    for (unsigned slot = 0; slot < kJalrProfileSlots; ++slot) {
      // Acquire: BaselineEngine::noteIndirectTarget stores the target first.
      uint64_t count = __atomic_load_n(&copy.count[slot], __ATOMIC_ACQUIRE);
      if (count == 0)
        continue;
      uint64_t target = relaxed(copy.target[slot]);
      auto known = std::find_if(counts.targets.begin(), counts.targets.end(),
                                [&](const auto &entry) { return entry.first == target; });
      if (known != counts.targets.end())
        known->second += count;
      else
        counts.targets.emplace_back(target, count);
    }
  });
  return counts;
}

uint64_t Block::executions() const {
  uint64_t total = 0;
  for (unsigned i = 0; i < exitCount; ++i) {
    if (exits[i].profile != nullptr) {
      forEachCopy(counterViews, *exits[i].profile, [&](const JalrProfile &copy) {
        total += relaxed(copy.other);
        for (unsigned slot = 0; slot < kJalrProfileSlots; ++slot)
          total += relaxed(copy.count[slot]);
      });
    }
  }
  if (counters != nullptr && !(exitCount == 1 && exits[0].kind == ExitRecord::Kind::Indirect))
    total += edgeCount(0) + (exitCount == 2 ? edgeCount(1) : 0);
  return total;
}

int Block::instructionAt(uintptr_t hostPc) const {
  uintptr_t begin = reinterpret_cast<uintptr_t>(code);
  if (hostPc < begin || hostPc >= begin + codeSize || instructions.empty())
    return -1;
  auto offset = static_cast<uint32_t>(hostPc - begin);
  auto it = std::upper_bound(
      instructions.begin(), instructions.end(), offset,
      [](uint32_t value, const InstructionPlace &place) { return value < place.hostOffset; });
  if (it == instructions.begin())
    return -1;
  return static_cast<int>(it - instructions.begin()) - 1;
}

llvm::Expected<std::unique_ptr<Translator>> Translator::create(CodeCache &cache,
                                                               const void *executeInstruction) {
  std::unique_ptr<Translator> translator(new Translator(cache));
  for (SpecialStencil jump : {SpecialStencil::Jump, SpecialStencil::JumpCounted})
    if (targetRelocation(specialStencil(jump)) == nullptr)
      return llvm::createStringError("stencils: a Jump must have exactly one rel32 Target");
  const StencilTables &tables = stencilTables();
  for (uint32_t i = 0; i < tables.externalSymbolCount; ++i) {
    if (std::strcmp(tables.externalSymbols[i], "tiercel_jit_execute_instruction") != 0)
      return llvm::createStringError("stencils: unimplemented: external symbol %s",
                                     tables.externalSymbols[i]);
    const uint8_t *veneer = cache.veneerFor(executeInstruction);
    if (veneer == nullptr)
      return llvm::createStringError("code cache too small for the stencil library");
    translator->externals_.push_back(reinterpret_cast<uint64_t>(veneer));
  }
  for (uint32_t i = 0; i < tables.librarySectionCount; ++i) {
    const LibrarySection &section = tables.library[i];
    uint8_t *at = cache.allocatePermanentCode(section.size, std::max<uint32_t>(section.alignment, 1));
    if (at == nullptr)
      return llvm::createStringError("code cache too small for the stencil library");
    cache.copyCode(at, section.bytes, section.size);
    translator->library_.push_back(reinterpret_cast<uint64_t>(at));
  }
  StencilLinkage linkage{translator->library_.data(), translator->externals_.data()};
  for (uint32_t i = 0; i < tables.librarySectionCount; ++i) {
    auto *at = reinterpret_cast<uint8_t *>(translator->library_[i]);
    if (!patchLibrarySection(cache.writable(at), translator->library_[i], tables.library[i], linkage))
      return llvm::createStringError("stencils: library section %s does not fit its address",
                                     tables.library[i].name);
  }
  translator->jumpCache_ = static_cast<JumpCacheEntry *>(
      cache.allocatePermanentData(sizeof(JumpCacheEntry) * kJumpCacheEntries, 64));
  if (translator->jumpCache_ == nullptr)
    return llvm::createStringError("code cache data area too small for the jump cache");
  for (uint64_t i = 0; i < kJumpCacheEntries; ++i)
    jumpCacheStore(translator->jumpCache_[i], 1, nullptr);
  return translator;
}

std::unique_ptr<Block> Translator::translate(const std::vector<DecodedInstruction> &instructions,
                                             uint64_t endPc, bool terminated,
                                             const TranslatorOptions &options) {
  auto count = static_cast<uint32_t>(instructions.size());
  std::vector<bool> viaHelper(count, false);
  for (;;) { // once more per instruction whose stencil could not be patched
    auto block = std::make_unique<Block>();
    block->pc = instructions.front().pc;
    block->endPc = endPc;
    block->instructionCount = count;
    block->counterViews = &cache_.dataViewOffsets();
    const DecodedInstruction &last = instructions.back();
    Opcode lastOp = terminated ? last.opcode : Opcode::Illegal;
    bool branch = terminated && hasFlag(lastOp, kConditionalBranch) && !viaHelper[count - 1];
    bool indirect = terminated && lastOp == Opcode::Jalr && !viaHelper[count - 1];
    size_t exitCount = branch ? 2 : 1;
    block->exitCount = static_cast<unsigned>(exitCount);

    // Data: block counter and edge counters; the jalr profile.
    if (options.counters) {
      block->counters = static_cast<uint64_t *>(cache_.allocateData(sizeof(uint64_t) * 2, 8));
      if (block->counters == nullptr)
        return nullptr;
    }

    // Reused between translations: no allocation in the steady state.
    static thread_local std::vector<Piece> pieces;
    pieces.clear();
    pieces.reserve(count + 8);
    Piece entry;
    entry.code = &specialStencil(SpecialStencil::BlockEntry);
    entry.holes.set(Hole::Pc, block->pc);
    entry.holes.set(Hole::Count, count);
    entry.continueTo = 1;
    pieces.push_back(entry);

    for (uint32_t i = 0; i < count; ++i) {
      const DecodedInstruction &insn = instructions[i];
      Piece &piece = pieces.emplace_back();
      piece.instruction = static_cast<int>(i);
      setOperandHoles(piece.holes, insn, count - i);
      StencilVariant variant = stencilVariantFor(insn.opcode, insn.rd, insn.rs1, insn.rm,
                                                 options.counters);
      const StencilCode *code = viaHelper[i] ? nullptr : instructionStencil(insn.opcode, variant);
      if (code == nullptr) {
        auto copy = std::make_unique<DecodedInstruction>(insn);
        piece.holes.set(Hole::Instruction, reinterpret_cast<uint64_t>(copy.get()));
        block->helperInstructions.push_back(std::move(copy));
        code = &specialStencil(SpecialStencil::CallSemantics);
      }
      piece.code = code;
      if (i + 1 == count && branch) {
        // Successors: Jump(taken), Jump(not taken), then the two stubs.
        int next = static_cast<int>(pieces.size());
        piece.takenTo = next;
        piece.notTakenTo = next + 1;
        if (options.counters) {
          piece.holes.set(Hole::TakenCounter, reinterpret_cast<uint64_t>(&block->counters[0]));
          piece.holes.set(Hole::NotTakenCounter, reinterpret_cast<uint64_t>(&block->counters[1]));
        }
      } else {
        piece.continueTo = static_cast<int>(pieces.size());
      }
    }

    auto addDirectExit = [&](int exitIndex, uint64_t targetPc, bool counted) {
      ExitRecord &exit = block->exits[exitIndex];
      exit.kind = ExitRecord::Kind::Direct;
      exit.block = block.get();
      exit.targetPc = targetPc;
      Piece jump;
      jump.code = &specialStencil(counted ? SpecialStencil::JumpCounted : SpecialStencil::Jump);
      if (counted)
        jump.holes.set(Hole::EdgeCounter, reinterpret_cast<uint64_t>(&block->counters[0]));
      jump.exitJump = exitIndex;
      pieces.push_back(jump);
    };
    auto addStub = [&](int exitIndex) {
      Piece stub;
      stub.code = &specialStencil(SpecialStencil::ExitStub);
      stub.holes.set(Hole::Pc, block->exits[exitIndex].targetPc);
      stub.holes.set(Hole::ExitRecord, reinterpret_cast<uint64_t>(&block->exits[exitIndex]));
      stub.exitStub = exitIndex;
      pieces.push_back(stub);
    };
    if (branch) {
      addDirectExit(0, last.pc + static_cast<uint64_t>(last.imm), false);
      addDirectExit(1, last.nextPc(), false);
      addStub(0);
      addStub(1);
    } else if (indirect) {
      ExitRecord &exit = block->exits[0];
      exit.kind = ExitRecord::Kind::Indirect;
      exit.block = block.get();
      Piece probe;
      probe.code = &specialStencil(options.counters ? SpecialStencil::IndirectCounted
                                                    : SpecialStencil::Indirect);
      probe.holes.set(Hole::ExitRecord, reinterpret_cast<uint64_t>(&exit));
      probe.holes.set(Hole::JumpCache, reinterpret_cast<uint64_t>(jumpCache_));
      if (options.counters) {
        exit.profile = static_cast<JalrProfile *>(cache_.allocateData(sizeof(JalrProfile), 8));
        if (exit.profile == nullptr)
          return nullptr;
        probe.holes.set(Hole::JalrProfile, reinterpret_cast<uint64_t>(exit.profile));
      }
      pieces.push_back(probe);
    } else {
      uint64_t target = endPc;
      if (terminated && lastOp == Opcode::Jal && !viaHelper[count - 1])
        target = last.pc + static_cast<uint64_t>(last.imm);
      addDirectExit(0, target, options.counters);
      addStub(0);
    }

    Piece &exitRequest = pieces.emplace_back();
    exitRequest.code = &specialStencil(SpecialStencil::ExitRequestStub);
    exitRequest.holes.set(Hole::Pc, block->pc);
    pieces.front().exitRequestTo = static_cast<int>(pieces.size()) - 1;

    // A reload of the register the previous instruction just stored is
    // skipped. A commutative instruction whose stencil loads the other
    // operand first gets its operands exchanged, so the reload it starts
    // with is the one the previous instruction made redundant.
    uint32_t elided = 0, swaps = 0;
    if (options.elideReloads)
      for (size_t i = 1; i < pieces.size(); ++i) {
        Piece &piece = pieces[i];
        bool redundant = reloadIsRedundant(pieces[i - 1], piece, static_cast<int>(i));
        if (!redundant && piece.instruction != kNone && piece.code != nullptr &&
            piece.code != &specialStencil(SpecialStencil::CallSemantics)) {
          const DecodedInstruction &insn = instructions[static_cast<size_t>(piece.instruction)];
          if (hasFlag(insn.opcode, kCommutative) && insn.rs1 != 0 && insn.rs2 != 0 &&
              insn.rs1 != insn.rs2) {
            swapSources(piece.holes);
            redundant = reloadIsRedundant(pieces[i - 1], piece, static_cast<int>(i));
            if (!redundant)
              swapSources(piece.holes);
            else
              ++swaps;
          }
        }
        if (redundant) {
          piece.skip = piece.code->beginLoad.length;
          ++elided;
        }
      }

    // Layout: a tail jump to the piece right after is dropped. A Jump's
    // rel32 field starts at a multiple of 4 from the block's (16-aligned)
    // start, so it never crosses a cache line and chaining rewrites it
    // with one store that a thread running the block sees whole: the
    // padding before it is NOPs (the piece before may fall through).
    uint32_t offset = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
      Piece &piece = pieces[i];
      piece.pad = 0;
      if (piece.exitJump != kNone) {
        uint32_t field = offset + targetRelocation(*piece.code)->offset - piece.skip;
        piece.pad = (4 - field % 4) % 4;
        offset += piece.pad;
      }
      piece.offset = offset;
      piece.size = piece.code->size - piece.skip;
      if (piece.continueTo == static_cast<int>(i) + 1)
        piece.size -= piece.code->tailJump;
      offset += piece.size;
    }
    // Jumps target their stubs until chained.
    for (Piece &piece : pieces)
      if (piece.exitJump != kNone)
        for (size_t j = 0; j < pieces.size(); ++j)
          if (pieces[j].exitStub == piece.exitJump)
            piece.targetTo = static_cast<int>(j);

    uint8_t *code = cache_.allocateCode(offset, 16);
    if (code == nullptr)
      return nullptr;
    auto address = [&](int piece) { return reinterpret_cast<uint64_t>(code + pieces[piece].offset); };
    StencilLinkage linkage{library_.data(), externals_.data()};
    uint8_t *write = cache_.writable(code);
    int failed = kNone;
    for (size_t i = 0; i < pieces.size() && failed == kNone; ++i) {
      Piece &piece = pieces[i];
      if (piece.continueTo != kNone)
        piece.holes.set(Hole::Continue, address(piece.continueTo));
      if (piece.takenTo != kNone)
        piece.holes.set(Hole::Taken, address(piece.takenTo));
      if (piece.notTakenTo != kNone)
        piece.holes.set(Hole::NotTaken, address(piece.notTakenTo));
      if (piece.targetTo != kNone)
        piece.holes.set(Hole::Target, address(piece.targetTo));
      if (piece.exitRequestTo != kNone)
        piece.holes.set(Hole::ExitRequest, address(piece.exitRequestTo));
      std::memset(write + piece.offset - piece.pad, 0x90, piece.pad); // nop
      std::memcpy(write + piece.offset, piece.code->bytes + piece.skip, piece.size);
      if (!patchStencil(write + piece.offset, address(static_cast<int>(i)), *piece.code, piece.skip,
                        piece.skip + piece.size, piece.holes, linkage))
        failed = static_cast<int>(i);
    }
    if (failed != kNone) {
      // A value that does not fit its field: run that instruction through
      // the semantics helper instead (its operands are all wide holes).
      int instruction = pieces[failed].instruction;
      cache_.shrinkLastCode(code, 0);
      if (instruction == kNone || viaHelper[instruction])
        return nullptr; // cannot happen with the current stencils; reported by the caller
      viaHelper[instruction] = true;
      ++helperFallbacks_;
      continue;
    }

    reloadsElided_ += elided;
    operandSwaps_ += swaps;
    block->code = code;
    block->codeSize = offset;
    block->instructions.reserve(count);
    for (const Piece &piece : pieces) {
      if (piece.instruction != kNone)
        block->instructions.push_back({piece.offset, instructions[piece.instruction].pc});
      if (piece.exitJump != kNone) {
        const StencilRelocation *r = targetRelocation(*piece.code);
        block->exits[piece.exitJump].chainField = code + piece.offset + r->offset;
      }
      if (piece.exitStub != kNone)
        block->exits[piece.exitStub].stub = code + piece.offset;
    }
    return block;
  }
}

void Translator::writeJumpField(uint8_t *field, const uint8_t *target) {
  // rel32 = S + A - P with A = -4 (the field is the last 4 bytes of the jmp).
  auto rel = static_cast<int32_t>(reinterpret_cast<intptr_t>(target) -
                                  reinterpret_cast<intptr_t>(field + 4));
  // One aligned 4-byte store (the layout keeps the field 4-aligned): a
  // thread running this code sees the old jump or the new, never a mix.
  auto *slot = reinterpret_cast<int32_t *>(cache_.writable(field));
  assert(reinterpret_cast<uintptr_t>(slot) % 4 == 0);
  __atomic_store_n(slot, rel, __ATOMIC_RELEASE);
}

void Translator::chain(ExitRecord &exit, Block &target) {
  writeJumpField(exit.chainField, target.code);
  exit.chainedTo = &target;
  target.incoming.push_back(&exit);
}

void Translator::unchain(ExitRecord &exit) {
  writeJumpField(exit.chainField, exit.stub);
  exit.chainedTo = nullptr;
}

} // namespace tiercel::jit
