// Helpers shared by the exporters (profiles/export_*.cpp) and the HTML report
// (profiles/html_*.cpp): the image/function/block frames of a block, names of
// the profile's enums, hex formatting and UTF-8 repair. Internal to
// tiercel_profiles; tools use profiles/export.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include "profiles/profile.h"

namespace tiercel::profiles::detail {

// "0x" followed by lowercase hex digits, no padding: "0x10a4c".
std::string hexString(uint64_t value);
// Lowercase hex of each byte, no separator: "13050000".
std::string hexBytes(const std::vector<uint8_t> &bytes);

// The string itself when it is valid UTF-8, else a copy with each invalid
// sequence replaced by U+FFFD (JSON, protobuf strings and HTML want UTF-8;
// ELF symbol names and paths are arbitrary bytes).
std::string validUtf8(llvm::StringRef text);

const char *eventKindName(EventKind kind); // "translate", "tier-up", "invalidate", "flush"
const char *edgeKindName(EdgeKind kind);   // "taken", "fallthrough", "jump"

// Where a guest pc lies: the image holding it and the function symbol holding
// it, found by the same rules as profiles::symbolize().
struct CodeLocation {
  const GuestImage *image = nullptr; // nullptr: in no image
  size_t imageIndex = 0;             // index in RunProfile::images when image != nullptr
  const Symbol *symbol = nullptr;    // nullptr: no function symbol holds the pc
};
CodeLocation locateCode(const RunProfile &profile, uint64_t pc);

// The three frames of a block's pseudo stack (see profiles/export.h).
struct BlockFrames {
  CodeLocation location;
  std::string image;    // file name of the image, "[unknown]" when in none
  std::string function; // symbol name, or "0x<startPc>"
  std::string block;    // "0x<startPc> [tier]"
};
BlockFrames blockFrames(const RunProfile &profile, const BlockProfile &block);

// The exporters behind exportProfile(), one per format.
llvm::Expected<std::vector<uint8_t>> exportPprof(const RunProfile &profile);
std::vector<uint8_t> exportSpeedscope(const RunProfile &profile);
std::vector<uint8_t> exportChrome(const RunProfile &profile);
std::vector<uint8_t> exportFolded(const RunProfile &profile);
std::vector<uint8_t> exportJson(const RunProfile &profile);

} // namespace tiercel::profiles::detail
