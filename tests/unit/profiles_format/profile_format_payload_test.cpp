// The payload, built by hand from docs/PROFILE-FORMAT.md: sections, unknown
// sections skipped, counts and lengths that lie, enums out of range, and the
// invariants readers rely on.
#include "profile_format_test_support.h"

namespace tiercel::profiles::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A META body: version "v", command line {"x"}, complete, exit status -1,
// tiers 1,2,3, then small distinct numbers.
std::vector<uint8_t> runBody() {
  std::vector<uint8_t> body;
  putString(body, "v");
  putVarint(body, 1);
  putString(body, "x");
  putVarint(body, 1000); // startUnixNs
  putVarint(body, 2000); // durationNs
  body.push_back(1);     // complete
  putVarint(body, 1);    // exitStatus -1, zigzag
  putVarint(body, 18);   // exitSignal 9, zigzag
  putVarint(body, 77);   // guestInstructions
  putVarint(body, 3);    // tier count
  putVarint(body, 1);
  putVarint(body, 2);
  putVarint(body, 3);
  for (uint64_t value = 10; value < 17; ++value) // translationNs .. eventsDropped
    putVarint(body, value);
  return body;
}

std::vector<uint8_t> countBody(uint64_t count) {
  std::vector<uint8_t> body;
  putVarint(body, count);
  return body;
}

// One block at 0x1000, 4 bytes of guest code, 2 instructions, host offsets 0 and 3.
std::vector<uint8_t> blockBody() {
  std::vector<uint8_t> body;
  putVarint(body, 1);      // block count
  putVarint(body, 0x1000); // startPc
  putVarint(body, 4);      // length
  putLe(body, 0x1122334455667788ull, 8);
  body.push_back(1);    // tier baseline
  putVarint(body, 2);   // instructionCount
  putVarint(body, 500); // executions
  putVarint(body, 1);   // edges
  body.push_back(0);    // taken
  putVarint(body, 0x2000);
  putVarint(body, 499);
  putVarint(body, 1); // indirect targets
  putVarint(body, 0x3000);
  putVarint(body, 6);
  putVarint(body, 7); // indirectOther
  putVarint(body, 8); // translatedAtNs
  putVarint(body, 9); // compileNs
  putVarint(body, 1); // translations
  putVarint(body, 4); // guestCode
  for (uint8_t byte : {0x13, 0x00, 0x00, 0x00})
    body.push_back(byte);
  putVarint(body, 0x7f0000); // hostAddress
  putVarint(body, 5);        // hostCode
  for (uint8_t byte : {0x90, 0x90, 0x90, 0x90, 0xc3})
    body.push_back(byte);
  putVarint(body, 2); // hostOffsets: 0, then +3
  putVarint(body, 0);
  putVarint(body, 3);
  return body;
}

struct Sections {
  std::vector<uint8_t> run = runBody();
  std::vector<uint8_t> images = countBody(0);
  std::vector<uint8_t> blocks = countBody(0);
  std::vector<uint8_t> events = countBody(0);

  std::vector<uint8_t> payload() const {
    std::vector<uint8_t> out;
    putSection(out, tag("META"), run);
    putSection(out, tag("IMGS"), images);
    putSection(out, tag("BLKS"), blocks);
    putSection(out, tag("EVTS"), events);
    return out;
  }
  std::vector<uint8_t> file() const { return fileFromPayload(payload()); }
};

