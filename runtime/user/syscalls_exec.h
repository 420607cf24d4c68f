// Process creation and program execution: clone and clone3 for fork and
// vfork, execve and execveat (runtime/user/syscalls_exec.cpp).
//
// - A guest fork is a host fork(): the guest address space is host memory
//   (private mappings copied on write, shared ones shared), so the child
//   gets Linux's semantics from the host kernel. The tiers prepare for it
//   (Process::beforeFork/afterForkIn*). vfork (CLONE_VM|CLONE_VFORK, as
//   glibc's posix_spawn, system and popen use it) is a fork whose parent
//   waits until the child has called execve or exited, as vfork's parent
//   does; the memory is not shared, so a child that writes its parent's
//   memory before exec (posix_spawn's error report) is not seen.
// - Guest threads (CLONE_VM without CLONE_VFORK, CLONE_THREAD) are not
//   implemented yet: -ENOSYS, and a line on stderr once.
// - execve of a riscv64 ELF (or of a script whose interpreter is one) runs
//   Tiercel again on it (/proc/self/exe with UserOptions::execOptions and
//   --exec-child), with the guest's argv and environment. Any other file
//   goes to the host's execve as it is: a host program runs natively.
//   Before either, the run's exit hooks run (profile, --summary) and the
//   host signal mask becomes the guest's, which execve keeps.
#pragma once

#include "runtime/user/syscall_table.h"

namespace tiercel::user {

int64_t sysClone(SyscallContext &context, const SyscallArgs &args);
int64_t sysClone3(SyscallContext &context, const SyscallArgs &args);
int64_t sysExecve(SyscallContext &context, const SyscallArgs &args);
int64_t sysExecveat(SyscallContext &context, const SyscallArgs &args);

// The guest's signal mask at start: what the host mask was when this
// Tiercel started (execve keeps the mask). Unblocks those signals on the
// host, which only ever blocks for the guest in its own bookkeeping.
uint64_t takeInheritedSignalMask();

} // namespace tiercel::user
