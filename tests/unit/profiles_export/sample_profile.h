// Synthetic RunProfiles for the exporter and HTML report tests: an empty one
// and a rich one with two images, symbols (one hostile to HTML, JSON and the
// folded format, one not valid UTF-8), blocks in every tier, a block in no
// image, one in no symbol, a block that retired nothing, two records sharing
// a stack (code changed at the same pc), edges, indirect targets, and events
// of every kind.
#pragma once

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "profiles/profile.h"

namespace tiercel::test {

// Breaks out of a <script>, opens a tag, ends a JSON string, ends a folded
// line, separates folded frames and folded counts.
inline const std::string kHostileSymbol = "</script><b>\"\n;x y";
// An argument that would do the same in the command line.
inline const std::string kHostileArgument = "--name=</script><b>&amp;\"'\n";
// A symbol name that is not UTF-8 (ELF names are bytes).
inline const std::string kNonUtf8Symbol = "_dl_\xff\x01weird";

inline const char *const kExecutablePath = "/tmp/guest dir/prog;v1";
inline const char *const kLoaderPath = "/lib/ld-linux-riscv64-lp64d.so.1";

inline profiles::RunProfile makeEmptyProfile() { return profiles::RunProfile{}; }

namespace detail {

// A block of `instructions` 4-byte instructions at startPc, with made-up but
// consistent guest code (hash matches), host code and host offsets. `salt`
// changes the code (a block rewritten at the same pc).
inline profiles::BlockProfile makeBlock(uint64_t startPc, profiles::TierId tier,
                                        uint32_t instructions, uint64_t executions,
                                        uint64_t translatedAtNs, uint64_t compileNs,
                                        uint32_t translations = 1, uint8_t salt = 0) {
  profiles::BlockProfile block;
  block.startPc = startPc;
  block.endPc = startPc + 4ull * instructions;
  block.tier = tier;
  block.instructionCount = instructions;
  block.executions = executions;
  block.translatedAtNs = translatedAtNs;
  block.compileNs = tier == profiles::TierId::Interpreter ? 0 : compileNs;
  block.translations = tier == profiles::TierId::Interpreter ? 0 : translations;
  for (uint32_t i = 0; i < instructions; ++i) {
    // addi a0, a0, i (0x00050513 | imm << 20), salted in the immediate.
    uint32_t word = 0x00050513u | ((i + salt) & 0xfffu) << 20;
    for (int byte = 0; byte < 4; ++byte)
      block.guestCode.push_back(static_cast<uint8_t>(word >> (8 * byte)));
  }
  block.codeHash = profiles::guestCodeHash(block.guestCode.data(), block.guestCode.size());
  if (tier != profiles::TierId::Interpreter) {
    block.hostAddress = 0x7f0000000000ull + (startPc & 0xffffff) * 8 + salt;
    for (uint32_t i = 0; i < instructions; ++i) {
      block.hostOffsets.push_back(static_cast<uint32_t>(block.hostCode.size()));
      // Host code: a few bytes per guest instruction (add/mov-like filler).
      for (uint32_t b = 0; b < 3 + i % 3; ++b)
        block.hostCode.push_back(static_cast<uint8_t>(0x48 + b + i));
    }
  }
  if (executions != 0) {
    block.edges.push_back({profiles::EdgeKind::Taken, startPc - 0x40, executions / 2});
    block.edges.push_back(
        {profiles::EdgeKind::FallThrough, block.endPc, executions - executions / 2});
  }
  return block;
}

} // namespace detail

inline profiles::RunProfile makeRichProfile() {
  using profiles::TierId;
  profiles::RunProfile profile;
  profile.tiercelVersion = "0.1.0-test";
  profile.commandLine = {"/usr/bin/tiercel-riscv64", "-tier=2", kExecutablePath, kHostileArgument};
  profile.startUnixNs = 1700000000123456789ull;
  profile.durationNs = 50'000'000;
  profile.complete = true;
  profile.exitStatus = 3;
  profile.exitSignal = 0;

  profiles::GuestImage executable;
  executable.path = kExecutablePath;
  executable.buildId = "0123456789abcdef0123456789abcdef01234567";
  executable.contentHash = 0xfeedfacecafebeefull;
  executable.loadBias = 0;
  executable.start = 0x10000;
  executable.end = 0x14000;
  executable.symbols = {
      {0x10000, 0x40, "_start"},        {0x10040, 0x100, "main"}, // 0x10140-0x10200: no symbol
      {0x10200, 0x100, kHostileSymbol}, {0x10400, 0x800, "loop_kernel"},
      {0x12000, 0, "asm_helper"}, // size 0: up to the end of the image
  };
  profiles::GuestImage loader;
  loader.path = kLoaderPath;
  loader.contentHash = 0x1122334455667788ull;
  loader.loadBias = 0x4000000000ull;
  loader.start = 0x4000000000ull;
  loader.end = 0x4000030000ull;
  loader.symbols = {
      {0x4000001000ull, 0x400, "_dl_start"},
      {0x4000002000ull, 0x100, kNonUtf8Symbol},
  };
  profile.images = {executable, loader};

  using detail::makeBlock;
  std::vector<profiles::BlockProfile> &blocks = profile.blocks;
  blocks.push_back(makeBlock(0x10000, TierId::Baseline, 8, 1, 120'000, 9'000));
  blocks.push_back(makeBlock(0x10040, TierId::Baseline, 12, 1, 140'000, 14'000));
  blocks.push_back(makeBlock(0x10080, TierId::Interpreter, 5, 3, 150'000, 0));
  blocks.push_back(makeBlock(0x10180, TierId::Baseline, 6, 40, 160'000, 6'500));
  blocks.push_back(makeBlock(0x10200, TierId::Baseline, 6, 1000, 200'000, 7'000));
  blocks.push_back(makeBlock(0x10400, TierId::Baseline, 20, 500, 300'000, 30'000, 2));
  blocks.push_back(makeBlock(0x10400, TierId::Optimized, 20, 250'000, 4'000'000, 2'500'000));
  blocks.push_back(makeBlock(0x10450, TierId::Optimized, 7, 249'999, 4'100'000, 1'500'000));
  blocks.push_back(makeBlock(0x10600, TierId::Baseline, 4, 0, 4'200'000, 3'000));
  blocks.push_back(makeBlock(0x12000, TierId::Baseline, 3, 10, 5'000'000, 2'000));
  blocks.push_back(makeBlock(0x12000, TierId::Baseline, 3, 12, 9'000'000, 2'200, 1, 7));
  blocks.push_back(makeBlock(0x4000001000ull, TierId::Baseline, 30, 1, 20'000, 40'000));
  blocks.push_back(makeBlock(0x4000001100ull, TierId::Interpreter, 4, 2, 60'000, 0));
  blocks.push_back(makeBlock(0x4000002000ull, TierId::Baseline, 5, 9, 80'000, 5'000));
  blocks.push_back(makeBlock(0x7fff0000ull, TierId::Baseline, 2, 7, 30'000'000, 1'000));
  // An indirect jump with a histogram and an overflow count.
  blocks[1].indirectTargets = {{0x10400, 400}, {0x10200, 90}};
  blocks[1].indirectOther = 11;
  blocks[1].edges.push_back({profiles::EdgeKind::Jump, 0x12000, 1});
  std::sort(blocks.begin(), blocks.end(), [](const auto &a, const auto &b) {
    return std::tie(a.startPc, a.codeHash, a.tier) < std::tie(b.startPc, b.codeHash, b.tier);
  });

  // Events: a Translate (tier 1) or TierUp (tier 2) per translation, an
  // invalidation of the rewritten block, a flush; then time order.
  for (const profiles::BlockProfile &block : blocks) {
    if (block.tier == TierId::Interpreter)
      continue;
    for (uint32_t i = 0; i < block.translations; ++i) {
      profiles::Event event;
      event.kind = block.tier == TierId::Optimized ? profiles::EventKind::TierUp
                                                   : profiles::EventKind::Translate;
      event.tier = block.tier;
      event.timeNs = block.translatedAtNs + i * 1'000'000;
      event.durationNs = block.compileNs / block.translations;
      event.pc = block.startPc;
      event.length = block.endPc - block.startPc;
      profile.events.push_back(event);
    }
  }
  profile.events.push_back(
      {profiles::EventKind::Invalidate, TierId::Baseline, 8'500'000, 0, 0x12000, 12});
  profile.events.push_back({profiles::EventKind::Flush, TierId::Baseline, 20'000'000, 0, 0, 0});
  std::sort(profile.events.begin(), profile.events.end(), [](const auto &a, const auto &b) {
    return std::tie(a.timeNs, a.pc) < std::tie(b.timeNs, b.pc);
  });
  profile.eventsDropped = 3;

  for (const profiles::BlockProfile &block : blocks) {
    profile.instructionsPerTier[static_cast<unsigned>(block.tier)] += block.estimatedInstructions();
    if (block.tier == TierId::Baseline)
      profile.translationNs += block.compileNs;
    if (block.tier == TierId::Optimized)
      profile.compileNs += block.compileNs;
    profile.blocksTranslated += block.translations;
    profile.hostCodeBytes += block.hostCode.size();
    profile.guestInstructions += block.estimatedInstructions();
  }
  profile.guestInstructions += 17; // instructions of blocks left early by traps
  profile.cacheFlushes = 1;
  profile.invalidations = 2;
  return profile;
}

} // namespace tiercel::test
