// File, fs, misc handlers run against a real Process: guest buffers are
// translated, bad guest pointers give -EFAULT without touching host memory,
// struct stat/statfs arrive in the riscv64 layout, /proc/self/exe is the
// guest program, uname says riscv64 and riscv_hwprobe answers per key.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <string>
#include <vector>

#include "runtime/user/syscalls_misc.h"
#include "runtime/user/syscalls_strace.h"
#include "syscall_test_support.h"

namespace tiercel::user {
namespace {

class TempDir {
public:
  TempDir() {
    char pattern[] = "/tmp/tiercel-syscall-test-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() {
    if (DIR *dir = opendir(path.c_str())) {
      while (struct dirent *entry = readdir(dir))
        if (std::string(entry->d_name) != "." && std::string(entry->d_name) != "..")
          unlink((path + "/" + entry->d_name).c_str());
      closedir(dir);
    }
    rmdir(path.c_str());
  }
  std::string path;
};

using SyscallHandlers = SyscallFixture;

TEST_F(SyscallHandlers, FileRoundTripThroughGuestMemory) {
  TempDir dir;
  std::string file = dir.path + "/data";
  int64_t fd = call(nr::kOpenat, {kAtFdcwd, putString(0, file), O_RDWR | O_CREAT | O_TRUNC, 0640});
  ASSERT_GE(fd, 0);
  putString(1024, "guest bytes");
  EXPECT_EQ(call(nr::kWrite, {uint64_t(fd), guest(1024), 11}), 11);
  EXPECT_EQ(call(nr::kLseek, {uint64_t(fd), 6, SEEK_SET}), 6);
  EXPECT_EQ(call(nr::kRead, {uint64_t(fd), guest(2048), 100}), 5);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(host(guest(2048))), 5), "bytes");

  // newfstatat and fstat write the 128-byte riscv64 struct stat.
  std::memset(host(guest(4096)), 0xAA, 256);
  EXPECT_EQ(call(nr::kNewfstatat, {kAtFdcwd, putString(0, file), guest(4096), 0}), 0);
  EXPECT_EQ(get<int64_t>(guest(4096 + 48)), 11);                  // st_size
  EXPECT_EQ(get<uint32_t>(guest(4096 + 16)) & 07777, 0640u);      // st_mode
  EXPECT_EQ(get<uint32_t>(guest(4096 + 20)), 1u);                 // st_nlink
  EXPECT_EQ(get<uint32_t>(guest(4096 + 24)), uint32_t(getuid())); // st_uid
  EXPECT_EQ(get<uint8_t>(guest(4096 + 128)), 0xAA) << "wrote past the riscv64 struct stat";
  EXPECT_EQ(call(nr::kFstat, {uint64_t(fd), guest(4096 + 512)}), 0);
  EXPECT_EQ(std::memcmp(host(guest(4096)), host(guest(4096 + 512)), 128), 0);

  EXPECT_EQ(call(nr::kClose, {uint64_t(fd)}), 0);
  EXPECT_EQ(call(nr::kClose, {uint64_t(fd)}), -EBADF);
  EXPECT_EQ(call(nr::kUnlinkat, {kAtFdcwd, putString(0, file), 0}), 0);
  EXPECT_EQ(call(nr::kNewfstatat, {kAtFdcwd, putString(0, file), guest(4096), 0}), -ENOENT);
}

