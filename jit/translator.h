// Tier-1 block translation: copies stencils back to back into the code
// cache, patches their holes with each instruction's operands, and lays out
// the block's exits. Also the chaining primitives (patch an exit to jump
// straight to another block, and undo it).
//
// Layout of a block:
//   BlockEntry                          exit-request check, instret
//   one stencil per instruction         (the tail jump to the next dropped;
//                                        a reload of what the previous one
//                                        just stored skipped)
//   terminator:
//     b*    Branch -> Jump(taken) / Jump(not taken) -> ExitStub x2
//     jal   Jal, Jump[Counted] -> ExitStub
//     jalr  Jalr, Indirect[Counted] (jump-cache probe, else return exit)
//     other (cut block, ecall, fence.i...) Jump[Counted] -> ExitStub
//   ExitRequestStub                     where BlockEntry goes on an exit request
// A Jump's target is its ExitStub until the dispatcher chains it to the
// successor block; chaining rewrites the Jump's rel32 field.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "jit/code_cache.h"
#include "jit/stencil_patcher.h"
#include "machine/isa/decoded_instruction.h"
#include "llvm/Support/Error.h"

namespace tiercel::jit {

struct Block;

// One way out of a block. Its address is the exit word the block returns
// when the exit is not chained (ExitStub, or Indirect on a jump-cache miss).
struct ExitRecord {
  enum class Kind : uint8_t { Direct, Indirect } kind = Kind::Direct;
  Block *block = nullptr;
  uint64_t targetPc = 0;        // Direct: the successor's pc
  uint8_t *stub = nullptr;      // Direct: the ExitStub (the unchained target)
  uint8_t *chainField = nullptr; // Direct: exec address of the Jump's rel32
  Block *chainedTo = nullptr;
  JalrProfile *profile = nullptr; // Indirect with counters
};

struct Block {
  uint64_t pc = 0;
  uint64_t endPc = 0; // first byte after the last instruction
  uint64_t flags = 0;
  uint32_t instructionCount = 0;
  uint8_t *code = nullptr; // entry, in the exec view
  uint32_t codeSize = 0;
  // Exit counters (counters on): [0] the taken edge of a branch or the one
  // exit of jal and fall-through blocks, [1] a branch's fall-through edge;
  // jalr counts in its exit's JalrProfile. A block's executions are their
  // sum (executions()): one memory increment per block run, not two.
  uint64_t *counters = nullptr;
  struct InstructionPlace {
    uint32_t hostOffset; // its first host byte, from `code`
    uint64_t guestPc;
  };
  std::vector<InstructionPlace> instructions; // in order
  // One exit (jal, jalr, fall-through, other terminators) or two (a
  // branch); in the Block itself, so their addresses are stable exit words.
  static constexpr unsigned kMaxExits = 2;
  ExitRecord exits[kMaxExits];
  unsigned exitCount = 0;
  std::vector<ExitRecord *> incoming; // chained exits that jump here
  std::vector<std::unique_ptr<DecodedInstruction>> helperInstructions; // CallSemantics operands
  bool valid = true;
  uint32_t profileIndex = 0; // its record in the run's profile (-profile)

  // Each thread counts in its own copy of the counters (jit/code_cache.h,
  // "Per-thread data views"): the cache's view offsets, which the readers
  // below sum over.
  const std::vector<int64_t> *counterViews = nullptr;

  // Times the block ran to one of its exits (early exits by a trap or an
  // exit request are not counted), summed over threads.
  uint64_t executions() const;
  // counters[exit] summed over threads (0 without counters).
  uint64_t edgeCount(unsigned exit) const;
  // A jalr exit's targets with their counts and the count of the rest,
  // summed over threads (each thread fills its own slots).
  struct JalrCounts {
    std::vector<std::pair<uint64_t, uint64_t>> targets; // (pc, count), count > 0
    uint64_t other = 0;
  };
  JalrCounts jalrCounts(const ExitRecord &exit) const;

  // The guest instruction whose code holds hostPc, or -1.
  int instructionAt(uintptr_t hostPc) const;
};

struct TranslatorOptions {
  bool counters = true; // block, edge and jalr-target counters
  // Skip an instruction stencil's first load of a guest register when the
  // stencil before it has just stored that register from the same host
  // register (StencilCode::endStore/beginLoad).
  bool elideReloads = true;
};

class Translator {
public:
  // Links the stencil library into the cache's permanent area and sets up
  // the jump cache. `executeInstruction` is tiercel_jit_execute_instruction.
  static llvm::Expected<std::unique_ptr<Translator>> create(CodeCache &cache,
                                                            const void *executeInstruction);

  // Translates one block: `instructions` run in order; when `terminated`,
  // the last one ends the block (kEndsBlock), else the block falls through
  // to `endPc`. Returns nullptr when the code cache is full.
  std::unique_ptr<Block> translate(const std::vector<DecodedInstruction> &instructions,
                                   uint64_t endPc, bool terminated, const TranslatorOptions &options);

  void chain(ExitRecord &exit, Block &target);
  void unchain(ExitRecord &exit);

  JumpCacheEntry *jumpCache() const { return jumpCache_; }
  CodeCache &cache() const { return cache_; }

  // Statistics.
  uint64_t helperFallbacks() const { return helperFallbacks_; }
  uint64_t reloadsElided() const { return reloadsElided_; } // in the blocks translated
  // Of those, the ones made possible by exchanging a commutative
  // instruction's rs1 and rs2.
  uint64_t operandSwaps() const { return operandSwaps_; }

private:
  explicit Translator(CodeCache &cache) : cache_(cache) {}
  void writeJumpField(uint8_t *field, const uint8_t *target);

  CodeCache &cache_;
  std::vector<uint64_t> library_;
  std::vector<uint64_t> externals_;
  JumpCacheEntry *jumpCache_ = nullptr;
  uint64_t helperFallbacks_ = 0;
  uint64_t reloadsElided_ = 0;
  uint64_t operandSwaps_ = 0;
};

} // namespace tiercel::jit
