// Time syscalls of user mode: clocks, sleeps, interval and POSIX timers,
// timerfd, process times. All structures (timespec, timeval, itimerval,
// itimerspec, sigevent, tms) have the same layout on riscv64 and x86-64.
#pragma once

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysClockGettime(SyscallContext &context, const SyscallArgs &args);
int64_t sysClockSettime(SyscallContext &context, const SyscallArgs &args);
int64_t sysClockGetres(SyscallContext &context, const SyscallArgs &args);
int64_t sysClockNanosleep(SyscallContext &context, const SyscallArgs &args);
int64_t sysGettimeofday(SyscallContext &context, const SyscallArgs &args);
int64_t sysNanosleep(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimes(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetitimer(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetitimer(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimerCreate(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimerSettime(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimerGettime(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimerGetoverrun(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimerDelete(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimerfdCreate(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimerfdSettime(SyscallContext &context, const SyscallArgs &args);
int64_t sysTimerfdGettime(SyscallContext &context, const SyscallArgs &args);

} // namespace tiercel::user
