// rt_sigtimedwait (sigwait, sigwaitinfo, sigtimedwait): a blocked signal
// sent to the waiting thread (pthread_kill) or to the process (kill, from
// another thread and from the thread alone) is taken by the wait; a
// timeout passes (EAGAIN) and a zero one polls; siginfo of a kill(); a
// signal already pending is returned at once, the lowest number first; an
// unblocked signal with a handler ends the wait with EINTR (even with
// SA_RESTART) after the handler ran; bad arguments fail as on Linux.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void check(int ok, const char *what) {
  if (!ok) {
    printf("FAIL: %s (errno %d)\n", what, errno);
    exit(1);
  }
}

static void sleepMillis(long millis) {
  struct timespec delay = {millis / 1000, (millis % 1000) * 1000000};
  nanosleep(&delay, NULL);
}

static double secondsSince(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

static sigset_t setOf(int a, int b) {
  sigset_t set;
  sigemptyset(&set);
  if (a)
    sigaddset(&set, a);
  if (b)
    sigaddset(&set, b);
  return set;
}

// The raw syscall, for what glibc's wrappers hide (SI_TKILL folded into
// SI_USER) or refuse to pass (another sigset size).
static long rawSigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout,
                            unsigned long size) {
  return syscall(SYS_rt_sigtimedwait, set, info, timeout, size);
}

static pthread_t gMain;
static volatile int gWaitDone;
static volatile int gAlarms;

static void onAlarm(int signal) {
  (void)signal;
  ++gAlarms;
}

// sigwait on a worker thread, woken by pthread_kill from main.
static void *waitOnWorker(void *arg) {
  (void)arg;
  sigset_t usr1 = setOf(SIGUSR1, 0);
  int signal = 0;
  int error = sigwait(&usr1, &signal);
  return (void *)(long)(error == 0 ? signal : -error);
}

// kill(getpid()) from a thread that blocks the signal: the process-directed
// signal waits for the one thread that takes it, main in sigwait.
static void *killProcess(void *arg) {
  (void)arg;
  sleepMillis(20);
  kill(getpid(), SIGUSR1);
  return NULL;
}

// SIGALRM to main until its wait has ended (one sent before the wait began
// runs the handler there; a later one ends the wait).
static void *alarmMain(void *arg) {
  (void)arg;
  while (!gWaitDone) {
    sleepMillis(10);
    pthread_kill(gMain, SIGALRM);
  }
  return NULL;
}