TEST_F(SyscallHandlers, BadGuestPointersAreEfault) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "xyz", 3), 3);
  const uint64_t unmapped = 0x1000; // below mmap_min_addr: never mapped
  EXPECT_EQ(call(nr::kRead, {uint64_t(fds[0]), unmapped, 3}), -EFAULT);
  EXPECT_EQ(call(nr::kWrite, {uint64_t(fds[1]), unmapped, 3}), -EFAULT);
  // Outside the guest range, and wrapping around the 64-bit space.
  EXPECT_EQ(call(nr::kRead, {uint64_t(fds[0]), AddressSpace::kGuestSize, 3}), -EFAULT);
  EXPECT_EQ(call(nr::kRead, {uint64_t(fds[0]), ~0ull - 1, 3}), -EFAULT);
  // A buffer that runs off the end of the scratch mapping.
  EXPECT_EQ(call(nr::kRead, {uint64_t(fds[0]), guest(kScratchPages * kPage - 2), 3}), -EFAULT);
  // A read-only page may be read from but not into.
  ASSERT_EQ(space().protect(guest(kPage), kPage, kProtRead), 0);
  EXPECT_EQ(call(nr::kRead, {uint64_t(fds[0]), guest(kPage), 3}), -EFAULT);
  EXPECT_EQ(call(nr::kWrite, {uint64_t(fds[1]), guest(kPage), 3}), 3);
  // The data is still in the pipe: nothing was consumed by the failures.
  EXPECT_EQ(call(nr::kRead, {uint64_t(fds[0]), guest(0), 3}), 3);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(host(guest(0))), 3), "xyz");
  // A zero-length read needs no buffer at all.
  EXPECT_EQ(call(nr::kRead, {uint64_t(fds[0]), 0, 0}), 0);
  close(fds[0]);
  close(fds[1]);
}

TEST_F(SyscallHandlers, GuestStringsAreBounded) {
  // A string running into an unmapped page without a NUL.
  uint64_t last = kScratchPages * kPage - 4;
  std::memcpy(host(guest(last)), "abcd", 4);
  EXPECT_EQ(call(nr::kOpenat, {kAtFdcwd, guest(last), O_RDONLY, 0}), -EFAULT);
  // One that ends exactly at the page end is fine (ENOENT from the host).
  std::memcpy(host(guest(last)), "/no\0", 4);
  EXPECT_EQ(call(nr::kOpenat, {kAtFdcwd, guest(last), O_RDONLY, 0}), -ENOENT);
  // Longer than PATH_MAX.
  std::string longPath(5000, 'a');
  EXPECT_EQ(call(nr::kOpenat, {kAtFdcwd, putString(0, longPath), O_RDONLY, 0}), -ENAMETOOLONG);
  EXPECT_EQ(call(nr::kOpenat, {kAtFdcwd, 0, O_RDONLY, 0}), -EFAULT);
}

TEST_F(SyscallHandlers, ProcSelfExeIsTheGuestProgram) {
  const std::string &exe = process->executablePath();
  ASSERT_FALSE(exe.empty());
  int64_t length =
      call(nr::kReadlinkat, {kAtFdcwd, putString(0, "/proc/self/exe"), guest(512), 4096});
  ASSERT_EQ(length, int64_t(exe.size()));
  EXPECT_EQ(std::string(reinterpret_cast<char *>(host(guest(512))), length), exe);
  std::string byPid = "/proc/" + std::to_string(getpid()) + "/exe";
  EXPECT_EQ(call(nr::kReadlinkat, {kAtFdcwd, putString(0, byPid), guest(512), 4096}), length);
  EXPECT_EQ(call(nr::kReadlinkat, {kAtFdcwd, putString(0, "/proc/self/exe"), guest(512), 3}), 3);
  EXPECT_EQ(call(nr::kReadlinkat, {kAtFdcwd, putString(0, "/proc/self/exe"), guest(512), 0}),
            -EINVAL);

  int64_t fd = call(nr::kOpenat, {kAtFdcwd, putString(0, "/proc/self/exe"), O_RDONLY, 0});
  ASSERT_GE(fd, 0);
  ASSERT_EQ(call(nr::kRead, {uint64_t(fd), guest(1024), 20}), 20);
  EXPECT_EQ(std::memcmp(host(guest(1024)), "\177ELF", 4), 0);
  EXPECT_EQ(get<uint16_t>(guest(1024 + 18)), 243) << "e_machine must be EM_RISCV";
  call(nr::kClose, {uint64_t(fd)});
}

