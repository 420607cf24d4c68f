// The JSON exporter (docs/PROFILE-JSON.md): parsed back, every field of the
// RunProfile compared.
#include <gtest/gtest.h>

#include "llvm/Support/JSON.h"

#include "profiles/export.h"
#include "profiles_export/export_test_support.h"
#include "profiles_export/sample_profile.h"

namespace tiercel::profiles {
namespace {

using llvm::json::Array;
using llvm::json::Object;

// Parses a "0x..." field; fails the test on anything else.
uint64_t hexField(const Object &object, llvm::StringRef key) {
  std::optional<llvm::StringRef> text = object.getString(key);
  if (!text || !text->starts_with("0x") || text->size() < 3) {
    ADD_FAILURE() << key.str() << " is not a 0x string";
    return 0;
  }
  uint64_t value = 0;
  if (text->drop_front(2).getAsInteger(16, value))
    ADD_FAILURE() << key.str() << " = " << text->str() << " is not hex";
  return value;
}

uint64_t countField(const Object &object, llvm::StringRef key) {
  std::optional<uint64_t> value = object.get(key) ? object.get(key)->getAsUINT64() : std::nullopt;
  if (!value) {
    ADD_FAILURE() << key.str() << " is missing or not an unsigned number";
    return 0;
  }
  return *value;
}

std::string hex(const std::vector<uint8_t> &bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (uint8_t byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

const char *eventKind(EventKind kind) {
  static const char *const names[] = {"translate", "tier-up", "invalidate", "flush"};
  return names[static_cast<unsigned>(kind)];
}

void expectSameProfile(const RunProfile &input, const Object &root) {
  EXPECT_EQ(root.getString("format"), "tiercel-profile-json");
  EXPECT_EQ(root.getInteger("schemaVersion"), 1);
  EXPECT_EQ(root.getString("tiercelVersion"), input.tiercelVersion);
  const Array *commandLine = root.getArray("commandLine");
  ASSERT_NE(commandLine, nullptr);
  ASSERT_EQ(commandLine->size(), input.commandLine.size());
  for (size_t i = 0; i < input.commandLine.size(); ++i)
    EXPECT_EQ((*commandLine)[i].getAsString(), input.commandLine[i]);
  EXPECT_EQ(countField(root, "startUnixNs"), input.startUnixNs);
  EXPECT_EQ(countField(root, "durationNs"), input.durationNs);
  EXPECT_EQ(root.getBoolean("complete"), input.complete);
  EXPECT_EQ(root.getInteger("exitStatus"), input.exitStatus);
  EXPECT_EQ(root.getInteger("exitSignal"), input.exitSignal);
  EXPECT_EQ(countField(root, "guestInstructions"), input.guestInstructions);
  const Object *perTier = root.getObject("instructionsPerTier");
  ASSERT_NE(perTier, nullptr);
  uint64_t estimated = 0;
  for (unsigned tier = 0; tier < kTierCount; ++tier)
    EXPECT_EQ(countField(*perTier, tierName(static_cast<TierId>(tier))),
              input.instructionsPerTier[tier]);
  for (const BlockProfile &block : input.blocks)
    estimated += block.estimatedInstructions();
  EXPECT_EQ(countField(root, "estimatedInstructions"), estimated);
  EXPECT_EQ(countField(root, "translationNs"), input.translationNs);
  EXPECT_EQ(countField(root, "compileNs"), input.compileNs);
  EXPECT_EQ(countField(root, "cacheFlushes"), input.cacheFlushes);
  EXPECT_EQ(countField(root, "invalidations"), input.invalidations);
  EXPECT_EQ(countField(root, "blocksTranslated"), input.blocksTranslated);
  EXPECT_EQ(countField(root, "hostCodeBytes"), input.hostCodeBytes);
  EXPECT_EQ(countField(root, "eventsDropped"), input.eventsDropped);

  const Array *images = root.getArray("images");
  ASSERT_NE(images, nullptr);
  ASSERT_EQ(images->size(), input.images.size());
  for (size_t i = 0; i < input.images.size(); ++i) {
    const GuestImage &image = input.images[i];
    const Object &object = *(*images)[i].getAsObject();
    EXPECT_EQ(object.getString("path"), image.path);
    EXPECT_EQ(object.getString("buildId"), image.buildId);
    EXPECT_EQ(hexField(object, "contentHash"), image.contentHash);
    EXPECT_EQ(hexField(object, "loadBias"), image.loadBias);
    EXPECT_EQ(hexField(object, "start"), image.start);
    EXPECT_EQ(hexField(object, "end"), image.end);
    const Array *symbols = object.getArray("symbols");
    ASSERT_EQ(symbols->size(), image.symbols.size());
    for (size_t s = 0; s < image.symbols.size(); ++s) {
      const Object &symbol = *(*symbols)[s].getAsObject();
      EXPECT_EQ(hexField(symbol, "address"), image.symbols[s].address);
      EXPECT_EQ(countField(symbol, "size"), image.symbols[s].size);
      if (llvm::json::isUTF8(image.symbols[s].name))
        EXPECT_EQ(symbol.getString("name"), image.symbols[s].name);
      else
        EXPECT_EQ(symbol.getString("name"), llvm::json::fixUTF8(image.symbols[s].name));
    }
  }

  const Array *blocks = root.getArray("blocks");
  ASSERT_NE(blocks, nullptr);
  ASSERT_EQ(blocks->size(), input.blocks.size());
  for (size_t i = 0; i < input.blocks.size(); ++i) {
    SCOPED_TRACE("block " + std::to_string(i));
    const BlockProfile &block = input.blocks[i];
    const Object &object = *(*blocks)[i].getAsObject();
    EXPECT_EQ(hexField(object, "startPc"), block.startPc);
    EXPECT_EQ(hexField(object, "endPc"), block.endPc);
    EXPECT_EQ(hexField(object, "codeHash"), block.codeHash);
    EXPECT_EQ(object.getString("tier"), tierName(block.tier));
    EXPECT_EQ(object.getString("function"), llvm::json::fixUTF8(symbolize(input, block.startPc)));
    EXPECT_EQ(countField(object, "instructionCount"), block.instructionCount);
    EXPECT_EQ(countField(object, "executions"), block.executions);
    EXPECT_EQ(countField(object, "estimatedInstructions"), block.estimatedInstructions());
    const Array *edges = object.getArray("edges");
    ASSERT_EQ(edges->size(), block.edges.size());
    static const char *const edgeKinds[] = {"taken", "fallthrough", "jump"};
    for (size_t e = 0; e < block.edges.size(); ++e) {
      const Object &edge = *(*edges)[e].getAsObject();
      EXPECT_EQ(edge.getString("kind"), edgeKinds[static_cast<unsigned>(block.edges[e].kind)]);
      EXPECT_EQ(hexField(edge, "targetPc"), block.edges[e].targetPc);
      EXPECT_EQ(countField(edge, "count"), block.edges[e].count);
    }
    const Array *targets = object.getArray("indirectTargets");
    ASSERT_EQ(targets->size(), block.indirectTargets.size());
    for (size_t t = 0; t < block.indirectTargets.size(); ++t) {
      const Object &target = *(*targets)[t].getAsObject();
      EXPECT_EQ(hexField(target, "targetPc"), block.indirectTargets[t].targetPc);
      EXPECT_EQ(countField(target, "count"), block.indirectTargets[t].count);
    }
    EXPECT_EQ(countField(object, "indirectOther"), block.indirectOther);
    EXPECT_EQ(countField(object, "translatedAtNs"), block.translatedAtNs);
    EXPECT_EQ(countField(object, "compileNs"), block.compileNs);
    EXPECT_EQ(countField(object, "translations"), block.translations);
    EXPECT_EQ(object.getString("guestCode"), hex(block.guestCode));
    EXPECT_EQ(hexField(object, "hostAddress"), block.hostAddress);
    EXPECT_EQ(object.getString("hostCode"), hex(block.hostCode));
    const Array *offsets = object.getArray("hostOffsets");
    ASSERT_EQ(offsets->size(), block.hostOffsets.size());
    for (size_t o = 0; o < block.hostOffsets.size(); ++o)
      EXPECT_EQ((*offsets)[o].getAsUINT64(), block.hostOffsets[o]);
  }

  const Array *events = root.getArray("events");
  ASSERT_NE(events, nullptr);
  ASSERT_EQ(events->size(), input.events.size());
  for (size_t i = 0; i < input.events.size(); ++i) {
    const Event &event = input.events[i];
    const Object &object = *(*events)[i].getAsObject();
    EXPECT_EQ(object.getString("kind"), eventKind(event.kind));
    EXPECT_EQ(object.getString("tier"), tierName(event.tier));
    EXPECT_EQ(countField(object, "timeNs"), event.timeNs);
    EXPECT_EQ(countField(object, "durationNs"), event.durationNs);
    EXPECT_EQ(hexField(object, "pc"), event.pc);
    EXPECT_EQ(countField(object, "length"), event.length);
  }
}

TEST(JsonExportTest, EmptyProfile) {
  RunProfile input = test::makeEmptyProfile();
  llvm::json::Value document = test::exportJson(input, ExportFormat::Json);
  ASSERT_NE(document.getAsObject(), nullptr);
  expectSameProfile(input, *document.getAsObject());
}

TEST(JsonExportTest, RichProfileEveryField) {
  RunProfile input = test::makeRichProfile();
  llvm::json::Value document = test::exportJson(input, ExportFormat::Json);
  ASSERT_NE(document.getAsObject(), nullptr);
  expectSameProfile(input, *document.getAsObject());
}

TEST(JsonExportTest, HostileStringsStayStrings) {
  RunProfile input = test::makeRichProfile();
  std::string text = test::exportText(input, ExportFormat::Json);
  // The newline and quote inside the symbol name are escaped: the document
  // has one line, and the name parses back verbatim (checked above).
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  EXPECT_NE(text.find("\"</script><b>\\\"\\n;x y\""), std::string::npos);
}

TEST(JsonExportTest, LargeValuesAreExact) {
  RunProfile input;
  input.guestInstructions = ~0ull;
  BlockProfile block;
  block.startPc = 0xffffffffffffff00ull;
  block.codeHash = 0x8000000000000001ull;
  block.executions = (1ull << 53) + 1; // not representable as a double
  block.instructionCount = 1;
  input.blocks.push_back(block);
  llvm::json::Value document = test::exportJson(input, ExportFormat::Json);
  ASSERT_NE(document.getAsObject(), nullptr);
  expectSameProfile(input, *document.getAsObject());
}

} // namespace
} // namespace tiercel::profiles
