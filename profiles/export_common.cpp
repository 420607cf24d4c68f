// Helpers shared by the exporters and the HTML report (export_common.h).
#include "profiles/export_common.h"

#include <algorithm>

#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

namespace tiercel::profiles::detail {

std::string hexString(uint64_t value) {
  static const char digits[] = "0123456789abcdef";
  char buffer[16];
  int length = 0;
  do {
    buffer[length++] = digits[value & 0xf];
    value >>= 4;
  } while (value != 0);
  std::string text = "0x";
  while (length > 0)
    text += buffer[--length];
  return text;
}

std::string hexBytes(const std::vector<uint8_t> &bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (uint8_t byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 0xf];
  }
  return text;
}

std::string validUtf8(llvm::StringRef text) {
  if (llvm::json::isUTF8(text))
    return text.str();
  return llvm::json::fixUTF8(text);
}

const char *eventKindName(EventKind kind) {
  switch (kind) {
  case EventKind::Translate: return "translate";
  case EventKind::TierUp: return "tier-up";
  case EventKind::Invalidate: return "invalidate";
  case EventKind::Flush: return "flush";
  }
  return "unknown";
}

const char *edgeKindName(EdgeKind kind) {
  switch (kind) {
  case EdgeKind::Taken: return "taken";
  case EdgeKind::FallThrough: return "fallthrough";
  case EdgeKind::Jump: return "jump";
  }
  return "unknown";
}

CodeLocation locateCode(const RunProfile &profile, uint64_t pc) {
  CodeLocation location;
  for (size_t index = 0; index < profile.images.size(); ++index) {
    const GuestImage &image = profile.images[index];
    if (pc < image.start || pc >= image.end)
      continue;
    const Symbol *symbol = findFunctionSymbol(image, pc);
    if (location.image == nullptr || symbol != nullptr) {
      location.image = &image;
      location.imageIndex = index;
      location.symbol = symbol;
    }
    if (symbol != nullptr)
      break;
  }
  return location;
}

BlockFrames blockFrames(const RunProfile &profile, const BlockProfile &block) {
  BlockFrames frames;
  frames.location = locateCode(profile, block.startPc);
  if (const GuestImage *image = frames.location.image) {
    llvm::StringRef fileName = llvm::sys::path::filename(image->path);
    if (fileName.empty())
      fileName = image->path;
    frames.image = fileName.empty() ? "[image " + std::to_string(frames.location.imageIndex) + "]"
                                    : fileName.str();
  } else {
    frames.image = "[unknown]";
  }
  const Symbol *symbol = frames.location.symbol;
  frames.function =
      symbol != nullptr && !symbol->name.empty() ? symbol->name : hexString(block.startPc);
  frames.block = hexString(block.startPc) + " [" + tierName(block.tier) + "]";
  return frames;
}

} // namespace tiercel::profiles::detail
