// File-descriptor I/O syscalls of user mode: open/close, read/write and
// their vector and positional forms, dup, fcntl, ioctl, pipes, in-kernel
// copies, sync and space management.
#pragma once

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysOpenat(SyscallContext &context, const SyscallArgs &args);
int64_t sysClose(SyscallContext &context, const SyscallArgs &args);
int64_t sysCloseRange(SyscallContext &context, const SyscallArgs &args);
int64_t sysRead(SyscallContext &context, const SyscallArgs &args);
int64_t sysWrite(SyscallContext &context, const SyscallArgs &args);
int64_t sysReadv(SyscallContext &context, const SyscallArgs &args);
int64_t sysWritev(SyscallContext &context, const SyscallArgs &args);
int64_t sysPread64(SyscallContext &context, const SyscallArgs &args);
int64_t sysPwrite64(SyscallContext &context, const SyscallArgs &args);
int64_t sysPreadv(SyscallContext &context, const SyscallArgs &args);
int64_t sysPwritev(SyscallContext &context, const SyscallArgs &args);
int64_t sysPreadv2(SyscallContext &context, const SyscallArgs &args);
int64_t sysPwritev2(SyscallContext &context, const SyscallArgs &args);
int64_t sysLseek(SyscallContext &context, const SyscallArgs &args);
int64_t sysDup(SyscallContext &context, const SyscallArgs &args);
int64_t sysDup3(SyscallContext &context, const SyscallArgs &args);
int64_t sysFcntl(SyscallContext &context, const SyscallArgs &args);
int64_t sysIoctl(SyscallContext &context, const SyscallArgs &args);
int64_t sysPipe2(SyscallContext &context, const SyscallArgs &args);
int64_t sysSendfile(SyscallContext &context, const SyscallArgs &args);
int64_t sysCopyFileRange(SyscallContext &context, const SyscallArgs &args);
int64_t sysSplice(SyscallContext &context, const SyscallArgs &args);
int64_t sysTee(SyscallContext &context, const SyscallArgs &args);
int64_t sysFadvise64(SyscallContext &context, const SyscallArgs &args);
int64_t sysReadahead(SyscallContext &context, const SyscallArgs &args);
int64_t sysFallocate(SyscallContext &context, const SyscallArgs &args);
int64_t sysFlock(SyscallContext &context, const SyscallArgs &args);
int64_t sysFsync(SyscallContext &context, const SyscallArgs &args);
int64_t sysFdatasync(SyscallContext &context, const SyscallArgs &args);
int64_t sysSync(SyscallContext &context, const SyscallArgs &args);
int64_t sysSyncfs(SyscallContext &context, const SyscallArgs &args);
int64_t sysSyncFileRange(SyscallContext &context, const SyscallArgs &args);
int64_t sysTruncate(SyscallContext &context, const SyscallArgs &args);
int64_t sysFtruncate(SyscallContext &context, const SyscallArgs &args);
int64_t sysMemfdCreate(SyscallContext &context, const SyscallArgs &args);
int64_t sysEventfd2(SyscallContext &context, const SyscallArgs &args);

} // namespace tiercel::user
