// The tier-2 semantics: the one semantics (machine/semantics/) compiled by
// clang-19 to LLVM bitcode at build time and embedded in the binary
// (semantics_bitcode.cmake). This file is never compiled to machine code.
//
// One function per opcode, `tiercel_sem_<Name>`, with every operand a
// scalar argument. The lifter (region_lifter.cpp) links the functions a
// region uses into the region's module and calls them with constants, so
// once LLVM inlines them (they are always_inline) each call folds into the
// few host instructions of that one instruction, with the guest registers
// as SSA values of the region.
//
// Conditional branches export their condition only,
// `tiercel_cond_<Name>`: the lifter turns the two successors into the
// region's own control flow.
//
// Nothing here restates an instruction's behaviour: each function builds
// the operand view the semantics read and calls exec<Name>, exactly as the
// tier-1 stencils do (jit/stencils/user_stencils.cpp).
#include "machine/semantics/semantics.h"
#include "runtime/user/generated_code_env.h"

using namespace tiercel;

namespace {

// The operands of one instruction as the semantics read them
// (machine/semantics/common.h): here every field is an argument.
using LiftedOperands = WideOperands;

// Guest memory as the interpreter and tier 1 do it; instructions that need
// more of the environment (CSRs, privileged ones) are never lifted through
// this file: the lifter calls the runtime's full-environment helper for
// them, as tier 1's CallSemantics stencil does.
using LiftEnv = user::GeneratedCodeEnv;

} // namespace

#define TIERCEL_LIFTED_ARGS                                                                        \
  CpuState *cpu, uint8_t *base, uint64_t pc, int64_t imm, uint64_t raw, uint64_t rd, uint64_t rs1, \
      uint64_t rs2, uint64_t rs3, uint64_t rm, uint64_t next
#define TIERCEL_LIFTED_OPERANDS LiftedOperands{pc, imm, raw, rd, rs1, rs2, rs3, rm, next}

// ExecStatus as an integer: the lifter switches on it.
#define INSTRUCTION(Name, Mnemonic, Encoding, Fmt, Ext, Flags)                                     \
  extern "C" [[gnu::always_inline]] uint32_t tiercel_sem_##Name(TIERCEL_LIFTED_ARGS) {            \
    LiftEnv env{*cpu, base};                                                                       \
    return static_cast<uint32_t>(exec##Name<LiftEnv, LiftedOperands>(env, TIERCEL_LIFTED_OPERANDS)); \
  }
#include "machine/isa/instructions.def"
#undef INSTRUCTION

#define TIERCEL_CONDITION(Name)                                                                    \
  extern "C" [[gnu::always_inline]] bool tiercel_cond_##Name(TIERCEL_LIFTED_ARGS) {               \
    (void)base;                                                                                    \
    return branchTaken##Name<LiftedOperands>(*cpu, TIERCEL_LIFTED_OPERANDS);                       \
  }
TIERCEL_CONDITION(Beq)
TIERCEL_CONDITION(Bne)
TIERCEL_CONDITION(Blt)
TIERCEL_CONDITION(Bge)
TIERCEL_CONDITION(Bltu)
TIERCEL_CONDITION(Bgeu)

// An encoding that decodes to no instruction: illegal instruction.
extern "C" [[gnu::always_inline]] uint32_t tiercel_sem_Illegal(TIERCEL_LIFTED_ARGS) {
  LiftEnv env{*cpu, base};
  return static_cast<uint32_t>(execIllegal<LiftEnv, LiftedOperands>(env, TIERCEL_LIFTED_OPERANDS));
}
