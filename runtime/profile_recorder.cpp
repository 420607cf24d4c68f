// The run's profile records (see profile_recorder.h).
#include "runtime/profile_recorder.h"

#include <time.h>

#include <algorithm>
#include <tuple>

namespace tiercel {

using profiles::BlockProfile;
using profiles::Event;
using profiles::EventKind;

namespace {
uint64_t clockNs(clockid_t clock) {
  timespec now;
  clock_gettime(clock, &now);
  return uint64_t(now.tv_sec) * 1'000'000'000 + uint64_t(now.tv_nsec);
}
} // namespace

uint64_t ProfileRecorder::monotonicNs() { return clockNs(CLOCK_MONOTONIC); }

ProfileRecorder::ProfileRecorder()
    : startMonotonicNs_(clockNs(CLOCK_MONOTONIC)), startUnixNs_(clockNs(CLOCK_REALTIME)) {}

uint64_t ProfileRecorder::elapsedNs() const { return sinceStart(monotonicNs()); }

uint32_t ProfileRecorder::noteTranslation(profiles::TierId tier, uint64_t pc, uint64_t endPc,
                                          const uint8_t *guestCode, uint32_t instructionCount,
                                          uint64_t startNs, uint64_t durationNs) {
  size_t length = endPc - pc;
  uint64_t hash = profiles::guestCodeHash(guestCode, length);
  addEvent({EventKind::Translate, tier, startNs, durationNs, pc, length});
  auto [it, inserted] = index_.try_emplace(Key{pc, endPc, hash, tier},
                                           static_cast<uint32_t>(records_.size()));
  if (!inserted) {
    BlockProfile &record = records_[it->second];
    ++record.translations;
    record.compileNs += durationNs;
    return it->second;
  }
  BlockProfile &record = records_.emplace_back();
  record.startPc = pc;
  record.endPc = endPc;
  record.codeHash = hash;
  record.tier = tier;
  record.instructionCount = instructionCount;
  record.translatedAtNs = startNs;
  record.compileNs = durationNs;
  record.translations = 1;
  record.guestCode.assign(guestCode, guestCode + length);
  return it->second;
}

void ProfileRecorder::noteInvalidation(uint64_t pc, uint64_t length, uint64_t blocksDropped) {
  invalidations_ += blocksDropped;
  addEvent({EventKind::Invalidate, profiles::TierId::Baseline, elapsedNs(), 0, pc, length});
}

void ProfileRecorder::noteFlush() {
  ++flushes_;
  addEvent({EventKind::Flush, profiles::TierId::Baseline, elapsedNs(), 0, 0, 0});
}

void ProfileRecorder::addEvent(const Event &event) {
  if (events_.size() < kMaxEvents)
    events_.push_back(event);
  else
    ++eventsDropped_;
}

void addEdgeCount(BlockProfile &block, profiles::EdgeKind kind, uint64_t targetPc,
                  uint64_t count) {
  for (profiles::Edge &edge : block.edges)
    if (edge.kind == kind && edge.targetPc == targetPc) {
      edge.count += count;
      return;
    }
  block.edges.push_back({kind, targetPc, count});
}

void addIndirectCount(BlockProfile &block, uint64_t targetPc, uint64_t count) {
  for (profiles::IndirectTarget &target : block.indirectTargets)
    if (target.targetPc == targetPc) {
      target.count += count;
      return;
    }
  block.indirectTargets.push_back({targetPc, count});
}

void sortForProfile(std::vector<BlockProfile> &blocks) {
  std::sort(blocks.begin(), blocks.end(), [](const BlockProfile &a, const BlockProfile &b) {
    return std::tie(a.startPc, a.codeHash, a.tier) < std::tie(b.startPc, b.codeHash, b.tier);
  });
  for (BlockProfile &block : blocks) {
    // Ties by kind and target, so equal profiles are equal files.
    std::sort(block.edges.begin(), block.edges.end(),
              [](const profiles::Edge &a, const profiles::Edge &b) {
                return std::tuple(b.count, a.kind, a.targetPc) < std::tuple(a.count, b.kind, b.targetPc);
              });
    std::sort(block.indirectTargets.begin(), block.indirectTargets.end(),
              [](const profiles::IndirectTarget &a, const profiles::IndirectTarget &b) {
                return std::tuple(b.count, a.targetPc) < std::tuple(a.count, b.targetPc);
              });
  }
}

} // namespace tiercel
