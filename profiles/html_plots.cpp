// The HTML report's plots as inline SVG drawn here in C++ (no script, so the
// report reads the same in any browser and in a DOM dump), plus the escaping
// and number formatting the report shares with them.
#include "profiles/html_plots.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "profiles/export_common.h"

namespace tiercel::profiles::detail {

std::string htmlEscape(llvm::StringRef text) {
  std::string valid = validUtf8(text);
  std::string escaped;
  escaped.reserve(valid.size());
  for (char c : valid) {
    switch (c) {
    case '&': escaped += "&amp;"; break;
    case '<': escaped += "&lt;"; break;
    case '>': escaped += "&gt;"; break;
    case '"': escaped += "&quot;"; break;
    case '\'': escaped += "&#39;"; break;
    case '\t':
    case '\n': escaped += c; break;
    default:
      // C0 controls and DEL are parse errors in HTML; show them as U+FFFD.
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        escaped += "\xEF\xBF\xBD";
      else
        escaped += c;
    }
  }
  return escaped;
}

std::string formatCount(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0)
      grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

// Three significant digits for values from 1 to 999.
static std::string threeDigits(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value);
  return buffer;
}

std::string formatShortCount(uint64_t value) {
  static const char *const suffixes[] = {"K", "M", "G", "T", "P", "E"};
  if (value < 1000)
    return std::to_string(value);
  double scaled = static_cast<double>(value);
  int index = -1;
  while (scaled >= 999.5 && index < 5) {
    scaled /= 1000;
    ++index;
  }
  return threeDigits(scaled) + suffixes[index];
}

std::string formatDuration(uint64_t nanoseconds) {
  if (nanoseconds < 1000)
    return std::to_string(nanoseconds) + " ns";
  double value = static_cast<double>(nanoseconds);
  if (value < 999.5e3)
    return threeDigits(value / 1e3) + " µs";
  if (value < 999.5e6)
    return threeDigits(value / 1e6) + " ms";
  if (value < 999.5e9)
    return threeDigits(value / 1e9) + " s";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f s", value / 1e9);
  return buffer;
}

std::string formatPercent(uint64_t part, uint64_t whole) {
  if (whole == 0)
    return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buffer;
}

namespace {

// Geometry shared by the plots (SVG user units; the svg scales to its box).
// Title at y 20, subtitle at 36, legend row at 44-54, plot area below.
constexpr double kWidth = 960, kHeight = 400;
constexpr double kLeft = 90, kRight = 24, kTop = 64, kBottom = 100;
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr double kPlotHeight = kHeight - kTop - kBottom;

const char *tierColor(TierId tier) {
  switch (tier) {
  case TierId::Interpreter: return "#8c8c8c";
  case TierId::Baseline: return "#4e79a7";
  case TierId::Optimized: return "#f28e2b";
  }
  return "#000000";
}
constexpr const char *kInvalidateColor = "#e15759";
constexpr const char *kFlushColor = "#8b0000";
constexpr const char *kImageColors[] = {"#4e79a7", "#59a14f", "#b07aa1", "#edc948",
                                        "#76b7b2", "#ff9da7", "#9c755f"};
constexpr const char *kUnknownImageColor = "#bab0ac";

std::string coordinate(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

// A double as a count, saturating (casting an out-of-range double is undefined).
uint64_t toCount(double value) {
  if (!(value > 0))
    return 0;
  return value >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(value);
}

// A step of 1, 2 or 5 times a power of ten, at least `raw`.
double niceStep(double raw) {
  if (raw <= 0)
    return 1;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0, 10.0})
    if (factor * power >= raw)
      return factor * power;
  return 10 * power;
}

// Builds one <svg> plot. Strings passed as `label` are raw text and get
// escaped here; coordinates are SVG user units.
class SvgPlot {
public:
  SvgPlot(const char *id, const std::string &title, const std::string &subtitle) {
    out_ += "<svg id=\"";
    out_ += id;
    out_ += "\" class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ";
    out_ += coordinate(kWidth) + " " + coordinate(kHeight) + "\" role=\"img\">\n";
    out_ += "<title>" + htmlEscape(title) + "</title>\n";
    text(12, 20, title, "start", "plot-title");
    if (!subtitle.empty())
      text(12, 36, subtitle, "start", "plot-subtitle");
  }

