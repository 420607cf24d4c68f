// Tier 1 for Linux user mode: the dispatcher around the copy-and-patch
// translator (jit/translator.h). Same contract as the interpreter
// (machine/interpreter/interpreter.h): run() until a trap or an exit
// request, with cpu.pc and cpu.instret exact at every return.
//
// - Blocks are found by (pc, flags) in a hash map backed by the per-hart
//   jump cache that jalr stencils probe inline.
// - A direct exit returns its ExitRecord the first time; the dispatcher then
//   chains it (patches the Jump to the successor block), so the steady state
//   never leaves generated code except for jump-cache misses and traps.
// - Host faults on guest memory: the run loop siglongjmps out of generated
//   code; recoverAfterHostFault(hostPc) maps the host pc to the guest
//   instruction (per-block host offset table) and fixes cpu.pc and instret.
// - Self-modifying code: the pages code is translated from are watched
//   (AddressSpace::watchCodeRange); a guest store to one stops the hart at
//   its next block boundary, and the dispatcher drops that page's blocks.
// - Invalidation drops blocks, unchains exits into them and clears their
//   jump-cache entries; their code is reclaimed at the next flush, which
//   happens only in the dispatcher (no generated code on the stack).
// - Threads: every guest thread runs run() on its own CpuState and UserEnv.
//   When they hold the guest lock shared (BaselineOptions::stopTheWorld is
//   set) they run in parallel: translation, chaining, jump-cache fills and
//   tier-2 scans take the engine's mutex; everything that changes code
//   another thread may be running (a flush, dropping written code,
//   invalidation, tier-2 installs) runs inside stopTheWorld, with every
//   other thread parked outside generated code. Chaining patches one
//   4-byte jump field that never crosses a cache line, and jump-cache
//   entries are written and read as one 16-byte access, so a thread
//   running concurrently sees the old or the new target, never a mix.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "jit/host_disassembler.h"
#include "jit/translator.h"
#include "runtime/jitdump.h"
#include "runtime/perf_map.h"
#include "runtime/profile_recorder.h"
#include "runtime/user/lockstep.h"
#include "runtime/user/region_tier.h"
#include "machine/interpreter/interpreter.h"
#include "runtime/user/user_env.h"

namespace tiercel::user {

// The instructions of the guest block at `pc` as the tiers cut blocks: up
// to the first one that ends a block, `cap` of them, the page end, or a
// breakpoint (never the first instruction). The code pages are watched for
// guest writes before they are read, so a store that races the decoding is
// seen; `allWatched` is false when one could not be. A fetch that fails
// ends the block before it; on the first instruction it returns false, with
// the fault recorded in env.cpu (trapCause, trapValue).
struct GuestBlock {
  std::vector<DecodedInstruction> instructions;
  uint64_t endPc = 0;
  bool terminated = false; // the last instruction ends the block
  bool allWatched = true;
};
inline constexpr unsigned kMaxBlockInstructions = 128;
bool decodeGuestBlock(UserEnv &env, AddressSpace &space, uint64_t pc, unsigned cap,
                      const std::unordered_set<uint64_t> *breakpoints, GuestBlock &out);

struct BaselineOptions {
  size_t codeCacheBytes = size_t{256} << 20; // -tb-size
  bool counters = true;                      // --no-counters turns them off
  bool chaining = true;                      // -d nochain turns it off
  bool oneInsnPerBlock = false;
  bool perfMap = false; // -perfmap: name each block in /tmp/perf-PID.map
  bool jitDump = false;  // -jitdump: perf's jitdump with guest pcs as line numbers
  std::string guestPath; // the jitdump's "source file" name
  bool lockstep = false; // --lockstep: check each instruction against the reference
  ProfileRecorder *profile = nullptr; // -profile: note translations and counts here
  FILE *log = nullptr;
  bool logInAsm = false, logOutAsm = false, logExec = false, logCpu = false;
  bool logFpu = false;  // -d fpu: FP registers in the -d cpu dump
  bool logTier = false; // -d tier: translations, invalidations, flushes
  DisassemblyOptions disassembly;
  LogFilter logFilter; // -dfilter
  bool tier2 = false;   // --tier=tiered or llvm: tier 2 on top (region_tier.h)
  RegionTierOptions tier2Options;
  // Set when guest threads run in parallel (they hold the guest lock
  // shared): runs `body` with every other guest thread stopped outside
  // generated code (the lock held exclusively). Unset: body runs at once.
  std::function<void(const std::function<void()> &body)> stopTheWorld;
};

class BaselineEngine {
public:
  // `space` is the process's: code pages are watched for guest writes.
  // `engineEnv` is the engine's own (tier 2 decodes guest code through it;
  // its CpuState is scratch).
  static llvm::Expected<std::unique_ptr<BaselineEngine>>
  create(UserEnv &engineEnv, AddressSpace &space, const BaselineOptions &options);
  ~BaselineEngine();

