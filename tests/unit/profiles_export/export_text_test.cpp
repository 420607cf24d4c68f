// The speedscope, Chrome trace and folded-stack exporters, parsed back and
// compared with the profile they came from.
#include <algorithm>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "llvm/Support/JSON.h"

#include "profiles/export.h"
#include "profiles_export/export_test_support.h"
#include "profiles_export/sample_profile.h"

namespace tiercel::profiles {
namespace {

using llvm::json::Array;
using llvm::json::Object;

uint64_t totalInstructions(const RunProfile &profile) {
  uint64_t total = 0;
  for (const BlockProfile &block : profile.blocks)
    total += block.executions * block.instructionCount;
  return total;
}

size_t nonzeroBlocks(const RunProfile &profile) {
  return std::count_if(profile.blocks.begin(), profile.blocks.end(), [](const BlockProfile &block) {
    return block.estimatedInstructions() != 0;
  });
}

// --- speedscope ---------------------------------------------------------------

TEST(SpeedscopeExportTest, EmptyProfile) {
  llvm::json::Value document = test::exportJson(test::makeEmptyProfile(), ExportFormat::Speedscope);
  Object *root = document.getAsObject();
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->getString("$schema"), "https://www.speedscope.app/file-format-schema.json");
  ASSERT_NE(root->getObject("shared"), nullptr);
  EXPECT_EQ(root->getObject("shared")->getArray("frames")->size(), 0u);
  Array *profiles = root->getArray("profiles");
  ASSERT_NE(profiles, nullptr);
  ASSERT_EQ(profiles->size(), 1u);
  Object *profile = (*profiles)[0].getAsObject();
  EXPECT_EQ(profile->getString("type"), "sampled");
  EXPECT_EQ(profile->getString("unit"), "none");
  EXPECT_EQ(profile->getInteger("endValue"), 0);
  EXPECT_EQ(profile->getArray("samples")->size(), 0u);
  EXPECT_EQ(profile->getArray("weights")->size(), 0u);
}

TEST(SpeedscopeExportTest, RichProfileStacksAndWeights) {
  RunProfile input = test::makeRichProfile();
  llvm::json::Value document = test::exportJson(input, ExportFormat::Speedscope);
  Object *root = document.getAsObject();
  ASSERT_NE(root, nullptr);
  Array *frames = root->getObject("shared")->getArray("frames");
  Object *profile = (*root->getArray("profiles"))[0].getAsObject();
  EXPECT_EQ(profile->getString("name"), "guest instructions (estimated)");
  Array *samples = profile->getArray("samples");
  Array *weights = profile->getArray("weights");
  ASSERT_EQ(samples->size(), nonzeroBlocks(input));
  ASSERT_EQ(weights->size(), samples->size());

  auto frameName = [&](const llvm::json::Value &index) {
    return frames->operator[](*index.getAsInteger()).getAsObject()->getString("name")->str();
  };
  // Each stack is image, function, block (root first); collect them by block.
  std::map<std::string, std::vector<std::string>> stacks;
  uint64_t sum = 0;
  for (size_t i = 0; i < samples->size(); ++i) {
    Array *stack = (*samples)[i].getAsArray();
    ASSERT_EQ(stack->size(), 3u);
    for (const llvm::json::Value &index : *stack)
      ASSERT_LT(static_cast<size_t>(*index.getAsInteger()), frames->size());
    std::vector<std::string> names = {frameName((*stack)[0]), frameName((*stack)[1]),
                                      frameName((*stack)[2])};
    uint64_t weight = *(*weights)[i].getAsUINT64();
    EXPECT_GT(weight, 0u);
    sum += weight;
    stacks[names[2]] = names;
  }
  EXPECT_EQ(sum, totalInstructions(input));
  EXPECT_EQ(profile->getInteger("endValue"), static_cast<int64_t>(sum));

  using Names = std::vector<std::string>;
  EXPECT_EQ(stacks["0x10400 [optimized]"],
            (Names{"prog;v1", "loop_kernel", "0x10400 [optimized]"}));
  EXPECT_EQ(stacks["0x10200 [baseline]"],
            (Names{"prog;v1", test::kHostileSymbol, "0x10200 [baseline]"}));
  // In the image but in no symbol, and in no image at all.
  EXPECT_EQ(stacks["0x10180 [baseline]"], (Names{"prog;v1", "0x10180", "0x10180 [baseline]"}));
  EXPECT_EQ(stacks["0x7fff0000 [baseline]"],
            (Names{"[unknown]", "0x7fff0000", "0x7fff0000 [baseline]"}));
  // A size-0 symbol covers up to the end of its image.
  EXPECT_EQ(stacks["0x12000 [baseline]"][1], "asm_helper");
  // Invalid UTF-8 is repaired, the rest of the name kept.
  std::string repaired = stacks["0x4000002000 [baseline]"][1];
  EXPECT_NE(repaired.find("\xEF\xBF\xBD"), std::string::npos) << repaired;
  EXPECT_NE(repaired.find("weird"), std::string::npos) << repaired;
  // The block that retired nothing is not a sample.
  EXPECT_EQ(stacks.count("0x10600 [baseline]"), 0u);
}

// --- chrome -------------------------------------------------------------------

TEST(ChromeExportTest, EmptyProfileHasOnlyMetadata) {
  llvm::json::Value document = test::exportJson(test::makeEmptyProfile(), ExportFormat::Chrome);
  Object *root = document.getAsObject();
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->getString("displayTimeUnit"), "ns");
  Array *events = root->getArray("traceEvents");
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->size(), 1u + kTierCount + 1u); // process, one per tier, code cache
  for (const llvm::json::Value &event : *events)
    EXPECT_EQ(event.getAsObject()->getString("ph"), "M");
}

