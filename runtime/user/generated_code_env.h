// The environment of user-mode instructions compiled into generated code:
// the tier-1 stencils (jit/stencils/user_stencils.cpp) and the tier-2
// semantics bitcode (lifter/semantics_bitcode.cpp). Guest memory exactly as
// the interpreter's UserEnv does it (user_memory.h). Instructions that need
// more of the environment (CSRs, privileged ones) never run through it:
// both tiers call the runtime's full UserEnv for them
// (tiercel_jit_execute_instruction), so those members are unreachable.
#pragma once

#include <cstdint>

#include "machine/semantics/common.h"
#include "runtime/user/user_memory.h"

namespace tiercel::user {

struct GeneratedCodeEnv {
  CpuState &cpu;
  uint8_t *base;

  [[gnu::always_inline]] UserMemory memory() { return UserMemory{cpu, base}; }
  template <class T> [[gnu::always_inline]] bool load(uint64_t addr, T &out) {
    return memory().load(addr, out);
  }
  template <class T> [[gnu::always_inline]] bool store(uint64_t addr, T value) {
    return memory().store(addr, value);
  }
  template <class T> [[gnu::always_inline]] T *atomicPointer(uint64_t addr) {
    return memory().template atomicPointer<T>(addr);
  }
  bool fpEnabled() const { return true; }
  void markFpDirty() {}
  template <class Insn> ExecStatus executeMret(const Insn &insn) { return raiseIllegal(cpu, insn); }
  template <class Insn> ExecStatus executeSret(const Insn &insn) { return raiseIllegal(cpu, insn); }
  template <class Insn> ExecStatus executeWfi(const Insn &insn) { return raiseIllegal(cpu, insn); }
  template <class Insn> ExecStatus executeSfenceVma(const Insn &insn) {
    return raiseIllegal(cpu, insn);
  }
  bool csrRead(uint32_t, uint64_t &) { __builtin_unreachable(); }
  bool csrWrite(uint32_t, uint64_t) { __builtin_unreachable(); }
};

} // namespace tiercel::user
