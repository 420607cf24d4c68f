// Tier 1 for Linux user mode (see baseline_engine.h).
#include "runtime/user/baseline_engine.h"

#include <time.h>

#include <algorithm>
#include <cinttypes>

#include "jit/enter_generated_code.h"
#include "machine/interpreter/cpu_log.h"
#include "machine/semantics/fetch.h"
#include "machine/semantics/semantics.h"

namespace tiercel::user {

namespace {

constexpr uint64_t kPageSize = 4096;

// The environment tiercel_jit_execute_instruction runs in: the engine's,
// set by run() on this thread.
thread_local UserEnv *tHelperEnv = nullptr;

uint64_t nowNanoseconds() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return uint64_t(now.tv_sec) * 1'000'000'000 + uint64_t(now.tv_nsec);
}

} // namespace

} // namespace tiercel::user

// The CallSemantics stencil's helper: one instruction through the semantics
// compiled for the full environment (CSRs, privileged instructions).
extern "C" uint64_t tiercel_jit_execute_instruction(tiercel::CpuState *cpu,
                                                    const void *instruction, uint64_t unretired) {
  using namespace tiercel;
  const auto &insn = *static_cast<const DecodedInstruction *>(instruction);
  cpu->instret -= unretired; // exact while it runs (rdinstret, rdcycle)
  ExecStatus status = execFunctionFor<user::UserEnv>(insn.opcode)(*user::tHelperEnv, insn);
  cpu->instret += unretired;
  return static_cast<uint64_t>(status);
}

