// The signal syscalls of the process model (process_syscalls.h):
// rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend,
// rt_sigtimedwait, rt_sigreturn, sigaltstack, kill, tkill, tgkill.
// Semantics and error codes follow Linux's kernel/signal.c.
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <optional>

#include "runtime/user/host_signals.h"
#include "runtime/user/process.h"
#include "runtime/user/process_syscalls.h"
#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

constexpr int kSigBlock = 0;
constexpr int kSigUnblock = 1;
constexpr int kSigSetmask = 2;

bool validSignal(uint64_t signal) { return signal >= 1 && signal <= kGuestSignalCount; }

constexpr int64_t kNanosPerSecond = 1000000000;
// rt_sigtimedwait: a longer timeout never ends (about 100 years).
constexpr int64_t kForeverSeconds = int64_t{100} * 365 * 24 * 3600;
// rt_sigtimedwait: how often a wait looks for a signal of its set that the
// host ignores (and so cannot wake it).
constexpr std::chrono::milliseconds kIgnoredPollInterval{10};

// A signal for this very process: queued directly (delivered when the
// syscall returns, as Linux delivers a self-sent signal before kill returns).
int64_t sendToSelf(SyscallContext &context, int signal, int code) {
  if (signal == 0)
    return 0;
  GuestSiginfo info = {};
  info.signo = signal;
  info.code = code;
  info.fields.kill.pid = getpid();
  info.fields.kill.uid = getuid();
  queueSignal(context.process, info);
  return 0;
}

} // namespace

int64_t sysRtSigaction(SyscallContext &context, const SyscallArgs &args) {
  uint64_t signal = args.arg[0], newAddress = args.arg[1], oldAddress = args.arg[2];
  if (args.arg[3] != sizeof(GuestSigset))
    return -EINVAL;
  if (!validSignal(signal))
    return -EINVAL;
  if (newAddress && (signal == SIGKILL || signal == SIGSTOP))
    return -EINVAL;
  GuestMemory memory = guestMemory(context);
  GuestSigaction newAction = {};
  if (newAddress && !memory.read(newAddress, newAction))
    return -EFAULT;
  SignalState &state = context.process.signals();
  GuestSigaction oldAction = state.actions[signal];
  if (oldAddress && !memory.write(oldAddress, oldAction))
    return -EFAULT;
  if (newAddress) {
    newAction.mask &= ~kUnblockable;
    state.actions[signal] = newAction;
    updateHostDisposition(int(signal), newAction.handler);
    // Setting an ignoring disposition discards a pending instance (POSIX).
    bool ignores =
        newAction.handler == kSigIgn ||
        (newAction.handler == kSigDfl && defaultAction(int(signal)) == DefaultAction::Ignore);
    if (ignores)
      state.pending &= ~sigBit(int(signal));
  }
  return 0;
}

int64_t sysRtSigprocmask(SyscallContext &context, const SyscallArgs &args) {
  uint64_t how = args.arg[0], setAddress = args.arg[1], oldAddress = args.arg[2];
  if (args.arg[3] != sizeof(GuestSigset))
    return -EINVAL;
  GuestMemory memory = guestMemory(context);
  SignalState &state = context.process.signals();
  GuestSigset old = state.blocked;
  if (setAddress) {
    GuestSigset set;
    if (!memory.read(setAddress, set))
      return -EFAULT;
    set &= ~kUnblockable;
    switch (how) {
    case kSigBlock: state.blocked |= set; break;
    case kSigUnblock: state.blocked &= ~set; break;
    case kSigSetmask: state.blocked = set; break;
    default: return -EINVAL;
    }
  }
  if (oldAddress && !memory.write(oldAddress, old)) {
    state.blocked = old;
    return -EFAULT;
  }
  return 0;
}

int64_t sysRtSigpending(SyscallContext &context, const SyscallArgs &args) {
  if (args.arg[1] > sizeof(GuestSigset))
    return -EINVAL;
  collectHostSignals(context.process);
  const SignalState &state = context.process.signals();
  // And the blocked signals the host holds for this thread or the process
  // (the host mask mirrors the guest's, so the kernel keeps them pending).
  GuestSigset pending = (state.pending | hostHeldSignals()) & state.blocked;
  void *host = nullptr;
  if (!guestMemory(context).translate(args.arg[0], args.arg[1], true, host))
    return -EFAULT;
  std::memcpy(host, &pending, args.arg[1]);
  return 0;
}

