// tiercel-prof report and diff: where guest time went, and how two runs
// differ.
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "tools/tiercel-prof/prof_common.h"

namespace tiercel::prof {

namespace {

void printRunSummary(const std::string &path, const profiles::RunProfile &profile) {
  std::printf("Profile:   %s (%s)\n", path.c_str(),
              !profile.complete          ? "snapshot of a running guest"
              : profile.exitSignal != 0 ? ("complete; guest killed by signal " +
                                            std::to_string(profile.exitSignal)).c_str()
                                        : ("complete; guest exit status " +
                                           std::to_string(profile.exitStatus)).c_str());
  std::string command;
  for (const std::string &arg : profile.commandLine)
    command += (command.empty() ? "" : " ") + arg;
  std::printf("Command:   %s\n", command.empty() ? "(not recorded)" : command.c_str());
  for (size_t i = 0; i < profile.images.size(); ++i) {
    const profiles::GuestImage &image = profile.images[i];
    std::printf("%s %s [%s, %s) build-id %s, %zu function symbols\n",
                i == 0 ? "Guest:    " : "Image:    ", image.path.c_str(), hex(image.start).c_str(),
                hex(image.end).c_str(), image.buildId.empty() ? "none" : image.buildId.c_str(),
                image.symbols.size());
  }
  double seconds = double(profile.durationNs) / 1e9;
  std::printf("Run:       %s, %s guest instructions (%.1f MIPS)\n",
              duration(profile.durationNs).c_str(), withCommas(profile.guestInstructions).c_str(),
              seconds > 0 ? double(profile.guestInstructions) / seconds / 1e6 : 0.0);
  std::string tiers;
  uint64_t perTierTotal = 0;
  for (uint64_t count : profile.instructionsPerTier)
    perTierTotal += count;
  for (unsigned tier = 0; tier < profiles::kTierCount; ++tier) {
    if (!tiers.empty())
      tiers += ", ";
    tiers += std::string(profiles::tierName(static_cast<profiles::TierId>(tier))) + " " +
             percent(profile.instructionsPerTier[tier], perTierTotal) + " (" +
             withCommas(profile.instructionsPerTier[tier]) + ")";
  }
  std::printf("Tiers:     %s\n", tiers.c_str());
  std::printf("Tier 1:    %s blocks translated in %s, %s flushes, %s blocks invalidated, "
              "code cache %s KiB\n",
              withCommas(profile.blocksTranslated).c_str(), duration(profile.translationNs).c_str(),
              withCommas(profile.cacheFlushes).c_str(), withCommas(profile.invalidations).c_str(),
              withCommas(profile.hostCodeBytes / 1024).c_str());
  if (profile.compileNs != 0)
    std::printf("Tier 2:    compiling took %s\n", duration(profile.compileNs).c_str());
  if (profile.eventsDropped != 0)
    std::printf("Events:    %zu kept, %s dropped (the event log is capped)\n",
                profile.events.size(), withCommas(profile.eventsDropped).c_str());
}

} // namespace

int runReport(const std::vector<std::string> &args) {
  ParsedArgs parsed;
  std::string error;
  if (!parseArgs(args, {"--top"}, {}, parsed, error))
    return usageError("report: " + error);
  if (parsed.operands.size() != 1)
    return usageError("report: expected one profile FILE");
  uint64_t top = 20;
  if (const std::string *value = parsed.value("--top"); value && !parseCount(*value, top, error))
    return usageError("report: --top: " + error);
  profiles::RunProfile profile;
  if (!loadProfile(parsed.operands[0], profile))
    return 1;
  printRunSummary(parsed.operands[0], profile);
  uint64_t total = totalEstimatedInstructions(profile);
  if (profile.blocks.empty()) {
    std::printf("\nNo block counts: the run used the interpreter only (--tier=interp); run "
                "with tier 1 for per-block profiles.\n");
    return 0;
  }

  std::vector<FunctionTotals> functions = functionTotals(profile);
  std::printf("\nTop functions by estimated guest instructions (%s in all, %zu functions)\n",
              withCommas(total).c_str(), functions.size());
  std::printf("  %6s %6s %16s %14s %6s  %-10s %-10s %s\n", "share", "cumul", "instructions",
              "block runs", "blocks", "tier", "translate", "function");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < functions.size() && i < top; ++i) {
    const FunctionTotals &function = functions[i];
    cumulative += function.instructions;
    std::string name = function.key.name;
    if (!function.key.image.empty())
      name += "  (" + function.key.image + ")";
    std::printf("  %6s %6s %16s %14s %6" PRIu64 "  %-10s %-10s %s\n",
                percent(function.instructions, total).c_str(), percent(cumulative, total).c_str(),
                withCommas(function.instructions).c_str(), withCommas(function.executions).c_str(),
                function.blocks, tierMaskNames(function.tierMask).c_str(),
                duration(function.compileNs).c_str(), name.c_str());
  }