int main(void) {
  gMain = pthread_self();
  sigset_t blocked = setOf(SIGUSR1, SIGUSR2);
  sigaddset(&blocked, SIGRTMIN);
  check(pthread_sigmask(SIG_BLOCK, &blocked, NULL) == 0, "block"); // the threads inherit it
  sigset_t usr1 = setOf(SIGUSR1, 0);
  sigset_t usr2 = setOf(SIGUSR2, 0);
  sigset_t both = setOf(SIGUSR1, SIGUSR2);
  const struct timespec zero = {0, 0};
  siginfo_t info;

  // Thread-directed: a worker waits, main sends once it is (likely) asleep.
  pthread_t thread;
  check(pthread_create(&thread, NULL, waitOnWorker, NULL) == 0, "pthread_create");
  sleepMillis(20);
  check(pthread_kill(thread, SIGUSR1) == 0, "pthread_kill");
  void *result;
  pthread_join(thread, &result);
  check((long)result == SIGUSR1, "sigwait on the worker returns SIGUSR1");
  printf("sigwait: SIGUSR1 from pthread_kill\n");

  // Process-directed from another thread: every thread blocks SIGUSR1.
  check(pthread_create(&thread, NULL, killProcess, NULL) == 0, "pthread_create");
  int signal = 0;
  check(sigwait(&usr1, &signal) == 0 && signal == SIGUSR1, "sigwait for kill from a thread");
  pthread_join(thread, NULL);
  printf("sigwait: SIGUSR1 from kill by another thread\n");

  // The process alone sends itself one: pending before the wait.
  check(kill(getpid(), SIGUSR1) == 0, "kill");
  check(sigwait(&usr1, &signal) == 0 && signal == SIGUSR1, "sigwait for kill to self");
  printf("sigwait: SIGUSR1 from kill to itself\n");

  // A 50 ms timeout that passes.
  struct timespec start, fifty = {0, 50 * 1000000};
  clock_gettime(CLOCK_MONOTONIC, &start);
  int got = sigtimedwait(&both, &info, &fifty);
  check(got == -1 && errno == EAGAIN, "sigtimedwait times out with EAGAIN");
  check(secondsSince(&start) >= 0.049, "after the whole timeout");
  printf("sigtimedwait 50 ms: EAGAIN after the timeout\n");

  // A zero timeout polls.
  got = sigtimedwait(&both, &info, &zero);
  check(got == -1 && errno == EAGAIN, "zero timeout: EAGAIN");
  printf("sigtimedwait 0: EAGAIN, nothing pending\n");

  // sigwaitinfo's siginfo for a kill().
  check(kill(getpid(), SIGUSR2) == 0, "kill SIGUSR2");
  got = sigwaitinfo(&usr2, &info);
  check(got == SIGUSR2, "sigwaitinfo returns SIGUSR2");
  check(info.si_signo == SIGUSR2, "si_signo");
  check(info.si_code == SI_USER, "si_code SI_USER");
  check(info.si_pid == getpid(), "si_pid");
  check(info.si_uid == getuid(), "si_uid");
  printf("sigwaitinfo: si_signo SIGUSR2, si_code SI_USER, si_pid ours\n");

  // raise() while blocked: pending, returned at once; lowest number first.
  raise(SIGUSR2);
  raise(SIGUSR1);
  sigset_t pending;
  sigpending(&pending);
  check(sigismember(&pending, SIGUSR1) && sigismember(&pending, SIGUSR2), "both pending");
  clock_gettime(CLOCK_MONOTONIC, &start);
  got = sigwaitinfo(&both, &info);
  check(got == SIGUSR1 && info.si_signo == SIGUSR1, "SIGUSR1 first");
  got = sigtimedwait(&both, &info, &zero);
  check(got == SIGUSR2, "then SIGUSR2");
  check(secondsSince(&start) < 1.0, "at once");
  sigpending(&pending);
  check(!sigismember(&pending, SIGUSR1) && !sigismember(&pending, SIGUSR2), "none pending");
  printf("raise while blocked: SIGUSR1 then SIGUSR2 at once\n");

  // The raw syscall shows raise's SI_TKILL, which glibc reports as SI_USER.
  raise(SIGUSR1);
  got = (int)rawSigtimedwait(&usr1, &info, NULL, 8);
  check(got == SIGUSR1 && info.si_code == SI_TKILL && info.si_pid == getpid(), "raw: SI_TKILL");
  printf("rt_sigtimedwait: raise gives SI_TKILL\n");

  // A real-time signal.
  raise(SIGRTMIN);
  sigset_t rt = setOf(SIGRTMIN, 0);
  check(sigtimedwait(&rt, &info, &zero) == SIGRTMIN, "SIGRTMIN");
  printf("sigtimedwait: SIGRTMIN\n");

  // An unblocked signal with a handler ends the wait: EINTR, not restarted
  // although SA_RESTART asks for it.
  struct sigaction action = {0};
  action.sa_handler = onAlarm;
  action.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &action, NULL);
  check(pthread_create(&thread, NULL, alarmMain, NULL) == 0, "pthread_create");
  errno = 0;
  got = sigwaitinfo(&usr1, &info);
  int error = errno;
  gWaitDone = 1;
  pthread_join(thread, NULL);
  check(got == -1 && error == EINTR, "sigwaitinfo: EINTR");
  check(gAlarms >= 1, "the handler ran");
  printf("sigwaitinfo: EINTR, the handler ran\n");

  // SIGKILL and SIGSTOP are left out of the set: nothing to wait for.
  sigset_t unblockable = setOf(SIGKILL, SIGSTOP);
  got = sigtimedwait(&unblockable, &info, &zero);
  check(got == -1 && errno == EAGAIN, "SIGKILL/SIGSTOP set: EAGAIN");
  printf("sigtimedwait {SIGKILL, SIGSTOP}: EAGAIN\n");

  // Bad arguments.
  check(rawSigtimedwait(&usr1, &info, &zero, 16) == -1 && errno == EINVAL, "sigsetsize 16");
  printf("sigsetsize 16: EINVAL\n");
  struct timespec badNanos = {0, 1000000000};
  check(sigtimedwait(&usr1, &info, &badNanos) == -1 && errno == EINVAL, "tv_nsec 1e9");
  badNanos.tv_nsec = -1;
  check(sigtimedwait(&usr1, &info, &badNanos) == -1 && errno == EINVAL, "tv_nsec -1");
  struct timespec badSeconds = {-1, 0};
  check(sigtimedwait(&usr1, &info, &badSeconds) == -1 && errno == EINVAL, "tv_sec -1");
  printf("tv_nsec 1e9, tv_nsec -1, tv_sec -1: EINVAL\n");
  check(rawSigtimedwait((const sigset_t *)8, &info, &zero, 8) == -1 && errno == EFAULT, "set");
  check(rawSigtimedwait(&usr1, &info, (const struct timespec *)8, 8) == -1 && errno == EFAULT,
        "timeout");
  // As on Linux, the signal is taken before its siginfo turns out unwritable.
  raise(SIGUSR1);
  check(rawSigtimedwait(&usr1, (siginfo_t *)8, &zero, 8) == -1 && errno == EFAULT, "info");
  check(sigtimedwait(&usr1, &info, &zero) == -1 && errno == EAGAIN, "taken anyway");
  printf("bad set, timeout, info: EFAULT\n");
  return 0;
}
