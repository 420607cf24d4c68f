// Process identity and accounting syscalls. The guest process is the host
// process (guest threads are host threads), so ids pass through. Resource
// limits that would constrain the translator's own memory rather than the
// guest's (address space, data, stack) are reported but not applied, as
// qemu-user does.
#include "runtime/user/syscalls_process_info.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

int asInt(uint64_t value) { return static_cast<int>(static_cast<int64_t>(value)); }

// Linux's NGROUPS_MAX.
constexpr uint64_t kGroupsMax = 65536;

// The kernel's siginfo_t is 128 bytes on every Linux ABI.
constexpr uint64_t kSiginfoSize = 128;
static_assert(sizeof(siginfo_t) == kSiginfoSize);

// RLIMIT_* numbers are the asm-generic ones on riscv64 and x86-64.
static_assert(RLIMIT_DATA == 2 && RLIMIT_STACK == 3 && RLIMIT_NOFILE == 7 && RLIMIT_AS == 9);

bool limitsTranslatorMemory(int resource) {
  return resource == RLIMIT_AS || resource == RLIMIT_DATA || resource == RLIMIT_STACK;
}

int64_t getIds(SyscallContext &context, const SyscallArgs &args, long number) {
  void *real = nullptr, *effective = nullptr, *saved = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translate(args.arg[0], sizeof(uint32_t), true, real) ||
      !memory.translate(args.arg[1], sizeof(uint32_t), true, effective) ||
      !memory.translate(args.arg[2], sizeof(uint32_t), true, saved))
    return -EFAULT;
  return hostResult(::syscall(number, real, effective, saved));
}

} // namespace

int64_t sysGetpid(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_getpid));
}
int64_t sysGetppid(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_getppid));
}
int64_t sysGettid(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_gettid));
}
int64_t sysGetuid(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_getuid));
}
int64_t sysGeteuid(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_geteuid));
}
int64_t sysGetgid(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_getgid));
}
int64_t sysGetegid(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_getegid));
}

int64_t sysGetresuid(SyscallContext &context, const SyscallArgs &args) {
  return getIds(context, args, SYS_getresuid);
}
int64_t sysGetresgid(SyscallContext &context, const SyscallArgs &args) {
  return getIds(context, args, SYS_getresgid);
}

int64_t sysSetuid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_setuid, static_cast<uid_t>(args.arg[0])));
}
int64_t sysSetgid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_setgid, static_cast<gid_t>(args.arg[0])));
}
int64_t sysSetreuid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(
      ::syscall(SYS_setreuid, static_cast<uid_t>(args.arg[0]), static_cast<uid_t>(args.arg[1])));
}
int64_t sysSetregid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(
      ::syscall(SYS_setregid, static_cast<gid_t>(args.arg[0]), static_cast<gid_t>(args.arg[1])));
}
int64_t sysSetresuid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_setresuid, static_cast<uid_t>(args.arg[0]),
                              static_cast<uid_t>(args.arg[1]), static_cast<uid_t>(args.arg[2])));
}
int64_t sysSetresgid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_setresgid, static_cast<gid_t>(args.arg[0]),
                              static_cast<gid_t>(args.arg[1]), static_cast<gid_t>(args.arg[2])));
}
int64_t sysSetfsuid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_setfsuid, static_cast<uid_t>(args.arg[0])));
}
int64_t sysSetfsgid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_setfsgid, static_cast<gid_t>(args.arg[0])));
}

int64_t sysGetgroups(SyscallContext &context, const SyscallArgs &args) {
  int size = asInt(args.arg[0]);
  if (size < 0 || static_cast<uint64_t>(size) > kGroupsMax)
    return -EINVAL;
  void *list = nullptr;
  if (!guestMemory(context).translate(args.arg[1], uint64_t(size) * sizeof(gid_t), true, list))
    return -EFAULT;
  return hostResult(::syscall(SYS_getgroups, size, list));
}

