// The profile file as a whole: round trips, the header (magic, versions,
// flags, sizes), every truncation and bit flips anywhere in the file.
#include "profile_format_test_support.h"

#include <cstring>

namespace tiercel::profiles::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(profiles_format, RichProfileRoundTrips) {
  RunProfile original = richProfile();
  std::vector<uint8_t> file = encodeProfile(original);
  RunProfile decoded = decodeOrFail(file);
  expectSameProfile(original, decoded);
  // Deterministic: the same profile gives the same bytes.
  EXPECT_EQ(encodeProfile(decoded), file);
}

TEST(profiles_format, EmptyProfileRoundTrips) {
  RunProfile original;
  RunProfile decoded = decodeOrFail(encodeProfile(original));
  expectSameProfile(original, decoded);
}

TEST(profiles_format, IncompleteSnapshotRoundTrips) {
  RunProfile original = richProfile();
  original.complete = false;
  original.exitStatus = 0;
  original.exitSignal = -1;
  expectSameProfile(original, decodeOrFail(encodeProfile(original)));
}

TEST(profiles_format, HeaderIsAsDocumented) {
  RunProfile original = smallProfile();
  std::vector<uint8_t> file = encodeProfile(original);
  ASSERT_GT(file.size(), kProfileHeaderSize);
  EXPECT_EQ(std::memcmp(file.data(), "TIERCELP", 8), 0);
  EXPECT_EQ(file[8] | file[9] << 8, kProfileFormatVersion);
  EXPECT_EQ(file[10] | file[11] << 8, kProfileFormatMinorVersion);
  for (unsigned i = 12; i < 16; ++i)
    EXPECT_EQ(file[i], 0) << "flags byte " << i;
  uint64_t payloadSize = 0, compressedSize = 0;
  for (unsigned i = 0; i < 8; ++i) {
    payloadSize |= uint64_t(file[16 + i]) << (8 * i);
    compressedSize |= uint64_t(file[24 + i]) << (8 * i);
  }
  EXPECT_EQ(compressedSize, file.size() - kProfileHeaderSize);
  EXPECT_EQ(payloadSize, payloadOf(file).size());
  // A zstd frame (magic 0xFD2FB528) with the content checksum flag.
  EXPECT_EQ(file[32], 0x28);
  EXPECT_EQ(file[33], 0xb5);
  EXPECT_EQ(file[34], 0x2f);
  EXPECT_EQ(file[35], 0xfd);
  EXPECT_TRUE(file[36] & 0x04);
}

TEST(profiles_format, EveryTruncationIsRejected) {
  std::vector<uint8_t> file = encodeProfile(smallProfile());
  for (size_t length = 0; length < file.size(); ++length) {
    // A copy of exactly `length` bytes, so a read past it is an ASan error.
    std::vector<uint8_t> prefix(file.begin(), file.begin() + length);
    llvm::Expected<RunProfile> profile = decodeProfile(prefix.data(), prefix.size());
    ASSERT_FALSE(bool(profile)) << "accepted a file cut to " << length << " bytes";
    EXPECT_THAT(llvm::toString(profile.takeError()), StartsWith("truncated profile: "))
        << "length " << length;
  }
  std::vector<uint8_t> empty;
  EXPECT_EQ(decodeError(empty), "truncated profile: the file is empty");
}

TEST(profiles_format, EveryBitFlipIsRejectedOrHarmless) {
  RunProfile original = smallProfile();
  std::vector<uint8_t> file = encodeProfile(original);
  size_t accepted = 0, rejected = 0;
  for (size_t byte = 0; byte < file.size(); ++byte) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> flipped = file;
      flipped[byte] ^= uint8_t(1u << bit);
      llvm::Expected<RunProfile> profile = decodeProfile(flipped.data(), flipped.size());
      if (!profile) {
        std::string message = llvm::toString(profile.takeError());
        EXPECT_FALSE(message.empty());
        ++rejected;
        continue;
      }
      // Accepted only when the flip hit something unchecked that does not
      // change the data (the minor version, zstd's window size): the content
      // checksum guarantees the payload is the one written.
      SCOPED_TRACE("byte " + std::to_string(byte) + " bit " + std::to_string(bit));
      expectSameProfile(original, *profile);
      ++accepted;
    }
  }
  EXPECT_GT(rejected, accepted * 10) << accepted << " flips accepted";
}

TEST(profiles_format, BitFlipsInARichProfile) {
  RunProfile original = richProfile();
  std::vector<uint8_t> file = encodeProfile(original);
  for (size_t byte = 0; byte < file.size(); byte += 3) {
    std::vector<uint8_t> flipped = file;
    flipped[byte] ^= uint8_t(1u << (byte % 8));
    llvm::Expected<RunProfile> profile = decodeProfile(flipped.data(), flipped.size());
    if (profile)
      expectSameProfile(original, *profile);
    else
      llvm::consumeError(profile.takeError());
  }
}

