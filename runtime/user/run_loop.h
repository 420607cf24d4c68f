// The user-mode run loop: runs the guest on the interpreter, turns traps
// into syscalls or guest signals, delivers signals at block boundaries and
// after syscalls, and returns when the guest exits.
#pragma once

#include "machine/interpreter/interpreter.h"
#include "runtime/user/baseline_engine.h"

#include <string>
#include <unordered_set>
#include <vector>

namespace tiercel::user {

class Process;

enum class Tier : uint8_t { Interpreter, Baseline };

// A debugger attached to the run (-g: runtime/gdb/user_stub.h). The run
// loop reports every stop to it and asks how to go on; without one the
// loop is the plain one, unchanged.
class RunDebugger {
public:
  enum class StopKind : uint8_t { Start, Breakpoint, Step, Signal, Interrupt, Watchpoint };
  struct Resume {
    bool step = false; // one instruction, then StopKind::Step
    int signal = 0;    // Linux signal to deliver before running (0: none)
  };
  virtual ~RunDebugger() = default;
  // The guest stopped; returns when the debugger resumes it. For Signal,
  // `signal` was taken out of the pending set: it is delivered only if the
  // resume asks for it.
  virtual Resume stopped(StopKind kind, int signal) = 0;
  // pcs to stop at before they run; the version changes with the set.
  virtual const std::unordered_set<uint64_t> &breakpoints() const = 0;
  virtual uint64_t breakpointsVersion() const = 0;
  // While watchpoints exist the run loop runs one instruction at a time
  // (the reference semantics) and asks after each whether one triggered.
  virtual bool watching() const = 0;
  virtual void beforeInstruction(const DecodedInstruction &insn, const CpuState &cpu) = 0;
  virtual bool afterInstruction() = 0;
  // Whether cpu.exitRequest was raised for the debugger's interrupt (^C).
  virtual bool takeInterrupt() = 0;
};

// -profile FILE, -profile-interval SECONDS.
struct RunProfileOptions {
  std::string path; // empty: no profile
  double intervalSeconds = 0;
  std::vector<std::string> commandLine; // recorded in the profile
  std::string tiercelVersion;
};

struct RunOptions {
  Tier tier = Tier::Interpreter;
  InterpreterOptions interpreter;
  BaselineOptions baseline;
  RunProfileOptions profile;
  bool logStats = false; // -d stats: statistics at exit and on SIGUSR1
  RunDebugger *debugger = nullptr; // -g: stops go to it
  // The caller ends the host process right after runProcess returns: the
  // tiers are not torn down, so exit does not wait for a tier-2 compile in
  // progress (tens of milliseconds that every short process would pay).
  bool exitWithoutTeardown = false;
};

// Runs `process` until it calls exit/exit_group and returns the guest's
// exit status. A guest ended by a signal ends the host process with that
// signal from inside (the call does not return). A tier that cannot start
// (no memory for the code cache) is reported on stderr: status 1.
int runProcess(Process &process, const RunOptions &options);

// The guest signal a trap raises (Linux's do_trap_* in arch/riscv/kernel/
// traps.c), for traps other than ecall. Sets signal, si_code and si_addr.
struct TrapSignal {
  int signal;
  int code;
  uint64_t address;
};
TrapSignal signalForTrap(Process &process, uint64_t cause, uint64_t pc, uint64_t tval);

// Whether Linux restarts this syscall after a SA_RESTART handler (signal(7):
// sleeps, waits with timeouts, sigsuspend and poll-family calls never are).
bool isRestartableSyscall(uint64_t number);

} // namespace tiercel::user