int64_t sysSetgroups(SyscallContext &context, const SyscallArgs &args) {
  int size = asInt(args.arg[0]);
  if (size < 0 || static_cast<uint64_t>(size) > kGroupsMax)
    return -EINVAL;
  void *list = nullptr;
  if (!guestMemory(context).translate(args.arg[1], uint64_t(size) * sizeof(gid_t), false, list))
    return -EFAULT;
  return hostResult(::syscall(SYS_setgroups, size, list));
}

int64_t sysSetpgid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_setpgid, asInt(args.arg[0]), asInt(args.arg[1])));
}
int64_t sysGetpgid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_getpgid, asInt(args.arg[0])));
}
int64_t sysGetsid(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_getsid, asInt(args.arg[0])));
}
int64_t sysSetsid(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_setsid));
}

int64_t sysGetrlimit(SyscallContext &context, const SyscallArgs &args) {
  void *limit = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct rlimit), true, limit))
    return -EFAULT;
  return hostResult(::syscall(SYS_getrlimit, asInt(args.arg[0]), limit));
}

int64_t sysSetrlimit(SyscallContext &context, const SyscallArgs &args) {
  struct rlimit limit;
  if (!guestMemory(context).read(args.arg[1], limit))
    return -EFAULT;
  int resource = asInt(args.arg[0]);
  if (limitsTranslatorMemory(resource))
    return limit.rlim_cur > limit.rlim_max ? -EINVAL : 0;
  return hostResult(::syscall(SYS_setrlimit, resource, &limit));
}

int64_t sysPrlimit64(SyscallContext &context, const SyscallArgs &args) {
  int pid = asInt(args.arg[0]);
  int resource = asInt(args.arg[1]);
  GuestMemory memory = guestMemory(context);
  void *newLimit = nullptr, *oldLimit = nullptr;
  if (!memory.translateOptional(args.arg[2], sizeof(struct rlimit), false, newLimit) ||
      !memory.translateOptional(args.arg[3], sizeof(struct rlimit), true, oldLimit))
    return -EFAULT;
  bool ownProcess = pid == 0 || pid == getpid();
  if (newLimit && ownProcess && limitsTranslatorMemory(resource)) {
    // Answer the query part only; the new limit is accepted, not applied.
    struct rlimit requested;
    std::memcpy(&requested, newLimit, sizeof(requested));
    if (requested.rlim_cur > requested.rlim_max)
      return -EINVAL;
    newLimit = nullptr;
  }
  return hostResult(::syscall(SYS_prlimit64, pid, resource, newLimit, oldLimit));
}

int64_t sysGetrusage(SyscallContext &context, const SyscallArgs &args) {
  void *usage = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct rusage), true, usage))
    return -EFAULT;
  return hostResult(::syscall(SYS_getrusage, asInt(args.arg[0]), usage));
}

int64_t sysGetpriority(SyscallContext &, const SyscallArgs &args) {
  // The raw syscall returns 20 - nice (never negative), as the guest expects.
  return hostResult(::syscall(SYS_getpriority, asInt(args.arg[0]), asInt(args.arg[1])));
}

int64_t sysSetpriority(SyscallContext &, const SyscallArgs &args) {
  return hostResult(
      ::syscall(SYS_setpriority, asInt(args.arg[0]), asInt(args.arg[1]), asInt(args.arg[2])));
}

int64_t sysWait4(SyscallContext &context, const SyscallArgs &args) {
  // Wait status encoding and struct rusage are the same on both ABIs.
  void *status = nullptr, *usage = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translateOptional(args.arg[1], sizeof(int), true, status) ||
      !memory.translateOptional(args.arg[3], sizeof(struct rusage), true, usage))
    return -EFAULT;
  return hostResult(::syscall(SYS_wait4, asInt(args.arg[0]), status, asInt(args.arg[2]), usage));
}

int64_t sysWaitid(SyscallContext &context, const SyscallArgs &args) {
  void *info = nullptr, *usage = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translateOptional(args.arg[2], kSiginfoSize, true, info) ||
      !memory.translateOptional(args.arg[4], sizeof(struct rusage), true, usage))
    return -EFAULT;
  return hostResult(::syscall(SYS_waitid, asInt(args.arg[0]), asInt(args.arg[1]), info,
                              asInt(args.arg[3]), usage));
}

} // namespace tiercel::user
