// The reference interpreter's implementation (a template over the Env).
//
// Design:
// - Guest code is decoded once into blocks of records {handler, operands}.
//   A block ends at an instruction with kEndsBlock, at a 4 KiB page boundary,
//   or at a length cap; blocks cut by the last two end with a synthetic
//   "fall through" record. A fetch fault ends the block with a synthetic
//   "fetch fault" record, so the instructions before it still run (precise).
// - Dispatch is threaded: each record's handler is a per-opcode function
//   that runs the instruction's semantics and tail-calls ([[clang::musttail]])
//   the next record's handler. Whether the pc must be published first (loads
//   and stores), whether the instruction ends the block, and which semantic
//   function runs are all decided at compile time per opcode.
// - Block terminators chain: each block keeps two successor slots (pc plus
//   block pointer). Branches and jal fill them with their static targets,
//   jalr uses them as a two-entry inline cache, and a per-interpreter
//   direct-mapped jump cache backs them up. A chained transition checks
//   cpu.exitRequest, bumps cpu.instret by the block's length and tail-calls
//   the successor's first handler: no hash lookup and no return to the
//   dispatcher in the steady state.
// - The block cache is a hash map keyed by (pc, translation flags). Flags come
//   from Env::translationFlags() when the Env defines it (system mode: MMU
//   mode, privilege), else 0.
// - Invalidation unlinks and retires blocks; their memory is reclaimed only
//   when control is back in the dispatcher, so an env callback may invalidate
//   the block that is running.
#pragma once

#include <array>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "machine/interpreter/cpu_log.h"
#include "machine/interpreter/interpreter.h"
#include "machine/isa/disassembler.h"
#include "machine/semantics/fetch.h"
#include "machine/semantics/semantics.h"

