// Host signal handling for user mode (see host_signals.h). The handler is
// async-signal-safe: it touches only atomics, per-signal siginfo slots, the
// thread's jump buffer and the code watch (lock-free bitmap, a spin lock
// never held by a thread that can fault into the handler, mprotect).
#include "runtime/user/host_signals.h"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/user/address_space.h"
#include "runtime/user/code_watch.h"
#include "runtime/user/signals.h"

namespace tiercel::user {

namespace {

std::atomic<uintptr_t> gReservationBase{0};
std::atomic<std::atomic<uint32_t> *> gExitRequest{nullptr};
std::atomic<CodeWatch *> gCodeWatch{nullptr};
thread_local std::atomic<uint32_t> *tExitRequest = nullptr;
// The code watch's generation when this thread last returned from the
// handler to retry a write (see resolveWriteFault).
thread_local uint64_t tRetryGeneration = 0;
// Caught by this host thread: the kernel picked it because its mask (the
// guest thread's, mirrored by syncHostSignalMask) lets the signal through,
// or the signal was sent to it (tgkill).
thread_local std::atomic<uint64_t> tHostPending{0};
thread_local GuestSiginfo tHostInfo[kGuestSignalCount + 1];
// The guest mask this thread's host mask mirrors (valid once synced).
thread_local GuestSigset tMirroredMask = 0;
thread_local bool tMaskMirrored = false;
thread_local FaultJump *tFaultJump = nullptr;

constexpr uint64_t kReservationSize = AddressSpace::kGuestSize + AddressSpace::kGuardSize;

// glibc reserves the first two real-time signals (SIGCANCEL, SIGSETXID) for
// itself and refuses sigaction on them; the guest's 32 and 33 stay internal.
bool hostCanCatch(int signal) {
  return signal != SIGKILL && signal != SIGSTOP && signal != 32 && signal != 33;
}

void writeStderr(const char *message) {
  ssize_t ignored = write(STDERR_FILENO, message, std::strlen(message));
  (void)ignored;
}

enum class WriteFault { Resolved, Retry, GuestFault, Fatal };

// A host write fault at guestAddress: resolved when the page is watched;
// retried once when the code watch changed something since this thread's
// last retry (the fault may predate another thread's resolution of the
// page, or a guest mprotect/mmap); a guest fault otherwise.
WriteFault handleWriteFault(uint64_t guestAddress) {
  CodeWatch *watch = gCodeWatch.load(std::memory_order_acquire);
  if (!watch)
    return WriteFault::GuestFault;
  uint64_t generation = 0;
  switch (watch->resolveWriteFault(guestAddress, generation)) {
  case CodeWatch::FaultResult::Resolved:
    tRetryGeneration = generation;
    requestThreadExit();
    return WriteFault::Resolved;
  case CodeWatch::FaultResult::NotWatched:
    if (generation == tRetryGeneration)
      return WriteFault::GuestFault;
    tRetryGeneration = generation;
    return WriteFault::Retry;
  case CodeWatch::FaultResult::Failed: break;
  }
  writeStderr("tiercel-riscv64: internal error: cannot restore write permission of a watched "
              "code page (host mprotect failed)\n");
  return WriteFault::Fatal;
}

void hostSignalHandler(int signal, siginfo_t *info, void *context) {
  int savedErrno = errno;
  bool kernelFault =
      info->si_code > 0 && (signal == SIGSEGV || signal == SIGBUS || signal == SIGILL ||
                            signal == SIGFPE || signal == SIGTRAP);
  if (kernelFault) {
    uintptr_t address = reinterpret_cast<uintptr_t>(info->si_addr);
    uintptr_t base = gReservationBase.load(std::memory_order_relaxed);
    bool inReservation = base && address - base < kReservationSize;
    // x86-64 page-fault error code, bit 1: the access was a write.
    auto *uc = static_cast<ucontext_t *>(context);
    bool write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
    WriteFault writeFault = WriteFault::GuestFault;
    if (signal == SIGSEGV && inReservation && write && address - base < AddressSpace::kGuestSize)
      writeFault = handleWriteFault(address - base);
    if (writeFault == WriteFault::Resolved || writeFault == WriteFault::Retry) {
      errno = savedErrno;
      return; // the store runs again
    }
    FaultJump *jump = tFaultJump;
    if ((signal == SIGSEGV || signal == SIGBUS) && jump && jump->armed && inReservation &&
        writeFault != WriteFault::Fatal) {
      jump->armed = 0;
      jump->fault.guestAddress = address - base;
      jump->fault.hostSignal = signal;
      jump->fault.write = write;
      jump->fault.hostPc = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RIP]);
      siglongjmp(jump->buffer, 1);
    }
    // Not a guest access: a fault in Tiercel itself. Let the default action
    // run when the instruction re-executes, so it dumps core where it broke.
    if (writeFault != WriteFault::Fatal)
      writeStderr("tiercel-riscv64: internal error: host fault outside guest memory\n");
    struct sigaction defaultAction = {};
    defaultAction.sa_handler = SIG_DFL;
    sigaction(signal, &defaultAction, nullptr);
    errno = savedErrno;
    return;
  }
  if (signal > 0 && signal <= kGuestSignalCount) {
    uint64_t bit = sigBit(signal);
    if (!(tHostPending.load(std::memory_order_relaxed) & bit)) {
      static_assert(sizeof(siginfo_t) == sizeof(GuestSiginfo));
      std::memcpy(&tHostInfo[signal], info, sizeof(GuestSiginfo));
    }
    tHostPending.fetch_or(bit);
    // This thread's pending set: stop this thread's hart.
    requestThreadExit();
  }
  errno = savedErrno;
}