TEST_F(SyscallHandlers, UnameSaysRiscv64) {
  ASSERT_EQ(call(nr::kUname, {guest(0)}), 0);
  const char *fields = reinterpret_cast<const char *>(host(guest(0)));
  EXPECT_STREQ(fields, "Linux");
  EXPECT_STREQ(fields + 4 * 65, "riscv64");
}

TEST_F(SyscallHandlers, RiscvHwprobe) {
  const int64_t keys[] = {kHwprobeKeyBaseBehavior,
                          kHwprobeKeyImaExt0,
                          kHwprobeKeyMvendorid,
                          kHwprobeKeyCpuperf0,
                          9999,
                          -5};
  for (size_t i = 0; i < 6; ++i) {
    put<int64_t>(16 * i, keys[i]);
    put<uint64_t>(16 * i + 8, 0x5555);
  }
  ASSERT_EQ(call(nr::kRiscvHwprobe, {guest(0), 6, 0, 0, 0}), 0);
  EXPECT_EQ(get<uint64_t>(guest(8)), kHwprobeBaseBehaviorIma);
  uint64_t ext = get<uint64_t>(guest(24));
  EXPECT_EQ(ext, kHwprobeImaFd | kHwprobeImaC | kHwprobeExtZba | kHwprobeExtZbb | kHwprobeExtZbs);
  EXPECT_EQ(get<int64_t>(guest(32)), kHwprobeKeyMvendorid);
  EXPECT_EQ(get<uint64_t>(guest(40)), 0u);
  EXPECT_EQ(get<uint64_t>(guest(56)), kHwprobeMisalignedSlow);
  EXPECT_EQ(get<int64_t>(guest(64)), -1) << "unknown key is set to -1";
  EXPECT_EQ(get<uint64_t>(guest(72)), 0u);
  EXPECT_EQ(get<int64_t>(guest(80)), -1);
  EXPECT_EQ(call(nr::kRiscvHwprobe, {guest(0), 1, 0, 0, 1}), -EINVAL) << "flags must be 0";
  EXPECT_EQ(call(nr::kRiscvHwprobe, {0x1000, 1, 0, 0, 0}), -EFAULT);
  EXPECT_EQ(call(nr::kRiscvHwprobe, {guest(0), 0, 0, 0, 0}), 0);
  // A cpu set must be readable; every hart answers the same.
  put<uint64_t>(512, 1);
  put<int64_t>(0, kHwprobeKeyImaExt0);
  EXPECT_EQ(call(nr::kRiscvHwprobe, {guest(0), 1, 8, guest(512), 0}), 0);
  EXPECT_EQ(call(nr::kRiscvHwprobe, {guest(0), 1, 8, 0x1000, 0}), -EFAULT);
}

TEST_F(SyscallHandlers, HwprobeFollowsCpuOptions) {
  UserOptions options;
  options.extensions.c = false;
  options.extensions.zbb = false;
  createProcess(options);
  put<int64_t>(0, kHwprobeKeyImaExt0);
  ASSERT_EQ(call(nr::kRiscvHwprobe, {guest(0), 1, 0, 0, 0}), 0);
  EXPECT_EQ(get<uint64_t>(guest(8)), kHwprobeImaFd | kHwprobeExtZba | kHwprobeExtZbs);
}

