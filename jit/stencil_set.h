// The stencil tables generated at build time by the extractor
// (jit/stencil_extractor/) from the compiled stencil object, and the types
// they are made of. The translator copies a stencil's bytes and applies its
// relocations (patchStencil in stencil_patcher.cpp).
#pragma once

#include <cstdint>

#include "jit/stencils/stencil_abi.h"

namespace tiercel::jit {

// The relocation kinds the patcher handles; the extractor rejects any other.
enum class RelocationType : uint8_t {
  Absolute64,  // R_X86_64_64: S + A
  Absolute32,  // R_X86_64_32: S + A, must fit in 32 bits zero-extended
  Absolute32S, // R_X86_64_32S: S + A, must fit in 32 bits sign-extended
  Relative32,  // R_X86_64_PC32 / PLT32: S + A - P, must fit in int32
};

// What a relocation refers to.
enum class RelocationTarget : uint8_t {
  Hole,     // index: a Hole (stencil_abi.h)
  Library,  // index: a library section, copied once into the code cache
  External, // index: an external symbol (kExternalSymbols), a host function
  Self,     // the stencil's own start (a jump inside a copied stencil)
};

struct StencilRelocation {
  uint32_t offset; // where the field is, from the start of the code
  RelocationType type;
  RelocationTarget target;
  uint16_t index;
  int64_t addend;
};

// One `mov` between a host register and a guest register's slot in the
// CpuState, `[r12 + disp32]` with disp32 = the value of `hole` (a register
// hole) + `addend`. The extractor records the two the translator's reload
// elision needs, after proving them from the decoded stencil.
struct RegisterSlotAccess {
  uint8_t length;       // of the instruction in bytes; 0: the stencil has none
  uint8_t hostRegister; // x86-64 register number (0 rax, 1 rcx, ... 15 r15)
  uint8_t hole;         // a Hole of kind Register
  int32_t addend;
};

struct StencilCode {
  const uint8_t *bytes;
  uint32_t size;
  uint32_t tailJump; // 5 when the code ends in `jmp Continue` (droppable), else 0
  const StencilRelocation *relocations;
  uint32_t relocationCount;
  // `mov [r12 + slot], reg` right before the stencil's only jump to
  // Continue, which no branch of the stencil targets: every path into the
  // next stencil leaves `reg` equal to the slot.
  RegisterSlotAccess endStore;
  // `mov reg, [r12 + slot]` at offset 0, with no branch of the stencil
  // into it and no relocation in it but its hole: when `reg` already holds
  // the slot, the stencil may be copied from offset beginLoad.length on.
  RegisterSlotAccess beginLoad;
};

// Code or read-only data the stencils share (functions too large to
// inline, constant pools). Holes are not allowed in them.
struct LibrarySection {
  const char *name;
  const uint8_t *bytes;
  uint32_t size;
  uint32_t alignment;
  bool executable;
  const StencilRelocation *relocations;
  uint32_t relocationCount;
};

// The generated tables (stencil_tables.cpp in the build directory).
struct StencilTables {
  // [opcode * kStencilVariantCount + variant], nullptr where none exists.
  const StencilCode *const *instructions;
  const StencilCode *const *specials; // [SpecialStencil]
  const LibrarySection *library;
  uint32_t librarySectionCount;
  const char *const *externalSymbols;
  uint32_t externalSymbolCount;
};
const StencilTables &stencilTables();

inline const StencilCode *instructionStencil(Opcode op, StencilVariant variant) {
  return stencilTables()
      .instructions[static_cast<size_t>(op) * kStencilVariantCount + static_cast<size_t>(variant)];
}
inline const StencilCode &specialStencil(SpecialStencil which) {
  return *stencilTables().specials[static_cast<size_t>(which)];
}

} // namespace tiercel::jit