void installHandler(int signal, bool restart) {
  struct sigaction action = {};
  action.sa_sigaction = hostSignalHandler;
  action.sa_flags = SA_SIGINFO | (restart ? SA_RESTART : 0);
  sigfillset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
}

// Faults must always reach the handler (guest memory faults, watched code
// pages); a guest that blocks one gets it forced (forceSignal) anyway.
bool mirrorable(int signal) {
  return hostCanCatch(signal) && signal != SIGSEGV && signal != SIGBUS && signal != SIGILL &&
         signal != SIGFPE && signal != SIGTRAP;
}

sigset_t hostMaskFor(GuestSigset guestBlocked) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int signal = 1; signal <= kGuestSignalCount; ++signal)
    if ((guestBlocked & sigBit(signal)) && mirrorable(signal))
      sigaddset(&mask, signal);
  return mask;
}

bool defaultIgnored(int signal) {
  DefaultAction action = defaultAction(signal);
  return action == DefaultAction::Ignore || action == DefaultAction::Continue;
}

} // namespace

void setThreadFaultJump(FaultJump *jump) { tFaultJump = jump; }

void setThreadExitRequest(std::atomic<uint32_t> *exitRequest) { tExitRequest = exitRequest; }

void requestThreadExit() {
  std::atomic<uint32_t> *request = tExitRequest;
  if (!request)
    request = gExitRequest.load();
  if (request)
    request->fetch_or(1);
}

void installHostSignalHandlers(const AddressSpace &space, std::atomic<uint32_t> &exitRequest) {
  gReservationBase.store(reinterpret_cast<uintptr_t>(space.base()));
  gCodeWatch.store(&space.codeWatch(), std::memory_order_release);
  gExitRequest.store(&exitRequest);
  for (int signal = 1; signal <= kGuestSignalCount; ++signal) {
    if (!hostCanCatch(signal))
      continue;
    // A signal the parent left ignored stays ignored (execve keeps SIG_IGN).
    struct sigaction current = {};
    if (sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_IGN &&
        signal != SIGSEGV && signal != SIGBUS)
      continue;
    installHandler(signal, defaultIgnored(signal));
  }
}

