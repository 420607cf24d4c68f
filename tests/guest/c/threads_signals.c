// Guest threads and signals: thread-directed signals (pthread_kill ->
// tgkill) run the handler on the thread they name; a process-directed
// signal (kill) goes to the one thread that does not block it; a storm of
// acknowledged signals while the targets compute; a fork from a worker
// thread (the child has that one thread) and a wait for it.
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { kWorkers = 3, kStorm = 300 };

static void check(int ok, const char *what) {
  if (!ok) {
    printf("FAIL: %s\n", what);
    exit(1);
  }
}

static __thread int tUsr1;       // SIGUSR1 handled on this thread
static __thread int tSelf = -1;  // worker index, -1 on main
static int gHandledBy[kWorkers + 1];
static int gUsr2Thread = -2;
static volatile int gStop;
static int gAcks;

static void onUsr1(int signal) {
  (void)signal;
  ++tUsr1;
  __atomic_add_fetch(&gHandledBy[tSelf + 1], 1, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&gAcks, 1, __ATOMIC_SEQ_CST);
}

static void onUsr2(int signal) {
  (void)signal;
  __atomic_store_n(&gUsr2Thread, tSelf, __ATOMIC_SEQ_CST);
}

static pthread_barrier_t gReady;

static void *worker(void *arg) {
  tSelf = (int)(long)arg;
  // Only the last worker takes SIGUSR2 (main and the others block it).
  if (tSelf == kWorkers - 1) {
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
  }
  pthread_barrier_wait(&gReady);
  volatile unsigned long spin = 0;
  while (!gStop)
    spin += (unsigned long)tSelf + 1; // computing, not in a syscall
  return (void *)(long)tUsr1;
}

static void *forker(void *arg) {
  (void)arg;
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    // The child has only this thread; it runs, and can make threads of its own.
    printf("fork from a thread: child runs\n");
    fflush(stdout);
    _exit(7);
  }
  int status = 0;
  check(waitpid(child, &status, 0) == child, "waitpid");
  return (void *)(long)(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void) {
  struct sigaction action = {0};
  action.sa_handler = onUsr1;
  sigaction(SIGUSR1, &action, NULL);
  action.sa_handler = onUsr2;
  sigaction(SIGUSR2, &action, NULL);
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &usr2, NULL); // inherited by the workers

  pthread_barrier_init(&gReady, NULL, kWorkers + 1);
  pthread_t threads[kWorkers];
  for (long i = 0; i < kWorkers; ++i)
    check(pthread_create(&threads[i], NULL, worker, (void *)i) == 0, "pthread_create");
  pthread_barrier_wait(&gReady);

  // Thread-directed: one to each worker, acknowledged before the next.
  for (int i = 0; i < kStorm; ++i) {
    int target = i % kWorkers;
    int before = __atomic_load_n(&gAcks, __ATOMIC_SEQ_CST);
    check(pthread_kill(threads[target], SIGUSR1) == 0, "pthread_kill");
    while (__atomic_load_n(&gAcks, __ATOMIC_SEQ_CST) == before)
      sched_yield();
  }
  for (int i = 0; i < kWorkers; ++i)
    check(gHandledBy[i + 1] == kStorm / kWorkers, "each handler ran on the thread named");
  check(gHandledBy[0] == 0, "no SIGUSR1 on main");
  printf("tgkill: %d signals, %d on each worker, none elsewhere\n", kStorm, kStorm / kWorkers);

  // Process-directed: only worker kWorkers-1 leaves SIGUSR2 unblocked.
  kill(getpid(), SIGUSR2);
  while (__atomic_load_n(&gUsr2Thread, __ATOMIC_SEQ_CST) == -2)
    sched_yield();
  check(gUsr2Thread == kWorkers - 1, "kill went to the thread that does not block it");
  printf("kill: handled by the one thread that does not block it\n");

  gStop = 1;
  for (int i = 0; i < kWorkers; ++i) {
    void *count;
    pthread_join(threads[i], &count);
    check((long)count == kStorm / kWorkers, "the worker's own count");
  }

  pthread_t thread;
  void *status;
  pthread_create(&thread, NULL, forker, NULL);
  pthread_join(thread, &status);
  check((long)status == 7, "child status");
  printf("fork from a thread: status %ld\n", (long)status);
  return 0;
}
