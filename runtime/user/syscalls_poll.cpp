// Readiness syscalls. struct pollfd, fd_set and timespec have the same
// layout on both ABIs; struct epoll_event does not (packed on x86-64) and is
// converted element by element (syscalls_structs.h).
//
// Signal masks (ppoll, pselect6, epoll_pwait): the guest's blocked set is
// emulated (signals.h), so a temporary mask is applied twice. The guest's
// view becomes the temporary mask with the old one saved, exactly as
// rt_sigsuspend does: when the wait ends with -EINTR the run loop delivers
// the signal with the temporary mask in force and the old one saved in the
// frame, then restores it (Linux's set_restore_sigmask); otherwise the old
// mask comes back at once. And the host waits with those signals blocked
// too (riscv64 and x86-64 number signals 1-64 alike), so a signal the guest
// blocks does not end the wait: the "atomically unblock and wait"
// guarantee these calls exist for.
#include "runtime/user/syscalls_poll.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstring>
#include <vector>

#include "runtime/user/host_signals.h"
#include "runtime/user/process.h"
#include "runtime/user/signals.h"
#include "runtime/user/syscalls_structs.h"
#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

int asInt(uint64_t value) { return static_cast<int>(static_cast<int64_t>(value)); }

// Linux's EP_MAX_EVENTS.
constexpr int64_t kEpollMaxEvents = INT_MAX / sizeof(struct epoll_event);

// Linux caps nfds of poll at RLIMIT_NOFILE; this bound only keeps the
// translation of an absurd count from overflowing.
constexpr uint64_t kPollMaxFds = 1u << 20;

// The kernel's sigset_t: 8 bytes on both ABIs (other sizes are -EINVAL).
constexpr uint64_t kKernelSigsetSize = sizeof(GuestSigset);

// A temporary guest signal mask for the duration of one wait (see the file
// comment). install() reads it (NULL means none); hostMask() is what the
// host syscall gets; finish() restores the guest's mask unless the wait was
// interrupted, in which case the run loop's delivery restores it.
class TemporarySigmask {
public:
  explicit TemporarySigmask(SyscallContext &context) : context(context) {}

  int64_t install(uint64_t address, uint64_t size) {
    if (address == 0)
      return 0;
    if (size != kKernelSigsetSize)
      return -EINVAL;
    GuestSigset mask;
    if (!guestMemory(context).read(address, mask))
      return -EFAULT;
    mask &= ~kUnblockable;
    // Every host signal is blocked from here until the wait installs its
    // own mask (the thread's previous one plus the guest's): one arriving
    // in between stays pending on the host and ends the wait at once,
    // instead of being caught just before a wait that then sleeps.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &savedHost);
    // The host mask mirrors the guest's (syncHostSignalMask): during the
    // wait, the mirror of the wait's mask.
    sigset_t waitMask = hostSignalMaskFor(mask);
    std::memcpy(&host, &waitMask, sizeof(host));
    SignalState &state = context.process.signals();
    state.savedMask = state.blocked;
    state.hasSavedMask = true;
    state.blocked = mask;
    active = true;
    // A signal already pending for the guest that the new mask lets
    // through ends the wait before it starts, as in Linux (the host wait
    // would not see it). Linux would still report fds that are ready at
    // once; here the signal wins.
    if (hasDeliverableSignal(context.process)) {
      pthread_sigmask(SIG_SETMASK, &savedHost, nullptr);
      return -EINTR; // the run loop delivers it with the old mask saved
    }
    return 0;
  }

  void *hostMask() { return active ? &host : nullptr; }
  uint64_t hostMaskSize() const { return kKernelSigsetSize; }

  int64_t finish(int64_t result) {
    if (active)
      pthread_sigmask(SIG_SETMASK, &savedHost, nullptr);
    if (active && result != -EINTR) {
      SignalState &state = context.process.signals();
      state.blocked = state.savedMask;
      state.hasSavedMask = false;
    }
    return result;
  }

private:
  SyscallContext &context;
  GuestSigset host = 0;
  sigset_t savedHost; // the thread's host mask before install()
  bool active = false;
};

// Waits with a host event array and converts the ready events back into
// the guest's 16-byte layout.
template <class Wait>
int64_t epollWait(SyscallContext &context, uint64_t guestEvents, int64_t maxEvents, Wait wait) {
  if (maxEvents <= 0 || maxEvents > kEpollMaxEvents)
    return -EINVAL;
  void *guest = nullptr;
  if (!guestMemory(context).translate(guestEvents, uint64_t(maxEvents) * sizeof(GuestEpollEvent),
                                      true, guest))
    return -EFAULT;
  std::vector<struct epoll_event> host(static_cast<size_t>(maxEvents));
  int64_t ready = hostResult(wait(host.data(), static_cast<int>(maxEvents)));
  auto *out = static_cast<uint8_t *>(guest);
  for (int64_t i = 0; i < ready; ++i) {
    GuestEpollEvent event = toGuestEpollEvent(host[i]);
    std::memcpy(out + i * sizeof(GuestEpollEvent), &event, sizeof(event));
  }
  return ready;
}

} // namespace

