// Readiness syscalls of user mode: ppoll, pselect6 and epoll.
#pragma once

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysPpoll(SyscallContext &context, const SyscallArgs &args);
int64_t sysPselect6(SyscallContext &context, const SyscallArgs &args);
int64_t sysEpollCreate1(SyscallContext &context, const SyscallArgs &args);
int64_t sysEpollCtl(SyscallContext &context, const SyscallArgs &args);
int64_t sysEpollPwait(SyscallContext &context, const SyscallArgs &args);
int64_t sysEpollPwait2(SyscallContext &context, const SyscallArgs &args);

} // namespace tiercel::user