  void rect(double x, double y, double width, double height, const char *fill,
            const std::string &tooltip) {
    out_ += "<rect x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" width=\"" +
            coordinate(width) + "\" height=\"" + coordinate(height) + "\" fill=\"" + fill + "\">";
    if (!tooltip.empty())
      out_ += "<title>" + htmlEscape(tooltip) + "</title>";
    out_ += "</rect>\n";
  }

  void line(double x1, double y1, double x2, double y2, const char *stroke, double width,
            const std::string &tooltip = "") {
    out_ += "<line x1=\"" + coordinate(x1) + "\" y1=\"" + coordinate(y1) + "\" x2=\"" +
            coordinate(x2) + "\" y2=\"" + coordinate(y2) + "\" stroke=\"" + stroke +
            "\" stroke-width=\"" + coordinate(width) + "\">";
    if (!tooltip.empty())
      out_ += "<title>" + htmlEscape(tooltip) + "</title>";
    out_ += "</line>\n";
  }

  void text(double x, double y, const std::string &label, const char *anchor, const char *cssClass,
            double rotate = 0) {
    out_ += "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" text-anchor=\"" +
            anchor + "\" class=\"" + cssClass + "\"";
    if (rotate != 0)
      out_ += " transform=\"rotate(" + coordinate(rotate) + " " + coordinate(x) + " " +
              coordinate(y) + ")\"";
    out_ += ">" + htmlEscape(label) + "</text>\n";
  }

  // A linear y axis from 0 to about `maximum`, with gridlines; returns the
  // value at the top of the plot area.
  double yAxis(double maximum, const std::string &label,
               std::string (*format)(uint64_t) = formatShortCount) {
    double step = niceStep(std::max(maximum, 1.0) / 4);
    double top = std::ceil(std::max(maximum, 1.0) / step) * step;
    for (double value = 0; value <= top + step / 2; value += step) {
      double y = kTop + kPlotHeight - value / top * kPlotHeight;
      line(kLeft, y, kLeft + kPlotWidth, y, "#e0e0e0", 1);
      text(kLeft - 6, y + 4, format(toCount(value)), "end", "tick");
    }
    text(18, kTop + kPlotHeight / 2, label, "middle", "axis-label", -90);
    frame();
    return top;
  }

  void frame() {
    line(kLeft, kTop, kLeft, kTop + kPlotHeight, "#333333", 1);
    line(kLeft, kTop + kPlotHeight, kLeft + kPlotWidth, kTop + kPlotHeight, "#333333", 1);
  }

  void legend(const std::vector<std::pair<std::string, const char *>> &entries) {
    double x = kLeft + kPlotWidth;
    // Right-aligned: lay out from the last entry leftwards.
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      double width = 18 + 7.0 * static_cast<double>(std::min<size_t>(it->first.size(), 40));
      x -= width;
      rect(x, 44, 10, 10, it->second, "");
      text(x + 14, 53, it->first.substr(0, 40), "start", "legend");
    }
  }

  std::string finish() { return out_ + "</svg>\n"; }

  // The whole plot for a profile without the data it needs.
  std::string noData() {
    text(kWidth / 2, kHeight / 2, "no data", "middle", "no-data");
    return finish();
  }

private:
  std::string out_;
};

struct PageWeight {
  uint64_t instructions = 0;
  const GuestImage *image = nullptr;
  std::string imageName;
  std::map<std::string, uint64_t> functions;
};

} // namespace

