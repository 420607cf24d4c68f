// What a run records for its profile (profiles/profile.h) while it runs:
// one record per distinct translation (start pc, end pc, guest code hash,
// tier), the run's events (translations, invalidations, flushes) and its
// counts of them. Tier-neutral: a tier notes each translation and gets the
// record's index; it adds its live counters to the records when their code
// goes away (a cache flush) and to a copy of them for a snapshot.
//
// Used from the guest thread only (snapshots are taken there too); the
// profile writer gets finished RunProfile values (runtime/profile_session.h).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "profiles/profile.h"

namespace tiercel {

class ProfileRecorder {
public:
  // The event list keeps the first kMaxEvents events (a long run with
  // self-modifying code translates without end); the rest are counted.
  static constexpr size_t kMaxEvents = size_t{1} << 18;

  ProfileRecorder();

  // Nanoseconds since the recorder was made (the start of the run).
  uint64_t elapsedNs() const;
  // The same for a CLOCK_MONOTONIC time in nanoseconds.
  uint64_t sinceStart(uint64_t monotonicNs) const {
    return monotonicNs > startMonotonicNs_ ? monotonicNs - startMonotonicNs_ : 0;
  }
  static uint64_t monotonicNs();
  uint64_t startUnixNs() const { return startUnixNs_; }

  // A translation of the `instructionCount` instructions in [pc, endPc)
  // whose bytes are `guestCode`, which began at `startNs` (elapsedNs()) and
  // took `durationNs`. Returns the index of its record.
  uint32_t noteTranslation(profiles::TierId tier, uint64_t pc, uint64_t endPc,
                           const uint8_t *guestCode, uint32_t instructionCount, uint64_t startNs,
                           uint64_t durationNs);
  // `blocksDropped` translations of [pc, pc + length) were dropped because
  // the guest changed or unmapped their code.
  void noteInvalidation(uint64_t pc, uint64_t length, uint64_t blocksDropped);
  void noteFlush();

  const std::vector<profiles::BlockProfile> &records() const { return records_; }
  // To add counts of translations whose counters go away (a cache flush).
  std::vector<profiles::BlockProfile> &mutableRecords() { return records_; }
  const std::vector<profiles::Event> &events() const { return events_; }
  uint64_t eventsDropped() const { return eventsDropped_; }
  uint64_t invalidations() const { return invalidations_; }
  uint64_t flushes() const { return flushes_; }

private:
  void addEvent(const profiles::Event &event);

  struct Key {
    uint64_t pc, endPc, hash;
    profiles::TierId tier;
    bool operator==(const Key &) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key &key) const {
      return key.hash ^ (key.pc * 0x9e3779b97f4a7c15ull) ^ (key.endPc << 7) ^
             static_cast<size_t>(key.tier);
    }
  };

  uint64_t startMonotonicNs_;
  uint64_t startUnixNs_;
  std::vector<profiles::BlockProfile> records_;
  std::unordered_map<Key, uint32_t, KeyHash> index_;
  std::vector<profiles::Event> events_;
  uint64_t eventsDropped_ = 0;
  uint64_t invalidations_ = 0;
  uint64_t flushes_ = 0;
};

// Adds `count` to the edge (kind, targetPc) of `block`, creating it.
void addEdgeCount(profiles::BlockProfile &block, profiles::EdgeKind kind, uint64_t targetPc,
                  uint64_t count);
// Adds `count` to the indirect-jump target `targetPc` of `block`.
void addIndirectCount(profiles::BlockProfile &block, uint64_t targetPc, uint64_t count);
// Orders blocks by (startPc, codeHash, tier) and each block's edges and
// indirect targets by count, largest first: the order the file keeps.
void sortForProfile(std::vector<profiles::BlockProfile> &blocks);

} // namespace tiercel
