// The profile data model's helpers: tier names, the guest code hash and
// symbol lookup (profiles/profile.h).
#include "profiles/profile.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace tiercel::profiles {

const char *tierName(TierId tier) {
  switch (tier) {
  case TierId::Interpreter: return "interp";
  case TierId::Baseline: return "baseline";
  case TierId::Optimized: return "optimized";
  }
  return "unknown";
}

uint64_t guestCodeHash(const uint8_t *data, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ull; // FNV-1a offset basis
  for (size_t i = 0; i < size; ++i) {
    hash ^= data[i];
    hash *= 0x100000001b3ull; // FNV prime
  }
  return hash;
}

const Symbol *findFunctionSymbol(const GuestImage &image, uint64_t pc) {
  auto after = std::upper_bound(image.symbols.begin(), image.symbols.end(), pc,
                                [](uint64_t value, const Symbol &symbol) {
                                  return value < symbol.address;
                                });
  if (after == image.symbols.begin())
    return nullptr;
  const Symbol &symbol = *std::prev(after);
  if (symbol.size != 0 && pc - symbol.address >= symbol.size)
    return nullptr;
  return &symbol;
}

std::string symbolize(const RunProfile &profile, uint64_t pc) {
  for (const GuestImage &image : profile.images) {
    if (pc < image.start || pc >= image.end)
      continue;
    const Symbol *symbol = findFunctionSymbol(image, pc);
    if (symbol == nullptr)
      continue;
    uint64_t offset = pc - symbol->address;
    if (offset == 0)
      return symbol->name;
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, "+0x%" PRIx64, offset);
    return symbol->name + suffix;
  }
  return "";
}

uint64_t totalEstimatedInstructions(const RunProfile &profile) {
  uint64_t total = 0;
  for (const BlockProfile &block : profile.blocks)
    total += block.estimatedInstructions();
  return total;
}

} // namespace tiercel::profiles
