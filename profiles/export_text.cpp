// The export entry points (format names, exportProfile) and the text
// exporters for flame graph and trace viewers: speedscope JSON, Chrome trace
// events and FlameGraph folded stacks. The JSON rendering of the whole
// profile is export_json.cpp, pprof is export_pprof.cpp.
#include "profiles/export.h"

#include <map>
#include <string>

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "profiles/export_common.h"

namespace tiercel::profiles {

namespace {
struct FormatName {
  ExportFormat format;
  const char *name;
};
constexpr FormatName kFormatNames[] = {
    {ExportFormat::Pprof, "pprof"},   {ExportFormat::Speedscope, "speedscope"},
    {ExportFormat::Chrome, "chrome"}, {ExportFormat::Folded, "folded"},
    {ExportFormat::Json, "json"},
};
} // namespace

llvm::Expected<ExportFormat> parseExportFormat(llvm::StringRef name) {
  std::string valid;
  for (const FormatName &entry : kFormatNames) {
    if (name == entry.name)
      return entry.format;
    valid += valid.empty() ? "" : ", ";
    valid += entry.name;
  }
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "unknown export format '%s' (valid formats: %s)",
                                 name.str().c_str(), valid.c_str());
}

const char *exportFormatName(ExportFormat format) {
  for (const FormatName &entry : kFormatNames)
    if (entry.format == format)
      return entry.name;
  return "unknown";
}

llvm::Expected<std::vector<uint8_t>> exportProfile(const RunProfile &profile, ExportFormat format) {
  switch (format) {
  case ExportFormat::Pprof: return detail::exportPprof(profile);
  case ExportFormat::Speedscope: return detail::exportSpeedscope(profile);
  case ExportFormat::Chrome: return detail::exportChrome(profile);
  case ExportFormat::Folded: return detail::exportFolded(profile);
  case ExportFormat::Json: return detail::exportJson(profile);
  }
  return llvm::createStringError("unknown export format %d", static_cast<int>(format));
}