int64_t sysRtSigsuspend(SyscallContext &context, const SyscallArgs &args) {
  if (args.arg[1] != sizeof(GuestSigset))
    return -EINVAL;
  GuestSigset mask;
  if (!guestMemory(context).read(args.arg[0], mask))
    return -EFAULT;
  Process &process = context.process;
  GuestThread &thread = process.currentThread();
  SignalState &state = thread.signals;
  state.savedMask = state.blocked;
  state.hasSavedMask = true;
  state.blocked = mask & ~kUnblockable;
  // Sleep until a signal that will run a handler or end the process; the
  // other threads run meanwhile.
  while (!hasDeliverableSignal(process))
    withoutGuestLock(process, thread, [&] { waitForHostSignal(state.blocked); });
  return -EINTR; // the run loop delivers it with the saved mask in the frame
}

int64_t sysRtSigtimedwait(SyscallContext &context, const SyscallArgs &args) {
  uint64_t setAddress = args.arg[0], infoAddress = args.arg[1], timeoutAddress = args.arg[2];
  if (args.arg[3] != sizeof(GuestSigset))
    return -EINVAL;
  GuestMemory memory = guestMemory(context);
  GuestSigset set;
  if (!memory.read(setAddress, set))
    return -EFAULT;
  // struct __kernel_timespec: riscv64 has no 32-bit time, so no separate
  // rt_sigtimedwait_time64 (421 exists only where time32 calls do).
  struct timespec timeout = {};
  if (timeoutAddress && !memory.read(timeoutAddress, timeout))
    return -EFAULT;
  if (timeoutAddress && (timeout.tv_sec < 0 || uint64_t(timeout.tv_nsec) >= kNanosPerSecond))
    return -EINVAL;
  set &= ~kUnblockable;

  Process &process = context.process;
  GuestThread &thread = process.currentThread();
  SignalState &state = thread.signals;
  GuestSiginfo info = {};
  int signal = dequeueSignal(process, set, info);
  bool poll = timeoutAddress && timeout.tv_sec == 0 && timeout.tv_nsec == 0;
  if (signal == 0 && !poll) {
    // A timeout past ~100 years is no timeout (Linux clamps to KTIME_MAX),
    // which also keeps the deadline from overflowing.
    using Clock = std::chrono::steady_clock;
    bool timed = timeoutAddress && timeout.tv_sec < kForeverSeconds;
    Clock::time_point deadline = Clock::time_point::max();
    if (timed)
      deadline = Clock::now() + std::chrono::seconds(timeout.tv_sec) +
                 std::chrono::nanoseconds(timeout.tv_nsec);
    // While it waits the thread lets the signals of `set` through, as
    // Linux does (real_blocked): the kernel may route a process-directed
    // one to it, and the handler catches it. Not those the host ignores:
    // the host would discard one that arrives unblocked, where Linux keeps
    // a blocked one for the waiter. They stay blocked on the host and are
    // looked for every kIgnoredPollInterval.
    GuestSigset keptBlocked = 0;
    for (GuestSigset rest = state.blocked & set; rest; rest &= rest - 1) {
      int candidate = __builtin_ctzll(rest) + 1;
      if (hostIgnores(candidate))
        keptBlocked |= sigBit(candidate);
    }
    GuestSigset waitBlocked = (state.blocked & ~set) | keptBlocked;
    while (signal == 0) {
      // A signal outside `set` that the thread does not block ends the
      // wait: the run loop delivers it (rt_sigtimedwait is never
      // restarted, even for SA_RESTART: isRestartableSyscall).
      if (hasDeliverableSignal(process))
        return -EINTR;
      std::optional<Clock::duration> slice;
      if (timed) {
        slice = deadline - Clock::now();
        if (*slice <= Clock::duration::zero())
          break;
      }
      if (keptBlocked)
        slice =
            std::min<Clock::duration>(slice.value_or(kIgnoredPollInterval), kIgnoredPollInterval);
      struct timespec wait = {};
      if (slice) {
        int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(*slice).count();
        wait = {time_t(nanos / kNanosPerSecond), long(nanos % kNanosPerSecond)};
      }
      withoutGuestLock(process, thread,
                       [&] { return waitForHostSignal(waitBlocked, slice ? &wait : nullptr); });
      signal = dequeueSignal(process, set, info);
    }
  }
  if (signal == 0)
    return -EAGAIN;
  // As Linux: the signal is taken even if its siginfo cannot be written.
  if (infoAddress && !memory.write(infoAddress, info))
    return -EFAULT;
  return signal;
}