TEST(profiles_format, HandBuiltPayloadDecodes) {
  Sections sections;
  sections.blocks = blockBody();
  std::vector<uint8_t> images;
  putVarint(images, 1);
  putString(images, "/bin/x");
  putString(images, "beef");
  putLe(images, 42, 8);
  putVarint(images, 0);
  putVarint(images, 0x1000);
  putVarint(images, 0x2000);
  putVarint(images, 1);
  putVarint(images, 0x1000);
  putVarint(images, 4);
  putString(images, "main");
  sections.images = images;
  std::vector<uint8_t> events;
  putVarint(events, 1);
  events.push_back(1); // TierUp
  events.push_back(2); // Optimized
  for (uint64_t value : {100, 50, 0x1000, 4})
    putVarint(events, value);
  sections.events = events;

  RunProfile profile = decodeOrFail(sections.file());
  EXPECT_EQ(profile.tiercelVersion, "v");
  EXPECT_EQ(profile.commandLine, std::vector<std::string>{"x"});
  EXPECT_EQ(profile.startUnixNs, 1000u);
  EXPECT_EQ(profile.durationNs, 2000u);
  EXPECT_TRUE(profile.complete);
  EXPECT_EQ(profile.exitStatus, -1);
  EXPECT_EQ(profile.exitSignal, 9);
  EXPECT_EQ(profile.guestInstructions, 77u);
  EXPECT_EQ(profile.instructionsPerTier[0], 1u);
  EXPECT_EQ(profile.instructionsPerTier[2], 3u);
  EXPECT_EQ(profile.translationNs, 10u);
  EXPECT_EQ(profile.hostCodeBytes, 15u);
  EXPECT_EQ(profile.eventsDropped, 16u);
  ASSERT_EQ(profile.images.size(), 1u);
  EXPECT_EQ(profile.images[0].path, "/bin/x");
  EXPECT_EQ(profile.images[0].buildId, "beef");
  EXPECT_EQ(profile.images[0].contentHash, 42u);
  ASSERT_EQ(profile.images[0].symbols.size(), 1u);
  EXPECT_EQ(profile.images[0].symbols[0].name, "main");
  ASSERT_EQ(profile.blocks.size(), 1u);
  const BlockProfile &block = profile.blocks[0];
  EXPECT_EQ(block.startPc, 0x1000u);
  EXPECT_EQ(block.endPc, 0x1004u);
  EXPECT_EQ(block.codeHash, 0x1122334455667788u);
  EXPECT_EQ(block.tier, TierId::Baseline);
  EXPECT_EQ(block.edges.size(), 1u);
  EXPECT_EQ(block.edges[0].kind, EdgeKind::Taken);
  EXPECT_EQ(block.indirectTargets[0].targetPc, 0x3000u);
  EXPECT_EQ(block.indirectOther, 7u);
  EXPECT_EQ(block.guestCode.size(), 4u);
  EXPECT_EQ(block.hostAddress, 0x7f0000u);
  EXPECT_EQ(block.hostOffsets, (std::vector<uint32_t>{0, 3}));
  ASSERT_EQ(profile.events.size(), 1u);
  EXPECT_EQ(profile.events[0].kind, EventKind::TierUp);
  EXPECT_EQ(profile.events[0].tier, TierId::Optimized);
  EXPECT_EQ(profile.events[0].length, 4u);
}

TEST(profiles_format, UnknownSectionsAreSkipped) {
  RunProfile original = richProfile();
  std::vector<uint8_t> payload = payloadOf(encodeProfile(original));
  std::vector<uint8_t> extra = {1, 2, 3, 0xff, 0x80};
  std::vector<uint8_t> front, back;
  putSection(front, tag("XTRA"), extra);
  putSection(front, 0xffffffff, {});
  front.insert(front.end(), payload.begin(), payload.end());
  back = payload;
  putSection(back, tag("NEW2"), std::vector<uint8_t>(300, 0xaa));
  expectSameProfile(original, decodeOrFail(fileFromPayload(front, {1, 4, 0})));
  expectSameProfile(original, decodeOrFail(fileFromPayload(back, {1, 4, 0})));

  // Between two known sections, in a different order than the writer's.
  Sections sections;
  std::vector<uint8_t> reordered;
  putSection(reordered, tag("EVTS"), sections.events);
  putSection(reordered, tag("BLKS"), sections.blocks);
  putSection(reordered, tag("ZZZZ"), extra);
  putSection(reordered, tag("IMGS"), sections.images);
  putSection(reordered, tag("META"), sections.run);
  EXPECT_EQ(decodeOrFail(fileFromPayload(reordered)).tiercelVersion, "v");
}

