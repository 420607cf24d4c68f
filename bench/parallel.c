// Parallel benchmark: `parallel THREADS [ROUNDS]` splits a fixed amount of
// work into 64 chunks that THREADS pthreads take from a shared counter
// (an atomic fetch-and-add: amoadd on riscv64), with a barrier between
// rounds. Each chunk is compute over a private working set: integer
// hashing, a small sort, floating-point accumulation. The printed checksum
// combines the chunks in chunk order, so it is the same for every thread
// count and on every machine; bench/scaling.py times 1 and 2 threads and
// reports the speed-up.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kChunks = 64, kWords = 2048 };

static int rounds = 6;
static int threadCount = 1;
static pthread_barrier_t barrier;
static uint64_t chunkResult[kChunks];
static unsigned nextChunk[64]; // one counter per round (no reset race)

static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

static int compareWords(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static uint64_t runChunk(int round, int chunk) {
  uint32_t words[kWords];
  uint64_t state = mix((uint64_t)round * kChunks + (uint64_t)chunk + 1);
  for (int i = 0; i < kWords; ++i) {
    state = mix(state + (uint64_t)i);
    words[i] = (uint32_t)state;
  }
  qsort(words, kWords, sizeof words[0], compareWords);
  uint64_t hash = 0;
  double sum = 0;
  for (int pass = 0; pass < 240; ++pass)
    for (int i = 0; i < kWords; ++i) {
      hash = mix(hash ^ words[i] ^ (uint64_t)pass);
      sum += (double)(words[i] & 0xffff) * 0.5 + (double)(hash & 0xff) * 0.25;
    }
  return hash ^ (uint64_t)sum;
}

static void *worker(void *unused) {
  (void)unused;
  for (int round = 0; round < rounds; ++round) {
    for (;;) {
      unsigned chunk = __atomic_fetch_add(&nextChunk[round], 1, __ATOMIC_RELAXED);
      if (chunk >= kChunks)
        break;
      chunkResult[chunk] ^= runChunk(round, (int)chunk);
    }
    pthread_barrier_wait(&barrier);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: parallel THREADS [ROUNDS]\n");
    return 2;
  }
  threadCount = atoi(argv[1]);
  if (argc > 2)
    rounds = atoi(argv[2]);
  if (threadCount < 1 || threadCount > 64 || rounds < 1 || rounds > 64) {
    fprintf(stderr, "parallel: THREADS must be 1..64 and ROUNDS 1..64\n");
    return 2;
  }
  pthread_barrier_init(&barrier, NULL, (unsigned)threadCount);
  pthread_t threads[64];
  for (int i = 1; i < threadCount; ++i)
    if (pthread_create(&threads[i], NULL, worker, NULL) != 0) {
      perror("pthread_create");
      return 1;
    }
  worker(NULL);
  for (int i = 1; i < threadCount; ++i)
    pthread_join(threads[i], NULL);
  uint64_t checksum = 0;
  for (int i = 0; i < kChunks; ++i)
    checksum = mix(checksum ^ chunkResult[i]);
  printf("parallel: %d rounds of %d chunks, checksum %016llx\n", rounds, kChunks,
         (unsigned long long)checksum);
  return 0;
}
