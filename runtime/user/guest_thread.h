// One guest thread of a user-mode process.
//
// Each guest thread (the first, and every clone with CLONE_VM|CLONE_THREAD)
// runs on a host thread of its own, with its own tid (guest tids are host
// tids, so tgkill, futex PI words and /proc agree), on its own CpuState
// (`registers`): the tiers run it there, syscalls read and write it there.
// What the threads share through the tiers (translations, the code cache,
// the memory map, signal dispositions) is guarded by the process's guest
// lock (runtime/guest_lock.h, run_loop.cpp): under tier 1 and tier 2 the
// running threads hold it shared and run in parallel; under the
// interpreter they take turns. Guest memory is the host's: AMOs are host
// atomics, LR/SC a reservation plus a compare-exchange, fences host fences
// (machine/semantics/atomic.h), which x86-TSO makes RVWMO-correct.
//
// Per thread: registers, the signal mask, thread-directed pending signals
// and the alternate stack (SignalState; the dispositions are the
// process's), clear_child_tid and the robust futex list.
#pragma once

#include <cstdint>

#include "machine/cpu_state.h"
#include "runtime/user/signals.h"

namespace tiercel::user {

class Process;

struct GuestThread {
  Process *process = nullptr;
  int tid = 0;
  bool main = false;   // the thread the process started with
  bool exited = false; // the main thread after exit while others run
  bool exiting = false; // exit (not exit_group) was called: the thread ends
  SignalState signals;
  // The thread's execution state: the tiers run the thread on it.
  CpuState registers = {};
  // Holds the guest lock exclusively for now although running threads
  // share it (withExclusiveGuestLock, process.h).
  bool holdsGuestLockExclusively = false;
  uint64_t clearChildTid = 0; // CLONE_CHILD_CLEARTID / set_tid_address
  uint64_t robustList = 0;    // set_robust_list: guest struct robust_list_head
};

// Copies the registers of one thread (x, f, pc, fcsr, trap cause and
// value, privilege, memory base) to another's CpuState: clone starts the
// child with its parent's. The LR reservation is not copied (a new thread
// holds none); neither are instret and the exit request.
void copyRegisters(const CpuState &from, CpuState &to);
// withoutGuestLock and withExclusiveGuestLock (process.h) change how the
// calling thread holds the guest lock around a syscall.

// The guest thread this host thread runs (nullptr on helper threads).
GuestThread *currentGuestThread();
void setCurrentGuestThread(GuestThread *thread);

// At a guest thread's exit (exit, or the thread killed by exit_group of
// another): the robust futexes it holds are marked FUTEX_OWNER_DIED and one
// waiter of each woken, then clear_child_tid is zeroed and woken (what
// pthread_join waits for). Linux's exit_robust_list and mm_release.
void releaseThreadFutexes(Process &process, GuestThread &thread);

} // namespace tiercel::user
