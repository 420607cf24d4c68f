// RV64I integer loads and stores (ISA spec 2.6, 5.3). Memory goes through
// env.load/env.store, which translate the address, check permissions and
// record the trap (cause, tval) when the access faults. Whether a misaligned
// access traps or is performed is the environment's choice (ISA spec 2.6).
#pragma once

#include <cstdint>
#include <type_traits>

#include "machine/semantics/common.h"

namespace tiercel {

template <class Insn>
TIERCEL_SEMANTICS uint64_t effectiveAddress(const CpuState &cpu, const Insn &insn) {
  return readX(cpu, insn.rs1) + static_cast<uint64_t>(insn.imm);
}

// Loads a T at x[rs1] + imm and writes it to rd extended to 64 bits: sign
// extension when T is signed, zero extension otherwise. The address is formed
// before rd is written, so rd == rs1 is fine.
template <class T, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus loadInteger(Env &env, const Insn &insn) {
  using Unsigned = std::make_unsigned_t<T>;
  CpuState &cpu = env.cpu;
  Unsigned value;
  if (!env.template load<Unsigned>(effectiveAddress(cpu, insn), value)) [[unlikely]]
    return trapRecorded(cpu, insn);
  writeX(cpu, insn.rd, static_cast<uint64_t>(static_cast<int64_t>(static_cast<T>(value))));
  return ExecStatus::Continue;
}

// Stores the low sizeof(T) bytes of x[rs2] at x[rs1] + imm.
template <class T, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus storeInteger(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  if (!env.template store<T>(effectiveAddress(cpu, insn), static_cast<T>(readX(cpu, insn.rs2))))
      [[unlikely]]
    return trapRecorded(cpu, insn);
  return ExecStatus::Continue;
}

// For unsigned T the int64_t round trip below zero-extends; for signed T it
// sign-extends. lwu/lbu/lhu therefore use the unsigned types.
template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execLb(Env &env, const Insn &insn) {
  return loadInteger<int8_t>(env, insn);
}
template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execLh(Env &env, const Insn &insn) {
  return loadInteger<int16_t>(env, insn);
}
template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execLw(Env &env, const Insn &insn) {
  return loadInteger<int32_t>(env, insn);
}
template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execLd(Env &env, const Insn &insn) {
  return loadInteger<int64_t>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execLbu(Env &env, const Insn &insn) {
  return loadInteger<uint8_t>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execLhu(Env &env, const Insn &insn) {
  return loadInteger<uint16_t>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execLwu(Env &env, const Insn &insn) {
  return loadInteger<uint32_t>(env, insn);
}

template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execSb(Env &env, const Insn &insn) {
  return storeInteger<uint8_t>(env, insn);
}
template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execSh(Env &env, const Insn &insn) {
  return storeInteger<uint16_t>(env, insn);
}
template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execSw(Env &env, const Insn &insn) {
  return storeInteger<uint32_t>(env, insn);
}
template <class Env, class Insn> TIERCEL_SEMANTICS ExecStatus execSd(Env &env, const Insn &insn) {
  return storeInteger<uint64_t>(env, insn);
}

} // namespace tiercel
