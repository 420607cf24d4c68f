// How guest threads end: main calls pthread_exit while detached workers go
// on (the process lives until the last one), a joined thread's result, and
// a worker calling exit(3) ends every thread with status 3 (exit_group)
// while main waits in pthread_join.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t gLock = PTHREAD_MUTEX_INITIALIZER;
static int gFinished;

static void *ender(void *arg) {
  (void)arg;
  usleep(20000);
  printf("last worker: %d finished before it, ending the process\n", gFinished);
  fflush(stdout);
  exit(3); // exit_group: main is still blocked in pthread_join
}

static void *finisher(void *arg) {
  usleep(1000 * (int)(long)arg);
  pthread_mutex_lock(&gLock);
  ++gFinished;
  pthread_mutex_unlock(&gLock);
  return NULL;
}

static void *joiner(void *arg) {
  pthread_t *finishers = arg;
  for (int i = 0; i < 3; ++i)
    pthread_join(finishers[i], NULL);
  pthread_t last;
  pthread_create(&last, NULL, ender, NULL);
  pthread_join(last, NULL);
  printf("FAIL: exit(3) did not end the process\n");
  return NULL;
}

int main(void) {
  static pthread_t finishers[3];
  for (long i = 0; i < 3; ++i)
    pthread_create(&finishers[i], NULL, finisher, (void *)(i + 1));
  pthread_t thread;
  pthread_create(&thread, NULL, joiner, finishers);
  printf("main: pthread_exit, the others go on\n");
  fflush(stdout);
  pthread_exit(NULL);
}
