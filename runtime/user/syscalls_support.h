// Shared plumbing of the syscall handlers: guest pointers to host pointers
// (always through AddressSpace::isAccessible before hostPointer, so a bad
// guest pointer becomes -EFAULT and never a host access outside the guest
// reservation), guest strings and paths, host results to -errno, and the
// `-d unimp` report.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <sys/uio.h>

#include "runtime/user/process.h"
#include "runtime/user/syscall_table.h"

namespace tiercel::user {

// Linux's UIO_MAXIOV: longer iovec arrays are -EINVAL.
inline constexpr uint64_t kGuestIovMax = 1024;

// Linux's PATH_MAX: a longer guest path is -ENAMETOOLONG, as on Linux.
inline constexpr size_t kGuestPathMax = 4096;

// The value for a0 from a host syscall()/libc call that reports failure as
// -1 with errno. Errno numbers are the asm-generic ones on both riscv64 and
// x86-64 Linux, so they pass through unchanged.
inline int64_t hostResult(long result) { return result == -1 ? -int64_t(errno) : int64_t(result); }

// Guest memory as seen by one syscall. Every accessor checks the guest's
// permission first; a false/ nullptr result means -EFAULT.
class GuestMemory {
public:
  explicit GuestMemory(AddressSpace &space) : space(space) {}

  // Host pointer for [address, address + length) if the guest may read it
  // (write == false) or write it (write == true). A zero length translates to
  // nullptr and succeeds: the host kernel never touches a zero-length buffer.
  bool translate(uint64_t address, uint64_t length, bool write, void *&host) const;
  // As translate(), but a guest NULL is passed on as a host nullptr (for
  // optional arguments such as a timeout or a signal mask).
  bool translateOptional(uint64_t address, uint64_t length, bool write, void *&host) const;

  template <class T> bool read(uint64_t address, T &value) const {
    void *host = nullptr;
    if (!translate(address, sizeof(T), false, host))
      return false;
    std::memcpy(&value, host, sizeof(T));
    return true;
  }
  template <class T> bool write(uint64_t address, const T &value) const {
    void *host = nullptr;
    if (!translate(address, sizeof(T), true, host))
      return false;
    std::memcpy(host, &value, sizeof(T));
    return true;
  }

  // Reads a NUL-terminated guest string of at most maxLength bytes before
  // the NUL. Returns 0, -EFAULT or -ENAMETOOLONG.
  int64_t readString(uint64_t address, std::string &out, size_t maxLength = kGuestPathMax) const;

  AddressSpace &addressSpace() const { return space; }

private:
  AddressSpace &space;
};

inline GuestMemory guestMemory(SyscallContext &context) {
  return GuestMemory(context.process.addressSpace());
}

// Translates a guest iovec array (same layout on both ABIs) element by
// element into host iovecs; every buffer must be writable by the guest when
// `write` (readv) or readable otherwise (writev). Returns 0, -EFAULT, -EINVAL.
int64_t translateIovecs(const GuestMemory &memory, uint64_t address, uint64_t count, bool write,
                        std::vector<struct iovec> &host);

// A guest path as the host should see it: "/proc/self/exe" and
// "/proc/<our pid>/exe" name the guest executable (Process::executablePath()),
// not the translator binary; an absolute path that exists under the sysroot
// (-L, QEMU_LD_PREFIX) is redirected there, as qemu-user does, so the
// dynamic loader finds the riscv64 libraries. Relative paths are unchanged.
std::string hostPathFor(SyscallContext &context, const std::string &guestPath);

// Reads the guest path at `address` and maps it with hostPathFor().
// Returns 0, -EFAULT, -ENAMETOOLONG.
int64_t readGuestPath(SyscallContext &context, uint64_t address, std::string &hostPath);

// True if the guest path names our own /proc/<pid>/exe link.
bool isProcSelfExe(const std::string &guestPath);

// `-d unimp`: one line naming the syscall and what part of it is missing;
// returns `error` so handlers can write `return reportUnimplemented(...)`.
int64_t reportUnimplemented(SyscallContext &context, const char *syscallName, const char *what,
                            uint64_t value, int64_t error);

} // namespace tiercel::user
