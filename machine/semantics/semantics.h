// All instruction semantics, and the table that maps each Opcode to its
// exec<Name> function. Tiers that dispatch on the opcode at run time (the
// interpreter) use the table; tiers that specialise per instruction (stencils,
// lifter) call the functions directly.
#pragma once

#include <array>

#include "machine/semantics/alu.h"
#include "machine/semantics/atomic.h"
#include "machine/semantics/bitmanip.h"
#include "machine/semantics/control.h"
#include "machine/semantics/fp.h"
#include "machine/semantics/memory.h"
#include "machine/semantics/muldiv.h"
#include "machine/semantics/system.h"

namespace tiercel {

template <class Env, class Insn = DecodedInstruction>
using ExecFunction = ExecStatus (*)(Env &, const Insn &);

// execFunctionTable<Env>[op] executes Opcode op; the last entry (Illegal)
// raises illegal instruction. Built from the instruction table: a row without
// an exec<Name> function is a compile error.
template <class Env, class Insn = DecodedInstruction>
inline constexpr std::array<ExecFunction<Env, Insn>, kOpcodeCount> execFunctionTable = {{
#define INSTRUCTION(Name, Mnemonic, Encoding, Fmt, Ext, Flags) &exec##Name<Env, Insn>,
#include "machine/isa/instructions.def"
    &execIllegal<Env, Insn>,
}};

template <class Env, class Insn = DecodedInstruction>
constexpr ExecFunction<Env, Insn> execFunctionFor(Opcode op) {
  return execFunctionTable<Env, Insn>[static_cast<size_t>(op)];
}

} // namespace tiercel
