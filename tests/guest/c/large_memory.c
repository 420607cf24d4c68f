/* Large memory regions: a 64 MiB zero-initialized .bss array touched
 * sparsely, a 2 MiB array on the stack, anonymous mmap of 96 MiB with pages
 * touched and partially unmapped, mprotect to read-only and back, and a brk
 * grown through sbrk. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint8_t bigBss[64u << 20];

static __attribute__((noinline)) uint64_t stackArray(int seed) {
  volatile uint8_t local[2u << 20];
  for (size_t i = 0; i < sizeof local; i += 4096)
    local[i] = (uint8_t)(i / 4096 + seed);
  uint64_t sum = 0;
  for (size_t i = 0; i < sizeof local; i += 4096)
    sum += local[i];
  return sum;
}

int main(void) {
  uint64_t zeros = 0;
  for (size_t i = 0; i < sizeof bigBss; i += 4096 * 7)
    zeros += bigBss[i] == 0;
  for (size_t i = 0; i < sizeof bigBss; i += 65536)
    bigBss[i] = (uint8_t)(i >> 16);
  uint64_t sum = 0;
  for (size_t i = 0; i < sizeof bigBss; i += 65536)
    sum += bigBss[i];
  printf("bss zero pages %llu sum %llu\n", (unsigned long long)zeros, (unsigned long long)sum);
  printf("stack array sum %llu\n", (unsigned long long)stackArray(3));

  size_t len = 96u << 20;
  uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  printf("mmap page aligned %d\n", ((uintptr_t)m & 4095) == 0);
  uint64_t msum = 0;
  for (size_t i = 0; i < len; i += 4096)
    m[i] = (uint8_t)(i >> 12);
  for (size_t i = 0; i < len; i += 4096)
    msum += m[i];
  printf("mmap sum %llu\n", (unsigned long long)msum);
  if (munmap(m + (32u << 20), 32u << 20) != 0) {
    perror("munmap middle");
    return 1;
  }
  if (mprotect(m, 4096, PROT_READ) != 0 || mprotect(m, 4096, PROT_READ | PROT_WRITE) != 0) {
    perror("mprotect");
    return 1;
  }
  m[0] = 99;
  m[(64u << 20) + 5] = 7;
  printf("after partial munmap: %u %u %u\n", m[0], m[4096], m[(64u << 20) + 5]);
  munmap(m, 32u << 20);
  munmap(m + (64u << 20), 32u << 20);

  void *oldBreak = sbrk(0);
  char *grown = sbrk(1 << 20);
  if (grown == (void *)-1) {
    perror("sbrk");
    return 1;
  }
  memset(grown, 0x5a, 1 << 20);
  printf("sbrk grew by %ld, last byte %02x\n", (long)((char *)sbrk(0) - (char *)oldBreak),
         (unsigned char)grown[(1 << 20) - 1]);
  return 0;
}
