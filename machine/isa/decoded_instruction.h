// The decoded form of one guest instruction: what every tier consumes.
#pragma once

#include <cstdint>

#include "machine/isa/instruction_table.h"

namespace tiercel {

// Operands of one instruction, extracted according to its Format. Fields an
// instruction does not use are zero. Compressed instructions are decoded to
// the 32-bit instruction they expand to, with length 2.
struct DecodedInstruction {
  uint64_t pc = 0;     // guest address the instruction was fetched from
  int64_t imm = 0;     // sign-extended immediate, shamt, CSR number or fence bits
  uint32_t raw = 0;    // the encoding as fetched (16 bits for compressed), for tval
  Opcode opcode = Opcode::Illegal;
  uint8_t rd = 0;
  uint8_t rs1 = 0;
  uint8_t rs2 = 0;
  uint8_t rs3 = 0;
  uint8_t rm = 0;      // FP rounding mode field; for AMOs bit 1 = aq, bit 0 = rl
  uint8_t length = 4;  // 2 for compressed, 4 otherwise

  uint64_t nextPc() const { return pc + length; }
};

} // namespace tiercel