namespace tiercel::user {

llvm::Expected<std::unique_ptr<BaselineEngine>>
BaselineEngine::create(UserEnv &env, AddressSpace &space, const BaselineOptions &options) {
  BaselineOptions adjusted = options;
  if (options.lockstep) {
    // One instruction per block, and every block back to the dispatcher.
    adjusted.oneInsnPerBlock = true;
    adjusted.chaining = false;
  }
  std::unique_ptr<BaselineEngine> engine(new BaselineEngine(space, adjusted));
  engine->chainingRequested_ = adjusted.chaining;
  // Data: the jump cache (64 KiB) plus counters, about 1/8 of the code.
  auto cache = jit::CodeCache::create(options.codeCacheBytes, options.codeCacheBytes / 8 + (1 << 20));
  if (!cache)
    return cache.takeError();
  engine->cache_ = std::move(*cache);
  auto translator = jit::Translator::create(*engine->cache_,
                                            reinterpret_cast<const void *>(&tiercel_jit_execute_instruction));
  if (!translator)
    return translator.takeError();
  engine->translator_ = std::move(*translator);
  if (llvm::Error error = engine->openPerfFiles())
    return std::move(error);
  if (adjusted.tier2) {
    RegionTierOptions tier2 = adjusted.tier2Options;
    if (options.logTier)
      tier2.log = options.log;
    if (engine->perfMap_ != nullptr || engine->jitDump_ != nullptr) {
      BaselineEngine *self = engine.get();
      tier2.announce = [self](const void *code, uint64_t bytes, uint64_t entryPc) {
        char name[48];
        std::snprintf(name, sizeof name, "region:0x%" PRIx64, entryPc);
        if (self->perfMap_ != nullptr)
          self->perfMap_->add(code, bytes, name);
        if (self->jitDump_ != nullptr) {
          const JitDump::LineEntry entry[] = {{static_cast<const uint8_t *>(code), entryPc}};
          self->jitDump_->addCode(code, bytes, name, entry, self->options_.guestPath);
        }
      };
    }
    auto regions = RegionTier::create(tier2, env, space, *engine->translator_, engine->blocks_);
    if (!regions)
      return regions.takeError();
    engine->tier2_ = std::move(*regions);
  }
  if (options.log != nullptr && options.logOutAsm) {
    auto disassembler = jit::HostDisassembler::create();
    if (!disassembler)
      return disassembler.takeError();
    engine->disassembler_ = std::move(*disassembler);
  }
  return engine;
}

BaselineEngine::~BaselineEngine() = default;

void BaselineEngine::stopped(const std::function<void()> &body) {
  if (options_.stopTheWorld)
    options_.stopTheWorld(body);
  else
    body();
}

StopReason BaselineEngine::run(UserEnv &env) {
  CpuState &cpu = env.cpu;
  tHelperEnv = &env;
  uint8_t *base = cpu.memoryBase;
  LockstepChecker *lockstep = options_.lockstep ? lockstepFor(env) : nullptr;
  jit::ExitRecord *pending = nullptr; // a direct exit to chain to the next block
  for (;;) {
    if (space_.hasWrittenCodePages()) {
      stopped([&] { dropWrittenCode(); });
      pending = nullptr; // its block may be gone
    }
    if (uint32_t request = cpu.exitRequest.load(std::memory_order_relaxed); request != 0) {
      if ((request & kTierUpRequest) != 0) {
        cpu.exitRequest.fetch_and(~kTierUpRequest);
        if (tier2_ != nullptr && breakpoints_ == nullptr && tier2_->takeServiceRequest()) {
          // Installs patch code other threads may be running: with the
          // world stopped. A scan alone only reads the counters.
          uint64_t flushes = cacheFlushes_;
          if (tier2_->wantsToPatch()) {
            stopped([&] { tier2_->service(true); });
            pending = nullptr;
          } else {
            std::lock_guard lock(mutex_);
            tier2_->service(!options_.stopTheWorld);
          }
          if (cacheFlushes_ != flushes)
            pending = nullptr;
        }
      }
      if (cpu.exitRequest.load(std::memory_order_relaxed) != 0)
        return StopReason::ExitRequest;
    }
    if (breakpoints_ != nullptr && breakpoints_->count(cpu.pc) != 0) [[unlikely]]
      return StopReason::Breakpoint;
    jit::Block *block;
    {
      std::unique_lock lock(mutex_);
      bool full = false;
      block = lookupOrTranslate(env, cpu.pc, full);
      if (full) {
        // Every thread's code goes: they must all be out of it.
        lock.unlock();
        stopped([&] { flushCache(FlushReason::CacheFull); });
        pending = nullptr;
        continue;
      }
      if (block == nullptr)
        return StopReason::Trap; // the fetch at cpu.pc faulted
      if (pending != nullptr) {
        handleExit(*pending, *block);
        pending = nullptr;
      }
      if (tier2_ != nullptr && breakpoints_ == nullptr)
        tier2_->beforeEntering(*block);
    }
    if (options_.log != nullptr && (options_.logExec || options_.logCpu) &&
        options_.logFilter.allows(block->pc, block->endPc)) {
      if (options_.logExec)
        std::fprintf(options_.log, "Trace: 0x%016" PRIx64 " [%u instructions]\n", block->pc,
                     block->instructionCount);
      if (options_.logCpu)
        logCpuState(options_.log, cpu, options_.logFpu);
    }
    bool checking = lockstep != nullptr && lockstep->prepare();
    uint64_t word = tiercel_enter_generated_code(
        &cpu, base, reinterpret_cast<jit::GeneratedCode>(block->code));
    if (checking && word != static_cast<uint64_t>(jit::ExitCode::ExitRequest))
      lockstep->check();
    if (word >= jit::kFirstExitRecord) {
      auto *exit = reinterpret_cast<jit::ExitRecord *>(word);
      if (exit->kind == jit::ExitRecord::Kind::Direct) {
        // Blocks are retired only with the world stopped: exit->block is
        // as it was when this thread left it.
        if (options_.chaining && exit->block->valid)
          pending = exit;
      } else {
        noteIndirectTarget(*exit, cpu);
      }
      continue;
    }
    switch (static_cast<jit::ExitCode>(word)) {
    case jit::ExitCode::Trap: return StopReason::Trap;
    case jit::ExitCode::ExitRequest: break; // the loop's top looks at the request
    case jit::ExitCode::FlushCode:
      // fence.i: every store to a page with translations since they were
      // made is in the written-page record (watchCodeRange), so dropping
      // those pages is enough, unless a page could not be watched.
      stopped([&] {
        if (unwatchedCode_)
          invalidateAll();
        else
          dropWrittenCode();
      });
      pending = nullptr;
      break;
    case jit::ExitCode::Resync: break;
    }
  }
}

double BaselineEngine::medianTranslationNanosecondsPerInstruction() const {
  if (translationNsPerInstruction_.empty())
    return 0;
  std::vector<float> sorted = translationNsPerInstruction_;
  auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2);
  std::nth_element(sorted.begin(), middle, sorted.end());
  return *middle;
}

