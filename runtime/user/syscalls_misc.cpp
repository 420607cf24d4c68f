// Miscellaneous syscalls: uname (the machine is "riscv64"), hostname,
// getrandom, sysinfo, scheduling and affinity, getcpu, riscv_hwprobe (the
// CPU this translator implements), a safe subset of prctl, personality and
// membarrier.
#include "runtime/user/syscalls_misc.h"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

int asInt(uint64_t value) { return static_cast<int>(static_cast<int64_t>(value)); }

// struct riscv_hwprobe { __s64 key; __u64 value; }.
struct GuestHwprobePair {
  int64_t key;
  uint64_t value;
};
static_assert(sizeof(GuestHwprobePair) == 16);

// Linux's TASK_COMM_LEN: thread names hold 15 bytes and a NUL.
constexpr size_t kTaskCommLength = 16;

// Linux's __NEW_UTS_LEN + 1.
constexpr size_t kUtsFieldLength = 65;

} // namespace

bool hwprobeValue(const CpuExtensions &extensions, int64_t key, uint64_t &value) {
  switch (key) {
  case kHwprobeKeyMvendorid:
  case kHwprobeKeyMarchid:
  case kHwprobeKeyMimpid:
    value = 0; // not a commercial implementation (privileged spec 3.1.2-3.1.4)
    return true;
  case kHwprobeKeyBaseBehavior: value = kHwprobeBaseBehaviorIma; return true;
  case kHwprobeKeyImaExt0:
    // F and D always (RV64G); C, Zba, Zbb, Zbs unless -cpu switched them off.
    value = kHwprobeImaFd;
    if (extensions.c)
      value |= kHwprobeImaC;
    if (extensions.zba)
      value |= kHwprobeExtZba;
    if (extensions.zbb)
      value |= kHwprobeExtZbb;
    if (extensions.zbs)
      value |= kHwprobeExtZbs;
    return true;
  case kHwprobeKeyCpuperf0: value = kHwprobeMisalignedSlow; return true;
  default: return false;
  }
}

int64_t sysUname(SyscallContext &context, const SyscallArgs &args) {
  struct utsname host;
  if (::syscall(SYS_uname, &host) != 0)
    return -errno;
  std::memset(host.machine, 0, sizeof(host.machine));
  std::strncpy(host.machine, "riscv64", kUtsFieldLength - 1);
  return guestMemory(context).write(args.arg[0], host) ? 0 : -EFAULT;
}

int64_t sysSethostname(SyscallContext &context, const SyscallArgs &args) {
  void *name = nullptr;
  if (!guestMemory(context).translate(args.arg[0], args.arg[1], false, name))
    return -EFAULT;
  return hostResult(::syscall(SYS_sethostname, name, args.arg[1]));
}

int64_t sysSetdomainname(SyscallContext &context, const SyscallArgs &args) {
  void *name = nullptr;
  if (!guestMemory(context).translate(args.arg[0], args.arg[1], false, name))
    return -EFAULT;
  return hostResult(::syscall(SYS_setdomainname, name, args.arg[1]));
}

int64_t sysGetrandom(SyscallContext &context, const SyscallArgs &args) {
  void *buffer = nullptr;
  if (!guestMemory(context).translate(args.arg[0], args.arg[1], true, buffer))
    return -EFAULT;
  return hostResult(
      ::syscall(SYS_getrandom, buffer, args.arg[1], static_cast<unsigned>(args.arg[2])));
}

int64_t sysSysinfo(SyscallContext &context, const SyscallArgs &args) {
  void *info = nullptr;
  if (!guestMemory(context).translate(args.arg[0], sizeof(struct sysinfo), true, info))
    return -EFAULT;
  return hostResult(::syscall(SYS_sysinfo, info));
}

int64_t sysSchedYield(SyscallContext &, const SyscallArgs &) {
  return hostResult(::syscall(SYS_sched_yield));
}

int64_t sysSchedGetaffinity(SyscallContext &context, const SyscallArgs &args) {
  void *mask = nullptr;
  if (!guestMemory(context).translate(args.arg[2], args.arg[1], true, mask))
    return -EFAULT;
  return hostResult(::syscall(SYS_sched_getaffinity, asInt(args.arg[0]), args.arg[1], mask));
}

int64_t sysSchedSetaffinity(SyscallContext &context, const SyscallArgs &args) {
  void *mask = nullptr;
  if (!guestMemory(context).translate(args.arg[2], args.arg[1], false, mask))
    return -EFAULT;
  return hostResult(::syscall(SYS_sched_setaffinity, asInt(args.arg[0]), args.arg[1], mask));
}

int64_t sysSchedGetparam(SyscallContext &context, const SyscallArgs &args) {
  void *param = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct sched_param), true, param))
    return -EFAULT;
  return hostResult(::syscall(SYS_sched_getparam, asInt(args.arg[0]), param));
}

int64_t sysSchedSetparam(SyscallContext &context, const SyscallArgs &args) {
  void *param = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct sched_param), false, param))
    return -EFAULT;
  return hostResult(::syscall(SYS_sched_setparam, asInt(args.arg[0]), param));
}

int64_t sysSchedGetscheduler(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_sched_getscheduler, asInt(args.arg[0])));
}

int64_t sysSchedSetscheduler(SyscallContext &context, const SyscallArgs &args) {
  void *param = nullptr;
  if (!guestMemory(context).translate(args.arg[2], sizeof(struct sched_param), false, param))
    return -EFAULT;
  return hostResult(
      ::syscall(SYS_sched_setscheduler, asInt(args.arg[0]), asInt(args.arg[1]), param));
}

