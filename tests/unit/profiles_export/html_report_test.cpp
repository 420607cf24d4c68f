// The HTML report: its plots and tables, escaping of profile strings, the
// empty profile, and writing DIR/index.html. (ctest also loads the sample
// reports in headless Chromium: check_html_report.py.)
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include "profiles/html_plots.h"
#include "profiles/html_report.h"
#include "profiles_export/sample_profile.h"

namespace tiercel::profiles {
namespace {

size_t occurrences(const std::string &text, const std::string &needle) {
  size_t count = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++count;
  return count;
}

// The text of the <svg id="id"> element.
std::string plot(const std::string &html, const std::string &id) {
  size_t start = html.find("<svg id=\"" + id + "\"");
  if (start == std::string::npos)
    return "";
  size_t end = html.find("</svg>", start);
  return end == std::string::npos ? "" : html.substr(start, end - start);
}

const char *const kPlotIds[] = {"plot-hot-ranges", "plot-tier-timeline", "plot-compile-latency"};

TEST(HtmlReportTest, RichProfileHasPlotsWithShapesAndTables) {
  std::string html = renderHtmlReport(test::makeRichProfile());
  EXPECT_TRUE(llvm::json::isUTF8(html));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char *id : kPlotIds) {
    SCOPED_TRACE(id);
    EXPECT_EQ(occurrences(html, std::string("id=\"") + id + "\""), 1u);
    std::string svg = plot(html, id);
    ASSERT_FALSE(svg.empty());
    EXPECT_GT(occurrences(svg, "<rect ") + occurrences(svg, "<line "), 3u);
  }
  EXPECT_EQ(html.find("no data"), std::string::npos);
  for (const char *id : {"summary", "table-top-functions", "table-top-blocks", "table-images"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  // The hottest function and block lead their tables.
  EXPECT_NE(html.find("loop_kernel"), std::string::npos);
  EXPECT_NE(html.find("0x10400"), std::string::npos);
  // Self-contained: no script, nothing to fetch.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(HtmlReportTest, ProfileStringsAreEscaped) {
  std::string html = renderHtmlReport(test::makeRichProfile());
  // Neither the symbol nor the argument can open or close an element.
  EXPECT_EQ(html.find("</script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;b&gt;&quot;\n;x y"), std::string::npos);
  EXPECT_NE(html.find("--name=&lt;/script&gt;&lt;b&gt;&amp;amp;&quot;&#39;"), std::string::npos);
  // The path with a space and a semicolon is shown as it is.
  EXPECT_NE(html.find("/tmp/guest dir/prog;v1"), std::string::npos);
  // The symbol that is not UTF-8 is repaired, not passed through.
  EXPECT_EQ(html.find('\xff'), std::string::npos);
  EXPECT_NE(html.find("_dl_\xEF\xBF\xBD\xEF\xBF\xBDweird"), std::string::npos);
}

TEST(HtmlReportTest, EmptyProfileSaysNoData) {
  std::string html = renderHtmlReport(test::makeEmptyProfile());
  for (const char *id : kPlotIds) {
    std::string svg = plot(html, id);
    ASSERT_FALSE(svg.empty()) << id;
    EXPECT_NE(svg.find(">no data</text>"), std::string::npos) << id;
    EXPECT_EQ(occurrences(svg, "<rect "), 0u) << id;
  }
  EXPECT_NE(html.find("No blocks in this profile."), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(HtmlReportTest, EventsWithoutBlocksStillDrawTheTimeline) {
  RunProfile profile;
  profile.durationNs = 1'000'000;
  profile.events.push_back({EventKind::Flush, TierId::Baseline, 500'000, 0, 0, 0});
  std::string html = renderHtmlReport(profile);
  EXPECT_NE(plot(html, "plot-hot-ranges").find("no data"), std::string::npos);
  EXPECT_EQ(plot(html, "plot-tier-timeline").find("no data"), std::string::npos);
  EXPECT_NE(plot(html, "plot-tier-timeline").find("code cache flushes"), std::string::npos);
  EXPECT_NE(plot(html, "plot-compile-latency").find("no data"), std::string::npos);
}

TEST(HtmlReportTest, ManyPagesAreCappedToTheHottest) {
  RunProfile profile;
  for (uint64_t page = 0; page < 200; ++page) {
    BlockProfile block;
    block.startPc = 0x100000 + page * 4096;
    block.endPc = block.startPc + 4;
    block.instructionCount = 1;
    block.executions = page + 1;
    profile.blocks.push_back(block);
  }
  std::string svg = plot(renderHtmlReport(profile), "plot-hot-ranges");
  EXPECT_NE(svg.find("the 64 hottest of 200 pages"), std::string::npos);
  EXPECT_EQ(occurrences(svg, "<rect "), 64u + 1u);      // the bars and one legend swatch
  EXPECT_NE(svg.find(">0x1c7000<"), std::string::npos); // hottest page
  EXPECT_EQ(svg.find(">0x100000<"), std::string::npos); // coldest page
}

TEST(HtmlReportTest, ExtremeValuesStillRender) {
  RunProfile profile;
  profile.durationNs = UINT64_MAX;
  BlockProfile block;
  block.startPc = UINT64_MAX - 3;
  block.tier = static_cast<TierId>(9); // not a tier
  block.executions = UINT64_MAX;
  block.instructionCount = 1;
  profile.blocks.push_back(block);
  profile.events.push_back(
      {static_cast<EventKind>(7), static_cast<TierId>(5), UINT64_MAX, UINT64_MAX, 0, 0});
  profile.events.push_back({EventKind::Translate, TierId::Baseline, 0, UINT64_MAX, 0, 0});
  std::string html = renderHtmlReport(profile);
  for (const char *id : kPlotIds)
    EXPECT_FALSE(plot(html, id).empty()) << id;
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(HtmlReportTest, WriteCreatesDirectoryAndIndex) {
  llvm::SmallString<128> root;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("tiercel-html-test", root));
  std::string directory = (root + "/nested/report").str();
  RunProfile profile = test::makeRichProfile();
  llvm::Error error = writeHtmlReport(profile, directory);
  ASSERT_FALSE(static_cast<bool>(error)) << llvm::toString(std::move(error));
  std::ifstream file(directory + "/index.html", std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  EXPECT_EQ(contents.str(), renderHtmlReport(profile));

  // A directory path that is a file is an error, not a crash.
  std::string notADirectory = directory + "/index.html";
  llvm::Error failure = writeHtmlReport(profile, notADirectory);
  ASSERT_TRUE(static_cast<bool>(failure));
  EXPECT_NE(llvm::toString(std::move(failure)).find(notADirectory), std::string::npos);
  llvm::sys::fs::remove_directories(root);
}

TEST(HtmlFormattingTest, Helpers) {
  using namespace detail;
  EXPECT_EQ(htmlEscape("a<b>&\"'c\n\t"), "a&lt;b&gt;&amp;&quot;&#39;c\n\t");
  EXPECT_EQ(htmlEscape(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");
  EXPECT_EQ(formatCount(0), "0");
  EXPECT_EQ(formatCount(999), "999");
  EXPECT_EQ(formatCount(1234567), "1,234,567");
  EXPECT_EQ(formatShortCount(999), "999");
  EXPECT_EQ(formatShortCount(1234567), "1.23M");
  EXPECT_EQ(formatShortCount(999'600), "1.00M");
  EXPECT_EQ(formatDuration(850), "850 ns");
  EXPECT_EQ(formatDuration(3400), "3.40 µs");
  EXPECT_EQ(formatDuration(12'300'000), "12.3 ms");
  EXPECT_EQ(formatDuration(1'200'000'000), "1.20 s");
  EXPECT_EQ(formatPercent(1, 8), "12.5%");
  EXPECT_EQ(formatPercent(1, 0), "-");
}

} // namespace
} // namespace tiercel::profiles
