// Conversions between host (x86-64) and guest (riscv64) syscall structures,
// and compile-time proof that the structures passed through unchanged have
// the riscv64 layout on the host too.
#include "runtime/user/syscalls_structs.h"

#include <fcntl.h>
#include <linux/stat.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>

#include <cstring>

namespace tiercel::user {

// Pass-through structures: their riscv64 sizes and offsets (from the
// riscv64 uapi headers) equal the host ones.
static_assert(sizeof(struct timespec) == 16 && offsetof(struct timespec, tv_nsec) == 8);
static_assert(sizeof(struct timeval) == 16 && offsetof(struct timeval, tv_usec) == 8);
static_assert(sizeof(struct pollfd) == 8 && offsetof(struct pollfd, revents) == 6);
static_assert(sizeof(struct iovec) == 16 && offsetof(struct iovec, iov_len) == 8);
static_assert(sizeof(struct msghdr) == 56 && offsetof(struct msghdr, msg_iov) == 16 &&
              offsetof(struct msghdr, msg_control) == 32 &&
              offsetof(struct msghdr, msg_flags) == 48);
static_assert(sizeof(struct cmsghdr) == 16 && offsetof(struct cmsghdr, cmsg_type) == 12);
static_assert(sizeof(struct flock) == 32 && offsetof(struct flock, l_start) == 8 &&
              offsetof(struct flock, l_pid) == 24);
static_assert(sizeof(struct winsize) == 8);
static_assert(sizeof(struct statx) == 256 && offsetof(struct statx, stx_mtime) == 112);
static_assert(sizeof(struct rlimit) == 16);
static_assert(sizeof(struct rusage) == 144 && offsetof(struct rusage, ru_maxrss) == 32);
static_assert(sizeof(struct sysinfo) == 112 && offsetof(struct sysinfo, procs) == 80 &&
              offsetof(struct sysinfo, mem_unit) == 104);
static_assert(sizeof(struct utsname) == 6 * 65);
static_assert(sizeof(struct tms) == 32);
static_assert(sizeof(struct itimerval) == 32);

// Open flags: x86-64 uses the asm-generic values, so guest flags pass
// through (asm-generic/fcntl.h).
static_assert(O_CREAT == 0100 && O_EXCL == 0200 && O_NOCTTY == 0400 && O_TRUNC == 01000);
static_assert(O_APPEND == 02000 && O_NONBLOCK == 04000 && O_DSYNC == 010000);
static_assert(O_DIRECT == 040000 && O_DIRECTORY == 0200000 && O_NOFOLLOW == 0400000);
static_assert(O_NOATIME == 01000000 && O_CLOEXEC == 02000000 && O_SYNC == 04010000);
static_assert(O_PATH == 010000000 && O_TMPFILE == 020200000);

GuestStat toGuestStat(const struct stat &host) {
  GuestStat guest;
  std::memset(&guest, 0, sizeof(guest));
  guest.st_dev = host.st_dev;
  guest.st_ino = host.st_ino;
  guest.st_mode = host.st_mode;
  // riscv64 keeps nlink in 32 bits; Linux's generic cp_new_stat fails with
  // EOVERFLOW beyond that, which no real file system reaches.
  guest.st_nlink = static_cast<uint32_t>(host.st_nlink);
  guest.st_uid = host.st_uid;
  guest.st_gid = host.st_gid;
  guest.st_rdev = host.st_rdev;
  guest.st_size = host.st_size;
  guest.st_blksize = static_cast<int32_t>(host.st_blksize);
  guest.st_blocks = host.st_blocks;
  guest.st_atime_sec = host.st_atim.tv_sec;
  guest.st_atime_nsec = host.st_atim.tv_nsec;
  guest.st_mtime_sec = host.st_mtim.tv_sec;
  guest.st_mtime_nsec = host.st_mtim.tv_nsec;
  guest.st_ctime_sec = host.st_ctim.tv_sec;
  guest.st_ctime_nsec = host.st_ctim.tv_nsec;
  return guest;
}

GuestStatfs toGuestStatfs(const struct statfs &host) {
  GuestStatfs guest;
  std::memset(&guest, 0, sizeof(guest));
  guest.f_type = host.f_type;
  guest.f_bsize = host.f_bsize;
  guest.f_blocks = host.f_blocks;
  guest.f_bfree = host.f_bfree;
  guest.f_bavail = host.f_bavail;
  guest.f_files = host.f_files;
  guest.f_ffree = host.f_ffree;
  std::memcpy(guest.f_fsid, &host.f_fsid, sizeof(guest.f_fsid));
  guest.f_namelen = host.f_namelen;
  guest.f_frsize = host.f_frsize;
  guest.f_flags = host.f_flags;
  return guest;
}

GuestEpollEvent toGuestEpollEvent(const struct epoll_event &host) {
  GuestEpollEvent guest;
  guest.events = host.events;
  guest.pad = 0;
  guest.data = host.data.u64;
  return guest;
}

struct epoll_event toHostEpollEvent(const GuestEpollEvent &guest) {
  struct epoll_event host;
  host.events = guest.events;
  host.data.u64 = guest.data;
  return host;
}

} // namespace tiercel::user
