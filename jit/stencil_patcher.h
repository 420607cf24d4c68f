// Copy-and-patch: places a stencil's bytes at their final address and fills
// its holes. The patcher is the only code that knows the relocation kinds
// the extractor admits (stencil_set.h); a value that does not fit its field
// is reported, never truncated, so the translator can fall back.
#pragma once

#include <array>
#include <cstdint>

#include "jit/stencil_set.h"

namespace tiercel::jit {

// The value of every hole for one stencil instance. Register holes take
// 8 * (register + 1), Imm takes imm + kImmediateBias (setImmediate does both
// forms), code and data holes take host addresses.
struct HoleValues {
  std::array<uint64_t, kHoleCount> value{};

  void set(Hole hole, uint64_t v) { value[static_cast<size_t>(hole)] = v; }
  uint64_t get(Hole hole) const { return value[static_cast<size_t>(hole)]; }
  void setRegister(Hole hole, unsigned reg) { set(hole, (uint64_t{reg} + 1) * 8); }
  void setImmediate(int64_t imm) {
    set(Hole::Imm, static_cast<uint64_t>(imm + kImmediateBias));
    set(Hole::ImmWide, static_cast<uint64_t>(imm));
  }
};

// Where the shared pieces of the stencils live at run time.
struct StencilLinkage {
  const uint64_t *libraryAddresses; // [LibrarySection index]
  const uint64_t *externalAddresses; // [external symbol index]
};

// Applies `code`'s relocations to `destination` (a writable alias of the
// bytes that will run at `execAddress`), which holds the stencil's bytes
// [begin, end): relocations outside them (in a skipped first load, in a
// dropped tail jump) are skipped, one that straddles a bound fails.
// Returns false when a value does not fit its field; the bytes are then
// partly patched and must not run.
bool patchStencil(uint8_t *destination, uint64_t execAddress, const StencilCode &code,
                  uint32_t begin, uint32_t end, const HoleValues &holes,
                  const StencilLinkage &linkage);

// Patches one library section the same way (it has no holes).
bool patchLibrarySection(uint8_t *destination, uint64_t execAddress, const LibrarySection &section,
                         const StencilLinkage &linkage);

} // namespace tiercel::jit
