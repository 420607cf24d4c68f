// The loop every guest thread runs, and the threads themselves: a
// thread's execution state (ThreadExec), what the loop needs of a tier
// (Engine), what the threads share (ThreadRun), starting a thread for
// clone and ending one at exit. runProcess (run_loop.cpp) sets these up
// and runs the first thread's loop; the trap and fault handling the loop
// calls lives there too.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "machine/interpreter/interpreter_impl.h"
#include "runtime/user/host_signals.h"
#include "runtime/user/process.h"
#include "runtime/user/run_loop.h"
#include "runtime/user/user_env.h"

namespace tiercel::user {

using UserInterpreter = Interpreter<UserEnv>;

// One guest thread's execution state: its registers (GuestThread::
// registers), the environment the tiers run it in, and under the
// interpreter an interpreter of its own (decode caches are per thread).
struct ThreadExec {
  ThreadExec(GuestThread &thread, Process &process)
      : thread(thread),
        env(thread.registers, process.addressSpace(), process.options().extensions) {}
  GuestThread &thread;
  UserEnv env;
  std::unique_ptr<UserInterpreter> interpreter;
};

// What the run loop needs of a tier. run and recoverAfterHostFault act on
// one thread; the rest on every thread (they are called with the guest
// lock held exclusively, or with only one thread).
struct Engine {
  std::function<StopReason(ThreadExec &)> run;
  std::function<void(uint64_t, uint64_t)> invalidateRange;
  std::function<void()> invalidateAll;
  std::function<void(ThreadExec &, uint64_t hostPc)> recoverAfterHostFault;
  std::function<void(const std::unordered_set<uint64_t> *)> setBreakpoints;
  // A thread starts (before it first runs) or ends, with the world stopped:
  // tier 1 gives each its own copy of the counters.
  std::function<void(CpuState &)> threadStarted = [](CpuState &) {};
  std::function<void(CpuState &)> threadEnded = [](CpuState &) {};
};

// What every guest thread's loop shares; lives in runProcess's frame,
// which the process never leaves while other threads run (they end with
// the process, see endThread).
struct ThreadRun {
  Process &process;
  Engine &engine;
  const RunOptions &options;
  // Every thread's execution state (invalidation reaches each interpreter
  // and fetch cache); changes under `mutex`, read with the guest lock held
  // exclusively.
  std::mutex mutex;
  std::vector<ThreadExec *> execs;
  // Creates a thread's tier state (its interpreter, under --tier=interp).
  std::function<void(ThreadExec &)> prepare;

  void add(ThreadExec &exec) {
    std::lock_guard guard(mutex);
    execs.push_back(&exec);
  }
  void remove(ThreadExec &exec) {
    std::lock_guard guard(mutex);
    execs.erase(std::remove(execs.begin(), execs.end(), &exec), execs.end());
  }
  template <typename Body> void forEach(Body body) {
    std::lock_guard guard(mutex);
    for (ThreadExec *exec : execs)
      body(*exec);
  }
};

// The host thread inside runProcess (the process's first) is marked: it
// may not return from its loop while other threads run (that would end
// the process), so it sleeps instead.
void setRunProcessThread(bool isIt);

// The loop of one guest thread, with the guest lock held, until the thread
// or the process exits. Returns only on runProcess's thread when the
// process exits and no other thread is left.
void runGuestThread(ThreadRun &run, ThreadExec &exec, FaultJump &jump);

// clone of a thread (syscalls_exec.cpp), by a thread that holds the guest
// lock exclusively: a host thread that waits for the lock and runs the
// same loop on registers of its own. Returns its tid, or -EAGAIN.
int64_t startGuestThread(ThreadRun &run, const CpuState &registers, uint64_t clearChildTid);

// What the loop calls, in run_loop.cpp. A trap out of a tier: an ecall is
// a syscall, anything else raises its guest signal.
void handleTrap(Process &process, CpuState &cpu);
// After a siglongjmp out of the fault handler: the host mask that mirrors
// the thread's guest mask.
void restoreHostSignalMask(Process &process);
// A host fault on guest memory: the guest's SIGSEGV or SIGBUS.
void handleGuestMemoryFault(Process &process, const CpuState &cpu, const GuestMemoryFault &fault);

} // namespace tiercel::user
