// Shared by the profile format tests: sample profiles, a field-by-field
// comparison, and the raw pieces of a file (header, zstd frame, sections) as
// docs/PROFILE-FORMAT.md describes them, to build files by hand.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zstd.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "profiles/profile_format.h"

namespace tiercel::profiles::test {

inline constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();

// Every field set, extremes included: max uint64 values, negative exit
// status, empty strings and vectors next to full ones.
inline RunProfile richProfile() {
  RunProfile profile;
  profile.tiercelVersion = "0.1.0-test";
  profile.commandLine = {"tiercel-riscv64", "", "-profile=out.tprof", "./guest", "arg with spaces"};
  GuestImage exe;
  exe.path = "/opt/guest/bin/hello";
  exe.buildId = "0123456789abcdef0123456789abcdef01234567";
  exe.contentHash = 0xfedcba9876543210ull;
  exe.loadBias = 0;
  exe.start = 0x10000;
  exe.end = 0x24000;
  exe.symbols = {{0x10078, 0x40, "_start"}, {0x100b8, 0, ""}, {0x10200, kMax64, "main"}};
  GuestImage interpreter;
  interpreter.path = "/lib/ld-linux-riscv64-lp64d.so.1";
  interpreter.buildId = "";
  interpreter.contentHash = kMax64;
  interpreter.loadBias = 0x7fff'f7fd'0000ull;
  interpreter.start = 0x7fff'f7fd'0000ull;
  interpreter.end = kMax64;
  GuestImage empty; // all defaults
  profile.images = {exe, interpreter, empty};
  profile.startUnixNs = 1'700'000'000'123'456'789ull;
  profile.durationNs = kMax64;
  profile.complete = true;
  profile.exitStatus = -2147483647 - 1;
  profile.exitSignal = 11;
  profile.guestInstructions = kMax64 - 1;
  profile.instructionsPerTier[0] = 1;
  profile.instructionsPerTier[1] = kMax64;
  profile.instructionsPerTier[2] = 0x1234;
  profile.translationNs = 99;
  profile.compileNs = kMax64;
  profile.cacheFlushes = 3;
  profile.invalidations = 4;
  profile.blocksTranslated = 5;
  profile.hostCodeBytes = 1 << 20;

  BlockProfile first;
  first.startPc = 0x10078;
  first.endPc = 0x10084;
  first.guestCode = {0x13, 0x05, 0x10, 0x00, 0x93, 0x05, 0x20, 0x00, 0x63, 0x04, 0xb5, 0x00};
  first.codeHash = guestCodeHash(first.guestCode.data(), first.guestCode.size());
  first.tier = TierId::Baseline;
  first.instructionCount = 3;
  first.executions = 1000;
  first.edges = {{EdgeKind::Taken, 0x1008c, 600}, {EdgeKind::FallThrough, 0x10084, 400}};
  first.indirectOther = 0;
  first.translatedAtNs = 12345;
  first.compileNs = 678;
  first.translations = 2;
  first.hostAddress = 0x7f00'0000'1000ull;
  first.hostCode = std::vector<uint8_t>(40, 0x90);
  first.hostOffsets = {0, 0, 17}; // an instruction without host code of its own

  BlockProfile second; // tier 2 region, max values, indirect targets, no code bytes
  second.startPc = 0x10084;
  second.endPc = kMax64;
  second.codeHash = kMax64;
  second.tier = TierId::Optimized;
  second.instructionCount = std::numeric_limits<uint32_t>::max();
  second.executions = kMax64;
  second.edges = {{EdgeKind::Jump, kMax64, kMax64}};
  second.indirectTargets = {{0x10200, 70}, {0x10300, 20}, {kMax64, kMax64}};
  second.indirectOther = 10;
  second.translatedAtNs = kMax64;
  second.compileNs = kMax64;
  second.translations = std::numeric_limits<uint32_t>::max();
  second.hostAddress = kMax64;

  BlockProfile third; // interpreter block: all defaults but the pc
  third.startPc = 0x7fff'f7fd'1000ull;
  third.endPc = 0x7fff'f7fd'1000ull;
  third.tier = TierId::Interpreter;

  profile.blocks = {first, second, third};
  profile.events = {
      {EventKind::Translate, TierId::Baseline, 100, 20, 0x10078, 12},
      {EventKind::TierUp, TierId::Optimized, 200, kMax64, 0x10084, kMax64},
      {EventKind::Invalidate, TierId::Baseline, 300, 0, 0x10078, 12},
      {EventKind::Flush, TierId::Interpreter, kMax64, 0, 0, 0},
  };
  profile.eventsDropped = 7;
  return profile;
}

// Small, so looping over every byte of its file stays fast.
inline RunProfile smallProfile() {
  RunProfile profile;
  profile.tiercelVersion = "t";
  profile.commandLine = {"a.out"};
  profile.images.push_back({"/a.out", "ab", 1, 0, 0x1000, 0x2000, {{0x1000, 8, "f"}}});
  BlockProfile block;
  block.startPc = 0x1000;
  block.endPc = 0x1008;
  block.guestCode = {1, 2, 3, 4, 5, 6, 7, 8};
  block.codeHash = guestCodeHash(block.guestCode.data(), block.guestCode.size());
  block.instructionCount = 2;
  block.executions = 5;
  block.edges = {{EdgeKind::Jump, 0x1000, 5}};
  block.hostCode = {0xc3, 0x90, 0x90};
  block.hostOffsets = {0, 2};
  profile.blocks.push_back(block);
  profile.events.push_back({EventKind::Translate, TierId::Baseline, 1, 2, 0x1000, 8});
  profile.complete = true;
  return profile;
}

inline void expectSameProfile(const RunProfile &a, const RunProfile &b) {
  EXPECT_EQ(a.tiercelVersion, b.tiercelVersion);
  EXPECT_EQ(a.commandLine, b.commandLine);
  ASSERT_EQ(a.images.size(), b.images.size());
  for (size_t i = 0; i < a.images.size(); ++i) {
    SCOPED_TRACE("image " + std::to_string(i));
    const GuestImage &x = a.images[i], &y = b.images[i];
    EXPECT_EQ(x.path, y.path);
    EXPECT_EQ(x.buildId, y.buildId);
    EXPECT_EQ(x.contentHash, y.contentHash);
    EXPECT_EQ(x.loadBias, y.loadBias);
    EXPECT_EQ(x.start, y.start);
    EXPECT_EQ(x.end, y.end);
    ASSERT_EQ(x.symbols.size(), y.symbols.size());
    for (size_t s = 0; s < x.symbols.size(); ++s) {
      EXPECT_EQ(x.symbols[s].address, y.symbols[s].address);
      EXPECT_EQ(x.symbols[s].size, y.symbols[s].size);
      EXPECT_EQ(x.symbols[s].name, y.symbols[s].name);
    }
  }
  EXPECT_EQ(a.startUnixNs, b.startUnixNs);
  EXPECT_EQ(a.durationNs, b.durationNs);
  EXPECT_EQ(a.complete, b.complete);
  EXPECT_EQ(a.exitStatus, b.exitStatus);
  EXPECT_EQ(a.exitSignal, b.exitSignal);
  EXPECT_EQ(a.guestInstructions, b.guestInstructions);
  for (unsigned t = 0; t < kTierCount; ++t)
    EXPECT_EQ(a.instructionsPerTier[t], b.instructionsPerTier[t]) << "tier " << t;
  EXPECT_EQ(a.translationNs, b.translationNs);
  EXPECT_EQ(a.compileNs, b.compileNs);
  EXPECT_EQ(a.cacheFlushes, b.cacheFlushes);
  EXPECT_EQ(a.invalidations, b.invalidations);
  EXPECT_EQ(a.blocksTranslated, b.blocksTranslated);
  EXPECT_EQ(a.hostCodeBytes, b.hostCodeBytes);
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (size_t i = 0; i < a.blocks.size(); ++i) {
    SCOPED_TRACE("block " + std::to_string(i));
    const BlockProfile &x = a.blocks[i], &y = b.blocks[i];
    EXPECT_EQ(x.startPc, y.startPc);
    EXPECT_EQ(x.endPc, y.endPc);
    EXPECT_EQ(x.codeHash, y.codeHash);
    EXPECT_EQ(x.tier, y.tier);
    EXPECT_EQ(x.instructionCount, y.instructionCount);
    EXPECT_EQ(x.executions, y.executions);
    ASSERT_EQ(x.edges.size(), y.edges.size());
    for (size_t e = 0; e < x.edges.size(); ++e) {
      EXPECT_EQ(x.edges[e].kind, y.edges[e].kind);
      EXPECT_EQ(x.edges[e].targetPc, y.edges[e].targetPc);
      EXPECT_EQ(x.edges[e].count, y.edges[e].count);
    }
    ASSERT_EQ(x.indirectTargets.size(), y.indirectTargets.size());
    for (size_t t = 0; t < x.indirectTargets.size(); ++t) {
      EXPECT_EQ(x.indirectTargets[t].targetPc, y.indirectTargets[t].targetPc);
      EXPECT_EQ(x.indirectTargets[t].count, y.indirectTargets[t].count);
    }
    EXPECT_EQ(x.indirectOther, y.indirectOther);
    EXPECT_EQ(x.translatedAtNs, y.translatedAtNs);
    EXPECT_EQ(x.compileNs, y.compileNs);
    EXPECT_EQ(x.translations, y.translations);
    EXPECT_EQ(x.guestCode, y.guestCode);
    EXPECT_EQ(x.hostAddress, y.hostAddress);
    EXPECT_EQ(x.hostCode, y.hostCode);
    EXPECT_EQ(x.hostOffsets, y.hostOffsets);
  }
  ASSERT_EQ(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    EXPECT_EQ(a.events[i].kind, b.events[i].kind);
    EXPECT_EQ(a.events[i].tier, b.events[i].tier);
    EXPECT_EQ(a.events[i].timeNs, b.events[i].timeNs);
    EXPECT_EQ(a.events[i].durationNs, b.events[i].durationNs);
    EXPECT_EQ(a.events[i].pc, b.events[i].pc);
    EXPECT_EQ(a.events[i].length, b.events[i].length);
  }
  EXPECT_EQ(a.eventsDropped, b.eventsDropped);
}

// Decodes bytes that must be accepted.
inline RunProfile decodeOrFail(const std::vector<uint8_t> &file) {
  llvm::Expected<RunProfile> profile = decodeProfile(file.data(), file.size());
  if (!profile) {
    ADD_FAILURE() << "decode failed: " << llvm::toString(profile.takeError());
    return RunProfile();
  }
  return std::move(*profile);
}

// The error message for bytes that must be rejected ("" and a failure if accepted).
inline std::string decodeError(const std::vector<uint8_t> &file) {
  llvm::Expected<RunProfile> profile = decodeProfile(file.data(), file.size());
  if (profile) {
    ADD_FAILURE() << "decode accepted a bad file";
    return "";
  }
  return llvm::toString(profile.takeError());
}

// ---- Raw pieces of a file, written from the format description.

inline void putLe(std::vector<uint8_t> &out, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    out.push_back(uint8_t(value >> (8 * i)));
}

inline void putVarint(std::vector<uint8_t> &out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(uint8_t(value) | 0x80);
    value >>= 7;
  }
  out.push_back(uint8_t(value));
}

