// One emulated Linux process: its guest address space, signal state, the
// options it was started with, and the identity of its executable. The
// syscall handlers reach everything through it.
//
// CONTRACT for syscall handlers (runtime/user/syscalls_*.cpp): the members
// below are stable; the process work may add more.
#pragma once

#include <cstdint>
#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "machine/cpu_state.h"
#include "runtime/guest_lock.h"
#include "runtime/user/guest_thread.h"
#include "runtime/user/signals.h"
#include "llvm/Support/Error.h"

namespace tiercel::user {

class AddressSpace;

// Optional ISA extensions a user can switch off with -cpu rv64,ext=off.
struct CpuExtensions {
  bool c = true;
  bool zba = true;
  bool zbb = true;
  bool zbs = true;
};

struct UserOptions {
  bool strace = false;           // -strace / -d strace
  bool logUnimplemented = false; // -d unimp
  bool logInterrupts = false;    // -d int: traps and signal deliveries
  bool logGuestErrors = false;   // -d guest_errors
  bool logPage = false;          // -d page: the memory map and its changes
  FILE *log = stderr;            // -D file
  // Guest root for the dynamic loader (-L / QEMU_LD_PREFIX); empty = none.
  std::string sysroot;
  uint64_t stackSize = 8ull << 20; // -s, RLIMIT_STACK's usual 8 MiB
  CpuExtensions extensions;
  // A guest execve of a riscv64 program runs Tiercel again (this binary,
  // /proc/self/exe) with these options before the program: the ones given
  // on the command line that are about how to run, not about this one
  // program (not -E, -U, -0, -g). runtime/user/syscalls_exec.cpp.
  std::vector<std::string> execOptions;
};

// What the process was started with (the command line after the options).
struct ProgramSpec {
  std::string path;              // file to load, as given
  std::vector<std::string> argv; // argv[0] may differ from path (-0)
  std::vector<std::string> envp; // "NAME=value"
  int fd = -1; // the program already open (binfmt_misc's AT_EXECFD), or -1
};

class Process {
public:
  // Creates the address space, loads the program (and its interpreter),
  // builds the initial stack and sets the CPU to the entry point. Errors name
  // the file and what is wrong with it.
  static llvm::Expected<std::unique_ptr<Process>> create(const UserOptions &options,
                                                         const ProgramSpec &program);
  ~Process();

  AddressSpace &addressSpace();
  const UserOptions &options() const;
  // Path of the guest executable as given on the command line, made absolute
  // (what readlink("/proc/self/exe") returns to the guest).
  const std::string &executablePath() const;

  // The sysroot-relative host path of an absolute guest path when that file
  // exists under the sysroot (as qemu-user's -L), else the path unchanged.
  std::string sysrootPath(const std::string &guestPath) const;

  // ---- Process-model state (runtime/user/process.cpp, signals.cpp) ----
  // The main thread's registers (each guest thread runs on its own
  // CpuState, GuestThread::registers).
  CpuState &cpu() { return mainThread().registers; }
  // Guest instructions retired by every thread so far, exited ones too.
  uint64_t instructionsRetired();
  // Shared by the guest threads that run guest code under a tier that
  // allows it, exclusive otherwise and for changes to what they share
  // (runtime/guest_lock.h, run_loop.cpp).
  GuestLock &guestLock() { return guestLock_; }
  // Whether running guest threads hold the guest lock shared (tier 1 and
  // tier 2: they run in parallel) rather than exclusively (the
  // interpreter, the debugger, --lockstep: they take turns). Set by the
  // run loop before the first thread starts.
  bool runnersShareGuestLock() const { return runnersShare_; }
  void setRunnersShareGuestLock(bool share) { runnersShare_ = share; }
  // The guest thread `thread` takes or lets go of the guest lock the way it
  // holds it: shared as a runner when running threads share it,
  // exclusively when they take turns or inside withExclusiveGuestLock.
  void releaseGuestLock(const GuestThread &thread) {
    holdsGuestLockShared(thread) ? guestLock_.unlock_shared() : guestLock_.unlock();
  }
  void takeGuestLock(const GuestThread &thread) {
    holdsGuestLockShared(thread) ? guestLock_.lock_shared() : guestLock_.lock();
  }
  // The signal state of the calling guest thread (the main thread's when
  // called from a host thread that runs no guest thread).
  SignalState &signals() { return currentThread().signals; }
  // Dispositions, shared by every thread ([1..kGuestSignalCount]).
  GuestSigaction *signalActions() { return signalActions_; }
  uint64_t sigreturnTrampoline() const { return trampoline_; }

  // ---- Guest threads (guest_thread.h); the list changes under the guest
  // lock held exclusively.
  GuestThread &currentThread();
  GuestThread &mainThread() { return *threads_.front(); }
  GuestThread &addThread(int tid);
  // Forgets an exited thread; returns how many are left. Its retired
  // instructions stay in instructionsRetired().
  size_t removeThread(const GuestThread &thread);
  size_t threadCount();
  // Whether the guest lock must change hands around a syscall (let go of
  // for one that may block, taken exclusively for one that changes shared
  // state): another thread exists, or a profile timer takes the lock (set
  // by the run loop). A lone thread keeps what it holds, which spares the
  // lock traffic per syscall.
  bool syscallsLetGoOfGuestLock() const {
    return liveThreads_.load(std::memory_order_relaxed) > 1 || lockSharedWithHelpers_;
  }
  void setLockSharedWithHelpers(bool shared) { lockSharedWithHelpers_ = shared; }
  // After fork() in the child: the calling thread is the only one (Linux
  // copies just the thread that forked), with the child's tid.
  void keepOnlyCurrentThread();

