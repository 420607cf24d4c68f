// libFuzzer target for the profile reader (profiles/profile_format.h): any
// bytes must give a profile or an error, never a crash, a hang or a read out
// of bounds. An accepted profile must survive encode -> decode unchanged.
//
// Each input is tried twice: as a whole file, and as the uncompressed
// payload of a well-formed file (the fuzzer wraps it in a header and a zstd
// frame), because the content checksum stops almost every mutation of a
// whole file before the section parser sees it.
//
// Built a second time with TIERCEL_PROFILE_READER_SEEDS, the same file is
// the seed writer of the ctest (tests/fuzz/profile_reader.cmake):
//   tiercel_profile_reader_seeds SEED_DIR WORK_DIR
// writes a few encoded profiles and their raw payloads to SEED_DIR and
// empties WORK_DIR, the corpus directory the fuzzer adds to.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <zstd.h>

#include "profiles/profile_format.h"

namespace {

using namespace tiercel::profiles;

uint64_t readLe64(const uint8_t *bytes) {
  uint64_t value = 0;
  for (unsigned i = 0; i < 8; ++i)
    value |= uint64_t(bytes[i]) << (8 * i);
  return value;
}

#ifndef TIERCEL_PROFILE_READER_SEEDS

void putLe(std::vector<uint8_t> &out, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    out.push_back(uint8_t(value >> (8 * i)));
}

// A well-formed version 1.0 file around an arbitrary payload
// (docs/PROFILE-FORMAT.md, "Header").
std::vector<uint8_t> wrapPayload(const uint8_t *payload, size_t size) {
  std::vector<uint8_t> frame(ZSTD_compressBound(size));
  ZSTD_CCtx *context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  size_t frameSize = ZSTD_compress2(context, frame.data(), frame.size(), payload, size);
  ZSTD_freeCCtx(context);
  if (ZSTD_isError(frameSize))
    std::abort();
  std::vector<uint8_t> file = {'T', 'I', 'E', 'R', 'C', 'E', 'L', 'P'};
  putLe(file, kProfileFormatVersion, 2);
  putLe(file, 0, 2);
  putLe(file, 0, 4);
  putLe(file, size, 8);
  putLe(file, frameSize, 8);
  file.insert(file.end(), frame.begin(), frame.begin() + frameSize);
  return file;
}

// Decodes; an accepted profile must encode to a file that decodes to the
// same profile. Encoding is deterministic and covers every field, so equal
// encodings mean equal profiles.
void checkDecode(const uint8_t *data, size_t size) {
  llvm::Expected<RunProfile> first = decodeProfile(data, size);
  if (!first) {
    std::string message = llvm::toString(first.takeError());
    if (message.empty())
      std::abort(); // every rejection says why
    return;
  }
  std::vector<uint8_t> encoded = encodeProfile(*first);
  llvm::Expected<RunProfile> second = decodeProfile(encoded.data(), encoded.size());
  if (!second) {
    std::fprintf(stderr, "re-encoded profile rejected: %s\n",
                 llvm::toString(second.takeError()).c_str());
    std::abort();
  }
  if (encodeProfile(*second) != encoded) {
    std::fprintf(stderr, "profile changed in an encode/decode round trip\n");
    std::abort();
  }
}

#endif

} // namespace

#ifndef TIERCEL_PROFILE_READER_SEEDS

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A file may legitimately declare a payload of up to 4 GiB, and zstd can
  // expand a few bytes to that much; the fuzzer's memory limit is smaller.
  // The limit itself is covered by the unit tests.
  constexpr uint64_t kFuzzPayloadLimit = 64 << 20;
  if (size < kProfileHeaderSize || readLe64(data + 16) <= kFuzzPayloadLimit)
    checkDecode(data, size);
  std::vector<uint8_t> wrapped = wrapPayload(data, size);
  checkDecode(wrapped.data(), wrapped.size());
  return 0;
}

#else // the seed writer

#include "llvm/Support/FileSystem.h"

