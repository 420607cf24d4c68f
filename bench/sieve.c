/* Integer kernel: sieve of Eratosthenes over a byte array, repeated, plus a
 * prime-gap histogram. Size argument: sieve limit in units of 100000
 * (default 500 = 50 million), run 5 times. Prints prime count and checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  long scale = argc > 1 ? atol(argv[1]) : 500;
  if (scale < 1) {
    fprintf(stderr, "usage: sieve [size >= 1]\n");
    return 2;
  }
  size_t limit = (size_t)scale * 100000;
  unsigned char *composite = malloc(limit + 1);
  if (!composite)
    return 1;
  uint64_t checksum = 0;
  size_t count = 0;
  for (int rep = 0; rep < 5; ++rep) {
    memset(composite, 0, limit + 1);
    composite[0] = composite[1] = 1;
    for (size_t i = 2; i * i <= limit; ++i)
      if (!composite[i])
        for (size_t j = i * i; j <= limit; j += i)
          composite[j] = 1;
    count = 0;
    size_t last = 2, gaps[64] = {0};
    for (size_t i = 2; i <= limit; ++i)
      if (!composite[i]) {
        ++count;
        size_t gap = i - last;
        gaps[gap / 2 < 63 ? gap / 2 : 63]++;
        last = i;
        checksum = checksum * 0x9E3779B97F4A7C15ull + i;
      }
    for (int g = 0; g < 64; ++g)
      checksum ^= gaps[g] << (g % 32);
  }
  printf("primes up to %zu: %zu\n", limit, count);
  printf("checksum %016llx\n", (unsigned long long)checksum);
  free(composite);
  return 0;
}