int64_t sysRtSigreturn(SyscallContext &context, const SyscallArgs &) {
  if (!restoreSignalFrame(context.process, context.cpu)) {
    // A bad frame is fatal: Linux forces SIGSEGV.
    context.process.terminateBySignal(SIGSEGV);
  }
  return static_cast<int64_t>(context.cpu.x[10]); // a0 as restored
}

int64_t sysSigaltstack(SyscallContext &context, const SyscallArgs &args) {
  uint64_t newAddress = args.arg[0], oldAddress = args.arg[1];
  GuestMemory memory = guestMemory(context);
  SignalState &state = context.process.signals();
  uint64_t sp = context.cpu.x[2];
  GuestStack old = state.altStack;
  bool onStack = onAltStack(state, sp);
  old.flags = onStack ? kSsOnStack : old.size == 0 ? kSsDisable : (old.flags & kSsAutoDisarm);
  if (newAddress) {
    GuestStack stack;
    if (!memory.read(newAddress, stack))
      return -EFAULT;
    if (onStack)
      return -EPERM;
    int mode = stack.flags & ~kSsAutoDisarm;
    if (mode != 0 && mode != kSsOnStack && mode != kSsDisable)
      return -EINVAL;
    if (mode == kSsDisable) {
      state.altStack = GuestStack{0, kSsDisable, 0, 0};
    } else {
      if (stack.size < kMinSigStackSize)
        return -ENOMEM;
      state.altStack = GuestStack{stack.sp, stack.flags & kSsAutoDisarm, 0, stack.size};
    }
  }
  if (oldAddress && !memory.write(oldAddress, old))
    return -EFAULT;
  return 0;
}

int64_t sysKill(SyscallContext &context, const SyscallArgs &args) {
  auto pid = static_cast<int32_t>(args.arg[0]);
  uint64_t signal = args.arg[1];
  if (signal > kGuestSignalCount)
    return -EINVAL;
  // With other threads the kernel picks one that does not block it (the
  // host masks mirror the guest's), as Linux does for the guest.
  if (pid == getpid() && context.process.threadCount() <= 1)
    return sendToSelf(context, int(signal), kSiUser);
  // Other processes (and groups that include this one, which then receives
  // it through its host handler) get it from the host kernel.
  return hostResult(kill(pid, int(signal)));
}

int64_t sysTkill(SyscallContext &context, const SyscallArgs &args) {
  auto tid = static_cast<int32_t>(args.arg[0]);
  uint64_t signal = args.arg[1];
  if (tid <= 0 || signal > kGuestSignalCount)
    return -EINVAL;
  if (tid == gettid())
    return sendToSelf(context, int(signal), kSiTkill);
  return hostResult(syscall(SYS_tkill, tid, int(signal)));
}

int64_t sysTgkill(SyscallContext &context, const SyscallArgs &args) {
  auto tgid = static_cast<int32_t>(args.arg[0]);
  auto tid = static_cast<int32_t>(args.arg[1]);
  uint64_t signal = args.arg[2];
  if (tgid <= 0 || tid <= 0 || signal > kGuestSignalCount)
    return -EINVAL;
  if (tgid == getpid() && tid == gettid())
    return sendToSelf(context, int(signal), kSiTkill);
  return hostResult(syscall(SYS_tgkill, tgid, tid, int(signal)));
}

} // namespace tiercel::user