std::string BaselineEngine::summary(uint64_t instructions) const {
  std::lock_guard lock(mutex_);
  char line[384];
  std::snprintf(line, sizeof line,
                "tier 1: %" PRIu64 " blocks, %" PRIu64 " instructions translated, median %.1f ns "
                "per instruction (mean %.1f); code cache %zu KiB used, %" PRIu64 " flushes, %" PRIu64
                " reloads elided (%" PRIu64 " by exchanging commutative operands)",
                blocksTranslated_, instructionsTranslated_,
                medianTranslationNanosecondsPerInstruction(),
                instructionsTranslated_ ? double(translationNanoseconds_) / double(instructionsTranslated_) : 0.0,
                cache_->codeUsed() / 1024,
                cacheFlushes_, translator_->reloadsElided(), translator_->operandSwaps());
  if (tier2_ == nullptr)
    return line;
  uint64_t tier1 = std::min(instructions, tier1InstructionsEstimate());
  char split[160];
  std::snprintf(split, sizeof split,
                "\nguest instructions per tier: tier 1 %" PRIu64 " (%.1f%%), tier 2 %" PRIu64
                " (%.1f%%)\n",
                tier1, instructions ? 100.0 * double(tier1) / double(instructions) : 0.0,
                instructions - tier1,
                instructions ? 100.0 * double(instructions - tier1) / double(instructions) : 0.0);
  return std::string(line) + split + tier2_->summary();
}

// Drops the blocks of pages the guest wrote since they were translated.
void BaselineEngine::dropWrittenCode() {
  WrittenCodePages written = space_.takeWrittenCodePages();
  if (written.overflowed) {
    invalidateAll();
    return;
  }
  for (uint64_t page : written.pages)
    invalidateRange(page, AddressSpace::kPageSize);
}

// A direct exit reached `next`: chain it.
void BaselineEngine::handleExit(jit::ExitRecord &exit, jit::Block &next) {
  if (next.valid && exit.chainedTo == nullptr && exit.targetPc == next.pc)
    translator_->chain(exit, next);
}

// An indirect exit missed the jump cache with `target`: the stencil counted
// it in `other` of this thread's copy of the jalr's profile; a new target
// gets a free slot there. No lock: the copy is the thread's own, and blocks
// (with their exits) are only retired with the world stopped.
void BaselineEngine::noteIndirectTarget(const jit::ExitRecord &exit, const CpuState &cpu) {
  if (exit.profile == nullptr)
    return;
  // This thread's copy of the profile; only this thread writes it, but the
  // compile thread reads it (Block::jalrCounts), hence atomics: the count
  // is stored with release after the target, so a reader that loads a
  // nonzero count with acquire sees the target (plain moves on x86).
  auto &profile = *reinterpret_cast<jit::JalrProfile *>(
      reinterpret_cast<uintptr_t>(exit.profile) + cpu.counterOffset);
  auto load = [](const uint64_t &word) { return __atomic_load_n(&word, __ATOMIC_RELAXED); };
  auto store = [](uint64_t &word, uint64_t value) { __atomic_store_n(&word, value, __ATOMIC_RELAXED); };
  uint64_t target = cpu.pc;
  for (unsigned slot = 0; slot < jit::kJalrProfileSlots; ++slot) {
    uint64_t known = load(profile.target[slot]);
    uint64_t count = load(profile.count[slot]);
    if (known == target && (target != 0 || count != 0))
      return;
    if (known == 0 && count == 0) {
      store(profile.target[slot], target);
      __atomic_store_n(&profile.count[slot], 1, __ATOMIC_RELEASE);
      store(profile.other, load(profile.other) - 1);
      return;
    }
  }
}