  // exit_group (or exit of the last thread): the run loop stops after the
  // current syscall.
  void requestExit(int status) {
    exitStatus_ = status;
    exitRequested_.store(true, std::memory_order_release);
  }
  // Read by every running thread at its block boundaries.
  bool exitRequested() const { return exitRequested_.load(std::memory_order_acquire); }
  int exitStatus() const { return exitStatus_; }
  // The signal ending the guest, once terminateBySignal runs; else 0.
  int terminatingSignal() const { return terminatingSignal_; }

  // The ELF images loaded at start (the program, then its dynamic loader),
  // for profiles: host path and where they landed.
  struct Image {
    std::string path;
    uint64_t loadBias = 0;
    uint64_t start = 0, end = 0;
  };
  const std::vector<Image> &images() const { return images_; }

  // Runs just before the host process ends, whether by exit or by a signal
  // (flushes logs, prints the --summary line).
  void setBeforeExit(std::function<void()> hook) { beforeExit_ = std::move(hook); }
  // Runs `hook` before the one already set (the run loop's profile dump
  // comes before main's summary line).
  void prependBeforeExit(std::function<void()> hook);
  void runBeforeExit();

  // The process is about to end: the calling guest thread takes the guest
  // lock exclusively (if running threads share it and others may run), so
  // the exit hooks see every other thread stopped. It never lets go: the
  // threads end with the process.
  void holdGuestLockForExit();
  // Ends the host process as a guest killed by `signal` would end.
  [[noreturn]] void terminateBySignal(int signal);

  // Set by the run loop for a guest fork (clone without CLONE_VM, or vfork),
  // on the guest thread in the syscall: before fork() the tiers stop their
  // helper threads at a safe point; after it the parent lets them go on
  // and the child takes the process over (its own code cache, new helper
  // threads, no debugger). afterForkInChild returns false (with a message
  // on stderr) if the child cannot go on.
  std::function<void()> beforeFork;
  std::function<void()> afterForkInParent;
  std::function<bool()> afterForkInChild;
  // Whether this process is a guest fork's child (its parent's profile
  // file and debugger are not its own).
  bool isForkedChild() const { return forkedChild_; }
  void setForkedChild() { forkedChild_ = true; }

  // Set by the run loop: starts a guest thread (clone with CLONE_VM and
  // CLONE_THREAD) whose registers are `registers` and whose signal mask is
  // the caller's; returns its tid, or -errno.
  std::function<int64_t(const CpuState &registers, uint64_t clearChildTid)> startThread;

  // Set by the run loop: invalidates translations of a guest range.
  std::function<void(uint64_t, uint64_t)> invalidateCode;
  // Set by the run loop: the running tier's statistics for --summary.
  std::function<std::string()> tierSummary;
  // Set by the run loop with -d stats: prints the run statistics when a
  // SIGUSR1 arrives that the guest leaves at its default action.
  std::function<void()> statisticsSignal;

  // Initial register values, for tests and -d cpu.
  uint64_t entryPoint() const { return entry_; }
  uint64_t initialStackPointer() const { return initialSp_; }

private:
  Process();
  bool holdsGuestLockShared(const GuestThread &thread) const {
    return runnersShare_ && !thread.holdsGuestLockExclusively;
  }

  std::unique_ptr<AddressSpace> space_;
  GuestLock guestLock_;
  bool runnersShare_ = false;
  std::atomic<uint64_t> exitedInstret_{0}; // of threads removed
  UserOptions options_;
  std::string executablePath_;
  GuestSigaction signalActions_[kGuestSignalCount + 1] = {};
  std::mutex threadsMutex_;
  std::vector<std::unique_ptr<GuestThread>> threads_; // the main thread first
  std::atomic<size_t> liveThreads_{1};
  bool lockSharedWithHelpers_ = false;
  uint64_t trampoline_ = 0;
  uint64_t entry_ = 0;
  uint64_t initialSp_ = 0;
  std::atomic<bool> exitRequested_{false};
  bool forkedChild_ = false;
  int exitStatus_ = 0;
  int terminatingSignal_ = 0;
  std::vector<Image> images_;
  std::function<void()> beforeExit_;
};

// Runs `body` without the guest lock (a syscall that may block), then takes
// the lock again as the thread held it. The thread's registers are its own
// (GuestThread::registers), so nothing is saved: only the lock changes.
template <typename Body> auto withoutGuestLock(Process &process, GuestThread &thread, Body body) {
  process.releaseGuestLock(thread);
  struct Relock {
    Process &process;
    GuestThread &thread;
    ~Relock() { process.takeGuestLock(thread); }
  } relock{process, thread};
  return body();
}

// Runs `body` with the guest lock held exclusively (a syscall that changes
// what the threads share: the memory map, dispositions, the thread list),
// from a running guest thread. Under a tier whose threads take turns the
// caller already holds it so; a lone thread (no helper taking the lock
// either) needs nothing.
template <typename Body> auto withExclusiveGuestLock(Process &process, Body body) {
  GuestThread &thread = process.currentThread();
  if (!process.runnersShareGuestLock() || !process.syscallsLetGoOfGuestLock() ||
      thread.holdsGuestLockExclusively)
    return body();
  GuestLock &lock = process.guestLock();
  lock.unlock_shared();
  lock.lock();
  thread.holdsGuestLockExclusively = true;
  struct Relock {
    GuestLock &lock;
    GuestThread &thread;
    ~Relock() {
      thread.holdsGuestLockExclusively = false;
      lock.unlock();
      lock.lock_shared();
    }
  } relock{lock, thread};
  return body();
}

} // namespace tiercel::user
