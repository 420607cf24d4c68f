// The riscv64 Linux syscall table of user mode: one row per implemented
// syscall with its asm-generic number (include/uapi/asm-generic/unistd.h as
// riscv64 configures it: no renameat, 64-bit fstatat/fstat/fcntl/lseek...;
// riscv_hwprobe and riscv_flush_icache are arch-specific 244+14 and 244+15),
// its name, its handler and its -strace argument format (syscall_table.h).
// Rows are sorted by number; lookupSyscall() is one index load.
#include "runtime/user/syscall_table.h"

#include <array>

#include "runtime/user/process_syscalls.h"
#include "runtime/user/syscalls_file_io.h"
#include "runtime/user/syscalls_exec.h"
#include "runtime/user/syscalls_fs.h"
#include "runtime/user/syscalls_misc.h"
#include "runtime/user/syscalls_poll.h"
#include "runtime/user/syscalls_process_info.h"
#include "runtime/user/syscalls_socket.h"
#include "runtime/user/syscalls_time.h"

namespace tiercel::user {

namespace {

// The syscalls that run with the guest lock held (guest_thread.h): they
// change what every thread shares (the memory map and translations, signal
// dispositions, the thread list) or the calling thread's registers and
// signal state (rt_sigsuspend and rt_sigtimedwait let go of it while they
// sleep). Every other syscall lets go of the lock, as it may block.
constexpr uint32_t kUnderGuestLock[] = {
    93,  94,  96,  99,                                // exit, exit_group, thread bookkeeping
    129, 130, 131, 132, 133, 134, 135, 136, 137, 139, // signals
    214, 215, 216, 222, 226, 233, 259,                // memory map, icache flush
    220, 221, 281, 435,                               // clone, execve
};

constexpr bool runsUnderGuestLock(uint32_t number) {
  for (uint32_t listed : kUnderGuestLock)
    if (listed == number)
      return true;
  return false;
}

constexpr SyscallInfo row(uint32_t number, const char *name, SyscallHandler handler,
                          const char *argFormat) {
  return SyscallInfo{name, handler, argFormat, number, runsUnderGuestLock(number)};
}

constexpr std::array kSyscalls = {
    row(5, "setxattr", sysSetxattr, "sspux"),
    row(6, "lsetxattr", sysLsetxattr, "sspux"),
    row(7, "fsetxattr", sysFsetxattr, "dspux"),
    row(8, "getxattr", sysGetxattr, "sspu"),
    row(9, "lgetxattr", sysLgetxattr, "sspu"),
    row(10, "fgetxattr", sysFgetxattr, "dspu"),
    row(11, "listxattr", sysListxattr, "spu"),
    row(12, "llistxattr", sysLlistxattr, "spu"),
    row(13, "flistxattr", sysFlistxattr, "dpu"),
    row(14, "removexattr", sysRemovexattr, "ss"),
    row(15, "lremovexattr", sysLremovexattr, "ss"),
    row(16, "fremovexattr", sysFremovexattr, "ds"),
    row(17, "getcwd", sysGetcwd, "pu"),
    row(19, "eventfd2", sysEventfd2, "ux"),
    row(20, "epoll_create1", sysEpollCreate1, "x"),
    row(21, "epoll_ctl", sysEpollCtl, "dddp"),
    row(22, "epoll_pwait", sysEpollPwait, "dpddpu"),
    row(23, "dup", sysDup, "d"),
    row(24, "dup3", sysDup3, "ddx"),
    row(25, "fcntl", sysFcntl, "ddx"),
    row(26, "inotify_init1", sysInotifyInit1, "x"),
    row(27, "inotify_add_watch", sysInotifyAddWatch, "dsx"),
    row(28, "inotify_rm_watch", sysInotifyRmWatch, "dd"),
    row(29, "ioctl", sysIoctl, "dxx"),
    row(32, "flock", sysFlock, "dd"),
    row(33, "mknodat", sysMknodat, "asox"),
    row(34, "mkdirat", sysMkdirat, "aso"),
    row(35, "unlinkat", sysUnlinkat, "asx"),
    row(36, "symlinkat", sysSymlinkat, "sas"),
    row(37, "linkat", sysLinkat, "asasx"),
    row(43, "statfs", sysStatfs, "sp"),
    row(44, "fstatfs", sysFstatfs, "dp"),
    row(45, "truncate", sysTruncate, "sd"),
    row(46, "ftruncate", sysFtruncate, "dd"),
    row(47, "fallocate", sysFallocate, "dxdd"),
    row(48, "faccessat", sysFaccessat, "aso"),
    row(49, "chdir", sysChdir, "s"),
    row(50, "fchdir", sysFchdir, "d"),
    row(52, "fchmod", sysFchmod, "do"),
    row(53, "fchmodat", sysFchmodat, "aso"),
    row(54, "fchownat", sysFchownat, "asddx"),
    row(55, "fchown", sysFchown, "ddd"),
    row(56, "openat", sysOpenat, "asfo"),
    row(57, "close", sysClose, "d"),
    row(59, "pipe2", sysPipe2, "px"),
    row(61, "getdents64", sysGetdents64, "dpu"),
    row(62, "lseek", sysLseek, "ddd"),
    row(63, "read", sysRead, "dpu"),
    row(64, "write", sysWrite, "dpu"),
    row(65, "readv", sysReadv, "dpu"),
    row(66, "writev", sysWritev, "dpu"),
    row(67, "pread64", sysPread64, "dpud"),
    row(68, "pwrite64", sysPwrite64, "dpud"),
    row(69, "preadv", sysPreadv, "dpudd"),
    row(70, "pwritev", sysPwritev, "dpudd"),
    row(71, "sendfile", sysSendfile, "ddpu"),
    row(72, "pselect6", sysPselect6, "dppppp"),
    row(73, "ppoll", sysPpoll, "puppu"),
    row(76, "splice", sysSplice, "dpdpux"),
    row(77, "tee", sysTee, "ddux"),
    row(78, "readlinkat", sysReadlinkat, "aspu"),
    row(79, "newfstatat", sysNewfstatat, "aspx"),
    row(80, "fstat", sysFstat, "dp"),
    row(81, "sync", sysSync, ""),
    row(82, "fsync", sysFsync, "d"),
    row(83, "fdatasync", sysFdatasync, "d"),
    row(84, "sync_file_range", sysSyncFileRange, "dddx"),
    row(85, "timerfd_create", sysTimerfdCreate, "dx"),
    row(86, "timerfd_settime", sysTimerfdSettime, "dxpp"),
    row(87, "timerfd_gettime", sysTimerfdGettime, "dp"),
    row(88, "utimensat", sysUtimensat, "aspx"),
    row(92, "personality", sysPersonality, "x"),
    row(93, "exit", sysExit, "d"),
    row(94, "exit_group", sysExitGroup, "d"),
    row(95, "waitid", sysWaitid, "ddpxp"),
    row(96, "set_tid_address", sysSetTidAddress, "p"),
    row(98, "futex", sysFutex, "pxdppd"),
    row(99, "set_robust_list", sysSetRobustList, "pu"),
    row(101, "nanosleep", sysNanosleep, "pp"),
    row(102, "getitimer", sysGetitimer, "dp"),
    row(103, "setitimer", sysSetitimer, "dpp"),
    row(107, "timer_create", sysTimerCreate, "dpp"),
    row(108, "timer_gettime", sysTimerGettime, "dp"),
    row(109, "timer_getoverrun", sysTimerGetoverrun, "d"),
    row(110, "timer_settime", sysTimerSettime, "dxpp"),
    row(111, "timer_delete", sysTimerDelete, "d"),
    row(112, "clock_settime", sysClockSettime, "dp"),
    row(113, "clock_gettime", sysClockGettime, "dp"),
    row(114, "clock_getres", sysClockGetres, "dp"),
    row(115, "clock_nanosleep", sysClockNanosleep, "dxpp"),
    row(118, "sched_setparam", sysSchedSetparam, "dp"),
    row(119, "sched_setscheduler", sysSchedSetscheduler, "ddp"),
    row(120, "sched_getscheduler", sysSchedGetscheduler, "d"),
    row(121, "sched_getparam", sysSchedGetparam, "dp"),
    row(122, "sched_setaffinity", sysSchedSetaffinity, "dup"),
    row(123, "sched_getaffinity", sysSchedGetaffinity, "dup"),
    row(124, "sched_yield", sysSchedYield, ""),
    row(125, "sched_get_priority_max", sysSchedGetPriorityMax, "d"),
    row(126, "sched_get_priority_min", sysSchedGetPriorityMin, "d"),
    row(127, "sched_rr_get_interval", sysSchedRrGetInterval, "dp"),
    row(129, "kill", sysKill, "dd"),
    row(130, "tkill", sysTkill, "dd"),
    row(131, "tgkill", sysTgkill, "ddd"),
    row(132, "sigaltstack", sysSigaltstack, "pp"),
    row(133, "rt_sigsuspend", sysRtSigsuspend, "pu"),
    row(134, "rt_sigaction", sysRtSigaction, "dppu"),
    row(135, "rt_sigprocmask", sysRtSigprocmask, "dppu"),
    row(136, "rt_sigpending", sysRtSigpending, "pu"),
    row(137, "rt_sigtimedwait", sysRtSigtimedwait, "pppu"),
    row(139, "rt_sigreturn", sysRtSigreturn, ""),
    row(140, "setpriority", sysSetpriority, "ddd"),
    row(141, "getpriority", sysGetpriority, "dd"),
    row(143, "setregid", sysSetregid, "dd"),
    row(144, "setgid", sysSetgid, "d"),
    row(145, "setreuid", sysSetreuid, "dd"),
    row(146, "setuid", sysSetuid, "d"),
    row(147, "setresuid", sysSetresuid, "ddd"),
    row(148, "getresuid", sysGetresuid, "ppp"),
    row(149, "setresgid", sysSetresgid, "ddd"),
    row(150, "getresgid", sysGetresgid, "ppp"),
    row(151, "setfsuid", sysSetfsuid, "d"),
    row(152, "setfsgid", sysSetfsgid, "d"),
    row(153, "times", sysTimes, "p"),
    row(154, "setpgid", sysSetpgid, "dd"),
    row(155, "getpgid", sysGetpgid, "d"),
    row(156, "getsid", sysGetsid, "d"),
    row(157, "setsid", sysSetsid, ""),
    row(158, "getgroups", sysGetgroups, "dp"),
    row(159, "setgroups", sysSetgroups, "dp"),
    row(160, "uname", sysUname, "p"),
    row(161, "sethostname", sysSethostname, "pu"),
    row(162, "setdomainname", sysSetdomainname, "pu"),
    row(163, "getrlimit", sysGetrlimit, "dp"),
    row(164, "setrlimit", sysSetrlimit, "dp"),
    row(165, "getrusage", sysGetrusage, "dp"),
    row(166, "umask", sysUmask, "o"),
    row(167, "prctl", sysPrctl, "dxxxx"),
    row(168, "getcpu", sysGetcpu, "ppp"),
    row(169, "gettimeofday", sysGettimeofday, "pp"),
    row(172, "getpid", sysGetpid, ""),
    row(173, "getppid", sysGetppid, ""),
    row(174, "getuid", sysGetuid, ""),
    row(175, "geteuid", sysGeteuid, ""),
    row(176, "getgid", sysGetgid, ""),
    row(177, "getegid", sysGetegid, ""),
    row(178, "gettid", sysGettid, ""),
    row(179, "sysinfo", sysSysinfo, "p"),
    row(198, "socket", sysSocket, "ddd"),
    row(199, "socketpair", sysSocketpair, "dddp"),
    row(200, "bind", sysBind, "dpu"),
    row(201, "listen", sysListen, "dd"),
    row(202, "accept", sysAccept, "dpp"),
    row(203, "connect", sysConnect, "dpu"),
    row(204, "getsockname", sysGetsockname, "dpp"),
    row(205, "getpeername", sysGetpeername, "dpp"),
    row(206, "sendto", sysSendto, "dpuxpu"),
    row(207, "recvfrom", sysRecvfrom, "dpuxpp"),
    row(208, "setsockopt", sysSetsockopt, "dddpu"),
    row(209, "getsockopt", sysGetsockopt, "dddpp"),
    row(210, "shutdown", sysShutdown, "dd"),
    row(211, "sendmsg", sysSendmsg, "dpx"),
    row(212, "recvmsg", sysRecvmsg, "dpx"),
    row(213, "readahead", sysReadahead, "ddu"),
    row(214, "brk", sysBrk, "p"),
    row(215, "munmap", sysMunmap, "pu"),
    row(216, "mremap", sysMremap, "puuxp"),
    row(220, "clone", sysClone, "xpppp"),
    row(221, "execve", sysExecve, "spp"),
    row(222, "mmap", sysMmap, "puxxdx"),
    row(223, "fadvise64", sysFadvise64, "dddd"),
    row(226, "mprotect", sysMprotect, "pux"),
    row(233, "madvise", sysMadvise, "pud"),
    row(242, "accept4", sysAccept4, "dppx"),
    row(243, "recvmmsg", sysRecvmmsg, "dpuxp"),
    row(258, "riscv_hwprobe", sysRiscvHwprobe, "pupux"),
    row(259, "riscv_flush_icache", sysRiscvFlushIcache, "ppx"),
    row(260, "wait4", sysWait4, "dpxp"),
    row(261, "prlimit64", sysPrlimit64, "ddpp"),
    row(267, "syncfs", sysSyncfs, "d"),
    row(269, "sendmmsg", sysSendmmsg, "dpux"),
    row(276, "renameat2", sysRenameat2, "asasx"),
    row(278, "getrandom", sysGetrandom, "pux"),
    row(279, "memfd_create", sysMemfdCreate, "sx"),
    row(281, "execveat", sysExecveat, "asppx"),
    row(283, "membarrier", sysMembarrier, "dxd"),
    row(285, "copy_file_range", sysCopyFileRange, "dpdpux"),
    row(286, "preadv2", sysPreadv2, "dpuddx"),
    row(287, "pwritev2", sysPwritev2, "dpuddx"),
    row(291, "statx", sysStatx, "asxxp"),
    row(435, "clone3", sysClone3, "pu"),
    row(436, "close_range", sysCloseRange, "uux"),
    row(439, "faccessat2", sysFaccessat2, "asox"),
    row(441, "epoll_pwait2", sysEpollPwait2, "dpdppu"),
};

constexpr bool isSortedAndUnique() {
  for (size_t i = 1; i < kSyscalls.size(); ++i)
    if (kSyscalls[i - 1].number >= kSyscalls[i].number)
      return false;
  return true;
}
static_assert(isSortedAndUnique(), "syscall rows must be sorted by number, without duplicates");

constexpr bool argFormatsValid() {
  for (const SyscallInfo &info : kSyscalls) {
    size_t length = 0;
    for (const char *c = info.argFormat; *c; ++c, ++length) {
      switch (*c) {
      case 'd':
      case 'u':
      case 'x':
      case 'p':
      case 's':
      case 'a':
      case 'f':
      case 'o': break;
      default: return false;
      }
    }
    if (length > 6 || info.handler == nullptr)
      return false;
  }
  return true;
}
static_assert(argFormatsValid(), "argFormat: at most 6 of the characters d u x p s a f o");

// Number -> row index (or -1), built at compile time.
constexpr uint32_t kIndexSize = kSyscalls.back().number + 1;
constexpr std::array<int16_t, kIndexSize> buildIndex() {
  std::array<int16_t, kIndexSize> index{};
  for (int16_t &slot : index)
    slot = -1;
  for (size_t i = 0; i < kSyscalls.size(); ++i)
    index[kSyscalls[i].number] = static_cast<int16_t>(i);
  return index;
}
constexpr auto kIndex = buildIndex();

} // namespace

const SyscallInfo *lookupSyscall(uint64_t number) {
  if (number >= kIndexSize || kIndex[number] < 0)
    return nullptr;
  return &kSyscalls[static_cast<size_t>(kIndex[number])];
}

std::span<const SyscallInfo> allSyscalls() { return kSyscalls; }

} // namespace tiercel::user
