// Struct conversions host (x86-64) -> guest (riscv64): every field lands at
// the offset the riscv64 uapi headers give it (asm-generic/stat.h,
// asm-generic/statfs.h, linux/eventpoll.h), read back as raw bytes.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstring>

#include "runtime/user/syscalls_strace.h"
#include "runtime/user/syscalls_structs.h"

namespace tiercel::user {
namespace {

template <class T, class S> T at(const S &object, size_t offset) {
  T value;
  std::memcpy(&value, reinterpret_cast<const uint8_t *>(&object) + offset, sizeof(T));
  return value;
}

TEST(SyscallStructs, StatLandsAtRiscv64Offsets) {
  struct stat host;
  std::memset(&host, 0, sizeof(host));
  host.st_dev = 0x0102030405060708;
  host.st_ino = 0x1112131415161718;
  host.st_mode = 0100644;
  host.st_nlink = 3;
  host.st_uid = 1000;
  host.st_gid = 1001;
  host.st_rdev = 0x2122;
  host.st_size = 0x123456789a;
  host.st_blksize = 4096;
  host.st_blocks = 77;
  host.st_atim = {1111, 1};
  host.st_mtim = {2222, 2};
  host.st_ctim = {3333, 3};
  GuestStat guest = toGuestStat(host);
  static_assert(sizeof(guest) == 128);
  EXPECT_EQ(at<uint64_t>(guest, 0), 0x0102030405060708u);
  EXPECT_EQ(at<uint64_t>(guest, 8), 0x1112131415161718u);
  EXPECT_EQ(at<uint32_t>(guest, 16), 0100644u);
  EXPECT_EQ(at<uint32_t>(guest, 20), 3u);
  EXPECT_EQ(at<uint32_t>(guest, 24), 1000u);
  EXPECT_EQ(at<uint32_t>(guest, 28), 1001u);
  EXPECT_EQ(at<uint64_t>(guest, 32), 0x2122u);
  EXPECT_EQ(at<uint64_t>(guest, 40), 0u); // __pad1
  EXPECT_EQ(at<int64_t>(guest, 48), 0x123456789a);
  EXPECT_EQ(at<int32_t>(guest, 56), 4096);
  EXPECT_EQ(at<int32_t>(guest, 60), 0); // __pad2
  EXPECT_EQ(at<int64_t>(guest, 64), 77);
  EXPECT_EQ(at<int64_t>(guest, 72), 1111);
  EXPECT_EQ(at<uint64_t>(guest, 80), 1u);
  EXPECT_EQ(at<int64_t>(guest, 88), 2222);
  EXPECT_EQ(at<uint64_t>(guest, 96), 2u);
  EXPECT_EQ(at<int64_t>(guest, 104), 3333);
  EXPECT_EQ(at<uint64_t>(guest, 112), 3u);
  EXPECT_EQ(at<uint64_t>(guest, 120), 0u); // __unused4/5
}

TEST(SyscallStructs, StatOfARealFile) {
  struct stat host;
  ASSERT_EQ(stat("/proc/self/exe", &host), 0);
  GuestStat guest = toGuestStat(host);
  EXPECT_EQ(guest.st_size, host.st_size);
  EXPECT_EQ(guest.st_mode, host.st_mode);
  EXPECT_EQ(guest.st_ino, host.st_ino);
  EXPECT_EQ(guest.st_mtime_sec, host.st_mtim.tv_sec);
  EXPECT_EQ(guest.st_mtime_nsec, static_cast<uint64_t>(host.st_mtim.tv_nsec));
}

TEST(SyscallStructs, StatfsLandsAtRiscv64Offsets) {
  struct statfs host;
  ASSERT_EQ(statfs("/", &host), 0);
  host.f_type = 0xef53;
  host.f_flags = 0x1020;
  GuestStatfs guest = toGuestStatfs(host);
  static_assert(sizeof(guest) == 120);
  EXPECT_EQ(at<int64_t>(guest, 0), 0xef53);
  EXPECT_EQ(at<int64_t>(guest, 8), host.f_bsize);
  EXPECT_EQ(at<uint64_t>(guest, 16), host.f_blocks);
  EXPECT_EQ(at<uint64_t>(guest, 24), host.f_bfree);
  EXPECT_EQ(at<uint64_t>(guest, 32), host.f_bavail);
  EXPECT_EQ(at<uint64_t>(guest, 40), host.f_files);
  EXPECT_EQ(at<uint64_t>(guest, 48), host.f_ffree);
  int32_t fsid[2];
  std::memcpy(fsid, &host.f_fsid, sizeof(fsid));
  EXPECT_EQ(at<int32_t>(guest, 56), fsid[0]);
  EXPECT_EQ(at<int32_t>(guest, 60), fsid[1]);
  EXPECT_EQ(at<int64_t>(guest, 64), host.f_namelen);
  EXPECT_EQ(at<int64_t>(guest, 72), host.f_frsize);
  EXPECT_EQ(at<int64_t>(guest, 80), 0x1020);
  for (size_t offset = 88; offset < 120; offset += 8)
    EXPECT_EQ(at<int64_t>(guest, offset), 0) << offset;
}

TEST(SyscallStructs, EpollEventIsPaddedOnTheGuest) {
  static_assert(sizeof(struct epoll_event) == 12, "x86-64 packs epoll_event");
  struct epoll_event host;
  host.events = EPOLLIN | EPOLLET;
  host.data.u64 = 0x8877665544332211;
  GuestEpollEvent guest = toGuestEpollEvent(host);
  EXPECT_EQ(at<uint32_t>(guest, 0), uint32_t(EPOLLIN | EPOLLET));
  EXPECT_EQ(at<uint32_t>(guest, 4), 0u);
  EXPECT_EQ(at<uint64_t>(guest, 8), 0x8877665544332211u);
  struct epoll_event back = toHostEpollEvent(guest);
  // Copy out of the packed host struct: gtest binds references, and a
  // reference to a packed 8-byte member is misaligned.
  uint32_t backEvents = back.events, hostEvents = host.events;
  uint64_t backData = back.data.u64, hostData = host.data.u64;
  EXPECT_EQ(backEvents, hostEvents);
  EXPECT_EQ(backData, hostData);
}

TEST(SyscallStrace, OpenFlagsAndResults) {
  EXPECT_EQ(formatOpenFlags(O_RDONLY), "O_RDONLY");
  EXPECT_EQ(formatOpenFlags(O_WRONLY | O_CREAT | O_TRUNC), "O_WRONLY|O_CREAT|O_TRUNC");
  EXPECT_EQ(formatOpenFlags(O_RDWR | O_CLOEXEC | O_DIRECTORY), "O_RDWR|O_DIRECTORY|O_CLOEXEC");
  EXPECT_EQ(formatOpenFlags(0100000), "O_RDONLY|O_LARGEFILE");
  EXPECT_EQ(formatOpenFlags(O_RDONLY | 040000000000ull), "O_RDONLY|0x100000000");
  EXPECT_EQ(formatSyscallResult(3), " = 3");
  EXPECT_EQ(formatSyscallResult(-2), " = -1 errno=2 (No such file or directory)");
  EXPECT_EQ(formatSyscallResult(-4096), " = 0xfffffffffffff000");
}

} // namespace
} // namespace tiercel::user