void BaselineEngine::setJumpCache(uint64_t pc, const void *code) {
  jit::jumpCacheStore(translator_->jumpCache()[jit::jumpCacheIndex(pc)], pc, code);
}

jit::Block *BaselineEngine::lookupOrTranslate(UserEnv &env, uint64_t pc, bool &full) {
  auto it = blocks_.find(pc);
  jit::Block *block = it != blocks_.end() ? it->second.get() : translate(env, pc, full);
  // Without chaining every block returns here (-d nochain, -d exec,
  // --lockstep), so jalr must not find its target in the jump cache.
  if (block != nullptr && options_.chaining)
    setJumpCache(pc, block->code);
  return block;
}

bool decodeGuestBlock(UserEnv &env, AddressSpace &space, uint64_t pc, unsigned cap,
                      const std::unordered_set<uint64_t> *breakpoints, GuestBlock &out) {
  out = {};
  uint64_t pageEnd = (pc & ~(kPageSize - 1)) + kPageSize;
  uint64_t current = pc;
  if (!space.watchCodeRange(pc, 1))
    out.allWatched = false;
  while (out.instructions.size() < cap && current < pageEnd) {
    // A breakpoint is only ever the first instruction of a block.
    if (breakpoints != nullptr && !out.instructions.empty() && breakpoints->count(current) != 0)
      break;
    // An instruction that may continue on the next page: watch that too.
    if (current + 2 == pageEnd && !space.watchCodeRange(pageEnd, 2))
      out.allWatched = false;
    DecodedInstruction insn;
    if (!fetchInstruction(env, current, insn)) {
      if (out.instructions.empty())
        return false;
      break; // the block ends before it; the next lookup faults
    }
    out.instructions.push_back(insn);
    current += insn.length;
    if (endsBlock(insn.opcode)) {
      out.terminated = true;
      break;
    }
  }
  out.endPc = current;
  return true;
}

jit::Block *BaselineEngine::translate(UserEnv &env, uint64_t pc, bool &full) {
  uint64_t start = nowNanoseconds();
  CpuState &cpu = env.cpu;
  unsigned cap = options_.oneInsnPerBlock ? 1 : kMaxBlockInstructions;
  GuestBlock decoded;
  bool fetched = decodeGuestBlock(env, space_, pc, cap, breakpoints_, decoded);
  if (!decoded.allWatched)
    unwatchedCode_ = true;
  if (!fetched) {
    cpu.pc = pc; // the env recorded cause and tval
    return nullptr;
  }
  const std::vector<DecodedInstruction> &instructions = decoded.instructions;
  uint64_t current = decoded.endPc;
  bool terminated = decoded.terminated;
  jit::TranslatorOptions translatorOptions{options_.counters};
  std::unique_ptr<jit::Block> block =
      translator_->translate(instructions, current, terminated, translatorOptions);
  if (block == nullptr) {
    if (blocks_.empty() && retired_.empty()) {
      std::fprintf(stderr, "tiercel-riscv64: internal error: a block of %zu instructions does not "
                           "fit the empty code cache (-tb-size too small?)\n",
                   instructions.size());
      std::abort();
    }
    full = true; // the caller flushes with the world stopped and comes back
    return nullptr;
  }
  uint64_t elapsed = nowNanoseconds() - start;
  ++blocksTranslated_;
  instructionsTranslated_ += instructions.size();
  translationNanoseconds_ += elapsed;
  translationNsPerInstruction_.push_back(static_cast<float>(elapsed) /
                                         static_cast<float>(instructions.size()));
  if (options_.log != nullptr && (options_.logInAsm || options_.logOutAsm) &&
      options_.logFilter.allows(pc, current))
    logBlock(*block, instructions);
  if (options_.log != nullptr && options_.logTier)
    std::fprintf(options_.log,
                 "tier: translate 0x%" PRIx64 "..0x%" PRIx64 " tier 1: %zu instructions, %u host "
                 "bytes, %" PRIu64 " ns\n",
                 pc, current, instructions.size(), block->codeSize, elapsed);
  jit::Block *result = block.get();
  if (options_.profile != nullptr)
    result->profileIndex = options_.profile->noteTranslation(
        profiles::TierId::Baseline, pc, current, cpu.memoryBase + pc,
        static_cast<uint32_t>(instructions.size()), options_.profile->sinceStart(start), elapsed);
  if (perfMap_ != nullptr || jitDump_ != nullptr) {
    char name[48];
    std::snprintf(name, sizeof name, "guest:0x%" PRIx64, pc);
    if (perfMap_ != nullptr)
      perfMap_->add(result->code, result->codeSize, name);
    if (jitDump_ != nullptr) {
      std::vector<JitDump::LineEntry> lines;
      lines.reserve(result->instructions.size() + 1);
      lines.push_back({result->code, pc}); // the block entry counts as its first instruction
      for (const jit::Block::InstructionPlace &place : result->instructions)
        lines.push_back({result->code + place.hostOffset, place.guestPc});
      jitDump_->addCode(result->code, result->codeSize, name, lines, options_.guestPath);
    }
  }
  byCode_[reinterpret_cast<uintptr_t>(result->code)] = result;
  blocks_[pc] = std::move(block);
  if (tier2_ != nullptr)
    tier2_->blockTranslated(*result);
  return result;
}