  // Runs the guest thread whose registers and environment `env` holds.
  StopReason run(UserEnv &env);
  void invalidateRange(uint64_t start, uint64_t length);
  void invalidateAll();
  // A debugger's breakpoints (nullptr: none). While set, run() returns
  // StopReason::Breakpoint when it reaches one of these pcs, blocks end
  // before them, and neither chaining nor the jump cache is used, so every
  // block comes back to the dispatcher. Call again whenever the set changes.
  void setBreakpoints(const std::unordered_set<uint64_t> *breakpoints);
  // After a siglongjmp out of generated code at hostPc, on the thread
  // whose registers are `cpu`.
  void recoverAfterHostFault(CpuState &cpu, uint64_t hostPc);
  // A guest fork, from the dispatcher's syscall path (no generated code on
  // the stack). The child gets a code cache of its own: the exec view is
  // shared memory, which fork() would otherwise leave shared with the
  // parent. It starts with an empty tier-1 cache; tier-2 regions, the
  // perf map and the jitdump go on in files of the child's pid.
  void beforeFork();
  void afterForkInParent();
  // `forking`: the registers of the thread that forked, the child's only one.
  llvm::Error afterForkInChild(const CpuState &forking);
  // A guest thread starts (before it first runs) or ends, with the world
  // stopped: with counters on, each gets its own copy of them
  // (CpuState::counterOffset; jit/code_cache.h, "Per-thread data views").
  void threadStarted(CpuState &cpu);
  void threadEnded(CpuState &cpu);

  uint64_t blocksTranslated() const { return blocksTranslated_; }
  uint64_t instructionsTranslated() const { return instructionsTranslated_; }
  uint64_t translationNanoseconds() const { return translationNanoseconds_; }
  uint64_t cacheFlushes() const { return cacheFlushes_; }
  uint64_t blocksInvalidated() const { return blocksInvalidated_; }
  // Guest instructions run in tier 1, from its counters (0 without them):
  // executions of each block times its length, including blocks flushed.
  uint64_t tier1InstructionsEstimate() const;
  // Translation time per guest instruction: the median over the blocks
  // translated so far (what bench/ reports as translation speed).
  double medianTranslationNanosecondsPerInstruction() const;
  // One line for --summary; `instructions` is what every thread retired.
  std::string summary(uint64_t instructions) const;
  const jit::CodeCache &codeCache() const { return *cache_; }
  const RegionTier *regionTier() const { return tier2_.get(); } // null without tier 2
  // The profile's block records with the counts of the blocks in the code
  // cache added (options.profile must be set).
  std::vector<profiles::BlockProfile> profileBlocks() const;

private:
  BaselineEngine(AddressSpace &space, const BaselineOptions &options)
      : space_(space), options_(options) {}
  void dropWrittenCode();
  // Runs body with the world stopped (options_.stopTheWorld), or at once.
  void stopped(const std::function<void()> &body);
  // With mutex_ held. Null when the fetch faulted (recorded in env.cpu) or
  // when the code cache is full (`full` set: flush with the world stopped
  // and try again).
  jit::Block *lookupOrTranslate(UserEnv &env, uint64_t pc, bool &full);
  jit::Block *translate(UserEnv &env, uint64_t pc, bool &full);
  void setJumpCache(uint64_t pc, const void *code);
  void handleExit(jit::ExitRecord &exit, jit::Block &next);
  void noteIndirectTarget(const jit::ExitRecord &exit, const CpuState &cpu);
  void retire(jit::Block &block);
  enum class FlushReason : uint8_t { CacheFull, Fork };
  void flushCache(FlushReason reason);
  llvm::Error openPerfFiles(); // -perfmap, -jitdump: the files of this pid
  void addCountsToProfile(const jit::Block &block, profiles::BlockProfile &record) const;
  void addCachedCountsTo(std::vector<profiles::BlockProfile> &records) const;
  void noteInvalidation(uint64_t start, uint64_t length, uint64_t dropped);
  void logBlock(const jit::Block &block, const std::vector<DecodedInstruction> &instructions);

  AddressSpace &space_;
  BaselineOptions options_;
  // Translation, chaining, the block maps, jump-cache fills, tier-2 scans
  // and the statistics, among threads that run in parallel.
  mutable std::mutex mutex_;
  std::unique_ptr<jit::CodeCache> cache_;
  std::unique_ptr<jit::Translator> translator_;
  std::unique_ptr<jit::HostDisassembler> disassembler_; // -d out_asm
  std::unique_ptr<PerfMap> perfMap_;                    // -perfmap
  std::unique_ptr<JitDump> jitDump_;                    // -jitdump
  // --lockstep: a checker per guest thread (by its CpuState), made at its
  // first run(), gone at threadEnded. Threads take turns under --lockstep,
  // so the reference's stores and their undo never meet another thread's.
  std::unordered_map<const CpuState *, std::unique_ptr<LockstepChecker>> lockstep_; // mutex_
  LockstepChecker *lockstepFor(UserEnv &env);
  std::unique_ptr<RegionTier> tier2_;                   // tier 2, with options.tier2
  std::unordered_map<uint64_t, std::unique_ptr<jit::Block>> blocks_; // by pc (user mode: flags 0)
  std::map<uintptr_t, jit::Block *> byCode_;                         // live and retired, by entry
  std::vector<std::unique_ptr<jit::Block>> retired_;                  // until the next flush
  bool unwatchedCode_ = false;    // some code page could not be watched: fence.i drops all
  const std::unordered_set<uint64_t> *breakpoints_ = nullptr; // setBreakpoints
  bool chainingRequested_ = true; // options.chaining as given (off while breakpoints exist)
  uint64_t blocksTranslated_ = 0;
  uint64_t instructionsTranslated_ = 0;
  uint64_t translationNanoseconds_ = 0;
  uint64_t cacheFlushes_ = 0;
  uint64_t blocksInvalidated_ = 0;
  uint64_t flushedInstructions_ = 0; // tier1InstructionsEstimate() of flushed blocks
  std::vector<float> translationNsPerInstruction_; // per block
};

} // namespace tiercel::user
