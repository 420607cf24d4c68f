// The Tiercel profile file format: a RunProfile as a versioned, zstd-compressed
// file (docs/PROFILE-FORMAT.md is the specification). The writer is the
// runtime (at exit, and snapshots from a background thread); the readers are
// tiercel-prof and -profile-use. Readers trust nothing in the file: every
// length, count and offset is checked against the bytes actually present, and
// a truncated, corrupt or future-version file gives an error saying which.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "profiles/profile.h"
#include "llvm/Support/Error.h"

namespace tiercel::profiles {

// The major version: bumped on an incompatible change (a reader rejects a
// newer major). The minor version only adds sections old readers skip.
inline constexpr uint16_t kProfileFormatVersion = 1;
inline constexpr uint16_t kProfileFormatMinorVersion = 0;

// The fixed header in front of the compressed payload.
inline constexpr size_t kProfileHeaderSize = 32;
// The largest uncompressed payload a reader accepts.
inline constexpr uint64_t kMaxProfilePayloadSize = uint64_t(1) << 32;

// The whole file, ready to write. Does not check the profile: a profile
// that breaks validateProfile's rules is written as is and rejected by the
// reader.
std::vector<uint8_t> encodeProfile(const RunProfile &profile);

// Parses a whole file. Errors name what is wrong: "not a Tiercel profile (bad
// magic)", "truncated profile: ...", "corrupt profile: ...", "profile format
// version N.M is newer than this Tiercel reads (1); ...".
llvm::Expected<RunProfile> decodeProfile(const uint8_t *data, size_t size);

// The invariants readers rely on (docs/PROFILE-FORMAT.md, "Invariants"):
// enums in range, endPc >= startPc, guest code and host offsets consistent
// with the block. The error names the element: "block 12 at 0x10a4c: ...".
// decodeProfile applies it to every file it reads.
llvm::Error validateProfile(const RunProfile &profile);

// Writes atomically: a temporary file in the same directory, then a rename,
// so a reader (or a live snapshot consumer) never sees a half-written file.
// Errors name the path.
llvm::Error writeProfileFile(const std::string &path, const RunProfile &profile);

// Reads and decodes a file; errors name the path.
llvm::Expected<RunProfile> readProfileFile(const std::string &path);

} // namespace tiercel::profiles