void BaselineEngine::logBlock(const jit::Block &block,
                              const std::vector<DecodedInstruction> &instructions) {
  if (options_.logInAsm) {
    std::fprintf(options_.log, "IN: \n");
    for (const DecodedInstruction &insn : instructions)
      std::fprintf(options_.log, "%s\n", formatInstructionLine(insn, options_.disassembly).c_str());
    std::fprintf(options_.log, "\n");
  }
  if (options_.logOutAsm && disassembler_ != nullptr) {
    std::fprintf(options_.log, "OUT: [size=%u]\n%s\n", block.codeSize,
                 disassembler_->formatBlock(block.code, block.codeSize,
                                            reinterpret_cast<uint64_t>(block.code))
                     .c_str());
  }
}

// Unlinks a block: exits chained into it go back to their stubs, its
// jump-cache entry is cleared, and its own exits stop counting as incoming
// elsewhere. Its code stays until the next flush.
void BaselineEngine::retire(jit::Block &block) {
  block.valid = false;
  for (jit::ExitRecord *exit : block.incoming)
    if (exit->chainedTo == &block && exit->block->valid)
      translator_->unchain(*exit);
  block.incoming.clear();
  for (unsigned i = 0; i < block.exitCount; ++i)
    if (jit::ExitRecord &exit = block.exits[i]; exit.chainedTo != nullptr) {
      auto &incoming = exit.chainedTo->incoming;
      incoming.erase(std::remove(incoming.begin(), incoming.end(), &exit), incoming.end());
      exit.chainedTo = nullptr;
    }
  jit::JumpCacheEntry &cached = translator_->jumpCache()[jit::jumpCacheIndex(block.pc)];
  if (cached.pc == block.pc)
    jit::jumpCacheStore(cached, 1, nullptr);
}