TEST(profiles_format, SectionStructureIsChecked) {
  Sections sections;
  std::vector<uint8_t> payload = sections.payload();

  std::vector<uint8_t> twice = payload;
  putSection(twice, tag("BLKS"), sections.blocks);
  EXPECT_EQ(decodeError(fileFromPayload(twice)),
            "corrupt profile: the blocks section appears twice");

  std::vector<uint8_t> missing;
  putSection(missing, tag("META"), sections.run);
  putSection(missing, tag("IMGS"), sections.images);
  putSection(missing, tag("EVTS"), sections.events);
  EXPECT_EQ(decodeError(fileFromPayload(missing)),
            "corrupt profile: the blocks section ('BLKS') is missing");

  // A section length past the end of the payload.
  std::vector<uint8_t> overlong = payload;
  putLe(overlong, tag("XTRA"), 4);
  putVarint(overlong, 1000);
  overlong.push_back(0);
  EXPECT_EQ(decodeError(fileFromPayload(overlong)),
            "corrupt profile: section 'XTRA': body length 1000 runs past the 1 bytes left");

  // A tag cut short.
  std::vector<uint8_t> shortTag = payload;
  shortTag.push_back('X');
  EXPECT_EQ(decodeError(fileFromPayload(shortTag)),
            "corrupt profile: the payload ends in the middle of a section tag");
  // A section length cut short.
  std::vector<uint8_t> shortLength = payload;
  putLe(shortLength, tag("XTRA"), 4);
  shortLength.push_back(0x80);
  EXPECT_EQ(decodeError(fileFromPayload(shortLength)),
            "corrupt profile: section 'XTRA': the payload ends in the middle of body");

  // Bytes after the fields a known section has.
  Sections padded;
  padded.events.push_back(0);
  EXPECT_EQ(decodeError(padded.file()),
            "corrupt profile: 1 unexpected bytes at the end of the events section");

  // A field cut short.
  Sections cut;
  cut.run.pop_back();
  EXPECT_EQ(decodeError(cut.file()),
            "corrupt profile: run section: the section ends in the middle of eventsDropped");
}

TEST(profiles_format, HugeCountsAreRejectedWithoutAllocating) {
  // Each count would need terabytes if reserved; they must be checked
  // against the bytes present first.
  const uint64_t huge = uint64_t(1) << 40;
  Sections blocks;
  blocks.blocks = countBody(huge);
  EXPECT_EQ(decodeError(blocks.file()),
            "corrupt profile: blocks section: block count 1099511627776 does not fit in the 0 "
            "bytes left");

  Sections maxCount;
  maxCount.events = countBody(kMax64);
  maxCount.events.resize(maxCount.events.size() + 40, 0);
  EXPECT_THAT(decodeError(maxCount.file()),
              HasSubstr("event count 18446744073709551615 does not fit in the 40 bytes left"));

  Sections arguments;
  arguments.run = {0};
  putVarint(arguments.run, huge);
  EXPECT_THAT(decodeError(arguments.file()), HasSubstr("commandLine count 1099511627776"));

  // A count that fits the bytes at the minimum size of an element, whose
  // elements then run out.
  Sections edges;
  edges.blocks = blockBody();
  size_t edgeCountAt = 1 + 2 + 1 + 8 + 1 + 1 + 2; // count, startPc .. executions
  ASSERT_EQ(edges.blocks[edgeCountAt], 1);
  edges.blocks[edgeCountAt] = 100;
  EXPECT_THAT(decodeError(edges.file()),
              StartsWith("corrupt profile: block 0 at 0x1000: edge count 100 does not fit"));

  // A string length past the end.
  Sections name;
  name.run = {};
  putVarint(name.run, huge);
  EXPECT_EQ(decodeError(name.file()),
            "corrupt profile: run section: tiercelVersion length 1099511627776 runs past the 0 "
            "bytes left");

  // A varint of eleven bytes, and one whose tenth byte overflows.
  Sections longVarint;
  longVarint.images = std::vector<uint8_t>(10, 0x80);
  longVarint.images.push_back(0);
  EXPECT_EQ(decodeError(longVarint.file()),
            "corrupt profile: images section: image count: varint longer than 64 bits");
  Sections overflow;
  overflow.images = std::vector<uint8_t>(9, 0xff);
  overflow.images.push_back(0x02);
  EXPECT_THAT(decodeError(overflow.file()), HasSubstr("varint longer than 64 bits"));
}

TEST(profiles_format, FieldRangesAreChecked) {
  Sections badBool;
  size_t completeAt = 2 + 1 + 2 + 2 + 2; // "v", 1, "x", 1000, 2000
  ASSERT_EQ(badBool.run[completeAt], 1);
  badBool.run[completeAt] = 2;
  EXPECT_EQ(decodeError(badBool.file()), "corrupt profile: run section: complete is 2, not 0 or 1");

  Sections tiers;
  tiers.run = runBody();
  size_t tierCountAt = completeAt + 1 + 1 + 1 + 1;
  ASSERT_EQ(tiers.run[tierCountAt], 3);
  tiers.run[tierCountAt] = 4;
  EXPECT_THAT(decodeError(tiers.file()), HasSubstr("instructionsPerTier has 4 tiers, not 3"));

  Sections exitStatus;
  exitStatus.run = runBody();
  exitStatus.run.erase(exitStatus.run.begin() + completeAt + 1);
  std::vector<uint8_t> big;
  putVarint(big, uint64_t(1) << 32);
  exitStatus.run.insert(exitStatus.run.begin() + completeAt + 1, big.begin(), big.end());
  EXPECT_EQ(decodeError(exitStatus.file()),
            "corrupt profile: run section: exitStatus 4294967296 does not fit in 32 bits");

  Sections blockEnd;
  blockEnd.blocks = countBody(1);
  putVarint(blockEnd.blocks, kMax64 - 1); // startPc
  putVarint(blockEnd.blocks, 2);          // length: past 2^64
  blockEnd.blocks.resize(blockEnd.blocks.size() + 40, 0);
  EXPECT_THAT(decodeError(blockEnd.file()),
              HasSubstr("block length 0x2 runs past the end of the address space"));
}

