// File-descriptor I/O syscalls. Guest descriptors are host descriptors;
// every guest buffer is checked and translated (syscalls_support.h), and the
// host result or -errno is returned as is (same errno numbers on both ABIs).
#include "runtime/user/syscalls_file_io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <vector>

#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

int asInt(uint64_t value) { return static_cast<int>(static_cast<int64_t>(value)); }

// read/pread64 style: one guest buffer the host kernel writes into.
template <class Call>
int64_t withOutputBuffer(SyscallContext &context, uint64_t address, uint64_t length, Call call) {
  void *host = nullptr;
  if (!guestMemory(context).translate(address, length, true, host))
    return -EFAULT;
  return hostResult(call(host));
}

// write/pwrite64 style: one guest buffer the host kernel reads.
template <class Call>
int64_t withInputBuffer(SyscallContext &context, uint64_t address, uint64_t length, Call call) {
  void *host = nullptr;
  if (!guestMemory(context).translate(address, length, false, host))
    return -EFAULT;
  return hostResult(call(host));
}

// readv/writev family: the kernel writes the buffers when `intoGuest`.
template <class Call>
int64_t withIovecs(SyscallContext &context, uint64_t address, uint64_t count, bool intoGuest,
                   Call call) {
  std::vector<struct iovec> iovecs;
  if (int64_t error = translateIovecs(guestMemory(context), address, count, intoGuest, iovecs))
    return error;
  return hostResult(call(iovecs.data(), static_cast<int>(iovecs.size())));
}

// An optional in/out loff_t pointer (sendfile, splice, copy_file_range).
bool translateOffset(SyscallContext &context, uint64_t address, void *&host) {
  return guestMemory(context).translateOptional(address, sizeof(int64_t), true, host);
}

} // namespace

int64_t sysOpenat(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(::syscall(SYS_openat, asInt(args.arg[0]), path.c_str(), asInt(args.arg[2]),
                              static_cast<mode_t>(args.arg[3])));
}

int64_t sysClose(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_close, asInt(args.arg[0])));
}

int64_t sysCloseRange(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_close_range, static_cast<unsigned>(args.arg[0]),
                              static_cast<unsigned>(args.arg[1]),
                              static_cast<unsigned>(args.arg[2])));
}

int64_t sysRead(SyscallContext &context, const SyscallArgs &args) {
  return withOutputBuffer(context, args.arg[1], args.arg[2], [&](void *buffer) {
    return ::syscall(SYS_read, asInt(args.arg[0]), buffer, args.arg[2]);
  });
}

int64_t sysWrite(SyscallContext &context, const SyscallArgs &args) {
  return withInputBuffer(context, args.arg[1], args.arg[2], [&](void *buffer) {
    return ::syscall(SYS_write, asInt(args.arg[0]), buffer, args.arg[2]);
  });
}

int64_t sysReadv(SyscallContext &context, const SyscallArgs &args) {
  return withIovecs(context, args.arg[1], args.arg[2], true, [&](struct iovec *iov, int count) {
    return ::syscall(SYS_readv, asInt(args.arg[0]), iov, count);
  });
}

int64_t sysWritev(SyscallContext &context, const SyscallArgs &args) {
  return withIovecs(context, args.arg[1], args.arg[2], false, [&](struct iovec *iov, int count) {
    return ::syscall(SYS_writev, asInt(args.arg[0]), iov, count);
  });
}

int64_t sysPread64(SyscallContext &context, const SyscallArgs &args) {
  return withOutputBuffer(context, args.arg[1], args.arg[2], [&](void *buffer) {
    return ::syscall(SYS_pread64, asInt(args.arg[0]), buffer, args.arg[2], args.arg[3]);
  });
}

int64_t sysPwrite64(SyscallContext &context, const SyscallArgs &args) {
  return withInputBuffer(context, args.arg[1], args.arg[2], [&](void *buffer) {
    return ::syscall(SYS_pwrite64, asInt(args.arg[0]), buffer, args.arg[2], args.arg[3]);
  });
}

// preadv/pwritev take the offset as two longs (pos_l, pos_h); on 64-bit
// kernels pos_l alone is the offset. Both are passed on unchanged, so the
// host kernel decodes them exactly as a riscv64 kernel would.
int64_t sysPreadv(SyscallContext &context, const SyscallArgs &args) {
  return withIovecs(context, args.arg[1], args.arg[2], true, [&](struct iovec *iov, int count) {
    return ::syscall(SYS_preadv, asInt(args.arg[0]), iov, count, args.arg[3], args.arg[4]);
  });
}

