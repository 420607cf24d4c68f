// Guest pointer translation, guest strings and paths, and the `-d unimp`
// report shared by every syscall handler (see syscalls_support.h).
#include "runtime/user/syscalls_support.h"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>

#include "runtime/user/address_space.h"
#include "runtime/user/process.h"

namespace tiercel::user {

namespace {
// Strings are scanned one guest page at a time so that a string ending just
// before an unmapped page is still read, as the kernel's strncpy_from_user does.
constexpr uint64_t kScanChunk = 4096;
} // namespace

bool GuestMemory::translate(uint64_t address, uint64_t length, bool write, void *&host) const {
  if (length == 0) {
    host = nullptr;
    return true;
  }
  if (address + length < address) // wraps around the address space
    return false;
  if (!space.isAccessible(address, length, write))
    return false;
  // The host kernel may write there: pages watched for code writes
  // (write-protected on the host) are released first, and their
  // translations dropped, as if the guest had stored to them.
  if (write)
    space.prepareHostWrite(address, length);
  host = space.hostPointer(address);
  return true;
}

bool GuestMemory::translateOptional(uint64_t address, uint64_t length, bool write,
                                    void *&host) const {
  if (address == 0) {
    host = nullptr;
    return true;
  }
  return translate(address, length, write, host);
}

int64_t GuestMemory::readString(uint64_t address, std::string &out, size_t maxLength) const {
  out.clear();
  uint64_t cursor = address;
  while (out.size() <= maxLength) {
    uint64_t chunk = kScanChunk - (cursor % kScanChunk);
    if (cursor + chunk < cursor)
      return -EFAULT;
    if (!space.isAccessible(cursor, chunk, false)) {
      // The rest of this page may be unmapped; fall back to byte steps so a
      // string that ends before the hole is still accepted.
      if (!space.isAccessible(cursor, 1, false))
        return -EFAULT;
      chunk = 1;
    }
    const char *host = reinterpret_cast<const char *>(space.hostPointer(cursor));
    const void *nul = std::memchr(host, 0, chunk);
    if (nul) {
      out.append(host, static_cast<const char *>(nul) - host);
      return out.size() <= maxLength ? 0 : -ENAMETOOLONG;
    }
    out.append(host, chunk);
    cursor += chunk;
  }
  return -ENAMETOOLONG;
}

int64_t translateIovecs(const GuestMemory &memory, uint64_t address, uint64_t count, bool write,
                        std::vector<struct iovec> &host) {
  if (count > kGuestIovMax)
    return -EINVAL;
  host.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    struct iovec guest;
    if (!memory.read(address + i * sizeof(struct iovec), guest))
      return -EFAULT;
    uint64_t base = reinterpret_cast<uint64_t>(guest.iov_base);
    if (guest.iov_len > uint64_t(INT64_MAX))
      return -EINVAL;
    if (!memory.translate(base, guest.iov_len, write, host[i].iov_base))
      return -EFAULT;
    host[i].iov_len = guest.iov_len;
  }
  return 0;
}

bool isProcSelfExe(const std::string &guestPath) {
  if (guestPath == "/proc/self/exe" || guestPath == "/proc/thread-self/exe")
    return true;
  static const std::string ownPid = "/proc/" + std::to_string(getpid()) + "/exe";
  return guestPath == ownPid;
}

std::string hostPathFor(SyscallContext &context, const std::string &guestPath) {
  if (isProcSelfExe(guestPath))
    return context.process.executablePath();
  // The root itself stays the host root (as in qemu's path()); redirecting
  // "/" would move chdir("/") and opendir("/") into the sysroot.
  if (guestPath.find_first_not_of('/') == std::string::npos)
    return guestPath;
  return context.process.sysrootPath(guestPath);
}

int64_t readGuestPath(SyscallContext &context, uint64_t address, std::string &hostPath) {
  std::string guestPath;
  if (int64_t error = guestMemory(context).readString(address, guestPath))
    return error;
  hostPath = hostPathFor(context, guestPath);
  return 0;
}

int64_t reportUnimplemented(SyscallContext &context, const char *syscallName, const char *what,
                            uint64_t value, int64_t error) {
  const UserOptions &options = context.process.options();
  if (options.logUnimplemented || options.strace)
    std::fprintf(options.log, "unimplemented: %s %s 0x%" PRIx64 "\n", syscallName, what, value);
  return error;
}

} // namespace tiercel::user
