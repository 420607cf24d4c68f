// RV64I control transfer: jal, jalr and the conditional branches (ISA spec
// 2.5). With the C extension IALIGN is 16, so no target built from an even
// immediate is misaligned and jalr only clears bit 0 (ISA spec 2.5.1).
//
// Each branch condition is its own function (branchTakenBeq ...) so that a
// tier can evaluate the condition and pick a successor itself, sharing
// execBranch for the architectural effect.
#pragma once

#include <cstdint>

#include "machine/semantics/common.h"

namespace tiercel {

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execJal(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  writeX(cpu, insn.rd, insn.nextPc());
  return jumpTo(cpu, insn.pc + static_cast<uint64_t>(insn.imm));
}

// The target is computed before rd is written: rd may equal rs1.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execJalr(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint64_t target = (readX(cpu, insn.rs1) + static_cast<uint64_t>(insn.imm)) & ~uint64_t{1};
  writeX(cpu, insn.rd, insn.nextPc());
  return jumpTo(cpu, target);
}

// ---- Branch conditions (ISA spec 2.5.2) ----

template <class Insn>
TIERCEL_SEMANTICS bool branchTakenBeq(const CpuState &cpu, const Insn &insn) {
  return readX(cpu, insn.rs1) == readX(cpu, insn.rs2);
}
template <class Insn>
TIERCEL_SEMANTICS bool branchTakenBne(const CpuState &cpu, const Insn &insn) {
  return readX(cpu, insn.rs1) != readX(cpu, insn.rs2);
}
template <class Insn>
TIERCEL_SEMANTICS bool branchTakenBlt(const CpuState &cpu, const Insn &insn) {
  return static_cast<int64_t>(readX(cpu, insn.rs1)) < static_cast<int64_t>(readX(cpu, insn.rs2));
}
template <class Insn>
TIERCEL_SEMANTICS bool branchTakenBge(const CpuState &cpu, const Insn &insn) {
  return static_cast<int64_t>(readX(cpu, insn.rs1)) >= static_cast<int64_t>(readX(cpu, insn.rs2));
}
template <class Insn>
TIERCEL_SEMANTICS bool branchTakenBltu(const CpuState &cpu, const Insn &insn) {
  return readX(cpu, insn.rs1) < readX(cpu, insn.rs2);
}
template <class Insn>
TIERCEL_SEMANTICS bool branchTakenBgeu(const CpuState &cpu, const Insn &insn) {
  return readX(cpu, insn.rs1) >= readX(cpu, insn.rs2);
}

// The one architectural effect of every conditional branch: pc becomes the
// target when taken, else the next instruction. Always returns Jump so tiers
// treat both outcomes alike.
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBranch(Env &env, const Insn &insn, bool taken) {
  return jumpTo(env.cpu, taken ? insn.pc + static_cast<uint64_t>(insn.imm) : insn.nextPc());
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBeq(Env &env, const Insn &insn) {
  return execBranch(env, insn, branchTakenBeq(env.cpu, insn));
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBne(Env &env, const Insn &insn) {
  return execBranch(env, insn, branchTakenBne(env.cpu, insn));
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBlt(Env &env, const Insn &insn) {
  return execBranch(env, insn, branchTakenBlt(env.cpu, insn));
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBge(Env &env, const Insn &insn) {
  return execBranch(env, insn, branchTakenBge(env.cpu, insn));
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBltu(Env &env, const Insn &insn) {
  return execBranch(env, insn, branchTakenBltu(env.cpu, insn));
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execBgeu(Env &env, const Insn &insn) {
  return execBranch(env, insn, branchTakenBgeu(env.cpu, insn));
}

} // namespace tiercel
