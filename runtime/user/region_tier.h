// Tier 2 in Linux user mode: tier-up policy, region formation, the compile
// queue and swap-in, on top of tier 1 (baseline_engine.h), which owns it.
//
// - Hotness comes from tier 1's counters. Hot loops run chained and never
//   come back to the dispatcher, so a ticker thread raises
//   kTierUpRequest in cpu.exitRequest now and then; the dispatcher then
//   scans the blocks whose counts crossed --hot-threshold (the interval
//   backs off while nothing new gets hot). Blocks the dispatcher enters
//   are checked there too.
// - A hot block becomes the entry of a region formed from the edge profile
//   (--region=block|trace|loop, region_former in region_tier.cpp), lifted
//   (lifter/) and queued for the compile threads (jit/orc_engine.h) by
//   hotness. --tier=llvm instead forms a region from the static successors
//   of every block at first sight and compiles it before running it.
// - Swap-in, on the guest thread at its next stop: the tier-1 entry of the
//   region's first block is patched to jump to the region (so chained
//   exits, the jump cache and the dispatcher all reach it) and the jump
//   cache points at it. Results that raced an invalidation of their guest
//   code are dropped, and the region is asked for again later.
// - Invalidation (fence.i, munmap/mprotect, self-modifying code, a flush)
//   drops the regions over the range: the tier-1 entry gets its bytes back
//   and the code is freed. This only happens in the dispatcher, with no
//   generated code on the stack, so nothing runs in freed code. (With one
//   guest thread per process this is the whole story; several threads
//   will need epochs, see docs/ARCHITECTURE.md.)
// - Precise faults: while the guest catches SIGSEGV or SIGBUS, regions are
//   compiled to store registers before each guest memory access (the
//   handler reads them in its ucontext); when that changes, the regions
//   compiled the other way are dropped.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "jit/orc_engine.h"
#include "jit/translator.h"
#include "lifter/region.h"
#include "lifter/region_lifter.h"
#include "runtime/user/user_env.h"

namespace tiercel::user {

struct SignalState;

// cpu.exitRequest bit that only asks the dispatcher to look at tier 2.
inline constexpr uint32_t kTierUpRequest = 2;

enum class RegionShape : uint8_t { Block, Trace, Loop };

struct RegionTierOptions {
  bool atFirstSight = false; // --tier=llvm
  uint64_t hotThreshold = 2000;
  RegionShape shape = RegionShape::Loop;
  unsigned threads = 1;
  unsigned optLevel = 2;
  unsigned jitNice = 0; // --jit-nice (jit::OrcOptions::niceness)
  bool branchWeights = true;     // --fdo=off or --no-fdo-branch-weights turn these off
  bool speculateIndirect = true;
  bool predictReturns = true;
  unsigned maxBlocks = 64;
  unsigned maxInstructions = 2048;
  unsigned tickMicroseconds = 1000; // first tier-up check interval
  // The process's signal dispositions: regions are precise while SIGSEGV
  // or SIGBUS is caught.
  const GuestSigaction *signalActions = nullptr;
  FILE *log = nullptr; // -d tier
  FILE *optimizedIrLog = nullptr; // -d op_opt
  // Guest threads run in parallel: entries are patched and regions dropped
  // only in service(true) (with the other threads stopped), never in
  // beforeEntering.
  bool deferPatching = false;
  // Asks the guest threads to call service() (sets kTierUpRequest in their
  // exit requests); unset: the env's CpuState is asked.
  std::function<void()> poke;
  // Told about each region installed (its host code span and entry pc):
  // -perfmap and -jitdump name it for perf.
  std::function<void(const void *code, uint64_t bytes, uint64_t entryPc)> announce;
};

using BlockMap = std::unordered_map<uint64_t, std::unique_ptr<jit::Block>>;

class RegionTier {
public:
  static llvm::Expected<std::unique_ptr<RegionTier>>
  create(const RegionTierOptions &options, UserEnv &env, AddressSpace &space,
         jit::Translator &translator, const BlockMap &blocks);
  ~RegionTier();