int64_t sysPpoll(SyscallContext &context, const SyscallArgs &args) {
  GuestMemory memory = guestMemory(context);
  uint64_t count = args.arg[1];
  if (count > kPollMaxFds)
    return -EINVAL;
  void *fds = nullptr, *timeout = nullptr;
  if (!memory.translate(args.arg[0], count * sizeof(struct pollfd), true, fds))
    return -EFAULT;
  // ppoll writes the remaining time back.
  if (!memory.translateOptional(args.arg[2], sizeof(struct timespec), true, timeout))
    return -EFAULT;
  TemporarySigmask mask(context);
  if (int64_t error = mask.install(args.arg[3], args.arg[4]))
    return error;
  return mask.finish(
      hostResult(::syscall(SYS_ppoll, fds, count, timeout, mask.hostMask(), mask.hostMaskSize())));
}

int64_t sysPselect6(SyscallContext &context, const SyscallArgs &args) {
  GuestMemory memory = guestMemory(context);
  int count = asInt(args.arg[0]);
  if (count < 0)
    return -EINVAL;
  // fd_set is an array of longs on both ABIs; the kernel touches only the
  // words that cover nfds bits.
  uint64_t setBytes = (uint64_t(count) + 63) / 64 * 8;
  void *sets[3] = {nullptr, nullptr, nullptr};
  for (int i = 0; i < 3; ++i)
    if (!memory.translateOptional(args.arg[1 + i], setBytes, true, sets[i]))
      return -EFAULT;
  void *timeout = nullptr;
  if (!memory.translateOptional(args.arg[4], sizeof(struct timespec), true, timeout))
    return -EFAULT;
  // The sixth argument points to { const sigset_t *ss; size_t ss_len; }
  // whose inner pointer is a guest address too.
  struct {
    uint64_t mask;
    uint64_t size;
  } guestSigmask = {0, 0};
  if (args.arg[5] != 0 && !memory.read(args.arg[5], guestSigmask))
    return -EFAULT;
  TemporarySigmask mask(context);
  if (int64_t error = mask.install(guestSigmask.mask, guestSigmask.size))
    return error;
  struct {
    void *mask;
    uint64_t size;
  } hostSigmask = {mask.hostMask(), mask.hostMaskSize()};
  return mask.finish(hostResult(::syscall(SYS_pselect6, count, sets[0], sets[1], sets[2], timeout,
                                          mask.hostMask() ? &hostSigmask : nullptr)));
}

int64_t sysEpollCreate1(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_epoll_create1, asInt(args.arg[0])));
}

int64_t sysEpollCtl(SyscallContext &context, const SyscallArgs &args) {
  int operation = asInt(args.arg[1]);
  struct epoll_event host;
  struct epoll_event *hostEvent = nullptr;
  // EPOLL_CTL_DEL ignores the event (and accepts NULL since Linux 2.6.9).
  if (operation != EPOLL_CTL_DEL || args.arg[3] != 0) {
    GuestEpollEvent guest;
    if (!guestMemory(context).read(args.arg[3], guest))
      return -EFAULT;
    host = toHostEpollEvent(guest);
    hostEvent = &host;
  }
  return hostResult(
      ::syscall(SYS_epoll_ctl, asInt(args.arg[0]), operation, asInt(args.arg[2]), hostEvent));
}

int64_t sysEpollPwait(SyscallContext &context, const SyscallArgs &args) {
  TemporarySigmask mask(context);
  if (int64_t error = mask.install(args.arg[4], args.arg[5]))
    return error;
  return mask.finish(epollWait(context, args.arg[1], static_cast<int64_t>(asInt(args.arg[2])),
                               [&](struct epoll_event *events, int maxEvents) {
                                 return ::syscall(SYS_epoll_pwait, asInt(args.arg[0]), events,
                                                  maxEvents, asInt(args.arg[3]), mask.hostMask(),
                                                  mask.hostMaskSize());
                               }));
}

int64_t sysEpollPwait2(SyscallContext &context, const SyscallArgs &args) {
  void *timeout = nullptr;
  if (!guestMemory(context).translateOptional(args.arg[3], sizeof(struct timespec), false, timeout))
    return -EFAULT;
  TemporarySigmask mask(context);
  if (int64_t error = mask.install(args.arg[4], args.arg[5]))
    return error;
  return mask.finish(epollWait(context, args.arg[1], static_cast<int64_t>(asInt(args.arg[2])),
                               [&](struct epoll_event *events, int maxEvents) {
                                 return ::syscall(SYS_epoll_pwait2, asInt(args.arg[0]), events,
                                                  maxEvents, timeout, mask.hostMask(),
                                                  mask.hostMaskSize());
                               }));
}

} // namespace tiercel::user