TEST(profiles_format, BadMagicIsNotAProfile) {
  std::vector<uint8_t> file = encodeProfile(smallProfile());
  file[0] = 'X';
  EXPECT_EQ(decodeError(file), "not a Tiercel profile (bad magic)");
  std::string text = "#!/bin/sh\necho this is a shell script, not a profile\n";
  EXPECT_EQ(decodeError(std::vector<uint8_t>(text.begin(), text.end())),
            "not a Tiercel profile (bad magic)");
  // A bare zstd frame is not a profile either.
  EXPECT_EQ(decodeError(zstdFrame(payloadOf(file))), "not a Tiercel profile (bad magic)");
  // A short file that is not a prefix of the magic.
  EXPECT_EQ(decodeError({'T', 'I', 'X'}), "not a Tiercel profile (bad magic)");
}

TEST(profiles_format, FutureMajorVersionIsRejectedClearly) {
  std::vector<uint8_t> payload = payloadOf(encodeProfile(smallProfile()));
  std::string message = decodeError(fileFromPayload(payload, {2, 3, 0}));
  EXPECT_EQ(message, "profile format version 2.3 is newer than this Tiercel reads (1); read it "
                     "with a newer Tiercel");
  // The version is checked before the flags a newer version may define.
  EXPECT_THAT(decodeError(fileFromPayload(payload, {0xffff, 0, 0xffffffff})),
              StartsWith("profile format version 65535.0 is newer"));
  EXPECT_EQ(decodeError(fileFromPayload(payload, {0, 1, 0})),
            "corrupt profile: format version 0.1 does not exist");
}

TEST(profiles_format, NewerMinorVersionIsRead) {
  RunProfile original = smallProfile();
  std::vector<uint8_t> payload = payloadOf(encodeProfile(original));
  expectSameProfile(original, decodeOrFail(fileFromPayload(payload, {1, 9, 0})));
}

TEST(profiles_format, UnknownFlagsAreRejected) {
  std::vector<uint8_t> payload = payloadOf(encodeProfile(smallProfile()));
  EXPECT_EQ(decodeError(fileFromPayload(payload, {1, 0, 4})),
            "unsupported profile: unknown header flags 0x4 (format 1.0 defines none); read it "
            "with a newer Tiercel");
  EXPECT_THAT(decodeError(fileFromPayload(payload, {1, 0, 0x80000000})),
              HasSubstr("unknown header flags 0x80000000"));
}

TEST(profiles_format, HeaderSizesMustMatchTheFile) {
  std::vector<uint8_t> file = encodeProfile(smallProfile());
  std::vector<uint8_t> longer = file;
  longer.push_back(0);
  EXPECT_EQ(decodeError(longer),
            "corrupt profile: 1 unexpected bytes after the compressed payload");

  // The payload size must agree with the zstd frame's own.
  std::vector<uint8_t> wrongSize = file;
  wrongSize[16] ^= 1;
  EXPECT_THAT(decodeError(wrongSize), StartsWith("corrupt profile: the zstd frame holds "));

  std::vector<uint8_t> huge = file;
  for (unsigned i = 16; i < 24; ++i)
    huge[i] = 0xff;
  EXPECT_THAT(decodeError(huge), StartsWith("profile too large: "));

  std::vector<uint8_t> compressedTooBig = file;
  compressedTooBig[31] = 0x80;
  EXPECT_THAT(decodeError(compressedTooBig), StartsWith("truncated profile: the header promises "));
}

TEST(profiles_format, PayloadMustBeOneChecksummedZstdFrameOfDeclaredSize) {
  std::vector<uint8_t> payload = payloadOf(encodeProfile(smallProfile()));
  EXPECT_EQ(decodeError(fileFromFrame(zstdFrame(payload, /*checksum=*/false), payload.size())),
            "corrupt profile: the payload's zstd frame has no content checksum");
  EXPECT_EQ(
      decodeError(fileFromFrame(zstdFrame(payload, true, /*contentSize=*/false), payload.size())),
      "corrupt profile: the payload's zstd frame does not declare its size");
  // Two frames back to back.
  std::vector<uint8_t> frames = zstdFrame(payload);
  std::vector<uint8_t> second = zstdFrame(payload);
  frames.insert(frames.end(), second.begin(), second.end());
  EXPECT_THAT(decodeError(fileFromFrame(frames, payload.size())),
              HasSubstr("bytes after the payload's zstd frame"));
  // Not zstd at all.
  EXPECT_EQ(decodeError(fileFromFrame(payload, payload.size())),
            "corrupt profile: the payload is not a zstd frame");
  EXPECT_EQ(decodeError(fileFromFrame({}, 0)), "corrupt profile: the payload is not a zstd frame");
}

TEST(profiles_format, ContentChecksumCatchesCorruption) {
  std::vector<uint8_t> file = encodeProfile(smallProfile());
  std::vector<uint8_t> bad = file;
  bad.back() ^= 0x10; // the last byte belongs to the frame's content checksum
  EXPECT_THAT(decodeError(bad), StartsWith("corrupt profile: payload: "));
}

} // namespace
} // namespace tiercel::profiles::test
