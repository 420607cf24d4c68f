// F and D loads and stores (ISA spec 11.5, 12.3): flw/fsw/fld/fsd through
// the environment's memory interface. flw NaN-boxes what it loads; fsw
// stores bits 31:0 of the register as they are, boxed or not.
#pragma once

#include "machine/semantics/fp_common.h"

namespace tiercel {

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFlw(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  if (!env.fpEnabled())
    return raiseIllegal(cpu, insn);
  uint32_t value;
  if (!env.template load<uint32_t>(readX(cpu, insn.rs1) + static_cast<uint64_t>(insn.imm), value))
    return trapRecorded(cpu, insn);
  writeF<Float32Format>(env, insn.rd, value);
  return ExecStatus::Continue;
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFld(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  if (!env.fpEnabled())
    return raiseIllegal(cpu, insn);
  uint64_t value;
  if (!env.template load<uint64_t>(readX(cpu, insn.rs1) + static_cast<uint64_t>(insn.imm), value))
    return trapRecorded(cpu, insn);
  writeF<Float64Format>(env, insn.rd, value);
  return ExecStatus::Continue;
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsw(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  if (!env.fpEnabled())
    return raiseIllegal(cpu, insn);
  if (!env.template store<uint32_t>(readX(cpu, insn.rs1) + static_cast<uint64_t>(insn.imm),
                                    static_cast<uint32_t>(cpu.f[insn.rs2])))
    return trapRecorded(cpu, insn);
  return ExecStatus::Continue;
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execFsd(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  if (!env.fpEnabled())
    return raiseIllegal(cpu, insn);
  if (!env.template store<uint64_t>(readX(cpu, insn.rs1) + static_cast<uint64_t>(insn.imm),
                                    cpu.f[insn.rs2]))
    return trapRecorded(cpu, insn);
  return ExecStatus::Continue;
}

} // namespace tiercel