void detachHostSignalHandlers(const AddressSpace &space) {
  CodeWatch *watch = &space.codeWatch();
  gCodeWatch.compare_exchange_strong(watch, nullptr);
  uintptr_t base = reinterpret_cast<uintptr_t>(space.base());
  // The exit flag was installed with the space and may die with it.
  if (gReservationBase.compare_exchange_strong(base, 0))
    gExitRequest.store(nullptr);
}

void updateHostDisposition(int signal, uint64_t guestHandler) {
  if (!hostCanCatch(signal))
    return;
  if (guestHandler == kSigIgn && signal != SIGSEGV && signal != SIGBUS) {
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigaction(signal, &ignore, nullptr);
    return;
  }
  installHandler(signal, guestHandler == kSigDfl && defaultIgnored(signal));
}

GuestSigset takeHostPendingSignals(GuestSiginfo *infos) {
  GuestSigset taken = tHostPending.exchange(0);
  for (int signal = 1; signal <= kGuestSignalCount; ++signal)
    if (taken & sigBit(signal))
      infos[signal] = tHostInfo[signal];
  return taken;
}

void syncHostSignalMask(GuestSigset guestBlocked) {
  if (tMaskMirrored && tMirroredMask == guestBlocked)
    return;
  sigset_t mask = hostMaskFor(guestBlocked);
  pthread_sigmask(SIG_SETMASK, &mask, nullptr);
  tMirroredMask = guestBlocked;
  tMaskMirrored = true;
}

void terminateBySignal(int signal) {
  if (signal != 32 && signal != 33) {
    struct sigaction defaultAction = {};
    defaultAction.sa_handler = SIG_DFL;
    sigaction(signal, &defaultAction, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(signal);
  }
  // Only reached for a signal the host cannot deliver to itself.
  _exit(128 + signal);
}

void stopBySignal(int signal) {
  struct sigaction defaultAction = {};
  defaultAction.sa_handler = SIG_DFL;
  sigaction(signal, &defaultAction, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(signal);
  installHandler(signal, false);
}

bool waitForHostSignal(GuestSigset guestBlocked, const struct timespec *timeout) {
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  bool caught = true;
  if (tHostPending.load() == 0) {
    // A signal held pending since the block above is let through by the
    // wait's mask as ppoll installs it, and ends the wait at once.
    sigset_t waitMask = hostMaskFor(guestBlocked);
    caught = ppoll(nullptr, 0, timeout, &waitMask) != 0;
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return caught;
}

GuestSigset hostHeldSignals() {
  sigset_t held;
  GuestSigset set = 0;
  if (sigpending(&held) != 0)
    return 0;
  for (int signal = 1; signal <= kGuestSignalCount; ++signal)
    if (mirrorable(signal) && sigismember(&held, signal) == 1)
      set |= sigBit(signal);
  return set;
}

bool takeHostHeldSignal(int signal, GuestSiginfo &info) {
  if (!mirrorable(signal))
    return false;
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signal);
  const struct timespec poll = {0, 0};
  siginfo_t hostInfo;
  // The raw syscall: glibc's sigtimedwait turns SI_TKILL into SI_USER, and
  // the guest's libc does that itself.
  long taken = syscall(SYS_rt_sigtimedwait, &one, &hostInfo, &poll, sizeof(GuestSigset));
  if (taken != signal)
    return false;
  static_assert(sizeof(siginfo_t) == sizeof(GuestSiginfo));
  std::memcpy(&info, &hostInfo, sizeof(info));
  return true;
}

bool hostIgnores(int signal) {
  struct sigaction current = {};
  return hostCanCatch(signal) && sigaction(signal, nullptr, &current) == 0 &&
         current.sa_handler == SIG_IGN;
}

sigset_t hostSignalMaskFor(GuestSigset guestBlocked) { return hostMaskFor(guestBlocked); }

} // namespace tiercel::user
