/* A guest that generates code at run time, as JIT compilers do: it writes a
 * function into an RWX mapping, makes it visible with
 * __builtin___clear_cache (Linux's riscv_flush_icache), calls it, and
 * rewrites it in place many times, each version hot before the next.
 * Also rewrites code on the same page as code that keeps running, and
 * uses a W^X mapping flipped with mprotect. Every tier must see each new
 * version (ISA spec chapter 3: fence.i; Linux riscv_flush_icache). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef long (*Function)(long);

/* addi a0, a0, imm; ret (c.jr ra is 0x8082; use the 32-bit jalr x0, 0(ra)). */
static void emitAddImmediate(uint32_t *code, int imm) {
  code[0] = ((uint32_t)(imm & 0xfff) << 20) | (10u << 15) | (0u << 12) | (10u << 7) | 0x13;
  code[1] = 0x00008067;
}

static long runMany(Function function, long rounds) {
  long sum = 0;
  for (long i = 0; i < rounds; ++i)
    sum += function(i);
  return sum;
}

int main(void) {
  uint32_t *rwx = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
  if (rwx == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  long total = 0;
  for (int version = 0; version < 200; ++version) {
    emitAddImmediate(rwx, version);
    __builtin___clear_cache((char *)rwx, (char *)(rwx + 2));
    total += runMany((Function)rwx, 1000);
  }
  printf("rewritten in place: %ld\n", total);

  /* Two functions on one page: the second is rewritten while the first
   * stays hot. */
  emitAddImmediate(rwx + 16, 1000);
  for (int version = 0; version < 50; ++version) {
    emitAddImmediate(rwx, -version);
    __builtin___clear_cache((char *)rwx, (char *)(rwx + 18));
    total += runMany((Function)rwx, 100) + runMany((Function)(rwx + 16), 100);
  }
  printf("same page: %ld\n", total);

  /* W^X: write while RW, run while RX. */
  uint32_t *wx = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int version = 0; version < 50; ++version) {
    mprotect(wx, 4096, PROT_READ | PROT_WRITE);
    emitAddImmediate(wx, 7 * version);
    mprotect(wx, 4096, PROT_READ | PROT_EXEC);
    __builtin___clear_cache((char *)wx, (char *)(wx + 2));
    total += runMany((Function)wx, 100);
  }
  printf("w^x: %ld\n", total);
  return 0;
}
