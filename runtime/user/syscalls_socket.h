// Socket syscalls of user mode. struct sockaddr_*, msghdr, mmsghdr, iovec
// and cmsghdr have the same layout on riscv64 and x86-64, as do the socket
// option levels and names (asm-generic/socket.h); only the pointers inside
// msghdr need translating.
#pragma once

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysSocket(SyscallContext &context, const SyscallArgs &args);
int64_t sysSocketpair(SyscallContext &context, const SyscallArgs &args);
int64_t sysBind(SyscallContext &context, const SyscallArgs &args);
int64_t sysListen(SyscallContext &context, const SyscallArgs &args);
int64_t sysAccept(SyscallContext &context, const SyscallArgs &args);
int64_t sysAccept4(SyscallContext &context, const SyscallArgs &args);
int64_t sysConnect(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetsockname(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetpeername(SyscallContext &context, const SyscallArgs &args);
int64_t sysSendto(SyscallContext &context, const SyscallArgs &args);
int64_t sysRecvfrom(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetsockopt(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetsockopt(SyscallContext &context, const SyscallArgs &args);
int64_t sysShutdown(SyscallContext &context, const SyscallArgs &args);
int64_t sysSendmsg(SyscallContext &context, const SyscallArgs &args);
int64_t sysRecvmsg(SyscallContext &context, const SyscallArgs &args);
int64_t sysSendmmsg(SyscallContext &context, const SyscallArgs &args);
int64_t sysRecvmmsg(SyscallContext &context, const SyscallArgs &args);

} // namespace tiercel::user