namespace detail {
namespace {

std::vector<uint8_t> toBytes(const std::string &text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

// A JSON string value; invalid UTF-8 is repaired instead of asserted on.
llvm::json::Value jsonString(llvm::StringRef text) { return validUtf8(text); }

// Nanoseconds as microseconds with exactly three decimals: the Trace Event
// Format counts in microseconds and the decimals keep the nanoseconds.
std::string microseconds(uint64_t nanoseconds) {
  std::string fraction = std::to_string(nanoseconds % 1000);
  return std::to_string(nanoseconds / 1000) + "." + std::string(3 - fraction.size(), '0') +
         fraction;
}

std::string executableName(const RunProfile &profile) {
  if (!profile.images.empty() && !profile.images[0].path.empty())
    return profile.images[0].path;
  if (!profile.commandLine.empty())
    return profile.commandLine[0];
  return "guest";
}

} // namespace

// speedscope's file format (https://www.speedscope.app/file-format-schema.json):
// one "sampled" profile whose samples are the blocks' pseudo stacks (root
// first, as frame indices into shared.frames), weighted by estimated
// instructions. Blocks that retired nothing are left out.
std::vector<uint8_t> exportSpeedscope(const RunProfile &profile) {
  std::vector<std::pair<std::string, std::string>> frames; // (name, file)
  std::map<std::pair<std::string, std::string>, size_t> frameIndex;
  auto frameOf = [&](const std::string &name, const std::string &file) {
    auto key = std::make_pair(validUtf8(name), validUtf8(file));
    auto [it, inserted] = frameIndex.try_emplace(key, frames.size());
    if (inserted)
      frames.push_back(key);
    return it->second;
  };

  std::vector<std::vector<size_t>> samples;
  std::vector<uint64_t> weights;
  uint64_t total = 0;
  for (const BlockProfile &block : profile.blocks) {
    uint64_t weight = block.estimatedInstructions();
    if (weight == 0)
      continue;
    BlockFrames names = blockFrames(profile, block);
    std::string file = names.location.image ? names.location.image->path : "";
    samples.push_back(
        {frameOf(names.image, file), frameOf(names.function, file), frameOf(names.block, file)});
    weights.push_back(weight);
    total += weight;
  }

  std::string text;
  llvm::raw_string_ostream out(text);
  llvm::json::OStream json(out);
  json.object([&] {
    json.attribute("$schema", "https://www.speedscope.app/file-format-schema.json");
    json.attribute("name", jsonString("tiercel: " + executableName(profile)));
    json.attribute("exporter", jsonString("tiercel-prof " + profile.tiercelVersion));
    json.attribute("activeProfileIndex", 0);
    json.attributeObject("shared", [&] {
      json.attributeArray("frames", [&] {
        for (const auto &[name, file] : frames)
          json.object([&] {
            json.attribute("name", name);
            if (!file.empty())
              json.attribute("file", file);
          });
      });
    });
    json.attributeArray("profiles", [&] {
      json.object([&] {
        json.attribute("type", "sampled");
        json.attribute("name", "guest instructions (estimated)");
        json.attribute("unit", "none");
        json.attribute("startValue", 0);
        json.attribute("endValue", total);
        json.attributeArray("samples", [&] {
          for (const std::vector<size_t> &stack : samples)
            json.array([&] {
              for (size_t index : stack)
                json.value(static_cast<int64_t>(index));
            });
        });
        json.attributeArray("weights", [&] {
          for (uint64_t weight : weights)
            json.value(weight);
        });
      });
    });
  });
  out << "\n";
  return toBytes(text);
}

// The Trace Event Format (JSON object form) as chrome://tracing and Perfetto
// read it: translations and tier-ups as complete events ("X") on one thread
// per tier, invalidations and flushes as instant events ("i") on a "code
// cache" thread, and metadata events ("M") naming the process and threads.
std::vector<uint8_t> exportChrome(const RunProfile &profile) {
  constexpr int kPid = 1;
  constexpr int kCacheTid = kTierCount + 1; // tiers use tid 1 + TierId
  auto tierTid = [](TierId tier) { return static_cast<int>(tier) + 1; };

  std::string text;
  llvm::raw_string_ostream out(text);
  llvm::json::OStream json(out);
  auto metadata = [&](const char *name, int tid, const std::string &value) {
    json.object([&] {
      json.attribute("ph", "M");
      json.attribute("name", name);
      json.attribute("pid", kPid);
      json.attribute("tid", tid);
      json.attributeObject("args", [&] { json.attribute("name", jsonString(value)); });
    });
  };

  json.object([&] {
    json.attribute("displayTimeUnit", "ns");
    json.attributeArray("traceEvents", [&] {
      metadata("process_name", 0, "tiercel: " + executableName(profile));
      for (unsigned tier = 0; tier < kTierCount; ++tier)
        metadata("thread_name", tierTid(static_cast<TierId>(tier)),
                 std::string("tier ") + std::to_string(tier) + " (" +
                     tierName(static_cast<TierId>(tier)) + ")");
      metadata("thread_name", kCacheTid, "code cache");

      for (const Event &event : profile.events) {
        bool instant = event.kind == EventKind::Invalidate || event.kind == EventKind::Flush;
        std::string name = eventKindName(event.kind);
        if (event.kind != EventKind::Flush)
          name += " " + hexString(event.pc);
        json.object([&] {
          json.attribute("name", name);
          json.attribute("cat", eventKindName(event.kind));
          json.attribute("ph", instant ? "i" : "X");
          json.attributeBegin("ts");
          json.rawValue(microseconds(event.timeNs));
          json.attributeEnd();
          if (instant) {
            json.attribute("s", "t"); // scoped to its thread
          } else {
            json.attributeBegin("dur");
            json.rawValue(microseconds(event.durationNs));
            json.attributeEnd();
          }
          json.attribute("pid", kPid);
          json.attribute("tid", instant ? kCacheTid : tierTid(event.tier));
          json.attributeObject("args", [&] {
            json.attribute("tier", tierName(event.tier));
            if (event.kind != EventKind::Flush) {
              json.attribute("pc", hexString(event.pc));
              json.attribute("length", event.length);
              std::string function = symbolize(profile, event.pc);
              if (!function.empty())
                json.attribute("function", jsonString(function));
            }
            json.attribute("durationNs", event.durationNs);
          });
        });
      }
    });
    json.attributeObject("otherData", [&] {
      json.attribute("tiercelVersion", jsonString(profile.tiercelVersion));
      std::string commandLine;
      for (const std::string &argument : profile.commandLine)
        commandLine += (commandLine.empty() ? "" : " ") + argument;
      json.attribute("commandLine", jsonString(commandLine));
      json.attribute("eventsDropped", profile.eventsDropped);
    });
  });
  out << "\n";
  return toBytes(text);
}

// FlameGraph's folded format: "image;function;block count" per line, sorted,
// count = estimated instructions (stacks that retired nothing are left out).
// ';' separates frames and the last ' ' separates the count, so those and
// control characters in names become '_'.
std::vector<uint8_t> exportFolded(const RunProfile &profile) {
  auto clean = [](const std::string &name) {
    std::string text = validUtf8(name);
    for (char &c : text)
      if (c == ';' || c == ' ' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        c = '_';
    return text;
  };
  // Blocks that share a stack (a block retranslated with new code) add up.
  std::map<std::string, uint64_t> stacks;
  for (const BlockProfile &block : profile.blocks) {
    uint64_t weight = block.estimatedInstructions();
    if (weight == 0)
      continue;
    BlockFrames names = blockFrames(profile, block);
    stacks[clean(names.image) + ";" + clean(names.function) + ";" + clean(names.block)] += weight;
  }
  std::string text;
  for (const auto &[stack, count] : stacks)
    text += stack + " " + std::to_string(count) + "\n";
  return toBytes(text);
}

} // namespace detail
} // namespace tiercel::profiles