void BaselineEngine::invalidateRange(uint64_t start, uint64_t length) {
  if (length == 0)
    return;
  uint64_t end = start + length < start ? ~uint64_t{0} : start + length;
  if (tier2_ != nullptr)
    tier2_->invalidateRange(start, length); // while the tier-1 entries are still valid
  uint64_t dropped = 0;
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    jit::Block *block = it->second.get();
    if (block->pc < end && start < block->endPc) {
      retire(*block);
      retired_.push_back(std::move(it->second));
      it = blocks_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  noteInvalidation(start, length, dropped);
}

void BaselineEngine::setBreakpoints(const std::unordered_set<uint64_t> *breakpoints) {
  breakpoints_ = breakpoints != nullptr && !breakpoints->empty() ? breakpoints : nullptr;
  options_.chaining = breakpoints_ == nullptr && chainingRequested_;
  invalidateAll();
}

void BaselineEngine::invalidateAll() {
  if (tier2_ != nullptr)
    tier2_->invalidateAll();
  uint64_t dropped = blocks_.size();
  for (auto &entry : blocks_) {
    retire(*entry.second);
    retired_.push_back(std::move(entry.second));
  }
  blocks_.clear();
  noteInvalidation(0, ~uint64_t{0}, dropped);
}

// Counts `dropped` blocks of [start, start + length) (the whole space for
// invalidateAll) for the statistics, the profile and -d tier.
void BaselineEngine::noteInvalidation(uint64_t start, uint64_t length, uint64_t dropped) {
  if (dropped == 0)
    return;
  blocksInvalidated_ += dropped;
  if (options_.profile != nullptr)
    options_.profile->noteInvalidation(start, length, dropped);
  if (options_.log == nullptr || !options_.logTier)
    return;
  if (length == ~uint64_t{0})
    std::fprintf(options_.log, "tier: invalidate all: %" PRIu64 " blocks\n", dropped);
  else
    std::fprintf(options_.log, "tier: invalidate 0x%" PRIx64 "..0x%" PRIx64 ": %" PRIu64 " blocks\n",
                 start, start + length < start ? ~uint64_t{0} : start + length, dropped);
}

// A block's counters and host code into its profile record. The code cache
// is about to forget them (flush), or `record` is a snapshot's copy.
void BaselineEngine::addCountsToProfile(const jit::Block &block,
                                        profiles::BlockProfile &record) const {
  record.executions += block.executions();
  for (unsigned i = 0; i < block.exitCount; ++i) {
    const jit::ExitRecord &exit = block.exits[i];
    if (exit.kind == jit::ExitRecord::Kind::Indirect) {
      jit::Block::JalrCounts counts = block.jalrCounts(exit);
      for (const auto &[target, count] : counts.targets)
        addIndirectCount(record, target, count);
      record.indirectOther += counts.other;
      continue;
    }
    if (block.counters == nullptr)
      continue;
    profiles::EdgeKind kind = block.exitCount == 2 ? (i == 0 ? profiles::EdgeKind::Taken
                                                             : profiles::EdgeKind::FallThrough)
                              : exit.targetPc == block.endPc ? profiles::EdgeKind::FallThrough
                                                             : profiles::EdgeKind::Jump;
    addEdgeCount(record, kind, exit.targetPc, block.edgeCount(i));
  }
  record.hostAddress = reinterpret_cast<uint64_t>(block.code);
  record.hostCode.assign(block.code, block.code + block.codeSize);
  record.hostOffsets.clear();
  for (const jit::Block::InstructionPlace &place : block.instructions)
    record.hostOffsets.push_back(place.hostOffset);
}

std::vector<profiles::BlockProfile> BaselineEngine::profileBlocks() const {
  std::vector<profiles::BlockProfile> records = options_.profile->records();
  addCachedCountsTo(records);
  return records;
}

// Every block in the code cache adds its counts to its record. Retired
// ones first: a live block's host code is the newer one.
void BaselineEngine::addCachedCountsTo(std::vector<profiles::BlockProfile> &records) const {
  for (const auto &block : retired_)
    addCountsToProfile(*block, records[block->profileIndex]);
  for (const auto &[pc, block] : blocks_)
    addCountsToProfile(*block, records[block->profileIndex]);
}

uint64_t BaselineEngine::tier1InstructionsEstimate() const {
  uint64_t total = flushedInstructions_;
  for (const auto &block : retired_)
    total += block->executions() * block->instructionCount;
  for (const auto &[pc, block] : blocks_)
    total += block->executions() * block->instructionCount;
  return total;
}

// Only from the dispatcher: no generated code is on the stack.
void BaselineEngine::flushCache(FlushReason reason) {
  flushedInstructions_ = tier1InstructionsEstimate();
  if (options_.profile != nullptr) {
    addCachedCountsTo(options_.profile->mutableRecords());
    options_.profile->noteFlush();
  }
  if (options_.log != nullptr && options_.logTier && reason == FlushReason::CacheFull)
    std::fprintf(options_.log, "tier: flush: code cache full (%zu KiB), %zu blocks dropped\n",
                 cache_->codeUsed() / 1024, blocks_.size() + retired_.size());
  if (tier2_ != nullptr)
    tier2_->cacheFlushed();
  blocks_.clear();
  retired_.clear();
  byCode_.clear();
  for (uint64_t i = 0; i < jit::kJumpCacheEntries; ++i)
    jit::jumpCacheStore(translator_->jumpCache()[i], 1, nullptr);
  cache_->flush();
  ++cacheFlushes_;
}

void BaselineEngine::beforeFork() {
  if (tier2_ != nullptr)
    tier2_->beforeFork();
}

void BaselineEngine::threadStarted(CpuState &cpu) {
  cpu.counterOffset = 0;
  if (!options_.counters)
    return;
  auto offset = cache_->acquireDataView();
  if (!offset) {
    // Correct, only slower: its counts land in (and contend for) the
    // first view's counters.
    std::fprintf(stderr, "tiercel-riscv64: warning: %s; the new thread shares the first "
                         "thread's counters\n", llvm::toString(offset.takeError()).c_str());
    cpu.counterOffset = cache_->shareFirstDataView();
    return;
  }
  cpu.counterOffset = *offset;
}

void BaselineEngine::threadEnded(CpuState &cpu) {
  if (options_.counters)
    cache_->releaseDataView(cpu.counterOffset);
  if (options_.lockstep) {
    std::lock_guard lock(mutex_);
    lockstep_.erase(&cpu);
  }
}

LockstepChecker *BaselineEngine::lockstepFor(UserEnv &env) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<LockstepChecker> &checker = lockstep_[&env.cpu];
  if (checker == nullptr)
    checker = std::make_unique<LockstepChecker>(env, stderr);
  return checker.get();
}

