// Shared vocabulary of the instruction semantics: the status an instruction
// returns, register access, trap helpers, and the environment contract.
//
// The semantics (machine/semantics/*.h) are written once, as inline function
// templates over an environment type `Env`, and consumed three ways: natively
// by the interpreter, as copy-and-patch stencils, and as LLVM bitcode. So they
// must depend on nothing but CpuState, the operands they are handed and the
// Env they are given: no globals, no interpreter state, no C++ exceptions.
// Traps are values: the instruction records cause and tval in the CpuState,
// sets pc to its own address and returns ExecStatus::Trap.
//
// The operands come as `const Insn &`: the interpreter passes its
// DecodedInstruction; generated code passes a WideOperands (below) whose
// fields are relocation holes (tier-1 stencils) or constant arguments
// (tier-2 bitcode), full-width so that `cpu.x[insn.rs1]` compiles to one
// displacement and no truncation hides the register number from the
// compiler. An Insn has the DecodedInstruction fields the semantics read:
// pc, imm, raw, rd, rs1, rs2, rs3, rm, nextPc().
#pragma once

#include <concepts>
#include <cstdint>

#include "machine/cpu_state.h"
#include "machine/isa/decoded_instruction.h"

#define TIERCEL_SEMANTICS [[gnu::always_inline]] inline

namespace tiercel {

// What an instruction did to control flow. Every tier dispatches on it.
enum class ExecStatus : uint8_t {
  Continue,  // fall through to insn.nextPc(); cpu.pc was not written
  Jump,      // cpu.pc holds the next pc (taken or not-taken branch, jump)
  Trap,      // exception: cpu.pc = faulting pc, cpu.trapCause/trapValue set
  FlushCode, // fence.i: cpu.pc = next pc; translated code must be dropped
  Resync,    // translation state changed (privilege, satp, frm...): cpu.pc =
             // next pc; the tier must leave the block and look up again
};

// The environment an instruction runs in. User mode and system mode each
// provide one; tiers pass it through. Memory accessors return false after
// recording a trap (cause, tval) in env.cpu; they never throw.
template <class Env>
concept SemanticsEnv = requires(Env &env, uint64_t addr, uint64_t value, uint32_t csr,
                                uint64_t &out, uint8_t &out8, uint16_t &out16, uint32_t &out32) {
  { env.cpu } -> std::convertible_to<CpuState &>;
  // Instruction fetch of one 16-bit parcel (translation time, not per
  // execution). Records an instruction page/access fault on failure.
  { env.fetchParcel(addr, out16) } -> std::same_as<bool>;
  { env.template load<uint8_t>(addr, out8) } -> std::same_as<bool>;
  { env.template load<uint16_t>(addr, out16) } -> std::same_as<bool>;
  { env.template load<uint32_t>(addr, out32) } -> std::same_as<bool>;
  { env.template load<uint64_t>(addr, out) } -> std::same_as<bool>;
  { env.template store<uint8_t>(addr, out8) } -> std::same_as<bool>;
  { env.template store<uint64_t>(addr, value) } -> std::same_as<bool>;
  // Host pointer for an atomic access of sizeof(T) bytes at addr (aligned,
  // writable, not MMIO), or nullptr with the trap recorded.
  { env.template atomicPointer<uint32_t>(addr) } -> std::same_as<uint32_t *>;
  { env.template atomicPointer<uint64_t>(addr) } -> std::same_as<uint64_t *>;
  // CSR access beyond the FP CSRs (which live in CpuState). Return false for
  // a CSR that does not exist or is not accessible: an illegal instruction.
  { env.csrRead(csr, out) } -> std::same_as<bool>;
  { env.csrWrite(csr, value) } -> std::same_as<bool>;
  // FP instructions are illegal while the FP unit is off (mstatus.FS = Off).
  { env.fpEnabled() } -> std::same_as<bool>;
  { env.markFpDirty() };
  // Privileged instructions; user-mode environments raise illegal instruction.
  { env.executeMret(DecodedInstruction{}) } -> std::same_as<ExecStatus>;
  { env.executeSret(DecodedInstruction{}) } -> std::same_as<ExecStatus>;
  { env.executeWfi(DecodedInstruction{}) } -> std::same_as<ExecStatus>;
  { env.executeSfenceVma(DecodedInstruction{}) } -> std::same_as<ExecStatus>;
};

// The operand view of generated code (see the top of this file).
struct WideOperands {
  uint64_t pc;
  int64_t imm;
  uint64_t raw;
  uint64_t rd, rs1, rs2, rs3;
  uint64_t rm;
  uint64_t next;
  [[gnu::always_inline]] uint64_t nextPc() const { return next; }
};

// x0 reads as zero. Where the register number is a compile-time constant
// (a tier-1 stencil specialised for rs1 = x0) that is folded; elsewhere the
// read is the array access (x[0] is kept zero).
TIERCEL_SEMANTICS uint64_t readX(const CpuState &cpu, uint64_t reg) {
  if (__builtin_constant_p(reg) && reg == 0)
    return 0;
  return cpu.x[reg];
}

// x0 is hard-wired to zero: writes to it are dropped.
TIERCEL_SEMANTICS void writeX(CpuState &cpu, uint64_t reg, uint64_t value) {
  if (reg != 0)
    cpu.x[reg] = value;
}

template <class Insn>
TIERCEL_SEMANTICS ExecStatus raiseTrap(CpuState &cpu, const Insn &insn,
                                       TrapCause cause, uint64_t tval) {
  cpu.pc = insn.pc;
  cpu.trapCause = static_cast<uint64_t>(cause);
  cpu.trapValue = tval;
  return ExecStatus::Trap;
}

// Illegal instruction; tval holds the instruction bits (privileged spec 3.1.16).
template <class Insn>
TIERCEL_SEMANTICS ExecStatus raiseIllegal(CpuState &cpu, const Insn &insn) {
  return raiseTrap(cpu, insn, TrapCause::IllegalInstruction, insn.raw);
}

// The environment already recorded cause and tval (a failed memory access).
template <class Insn>
TIERCEL_SEMANTICS ExecStatus trapRecorded(CpuState &cpu, const Insn &insn) {
  cpu.pc = insn.pc;
  return ExecStatus::Trap;
}

TIERCEL_SEMANTICS ExecStatus jumpTo(CpuState &cpu, uint64_t target) {
  cpu.pc = target;
  return ExecStatus::Jump;
}

} // namespace tiercel