inline void putString(std::vector<uint8_t> &out, const std::string &text) {
  putVarint(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
}

inline uint32_t tag(const char (&name)[5]) {
  return uint32_t(uint8_t(name[0])) | uint32_t(uint8_t(name[1])) << 8 |
         uint32_t(uint8_t(name[2])) << 16 | uint32_t(uint8_t(name[3])) << 24;
}

inline void putSection(std::vector<uint8_t> &payload, uint32_t sectionTag,
                       const std::vector<uint8_t> &body) {
  putLe(payload, sectionTag, 4);
  putVarint(payload, body.size());
  payload.insert(payload.end(), body.begin(), body.end());
}

inline std::vector<uint8_t> zstdFrame(const std::vector<uint8_t> &payload, bool checksum = true,
                                      bool contentSize = true) {
  std::vector<uint8_t> frame(ZSTD_compressBound(payload.size()));
  ZSTD_CCtx *context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, contentSize ? 1 : 0);
  size_t size = ZSTD_compress2(context, frame.data(), frame.size(), payload.data(), payload.size());
  ZSTD_freeCCtx(context);
  EXPECT_FALSE(ZSTD_isError(size));
  frame.resize(ZSTD_isError(size) ? 0 : size);
  return frame;
}

struct HeaderFields {
  uint16_t major = 1;
  uint16_t minor = 0;
  uint32_t flags = 0;
};

