// Copy-and-patch relocation (see stencil_patcher.h).
#include "jit/stencil_patcher.h"

#include <cstring>
#include <limits>

namespace tiercel::jit {

namespace {

// `field` is where r's field was copied to and `fieldAddress` where it
// runs; `start` is where the code's offset 0 runs (or would, when the code
// was copied from a later offset).
bool applyRelocation(uint8_t *field, uint64_t fieldAddress, uint64_t start,
                     const StencilRelocation &r, const HoleValues *holes,
                     const StencilLinkage &linkage) {
  uint64_t symbol = 0;
  switch (r.target) {
  case RelocationTarget::Hole:
    if (holes == nullptr)
      return false;
    symbol = holes->value[r.index];
    break;
  case RelocationTarget::Library: symbol = linkage.libraryAddresses[r.index]; break;
  case RelocationTarget::External: symbol = linkage.externalAddresses[r.index]; break;
  case RelocationTarget::Self: symbol = start; break;
  }
  uint64_t value = symbol + static_cast<uint64_t>(r.addend);
  switch (r.type) {
  case RelocationType::Absolute64: std::memcpy(field, &value, 8); return true;
  case RelocationType::Absolute32: {
    if (value > std::numeric_limits<uint32_t>::max())
      return false;
    auto narrow = static_cast<uint32_t>(value);
    std::memcpy(field, &narrow, 4);
    return true;
  }
  case RelocationType::Relative32: value -= fieldAddress; [[fallthrough]];
  case RelocationType::Absolute32S: {
    auto wide = static_cast<int64_t>(value);
    if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max())
      return false;
    auto narrow = static_cast<int32_t>(wide);
    std::memcpy(field, &narrow, 4);
    return true;
  }
  }
  return false;
}

} // namespace

bool patchStencil(uint8_t *destination, uint64_t execAddress, const StencilCode &code,
                  uint32_t begin, uint32_t end, const HoleValues &holes,
                  const StencilLinkage &linkage) {
  for (uint32_t i = 0; i < code.relocationCount; ++i) {
    const StencilRelocation &r = code.relocations[i];
    uint32_t fieldEnd = r.offset + (r.type == RelocationType::Absolute64 ? 8u : 4u);
    if (fieldEnd <= begin || r.offset >= end)
      continue; // in the skipped first load or the dropped tail jump
    if (r.offset < begin || fieldEnd > end)
      return false;
    uint32_t at = r.offset - begin;
    if (!applyRelocation(destination + at, execAddress + at, execAddress - begin, r, &holes,
                         linkage))
      return false;
  }
  return true;
}

bool patchLibrarySection(uint8_t *destination, uint64_t execAddress, const LibrarySection &section,
                         const StencilLinkage &linkage) {
  for (uint32_t i = 0; i < section.relocationCount; ++i)
    if (!applyRelocation(destination + section.relocations[i].offset,
                         execAddress + section.relocations[i].offset, execAddress,
                         section.relocations[i], nullptr, linkage))
      return false;
  return true;
}

} // namespace tiercel::jit
