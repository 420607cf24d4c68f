// The HTML report (html_report.h): the page, its summary and tables; the plots
// are html_plots.cpp.
#include "profiles/html_report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <map>
#include <tuple>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "profiles/export_common.h"
#include "profiles/html_plots.h"

namespace tiercel::profiles {
namespace {

using detail::formatCount;
using detail::formatDuration;
using detail::formatPercent;
using detail::hexString;
using detail::htmlEscape;

constexpr size_t kTopRows = 30;

constexpr const char *kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
section { overflow-x: auto; }
code, td.mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.summary th { width: 16em; }
td.wrap { white-space: pre-wrap; word-break: break-all; max-width: 60em; }
svg.plot { display: block; box-sizing: border-box; width: 100%; max-width: 960px; height: auto;
           margin: 12px 0 28px; border: 1px solid #eee; }
svg .plot-title { font-size: 15px; font-weight: 600; }
svg .plot-subtitle { font-size: 12px; fill: #555; }
svg .tick, svg .legend { font-size: 11px; fill: #333; }
svg .axis-label { font-size: 12px; fill: #333; }
svg .no-data { font-size: 20px; fill: #888; }
footer { margin-top: 2em; color: #777; font-size: 0.9em; }
)css";

std::string startTime(uint64_t unixNs) {
  if (unixNs == 0)
    return "unknown";
  std::time_t seconds = static_cast<std::time_t>(unixNs / 1000000000);
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr)
    return "unknown";
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return buffer;
}

std::string runState(const RunProfile &profile) {
  if (!profile.complete)
    return "snapshot of a running guest";
  if (profile.exitSignal != 0)
    return "complete: killed by signal " + std::to_string(profile.exitSignal);
  return "complete: exit status " + std::to_string(profile.exitStatus);
}

std::string executable(const RunProfile &profile) {
  if (!profile.images.empty() && !profile.images[0].path.empty())
    return profile.images[0].path;
  if (!profile.commandLine.empty())
    return profile.commandLine[0];
  return "(unknown guest)";
}

// A <table> appended to `out`, closed when the Table goes out of scope. Cells
// are (text, CSS class or ""), escaped here.
class Table {
public:
  Table(std::string &out, const char *id, std::initializer_list<const char *> headers) : out_(out) {
    out_ += "<table id=\"";
    out_ += id;
    out_ += "\"><thead><tr>";
    for (const char *header : headers)
      out_ += "<th>" + htmlEscape(header) + "</th>";
    out_ += "</tr></thead><tbody>\n";
  }
  ~Table() { out_ += "</tbody></table>\n"; }
  void row(std::initializer_list<std::pair<std::string, const char *>> cells) {
    out_ += "<tr>";
    for (const auto &[text, cssClass] : cells) {
      out_ += *cssClass ? "<td class=\"" + std::string(cssClass) + "\">" : "<td>";
      out_ += htmlEscape(text) + "</td>";
    }
    out_ += "</tr>\n";
  }
  void emptyRow(size_t columns, const char *message) {
    out_ += "<tr><td colspan=\"" + std::to_string(columns) + "\">" + htmlEscape(message) +
            "</td></tr>\n";
  }

private:
  std::string &out_;
};

void summarySection(std::string &out, const RunProfile &profile) {
  uint64_t estimated = totalEstimatedInstructions(profile);
  std::string commandLine;
  for (const std::string &argument : profile.commandLine)
    commandLine += (commandLine.empty() ? "" : " ") + argument;
  uint64_t recordedEvents[4] = {};
  for (const Event &event : profile.events)
    if (static_cast<unsigned>(event.kind) < 4)
      ++recordedEvents[static_cast<unsigned>(event.kind)];

  out += "<section id=\"summary\"><h2>Run</h2>\n<table class=\"summary\"><tbody>\n";
  auto row = [&](const std::string &name, const std::string &value, const char *cssClass = "") {
    out += "<tr><th>" + htmlEscape(name) + "</th><td" +
           (*cssClass ? " class=\"" + std::string(cssClass) + "\"" : std::string()) + ">" +
           htmlEscape(value) + "</td></tr>\n";
  };
  row("Executable", executable(profile), "wrap");
  row("Command line", commandLine, "wrap");
  row("Tiercel version", profile.tiercelVersion);
  row("Started", startTime(profile.startUnixNs));
  row("Run time", formatDuration(profile.durationNs));
  row("State", runState(profile));
  row("Guest instructions (exact)", formatCount(profile.guestInstructions), "num");
  row("Guest instructions (estimated from blocks)", formatCount(estimated), "num");
  uint64_t perTierTotal = 0;
  for (uint64_t count : profile.instructionsPerTier)
    perTierTotal += count;
  for (unsigned tier = 0; tier < kTierCount; ++tier)
    row(std::string("Instructions in ") + tierName(static_cast<TierId>(tier)),
        formatCount(profile.instructionsPerTier[tier]) + " (" +
            formatPercent(profile.instructionsPerTier[tier], perTierTotal) + ")",
        "num");
  row("Blocks translated", formatCount(profile.blocksTranslated), "num");
  row("Block records in the profile", formatCount(profile.blocks.size()), "num");
  row("Tier-1 translation time", formatDuration(profile.translationNs), "num");
  row("Tier-2 compile time", formatDuration(profile.compileNs), "num");
  row("Code cache flushes", formatCount(profile.cacheFlushes), "num");
  row("Invalidations (blocks dropped)", formatCount(profile.invalidations), "num");
  row("Host code in the cache", formatCount(profile.hostCodeBytes) + " bytes", "num");
  row("Events recorded",
      formatCount(profile.events.size()) + " (" + formatCount(recordedEvents[0]) + " translate, " +
          formatCount(recordedEvents[1]) + " tier-up, " + formatCount(recordedEvents[2]) +
          " invalidate, " + formatCount(recordedEvents[3]) + " flush)",
      "num");
  row("Events not recorded (cap reached)", formatCount(profile.eventsDropped), "num");
  out += "</tbody></table></section>\n";
}

struct FunctionTotals {
  std::string image;
  std::string function;
  uint64_t instructions = 0;
  uint64_t executions = 0;
  size_t blocks = 0;
  bool tiers[kTierCount] = {};
};

void topFunctionsSection(std::string &out, const RunProfile &profile) {
  uint64_t total = totalEstimatedInstructions(profile);
  // Keyed by (image index or -1, function name): the same name in two images
  // is two functions.
  std::map<std::pair<long, std::string>, FunctionTotals> functions;
  for (const BlockProfile &block : profile.blocks) {
    detail::BlockFrames frames = detail::blockFrames(profile, block);
    long imageKey = frames.location.image ? static_cast<long>(frames.location.imageIndex) : -1;
    FunctionTotals &totals = functions[{imageKey, frames.function}];
    totals.image = frames.image;
    totals.function = frames.function;
    totals.instructions += block.estimatedInstructions();
    totals.executions += block.executions;
    ++totals.blocks;
    if (static_cast<unsigned>(block.tier) < kTierCount)
      totals.tiers[static_cast<unsigned>(block.tier)] = true;
  }
  std::vector<const FunctionTotals *> sorted;
  for (const auto &entry : functions)
    sorted.push_back(&entry.second);
  // Hottest first, ties by (image, function) so the order is deterministic.
  std::sort(sorted.begin(), sorted.end(), [](const auto *a, const auto *b) {
    if (a->instructions != b->instructions)
      return a->instructions > b->instructions;
    return std::tie(a->image, a->function) < std::tie(b->image, b->function);
  });

  out += "<section id=\"top-functions\"><h2>Hottest functions</h2>\n";
  {
    Table table(out, "table-top-functions",
                {"#", "Function", "Image", "Estimated instructions", "Share", "Block runs",
                 "Blocks", "Tiers"});
    if (sorted.empty())
      table.emptyRow(8, "No blocks in this profile.");
    for (size_t index = 0; index < sorted.size() && index < kTopRows; ++index) {
      const FunctionTotals &totals = *sorted[index];
      std::string tiers;
      for (unsigned tier = 0; tier < kTierCount; ++tier)
        if (totals.tiers[tier])
          tiers += (tiers.empty() ? "" : ", ") + std::string(tierName(static_cast<TierId>(tier)));
      table.row({{std::to_string(index + 1), "num"},
                 {totals.function, "mono"},
                 {totals.image, ""},
                 {formatCount(totals.instructions), "num"},
                 {formatPercent(totals.instructions, total), "num"},
                 {formatCount(totals.executions), "num"},
                 {std::to_string(totals.blocks), "num"},
                 {tiers, ""}});
    }
  }
  if (sorted.size() > kTopRows)
    out += "<p>" + formatCount(sorted.size() - kTopRows) + " more functions not shown.</p>\n";
  out += "</section>\n";
}

void topBlocksSection(std::string &out, const RunProfile &profile) {
  uint64_t total = totalEstimatedInstructions(profile);
  std::vector<const BlockProfile *> sorted;
  for (const BlockProfile &block : profile.blocks)
    sorted.push_back(&block);
  // Hottest first, ties in profile order (pointers into one vector).
  std::sort(sorted.begin(), sorted.end(), [](const auto *a, const auto *b) {
    if (a->estimatedInstructions() != b->estimatedInstructions())
      return a->estimatedInstructions() > b->estimatedInstructions();
    return a < b;
  });

  out += "<section id=\"top-blocks\"><h2>Hottest blocks</h2>\n";
  {
    Table table(out, "table-top-blocks",
                {"#", "Start pc", "End pc", "Tier", "Function", "Instructions", "Executions",
                 "Estimated instructions", "Share", "Translations", "Compile time"});
    if (sorted.empty())
      table.emptyRow(11, "No blocks in this profile.");
    for (size_t index = 0; index < sorted.size() && index < kTopRows; ++index) {
      const BlockProfile &block = *sorted[index];
      table.row({{std::to_string(index + 1), "num"},
                 {hexString(block.startPc), "mono"},
                 {hexString(block.endPc), "mono"},
                 {tierName(block.tier), ""},
                 {symbolize(profile, block.startPc), "mono"},
                 {formatCount(block.instructionCount), "num"},
                 {formatCount(block.executions), "num"},
                 {formatCount(block.estimatedInstructions()), "num"},
                 {formatPercent(block.estimatedInstructions(), total), "num"},
                 {std::to_string(block.translations), "num"},
                 {formatDuration(block.compileNs), "num"}});
    }
  }
  if (sorted.size() > kTopRows)
    out += "<p>" + formatCount(sorted.size() - kTopRows) + " more blocks not shown.</p>\n";
  out += "</section>\n";
}

void imagesSection(std::string &out, const RunProfile &profile) {
  out += "<section id=\"images\"><h2>Guest images</h2>\n";
  {
    Table table(out, "table-images", {"Path", "Build id", "Address range", "Load bias", "Symbols"});
    if (profile.images.empty())
      table.emptyRow(5, "No images in this profile.");
    for (const GuestImage &image : profile.images)
      table.row({{image.path, "wrap"},
                 {image.buildId.empty() ? "(none)" : image.buildId, "mono"},
                 {hexString(image.start) + " - " + hexString(image.end), "mono"},
                 {hexString(image.loadBias), "mono"},
                 {formatCount(image.symbols.size()), "num"}});
  }
  out += "</section>\n";
}

} // namespace

std::string renderHtmlReport(const RunProfile &profile) {
  std::string out;
  std::string title = "Tiercel profile: " + executable(profile);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Nothing to fetch: forbid it outright so a stray reference cannot leak.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n";
  out += "<title>" + htmlEscape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n";
  out += "<body>\n<h1>" + htmlEscape(title) + "</h1>\n";
  summarySection(out, profile);
  out += "<section id=\"plots\"><h2>Plots</h2>\n";
  out += detail::hotRangesPlot(profile);
  out += detail::tierTimelinePlot(profile);
  out += detail::compileLatencyPlot(profile);
  out += "</section>\n";
  topFunctionsSection(out, profile);
  topBlocksSection(out, profile);
  imagesSection(out, profile);
  out += "<footer>Written by tiercel-prof " + htmlEscape(profile.tiercelVersion) +
         ". Estimated instructions are block executions times block lengths.</footer>\n";
  out += "</body>\n</html>\n";
  return out;
}

llvm::Error writeHtmlReport(const RunProfile &profile, const std::string &directory) {
  if (std::error_code error = llvm::sys::fs::create_directories(directory))
    return llvm::createStringError(error, "cannot create report directory '%s': %s",
                                   directory.c_str(), error.message().c_str());
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, "index.html");
  std::string html = renderHtmlReport(profile);
  // Through a temporary file renamed into place: a reader never sees half a page.
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &out) {
    out << html;
    return llvm::Error::success();
  });
}

} // namespace tiercel::profiles
