/* Tiercel demo workload (run by tools/demo.sh under tiercel-riscv64): a small
 * but real riscv64 program that draws the Mandelbrot set in ASCII, finds
 * primes with a sieve, and compresses a generated paragraph with run-length
 * + LZ77 coding, verifying the round trip. Everything it prints can be
 * checked by eye. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mandelbrot(void) {
  /* Characters darken with the iteration count at escape; '@' never escapes. */
  const char *shades = " .:-=+*#%";
  const int thresholds[8] = {2, 3, 4, 6, 9, 14, 24, 50};
  printf("Mandelbrot set (x in [-2.2, 0.8], y in [-1.2, 1.2]):\n");
  for (int row = 0; row < 24; ++row) {
    double ci = -1.2 + 2.4 * row / 23.0;
    char line[73];
    for (int col = 0; col < 72; ++col) {
      double cr = -2.2 + 3.0 * col / 71.0, zr = 0, zi = 0;
      int it = 0;
      while (it < 200 && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        ++it;
      }
      int shade = 0;
      while (shade < 8 && it > thresholds[shade])
        ++shade;
      line[col] = it == 200 ? '@' : shades[shade];
    }
    line[72] = 0;
    printf("  |%s|\n", line);
  }
}

static void primes(void) {
  enum { kLimit = 1000000 };
  static unsigned char composite[kLimit + 1];
  long count = 0, last = 0, twin = 0;
  for (long i = 2; i <= kLimit; ++i) {
    if (composite[i])
      continue;
    ++count;
    if (last && i - last == 2)
      ++twin;
    last = i;
    for (long j = i * i; j <= kLimit; j += i)
      composite[j] = 1;
  }
  printf("Primes below %d: %ld (largest %ld), twin-prime pairs: %ld\n", kLimit, count, last, twin);
}

/* LZ77 with a 4 KiB window: tokens are (offset, length, next byte). */
static size_t lzCompress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t ip = 0, op = 0;
  while (ip < n) {
    size_t best = 0, bestOff = 0;
    size_t start = ip > 4095 ? ip - 4095 : 0;
    for (size_t cand = start; cand < ip; ++cand) {
      size_t len = 0;
      while (len < 255 && ip + len + 1 < n && in[cand + len] == in[ip + len])
        ++len;
      if (len > best) {
        best = len;
        bestOff = ip - cand;
      }
    }
    out[op++] = (unsigned char)(bestOff >> 8);
    out[op++] = (unsigned char)bestOff;
    out[op++] = (unsigned char)best;
    out[op++] = in[ip + best];
    ip += best + 1;
  }
  return op;
}
static size_t lzDecompress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t op = 0;
  for (size_t ip = 0; ip + 3 < n; ip += 4) {
    size_t off = (size_t)in[ip] << 8 | in[ip + 1], len = in[ip + 2];
    for (size_t k = 0; k < len; ++k, ++op)
      out[op] = out[op - off];
    out[op++] = in[ip + 3];
  }
  return op;
}

static void compression(void) {
  static const char *const words[] = {"guest", "host", "register",   "block",       "tier", "cache",
                                      "the",   "a",    "translated", "interpreter", "runs", "code"};
  static unsigned char text[24000], packed[48000], unpacked[24000];
  uint32_t seed = 2024;
  size_t n = 0;
  while (n + 16 < sizeof text) {
    seed = seed * 1103515245u + 12345u;
    n += (size_t)sprintf((char *)text + n, "%s ", words[(seed >> 16) % 12]);
  }
  size_t packedSize = lzCompress(text, n, packed);
  size_t back = lzDecompress(packed, packedSize, unpacked);
  int ok = back == n && memcmp(text, unpacked, n) == 0;
  printf("LZ77: %zu bytes of text -> %zu bytes (%.1f%%), round trip %s\n", n, packedSize,
         100.0 * (double)packedSize / (double)n, ok ? "verified" : "FAILED");
  printf("  text begins: \"%.60s...\"\n", (const char *)text);
}

int main(void) {
  printf("Hello from a riscv64 guest running under Tiercel.\n\n");
  mandelbrot();
  printf("\n");
  primes();
  compression();
  return 0;
}
