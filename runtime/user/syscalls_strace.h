// -strace output for user mode, qemu-style: "openat(AT_FDCWD,"/etc/hosts",
// O_RDONLY|O_CLOEXEC,0)" before the call and " = 3" or
// " = -1 errno=2 (No such file or directory)" after it. Arguments are
// printed as the row's argFormat says (syscall_table.h); guest strings are
// read through the same checked path as the handlers, so a bad pointer is
// printed as its address, never dereferenced.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

// The call with its arguments; an unknown number prints as
// "unknown_syscall_<n>(a0,...,a5)" with all six registers in hex.
std::string formatSyscallCall(SyscallContext &context, const SyscallArgs &args);
// " = <result>" for a success, " = -1 errno=<n> (<strerror>)" for -errno.
std::string formatSyscallResult(int64_t result);
// open(2) flags as "O_WRONLY|O_CREAT|O_TRUNC" (unknown bits in hex).
std::string formatOpenFlags(uint64_t flags);

} // namespace tiercel::user
