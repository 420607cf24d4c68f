// Pieces of the HTML report (profiles/html_report.h) shared by its files:
// escaping, number formatting and the three SVG plots. Internal to
// tiercel_profiles.
#pragma once

#include <cstdint>
#include <string>

#include "llvm/ADT/StringRef.h"

#include "profiles/profile.h"

namespace tiercel::profiles::detail {

// Text safe inside HTML elements and quoted attributes: & < > " ' become
// entities, invalid UTF-8 and control characters (other than tab and newline)
// become U+FFFD.
std::string htmlEscape(llvm::StringRef text);

// 1234567 -> "1,234,567".
std::string formatCount(uint64_t value);
// 1234567 -> "1.23M" (axis labels).
std::string formatShortCount(uint64_t value);
// Nanoseconds in the largest unit that keeps a leading digit: "850 ns",
// "3.40 µs", "12.3 ms", "1.20 s".
std::string formatDuration(uint64_t nanoseconds);
// part / whole as "12.3%", "-" when whole is 0.
std::string formatPercent(uint64_t part, uint64_t whole);

// The plots: each returns one <svg id="plot-..."> element.
std::string hotRangesPlot(const RunProfile &profile);
std::string tierTimelinePlot(const RunProfile &profile);
std::string compileLatencyPlot(const RunProfile &profile);

} // namespace tiercel::profiles::detail
