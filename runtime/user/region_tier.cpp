// Tier 2 in Linux user mode (see region_tier.h).
#include "runtime/user/region_tier.h"

#include <algorithm>
#include <chrono>
#include <new>
#include <cinttypes>
#include <cstring>
#include <deque>

#include "runtime/helper_thread.h"
#include "runtime/user/baseline_engine.h"
#include "runtime/user/signal_frame.h"
#include "runtime/user/signals.h"

extern "C" uint64_t tiercel_jit_execute_instruction(tiercel::CpuState *cpu, const void *instruction,
                                                    uint64_t unretired);

namespace tiercel::user {

namespace {

constexpr unsigned kMaxIntervalMicroseconds = 64'000;
constexpr unsigned kStaticRegionBlocks = 16; // --tier=llvm: blocks per region
// movabs r11, imm64; jmp r11
constexpr unsigned kEntryPatchBytes = 13;

// An edge below this share of its block's executions is cold: it leaves
// the region instead of pulling its target in.
constexpr uint64_t kColdEdgeDivisor = 50; // 2%
// Region formation takes in the entry block of another region only when
// that region is this small: a dispatch block shared by an interpreter's
// handlers is worth a copy in each (one region per handler, no transition
// back to the dispatcher's region), a hot loop of hundreds of instructions
// is not worth compiling again into every region that leads into it.
constexpr uint64_t kSharedEntryInstructions = 64;

} // namespace

llvm::Expected<std::unique_ptr<RegionTier>>
RegionTier::create(const RegionTierOptions &options, UserEnv &env, AddressSpace &space,
                   jit::Translator &translator, const BlockMap &blocks) {
  std::unique_ptr<RegionTier> tier(new RegionTier(options, env, space, translator, blocks));
  RegionTier *self = tier.get();
  AllSignalsBlocked blocked; // the compile threads and the ticker inherit it
  jit::OrcOptions orcOptions;
  orcOptions.threads = options.atFirstSight ? 0 : std::max(1u, options.threads);
  orcOptions.optLevel = options.optLevel;
  orcOptions.niceness = options.jitNice;
  orcOptions.optimizedIrLog = options.optimizedIrLog;
  auto orc = jit::OrcEngine::create(
      orcOptions,
      [self] { self->requestService(); });
  if (!orc)
    return orc.takeError();
  tier->orc_ = std::move(*orc);
  tier->compiledPrecise_ = tier->preciseNow();
  if (!options.atFirstSight) {
    tier->intervalMicroseconds_ = std::max(100u, options.tickMicroseconds);
    tier->ticker_ = std::thread([self] { self->tick(); });
  }
  return tier;
}

RegionTier::~RegionTier() {
  {
    std::lock_guard lock(tickMutex_);
    stopping_ = true;
  }
  tickWake_.notify_all();
  if (ticker_.joinable())
    ticker_.join();
  // The compile threads stop with orc_; its code goes with the JIT.
}

// A condition-variable wait rather than a sleep, so that exit does not wait
// out the interval (up to 64 ms) to join the ticker.
void RegionTier::tick() {
  std::unique_lock lock(tickMutex_);
  while (!stopping_) {
    tickWake_.wait_for(lock, std::chrono::microseconds(intervalMicroseconds_.load()));
    if (stopping_)
      return;
    requestService();
  }
}

void RegionTier::requestService() {
  serviceRequested_.store(true, std::memory_order_relaxed);
  if (options_.poke)
    options_.poke();
  else
    env_.cpu.exitRequest.fetch_or(kTierUpRequest);
}

bool RegionTier::takeServiceRequest() {
  return serviceRequested_.exchange(false, std::memory_order_relaxed);
}

bool RegionTier::wantsToPatch() const {
  return preciseNow() != compiledPrecise_ || orc_->readyCount() != 0;
}

void RegionTier::beforeFork() {
  orc_->beforeFork();
  tickMutex_.lock(); // the ticker waits (or is about to) without holding it
}

void RegionTier::afterForkInParent() {
  tickMutex_.unlock();
  orc_->afterForkInParent();
}

void RegionTier::afterForkInChild() {
  AllSignalsBlocked blocked; // as at create(): the new threads inherit it
  orc_->afterForkInChild();
  new (&tickWake_) std::condition_variable();
  tickMutex_.unlock();
  if (ticker_.joinable()) {
    new (&ticker_) std::thread(); // the parent's ticker; nothing to release here
    ticker_ = std::thread([this] { tick(); });
  }
}

bool RegionTier::preciseNow() const {
  if (options_.signalActions == nullptr)
    return true; // nobody tells us: always precise
  for (int signal : {11 /* SIGSEGV */, 7 /* SIGBUS */}) {
    uint64_t handler = options_.signalActions[signal].handler;
    if (handler != kSigDfl && handler != kSigIgn)
      return true;
  }
  return false;
}

// ---- Region formation ----

uint64_t RegionTier::regionInstructionsAt(uint64_t pc) const {
  if (auto live = regions_.find(pc); live != regions_.end())
    return live->second.region->instructionCount();
  if (auto queued = requested_.find(pc); queued != requested_.end())
    return queued->second;
  return 0;
}

// One block as tier 1 cuts it (decodeGuestBlock).
bool RegionTier::decodeBlock(uint64_t pc, lifter::RegionBlock &out) {
  // A fetch that fails here is no trap: the block just ends (or is not).
  uint64_t savedCause = env_.cpu.trapCause, savedValue = env_.cpu.trapValue;
  GuestBlock decoded;
  bool fetched = decodeGuestBlock(env_, space_, pc, kMaxBlockInstructions, nullptr, decoded);
  env_.cpu.trapCause = savedCause;
  env_.cpu.trapValue = savedValue;
  if (!fetched)
    return false;
  out = {};
  out.pc = pc;
  out.instructions = std::move(decoded.instructions);
  out.endPc = decoded.endPc;
  out.terminated = decoded.terminated;
  return true;
}

// From the tier-1 profile around a hot block: the block alone, the hottest
// path out of it, or every block reached through edges that are not cold.
// A block that is the entry of another region (compiled or queued) bigger
// than kSharedEntryInstructions ends the walk: the region's exit goes there
// through the patched tier-1 entry, so one hot loop is compiled once, not
// again into every region that leads into it. A return is followed only to the return site of a call the
// region contains: a region entered inside a function does not take in the
// callers it happened to return to while tier 1 profiled it (their code
// then runs in tier 1 from every other call site, and gets hot again).
std::shared_ptr<lifter::Region> RegionTier::formRegion(const jit::Block &hot) {
  auto region = std::make_shared<lifter::Region>();
  region->entryPc = hot.pc;
  std::deque<const jit::Block *> work{&hot};
  std::unordered_set<uint64_t> included{hot.pc};
  std::unordered_set<uint64_t> returnSites; // after the calls included so far
  uint64_t instructions = 0;
  while (!work.empty()) {
    const jit::Block *block = work.front();
    work.pop_front();
    lifter::RegionBlock lifted;
    if (!decodeBlock(block->pc, lifted) || lifted.endPc != block->endPc) {
      if (block == &hot)
        return nullptr; // the code changed under tier 1: it will be retranslated
      continue;
    }
    bool returns = false;
    if (lifted.terminated && !lifted.instructions.empty()) {
      const DecodedInstruction &last = lifted.instructions.back();
      bool linkRegister = last.rd == 1 || last.rd == 5; // ra, t0 (ISA spec 2.5)
      if ((last.opcode == Opcode::Jal || last.opcode == Opcode::Jalr) && linkRegister)
        returnSites.insert(lifted.endPc);
      returns = last.opcode == Opcode::Jalr && last.rd == 0 && (last.rs1 == 1 || last.rs1 == 5);
    }
    // The profile of the block.
    lifted.executions = block->executions();
    std::vector<std::pair<uint64_t, uint64_t>> successors; // (pc, count)
    for (unsigned i = 0; i < block->exitCount; ++i) {
      const jit::ExitRecord &exit = block->exits[i];
      if (exit.kind == jit::ExitRecord::Kind::Indirect) {
        for (const auto &[target, count] : block->jalrCounts(exit).targets) {
          lifted.indirectTargets.emplace_back(target, count);
          if (!returns || returnSites.count(target) != 0)
            successors.emplace_back(target, count);
        }
        continue;
      }
      uint64_t count = block->edgeCount(i);
      if (i == 0)
        lifted.taken = count;
      else
        lifted.fallThrough = count;
      successors.emplace_back(exit.targetPc, count);
    }
    instructions += lifted.instructions.size();
    region->blocks.push_back(std::move(lifted));
    if (options_.shape == RegionShape::Block)
      break;
    std::sort(successors.begin(), successors.end(),
              [](const auto &a, const auto &b) { return a.second > b.second; });
    uint64_t executions = std::max<uint64_t>(1, block->executions());
    for (const auto &[pc, count] : successors) {
      if (count == 0 || count * kColdEdgeDivisor < executions)
        continue;
      if (options_.shape == RegionShape::Trace && count * 2 < executions)
        continue; // a trace follows only a dominant edge
      if (included.count(pc) != 0 || regionInstructionsAt(pc) > kSharedEntryInstructions)
        continue;
      auto found = blocks_.find(pc);
      if (found == blocks_.end() || !found->second->valid)
        continue;
      if (region->blocks.size() + work.size() >= options_.maxBlocks ||
          instructions + found->second->instructionCount > options_.maxInstructions)
        continue;
      included.insert(pc);
      work.push_back(found->second.get());
      if (options_.shape == RegionShape::Trace)
        break;
    }
  }
  return region;
}

// --tier=llvm: no profile yet; the blocks reached through direct edges
// (branches, jal, fall-through), breadth first.
std::shared_ptr<lifter::Region> RegionTier::formStaticRegion(uint64_t pc) {
  auto region = std::make_shared<lifter::Region>();
  region->entryPc = pc;
  std::deque<uint64_t> work{pc};
  std::unordered_set<uint64_t> included{pc};
  uint64_t instructions = 0;
  while (!work.empty() && region->blocks.size() < kStaticRegionBlocks) {
    uint64_t at = work.front();
    work.pop_front();
    lifter::RegionBlock block;
    if (!decodeBlock(at, block)) {
      if (at == pc)
        return nullptr;
      continue;
    }
    std::vector<uint64_t> successors = lifter::directSuccessors(block);
    instructions += block.instructions.size();
    region->blocks.push_back(std::move(block));
    for (uint64_t next : successors)
      if (instructions < options_.maxInstructions && included.insert(next).second)
        work.push_back(next);
  }
  return region;
}

// ---- Compiling ----

jit::OrcEngine::ModuleBuilder RegionTier::builder(std::shared_ptr<const lifter::Region> region,
                                                  bool precise, const std::string &symbol) const {
  lifter::LiftOptions lift;
  lift.branchWeights = options_.branchWeights;
  lift.speculateIndirect = options_.speculateIndirect;
  lift.predictReturns = options_.predictReturns;
  lift.preciseFaults = precise;
  lift.jumpCache = translator_.jumpCache();
  lift.helper = reinterpret_cast<const void *>(&tiercel_jit_execute_instruction);
  return [region, lift, symbol](llvm::LLVMContext &context) {
    return lifter::liftRegion(context, *region, lift, symbol);
  };
}

void RegionTier::request(const jit::Block &hot) {
  if (requested_.count(hot.pc) != 0 || failed_.count(hot.pc) != 0 || regions_.count(hot.pc) != 0)
    return;
  // Inside another region already: tier 1 runs it only when entered from
  // outside that region, and then its count grows again.
  auto covered = coveredAt_.find(hot.pc);
  if (covered != coveredAt_.end() && hot.executions() < covered->second + options_.hotThreshold)
    return;
  std::shared_ptr<lifter::Region> region = formRegion(hot);
  if (region == nullptr)
    return;
  for (const lifter::RegionBlock &block : region->blocks) {
    auto inside = blocks_.find(block.pc);
    if (block.pc != hot.pc && inside != blocks_.end())
      coveredAt_[block.pc] = inside->second->executions();
  }
  uint64_t id = nextId_++;
  char symbol[48];
  std::snprintf(symbol, sizeof symbol, "tiercel_region_%" PRIu64, id);
  requested_[hot.pc] = region->instructionCount();
  pending_[id] = {region, generation_, compiledPrecise_};
  orc_->submit(id, hot.executions(), symbol, builder(region, compiledPrecise_, symbol));
  if (options_.log != nullptr)
    std::fprintf(options_.log,
                 "tier: queue region 0x%" PRIx64 ": %zu blocks, %" PRIu64 " instructions, entry "
                 "count %" PRIu64 "\n",
                 hot.pc, region->blocks.size(), region->instructionCount(), hot.executions());
}

void RegionTier::beforeEntering(jit::Block &block) {
  if (!options_.deferPatching)
    checkPrecision();
  else if (preciseNow() != compiledPrecise_ && !serviceRequested_.load(std::memory_order_relaxed))
    requestService(); // dropping regions unpatches code: in service(true)
  if (!options_.atFirstSight) {
    if (block.counters != nullptr && block.executions() >= options_.hotThreshold)
      request(block);
    return;
  }
  if (regions_.count(block.pc) != 0 || failed_.count(block.pc) != 0)
    return;
  std::shared_ptr<lifter::Region> region = formStaticRegion(block.pc);
  if (region == nullptr)
    return;
  uint64_t id = nextId_++;
  char symbol[48];
  std::snprintf(symbol, sizeof symbol, "tiercel_region_%" PRIu64, id);
  pending_[id] = {region, generation_, compiledPrecise_};
  jit::CompiledCode compiled =
      orc_->compileNow(id, symbol, builder(region, compiledPrecise_, symbol));
  install(compiled);
}

// The guest started or stopped catching SIGSEGV/SIGBUS: regions built the
// other way go (queued ones are dropped when they arrive). sigaction is a
// syscall, so this runs before any region can run after it.
void RegionTier::checkPrecision() {
  if (preciseNow() == compiledPrecise_)
    return;
  compiledPrecise_ = !compiledPrecise_;
  for (auto it = regions_.begin(); it != regions_.end();) {
    drop(it);
    it = regions_.erase(it);
  }
  if (options_.log != nullptr)
    std::fprintf(options_.log, "tier: regions now %s fault state\n",
                 compiledPrecise_ ? "keep precise" : "do not keep precise");
}

void RegionTier::service(bool mayPatch) {
  if (mayPatch) {
    checkPrecision();
    std::vector<jit::CompiledCode> ready = orc_->takeReady();
    for (jit::CompiledCode &compiled : ready)
      install(compiled);
  }
  if (!options_.atFirstSight)
    scan();
}

void RegionTier::scan() {
  size_t before = requested_.size() + regions_.size();
  // With a backlog the compile threads cannot take more yet: scanning
  // thousands of blocks every tick would only slow the guest down.
  if (orc_->queued() >= 4 * std::max(1u, orc_->threads())) {
    intervalMicroseconds_ = std::min(intervalMicroseconds_.load() * 2, kMaxIntervalMicroseconds);
    return;
  }
  // Hottest first: a loop's header outcounts the blocks before and inside
  // it, so its region is formed first and they are then covered by it or
  // stop at it, rather than each becoming the entry of a region of its own.
  std::vector<std::pair<uint64_t, const jit::Block *>> hot;
  for (const auto &[pc, block] : blocks_)
    if (block->valid && block->counters != nullptr) {
      uint64_t executions = block->executions();
      if (executions >= options_.hotThreshold && requested_.count(pc) == 0 &&
          regions_.count(pc) == 0)
        hot.emplace_back(executions, block.get());
    }
  std::sort(hot.begin(), hot.end(),
            [](const auto &a, const auto &b) { return a.first > b.first; });
  for (const auto &[executions, block] : hot)
    request(*block);
  // Back off while nothing new gets hot; come back quickly when it does.
  bool active = requested_.size() + regions_.size() != before || orc_->queued() != 0;
  unsigned interval = intervalMicroseconds_.load();
  unsigned base = std::max(100u, options_.tickMicroseconds);
  intervalMicroseconds_ = active ? base : std::min(interval * 2, kMaxIntervalMicroseconds);
}

void RegionTier::noteCompiled(const jit::CompiledCode &compiled, const lifter::Region &region) {
  ++compiled_;
  totalCompileNs_ += compiled.buildNs + compiled.compileNs;
  compileMs_.push_back(static_cast<float>(compiled.buildNs + compiled.compileNs) / 1e6f);
  if (options_.log != nullptr)
    std::fprintf(options_.log,
                 "tier: region 0x%" PRIx64 " compiled: %zu blocks, %" PRIu64 " instructions, %" PRIu64
                 " host bytes, lift %.2f ms, compile %.2f ms, waited %.2f ms\n",
                 region.entryPc, region.blocks.size(), region.instructionCount(), compiled.codeBytes,
                 double(compiled.buildNs) / 1e6, double(compiled.compileNs) / 1e6,
                 double(compiled.queuedNs) / 1e6);
}

void RegionTier::install(jit::CompiledCode &compiled) {
  auto found = pending_.find(compiled.id);
  if (found == pending_.end()) {
    orc_->remove(compiled.tracker);
    return;
  }
  Pending pending = std::move(found->second);
  pending_.erase(found);
  uint64_t pc = pending.region->entryPc;
  requested_.erase(pc);
  if (compiled.entry == nullptr) {
    ++failures_;
    failed_.insert(pc);
    if (options_.log != nullptr)
      std::fprintf(options_.log, "tier: region 0x%" PRIx64 " failed: %s\n", pc,
                   compiled.error.c_str());
    return;
  }
  noteCompiled(compiled, *pending.region);
  if (pending.generation != generation_ || pending.precise != compiledPrecise_ ||
      regions_.count(pc) != 0) {
    // Its guest code may have changed since it was formed: ask again later.
    ++discarded_;
    orc_->remove(compiled.tracker);
    return;
  }
  Live &live = regions_[pc];
  live.region = pending.region;
  live.entry = compiled.entry;
  live.tracker = compiled.tracker;
  live.precise = pending.precise;
  live.codeStart = compiled.codeStart;
  live.codeEnd = compiled.codeEnd;
  if (options_.announce && live.codeEnd > live.codeStart)
    options_.announce(reinterpret_cast<const void *>(live.codeStart),
                      live.codeEnd - live.codeStart, pc);
  auto block = blocks_.find(pc);
  if (block != blocks_.end() && block->second->valid)
    patch(live, *block->second);
}

// ---- Swap-in and invalidation ----

void RegionTier::patch(Live &live, jit::Block &block) {
  if (block.codeSize < kEntryPatchBytes)
    return; // cannot happen with the block entry stencil; the region is then only reached by the jump cache
  jit::CodeCache &cache = translator_.cache();
  uint8_t *write = cache.writable(block.code);
  std::memcpy(live.savedEntry, write, kEntryPatchBytes);
  uint8_t jump[kEntryPatchBytes] = {0x49, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0xff, 0xe3};
  uint64_t target = reinterpret_cast<uint64_t>(live.entry);
  std::memcpy(jump + 2, &target, 8);
  std::memcpy(write, jump, kEntryPatchBytes);
  live.patched = &block;
  jit::JumpCacheEntry &cached = translator_.jumpCache()[jit::jumpCacheIndex(block.pc)];
  if (cached.pc == block.pc)
    jit::jumpCacheStore(cached, block.pc, reinterpret_cast<const void *>(live.entry));
}

void RegionTier::unpatch(Live &live) {
  if (live.patched == nullptr)
    return;
  if (live.patched->valid)
    std::memcpy(translator_.cache().writable(live.patched->code), live.savedEntry, kEntryPatchBytes);
  jit::JumpCacheEntry &cached = translator_.jumpCache()[jit::jumpCacheIndex(live.region->entryPc)];
  if (cached.code == reinterpret_cast<jit::GeneratedCode>(live.entry))
    jit::jumpCacheStore(cached, 1, nullptr);
  live.patched = nullptr;
}

void RegionTier::blockTranslated(jit::Block &block) {
  auto found = regions_.find(block.pc);
  if (found != regions_.end())
    patch(found->second, block);
}

void RegionTier::drop(std::map<uint64_t, Live>::iterator it) {
  unpatch(it->second);
  orc_->remove(it->second.tracker);
  if (options_.log != nullptr)
    std::fprintf(options_.log, "tier: drop region 0x%" PRIx64 "\n", it->first);
}

void RegionTier::invalidateRange(uint64_t start, uint64_t length) {
  uint64_t end = start + length < start ? ~uint64_t{0} : start + length;
  bool dropped = false;
  for (auto it = regions_.begin(); it != regions_.end();) {
    bool overlaps = false;
    for (const lifter::RegionBlock &block : it->second.region->blocks)
      overlaps |= block.pc < end && start < block.endPc;
    if (overlaps) {
      drop(it);
      it = regions_.erase(it);
      dropped = true;
    } else {
      ++it;
    }
  }
  // Jobs in flight may hold the old code: they are discarded on arrival.
  if (dropped || !pending_.empty())
    ++generation_;
  coveredAt_.clear(); // retranslated blocks count from zero
  failed_.clear(); // the code there may be different now
}

void RegionTier::invalidateAll() { invalidateRange(0, ~uint64_t{0}); }

void RegionTier::cacheFlushed() {
  for (auto &[pc, live] : regions_)
    live.patched = nullptr;
  coveredAt_.clear(); // retranslated blocks count from zero
}

bool RegionTier::ownsHostPc(uint64_t hostPc) const {
  for (const auto &[pc, live] : regions_)
    if (hostPc >= live.codeStart && hostPc < live.codeEnd)
      return true;
  return false;
}

double RegionTier::compileMillisecondsPercentile(double fraction) const {
  if (compileMs_.empty())
    return 0;
  std::vector<float> sorted = compileMs_;
  std::sort(sorted.begin(), sorted.end());
  size_t index = std::min(sorted.size() - 1, static_cast<size_t>(fraction * double(sorted.size())));
  return sorted[index];
}

std::string RegionTier::summary() const {
  char line[384];
  std::snprintf(line, sizeof line,
                "tier 2: %" PRIu64 " regions compiled (%zu live, %" PRIu64 " failed, %" PRIu64
                " discarded after invalidation), compile time %.1f ms in all, median %.2f ms, p99 "
                "%.2f ms per region; %" PRIu64 " KiB of code; %u compile threads, -O%u%s",
                compiled_, regions_.size(), failures_, discarded_, double(totalCompileNs_) / 1e6,
                compileMillisecondsPercentile(0.5), compileMillisecondsPercentile(0.99),
                orc_->liveCodeBytes() / 1024, orc_->threads(), options_.optLevel,
                compiledPrecise_ ? ", precise fault state" : "");
  return line;
}

} // namespace tiercel::user