int64_t sysPwritev(SyscallContext &context, const SyscallArgs &args) {
  return withIovecs(context, args.arg[1], args.arg[2], false, [&](struct iovec *iov, int count) {
    return ::syscall(SYS_pwritev, asInt(args.arg[0]), iov, count, args.arg[3], args.arg[4]);
  });
}

int64_t sysPreadv2(SyscallContext &context, const SyscallArgs &args) {
  return withIovecs(context, args.arg[1], args.arg[2], true, [&](struct iovec *iov, int count) {
    return ::syscall(SYS_preadv2, asInt(args.arg[0]), iov, count, args.arg[3], args.arg[4],
                     asInt(args.arg[5]));
  });
}

int64_t sysPwritev2(SyscallContext &context, const SyscallArgs &args) {
  return withIovecs(context, args.arg[1], args.arg[2], false, [&](struct iovec *iov, int count) {
    return ::syscall(SYS_pwritev2, asInt(args.arg[0]), iov, count, args.arg[3], args.arg[4],
                     asInt(args.arg[5]));
  });
}

int64_t sysLseek(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_lseek, asInt(args.arg[0]), static_cast<int64_t>(args.arg[1]),
                              asInt(args.arg[2])));
}

int64_t sysDup(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_dup, asInt(args.arg[0])));
}

int64_t sysDup3(SyscallContext &, const SyscallArgs &args) {
  return hostResult(
      ::syscall(SYS_dup3, asInt(args.arg[0]), asInt(args.arg[1]), asInt(args.arg[2])));
}

// fcntl commands have the asm-generic numbers on both ABIs; struct flock and
// struct f_owner_ex have the same 64-bit layout (static_asserts in
// syscalls_structs.cpp), so only the pointer needs translating.
int64_t sysFcntl(SyscallContext &context, const SyscallArgs &args) {
  int fd = asInt(args.arg[0]);
  int command = asInt(args.arg[1]);
  uint64_t argument = args.arg[2];
  void *host = nullptr;
  switch (command) {
  case F_DUPFD:
  case F_DUPFD_CLOEXEC:
  case F_SETFD:
  case F_SETFL:
  case F_SETOWN:
  case F_SETSIG:
  case F_SETLEASE:
  case F_NOTIFY:
  case F_SETPIPE_SZ:
  case F_ADD_SEALS:
    return hostResult(::syscall(SYS_fcntl, fd, command, static_cast<long>(argument)));
  case F_GETFD:
  case F_GETFL:
  case F_GETOWN:
  case F_GETSIG:
  case F_GETLEASE:
  case F_GETPIPE_SZ:
  case F_GET_SEALS: return hostResult(::syscall(SYS_fcntl, fd, command, 0L));
  case F_GETLK:
  case F_OFD_GETLK:
    if (!guestMemory(context).translate(argument, sizeof(struct flock), true, host))
      return -EFAULT;
    return hostResult(::syscall(SYS_fcntl, fd, command, host));
  case F_SETLK:
  case F_SETLKW:
  case F_OFD_SETLK:
  case F_OFD_SETLKW:
    if (!guestMemory(context).translate(argument, sizeof(struct flock), false, host))
      return -EFAULT;
    return hostResult(::syscall(SYS_fcntl, fd, command, host));
  case F_GETOWN_EX:
    if (!guestMemory(context).translate(argument, sizeof(struct f_owner_ex), true, host))
      return -EFAULT;
    return hostResult(::syscall(SYS_fcntl, fd, command, host));
  case F_SETOWN_EX:
    if (!guestMemory(context).translate(argument, sizeof(struct f_owner_ex), false, host))
      return -EFAULT;
    return hostResult(::syscall(SYS_fcntl, fd, command, host));
  default:
    return reportUnimplemented(context, "fcntl", "command", static_cast<uint64_t>(command),
                               -EINVAL);
  }
}

int64_t sysPipe2(SyscallContext &context, const SyscallArgs &args) {
  void *host = nullptr;
  if (!guestMemory(context).translate(args.arg[0], 2 * sizeof(int), true, host))
    return -EFAULT;
  return hostResult(::syscall(SYS_pipe2, host, asInt(args.arg[1])));
}

