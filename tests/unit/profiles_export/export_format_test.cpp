// Export format names and the exportProfile entry point over every format.
#include <gtest/gtest.h>

#include "llvm/Support/JSON.h"

#include "profiles/export.h"
#include "profiles_export/export_test_support.h"
#include "profiles_export/sample_profile.h"

namespace tiercel::profiles {
namespace {

constexpr ExportFormat kAllFormats[] = {ExportFormat::Pprof, ExportFormat::Speedscope,
                                        ExportFormat::Chrome, ExportFormat::Folded,
                                        ExportFormat::Json};

TEST(ExportFormatTest, NamesRoundTrip) {
  for (ExportFormat format : kAllFormats) {
    llvm::Expected<ExportFormat> parsed = parseExportFormat(exportFormatName(format));
    ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
    EXPECT_EQ(*parsed, format);
  }
  EXPECT_STREQ(exportFormatName(ExportFormat::Pprof), "pprof");
  EXPECT_STREQ(exportFormatName(ExportFormat::Speedscope), "speedscope");
  EXPECT_STREQ(exportFormatName(ExportFormat::Chrome), "chrome");
  EXPECT_STREQ(exportFormatName(ExportFormat::Folded), "folded");
  EXPECT_STREQ(exportFormatName(ExportFormat::Json), "json");
}

TEST(ExportFormatTest, UnknownNameListsTheValidOnes) {
  for (const char *name : {"", "PPROF", "flamegraph", "json ", "pprof,json"}) {
    llvm::Expected<ExportFormat> parsed = parseExportFormat(name);
    ASSERT_FALSE(static_cast<bool>(parsed)) << name;
    std::string message = llvm::toString(parsed.takeError());
    EXPECT_NE(message.find("'" + std::string(name) + "'"), std::string::npos) << message;
    for (ExportFormat format : kAllFormats)
      EXPECT_NE(message.find(exportFormatName(format)), std::string::npos) << message;
  }
}

TEST(ExportFormatTest, EveryFormatExportsEmptyAndRichProfiles) {
  for (const RunProfile &profile : {test::makeEmptyProfile(), test::makeRichProfile()}) {
    for (ExportFormat format : kAllFormats) {
      SCOPED_TRACE(exportFormatName(format));
      llvm::Expected<std::vector<uint8_t>> bytes = exportProfile(profile, format);
      ASSERT_TRUE(static_cast<bool>(bytes)) << llvm::toString(bytes.takeError());
      if (format == ExportFormat::Pprof) {
        ASSERT_GE(bytes->size(), 18u); // gzip header and trailer
        EXPECT_EQ((*bytes)[0], 0x1f);
        EXPECT_EQ((*bytes)[1], 0x8b);
        continue;
      }
      std::string text(bytes->begin(), bytes->end());
      EXPECT_TRUE(llvm::json::isUTF8(text));
      if (format == ExportFormat::Folded && profile.blocks.empty()) {
        EXPECT_EQ(text, ""); // no stacks, no lines
        continue;
      }
      ASSERT_FALSE(text.empty());
      EXPECT_EQ(text.back(), '\n');
    }
  }
}

// Values a damaged or hostile profile file could carry: the exporters and the
// report must still produce output (the file reader validates the rest).
TEST(ExportFormatTest, ExtremeValuesDoNotBreakExporters) {
  RunProfile profile;
  profile.durationNs = UINT64_MAX;
  profile.startUnixNs = UINT64_MAX;
  profile.images.push_back({"", "", 0, 0, 0, UINT64_MAX, {{UINT64_MAX - 4, 0, ""}}});
  BlockProfile block;
  block.startPc = UINT64_MAX - 3;
  block.endPc = UINT64_MAX;
  block.tier = static_cast<TierId>(9); // not a tier
  block.executions = UINT64_MAX;
  block.instructionCount = UINT32_MAX;
  block.compileNs = UINT64_MAX;
  profile.blocks.push_back(block);
  profile.events.push_back({static_cast<EventKind>(7), static_cast<TierId>(5), UINT64_MAX,
                            UINT64_MAX, UINT64_MAX, UINT64_MAX});
  profile.events.push_back({EventKind::Translate, TierId::Baseline, 0, UINT64_MAX, 0, 0});
  profile.events.push_back({EventKind::TierUp, TierId::Optimized, UINT64_MAX / 2, 0, 0, 0});
  for (ExportFormat format : kAllFormats) {
    SCOPED_TRACE(exportFormatName(format));
    std::string text = test::exportText(profile, format);
    EXPECT_FALSE(text.empty());
    if (format != ExportFormat::Pprof && format != ExportFormat::Folded)
      EXPECT_TRUE(static_cast<bool>(llvm::json::parse(text)));
  }
}

TEST(ExportFormatTest, ExportsAreDeterministic) {
  RunProfile profile = test::makeRichProfile();
  for (ExportFormat format : kAllFormats)
    EXPECT_EQ(test::exportText(profile, format), test::exportText(profile, format))
        << exportFormatName(format);
}

} // namespace
} // namespace tiercel::profiles
