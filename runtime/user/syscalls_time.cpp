// Time syscalls. Every structure involved is identical on the two 64-bit
// ABIs (checked in syscalls_structs.cpp), so the handlers translate pointers
// and call the host. Timers that signal (setitimer, timer_create with
// SIGEV_SIGNAL) raise host signals, which the signal code forwards to the
// guest like any other asynchronous signal.
#include "runtime/user/syscalls_time.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

int asInt(uint64_t value) { return static_cast<int>(static_cast<int64_t>(value)); }

// The kernel's struct sigevent is 64 bytes on every 64-bit ABI.
constexpr uint64_t kSigeventSize = 64;
static_assert(sizeof(struct sigevent) == kSigeventSize);
static_assert(sizeof(struct itimerspec) == 32);

// timer_settime and timerfd_settime share one shape: (id, flags, new
// itimerspec, optional old itimerspec); likewise the two gettime calls.
int64_t settimeCall(SyscallContext &context, const SyscallArgs &args, long number) {
  void *value = nullptr, *old = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translate(args.arg[2], sizeof(struct itimerspec), false, value) ||
      !memory.translateOptional(args.arg[3], sizeof(struct itimerspec), true, old))
    return -EFAULT;
  return hostResult(::syscall(number, asInt(args.arg[0]), asInt(args.arg[1]), value, old));
}

int64_t gettimeCall(SyscallContext &context, const SyscallArgs &args, long number) {
  void *value = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct itimerspec), true, value))
    return -EFAULT;
  return hostResult(::syscall(number, asInt(args.arg[0]), value));
}

} // namespace

int64_t sysClockGettime(SyscallContext &context, const SyscallArgs &args) {
  void *time = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct timespec), true, time))
    return -EFAULT;
  return hostResult(::syscall(SYS_clock_gettime, asInt(args.arg[0]), time));
}

int64_t sysClockSettime(SyscallContext &context, const SyscallArgs &args) {
  void *time = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct timespec), false, time))
    return -EFAULT;
  return hostResult(::syscall(SYS_clock_settime, asInt(args.arg[0]), time));
}

int64_t sysClockGetres(SyscallContext &context, const SyscallArgs &args) {
  void *resolution = nullptr;
  if (!guestMemory(context).translateOptional(args.arg[1], sizeof(struct timespec), true,
                                              resolution))
    return -EFAULT;
  return hostResult(::syscall(SYS_clock_getres, asInt(args.arg[0]), resolution));
}

int64_t sysClockNanosleep(SyscallContext &context, const SyscallArgs &args) {
  void *request = nullptr, *remaining = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translate(args.arg[2], sizeof(struct timespec), false, request) ||
      !memory.translateOptional(args.arg[3], sizeof(struct timespec), true, remaining))
    return -EFAULT;
  return hostResult(
      ::syscall(SYS_clock_nanosleep, asInt(args.arg[0]), asInt(args.arg[1]), request, remaining));
}

int64_t sysGettimeofday(SyscallContext &context, const SyscallArgs &args) {
  void *time = nullptr, *zone = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translateOptional(args.arg[0], sizeof(struct timeval), true, time) ||
      !memory.translateOptional(args.arg[1], sizeof(struct timezone), true, zone))
    return -EFAULT;
  return hostResult(::syscall(SYS_gettimeofday, time, zone));
}

int64_t sysNanosleep(SyscallContext &context, const SyscallArgs &args) {
  void *request = nullptr, *remaining = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translate(args.arg[0], sizeof(struct timespec), false, request) ||
      !memory.translateOptional(args.arg[1], sizeof(struct timespec), true, remaining))
    return -EFAULT;
  return hostResult(::syscall(SYS_nanosleep, request, remaining));
}

int64_t sysTimes(SyscallContext &context, const SyscallArgs &args) {
  void *buffer = nullptr;
  if (!guestMemory(context).translateOptional(args.arg[0], sizeof(struct tms), true, buffer))
    return -EFAULT;
  return hostResult(::syscall(SYS_times, buffer));
}

int64_t sysGetitimer(SyscallContext &context, const SyscallArgs &args) {
  void *value = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct itimerval), true, value))
    return -EFAULT;
  return hostResult(::syscall(SYS_getitimer, asInt(args.arg[0]), value));
}

int64_t sysSetitimer(SyscallContext &context, const SyscallArgs &args) {
  void *value = nullptr, *old = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translateOptional(args.arg[1], sizeof(struct itimerval), false, value) ||
      !memory.translateOptional(args.arg[2], sizeof(struct itimerval), true, old))
    return -EFAULT;
  return hostResult(::syscall(SYS_setitimer, asInt(args.arg[0]), value, old));
}

int64_t sysTimerCreate(SyscallContext &context, const SyscallArgs &args) {
  void *event = nullptr, *timer = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translateOptional(args.arg[1], kSigeventSize, false, event) ||
      !memory.translate(args.arg[2], sizeof(int), true, timer))
    return -EFAULT;
  return hostResult(::syscall(SYS_timer_create, asInt(args.arg[0]), event, timer));
}

int64_t sysTimerSettime(SyscallContext &context, const SyscallArgs &args) {
  return settimeCall(context, args, SYS_timer_settime);
}

int64_t sysTimerGettime(SyscallContext &context, const SyscallArgs &args) {
  return gettimeCall(context, args, SYS_timer_gettime);
}

int64_t sysTimerGetoverrun(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_timer_getoverrun, asInt(args.arg[0])));
}

int64_t sysTimerDelete(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_timer_delete, asInt(args.arg[0])));
}

int64_t sysTimerfdCreate(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_timerfd_create, asInt(args.arg[0]), asInt(args.arg[1])));
}

int64_t sysTimerfdSettime(SyscallContext &context, const SyscallArgs &args) {
  return settimeCall(context, args, SYS_timerfd_settime);
}

int64_t sysTimerfdGettime(SyscallContext &context, const SyscallArgs &args) {
  return gettimeCall(context, args, SYS_timerfd_gettime);
}

} // namespace tiercel::user