// Estimated instructions per 4 KiB guest page (a block counts for the page of
// its start pc): the hottest pages, drawn in address order, coloured by image.
std::string hotRangesPlot(const RunProfile &profile) {
  constexpr uint64_t kPageSize = 4096;
  constexpr size_t kMaxPages = 64;

  std::map<uint64_t, PageWeight> pages;
  uint64_t total = 0;
  for (const BlockProfile &block : profile.blocks) {
    uint64_t weight = block.estimatedInstructions();
    if (weight == 0)
      continue;
    BlockFrames frames = blockFrames(profile, block);
    PageWeight &page = pages[block.startPc & ~(kPageSize - 1)];
    page.instructions += weight;
    page.image = frames.location.image;
    page.imageName = frames.image;
    page.functions[frames.function] += weight;
    total += weight;
  }

  std::string subtitle = pages.size() > kMaxPages
                             ? "the " + std::to_string(kMaxPages) + " hottest of " +
                                   std::to_string(pages.size()) + " pages, in address order"
                             : std::to_string(pages.size()) + " pages, in address order";
  SvgPlot plot("plot-hot-ranges",
               "Hot guest address ranges (estimated instructions per 4 KiB page)",
               pages.empty() ? "" : subtitle);
  if (pages.empty())
    return plot.noData();

  std::vector<std::pair<uint64_t, const PageWeight *>> shown;
  for (const auto &[address, page] : pages)
    shown.push_back({address, &page});
  if (shown.size() > kMaxPages) {
    // Hottest first, ties by address (std::sort: stable_sort warns on libstdc++ 12).
    std::sort(shown.begin(), shown.end(), [](const auto &a, const auto &b) {
      if (a.second->instructions != b.second->instructions)
        return a.second->instructions > b.second->instructions;
      return a.first < b.first;
    });
    shown.resize(kMaxPages);
    std::sort(shown.begin(), shown.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
  }

  uint64_t maximum = 0;
  for (const auto &entry : shown)
    maximum = std::max(maximum, entry.second->instructions);
  double top = plot.yAxis(static_cast<double>(maximum), "estimated instructions");

  // One colour per image, in image order, for the bars and the legend.
  auto colorOf = [&](const GuestImage *image) {
    if (image == nullptr)
      return kUnknownImageColor;
    size_t index = static_cast<size_t>(image - profile.images.data());
    return kImageColors[index % std::size(kImageColors)];
  };
  std::vector<std::pair<std::string, const char *>> legend;
  std::vector<const GuestImage *> seen;
  for (const auto &entry : shown) {
    const GuestImage *image = entry.second->image;
    if (std::find(seen.begin(), seen.end(), image) != seen.end())
      continue;
    seen.push_back(image);
    legend.push_back({entry.second->imageName, colorOf(image)});
  }
  plot.legend(legend);

  double band = kPlotWidth / static_cast<double>(shown.size());
  for (size_t index = 0; index < shown.size(); ++index) {
    const auto &[address, page] = shown[index];
    auto hottest =
        std::max_element(page->functions.begin(), page->functions.end(),
                         [](const auto &a, const auto &b) { return a.second < b.second; });
    double height = static_cast<double>(page->instructions) / top * kPlotHeight;
    double x = kLeft + band * static_cast<double>(index);
    std::string tooltip = hexString(address) + "-" + hexString(address + kPageSize - 1) + " (" +
                          page->imageName + "): " + formatCount(page->instructions) +
                          " instructions (" + formatPercent(page->instructions, total) +
                          "), hottest function " + hottest->first;
    plot.rect(x + band * 0.1, kTop + kPlotHeight - height, band * 0.8, std::max(height, 1.0),
              colorOf(page->image), tooltip);
    double labelX = x + band / 2;
    plot.text(labelX, kTop + kPlotHeight + 12, hexString(address), "end", "tick", -45);
    // Values over the bars when there is room: small pages are 1 px tall.
    if (band >= 32)
      plot.text(labelX, kTop + kPlotHeight - height - 4, formatShortCount(page->instructions),
                "middle", "tick");
  }
  plot.text(kLeft + kPlotWidth / 2, kHeight - 8, "guest page (start address)", "middle",
            "axis-label");
  return plot.finish();
}

// Translate and tier-up events per time bin, one row per tier (bar height
// relative to the row's busiest bin), and a code-cache row with invalidations
// (bars) and flushes (full-height lines).
std::string tierTimelinePlot(const RunProfile &profile) {
  constexpr size_t kBins = 240;
  constexpr unsigned kRows = kTierCount + 1;
  constexpr unsigned kCacheRow = kTierCount;

  uint64_t span = profile.durationNs;
  for (const Event &event : profile.events) {
    uint64_t end = event.timeNs + event.durationNs;
    span = std::max(span, end < event.timeNs ? UINT64_MAX : end); // saturate
  }
  span = std::max<uint64_t>(span, 1);
  // The time at a fraction of the span (in double: span * n could overflow).
  auto timeAt = [&](double fraction) { return toCount(static_cast<double>(span) * fraction); };

  // counts[row][bin]; the cache row counts invalidations, flushes separately.
  std::vector<std::vector<uint64_t>> counts(kRows, std::vector<uint64_t>(kBins));
  std::vector<uint64_t> flushes(kBins);
  uint64_t perKind[4] = {};
  for (const Event &event : profile.events) {
    double position = static_cast<double>(event.timeNs) / static_cast<double>(span);
    size_t bin = static_cast<size_t>(std::clamp(position * kBins, 0.0, kBins - 1.0));
    unsigned tier = std::min<unsigned>(static_cast<unsigned>(event.tier), kTierCount - 1);
    switch (event.kind) {
    case EventKind::Translate:
    case EventKind::TierUp: ++counts[tier][bin]; break;
    case EventKind::Invalidate: ++counts[kCacheRow][bin]; break;
    case EventKind::Flush: ++flushes[bin]; break;
    }
    unsigned kind = static_cast<unsigned>(event.kind);
    if (kind < 4)
      ++perKind[kind];
  }

  std::string subtitle = formatCount(perKind[0]) + " translations, " + formatCount(perKind[1]) +
                         " tier-ups, " + formatCount(perKind[2]) + " invalidations, " +
                         formatCount(perKind[3]) + " flushes over " + formatDuration(span);
  if (profile.eventsDropped != 0)
    subtitle += " (" + formatCount(profile.eventsDropped) + " later events not recorded)";
  SvgPlot plot("plot-tier-timeline", "Tier timeline (events per time slice)",
               profile.events.empty() ? "" : subtitle);
  if (profile.events.empty())
    return plot.noData();

  plot.legend({{"interp", tierColor(TierId::Interpreter)},
               {"baseline", tierColor(TierId::Baseline)},
               {"optimized", tierColor(TierId::Optimized)},
               {"invalidate", kInvalidateColor},
               {"flush", kFlushColor}});

  double rowHeight = kPlotHeight / kRows;
  double binWidth = kPlotWidth / kBins;
  auto binRange = [&](size_t bin) {
    return formatDuration(timeAt(static_cast<double>(bin) / kBins)) + " - " +
           formatDuration(timeAt(static_cast<double>(bin + 1) / kBins));
  };
  for (unsigned row = 0; row < kRows; ++row) {
    double rowTop = kTop + rowHeight * row;
    double rowBottom = rowTop + rowHeight;
    plot.line(kLeft, rowBottom, kLeft + kPlotWidth, rowBottom, "#d0d0d0", 1);
    std::string rowName = row == kCacheRow ? "code cache" : tierName(static_cast<TierId>(row));
    plot.text(kLeft - 6, rowTop + rowHeight / 2 + 4, rowName, "end", "tick");
    uint64_t rowMaximum = *std::max_element(counts[row].begin(), counts[row].end());
    const char *color = row == kCacheRow ? kInvalidateColor : tierColor(static_cast<TierId>(row));
    for (size_t bin = 0; bin < kBins; ++bin) {
      uint64_t count = counts[row][bin];
      if (count == 0)
        continue;
      double height = std::max(2.0, (rowHeight - 6) * static_cast<double>(count) /
                                        static_cast<double>(rowMaximum));
      std::string what = row == kCacheRow ? " invalidations" : " " + rowName + " compiles";
      plot.rect(kLeft + binWidth * bin, rowBottom - height, std::max(binWidth, 1.0), height, color,
                formatCount(count) + what + ", " + binRange(bin));
    }
    if (row == kCacheRow)
      for (size_t bin = 0; bin < kBins; ++bin)
        if (flushes[bin] != 0) {
          double x = kLeft + binWidth * (bin + 0.5);
          plot.line(x, rowTop + 2, x, rowBottom, kFlushColor, 2,
                    formatCount(flushes[bin]) + " code cache flushes, " + binRange(bin));
        }
  }
  plot.frame();
  // Time axis: five intervals.
  for (unsigned tick = 0; tick <= 5; ++tick) {
    double x = kLeft + kPlotWidth * tick / 5;
    plot.line(x, kTop + kPlotHeight, x, kTop + kPlotHeight + 5, "#333333", 1);
    plot.text(x, kTop + kPlotHeight + 18, formatDuration(timeAt(tick / 5.0)), "middle", "tick");
  }
  plot.text(kLeft + kPlotWidth / 2, kTop + kPlotHeight + 40, "time since the start of the run",
            "middle", "axis-label");
  return plot.finish();
}

// How long translations and tier-2 compiles took: events with a duration in
// log2 buckets ([2^(b-1), 2^b) ns), stacked by tier.
std::string compileLatencyPlot(const RunProfile &profile) {
  constexpr unsigned kBuckets = 65; // std::bit_width of a uint64_t: 0..64
  std::vector<std::array<uint64_t, kTierCount>> buckets(kBuckets);
  std::vector<uint64_t> durations;
  for (const Event &event : profile.events) {
    if (event.kind != EventKind::Translate && event.kind != EventKind::TierUp)
      continue;
    unsigned tier = std::min<unsigned>(static_cast<unsigned>(event.tier), kTierCount - 1);
    ++buckets[std::bit_width(event.durationNs)][tier];
    durations.push_back(event.durationNs);
  }

  std::string subtitle;
  if (!durations.empty()) {
    std::sort(durations.begin(), durations.end());
    subtitle = formatCount(durations.size()) + " translations and compiles; median " +
               formatDuration(durations[durations.size() / 2]) + ", 99th percentile " +
               formatDuration(durations[(durations.size() - 1) * 99 / 100]) + ", max " +
               formatDuration(durations.back());
  }
  SvgPlot plot("plot-compile-latency", "Compile latency (translation and tier-2 compile time)",
               subtitle);
  if (durations.empty())
    return plot.noData();

  unsigned first = std::bit_width(durations.front());
  unsigned last = std::bit_width(durations.back());
  uint64_t maximum = 0;
  bool tierPresent[kTierCount] = {};
  for (unsigned bucket = first; bucket <= last; ++bucket) {
    uint64_t sum = 0;
    for (unsigned tier = 0; tier < kTierCount; ++tier) {
      sum += buckets[bucket][tier];
      tierPresent[tier] |= buckets[bucket][tier] != 0;
    }
    maximum = std::max(maximum, sum);
  }
  double top = plot.yAxis(static_cast<double>(maximum), "events");
  std::vector<std::pair<std::string, const char *>> legend;
  for (unsigned tier = 0; tier < kTierCount; ++tier)
    if (tierPresent[tier])
      legend.push_back({tierName(static_cast<TierId>(tier)), tierColor(static_cast<TierId>(tier))});
  plot.legend(legend);

  auto lowerBound = [](unsigned bucket) -> uint64_t {
    return bucket == 0 ? 0 : uint64_t{1} << (bucket - 1);
  };
  double band = kPlotWidth / (last - first + 1);
  for (unsigned bucket = first; bucket <= last; ++bucket) {
    double x = kLeft + band * (bucket - first);
    std::string range = bucket == 0    ? "0 ns"
                        : bucket == 64 ? ">= " + formatDuration(lowerBound(bucket))
                                       : formatDuration(lowerBound(bucket)) + " to " +
                                             formatDuration(lowerBound(bucket + 1));
    double base = kTop + kPlotHeight;
    for (unsigned tier = 0; tier < kTierCount; ++tier) {
      uint64_t count = buckets[bucket][tier];
      if (count == 0)
        continue;
      double height = static_cast<double>(count) / top * kPlotHeight;
      base -= height;
      plot.rect(x + band * 0.1, base, band * 0.8, std::max(height, 1.0),
                tierColor(static_cast<TierId>(tier)),
                formatCount(count) + " " + tierName(static_cast<TierId>(tier)) + " events, " +
                    range);
    }
    plot.text(x + band / 2, kTop + kPlotHeight + 12, formatDuration(lowerBound(bucket)), "end",
              "tick", -45);
  }
  plot.text(kLeft + kPlotWidth / 2, kHeight - 8, "duration (bucket lower bound, log2 scale)",
            "middle", "axis-label");
  return plot.finish();
}

} // namespace tiercel::profiles::detail