TEST_F(SyscallHandlers, VectoredIoTranslatesEachIovec) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  putString(1024, "one");
  putString(1100, "three");
  struct iovec iov[3] = {{reinterpret_cast<void *>(guest(1024)), 3},
                         {reinterpret_cast<void *>(0x1000), 0},
                         {reinterpret_cast<void *>(guest(1100)), 5}};
  std::memcpy(host(guest(0)), iov, sizeof iov);
  EXPECT_EQ(call(nr::kWritev, {uint64_t(fds[1]), guest(0), 3}), 8);
  struct iovec in[2] = {{reinterpret_cast<void *>(guest(2048)), 4},
                        {reinterpret_cast<void *>(guest(3000)), 10}};
  std::memcpy(host(guest(0)), in, sizeof in);
  EXPECT_EQ(call(nr::kReadv, {uint64_t(fds[0]), guest(0), 2}), 8);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(host(guest(2048))), 4), "onet");
  EXPECT_EQ(std::string(reinterpret_cast<char *>(host(guest(3000))), 4), "hree");
  // One bad element fails the whole call before any I/O.
  struct iovec bad[2] = {{reinterpret_cast<void *>(guest(1024)), 3},
                         {reinterpret_cast<void *>(0x1000), 3}};
  std::memcpy(host(guest(0)), bad, sizeof bad);
  EXPECT_EQ(call(nr::kWritev, {uint64_t(fds[1]), guest(0), 2}), -EFAULT);
  EXPECT_EQ(call(nr::kWritev, {uint64_t(fds[1]), guest(0), 1025}), -EINVAL);
  EXPECT_EQ(call(nr::kWritev, {uint64_t(fds[1]), 0x1000, 1}), -EFAULT);
  close(fds[0]);
  close(fds[1]);
}

