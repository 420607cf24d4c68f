// Process identity and accounting syscalls of user mode: pids and tids,
// user and group ids, process groups and sessions, resource limits and
// usage, scheduling priority, and waiting for children.
#pragma once

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysGetpid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetppid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGettid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetuid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGeteuid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetgid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetegid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetresuid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetresgid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetuid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetgid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetreuid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetregid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetresuid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetresgid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetfsuid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetfsgid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetgroups(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetgroups(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetpgid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetpgid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetsid(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetsid(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetrlimit(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetrlimit(SyscallContext &context, const SyscallArgs &args);
int64_t sysPrlimit64(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetrusage(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetpriority(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetpriority(SyscallContext &context, const SyscallArgs &args);
int64_t sysWait4(SyscallContext &context, const SyscallArgs &args);
int64_t sysWaitid(SyscallContext &context, const SyscallArgs &args);

} // namespace tiercel::user