namespace {

std::vector<RunProfile> seedProfiles() {
  std::vector<RunProfile> profiles(3);
  profiles[1].tiercelVersion = "0.1.0";
  profiles[1].commandLine = {"tiercel-riscv64", "./a.out"};
  profiles[1].images.push_back({"/a.out", "beef", 7, 0, 0x10000, 0x11000, {{0x10000, 8, "main"}}});
  BlockProfile block;
  block.startPc = 0x10000;
  block.endPc = 0x10008;
  block.guestCode = {0x13, 0x05, 0x10, 0x00, 0x67, 0x80, 0x00, 0x00};
  block.codeHash = guestCodeHash(block.guestCode.data(), block.guestCode.size());
  block.instructionCount = 2;
  block.executions = 3;
  block.edges = {{EdgeKind::Jump, 0x10010, 3}};
  block.hostCode = {0x48, 0x89, 0xc7, 0xc3};
  block.hostOffsets = {0, 3};
  profiles[1].blocks.push_back(block);
  profiles[1].events.push_back({EventKind::Translate, TierId::Baseline, 5, 6, 0x10000, 8});
  profiles[1].complete = true;

  RunProfile &rich = profiles[2];
  rich = profiles[1];
  rich.exitStatus = -1;
  rich.exitSignal = 6;
  rich.instructionsPerTier[2] = UINT64_MAX;
  for (unsigned i = 1; i < 6; ++i) {
    BlockProfile next = block;
    next.startPc += 0x40 * i;
    next.endPc += 0x40 * i;
    next.tier = TierId(i % kTierCount);
    next.indirectTargets = {{0x10000, i}, {UINT64_MAX, 1}};
    next.indirectOther = i;
    rich.blocks.push_back(next);
  }
  rich.events.push_back({EventKind::TierUp, TierId::Optimized, 9, 100, 0x10000, 64});
  rich.events.push_back({EventKind::Invalidate, TierId::Baseline, 10, 0, 0x10040, 8});
  rich.events.push_back({EventKind::Flush, TierId::Baseline, 11, 0, 0, 0});
  rich.eventsDropped = 2;
  return profiles;
}

bool writeBytes(const std::string &path, const std::vector<uint8_t> &bytes) {
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  return std::fclose(file) == 0 && ok;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SEED_DIR WORK_DIR\n", argv[0]);
    return 2;
  }
  std::string seedDir = argv[1], workDir = argv[2];
  if (std::error_code error = llvm::sys::fs::remove_directories(workDir)) {
    std::fprintf(stderr, "cannot empty %s: %s\n", workDir.c_str(), error.message().c_str());
    return 1;
  }
  for (const std::string &dir : {seedDir, workDir})
    if (std::error_code error = llvm::sys::fs::create_directories(dir)) {
      std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), error.message().c_str());
      return 1;
    }
  std::vector<RunProfile> profiles = seedProfiles();
  for (size_t i = 0; i < profiles.size(); ++i) {
    std::string file = seedDir + "/profile-" + std::to_string(i) + ".tprof";
    if (llvm::Error error = writeProfileFile(file, profiles[i])) {
      std::fprintf(stderr, "%s\n", llvm::toString(std::move(error)).c_str());
      return 1;
    }
    // The raw payload, for the fuzzer's payload mode.
    std::vector<uint8_t> encoded = encodeProfile(profiles[i]);
    std::vector<uint8_t> payload(readLe64(encoded.data() + 16));
    size_t size =
        ZSTD_decompress(payload.data(), payload.size(), encoded.data() + kProfileHeaderSize,
                        encoded.size() - kProfileHeaderSize);
    std::string payloadFile = seedDir + "/payload-" + std::to_string(i) + ".bin";
    if (ZSTD_isError(size) || size != payload.size() || !writeBytes(payloadFile, payload)) {
      std::fprintf(stderr, "cannot write %s\n", payloadFile.c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seed profiles and payloads to %s\n", profiles.size(), seedDir.c_str());
  return 0;
}

#endif
