// Syscall handlers that belong to the process model rather than to file or
// time APIs: memory map, exit, signals, icache flush. Implemented next to the
// state they change (address_space.cpp, signals.cpp, process.cpp) and listed
// in the syscall table like every other handler.
#pragma once

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysBrk(SyscallContext &context, const SyscallArgs &args);
int64_t sysMmap(SyscallContext &context, const SyscallArgs &args);
int64_t sysMunmap(SyscallContext &context, const SyscallArgs &args);
int64_t sysMprotect(SyscallContext &context, const SyscallArgs &args);
int64_t sysMremap(SyscallContext &context, const SyscallArgs &args);
int64_t sysMadvise(SyscallContext &context, const SyscallArgs &args);
int64_t sysExit(SyscallContext &context, const SyscallArgs &args);
int64_t sysExitGroup(SyscallContext &context, const SyscallArgs &args);
int64_t sysRtSigaction(SyscallContext &context, const SyscallArgs &args);
int64_t sysRtSigprocmask(SyscallContext &context, const SyscallArgs &args);
int64_t sysRtSigreturn(SyscallContext &context, const SyscallArgs &args);
int64_t sysRtSigpending(SyscallContext &context, const SyscallArgs &args);
int64_t sysRtSigsuspend(SyscallContext &context, const SyscallArgs &args);
int64_t sysRtSigtimedwait(SyscallContext &context, const SyscallArgs &args);
int64_t sysSigaltstack(SyscallContext &context, const SyscallArgs &args);
int64_t sysKill(SyscallContext &context, const SyscallArgs &args);
int64_t sysTkill(SyscallContext &context, const SyscallArgs &args);
int64_t sysTgkill(SyscallContext &context, const SyscallArgs &args);
int64_t sysRiscvFlushIcache(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetTidAddress(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetRobustList(SyscallContext &context, const SyscallArgs &args);
int64_t sysFutex(SyscallContext &context, const SyscallArgs &args); // syscalls_futex.cpp

} // namespace tiercel::user
