// The HTML report of `tiercel-prof html`: one self-contained index.html (inline
// CSS and SVG, no script, no network, no server) with a summary of the run,
// tables of the hottest functions and blocks, and three plots, each an <svg>
// with a stable id:
//   plot-hot-ranges       estimated instructions per 4 KiB guest page
//   plot-tier-timeline    translate/tier-up events over time, one row per tier,
//                         with invalidations and flushes on a code-cache row
//   plot-compile-latency  histogram of event durations (log2 buckets) by tier
// A plot with nothing to show says "no data". Every string taken from the
// profile (paths, symbols, command line) is HTML-escaped.
#pragma once

#include <string>

#include "llvm/Support/Error.h"

#include "profiles/profile.h"

namespace tiercel::profiles {

// The report as one HTML document.
std::string renderHtmlReport(const RunProfile &profile);

// Writes DIR/index.html, creating DIR (and its parents) when missing.
llvm::Error writeHtmlReport(const RunProfile &profile, const std::string &directory);

} // namespace tiercel::profiles