TEST_F(SyscallHandlers, IoctlPassesKnownRequestsOnly) {
  ASSERT_EQ(call(nr::kPipe2, {guest(0), O_CLOEXEC}), 0);
  int read = get<int>(guest(0)), write = get<int>(guest(4));
  EXPECT_GE(read, 0);
  EXPECT_EQ(fcntl(read, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ASSERT_EQ(::write(write, "12345", 5), 5);
  EXPECT_EQ(call(nr::kIoctl, {uint64_t(read), FIONREAD, guest(64)}), 0);
  EXPECT_EQ(get<int>(guest(64)), 5);
  EXPECT_EQ(call(nr::kIoctl, {uint64_t(read), FIONREAD, 0x1000}), -EFAULT);
  EXPECT_EQ(call(nr::kIoctl, {uint64_t(read), TCGETS, guest(64)}), -ENOTTY);
  EXPECT_EQ(call(nr::kIoctl, {uint64_t(read), 0x12345678, guest(64)}), -ENOTTY);
  EXPECT_EQ(call(nr::kIoctl, {uint64_t(read), FIONCLEX, 0}), 0);
  EXPECT_EQ(fcntl(read, F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_EQ(call(nr::kFcntl, {uint64_t(read), F_SETFD, FD_CLOEXEC}), 0);
  EXPECT_EQ(call(nr::kFcntl, {uint64_t(read), F_GETFD, 0}), FD_CLOEXEC);
  EXPECT_EQ(call(nr::kFcntl, {uint64_t(read), 9999, 0}), -EINVAL);
  close(read);
  close(write);
}

TEST_F(SyscallHandlers, Getdents64ListsADirectory) {
  TempDir dir;
  for (const char *name : {"b", "a", "c"})
    close(open((dir.path + "/" + name).c_str(), O_CREAT | O_WRONLY, 0600));
  int64_t fd = call(nr::kOpenat, {kAtFdcwd, putString(0, dir.path), O_RDONLY | O_DIRECTORY, 0});
  ASSERT_GE(fd, 0);
  int64_t bytes = call(nr::kGetdents64, {uint64_t(fd), guest(kPage), kPage});
  ASSERT_GT(bytes, 0);
  std::set<std::string> names;
  // struct linux_dirent64: d_ino(8) d_off(8) d_reclen(2) d_type(1) d_name.
  for (int64_t offset = 0; offset < bytes;) {
    uint16_t reclen = get<uint16_t>(guest(kPage + offset + 16));
    names.insert(reinterpret_cast<char *>(host(guest(kPage + offset + 19))));
    offset += reclen;
  }
  EXPECT_EQ(names, (std::set<std::string>{".", "..", "a", "b", "c"}));
  EXPECT_EQ(call(nr::kGetdents64, {uint64_t(fd), guest(kPage), kPage}), 0);
  call(nr::kClose, {uint64_t(fd)});
}

TEST_F(SyscallHandlers, StatfsAndCwd) {
  ASSERT_EQ(call(nr::kStatfs, {putString(0, "/"), guest(512)}), 0);
  EXPECT_GT(get<int64_t>(guest(512 + 8)), 0);  // f_bsize
  EXPECT_GT(get<int64_t>(guest(512 + 64)), 0); // f_namelen
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  int64_t length = call(nr::kGetcwd, {guest(1024), 4096});
  ASSERT_EQ(length, int64_t(std::strlen(cwd) + 1));
  EXPECT_STREQ(reinterpret_cast<char *>(host(guest(1024))), cwd);
  EXPECT_EQ(call(nr::kGetcwd, {guest(1024), 1}), -ERANGE);
}

TEST_F(SyscallHandlers, TranslatorMemoryLimitsAreNotApplied) {
  struct rlimit before;
  ASSERT_EQ(getrlimit(RLIMIT_STACK, &before), 0);
  struct rlimit requested = {1 << 20, before.rlim_max};
  put(0, requested);
  EXPECT_EQ(call(nr::kPrlimit64, {0, RLIMIT_STACK, guest(0), guest(64)}), 0);
  EXPECT_EQ(get<struct rlimit>(guest(64)).rlim_cur, before.rlim_cur);
  struct rlimit after;
  ASSERT_EQ(getrlimit(RLIMIT_STACK, &after), 0);
  EXPECT_EQ(after.rlim_cur, before.rlim_cur);
  struct rlimit inverted = {10, 5};
  put(0, inverted);
  EXPECT_EQ(call(nr::kPrlimit64, {0, RLIMIT_STACK, guest(0), 0}), -EINVAL);
}

TEST_F(SyscallHandlers, GetrandomAndClock) {
  std::memset(host(guest(0)), 0, 64);
  EXPECT_EQ(call(nr::kGetrandom, {guest(0), 64, 0}), 64);
  EXPECT_NE(std::count(host(guest(0)), host(guest(64)), 0), 64);
  EXPECT_EQ(call(nr::kGetrandom, {0x1000, 64, 0}), -EFAULT);
  EXPECT_EQ(call(nr::kClockGettime, {CLOCK_MONOTONIC, guest(128)}), 0);
  EXPECT_GT(get<int64_t>(guest(128)) + get<int64_t>(guest(136)), 0);
  EXPECT_EQ(call(nr::kClockGettime, {CLOCK_MONOTONIC, 0x1000}), -EFAULT);
}

TEST_F(SyscallHandlers, StraceFormatsGuestArguments) {
  SyscallArgs args = {
      nr::kOpenat, {kAtFdcwd, putString(0, "/tmp/x\n"), O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0}};
  SyscallContext context{process->cpu(), *process};
  EXPECT_EQ(formatSyscallCall(context, args),
            "openat(AT_FDCWD,\"/tmp/x\\n\",O_WRONLY|O_CREAT|O_TRUNC,0644)");
  args.arg[1] = 0x1000;
  EXPECT_EQ(formatSyscallCall(context, args),
            "openat(AT_FDCWD,0x1000,O_WRONLY|O_CREAT|O_TRUNC,0644)");
  SyscallArgs read = {nr::kRead, {3, 0, 10, 0, 0, 0}};
  EXPECT_EQ(formatSyscallCall(context, read), "read(3,NULL,10)");
  SyscallArgs unknown = {1000, {1, 2, 3, 4, 5, 6}};
  EXPECT_EQ(formatSyscallCall(context, unknown), "unknown_syscall_1000(0x1,0x2,0x3,0x4,0x5,0x6)");
}

} // namespace
} // namespace tiercel::user
