// The JSON exporter: every field of a RunProfile, in the stable schema of
// docs/PROFILE-JSON.md (bump kJsonSchemaVersion and the document together).
// Addresses, pcs and hashes are "0x..." strings (64-bit values that a
// JavaScript number would round), counts and times are numbers, code bytes
// are hex strings.
#include <string>

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "profiles/export_common.h"

namespace tiercel::profiles::detail {
namespace {

constexpr int kJsonSchemaVersion = 1;

class JsonProfileWriter {
public:
  JsonProfileWriter(const RunProfile &profile, llvm::raw_ostream &out)
      : profile_(profile), json_(out) {}

  void write() {
    json_.object([&] {
      json_.attribute("format", "tiercel-profile-json");
      json_.attribute("schemaVersion", kJsonSchemaVersion);
      json_.attribute("tiercelVersion", text(profile_.tiercelVersion));
      json_.attributeArray("commandLine", [&] {
        for (const std::string &argument : profile_.commandLine)
          json_.value(text(argument));
      });
      json_.attribute("startUnixNs", profile_.startUnixNs);
      json_.attribute("durationNs", profile_.durationNs);
      json_.attribute("complete", profile_.complete);
      json_.attribute("exitStatus", profile_.exitStatus);
      json_.attribute("exitSignal", profile_.exitSignal);
      json_.attribute("guestInstructions", profile_.guestInstructions);
      json_.attributeObject("instructionsPerTier", [&] {
        for (unsigned tier = 0; tier < kTierCount; ++tier)
          json_.attribute(tierName(static_cast<TierId>(tier)), profile_.instructionsPerTier[tier]);
      });
      json_.attribute("estimatedInstructions", totalEstimatedInstructions(profile_));
      json_.attribute("translationNs", profile_.translationNs);
      json_.attribute("compileNs", profile_.compileNs);
      json_.attribute("cacheFlushes", profile_.cacheFlushes);
      json_.attribute("invalidations", profile_.invalidations);
      json_.attribute("blocksTranslated", profile_.blocksTranslated);
      json_.attribute("hostCodeBytes", profile_.hostCodeBytes);
      json_.attribute("eventsDropped", profile_.eventsDropped);
      json_.attributeArray("images", [&] {
        for (const GuestImage &image : profile_.images)
          writeImage(image);
      });
      json_.attributeArray("blocks", [&] {
        for (const BlockProfile &block : profile_.blocks)
          writeBlock(block);
      });
      json_.attributeArray("events", [&] {
        for (const Event &event : profile_.events)
          writeEvent(event);
      });
    });
  }

private:
  static llvm::json::Value text(llvm::StringRef value) { return validUtf8(value); }
  static llvm::json::Value hex(uint64_t value) { return hexString(value); }

  void writeImage(const GuestImage &image) {
    json_.object([&] {
      json_.attribute("path", text(image.path));
      json_.attribute("buildId", text(image.buildId));
      json_.attribute("contentHash", hex(image.contentHash));
      json_.attribute("loadBias", hex(image.loadBias));
      json_.attribute("start", hex(image.start));
      json_.attribute("end", hex(image.end));
      json_.attributeArray("symbols", [&] {
        for (const Symbol &symbol : image.symbols)
          json_.object([&] {
            json_.attribute("address", hex(symbol.address));
            json_.attribute("size", symbol.size);
            json_.attribute("name", text(symbol.name));
          });
      });
    });
  }

  void writeBlock(const BlockProfile &block) {
    json_.object([&] {
      json_.attribute("startPc", hex(block.startPc));
      json_.attribute("endPc", hex(block.endPc));
      json_.attribute("codeHash", hex(block.codeHash));
      json_.attribute("tier", tierName(block.tier));
      json_.attribute("function", text(symbolize(profile_, block.startPc)));
      json_.attribute("instructionCount", block.instructionCount);
      json_.attribute("executions", block.executions);
      json_.attribute("estimatedInstructions", block.estimatedInstructions());
      json_.attributeArray("edges", [&] {
        for (const Edge &edge : block.edges)
          json_.object([&] {
            json_.attribute("kind", edgeKindName(edge.kind));
            json_.attribute("targetPc", hex(edge.targetPc));
            json_.attribute("count", edge.count);
          });
      });
      json_.attributeArray("indirectTargets", [&] {
        for (const IndirectTarget &target : block.indirectTargets)
          json_.object([&] {
            json_.attribute("targetPc", hex(target.targetPc));
            json_.attribute("count", target.count);
          });
      });
      json_.attribute("indirectOther", block.indirectOther);
      json_.attribute("translatedAtNs", block.translatedAtNs);
      json_.attribute("compileNs", block.compileNs);
      json_.attribute("translations", block.translations);
      json_.attribute("guestCode", hexBytes(block.guestCode));
      json_.attribute("hostAddress", hex(block.hostAddress));
      json_.attribute("hostCode", hexBytes(block.hostCode));
      json_.attributeArray("hostOffsets", [&] {
        for (uint32_t offset : block.hostOffsets)
          json_.value(offset);
      });
    });
  }

  void writeEvent(const Event &event) {
    json_.object([&] {
      json_.attribute("kind", eventKindName(event.kind));
      json_.attribute("tier", tierName(event.tier));
      json_.attribute("timeNs", event.timeNs);
      json_.attribute("durationNs", event.durationNs);
      json_.attribute("pc", hex(event.pc));
      json_.attribute("length", event.length);
    });
  }

  const RunProfile &profile_;
  llvm::json::OStream json_;
};

} // namespace

std::vector<uint8_t> exportJson(const RunProfile &profile) {
  std::string text;
  llvm::raw_string_ostream out(text);
  JsonProfileWriter(profile, out).write();
  out << "\n";
  return std::vector<uint8_t>(text.begin(), text.end());
}

} // namespace tiercel::profiles::detail