  std::vector<const profiles::BlockProfile *> blocks;
  for (const profiles::BlockProfile &block : profile.blocks)
    blocks.push_back(&block);
  std::sort(blocks.begin(), blocks.end(),
            [](const profiles::BlockProfile *a, const profiles::BlockProfile *b) {
              if (a->estimatedInstructions() != b->estimatedInstructions())
                return a->estimatedInstructions() > b->estimatedInstructions();
              return a < b; // file order: (startPc, codeHash, tier)
            });
  std::printf("\nTop blocks by estimated guest instructions (%zu blocks)\n", blocks.size());
  std::printf("  %6s %16s %14s %5s  %-9s %5s %-10s %7s  %s\n", "share", "instructions",
              "executions", "insns", "tier", "xlate", "translate", "host B", "block");
  for (size_t i = 0; i < blocks.size() && i < top; ++i) {
    const profiles::BlockProfile &block = *blocks[i];
    std::string symbol = profiles::symbolize(profile, block.startPc);
    std::printf("  %6s %16s %14s %5u  %-9s %5u %-10s %7zu  %s%s\n",
                percent(block.estimatedInstructions(), total).c_str(),
                withCommas(block.estimatedInstructions()).c_str(),
                withCommas(block.executions).c_str(), block.instructionCount,
                profiles::tierName(block.tier), block.translations,
                duration(block.compileNs).c_str(), block.hostCode.size(), hex(block.startPc).c_str(),
                symbol.empty() ? "" : (" " + symbol).c_str());
  }
  return 0;
}

