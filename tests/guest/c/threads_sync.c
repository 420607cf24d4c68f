// Guest threads (pthreads): a mutex-protected counter, a condition-variable
// queue, barrier rounds, every AMO on shared counters, an LR/SC lock-free
// stack under contention, thread-local storage and join values. Every
// result is checked against what the arithmetic says it must be.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { kThreads = 4, kIterations = 20000 };

static void check(int ok, const char *what) {
  if (!ok) {
    printf("FAIL: %s\n", what);
    exit(1);
  }
}

// ---- mutex --------------------------------------------------------------
static pthread_mutex_t gMutex = PTHREAD_MUTEX_INITIALIZER;
static long gLocked;

static void *mutexWorker(void *arg) {
  (void)arg;
  for (int i = 0; i < kIterations; ++i) {
    pthread_mutex_lock(&gMutex);
    long value = gLocked;
    gLocked = value + 1;
    pthread_mutex_unlock(&gMutex);
  }
  return NULL;
}

// ---- condition variable: a bounded queue, one producer per thread ---------
enum { kQueueSize = 8, kItems = 2000 };
static pthread_mutex_t gQueueMutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gNotEmpty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t gNotFull = PTHREAD_COND_INITIALIZER;
static long gQueue[kQueueSize];
static int gHead, gCount;

static void *producer(void *arg) {
  long base = (long)(intptr_t)arg * kItems;
  for (long i = 1; i <= kItems; ++i) {
    pthread_mutex_lock(&gQueueMutex);
    while (gCount == kQueueSize)
      pthread_cond_wait(&gNotFull, &gQueueMutex);
    gQueue[(gHead + gCount) % kQueueSize] = base + i;
    ++gCount;
    pthread_cond_signal(&gNotEmpty);
    pthread_mutex_unlock(&gQueueMutex);
  }
  return NULL;
}

static long consumeAll(int producers) {
  long sum = 0;
  for (long n = 0; n < (long)producers * kItems; ++n) {
    pthread_mutex_lock(&gQueueMutex);
    while (gCount == 0)
      pthread_cond_wait(&gNotEmpty, &gQueueMutex);
    sum += gQueue[gHead];
    gHead = (gHead + 1) % kQueueSize;
    --gCount;
    pthread_cond_signal(&gNotFull);
    pthread_mutex_unlock(&gQueueMutex);
  }
  return sum;
}

// ---- barrier: each round every thread writes its slot, then checks all ----
enum { kRounds = 200 };
static pthread_barrier_t gBarrier;
static long gSlots[kThreads];
static int gBarrierErrors;

static void *barrierWorker(void *arg) {
  int self = (int)(intptr_t)arg;
  for (long round = 1; round <= kRounds; ++round) {
    gSlots[self] = round * (self + 1);
    pthread_barrier_wait(&gBarrier);
    for (int other = 0; other < kThreads; ++other)
      if (gSlots[other] != round * (other + 1))
        __atomic_add_fetch(&gBarrierErrors, 1, __ATOMIC_RELAXED);
    pthread_barrier_wait(&gBarrier);
  }
  return NULL;
}

// ---- every AMO ----------------------------------------------------------
static int64_t gAdd, gSwapSum, gAnd = -1, gOr, gXor, gMax = INT64_MIN, gMin = INT64_MAX;
static uint64_t gMaxu, gMinu = UINT64_MAX;
static int32_t gAdd32;
static int64_t gSwapCell;

static void *amoWorker(void *arg) {
  int self = (int)(intptr_t)arg;
  for (int64_t i = 1; i <= kIterations; ++i) {
    int64_t value = i * kThreads + self; // distinct across threads
    __asm__ volatile("amoadd.d zero, %1, %0" : "+A"(gAdd) : "r"((int64_t)1) : "memory");
    __asm__ volatile("amoadd.w zero, %1, %0" : "+A"(gAdd32) : "r"(1) : "memory");
    int64_t old;
    __asm__ volatile("amoswap.d.aqrl %0, %2, %1" : "=r"(old), "+A"(gSwapCell) : "r"(value) : "memory");
    __atomic_add_fetch(&gSwapSum, old, __ATOMIC_RELAXED);
    int64_t bit = ~((int64_t)1 << (value % 63));
    __asm__ volatile("amoand.d zero, %1, %0" : "+A"(gAnd) : "r"(bit) : "memory");
    __asm__ volatile("amoor.d zero, %1, %0" : "+A"(gOr) : "r"((int64_t)1 << (value % 63)) : "memory");
    __asm__ volatile("amoxor.d zero, %1, %0" : "+A"(gXor) : "r"(value) : "memory");
    __asm__ volatile("amomax.d zero, %1, %0" : "+A"(gMax) : "r"(value - 3 * kIterations) : "memory");
    __asm__ volatile("amomin.d zero, %1, %0" : "+A"(gMin) : "r"(value - 3 * kIterations) : "memory");
    __asm__ volatile("amomaxu.d zero, %1, %0" : "+A"(gMaxu) : "r"((uint64_t)value) : "memory");
    __asm__ volatile("amominu.d zero, %1, %0" : "+A"(gMinu) : "r"((uint64_t)value) : "memory");
  }
  return NULL;
}

// ---- LR/SC Treiber stack: nodes move between two stacks ------------------
enum { kNodes = 64, kMoves = 5000 };
struct Node {
  struct Node *next;
  long value;
};
static struct Node gNodes[kNodes];
static struct Node *gStackA, *gStackB;

