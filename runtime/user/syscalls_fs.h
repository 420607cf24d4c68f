// File-system syscalls of user mode: directories, the stat family, links,
// permissions and ownership, timestamps, the working directory, statfs,
// extended attributes and inotify.
#pragma once

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysGetdents64(SyscallContext &context, const SyscallArgs &args);
int64_t sysNewfstatat(SyscallContext &context, const SyscallArgs &args);
int64_t sysFstat(SyscallContext &context, const SyscallArgs &args);
int64_t sysStatx(SyscallContext &context, const SyscallArgs &args);
int64_t sysFaccessat(SyscallContext &context, const SyscallArgs &args);
int64_t sysFaccessat2(SyscallContext &context, const SyscallArgs &args);
int64_t sysReadlinkat(SyscallContext &context, const SyscallArgs &args);
int64_t sysMkdirat(SyscallContext &context, const SyscallArgs &args);
int64_t sysMknodat(SyscallContext &context, const SyscallArgs &args);
int64_t sysUnlinkat(SyscallContext &context, const SyscallArgs &args);
int64_t sysRenameat2(SyscallContext &context, const SyscallArgs &args);
int64_t sysSymlinkat(SyscallContext &context, const SyscallArgs &args);
int64_t sysLinkat(SyscallContext &context, const SyscallArgs &args);
int64_t sysFchmod(SyscallContext &context, const SyscallArgs &args);
int64_t sysFchmodat(SyscallContext &context, const SyscallArgs &args);
int64_t sysFchown(SyscallContext &context, const SyscallArgs &args);
int64_t sysFchownat(SyscallContext &context, const SyscallArgs &args);
int64_t sysUtimensat(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetcwd(SyscallContext &context, const SyscallArgs &args);
int64_t sysChdir(SyscallContext &context, const SyscallArgs &args);
int64_t sysFchdir(SyscallContext &context, const SyscallArgs &args);
int64_t sysUmask(SyscallContext &context, const SyscallArgs &args);
int64_t sysStatfs(SyscallContext &context, const SyscallArgs &args);
int64_t sysFstatfs(SyscallContext &context, const SyscallArgs &args);
int64_t sysGetxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysLgetxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysFgetxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysSetxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysLsetxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysFsetxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysListxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysLlistxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysFlistxattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysRemovexattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysLremovexattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysFremovexattr(SyscallContext &context, const SyscallArgs &args);
int64_t sysInotifyInit1(SyscallContext &context, const SyscallArgs &args);
int64_t sysInotifyAddWatch(SyscallContext &context, const SyscallArgs &args);
int64_t sysInotifyRmWatch(SyscallContext &context, const SyscallArgs &args);

} // namespace tiercel::user
