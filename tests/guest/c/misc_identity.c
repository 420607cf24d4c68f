/* System identity and process information: uname (machine riscv64),
 * readlink("/proc/self/exe") naming this program, getrandom, pid/tid and
 * uid/gid consistency, resource limits (getrlimit, setrlimit, prlimit),
 * sysinfo, CPU affinity, sched_yield, prctl thread names and the scheduler
 * queries. Output is deterministic. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok)
    ++failures;
}

int main(int argc, char **argv) {
  (void)argc;
  struct utsname u;
  check(uname(&u) == 0, "uname");
  printf("sysname %s\n", u.sysname);
  printf("machine %s\n", u.machine);

  char exe[4096] = {0};
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  check(n > 0 && exe[0] == '/', "readlink /proc/self/exe is absolute");
  const char *base = strrchr(exe, '/');
  printf("exe basename %s\n", base ? base + 1 : exe);
  const char *argBase = strrchr(argv[0], '/');
  check(strcmp(base ? base + 1 : exe, argBase ? argBase + 1 : argv[0]) == 0,
        "exe basename matches argv[0]");
  char byPid[64];
  snprintf(byPid, sizeof byPid, "/proc/%d/exe", (int)getpid());
  char exe2[4096] = {0};
  check(readlink(byPid, exe2, sizeof exe2 - 1) == n && strcmp(exe, exe2) == 0,
        "readlink /proc/<pid>/exe agrees");
  char tiny[4];
  check(readlink("/proc/self/exe", tiny, sizeof tiny) == 4, "readlink truncates to the buffer");
  /* Opening /proc/self/exe opens this very program: an ELF for RISC-V. */
  int fd = open("/proc/self/exe", O_RDONLY);
  unsigned char header[20] = {0};
  check(fd >= 0 && read(fd, header, sizeof header) == 20, "open+read /proc/self/exe");
  check(memcmp(header, "\177ELF", 4) == 0 && header[18] == 243, "it is a RISC-V ELF (e_machine 243)");
  close(fd);

  unsigned char random1[32] = {0}, random2[32] = {0};
  check(getrandom(random1, sizeof random1, 0) == 32 && getrandom(random2, sizeof random2, 0) == 32,
        "getrandom 32 bytes twice");
  check(memcmp(random1, random2, sizeof random1) != 0, "the two draws differ");
  check(getrandom(random1, 0, 0) == 0, "getrandom of 0 bytes");

  check(getpid() > 0 && getppid() > 0 && getpid() != getppid(), "getpid/getppid");
  check(syscall(SYS_gettid) == getpid(), "gettid == getpid in the main thread");
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  check(getresuid(&ruid, &euid, &suid) == 0 && ruid == getuid() && euid == geteuid(),
        "getresuid agrees with getuid/geteuid");
  check(getresgid(&rgid, &egid, &sgid) == 0 && rgid == getgid() && egid == getegid(),
        "getresgid agrees with getgid/getegid");
  int groups = getgroups(0, NULL);
  check(groups >= 0, "getgroups count");
  check(getpgid(0) == getpgrp() && getsid(0) > 0, "getpgid/getsid");

  struct rlimit limit;
  check(getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur <= limit.rlim_max &&
            limit.rlim_cur >= 64,
        "getrlimit RLIMIT_NOFILE");
  struct rlimit lowered = {64, limit.rlim_max};
  struct rlimit old;
  check(prlimit(0, RLIMIT_NOFILE, &lowered, &old) == 0 && old.rlim_cur == limit.rlim_cur,
        "prlimit sets and returns the old limit");
  check(getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur == 64, "the new limit holds");
  check(setrlimit(RLIMIT_NOFILE, &old) == 0, "setrlimit restores it");
  check(getrlimit(RLIMIT_STACK, &limit) == 0 && limit.rlim_cur > 0, "getrlimit RLIMIT_STACK");
  struct rlimit bad = {10, 5};
  check(setrlimit(RLIMIT_NOFILE, &bad) == -1 && errno == EINVAL, "setrlimit cur > max: EINVAL");

  struct sysinfo info;
  check(sysinfo(&info) == 0 && info.uptime > 0 && info.totalram > 0 && info.mem_unit > 0,
        "sysinfo");

  cpu_set_t set;
  CPU_ZERO(&set);
  check(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 1,
        "sched_getaffinity has a CPU");
  check(sched_setaffinity(0, sizeof set, &set) == 0, "sched_setaffinity with the same set");
  check(sysconf(_SC_NPROCESSORS_ONLN) >= 1, "sysconf(_SC_NPROCESSORS_ONLN)");
  check(sched_yield() == 0, "sched_yield");
  check(sched_getscheduler(0) == SCHED_OTHER, "sched_getscheduler is SCHED_OTHER");
  struct sched_param param;
  check(sched_getparam(0, &param) == 0 && param.sched_priority == 0, "sched_getparam");
  check(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1,
        "FIFO priority range 1..99");
  unsigned cpu = 12345;
  check(getcpu(&cpu, NULL) == 0 && cpu < 4096, "getcpu");

  check(prctl(PR_SET_NAME, "tiercel-guest", 0, 0, 0) == 0, "PR_SET_NAME");
  char name[16] = {0};
  check(prctl(PR_GET_NAME, name, 0, 0, 0) == 0, "PR_GET_NAME");
  printf("thread name %s\n", name);
  check(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) >= 0, "PR_GET_DUMPABLE");

  mode_t previous = umask(027);
  check(umask(previous) == 027, "umask round trip");
  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all identity checks passed");
  return failures ? 1 : 0;
}
