// One guest thread of a user-mode process, and how the threads share the
// one execution CpuState.
//
// Each guest thread (the first, and every clone with CLONE_VM|CLONE_THREAD)
// runs on a host thread of its own, with its own tid (guest tids are host
// tids, so tgkill, futex PI words and /proc agree). The tiers run on ONE
// CpuState per process (Process::cpu()); the threads take turns on it under
// the process's guest lock (runtime/guest_lock.h): a thread that takes the
// lock loads its registers into it, one that lets go saves them back. Every
// translation, the code cache, the block map and the signal dispositions
// are therefore shared without further locking, and guest memory is
// sequentially consistent (RVWMO allows that; LR/SC and AMOs need nothing
// more). Syscalls that may block run without the lock, on the thread's own
// saved registers (run_loop.cpp, runWithoutGuestLock).
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
  // The thread's registers (the fields copyRegisters copies) while it does
  // not hold the guest lock; syscalls that run without the lock use it.
  CpuState registers = {};
  uint64_t clearChildTid = 0; // CLONE_CHILD_CLEARTID / set_tid_address
  uint64_t robustList = 0;    // set_robust_list: guest struct robust_list_head
};

// Copies the fields of one thread (x, f, pc, fcsr, trap cause and value)
// between the execution CpuState and a thread's saved registers. The LR
// reservation is dropped in `to`: another thread may have stored to the
// reserved address meanwhile, and a failing SC is always allowed (ISA spec
// 8.3). instret stays the process's total; the exit request stays with
// the execution CpuState.
void copyRegisters(const CpuState &from, CpuState &to);
// withoutGuestLock (process.h) lets go of the guest lock around a call
// that may block.

// The guest thread this host thread runs (nullptr on helper threads).
GuestThread *currentGuestThread();
void setCurrentGuestThread(GuestThread *thread);

// At a guest thread's exit (exit, or the thread killed by exit_group of
// another): the robust futexes it holds are marked FUTEX_OWNER_DIED and one
// waiter of each woken, then clear_child_tid is zeroed and woken (what
// pthread_join waits for). Linux's exit_robust_list and mm_release.
void releaseThreadFutexes(Process &process, GuestThread &thread);

} // namespace tiercel::user