namespace tiercel {

namespace interpreter_detail {

inline constexpr unsigned kMaxBlockInstructions = 128;
inline constexpr uint64_t kPageSize = 4096;
inline constexpr unsigned kJumpCacheSize = 4096;
// An odd address: never the pc of an instruction, so it never matches.
inline constexpr uint64_t kNoSuccessor = ~uint64_t{0};

// How control left a block (for the dispatcher).
enum class BlockExit : uint8_t {
  Lookup,    // cpu.pc is the next block; the finished block may be linked to it
  Resync,    // cpu.pc is the next block; do not link (left mid-block, or the
             // translation state may have changed)
  FlushCode, // fence.i executed: drop every block, continue at cpu.pc
  Trap,      // an instruction trapped: cpu.pc/trapCause/trapValue are set
};

struct BlockKey {
  uint64_t pc;
  uint64_t flags;
  bool operator==(const BlockKey &) const = default;
};

struct BlockKeyHash {
  size_t operator()(const BlockKey &key) const {
    uint64_t h = key.pc * 0x9e3779b97f4a7c15u ^ key.flags * 0xc2b2ae3d27d4eb4fu;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

} // namespace interpreter_detail

template <SemanticsEnv Env> class Interpreter {
public:
  explicit Interpreter(Env &env, const InterpreterOptions &options = {})
      : env_(env), options_(options), instretAtStart_(env.cpu.instret) {
    chainingEnabled_ = !(options_.logExec || options_.logCpu);
    jumpCache_.fill(nullptr);
  }
  Interpreter(const Interpreter &) = delete;
  Interpreter &operator=(const Interpreter &) = delete;

  // Runs from cpu.pc until an instruction traps or cpu.exitRequest is seen at
  // a block entry. Retired instructions are counted in cpu.instret.
  StopReason run();

  // Drops translations overlapping [start, start + length) (munmap, mprotect,
  // riscv_flush_icache). Safe to call from an env callback inside run().
  void invalidateRange(uint64_t start, uint64_t length);
  // Drops every translation (fence.i).
  void invalidateAll();

  // A debugger's breakpoints (nullptr: none). While set, run() returns
  // StopReason::Breakpoint when it reaches one of these pcs, blocks end
  // before them and do not chain (every block comes back to run()). The
  // set must outlive its use; call again whenever it changes.
  void setBreakpoints(const std::unordered_set<uint64_t> *breakpoints) {
    breakpoints_ = breakpoints != nullptr && !breakpoints->empty() ? breakpoints : nullptr;
    chainingEnabled_ = breakpoints_ == nullptr && !(options_.logExec || options_.logCpu);
    invalidateAll();
  }

  // Guest instructions retired through this interpreter.
  uint64_t instructionsExecuted() const { return env_.cpu.instret - instretAtStart_; }

  // After the runtime left run() with siglongjmp from a host fault on a guest
  // access (cpu.pc = the faulting load/store by the precision contract):
  // makes cpu.instret exact again and forgets the interrupted block.
  void recoverAfterHostFault();

  // Statistics, for tests and -d output.
  size_t cachedBlockCount() const { return blocks_.size(); }
  uint64_t blocksTranslated() const { return blocksTranslated_; }
  uint64_t dispatcherLookups() const { return dispatcherLookups_; }

private:
  struct Record;
  using BlockExit = interpreter_detail::BlockExit;
  using Handler = BlockExit (*)(Interpreter &, Env &, const Record *);

  struct Record {
    Handler handler;
    DecodedInstruction insn;
  };

  struct Block {
    uint64_t pc = 0;
    uint64_t endPc = 0; // first byte after the last instruction fetched
    uint64_t flags = 0;
    uint32_t instructionCount = 0;  // guest instructions (synthetic records excluded)
    bool cacheable = true;          // false when it ends in a fetch fault
    bool valid = true;              // false once invalidated
    bool dynamicSuccessors = false; // jalr: successor slots are an inline cache
    uint8_t nextReplaced = 0;
    uint64_t successorPc[2] = {interpreter_detail::kNoSuccessor, interpreter_detail::kNoSuccessor};
    Block *successor[2] = {nullptr, nullptr};
    std::vector<Record> records;
  };

  // ---- Handlers (threaded code) ----

  template <Opcode Op>
  static BlockExit executeStraight(Interpreter &self, Env &env, const Record *record) {
    // Precision contract: a host fault on a guest access finds its pc here.
    if constexpr (hasFlag(Op, kLoad | kStore))
      env.cpu.pc = record->insn.pc;
    constexpr ExecFunction<Env> execute = execFunctionFor<Env>(Op);
    ExecStatus status;
    if constexpr (hasFlag(Op, kCsr)) {
      // The block counted itself in instret at entry: take back this
      // instruction and the ones after it while it runs, so rdinstret and
      // rdcycle read exactly the instructions retired before it.
      uint64_t unretired = self.unretiredFrom(record);
      env.cpu.instret -= unretired;
      status = execute(env, record->insn);
      env.cpu.instret += unretired;
    } else {
      status = execute(env, record->insn);
    }
    if (status == ExecStatus::Continue) [[likely]]
      [[clang::musttail]] return record[1].handler(self, env, record + 1);
    return self.leaveBlockEarly(record, status);
  }

  template <Opcode Op>
  static BlockExit executeTerminator(Interpreter &self, Env &env, const Record *record) {
    if constexpr (hasFlag(Op, kLoad | kStore))
      env.cpu.pc = record->insn.pc;
    constexpr ExecFunction<Env> execute = execFunctionFor<Env>(Op);
    ExecStatus status = execute(env, record->insn);
    if constexpr (Op == Opcode::Jal || Op == Opcode::Jalr || hasFlag(Op, kConditionalBranch)) {
      // These only ever return Jump.
      (void)status;
    } else {
      if (status == ExecStatus::Continue) {
        env.cpu.pc = record->insn.nextPc();
      } else if (status != ExecStatus::Jump) {
        return self.leaveBlockEarly(record, status);
      } else {
        // A privileged jump (mret/sret) may change the translation state.
        return BlockExit::Resync;
      }
    }
    Block *next = self.chainTarget(env.cpu);
    if (next == nullptr)
      return BlockExit::Lookup;
    self.enterBlock(env.cpu, next);
    [[clang::musttail]] return next->records[0].handler(self, env, next->records.data());
  }

  // Block cut by the length cap or a page boundary: insn.pc holds the next pc.
  static BlockExit executeFallThrough(Interpreter &self, Env &env, const Record *record) {
    env.cpu.pc = record->insn.pc;
    Block *next = self.chainTarget(env.cpu);
    if (next == nullptr)
      return BlockExit::Lookup;
    self.enterBlock(env.cpu, next);
    [[clang::musttail]] return next->records[0].handler(self, env, next->records.data());
  }

  // The fetch of the instruction at insn.pc faulted at translation time:
  // raise the fault the env recorded (cause in insn.raw, tval in insn.imm).
  static BlockExit executeFetchFault(Interpreter &, Env &env, const Record *record) {
    env.cpu.pc = record->insn.pc;
    env.cpu.trapCause = record->insn.raw;
    env.cpu.trapValue = static_cast<uint64_t>(record->insn.imm);
    return BlockExit::Trap;
  }

  template <size_t Index> static constexpr Handler handlerFor() {
    constexpr Opcode op = static_cast<Opcode>(Index);
    if constexpr (endsBlock(op))
      return &executeTerminator<op>;
    else
      return &executeStraight<op>;
  }
  template <size_t... Index>
  static constexpr std::array<Handler, kOpcodeCount>
  makeHandlerTable(std::index_sequence<Index...>) {
    return {{handlerFor<Index>()...}};
  }
  static constexpr std::array<Handler, kOpcodeCount> kHandlers =
      makeHandlerTable(std::make_index_sequence<kOpcodeCount>{});

  // ---- Chaining ----

  void enterBlock(CpuState &cpu, Block *block) {
    current_ = block;
    cpu.instret += block->instructionCount;
  }

  static size_t jumpCacheIndex(uint64_t pc) {
    return (pc >> 1) & (interpreter_detail::kJumpCacheSize - 1);
  }

  // The block to continue with at cpu.pc without leaving the threaded code,
  // or nullptr to return to the dispatcher.
  Block *chainTarget(const CpuState &cpu) {
    if (cpu.exitRequest.load(std::memory_order_relaxed) != 0 || !chainingEnabled_) [[unlikely]]
      return nullptr;
    const Block *block = current_;
    uint64_t pc = cpu.pc;
    if (block->successorPc[0] == pc)
      return block->successor[0];
    if (block->successorPc[1] == pc)
      return block->successor[1];
    Block *cached = jumpCache_[jumpCacheIndex(pc)];
    if (cached != nullptr && cached->pc == pc && cached->flags == block->flags)
      return cached;
    return nullptr;
  }

  // Instructions of the running block from `record` on.
  uint64_t unretiredFrom(const Record *record) const {
    return current_->instructionCount - static_cast<uint64_t>(record - current_->records.data());
  }

  // An instruction inside the block did not continue: retire what ran.
  BlockExit leaveBlockEarly(const Record *record, ExecStatus status) {
    Block *block = current_;
    uint64_t index = static_cast<uint64_t>(record - block->records.data());
    uint64_t retired = index + (status == ExecStatus::Trap ? 0 : 1);
    env_.cpu.instret -= block->instructionCount - retired;
    switch (status) {
    case ExecStatus::Trap: return BlockExit::Trap;
    case ExecStatus::FlushCode: return BlockExit::FlushCode;
    default: return BlockExit::Resync;
    }
  }

  uint64_t translationFlags() {
    if constexpr (requires(Env & e) {
                    { e.translationFlags() } -> std::convertible_to<uint64_t>;
                  })
      return env_.translationFlags();
    else
      return 0;
  }

  Block *lookupOrTranslate(uint64_t pc);
  Block *translate(uint64_t pc, uint64_t flags);
  void link(Block *from, Block *to);
  void retire(Block *block);
  void unlinkInvalidBlocks();
  void logBlockEntry(const Block &block);

  Env &env_;
  InterpreterOptions options_;
  uint64_t instretAtStart_;
  bool chainingEnabled_ = true;
  const std::unordered_set<uint64_t> *breakpoints_ = nullptr; // setBreakpoints
  Block *current_ = nullptr; // block being executed (or that just finished)
  std::unordered_map<interpreter_detail::BlockKey, std::unique_ptr<Block>,
                     interpreter_detail::BlockKeyHash>
      blocks_;
  std::unordered_map<uint64_t, uint32_t> codePages_; // page -> cached blocks touching it
  std::array<Block *, interpreter_detail::kJumpCacheSize> jumpCache_;
  std::unique_ptr<Block> uncachedBlock_;        // a block ending in a fetch fault
  std::vector<std::unique_ptr<Block>> retired_; // freed back in the dispatcher
  uint64_t blocksTranslated_ = 0;
  uint64_t dispatcherLookups_ = 0;
};

// ---- Dispatcher ----

template <SemanticsEnv Env> StopReason Interpreter<Env>::run() {
  CpuState &cpu = env_.cpu;
  for (;;) {
    // Nothing runs here, so invalidated blocks can go (and the one that
    // just finished may be among them: do not link from it).
    if (!retired_.empty()) {
      current_ = nullptr;
      retired_.clear();
    }
    if (cpu.exitRequest.load(std::memory_order_relaxed) != 0) {
      current_ = nullptr;
      return StopReason::ExitRequest;
    }
    if (breakpoints_ != nullptr && breakpoints_->count(cpu.pc) != 0) [[unlikely]] {
      current_ = nullptr;
      return StopReason::Breakpoint;
    }
    Block *previous = current_;
    Block *block = lookupOrTranslate(cpu.pc);
    if (previous != nullptr && chainingEnabled_)
      link(previous, block);
    if (options_.log != nullptr && (options_.logExec || options_.logCpu))
      logBlockEntry(*block);
    enterBlock(cpu, block);
    BlockExit exit = block->records[0].handler(*this, env_, block->records.data());
    switch (exit) {
    case BlockExit::Lookup: break; // current_ is the block that finished: link it to the next one
    case BlockExit::Resync: current_ = nullptr; break;
    case BlockExit::FlushCode:
      invalidateAll();
      current_ = nullptr;
      break;
    case BlockExit::Trap: current_ = nullptr; return StopReason::Trap;
    }
  }
}

template <SemanticsEnv Env>
typename Interpreter<Env>::Block *Interpreter<Env>::lookupOrTranslate(uint64_t pc) {
  ++dispatcherLookups_;
  uint64_t flags = translationFlags();
  Block *cached = jumpCache_[jumpCacheIndex(pc)];
  if (cached != nullptr && cached->pc == pc && cached->flags == flags)
    return cached;
  auto it = blocks_.find({pc, flags});
  if (it != blocks_.end()) {
    jumpCache_[jumpCacheIndex(pc)] = it->second.get();
    return it->second.get();
  }
  return translate(pc, flags);
}

template <SemanticsEnv Env>
typename Interpreter<Env>::Block *Interpreter<Env>::translate(uint64_t pc, uint64_t flags) {
  using namespace interpreter_detail;
  ++blocksTranslated_;
  auto block = std::make_unique<Block>();
  block->pc = pc;
  block->flags = flags;
  unsigned cap = options_.oneInsnPerBlock ? 1 : kMaxBlockInstructions;
  uint64_t pageEnd = (pc & ~(kPageSize - 1)) + kPageSize;
  uint64_t current = pc;
  auto appendSynthetic = [&](Handler handler, uint64_t recordPc) {
    DecodedInstruction insn;
    insn.pc = recordPc;
    block->records.push_back({handler, insn});
  };
  for (;;) {
    DecodedInstruction insn;
    if (!fetchInstruction(env_, current, insn)) {
      // The instruction at `current` cannot be fetched: the block runs up to
      // it and then raises the fault. Not cached: the page may be mapped later.
      DecodedInstruction fault;
      fault.pc = current;
      fault.raw = static_cast<uint32_t>(env_.cpu.trapCause);
      fault.imm = static_cast<int64_t>(env_.cpu.trapValue);
      block->records.push_back({&executeFetchFault, fault});
      block->cacheable = false;
      break;
    }
    block->records.push_back({kHandlers[static_cast<size_t>(insn.opcode)], insn});
    ++block->instructionCount;
    current += insn.length;
    if (endsBlock(insn.opcode)) {
      if (insn.opcode == Opcode::Jal) {
        block->successorPc[0] = insn.pc + static_cast<uint64_t>(insn.imm);
      } else if (hasFlag(insn.opcode, kConditionalBranch)) {
        block->successorPc[0] = insn.pc + static_cast<uint64_t>(insn.imm);
        block->successorPc[1] = insn.nextPc();
      } else if (insn.opcode == Opcode::Jalr) {
        block->dynamicSuccessors = true;
      }
      break;
    }
    if (block->instructionCount >= cap || current >= pageEnd ||
        (breakpoints_ != nullptr && breakpoints_->count(current) != 0)) {
      appendSynthetic(&executeFallThrough, current);
      block->successorPc[0] = current;
      break;
    }
  }
  block->endPc = current + (block->cacheable ? 0 : 4);

  if (options_.log != nullptr && options_.logInAsm &&
      options_.logFilter.allows(block->pc, block->endPc)) {
    std::fprintf(options_.log, "IN: \n");
    for (const Record &record : block->records) {
      if (record.handler == &executeFetchFault) {
        std::fprintf(options_.log, "0x%016" PRIx64 ":  <fetch fault, cause %u>\n", record.insn.pc,
                     record.insn.raw);
      } else if (record.handler != &executeFallThrough) {
        std::fprintf(options_.log, "%s\n",
                     formatInstructionLine(record.insn, options_.disassembly).c_str());
      }
    }
    std::fprintf(options_.log, "\n");
  }

  Block *result = block.get();
  if (!block->cacheable) {
    // The previous uncached block may still be `current_` in the caller:
    // reclaim it with the retired ones.
    if (uncachedBlock_ != nullptr)
      retired_.push_back(std::move(uncachedBlock_));
    uncachedBlock_ = std::move(block);
    return result;
  }
  for (uint64_t page = block->pc / kPageSize; page <= (block->endPc - 1) / kPageSize; ++page)
    ++codePages_[page];
  jumpCache_[jumpCacheIndex(pc)] = result;
  blocks_.emplace(BlockKey{pc, flags}, std::move(block));
  return result;
}

// Fills a successor slot of `from` so its terminator chains straight to `to`.
template <SemanticsEnv Env> void Interpreter<Env>::link(Block *from, Block *to) {
  if (!from->valid || !from->cacheable || !to->valid || !to->cacheable || from->flags != to->flags)
    return;
  for (unsigned slot = 0; slot < 2; ++slot) {
    if (from->successorPc[slot] == to->pc) {
      from->successor[slot] = to;
      return;
    }
  }
  if (from->dynamicSuccessors) {
    unsigned slot = from->nextReplaced;
    from->nextReplaced ^= 1;
    from->successorPc[slot] = to->pc;
    from->successor[slot] = to;
  }
}

template <SemanticsEnv Env> void Interpreter<Env>::retire(Block *block) {
  block->valid = false;
  block->successor[0] = block->successor[1] = nullptr;
  for (uint64_t page = block->pc / interpreter_detail::kPageSize;
       page <= (block->endPc - 1) / interpreter_detail::kPageSize; ++page) {
    auto it = codePages_.find(page);
    if (it != codePages_.end() && --it->second == 0)
      codePages_.erase(it);
  }
}

// Drops every link and jump-cache entry that points at a retired block.
template <SemanticsEnv Env> void Interpreter<Env>::unlinkInvalidBlocks() {
  for (auto &entry : blocks_) {
    Block &block = *entry.second;
    for (unsigned slot = 0; slot < 2; ++slot)
      if (block.successor[slot] != nullptr && !block.successor[slot]->valid)
        block.successor[slot] = nullptr;
  }
  for (Block *&cached : jumpCache_)
    if (cached != nullptr && !cached->valid)
      cached = nullptr;
}

template <SemanticsEnv Env> void Interpreter<Env>::invalidateAll() {
  for (auto &entry : blocks_) {
    retire(entry.second.get());
    retired_.push_back(std::move(entry.second));
  }
  blocks_.clear();
  codePages_.clear();
  jumpCache_.fill(nullptr);
}

template <SemanticsEnv Env>
void Interpreter<Env>::invalidateRange(uint64_t start, uint64_t length) {
  using namespace interpreter_detail;
  if (length == 0 || codePages_.empty())
    return;
  uint64_t end = start + length < start ? ~uint64_t{0} : start + length;
  uint64_t firstPage = start / kPageSize, lastPage = (end - 1) / kPageSize;
  // Cheap filter first: does the range touch any page holding code?
  bool touchesCode = false;
  if (lastPage - firstPage < codePages_.size()) {
    for (uint64_t page = firstPage; page <= lastPage && !touchesCode; ++page)
      touchesCode = codePages_.count(page) != 0;
  } else {
    for (const auto &entry : codePages_)
      if (entry.first >= firstPage && entry.first <= lastPage) {
        touchesCode = true;
        break;
      }
  }
  if (!touchesCode)
    return;
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    Block *block = it->second.get();
    if (block->pc < end && start < block->endPc) {
      retire(block);
      retired_.push_back(std::move(it->second));
      it = blocks_.erase(it);
    } else {
      ++it;
    }
  }
  unlinkInvalidBlocks();
}

template <SemanticsEnv Env> void Interpreter<Env>::recoverAfterHostFault() {
  Block *block = current_;
  current_ = nullptr;
  if (block == nullptr)
    return;
  uint64_t faultPc = env_.cpu.pc;
  for (size_t index = 0; index < block->instructionCount; ++index) {
    if (block->records[index].insn.pc == faultPc) {
      env_.cpu.instret -= block->instructionCount - index;
      return;
    }
  }
}

template <SemanticsEnv Env> void Interpreter<Env>::logBlockEntry(const Block &block) {
  if (!options_.logFilter.allows(block.pc, block.endPc))
    return;
  if (options_.logExec)
    std::fprintf(options_.log, "Trace: 0x%016" PRIx64 " [%u instructions]\n", block.pc,
                 block.instructionCount);
  if (options_.logCpu)
    logCpuState(options_.log, env_.cpu, options_.logFpu);
}

} // namespace tiercel