TEST(profiles_format, OutOfRangeEnumsAreCorrupt) {
  struct Case {
    void (*spoil)(RunProfile &);
    const char *message;
  };
  const Case cases[] = {
      {[](RunProfile &p) { p.blocks[1].tier = TierId(3); },
       "corrupt profile: block 1 at 0x10084: tier 3 is out of range"},
      {[](RunProfile &p) { p.blocks[0].edges[1].kind = EdgeKind(200); },
       "corrupt profile: block 0 at 0x10078: edge 1: kind 200 is out of range"},
      {[](RunProfile &p) { p.events[2].kind = EventKind(4); },
       "corrupt profile: event 2: kind 4 is out of range"},
      {[](RunProfile &p) { p.events[3].tier = TierId(255); },
       "corrupt profile: event 3: tier 255 is out of range"},
  };
  for (const Case &c : cases) {
    RunProfile profile = richProfile();
    c.spoil(profile);
    EXPECT_EQ(decodeError(encodeProfile(profile)), c.message);
    llvm::Error error = validateProfile(profile);
    ASSERT_TRUE(bool(error));
    EXPECT_EQ("corrupt profile: " + llvm::toString(std::move(error)), c.message);
  }
}

TEST(profiles_format, BlockInvariantsAreChecked) {
  struct Case {
    void (*spoil)(BlockProfile &);
    const char *message;
  };
  const Case cases[] = {
      {[](BlockProfile &b) { b.guestCode.pop_back(); },
       "corrupt profile: block 0 at 0x10078: 11 bytes of guest code for a block of 12 bytes"},
      {[](BlockProfile &b) { b.hostOffsets.push_back(30); },
       "corrupt profile: block 0 at 0x10078: 4 host offsets for 3 instructions"},
      {[](BlockProfile &b) {
         b.hostOffsets = {0, 20, 19};
       },
       "corrupt profile: block 0 at 0x10078: host offset 2 (19) is below the one before it (20)"},
      {[](BlockProfile &b) {
         b.hostOffsets = {0, 1, 40};
       },
       "corrupt profile: block 0 at 0x10078: host offset 2 (40) is past the end of the host "
       "code (40 bytes)"},
      {[](BlockProfile &b) { b.hostCode.clear(); },
       "corrupt profile: block 0 at 0x10078: host offset 0 (0) is past the end of the host "
       "code (0 bytes)"},
  };
  for (const Case &c : cases) {
    RunProfile profile = richProfile();
    c.spoil(profile.blocks[0]);
    EXPECT_EQ(decodeError(encodeProfile(profile)), c.message);
  }
  // endPc below startPc: validateProfile says so; in the file the block's
  // length (endPc - startPc) wraps, and the reader sees it run past 2^64.
  RunProfile backwards = richProfile();
  backwards.blocks[0].endPc = backwards.blocks[0].startPc - 2;
  llvm::Error error = validateProfile(backwards);
  ASSERT_TRUE(bool(error));
  EXPECT_EQ(llvm::toString(std::move(error)), "block 0 at 0x10078: endPc 0x10076 is below startPc");
  EXPECT_EQ(decodeError(encodeProfile(backwards)),
            "corrupt profile: block 0 at 0x10078: block length 0xfffffffffffffffe runs past the "
            "end of the address space");

  // What stays allowed: no guest code, no host offsets, an empty block.
  RunProfile relaxed = richProfile();
  relaxed.blocks[0].guestCode.clear();
  relaxed.blocks[0].hostOffsets.clear();
  relaxed.blocks[0].endPc = relaxed.blocks[0].startPc;
  EXPECT_FALSE(bool(validateProfile(relaxed)));
  expectSameProfile(relaxed, decodeOrFail(encodeProfile(relaxed)));
}

} // namespace
} // namespace tiercel::profiles::test