TEST(ChromeExportTest, RichProfileEvents) {
  RunProfile input = test::makeRichProfile();
  llvm::json::Value document = test::exportJson(input, ExportFormat::Chrome);
  Array *events = document.getAsObject()->getArray("traceEvents");
  ASSERT_NE(events, nullptr);

  std::map<int64_t, std::string> threadNames;
  std::vector<const Object *> timed;
  for (const llvm::json::Value &value : *events) {
    const Object *event = value.getAsObject();
    ASSERT_NE(event, nullptr);
    EXPECT_EQ(event->getInteger("pid"), 1);
    if (event->getString("ph") == "M") {
      if (event->getString("name") == "thread_name")
        threadNames[*event->getInteger("tid")] = event->getObject("args")->getString("name")->str();
      continue;
    }
    timed.push_back(event);
  }
  ASSERT_EQ(timed.size(), input.events.size());
  for (size_t i = 0; i < timed.size(); ++i) {
    const Event &expected = input.events[i];
    const Object &event = *timed[i];
    SCOPED_TRACE(i);
    bool instant = expected.kind == EventKind::Invalidate || expected.kind == EventKind::Flush;
    EXPECT_EQ(event.getString("ph"), instant ? "i" : "X");
    EXPECT_DOUBLE_EQ(*event.getNumber("ts"), expected.timeNs / 1000.0);
    if (!instant)
      EXPECT_DOUBLE_EQ(*event.getNumber("dur"), expected.durationNs / 1000.0);
    int64_t tid = *event.getInteger("tid");
    ASSERT_EQ(threadNames.count(tid), 1u);
    if (instant)
      EXPECT_EQ(threadNames[tid], "code cache");
    else
      EXPECT_NE(threadNames[tid].find(tierName(expected.tier)), std::string::npos);
  }
  // Names say what happened where.
  auto named = [&](const std::string &name) {
    return std::count_if(timed.begin(), timed.end(),
                         [&](const Object *event) { return event->getString("name") == name; });
  };
  EXPECT_EQ(named("translate 0x10000"), 1);
  EXPECT_EQ(named("translate 0x10400"), 2); // translated twice
  EXPECT_EQ(named("tier-up 0x10400"), 1);
  EXPECT_EQ(named("invalidate 0x12000"), 1);
  EXPECT_EQ(named("flush"), 1);
}

TEST(ChromeExportTest, TimesKeepNanoseconds) {
  RunProfile input;
  input.events.push_back({EventKind::Translate, TierId::Baseline, 1234567, 89, 0x1000, 8});
  input.events.push_back({EventKind::Flush, TierId::Baseline, 5, 0, 0, 0});
  std::string text = test::exportText(input, ExportFormat::Chrome);
  EXPECT_NE(text.find("\"ts\":1234.567"), std::string::npos) << text;
  EXPECT_NE(text.find("\"dur\":0.089"), std::string::npos) << text;
  EXPECT_NE(text.find("\"ts\":0.005"), std::string::npos) << text;
}

// --- folded -------------------------------------------------------------------

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> result;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    result.push_back(line);
  return result;
}

TEST(FoldedExportTest, EmptyProfileHasNoLines) {
  EXPECT_EQ(test::exportText(test::makeEmptyProfile(), ExportFormat::Folded), "");
}

TEST(FoldedExportTest, RichProfileLines) {
  RunProfile input = test::makeRichProfile();
  std::vector<std::string> folded = lines(test::exportText(input, ExportFormat::Folded));
  ASSERT_FALSE(folded.empty());
  EXPECT_TRUE(std::is_sorted(folded.begin(), folded.end()));

  uint64_t total = 0;
  for (const std::string &line : folded) {
    // Three frames, no spaces in them, one space before the count.
    EXPECT_EQ(std::count(line.begin(), line.end(), ';'), 2) << line;
    EXPECT_EQ(std::count(line.begin(), line.end(), ' '), 1) << line;
    size_t space = line.rfind(' ');
    std::string count = line.substr(space + 1);
    ASSERT_FALSE(count.empty());
    EXPECT_TRUE(std::all_of(count.begin(), count.end(), ::isdigit)) << line;
    EXPECT_NE(count, "0") << line;
    total += std::stoull(count);
  }
  EXPECT_EQ(total, totalInstructions(input));

  auto has = [&](const std::string &line) {
    return std::find(folded.begin(), folded.end(), line) != folded.end();
  };
  // ';', ' ' and the newline of names become '_'.
  EXPECT_TRUE(has("prog_v1;</script><b>\"__x_y;0x10200_[baseline] 6000"));
  EXPECT_TRUE(has("prog_v1;loop_kernel;0x10400_[optimized] 5000000"));
  // Two records of the same pc and tier (code rewritten) share one line.
  EXPECT_TRUE(has("prog_v1;asm_helper;0x12000_[baseline] 66"));
  EXPECT_TRUE(has("[unknown];0x7fff0000;0x7fff0000_[baseline] 14"));
  // The block that retired nothing has no line.
  for (const std::string &line : folded)
    EXPECT_EQ(line.find("0x10600"), std::string::npos) << line;
}

} // namespace
} // namespace tiercel::profiles
