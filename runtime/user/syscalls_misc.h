// Miscellaneous syscalls of user mode: system identity (uname, hostname),
// randomness, system information, scheduling and CPU affinity,
// riscv_hwprobe, prctl and personality.
#pragma once

#include <cstdint>

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysUname(SyscallContext &context, const SyscallArgs &args);
int64_t sysSethostname(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetdomainname(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetrandom(SyscallContext &context, const SyscallArgs &args);
int64_t sysSysinfo(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedYield(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedGetaffinity(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedSetaffinity(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedGetparam(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedSetparam(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedGetscheduler(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedSetscheduler(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedGetPriorityMax(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedGetPriorityMin(SyscallContext &context, const SyscallArgs &args);
int64_t sysSchedRrGetInterval(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetcpu(SyscallContext &context, const SyscallArgs &args);
int64_t sysRiscvHwprobe(SyscallContext &context, const SyscallArgs &args);
int64_t sysPrctl(SyscallContext &context, const SyscallArgs &args);
int64_t sysPersonality(SyscallContext &context, const SyscallArgs &args);
int64_t sysMembarrier(SyscallContext &context, const SyscallArgs &args);

// riscv_hwprobe keys and values (arch/riscv/include/uapi/asm/hwprobe.h).
inline constexpr int64_t kHwprobeKeyMvendorid = 0;
inline constexpr int64_t kHwprobeKeyMarchid = 1;
inline constexpr int64_t kHwprobeKeyMimpid = 2;
inline constexpr int64_t kHwprobeKeyBaseBehavior = 3;
inline constexpr uint64_t kHwprobeBaseBehaviorIma = 1u << 0;
inline constexpr int64_t kHwprobeKeyImaExt0 = 4;
inline constexpr uint64_t kHwprobeImaFd = 1u << 0;
inline constexpr uint64_t kHwprobeImaC = 1u << 1;
inline constexpr uint64_t kHwprobeExtZba = 1u << 3;
inline constexpr uint64_t kHwprobeExtZbb = 1u << 4;
inline constexpr uint64_t kHwprobeExtZbs = 1u << 5;
inline constexpr int64_t kHwprobeKeyCpuperf0 = 5;
inline constexpr uint64_t kHwprobeMisalignedSlow = 2;

struct CpuExtensions;

// The answer for one key given the extensions the CPU has (-cpu options);
// false for a key this translator does not know (the kernel then sets the
// key to -1 and the value to 0).
bool hwprobeValue(const CpuExtensions &extensions, int64_t key, uint64_t &value);

} // namespace tiercel::user
