/* Floating point: dense double-precision matrix multiply, a naive i-j-k
 * version on a transposed copy and a cache-blocked i-k-j version, which must
 * agree exactly. Entries are small multiples of 1/8, so every product and
 * partial sum is exact in double precision: the checksum is independent of
 * summation order and of fused multiply-add. Size argument: matrix order
 * (default 1100). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1100;
  if (n < 1 || n > 8192) {
    fprintf(stderr, "usage: matmul [order 1..8192]\n");
    return 2;
  }
  size_t cells = (size_t)n * (size_t)n;
  double *a = malloc(cells * sizeof *a), *b = malloc(cells * sizeof *b);
  double *bt = malloc(cells * sizeof *bt), *c1 = malloc(cells * sizeof *c1);
  double *c2 = calloc(cells, sizeof *c2);
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) {
      a[i * n + j] = (double)((i * 7 + j * 3) % 17 - 8) / 8.0;
      b[i * n + j] = (double)((i * 5 + j * 11) % 13 - 6) / 8.0;
    }
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j)
      bt[j * n + i] = b[i * n + j];
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j) {
      double s = 0;
      const double *ra = a + i * n, *rb = bt + j * n;
      for (long k = 0; k < n; ++k)
        s += ra[k] * rb[k];
      c1[i * n + j] = s;
    }
  enum { kBlock = 64 };
  for (long ii = 0; ii < n; ii += kBlock)
    for (long kk = 0; kk < n; kk += kBlock)
      for (long i = ii; i < ii + kBlock && i < n; ++i)
        for (long k = kk; k < kk + kBlock && k < n; ++k) {
          double aik = a[i * n + k];
          const double *rb = b + k * n;
          double *rc = c2 + i * n;
          for (long j = 0; j < n; ++j)
            rc[j] += aik * rb[j];
        }
  int same = memcmp(c1, c2, cells * sizeof *c1) == 0;
  double trace = 0, total = 0;
  uint64_t h = 0;
  for (long i = 0; i < n; ++i) {
    trace += c1[i * n + i];
    for (long j = 0; j < n; ++j) {
      total += c1[i * n + j];
      h = h * 1099511628211ull + (uint64_t)(int64_t)(c1[i * n + j] * 64.0);
    }
  }
  printf("matmul %ldx%ld: versions agree %s, trace %.6f total %.6f hash %016llx\n", n, n,
         same ? "yes" : "NO", trace, total, (unsigned long long)h);
  free(a);
  free(b);
  free(bt);
  free(c1);
  free(c2);
  return !same;
}