static void push(struct Node **top, struct Node *node) {
  struct Node *seen;
  long failed;
  do {
    __asm__ volatile("lr.d.aq %0, (%1)" : "=r"(seen) : "r"(top) : "memory");
    node->next = seen;
    __asm__ volatile("sc.d.rl %0, %2, (%1)" : "=r"(failed) : "r"(top), "r"(node) : "memory");
  } while (failed);
}

static struct Node *pop(struct Node **top) {
  for (;;) {
    struct Node *seen;
    long failed;
    __asm__ volatile("lr.d.aq %0, (%1)" : "=r"(seen) : "r"(top) : "memory");
    if (seen == NULL)
      return NULL;
    struct Node *next = seen->next;
    __asm__ volatile("sc.d.rl %0, %2, (%1)" : "=r"(failed) : "r"(top), "r"(next) : "memory");
    if (!failed)
      return seen;
  }
}

static void *stackWorker(void *arg) {
  int self = (int)(intptr_t)arg;
  for (int i = 0; i < kMoves; ++i) {
    struct Node **from = (i + self) % 2 ? &gStackA : &gStackB;
    struct Node **to = from == &gStackA ? &gStackB : &gStackA;
    struct Node *node = pop(from);
    if (node != NULL)
      push(to, node);
  }
  return NULL;
}

// ---- thread-local storage and join values --------------------------------
static __thread long tCounter = 100;

static void *tlsWorker(void *arg) {
  long self = (long)(intptr_t)arg;
  for (long i = 0; i < 1000 + self; ++i)
    ++tCounter;
  return (void *)(intptr_t)(tCounter * 10 + self);
}

static void runAll(void *(*body)(void *), void **results) {
  pthread_t threads[kThreads];
  for (intptr_t i = 0; i < kThreads; ++i)
    check(pthread_create(&threads[i], NULL, body, (void *)i) == 0, "pthread_create");
  for (int i = 0; i < kThreads; ++i)
    check(pthread_join(threads[i], results ? &results[i] : NULL) == 0, "pthread_join");
}

int main(void) {
  runAll(mutexWorker, NULL);
  check(gLocked == (long)kThreads * kIterations, "mutex counter");
  printf("mutex: %ld increments\n", gLocked);

  pthread_t producers[kThreads];
  for (intptr_t i = 0; i < kThreads; ++i)
    check(pthread_create(&producers[i], NULL, producer, (void *)i) == 0, "producer");
  long sum = consumeAll(kThreads);
  for (int i = 0; i < kThreads; ++i)
    pthread_join(producers[i], NULL);
  long n = (long)kThreads * kItems;
  check(sum == n * (n + 1) / 2, "queue sum");
  printf("condvar queue: %ld items, sum %ld\n", n, sum);

  pthread_barrier_init(&gBarrier, NULL, kThreads);
  runAll(barrierWorker, NULL);
  check(gBarrierErrors == 0, "barrier rounds");
  printf("barrier: %d rounds, no torn round\n", kRounds);

  runAll(amoWorker, NULL);
  int64_t total = (int64_t)kThreads * kIterations;
  check(gAdd == total && gAdd32 == total, "amoadd");
  // Every value swapped in is swapped out once, except the one left.
  int64_t all = 0;
  for (int64_t i = 1; i <= kIterations; ++i)
    for (int self = 0; self < kThreads; ++self)
      all += i * kThreads + self;
  check(gSwapSum + gSwapCell == all, "amoswap conserves the values");
  check(gAnd == INT64_MIN && gOr == INT64_MAX, "amoand/amoor: bits 0-62 cleared and set");
  int64_t x = 0;
  for (int64_t i = 1; i <= kIterations; ++i)
    for (int self = 0; self < kThreads; ++self)
      x ^= i * kThreads + self;
  check(gXor == x, "amoxor");
  check(gMax == (int64_t)kIterations * kThreads + kThreads - 1 - 3 * kIterations, "amomax");
  check(gMin == kThreads - 3 * kIterations, "amomin");
  check(gMaxu == (uint64_t)kIterations * kThreads + kThreads - 1 && gMinu == kThreads, "amomaxu/minu");
  printf("amo: add %lld, swap, and, or, xor, max, min, maxu, minu agree\n", (long long)gAdd);

  for (int i = 0; i < kNodes; ++i) {
    gNodes[i].value = i;
    push(i % 2 ? &gStackA : &gStackB, &gNodes[i]);
  }
  runAll(stackWorker, NULL);
  long seen = 0, values = 0;
  for (struct Node **top = &gStackA; top; top = top == &gStackA ? &gStackB : NULL)
    for (struct Node *node = *top; node; node = node->next) {
      ++seen;
      values += node->value;
    }
  check(seen == kNodes && values == (long)kNodes * (kNodes - 1) / 2, "lr/sc stack keeps every node");
  printf("lr/sc stack: %d nodes moved %d times each way, none lost\n", kNodes, kMoves);

  void *results[kThreads];
  runAll(tlsWorker, results);
  for (long i = 0; i < kThreads; ++i)
    check((long)(intptr_t)results[i] == (100 + 1000 + i) * 10 + i, "tls and join value");
  check(tCounter == 100, "main's tls untouched");
  printf("tls: each thread counted on its own copy\n");
  return 0;
}
