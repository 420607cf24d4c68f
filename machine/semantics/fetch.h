// Instruction fetch and decode through an environment, shared by every
// consumer that reads guest code: the interpreter's and tier 1's block
// builders and the lockstep checker. One or two 16-bit parcels (ISA spec
// 1.5: the low two bits give the length), the decoder, and the env's
// extension switches (user mode's -cpu rv64,zbb=off): instructions of a
// disabled extension decode as illegal.
#pragma once

#include <concepts>
#include <cstdint>

#include "machine/isa/decoder.h"
#include "machine/semantics/common.h"

namespace tiercel {

// Fetches and decodes the instruction at `pc` into `insn`. Returns false
// when a parcel cannot be fetched; the env then recorded cause and tval in
// env.cpu (trapCause/trapValue).
template <class Env>
TIERCEL_SEMANTICS bool fetchInstruction(Env &env, uint64_t pc, DecodedInstruction &insn) {
  uint16_t low = 0, high = 0;
  if (!env.fetchParcel(pc, low))
    return false;
  if (instructionLength(low) == 4 && !env.fetchParcel(pc + 2, high))
    return false;
  insn = decode(static_cast<uint32_t>(high) << 16 | low, pc);
  if constexpr (requires(Env &e, const DecodedInstruction &i) {
                  { e.instructionEnabled(i) } -> std::convertible_to<bool>;
                })
    if (insn.opcode != Opcode::Illegal && !env.instructionEnabled(insn))
      insn.opcode = Opcode::Illegal;
  return true;
}

} // namespace tiercel
