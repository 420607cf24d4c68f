// Guest (riscv64 Linux) layouts of the syscall structures whose host
// (x86-64 Linux) layout differs, and the conversions between them.
//
// riscv64 uses the asm-generic definitions; x86-64 has its own struct stat
// and a packed struct epoll_event. Offsets below were taken from
// /usr/riscv64-linux-gnu/include/asm-generic/{stat,statfs}.h and
// linux/eventpoll.h and are pinned with static_asserts. Structures that are
// identical on both 64-bit ABIs (timespec, timeval, pollfd, iovec, msghdr
// apart from its pointers, termios, winsize, flock, linux_dirent64, statx,
// rlimit, rusage, sysinfo, utsname, tms, itimerval, sigevent) are passed
// through and listed in syscalls_structs.cpp with their own static_asserts.
#pragma once

#include <cstddef>
#include <cstdint>

struct stat;
struct statfs;
struct epoll_event;

namespace tiercel::user {

// struct stat of asm-generic/stat.h (used by newfstatat and fstat).
struct GuestStat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint32_t st_mode;
  uint32_t st_nlink;
  uint32_t st_uid;
  uint32_t st_gid;
  uint64_t st_rdev;
  uint64_t pad1;
  int64_t st_size;
  int32_t st_blksize;
  int32_t pad2;
  int64_t st_blocks;
  int64_t st_atime_sec;
  uint64_t st_atime_nsec;
  int64_t st_mtime_sec;
  uint64_t st_mtime_nsec;
  int64_t st_ctime_sec;
  uint64_t st_ctime_nsec;
  uint32_t unused4;
  uint32_t unused5;
};
static_assert(sizeof(GuestStat) == 128);
static_assert(offsetof(GuestStat, st_mode) == 16);
static_assert(offsetof(GuestStat, st_nlink) == 20);
static_assert(offsetof(GuestStat, st_uid) == 24);
static_assert(offsetof(GuestStat, st_gid) == 28);
static_assert(offsetof(GuestStat, st_rdev) == 32);
static_assert(offsetof(GuestStat, st_size) == 48);
static_assert(offsetof(GuestStat, st_blksize) == 56);
static_assert(offsetof(GuestStat, st_blocks) == 64);
static_assert(offsetof(GuestStat, st_atime_sec) == 72);
static_assert(offsetof(GuestStat, st_mtime_sec) == 88);
static_assert(offsetof(GuestStat, st_ctime_sec) == 104);
static_assert(offsetof(GuestStat, st_ctime_nsec) == 112);

// struct statfs of asm-generic/statfs.h with 64-bit __statfs_word.
struct GuestStatfs {
  int64_t f_type;
  int64_t f_bsize;
  uint64_t f_blocks;
  uint64_t f_bfree;
  uint64_t f_bavail;
  uint64_t f_files;
  uint64_t f_ffree;
  int32_t f_fsid[2];
  int64_t f_namelen;
  int64_t f_frsize;
  int64_t f_flags;
  int64_t f_spare[4];
};
static_assert(sizeof(GuestStatfs) == 120);
static_assert(offsetof(GuestStatfs, f_fsid) == 56);
static_assert(offsetof(GuestStatfs, f_namelen) == 64);
static_assert(offsetof(GuestStatfs, f_frsize) == 72);
static_assert(offsetof(GuestStatfs, f_flags) == 80);
static_assert(offsetof(GuestStatfs, f_spare) == 88);

// struct epoll_event: naturally aligned on riscv64 (16 bytes), packed
// (12 bytes) on x86-64 (EPOLL_PACKED in linux/eventpoll.h).
struct GuestEpollEvent {
  uint32_t events;
  uint32_t pad;
  uint64_t data;
};
static_assert(sizeof(GuestEpollEvent) == 16);
static_assert(offsetof(GuestEpollEvent, data) == 8);

GuestStat toGuestStat(const struct stat &host);
GuestStatfs toGuestStatfs(const struct statfs &host);
GuestEpollEvent toGuestEpollEvent(const struct epoll_event &host);
struct epoll_event toHostEpollEvent(const GuestEpollEvent &guest);

} // namespace tiercel::user
