// Signals sent to the process itself and by timers: raise (tgkill,
// SI_TKILL), kill (SI_USER), blocked signals staying pending until
// unblocked, sigsuspend, a timer's SIGALRM interrupting a blocking read
// (EINTR without SA_RESTART, transparently restarted with it),
// SA_NODEFER nesting, SA_RESETHAND, and sigaction's old action.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int usr1Count, usr2Count, alarmCount, depth, maxDepth, runs;
static volatile int lastCode, pidOk;
static int pipeFds[2];

static void usrHandler(int sig, siginfo_t *info, void *context) {
  (void)context;
  if (sig == SIGUSR1)
    usr1Count++;
  else
    usr2Count++;
  lastCode = info->si_code;
  pidOk = info->si_pid == getpid();
}

static void alarmHandler(int sig) {
  (void)sig;
  alarmCount++;
  // Makes the interrupted read succeed once it is restarted.
  if (write(pipeFds[1], "x", 1) != 1)
    _exit(10);
}

// Raises its own signal until it has run three times: with SA_NODEFER the
// runs nest (depth 3), without it each raise waits for the handler to end.
static void nestingHandler(int sig) {
  depth++;
  runs++;
  if (depth > maxDepth)
    maxDepth = depth;
  if (runs < 3)
    raise(sig);
  depth--;
}

static void install(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void armTimer(void) {
  struct itimerval timer = {{0, 0}, {0, 50000}}; // 50 ms, once
  setitimer(ITIMER_REAL, &timer, NULL);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = usrHandler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);

  raise(SIGUSR1);
  printf("raise: usr1=%d code=%s pid=%d\n", usr1Count, lastCode == SI_TKILL ? "SI_TKILL" : "other",
         pidOk);
  kill(getpid(), SIGUSR2);
  printf("kill: usr2=%d code=%s pid=%d\n", usr2Count, lastCode == SI_USER ? "SI_USER" : "other",
         pidOk);

  sigset_t block, old, pending;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR1);
  raise(SIGUSR1); // standard signals coalesce
  sigpending(&pending);
  printf("blocked: usr1=%d pending=%d\n", usr1Count, sigismember(&pending, SIGUSR1));
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("unblocked: usr1=%d\n", usr1Count);

  // sigsuspend: wait for SIGALRM with it blocked outside the wait.
  install(SIGALRM, alarmHandler, 0);
  if (pipe(pipeFds) != 0)
    return 2;
  sigset_t alarmBlock, waitMask;
  sigemptyset(&alarmBlock);
  sigaddset(&alarmBlock, SIGALRM);
  sigprocmask(SIG_BLOCK, &alarmBlock, &old);
  armTimer();
  sigemptyset(&waitMask);
  int result = sigsuspend(&waitMask);
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  printf("sigsuspend: result=%d errno=%s alarms=%d alrm-still-blocked=%d\n", result,
         errno == EINTR ? "EINTR" : "other", alarmCount, sigismember(&now, SIGALRM));
  sigprocmask(SIG_SETMASK, &old, NULL);
  char c;
  if (read(pipeFds[0], &c, 1) != 1)
    return 3;

  // A timer interrupts a blocking read: EINTR without SA_RESTART...
  install(SIGALRM, alarmHandler, 0);
  armTimer();
  errno = 0;
  ssize_t n = read(pipeFds[0], &c, 1);
  printf("read without SA_RESTART: n=%zd errno=%s alarms=%d\n", n,
         errno == EINTR ? "EINTR" : "other", alarmCount);
  if (read(pipeFds[0], &c, 1) != 1) // the byte the handler wrote
    return 4;
  // ... and restarted with it, then reads what the handler wrote.
  install(SIGALRM, alarmHandler, SA_RESTART);
  armTimer();
  n = read(pipeFds[0], &c, 1);
  printf("read with SA_RESTART: n=%zd c=%c alarms=%d\n", n, n == 1 ? c : '?', alarmCount);

  // SA_NODEFER: the handler's own signal nests; without it, it waits.
  install(SIGUSR2, nestingHandler, SA_NODEFER);
  raise(SIGUSR2);
  printf("SA_NODEFER: runs=%d max depth=%d\n", runs, maxDepth);
  maxDepth = runs = 0;
  install(SIGUSR2, nestingHandler, 0);
  raise(SIGUSR2);
  printf("deferred: runs=%d max depth=%d\n", runs, maxDepth);

  // SA_RESETHAND: one run, then the default disposition is back.
  install(SIGUSR2, nestingHandler, SA_RESETHAND | SA_NODEFER);
  struct sigaction current;
  maxDepth = 0;
  runs = 2; // one run, no nested raise
  raise(SIGUSR2);
  sigaction(SIGUSR2, NULL, &current);
  printf("SA_RESETHAND: runs=%d now default=%d\n", runs, current.sa_handler == SIG_DFL);

  // Ignored signals do nothing.
  signal(SIGUSR1, SIG_IGN);
  raise(SIGUSR1);
  printf("ignored: usr1=%d\n", usr1Count);
  return 0;
}