int64_t sysSchedGetPriorityMax(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_sched_get_priority_max, asInt(args.arg[0])));
}

int64_t sysSchedGetPriorityMin(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_sched_get_priority_min, asInt(args.arg[0])));
}

int64_t sysSchedRrGetInterval(SyscallContext &context, const SyscallArgs &args) {
  void *interval = nullptr;
  if (!guestMemory(context).translate(args.arg[1], sizeof(struct timespec), true, interval))
    return -EFAULT;
  return hostResult(::syscall(SYS_sched_rr_get_interval, asInt(args.arg[0]), interval));
}

int64_t sysGetcpu(SyscallContext &context, const SyscallArgs &args) {
  void *cpu = nullptr, *node = nullptr;
  GuestMemory memory = guestMemory(context);
  if (!memory.translateOptional(args.arg[0], sizeof(unsigned), true, cpu) ||
      !memory.translateOptional(args.arg[1], sizeof(unsigned), true, node))
    return -EFAULT;
  return hostResult(::syscall(SYS_getcpu, cpu, node, nullptr));
}

// riscv_hwprobe(pairs, pair_count, cpusetsize, cpus, flags) (Linux
// Documentation/arch/riscv/hwprobe.rst). Every hart of this translator is
// the same, so the cpu set only has to be readable.
int64_t sysRiscvHwprobe(SyscallContext &context, const SyscallArgs &args) {
  uint64_t pairs = args.arg[0], count = args.arg[1];
  uint64_t cpusetSize = args.arg[2], cpus = args.arg[3];
  if (args.arg[4] != 0)
    return -EINVAL;
  GuestMemory memory = guestMemory(context);
  void *cpuset = nullptr;
  if (cpus != 0 && !memory.translate(cpus, cpusetSize, false, cpuset))
    return -EFAULT;
  if (cpus == 0 && cpusetSize != 0)
    return -EINVAL;
  if (count > (UINT64_MAX / sizeof(GuestHwprobePair)))
    return -EFAULT;
  void *host = nullptr;
  if (!memory.translate(pairs, count * sizeof(GuestHwprobePair), true, host))
    return -EFAULT;
  const CpuExtensions &extensions = context.process.options().extensions;
  auto *pair = static_cast<uint8_t *>(host);
  for (uint64_t i = 0; i < count; ++i, pair += sizeof(GuestHwprobePair)) {
    GuestHwprobePair entry;
    std::memcpy(&entry, pair, sizeof(entry));
    if (!hwprobeValue(extensions, entry.key, entry.value)) {
      entry.key = -1;
      entry.value = 0;
    }
    std::memcpy(pair, &entry, sizeof(entry));
  }
  return 0;
}

// prctl: the options that only concern this process's bookkeeping pass
// through; anything that would change how the host runs the translator
// (seccomp, memory layout, speculation controls, RISC-V vector state) is
// refused with -EINVAL and reported by `-d unimp`.
int64_t sysPrctl(SyscallContext &context, const SyscallArgs &args) {
  int option = asInt(args.arg[0]);
  GuestMemory memory = guestMemory(context);
  switch (option) {
  case PR_SET_NAME: {
    std::string name;
    if (int64_t error = memory.readString(args.arg[1], name, 4096))
      return error == -ENAMETOOLONG ? -EINVAL : error;
    name.resize(std::min(name.size(), kTaskCommLength - 1));
    return hostResult(::prctl(PR_SET_NAME, name.c_str(), 0, 0, 0));
  }
  case PR_GET_NAME: {
    void *name = nullptr;
    if (!memory.translate(args.arg[1], kTaskCommLength, true, name))
      return -EFAULT;
    return hostResult(::prctl(PR_GET_NAME, name, 0, 0, 0));
  }
  case PR_GET_PDEATHSIG:
  case PR_GET_CHILD_SUBREAPER: {
    void *value = nullptr;
    if (!memory.translate(args.arg[1], sizeof(int), true, value))
      return -EFAULT;
    return hostResult(::prctl(option, value, 0, 0, 0));
  }
  case PR_SET_PDEATHSIG:
  case PR_GET_DUMPABLE:
  case PR_SET_DUMPABLE:
  case PR_GET_KEEPCAPS:
  case PR_SET_KEEPCAPS:
  case PR_CAPBSET_READ:
  case PR_GET_TIMERSLACK:
  case PR_SET_TIMERSLACK:
  case PR_SET_CHILD_SUBREAPER:
  case PR_SET_NO_NEW_PRIVS:
  case PR_GET_NO_NEW_PRIVS:
    return hostResult(::prctl(option, args.arg[1], args.arg[2], args.arg[3], args.arg[4]));
  default:
    return reportUnimplemented(context, "prctl", "option", static_cast<uint64_t>(option), -EINVAL);
  }
}

int64_t sysPersonality(SyscallContext &, const SyscallArgs &args) {
  // Persona flags (ADDR_NO_RANDOMIZE, ...) are the same on both ABIs; the
  // query value 0xffffffff passes through as well.
  return hostResult(::syscall(SYS_personality, static_cast<unsigned>(args.arg[0])));
}

int64_t sysMembarrier(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_membarrier, asInt(args.arg[0]),
                              static_cast<unsigned>(args.arg[1]), asInt(args.arg[2])));
}

} // namespace tiercel::user
