// The run loop of system mode: every hart of a board (virt or spike) on the
// reference interpreter (Interpreter<SystemEnv>), each hart on its own host
// thread (hart 0 on the caller's) with its own interpreter and so its own
// decoded-block cache (fence.i and sfence.vma are hart-local in the ISA;
// an OS makes them remote through SBI, which OpenSBI does with IPIs and
// local fences). Each hart is driven as machine/system/system_env.h's
// contract says:
//   - at every return to the loop, a pending interrupt is taken first;
//   - a trap enters the guest's handler (env.takeTrap);
//   - an exit request is where board events (power off, reset, quit) are
//     seen, and where a hart that ran wfi sleeps in env.waitForInterrupt
//     until one of its lines rises or the board is stopped: an idle hart
//     (or one the firmware never starts) uses no host CPU (the timer
//     thread, device_timer.h, raises each hart's MTIP);
//   - sfence.vma drops the decoded blocks of the page (or all of them)
//     through the env's translation flush hook; fence.i drops every block
//     inside the interpreter. Blocks are keyed by (virtual pc, privilege,
//     satp mode and root), so code is never reused across an address
//     space change the guest has not announced with sfence.vma; Linux
//     always announces it (a PTE that maps a page away is flushed).
// A board event gives every hart an exit request and wakes the sleeping
// ones (Board::raise), so all of them stop; runBoard returns only once
// every hart thread has been joined (the board may then be destroyed).
// The -d logs (int, mmu, guest_errors, unimp) are written from here; with
// more than one hart each hart's lines (in_asm, exec and cpu included)
// start with "hart H: " and are written whole (hart_log.h).
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

#include "machine/interpreter/interpreter.h"
#include "runtime/system/board.h"

namespace tiercel::system {

struct SystemLogOptions {
  FILE *file = nullptr;     // where the logs go (-D, default stderr)
  bool interrupts = false;  // int: every trap and interrupt taken
  bool mmu = false;         // mmu: page faults with the walk, sfence.vma flushes
  bool guestErrors = false; // guest_errors: accesses to nothing or to a device that refused
  bool unimp = false;       // unimp: illegal instructions (unknown CSRs included)
};

struct SystemRunOptions {
  SystemLogOptions log;
  InterpreterOptions interpreter; // in_asm, exec, cpu logs
};

// What one hart did in a run.
struct HartRunCounts {
  uint64_t instructions = 0;               // retired
  uint64_t interrupts = 0, exceptions = 0; // taken
  uint64_t sleeps = 0;                     // wfi waits
  HartRunCounts &operator+=(const HartRunCounts &other) {
    instructions += other.instructions;
    interrupts += other.interrupts;
    exceptions += other.exceptions;
    sleeps += other.sleeps;
    return *this;
  }
};

struct SystemRunResult {
  Board::Event event = Board::Event::None; // PowerOff, Reset or Quit
  int status = 0;                          // the exit status it asks for
  uint64_t instructions = 0;               // retired by all harts
  uint64_t interrupts = 0, exceptions = 0; // taken, all harts
  uint64_t sleeps = 0;                     // wfi waits, all harts
  std::vector<HartRunCounts> harts;        // the same per hart (hart 0 first)
};

// Runs the board's harts from their reset state until an event stops them.
SystemRunResult runBoard(Board &board, const SystemRunOptions &options);

// "machine timer interrupt" etc. (privileged spec table 3.6); the
// exception causes are named by trapCauseName (machine/cpu_state.h).
const char *interruptName(uint64_t cause);

} // namespace tiercel::system
