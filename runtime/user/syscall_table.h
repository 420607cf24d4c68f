// The user-mode syscall table: number -> name, handler, argument shape for
// -strace. One row per implemented syscall (runtime/user/syscall_table.cpp);
// a number with no row returns -ENOSYS and is reported by -strace / -d unimp.
#pragma once

#include <cstdint>
#include <span>

#include "machine/cpu_state.h"
#include "runtime/user/syscall_abi.h"

namespace tiercel::user {

class Process;

struct SyscallContext {
  CpuState &cpu;
  Process &process;
};

// Returns the value for a0: a result, or -errno (Linux errno numbers, which
// are the same on riscv64 and x86-64).
using SyscallHandler = int64_t (*)(SyscallContext &context, const SyscallArgs &args);

// argFormat: one character per argument, how -strace prints it
// (syscalls_strace.cpp):
//   d  signed decimal (int, pid, fd, offset)
//   u  unsigned decimal (size_t, count, length)
//   x  hexadecimal (flags, masks, ioctl requests)
//   p  guest pointer (0x..., or NULL)
//   s  guest NUL-terminated string, quoted (a bad pointer prints as its address)
//   a  directory fd of the *at calls (AT_FDCWD or decimal)
//   f  open(2) flags (O_RDONLY|O_CREAT|...)
//   o  octal mode (0644)
// The length of argFormat is the number of arguments the syscall takes.
struct SyscallInfo {
  const char *name;       // "openat"
  SyscallHandler handler;
  const char *argFormat;  // for -strace, see above
  uint32_t number;        // riscv64 (asm-generic) syscall number
  // Runs with the guest lock held (syscall_table.cpp); else without it, on
  // the thread's saved registers (guest_thread.h).
  bool underGuestLock;
};

// nullptr for an unknown or unimplemented number.
const SyscallInfo *lookupSyscall(uint64_t number);

// Every row of the table, sorted by number (for tests and listings).
std::span<const SyscallInfo> allSyscalls();

} // namespace tiercel::user