int64_t sysSendfile(SyscallContext &context, const SyscallArgs &args) {
  void *offset = nullptr;
  if (!translateOffset(context, args.arg[2], offset))
    return -EFAULT;
  return hostResult(
      ::syscall(SYS_sendfile, asInt(args.arg[0]), asInt(args.arg[1]), offset, args.arg[3]));
}

int64_t sysCopyFileRange(SyscallContext &context, const SyscallArgs &args) {
  void *offsetIn = nullptr, *offsetOut = nullptr;
  if (!translateOffset(context, args.arg[1], offsetIn) ||
      !translateOffset(context, args.arg[3], offsetOut))
    return -EFAULT;
  return hostResult(::syscall(SYS_copy_file_range, asInt(args.arg[0]), offsetIn, asInt(args.arg[2]),
                              offsetOut, args.arg[4], static_cast<unsigned>(args.arg[5])));
}

int64_t sysSplice(SyscallContext &context, const SyscallArgs &args) {
  void *offsetIn = nullptr, *offsetOut = nullptr;
  if (!translateOffset(context, args.arg[1], offsetIn) ||
      !translateOffset(context, args.arg[3], offsetOut))
    return -EFAULT;
  return hostResult(::syscall(SYS_splice, asInt(args.arg[0]), offsetIn, asInt(args.arg[2]),
                              offsetOut, args.arg[4], static_cast<unsigned>(args.arg[5])));
}

int64_t sysTee(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_tee, asInt(args.arg[0]), asInt(args.arg[1]), args.arg[2],
                              static_cast<unsigned>(args.arg[3])));
}

// riscv64's fadvise64 is the 64-bit fadvise64_64(fd, offset, len, advice),
// which is x86-64's fadvise64 argument order too. POSIX_FADV_* values are
// the generic ones on both (only s390 differs).
int64_t sysFadvise64(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_fadvise64, asInt(args.arg[0]), static_cast<int64_t>(args.arg[1]),
                              static_cast<int64_t>(args.arg[2]), asInt(args.arg[3])));
}

int64_t sysReadahead(SyscallContext &, const SyscallArgs &args) {
  return hostResult(
      ::syscall(SYS_readahead, asInt(args.arg[0]), static_cast<int64_t>(args.arg[1]), args.arg[2]));
}

int64_t sysFallocate(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_fallocate, asInt(args.arg[0]), asInt(args.arg[1]),
                              static_cast<int64_t>(args.arg[2]),
                              static_cast<int64_t>(args.arg[3])));
}

int64_t sysFlock(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_flock, asInt(args.arg[0]), asInt(args.arg[1])));
}

int64_t sysFsync(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_fsync, asInt(args.arg[0])));
}

int64_t sysFdatasync(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_fdatasync, asInt(args.arg[0])));
}

int64_t sysSync(SyscallContext &, const SyscallArgs &) { return hostResult(::syscall(SYS_sync)); }

int64_t sysSyncfs(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_syncfs, asInt(args.arg[0])));
}

int64_t sysSyncFileRange(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_sync_file_range, asInt(args.arg[0]),
                              static_cast<int64_t>(args.arg[1]), static_cast<int64_t>(args.arg[2]),
                              static_cast<unsigned>(args.arg[3])));
}

int64_t sysTruncate(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[0], path))
    return error;
  return hostResult(::syscall(SYS_truncate, path.c_str(), static_cast<int64_t>(args.arg[1])));
}

int64_t sysFtruncate(SyscallContext &, const SyscallArgs &args) {
  return hostResult(
      ::syscall(SYS_ftruncate, asInt(args.arg[0]), static_cast<int64_t>(args.arg[1])));
}

int64_t sysMemfdCreate(SyscallContext &context, const SyscallArgs &args) {
  std::string name;
  // The kernel limits memfd names to 249 bytes (NAME_MAX - strlen("memfd:")).
  if (int64_t error = guestMemory(context).readString(args.arg[0], name, 249))
    return error == -ENAMETOOLONG ? -EINVAL : error;
  return hostResult(::syscall(SYS_memfd_create, name.c_str(), static_cast<unsigned>(args.arg[1])));
}

int64_t sysEventfd2(SyscallContext &, const SyscallArgs &args) {
  return hostResult(
      ::syscall(SYS_eventfd2, static_cast<unsigned>(args.arg[0]), asInt(args.arg[1])));
}

} // namespace tiercel::user
