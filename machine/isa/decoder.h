// Decoder: guest instruction bits -> DecodedInstruction, derived from the
// instruction table. Compressed (RVC) words are first expanded to the 32-bit
// instruction they stand for (ISA spec, "C" standard extension chapter).
#pragma once

#include <cstdint>

#include "machine/isa/decoded_instruction.h"

namespace tiercel {

// Length in bytes of the instruction whose first 16-bit parcel is `parcel`:
// 2 when the low two bits are not 11, else 4. Longer encodings (48/64-bit)
// are not part of RV64GC and are reported as 4 and decoded as illegal.
constexpr unsigned instructionLength(uint16_t parcel) { return (parcel & 3) == 3 ? 4 : 2; }

// Expands a 16-bit compressed instruction to its 32-bit equivalent. Returns
// 0 (an illegal 32-bit encoding) for reserved and illegal compressed words,
// including the all-zero word.
uint32_t expandCompressed(uint16_t parcel);

// Decodes a 32-bit encoding. An encoding that matches no table row yields
// Opcode::Illegal; the returned instruction still carries raw/pc/length.
DecodedInstruction decode32(uint32_t bits, uint64_t pc);

// Decodes the instruction whose bits start with `bits` (the low 16 bits are
// the first parcel; for a 32-bit instruction the high 16 bits are the second).
DecodedInstruction decode(uint32_t bits, uint64_t pc);

} // namespace tiercel
