/* Interval timers and the atomic "unblock and wait" of pselect/ppoll: with
 * SIGALRM blocked, setitimer fires during a pselect6 (then a ppoll, then an
 * epoll_pwait) whose temporary mask unblocks it; the wait ends with EINTR
 * after the handler ran, and SIGALRM is blocked again afterwards. Also
 * getitimer's view of an armed timer, a blocked signal staying pending
 * through a wait that keeps it blocked, and one already pending ending a
 * wait that unblocks it before it starts. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static int failures;

static void onAlarm(int signal) {
  (void)signal;
  ++alarms;
}

static void check(int ok, const char *what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok)
    ++failures;
}

static void arm(long microseconds) {
  struct itimerval value = {{0, 0}, {0, microseconds}};
  setitimer(ITIMER_REAL, &value, NULL);
}

static int alarmBlocked(void) {
  sigset_t current;
  sigprocmask(SIG_BLOCK, NULL, &current);
  return sigismember(&current, SIGALRM);
}

int main(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = onAlarm;
  sigaction(SIGALRM, &action, NULL);
  sigset_t blockAlarm, empty;
  sigemptyset(&blockAlarm);
  sigaddset(&blockAlarm, SIGALRM);
  sigemptyset(&empty);
  sigprocmask(SIG_BLOCK, &blockAlarm, NULL);

  arm(500000);
  struct itimerval armed;
  check(getitimer(ITIMER_REAL, &armed) == 0 && armed.it_value.tv_usec > 0 &&
            armed.it_value.tv_sec == 0,
        "getitimer sees the armed timer");
  arm(20000);
  struct timespec twoSeconds = {2, 0};
  int result = pselect(0, NULL, NULL, NULL, &twoSeconds, &empty);
  check(result == -1 && errno == EINTR, "pselect interrupted by SIGALRM");
  check(alarms == 1, "handler ran once");
  check(alarmBlocked(), "SIGALRM blocked again after pselect");

  arm(20000);
  result = ppoll(NULL, 0, &twoSeconds, &empty);
  check(result == -1 && errno == EINTR, "ppoll interrupted by SIGALRM");
  check(alarms == 2, "handler ran again");
  check(alarmBlocked(), "SIGALRM blocked again after ppoll");

  int ep = epoll_create1(0);
  arm(20000);
  struct epoll_event events[1];
  result = epoll_pwait(ep, events, 1, 2000, &empty);
  check(result == -1 && errno == EINTR, "epoll_pwait interrupted by SIGALRM");
  check(alarms == 3, "handler ran a third time");
  close(ep);

  /* A wait that keeps SIGALRM blocked times out; the signal stays pending. */
  arm(10000);
  struct timespec fifty = {0, 50000000};
  result = ppoll(NULL, 0, &fifty, &blockAlarm);
  check(result == 0, "ppoll with SIGALRM blocked times out");
  sigset_t pending;
  sigpending(&pending);
  check(sigismember(&pending, SIGALRM) && alarms == 3, "SIGALRM pending, not yet handled");
  sigprocmask(SIG_UNBLOCK, &blockAlarm, NULL);
  check(alarms == 4, "unblocking delivers it");

  /* A signal already pending when a wait unblocks it ends the wait at once
   * (the timer may fire before the wait starts on a slow or busy host). */
  sigprocmask(SIG_BLOCK, &blockAlarm, NULL);
  raise(SIGALRM);
  struct timespec before, after;
  clock_gettime(CLOCK_MONOTONIC, &before);
  result = pselect(0, NULL, NULL, NULL, &twoSeconds, &empty);
  clock_gettime(CLOCK_MONOTONIC, &after);
  double waited = (double)(after.tv_sec - before.tv_sec) + (after.tv_nsec - before.tv_nsec) / 1e9;
  check(result == -1 && errno == EINTR && alarms == 5 && waited < 1.0,
        "pselect with SIGALRM already pending returns at once");
  raise(SIGALRM);
  result = ppoll(NULL, 0, &twoSeconds, &empty);
  check(result == -1 && errno == EINTR && alarms == 6, "ppoll likewise");
  check(alarmBlocked(), "SIGALRM blocked again after both");
  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all itimer checks passed");
  return failures ? 1 : 0;
}
