// The guest threads' loop (see thread_loop.h).
#include "runtime/user/thread_loop.h"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <system_error>
#include <thread>

#include "runtime/user/guest_thread.h"
#include "runtime/user/signals.h"

namespace tiercel::user {

namespace {

// Set on the host thread inside runProcess (the process's first thread).
thread_local bool tRunProcessThread = false;

// When a thread other than runProcess's ends the process (exit_group, the
// last thread's exit), or runProcess's while others still run.
[[noreturn]] void endProcessFromThread(Process &process) {
  process.holdGuestLockForExit();
  process.runBeforeExit();
  std::fflush(nullptr);
  _exit(process.exitStatus());
}

// A thread's exit (not the last one): its futexes are released and its
// entry dropped; runProcess's host thread cannot return (that would end
// the process) and sleeps until another thread ends it.
void endThread(ThreadRun &run, ThreadExec &exec) {
  Process &process = run.process;
  GuestThread &thread = exec.thread;
  releaseThreadFutexes(process, thread);
  process.guestLock().removeRunner(&thread.registers.exitRequest);
  setThreadExitRequest(nullptr);
  // Its state goes only with the world stopped (invalidation may be
  // walking the list), and the thread lets go of the lock for good.
  GuestLock &lock = process.guestLock();
  if (process.runnersShareGuestLock()) {
    lock.unlock_shared();
    lock.lock();
  }
  run.remove(exec);
  run.engine.threadEnded(thread.registers);
  setCurrentGuestThread(nullptr);
  process.removeThread(thread); // frees `thread` (not the main thread's)
  lock.unlock();
  if (!tRunProcessThread)
    return;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, nullptr);
  for (;;)
    pause();
}

} // namespace

void setRunProcessThread(bool isIt) { tRunProcessThread = isIt; }

void runGuestThread(ThreadRun &run, ThreadExec &exec, FaultJump &jump) {
  Process &process = run.process;
  GuestThread &thread = exec.thread;
  CpuState &cpu = exec.env.cpu;
  Engine &engine = run.engine;
  while (!process.exitRequested() && !thread.exiting) {
    // The mask is not saved by sigsetjmp (a syscall per trap); the fault
    // path restores the thread's (the handler runs with every signal
    // blocked).
    if (sigsetjmp(jump.buffer, 0) != 0) {
      restoreHostSignalMask(process);
      engine.recoverAfterHostFault(exec, jump.fault.hostPc);
      handleGuestMemoryFault(process, cpu, jump.fault);
      deliverSignals(process, cpu);
      continue;
    }
    jump.armed = 1;
    StopReason reason = engine.run(exec);
    jump.armed = 0;
    if (reason == StopReason::ExitRequest) {
      cpu.exitRequest.store(0);
      deliverSignals(process, cpu);
      // Another thread waits for the lock exclusively (or, taking turns,
      // at all): let it have its turn.
      if (process.guestLock().exclusiveWanted()) {
        process.releaseGuestLock(thread);
        process.takeGuestLock(thread);
      }
      continue;
    }
    handleTrap(process, cpu);
    if (!process.exitRequested() && !thread.exiting)
      deliverSignals(process, cpu);
  }
  if (thread.exiting) {
    endThread(run, exec);
    return;
  }
  if (!tRunProcessThread || process.threadCount() > 1)
    endProcessFromThread(process);
}

int64_t startGuestThread(ThreadRun &run, const CpuState &registers, uint64_t clearChildTid) {
  Process &process = run.process;
  GuestThread &parent = process.currentThread();
  GuestThread &thread = process.addThread(0);
  copyRegisters(registers, thread.registers);
  thread.registers.instret = 0;
  run.engine.threadStarted(thread.registers);
  thread.clearChildTid = clearChildTid;
  // Linux: the mask is inherited; a CLONE_VM child has no alternate stack.
  thread.signals.blocked = parent.signals.blocked;
  std::mutex started;
  std::condition_variable startedCv;
  int tid = 0;
  try {
    // The host thread inherits this one's host mask, which mirrors the
    // guest mask it inherits too.
    std::thread([&run, &thread, &started, &startedCv, &tid] {
      {
        // Notified under the mutex: the parent returns (and its condition
        // variable goes) only once this is done.
        std::lock_guard guard(started);
        tid = static_cast<int>(gettid());
        thread.tid = tid;
        startedCv.notify_one();
      }
      Process &process = run.process;
      setCurrentGuestThread(&thread);
      ThreadExec exec(thread, process);
      run.prepare(exec);
      run.add(exec);
      FaultJump jump;
      setThreadFaultJump(&jump);
      setThreadExitRequest(&thread.registers.exitRequest);
      process.guestLock().addRunner(&thread.registers.exitRequest);
      process.takeGuestLock(thread);
      deliverSignals(process, thread.registers);
      runGuestThread(run, exec, jump);
      setThreadFaultJump(nullptr);
    }).detach();
  } catch (const std::system_error &) {
    run.engine.threadEnded(thread.registers);
    process.removeThread(thread);
    return -EAGAIN;
  }
  std::unique_lock guard(started);
  startedCv.wait(guard, [&] { return tid != 0; });
  return tid;
}

} // namespace tiercel::user