int runDiff(const std::vector<std::string> &args) {
  ParsedArgs parsed;
  std::string error;
  if (!parseArgs(args, {"--top"}, {}, parsed, error))
    return usageError("diff: " + error);
  if (parsed.operands.size() != 2)
    return usageError("diff: expected two profiles A B");
  uint64_t top = 20;
  if (const std::string *value = parsed.value("--top"); value && !parseCount(*value, top, error))
    return usageError("diff: --top: " + error);
  profiles::RunProfile a, b;
  if (!loadProfile(parsed.operands[0], a) || !loadProfile(parsed.operands[1], b))
    return 1;

  auto mips = [](const profiles::RunProfile &profile) {
    return profile.durationNs ? double(profile.guestInstructions) * 1e3 / double(profile.durationNs)
                              : 0.0;
  };
  std::printf("A: %s\nB: %s\n\n", parsed.operands[0].c_str(), parsed.operands[1].c_str());
  std::printf("  %-26s %18s %18s\n", "", "A", "B");
  std::printf("  %-26s %18s %18s\n", "run time", duration(a.durationNs).c_str(),
              duration(b.durationNs).c_str());
  std::printf("  %-26s %18s %18s\n", "guest instructions", withCommas(a.guestInstructions).c_str(),
              withCommas(b.guestInstructions).c_str());
  std::printf("  %-26s %18.1f %18.1f\n", "MIPS", mips(a), mips(b));
  std::printf("  %-26s %18s %18s\n", "blocks translated", withCommas(a.blocksTranslated).c_str(),
              withCommas(b.blocksTranslated).c_str());
  std::printf("  %-26s %18s %18s\n", "translation time", duration(a.translationNs).c_str(),
              duration(b.translationNs).c_str());
  std::printf("  %-26s %18s %18s\n", "tier-2 compile time", duration(a.compileNs).c_str(),
              duration(b.compileNs).c_str());
  std::printf("  %-26s %18s %18s\n", "flushes / invalidations",
              (withCommas(a.cacheFlushes) + " / " + withCommas(a.invalidations)).c_str(),
              (withCommas(b.cacheFlushes) + " / " + withCommas(b.invalidations)).c_str());
  if (!a.images.empty() && !b.images.empty() && a.images[0].contentHash != b.images[0].contentHash)
    std::printf("\nNote: the guest executables differ (%s vs %s); functions are matched by name.\n",
                a.images[0].path.c_str(), b.images[0].path.c_str());

  // Functions by name: share of each run's estimated instructions.
  uint64_t totalA = totalEstimatedInstructions(a), totalB = totalEstimatedInstructions(b);
  struct Row {
    uint64_t a = 0, b = 0;
  };
  std::map<std::string, Row> rows;
  for (const FunctionTotals &function : functionTotals(a))
    rows[function.key.name].a += function.instructions;
  for (const FunctionTotals &function : functionTotals(b))
    rows[function.key.name].b += function.instructions;
  auto share = [](uint64_t part, uint64_t whole) {
    return whole ? 100.0 * double(part) / double(whole) : 0.0;
  };
  std::vector<std::pair<std::string, Row>> sorted;
  for (const auto &[name, row] : rows)
    if (row.a != 0 || row.b != 0)
      sorted.emplace_back(name, row);
  std::sort(sorted.begin(), sorted.end(), [&](const auto &x, const auto &y) {
    double dx = std::abs(share(x.second.b, totalB) - share(x.second.a, totalA));
    double dy = std::abs(share(y.second.b, totalB) - share(y.second.a, totalA));
    if (dx != dy)
      return dx > dy;
    uint64_t wx = std::max(x.second.a, x.second.b), wy = std::max(y.second.a, y.second.b);
    return wx != wy ? wx > wy : x.first < y.first;
  });
  std::printf("\nFunctions whose share of guest instructions changed most (A -> B)\n");
  std::printf("  %8s %8s %9s %16s %16s  %s\n", "A", "B", "change", "A instructions",
              "B instructions", "function");
  for (size_t i = 0; i < sorted.size() && i < top; ++i) {
    const auto &[name, row] = sorted[i];
    double shareA = share(row.a, totalA), shareB = share(row.b, totalB);
    std::printf("  %7.1f%% %7.1f%% %+8.1f%% %16s %16s  %s%s\n", shareA, shareB, shareB - shareA,
                withCommas(row.a).c_str(), withCommas(row.b).c_str(), name.c_str(),
                row.a == 0 ? "  (only in B)" : row.b == 0 ? "  (only in A)" : "");
  }

  // Tier decisions: which tiers ran each block start pc in each run.
  std::map<uint64_t, std::pair<uint32_t, uint32_t>> tiers;
  std::map<uint64_t, uint64_t> weight;
  for (const profiles::BlockProfile &block : a.blocks) {
    tiers[block.startPc].first |= 1u << static_cast<unsigned>(block.tier);
    weight[block.startPc] += block.estimatedInstructions();
  }
  for (const profiles::BlockProfile &block : b.blocks) {
    tiers[block.startPc].second |= 1u << static_cast<unsigned>(block.tier);
    weight[block.startPc] += block.estimatedInstructions();
  }
  std::vector<uint64_t> differing;
  for (const auto &[pc, masks] : tiers)
    if (masks.first != masks.second)
      differing.push_back(pc);
  std::sort(differing.begin(), differing.end(), [&](uint64_t x, uint64_t y) {
    return weight[x] != weight[y] ? weight[x] > weight[y] : x < y;
  });
  std::printf("\nBlocks whose tier decisions differ: %zu", differing.size());
  if (differing.empty()) {
    std::printf(" (every block ran in the same tiers)\n");
    return 0;
  }
  std::printf(", heaviest first\n  %-22s %-22s %16s  %s\n", "A tiers", "B tiers",
              "instructions", "block");
  for (size_t i = 0; i < differing.size() && i < top; ++i) {
    uint64_t pc = differing[i];
    auto [maskA, maskB] = tiers[pc];
    std::string symbol = profiles::symbolize(b, pc);
    if (symbol.empty())
      symbol = profiles::symbolize(a, pc);
    std::printf("  %-22s %-22s %16s  %s %s\n", maskA ? tierMaskNames(maskA).c_str() : "(not run)",
                maskB ? tierMaskNames(maskB).c_str() : "(not run)", withCommas(weight[pc]).c_str(),
                hex(pc).c_str(), symbol.c_str());
  }
  return 0;
}

} // namespace tiercel::prof
