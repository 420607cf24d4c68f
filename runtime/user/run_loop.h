// The user-mode run loop: runs the guest on the interpreter, turns traps
// into syscalls or guest signals, delivers signals at block boundaries and
// after syscalls, and returns when the guest exits.
#pragma once

#include "machine/interpreter/interpreter.h"
#include "runtime/user/baseline_engine.h"

#include <string>
#include <vector>

namespace tiercel::user {

class Process;

enum class Tier : uint8_t { Interpreter, Baseline };

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
