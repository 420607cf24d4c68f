/* Time syscalls: clock_gettime on every common clock (monotonic never goes
 * back, realtime agrees with gettimeofday and time), clock_getres,
 * nanosleep and clock_nanosleep (absolute and relative) sleep at least as
 * long as asked, CPU-time clocks advance with work, times/getrusage,
 * timerfd expiry and getitimer of an idle timer. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok)
    ++failures;
}

static int64_t ns(const struct timespec *t) { return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec; }

static int64_t now(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return ns(&t);
}

int main(void) {
  const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW,
                              CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                              CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE};
  int allOk = 1;
  for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; ++i) {
    struct timespec t, res;
    if (clock_gettime(clocks[i], &t) != 0 || clock_getres(clocks[i], &res) != 0 ||
        t.tv_nsec < 0 || t.tv_nsec >= 1000000000 || ns(&res) <= 0)
      allOk = 0;
  }
  check(allOk, "clock_gettime/clock_getres on 8 clocks");
  struct timespec t;
  check(clock_gettime((clockid_t)12345, &t) == -1 && errno == EINVAL, "bad clock id: EINVAL");

  int64_t previous = now(CLOCK_MONOTONIC);
  int monotonic = 1;
  for (int i = 0; i < 100000; ++i) {
    int64_t current = now(CLOCK_MONOTONIC);
    if (current < previous)
      monotonic = 0;
    previous = current;
  }
  check(monotonic, "CLOCK_MONOTONIC never goes back (100000 reads)");

  struct timeval tv;
  check(gettimeofday(&tv, NULL) == 0, "gettimeofday");
  int64_t real = now(CLOCK_REALTIME);
  int64_t tod = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
  check(real >= tod && real - tod < 5000000000ll, "realtime agrees with gettimeofday");
  time_t seconds = time(NULL);
  /* glibc's time() reads CLOCK_REALTIME_COARSE, which lags by up to a
   * scheduler tick: across a second boundary it may still show the second
   * before gettimeofday's. */
  check(seconds + 1 >= tv.tv_sec && seconds - tv.tv_sec < 5, "time() agrees");
  check(tv.tv_sec > 1600000000, "realtime is after 2020");

  int64_t before = now(CLOCK_MONOTONIC);
  struct timespec nap = {0, 20000000};
  check(nanosleep(&nap, NULL) == 0, "nanosleep 20ms");
  int64_t slept = now(CLOCK_MONOTONIC) - before;
  check(slept >= 20000000, "nanosleep slept at least 20ms");

  before = now(CLOCK_MONOTONIC);
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_nsec += 15000000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_nsec -= 1000000000;
    deadline.tv_sec += 1;
  }
  check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == 0,
        "clock_nanosleep TIMER_ABSTIME");
  check(now(CLOCK_MONOTONIC) >= ns(&deadline), "woke after the absolute deadline");
  struct timespec relative = {0, 5000000};
  check(clock_nanosleep(CLOCK_MONOTONIC, 0, &relative, NULL) == 0, "clock_nanosleep relative");

  /* CPU time advances with work. */
  int64_t cpuBefore = now(CLOCK_PROCESS_CPUTIME_ID);
  volatile uint64_t sink = 0;
  for (uint64_t i = 0; i < 3000000; ++i)
    sink += i * i;
  check(now(CLOCK_PROCESS_CPUTIME_ID) > cpuBefore, "process CPU time advances");
  struct tms tmsBuffer;
  check(times(&tmsBuffer) != (clock_t)-1, "times");
  struct rusage usage;
  check(getrusage(RUSAGE_SELF, &usage) == 0 &&
            (usage.ru_utime.tv_sec > 0 || usage.ru_utime.tv_usec > 0),
        "getrusage reports user time");

  /* timerfd */
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  check(tfd >= 0, "timerfd_create");
  struct itimerspec spec = {{0, 0}, {0, 10000000}};
  check(timerfd_settime(tfd, 0, &spec, NULL) == 0, "timerfd_settime 10ms");
  uint64_t expirations = 0;
  check(read(tfd, &expirations, sizeof expirations) == 8 && expirations == 1,
        "timerfd expired once");
  struct itimerspec current;
  check(timerfd_gettime(tfd, &current) == 0 && current.it_value.tv_sec == 0 &&
            current.it_value.tv_nsec == 0,
        "timerfd disarmed after one shot");
  close(tfd);

  struct itimerval itv;
  check(getitimer(ITIMER_REAL, &itv) == 0 && itv.it_value.tv_sec == 0 && itv.it_value.tv_usec == 0,
        "getitimer: no alarm pending");
  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all time checks passed");
  return failures ? 1 : 0;
}