inline std::vector<uint8_t> fileFromFrame(const std::vector<uint8_t> &frame, uint64_t payloadSize,
                                          HeaderFields header = {}) {
  std::vector<uint8_t> file = {'T', 'I', 'E', 'R', 'C', 'E', 'L', 'P'};
  putLe(file, header.major, 2);
  putLe(file, header.minor, 2);
  putLe(file, header.flags, 4);
  putLe(file, payloadSize, 8);
  putLe(file, frame.size(), 8);
  file.insert(file.end(), frame.begin(), frame.end());
  return file;
}

inline std::vector<uint8_t> fileFromPayload(const std::vector<uint8_t> &payload,
                                            HeaderFields header = {}) {
  return fileFromFrame(zstdFrame(payload), payload.size(), header);
}

// The uncompressed payload of a file encodeProfile wrote.
inline std::vector<uint8_t> payloadOf(const std::vector<uint8_t> &file) {
  const uint8_t *frame = file.data() + kProfileHeaderSize;
  size_t frameSize = file.size() - kProfileHeaderSize;
  unsigned long long size = ZSTD_getFrameContentSize(frame, frameSize);
  std::vector<uint8_t> payload(size);
  size_t result = ZSTD_decompress(payload.data(), payload.size(), frame, frameSize);
  EXPECT_FALSE(ZSTD_isError(result));
  return payload;
}

} // namespace tiercel::profiles::test
