// The profile data model: what one run of Tiercel learned about its guest.
// Written at exit (and in snapshots) by the runtime, read back by
// tiercel-prof and by a later run (-profile-use). The file format is
// profiles/profile_format.h, documented in docs/PROFILE-FORMAT.md.
//
// Neutral code: no guest decoding, no host code generation here. Guest and
// host code are kept as bytes; tools disassemble them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tiercel::profiles {

// Tiers, numbered as in the file (never renumber).
enum class TierId : uint8_t { Interpreter = 0, Baseline = 1, Optimized = 2 };
inline constexpr unsigned kTierCount = 3;
const char *tierName(TierId tier); // "interp", "baseline", "optimized"

// How control leaves a block along one edge.
enum class EdgeKind : uint8_t {
  Taken = 0,       // a conditional branch's taken side
  FallThrough = 1, // a branch's not-taken side, or a block cut at its size limit
  Jump = 2,        // jal, or the one exit of a block ended by another terminator
};

struct Edge {
  EdgeKind kind = EdgeKind::Jump;
  uint64_t targetPc = 0;
  uint64_t count = 0;
};

// Targets seen by an indirect jump (jalr), most frequent first.
struct IndirectTarget {
  uint64_t targetPc = 0;
  uint64_t count = 0;
};

// One translation of guest code: a tier-1 block or a tier-2 region. A block
// translated again after invalidation with the same code is the same record
// (counts add up); with different code (self-modifying code, a new mapping)
// it is a new record with its own hash.
struct BlockProfile {
  uint64_t startPc = 0;
  uint64_t endPc = 0;    // first byte after the last instruction
  uint64_t codeHash = 0; // guestCodeHash(guestCode)
  TierId tier = TierId::Baseline;
  uint32_t instructionCount = 0;
  uint64_t executions = 0; // runs to one of its exits
  std::vector<Edge> edges;
  std::vector<IndirectTarget> indirectTargets;
  uint64_t indirectOther = 0; // indirect-jump runs to targets beyond the histogram
  uint64_t translatedAtNs = 0; // since the start of the run (first translation)
  uint64_t compileNs = 0;      // time spent translating/compiling it, all translations
  uint32_t translations = 0;   // times it was translated (1 + retranslations)
  std::vector<uint8_t> guestCode; // the guest bytes [startPc, endPc)
  // Host code of the latest translation, and where each guest instruction's
  // host code starts (instructionCount entries, increasing), for annotate.
  uint64_t hostAddress = 0;
  std::vector<uint8_t> hostCode;
  std::vector<uint32_t> hostOffsets;

  // Estimated guest instructions the block retired: executions times its
  // instruction count (early exits by traps are not counted).
  uint64_t estimatedInstructions() const { return executions * instructionCount; }
};

// A function symbol of a guest image (ELF STT_FUNC), for report and annotate.
struct Symbol {
  uint64_t address = 0; // run-time address (load bias applied)
  uint64_t size = 0;
  std::string name;
};

// An ELF image the guest ran code from: the executable, the dynamic linker.
struct GuestImage {
  std::string path;
  std::string buildId; // lowercase hex of NT_GNU_BUILD_ID, empty if none
  uint64_t contentHash = 0; // guestCodeHash of the whole file
  uint64_t loadBias = 0;
  uint64_t start = 0, end = 0; // run-time address range of its segments
  std::vector<Symbol> symbols; // sorted by address
};

enum class EventKind : uint8_t {
  Translate = 0,  // a block was translated (tier 1)
  TierUp = 1,     // a region was compiled by tier 2 and swapped in
  Invalidate = 2, // guest code changed or was unmapped: blocks dropped
  Flush = 3,      // the code cache was full and emptied
};

struct Event {
  EventKind kind = EventKind::Translate;
  TierId tier = TierId::Baseline;
  uint64_t timeNs = 0;     // since the start of the run
  uint64_t durationNs = 0; // translation/compile time, 0 for instant events
  uint64_t pc = 0;         // start pc (Translate, TierUp, Invalidate)
  uint64_t length = 0;     // guest bytes (Translate, TierUp, Invalidate)
};

struct RunProfile {
  std::string tiercelVersion;
  std::vector<std::string> commandLine;
  std::vector<GuestImage> images; // images[0] is the executable
  uint64_t startUnixNs = 0;       // wall clock at the start of the run
  uint64_t durationNs = 0;        // run time up to this profile
  bool complete = false;          // false: a snapshot of a running guest
  int32_t exitStatus = 0;         // complete: the guest's exit status
  int32_t exitSignal = 0;         // complete: the signal that ended the guest, or 0
  uint64_t guestInstructions = 0; // exact (instret)
  uint64_t instructionsPerTier[kTierCount] = {}; // estimated from block counts
  uint64_t translationNs = 0;     // tier 1, all blocks
  uint64_t compileNs = 0;         // tier 2
  uint64_t cacheFlushes = 0;
  uint64_t invalidations = 0;     // blocks dropped because their code changed
  uint64_t blocksTranslated = 0;
  uint64_t hostCodeBytes = 0;     // code cache in use at the time of the profile
  std::vector<BlockProfile> blocks; // sorted by (startPc, codeHash, tier)
  std::vector<Event> events;        // in time order; capped (eventsDropped)
  uint64_t eventsDropped = 0;
};

// 64-bit FNV-1a of the bytes: the identity of a piece of guest code.
uint64_t guestCodeHash(const uint8_t *data, size_t size);

// The function symbol of `image` holding `pc`: the last one starting at or
// below it, if its size covers pc (a size-0 symbol, as hand-written
// assembly has, reaches up to the next one); nullptr when none does.
const Symbol *findFunctionSymbol(const GuestImage &image, uint64_t pc);

// Looks up the function symbol holding `pc` in any image: "name+0x12", or
// "" when no image has one.
std::string symbolize(const RunProfile &profile, uint64_t pc);

// The sum of estimatedInstructions() over all blocks.
uint64_t totalEstimatedInstructions(const RunProfile &profile);

} // namespace tiercel::profiles