void BaselineEngine::afterForkInParent() {
  if (tier2_ != nullptr)
    tier2_->afterForkInParent();
}

llvm::Error BaselineEngine::afterForkInChild(const CpuState &forking) {
  cache_->keepOnlyDataView(forking.counterOffset);
  if (llvm::Error error = cache_->detachAfterFork())
    return error;
  flushCache(FlushReason::Fork);
  if (tier2_ != nullptr)
    tier2_->afterForkInChild();
  // perf looks for the files of the pid it sees running the code.
  perfMap_.reset();
  jitDump_.reset();
  return openPerfFiles();
}

llvm::Error BaselineEngine::openPerfFiles() {
  if (options_.perfMap) {
    auto perfMap = PerfMap::open();
    if (!perfMap)
      return perfMap.takeError();
    perfMap_ = std::move(*perfMap);
  }
  if (options_.jitDump) {
    auto jitDump = JitDump::open();
    if (!jitDump)
      return jitDump.takeError();
    jitDump_ = std::move(*jitDump);
  }
  return llvm::Error::success();
}

void BaselineEngine::recoverAfterHostFault(CpuState &cpu, uint64_t hostPc) {
  std::lock_guard lock(mutex_);
  if (tier2_ != nullptr && tier2_->ownsHostPc(hostPc))
    return; // the region stored the pc (and, precise, the state) before the access
  auto it = byCode_.upper_bound(static_cast<uintptr_t>(hostPc));
  if (it != byCode_.begin()) {
    jit::Block *block = std::prev(it)->second;
    int index = block->instructionAt(static_cast<uintptr_t>(hostPc));
    if (index >= 0) {
      cpu.pc = block->instructions[index].guestPc;
      cpu.instret -= block->instructionCount - static_cast<uint32_t>(index);
      return;
    }
  }
  if (auto checker = lockstep_.find(&cpu); checker != lockstep_.end()) {
    // The reference faulted before tier 1 ran: the real state is untouched.
    cpu.pc = checker->second->currentPc();
    return;
  }
  std::fprintf(stderr, "tiercel-riscv64: internal error: host fault at %#" PRIx64
                       " outside translated guest instructions\n", hostPc);
  std::abort();
}

} // namespace tiercel::user
