// The reference interpreter: runs guest code on the one semantics, over
// pre-decoded blocks so the steady state does no decoding. It is the oracle
// every other tier is checked against.
//
// PUBLIC API CONTRACT (the runtime codes against this; keep it stable):
//
//   template <SemanticsEnv Env> class Interpreter {   // interpreter_impl.h
//     explicit Interpreter(Env &env, const InterpreterOptions & = {});
//     StopReason run();            // until a trap or an exit request
//     void invalidateRange(uint64_t start, uint64_t length);
//     void invalidateAll();
//     uint64_t instructionsExecuted() const;
//     void recoverAfterHostFault(); // after siglongjmp out of run()
//   };
//
// - run() continues from cpu.pc. It returns StopReason::Trap with cpu.pc at
//   the trapping instruction (ecall included: the runtime advances pc past
//   it after handling the syscall) and StopReason::ExitRequest when
//   cpu.exitRequest is non-zero at a block entry (cpu.pc = next instruction).
// - Precision contract: before every instruction with kLoad or kStore, cpu.pc
//   holds that instruction's address, and registers live in CpuState, so a
//   host SIGSEGV handler may siglongjmp out of run() and report the exact
//   guest state; it then calls recoverAfterHostFault() to make cpu.instret
//   exact before calling run() again.
// - cpu.instret counts retired instructions exactly at every return from
//   run() (a trapping instruction does not retire).
// - fence.i is handled inside run() (all translations dropped).
//   invalidateRange/invalidateAll may be called between runs or from an env
//   callback during run(); memory of dropped blocks is reclaimed only once
//   control is back in the dispatcher.
// - Translations are keyed by (pc, Env::translationFlags()) when the Env
//   provides translationFlags() (e.g. MMU mode and privilege in system mode).
#pragma once

#include <cstdint>
#include <cstdio>

#include "machine/interpreter/log_filter.h"
#include "machine/isa/disassembler.h"
#include "machine/semantics/common.h"

namespace tiercel {

// Why Interpreter::run returned.
enum class StopReason : uint8_t {
  Trap,        // an instruction trapped (ecall, ebreak, fault, illegal):
               // cpu.pc = its address, cpu.trapCause/trapValue set
  ExitRequest, // cpu.exitRequest was non-zero at a block entry; cpu.pc is
               // the next instruction to run
  Breakpoint,  // cpu.pc is a debugger breakpoint (setBreakpoints); nothing
               // there ran yet
};

struct InterpreterOptions {
  FILE *log = nullptr;          // destination of the -d logs below
  bool logInAsm = false;        // -d in_asm: each block's guest code when decoded
  bool logExec = false;         // -d exec: each block's pc as it runs
  bool logCpu = false;          // -d cpu: register state at each block entry
  bool logFpu = false;          // -d fpu: FP registers in the -d cpu dump
  bool oneInsnPerBlock = false; // -one-insn-per-tb
  DisassemblyOptions disassembly; // -M numeric: x-register names in in_asm
  LogFilter logFilter;            // -dfilter: blocks the logs above cover
};

// Env satisfies SemanticsEnv (machine/semantics/common.h). Declared here,
// defined in interpreter_impl.h (a template; instantiated by the runtime).
template <SemanticsEnv Env> class Interpreter;

} // namespace tiercel
