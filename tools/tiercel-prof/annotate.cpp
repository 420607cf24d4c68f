// tiercel-prof annotate: a function's (or an address's) blocks with guest
// disassembly, per-instruction counts, branch ratios, indirect-jump targets
// and, under each guest instruction, the host code generated for it.
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "jit/host_disassembler.h"
#include "machine/isa/decoder.h"
#include "machine/isa/disassembler.h"
#include "tools/tiercel-prof/prof_common.h"

namespace tiercel::prof {

namespace {

struct GuestLine {
  uint64_t pc;
  std::string text; // formatInstructionLine
  bool isBranch = false;
};

// Decodes the block's guest bytes (kept in the profile, so this works for
// code that is gone or was generated at run time).
std::vector<GuestLine> decodeBlock(const profiles::BlockProfile &block,
                                   const DisassemblyOptions &options) {
  std::vector<GuestLine> lines;
  const std::vector<uint8_t> &code = block.guestCode;
  size_t offset = 0;
  while (offset + 2 <= code.size()) {
    uint16_t parcel = static_cast<uint16_t>(code[offset] | code[offset + 1] << 8);
    unsigned length = instructionLength(parcel);
    if (offset + length > code.size())
      break;
    uint32_t bits = parcel;
    if (length == 4)
      bits |= static_cast<uint32_t>(code[offset + 2] << 16 | code[offset + 3] << 24);
    DecodedInstruction insn = decode(bits, block.startPc + offset);
    lines.push_back({insn.pc, formatInstructionLine(insn, options), false});
    offset += length;
  }
  return lines;
}

void printHost(const jit::HostDisassembler *disassembler, const profiles::BlockProfile &block,
               uint32_t begin, uint32_t end, const char *label) {
  if (disassembler == nullptr || begin >= end || end > block.hostCode.size())
    return;
  if (label != nullptr)
    std::printf("%28s; %s\n", "", label);
  size_t undecoded = 0;
  for (const jit::HostInstruction &host :
       disassembler->disassemble(block.hostCode.data() + begin, end - begin,
                                 block.hostAddress + begin, &undecoded))
    std::printf("%28s%s:  %s\n", "", hex(host.address).c_str(), host.text.c_str());
  if (undecoded != 0)
    std::printf("%28s(%zu bytes not decoded)\n", "", undecoded);
}

void annotateBlock(const profiles::RunProfile &profile, const profiles::BlockProfile &block,
                   uint64_t total, const DisassemblyOptions &options,
                   const jit::HostDisassembler *disassembler) {
  std::string symbol = profiles::symbolize(profile, block.startPc);
  std::printf("\nBlock %s..%s %s  tier %s, %s executions, %s est. instructions (%s)\n",
              hex(block.startPc).c_str(), hex(block.endPc).c_str(), symbol.c_str(),
              profiles::tierName(block.tier), withCommas(block.executions).c_str(),
              withCommas(block.estimatedInstructions()).c_str(),
              percent(block.estimatedInstructions(), total).c_str());
  std::printf("  translated %u time%s, first at %s, %s in all; host code %zu bytes at %s\n",
              block.translations, block.translations == 1 ? "" : "s",
              duration(block.translatedAtNs).c_str(), duration(block.compileNs).c_str(),
              block.hostCode.size(), hex(block.hostAddress).c_str());
  std::vector<GuestLine> lines = decodeBlock(block, options);
  bool haveHost = disassembler != nullptr && !block.hostOffsets.empty() &&
                  block.hostOffsets.size() == lines.size();
  if (haveHost)
    printHost(disassembler, block, 0, block.hostOffsets[0], "block entry");
  for (size_t i = 0; i < lines.size(); ++i) {
    // Straight-line code: every instruction of a block runs once per execution.
    std::printf("  %14s  %s\n", withCommas(block.executions).c_str(), lines[i].text.c_str());
    if (haveHost) {
      uint32_t end = i + 1 < lines.size() ? block.hostOffsets[i + 1]
                                          : static_cast<uint32_t>(block.hostCode.size());
      printHost(disassembler, block, block.hostOffsets[i], end,
                i + 1 == lines.size() ? "(the last instruction, then the block's exits)" : nullptr);
    }
  }
  uint64_t edgeTotal = 0;
  for (const profiles::Edge &edge : block.edges)
    edgeTotal += edge.count;
  for (const profiles::Edge &edge : block.edges) {
    const char *kind = edge.kind == profiles::EdgeKind::Taken         ? "taken"
                       : edge.kind == profiles::EdgeKind::FallThrough ? "fall-through"
                                                                      : "jump";
    std::string target = profiles::symbolize(profile, edge.targetPc);
    std::printf("  exit %-12s -> %s %s: %s (%s)\n", kind, hex(edge.targetPc).c_str(),
                target.c_str(), withCommas(edge.count).c_str(),
                percent(edge.count, edgeTotal).c_str());
  }
  if (!block.indirectTargets.empty() || block.indirectOther != 0) {
    uint64_t indirectTotal = block.indirectOther;
    for (const profiles::IndirectTarget &target : block.indirectTargets)
      indirectTotal += target.count;
    std::printf("  indirect jump targets (%s in all):\n", withCommas(indirectTotal).c_str());
    for (const profiles::IndirectTarget &target : block.indirectTargets)
      std::printf("    %-20s %-32s %14s (%s)\n", hex(target.targetPc).c_str(),
                  profiles::symbolize(profile, target.targetPc).c_str(),
                  withCommas(target.count).c_str(), percent(target.count, indirectTotal).c_str());
    if (block.indirectOther != 0)
      std::printf("    %-20s %-32s %14s (%s)\n", "other targets", "",
                  withCommas(block.indirectOther).c_str(),
                  percent(block.indirectOther, indirectTotal).c_str());
  }
}

} // namespace

int runAnnotate(const std::vector<std::string> &args) {
  ParsedArgs parsed;
  std::string error;
  if (!parseArgs(args, {"--pc", "--symbol", "-M"}, {"--no-host"}, parsed, error))
    return usageError("annotate: " + error);
  if (parsed.operands.size() != 1)
    return usageError("annotate: expected one profile FILE");
  const std::string *pcText = parsed.value("--pc");
  const std::string *symbolName = parsed.value("--symbol");
  if ((pcText == nullptr) == (symbolName == nullptr))
    return usageError("annotate: give exactly one of --pc ADDR and --symbol NAME");
  DisassemblyOptions options;
  if (const std::string *style = parsed.value("-M")) {
    if (*style != "numeric" && *style != "abi")
      return usageError("annotate: -M: unknown style '" + *style + "' (numeric or abi)");
    options.abiNames = *style == "abi";
  }
  uint64_t pc = 0;
  if (pcText != nullptr && !parseAddress(*pcText, pc))
    return usageError("annotate: --pc: '" + *pcText + "' is not an address");
  profiles::RunProfile profile;
  if (!loadProfile(parsed.operands[0], profile))
    return 1;

  // The range to show: the symbol's, or just the blocks holding pc.
  uint64_t begin = pc, end = pc + 1;
  std::string title;
  if (symbolName != nullptr) {
    bool found = false;
    for (const profiles::GuestImage &image : profile.images)
      for (size_t i = 0; i < image.symbols.size() && !found; ++i)
        if (image.symbols[i].name == *symbolName) {
          const profiles::Symbol &symbol = image.symbols[i];
          begin = symbol.address;
          end = symbol.size != 0                    ? symbol.address + symbol.size
                : i + 1 < image.symbols.size() ? image.symbols[i + 1].address
                                               : image.end;
          found = true;
        }
    if (!found)
      return failure("annotate: no function named '" + *symbolName + "' in the profile's images" +
                     (profile.images.empty() ? " (the profile has no images)" : ""));
    title = *symbolName + " [" + hex(begin) + ", " + hex(end) + ")";
  } else {
    std::string symbol = profiles::symbolize(profile, pc);
    title = hex(pc) + (symbol.empty() ? "" : " " + symbol);
  }

  std::vector<const profiles::BlockProfile *> blocks;
  for (const profiles::BlockProfile &block : profile.blocks)
    if (block.startPc < end && begin < std::max(block.endPc, block.startPc + 1))
      blocks.push_back(&block);
  uint64_t total = totalEstimatedInstructions(profile), shown = 0;
  for (const profiles::BlockProfile *block : blocks)
    shown += block->estimatedInstructions();
  std::printf("%s: %zu block%s, %s est. guest instructions (%s of the run)\n", title.c_str(),
              blocks.size(), blocks.size() == 1 ? "" : "s", withCommas(shown).c_str(),
              percent(shown, total).c_str());
  if (blocks.empty()) {
    std::printf("No translated block covers it: the code never ran in a tier that counts "
                "(or never ran).\n");
    return 0;
  }
  std::unique_ptr<jit::HostDisassembler> disassembler;
  if (!parsed.flag("--no-host")) {
    auto created = jit::HostDisassembler::create();
    if (!created)
      return failure("annotate: " + llvm::toString(created.takeError()));
    disassembler = std::move(*created);
  }
  for (const profiles::BlockProfile *block : blocks)
    annotateBlock(profile, *block, total, options, disassembler.get());
  return 0;
}

} // namespace tiercel::prof