  // Dispatcher hooks, all on the guest thread.
  // Before entering `block`: request (tiered) or compile (llvm) its region.
  void beforeEntering(jit::Block &block);
  // cpu.exitRequest had kTierUpRequest: install what is ready (only when
  // `mayPatch`: no other thread runs generated code), scan for hot blocks.
  void service(bool mayPatch = true);
  // Whether a tier-up request is outstanding (the ticker or a compile
  // thread asked); clears it. Of the threads it poked, one serves it.
  bool takeServiceRequest();
  // Whether service() has entries to patch or regions to drop (so it must
  // run with the other threads stopped).
  bool wantsToPatch() const;
  // A tier-1 block was just translated: re-point it at its region.
  void blockTranslated(jit::Block &block);
  // The tier-1 block is about to be retired (its code stays until the
  // next flush, but nothing must jump to the region through it).
  void invalidateRange(uint64_t start, uint64_t length);
  void invalidateAll();
  // Tier 1's code cache was flushed: every patched entry is gone.
  void cacheFlushed();
  // A host fault at hostPc in region code: cpu.pc (and, precise, the
  // registers) were stored before the access. False: not region code.
  bool ownsHostPc(uint64_t hostPc) const;
  // A guest fork (runtime/user/syscalls_exec.cpp), on the guest thread:
  // no compile is in progress and no lock of ours is held while fork()
  // copies the process; the child gets compile threads and a ticker of its
  // own. What was compiled or queued before stays valid in both.
  void beforeFork();
  void afterForkInParent();
  void afterForkInChild();

  // Statistics.
  uint64_t regionsCompiled() const { return compiled_; }
  uint64_t regionsLive() const { return regions_.size(); }
  uint64_t compileFailures() const { return failures_; }
  uint64_t codeBytes() const { return orc_->liveCodeBytes(); }
  uint64_t totalCompileNs() const { return totalCompileNs_; }
  double compileMillisecondsPercentile(double fraction) const;
  size_t queued() const { return orc_->queued(); }
  std::string summary() const;

private:
  RegionTier(const RegionTierOptions &options, UserEnv &env, AddressSpace &space,
             jit::Translator &translator, const BlockMap &blocks)
      : options_(options), env_(env), space_(space), translator_(translator), blocks_(blocks) {}

  struct Live {
    std::shared_ptr<const lifter::Region> region;
    void *entry = nullptr;
    uint64_t codeStart = 0, codeEnd = 0;
    llvm::orc::ResourceTrackerSP tracker;
    jit::Block *patched = nullptr; // the tier-1 entry block jumping here
    uint8_t savedEntry[16] = {};
    bool precise = false;
  };
  struct Pending {
    std::shared_ptr<const lifter::Region> region;
    uint64_t generation;
    bool precise;
  };

  bool preciseNow() const;
  void checkPrecision();
  std::shared_ptr<lifter::Region> formRegion(const jit::Block &hot);
  std::shared_ptr<lifter::Region> formStaticRegion(uint64_t pc);
  bool decodeBlock(uint64_t pc, lifter::RegionBlock &out);
  // Guest instructions of the region entered at `pc` (compiled or queued);
  // 0 when no region starts there.
  uint64_t regionInstructionsAt(uint64_t pc) const;
  void request(const jit::Block &hot);
  jit::OrcEngine::ModuleBuilder builder(std::shared_ptr<const lifter::Region> region, bool precise,
                                        const std::string &symbol) const;
  void install(jit::CompiledCode &compiled);
  void patch(Live &live, jit::Block &block);
  void unpatch(Live &live);
  void drop(std::map<uint64_t, Live>::iterator it);
  void scan();
  void noteCompiled(const jit::CompiledCode &compiled, const lifter::Region &region);
  void tick();
  void requestService();

  RegionTierOptions options_;
  std::atomic<bool> serviceRequested_{false};
  UserEnv &env_;
  AddressSpace &space_;
  jit::Translator &translator_;
  const BlockMap &blocks_;
  std::unique_ptr<jit::OrcEngine> orc_;
  std::map<uint64_t, Live> regions_;                 // by entry pc
  std::unordered_map<uint64_t, Pending> pending_;    // by job id
  std::unordered_map<uint64_t, uint64_t> requested_; // entry pc -> instructions, queued or compiling
  std::unordered_set<uint64_t> failed_;              // entry pcs that did not compile
  // Blocks inside a requested region (not its entry), with their tier-1
  // count then: they get a region of their own only if tier 1 keeps
  // running them (entered from outside), --hot-threshold more times.
  std::unordered_map<uint64_t, uint64_t> coveredAt_;
  uint64_t nextId_ = 1;
  uint64_t generation_ = 0; // bumped by every invalidation that dropped something
  bool compiledPrecise_ = false;
  uint64_t compiled_ = 0, failures_ = 0, discarded_ = 0, totalCompileNs_ = 0;
  std::vector<float> compileMs_;
  // The ticker.
  std::mutex tickMutex_;
  std::condition_variable tickWake_;
  bool stopping_ = false; // under tickMutex_
  std::atomic<unsigned> intervalMicroseconds_{1000};
  std::thread ticker_;
};

} // namespace tiercel::user
