/* malloc-heavy: many sizes (tiny to mmap-sized), realloc growth and shrink,
 * calloc zeroing, frees in random order; every block is filled with a pattern
 * and verified before being freed; prints checksums. Exercises brk, mmap,
 * munmap and mremap paths of the emulator through glibc's allocator. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rngState = 88172645463325252ull;
static uint64_t nextRandom(void) {
  rngState ^= rngState << 13;
  rngState ^= rngState >> 7;
  rngState ^= rngState << 17;
  return rngState;
}

struct Block {
  unsigned char *data;
  size_t size;
  unsigned char seed;
};

static void fill(struct Block *b) {
  for (size_t i = 0; i < b->size; ++i)
    b->data[i] = (unsigned char)(b->seed + i * 7);
}
static int verify(const struct Block *b, size_t upTo) {
  for (size_t i = 0; i < upTo; ++i)
    if (b->data[i] != (unsigned char)(b->seed + i * 7))
      return 0;
  return 1;
}
static size_t randomSize(void) {
  uint64_t r = nextRandom() % 1000;
  if (r < 600)
    return 1 + nextRandom() % 64; /* tcache / fastbin sizes */
  if (r < 900)
    return 65 + nextRandom() % 4000; /* small bins */
  if (r < 990)
    return 4096 + nextRandom() % 120000; /* large bins, top chunk growth */
  return 200000 + nextRandom() % 800000; /* mmap threshold and above */
}

int main(void) {
  enum { kSlots = 1500, kRounds = 30000 };
  static struct Block blocks[kSlots];
  uint64_t checksum = 0;
  unsigned long allocations = 0, reallocs = 0, frees = 0, failures = 0;
  for (int round = 0; round < kRounds; ++round) {
    struct Block *b = &blocks[nextRandom() % kSlots];
    uint64_t action = nextRandom() % 10;
    if (b->data == NULL) {
      b->size = randomSize();
      b->seed = (unsigned char)nextRandom();
      if (action < 2) {
        b->data = calloc(b->size, 1);
        for (size_t i = 0; b->data && i < b->size; ++i)
          if (b->data[i] != 0) {
            printf("calloc not zeroed\n");
            return 1;
          }
      } else {
        b->data = malloc(b->size);
      }
      if (!b->data) {
        printf("allocation of %zu failed\n", b->size);
        return 1;
      }
      fill(b);
      ++allocations;
    } else if (action < 4) {
      size_t newSize = action < 2 ? b->size * 2 + nextRandom() % 300 : b->size / 2 + 1;
      size_t keep = newSize < b->size ? newSize : b->size;
      unsigned char *p = realloc(b->data, newSize);
      if (!p) {
        printf("realloc failed\n");
        return 1;
      }
      b->data = p;
      if (!verify(b, keep))
        ++failures;
      b->size = newSize;
      fill(b);
      ++reallocs;
    } else {
      if (!verify(b, b->size))
        ++failures;
      for (size_t i = 0; i < b->size; i += 61)
        checksum = checksum * 31 + b->data[i];
      free(b->data);
      b->data = NULL;
      ++frees;
    }
  }
  size_t live = 0;
  for (int i = 0; i < kSlots; ++i)
    if (blocks[i].data) {
      if (!verify(&blocks[i], blocks[i].size))
        ++failures;
      live += blocks[i].size;
      free(blocks[i].data);
    }
  /* A long chain of small nodes freed in allocation order, then reversed. */
  struct Node {
    struct Node *next;
    long value;
  } *head = NULL;
  for (long i = 0; i < 100000; ++i) {
    struct Node *n = malloc(sizeof *n);
    n->next = head;
    n->value = i * i;
    head = n;
  }
  long total = 0;
  while (head) {
    struct Node *next = head->next;
    total += head->value % 1000;
    free(head);
    head = next;
  }
  printf("allocations %lu reallocs %lu frees %lu\n", allocations, reallocs, frees);
  printf("live bytes at end %zu\n", live);
  printf("checksum %016llx chain %ld\n", (unsigned long long)checksum, total);
  printf("pattern failures %lu\n", failures);
  return failures != 0;
}
