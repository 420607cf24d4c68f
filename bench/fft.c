/* Floating point: iterative radix-2 complex FFT (bit reversal, precomputed
 * twiddles, sin/cos from libm) used to multiply large random integers by
 * convolution of their base-100 digits (small digits keep the rounding
 * error far below 0.5). The rounded product is exact, so the
 * checksum is independent of FMA and summation details; it is checked
 * against schoolbook multiplication on a prefix. Size argument: log2 of the
 * transform length (default 20); the multiply is repeated 4 times. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void fft(double *re, double *im, size_t n, const double *cosT, const double *sinT,
                int inverse) {
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1)
      j ^= bit;
    j ^= bit;
    if (i < j) {
      double t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    size_t step = n / len;
    for (size_t i = 0; i < n; i += len)
      for (size_t k = 0; k < len / 2; ++k) {
        double wr = cosT[k * step], wi = inverse ? -sinT[k * step] : sinT[k * step];
        size_t u = i + k, v = i + k + len / 2;
        double xr = re[v] * wr - im[v] * wi, xi = re[v] * wi + im[v] * wr;
        re[v] = re[u] - xr;
        im[v] = im[u] - xi;
        re[u] += xr;
        im[u] += xi;
      }
  }
}

int main(int argc, char **argv) {
  int logN = argc > 1 ? atoi(argv[1]) : 20;
  if (logN < 4 || logN > 24) {
    fprintf(stderr, "usage: fft [log2 length 4..24]\n");
    return 2;
  }
  size_t n = (size_t)1 << logN, digits = n / 2;
  double *ar = malloc(n * sizeof(double)), *ai = malloc(n * sizeof(double));
  double *br = malloc(n * sizeof(double)), *bi = malloc(n * sizeof(double));
  double *cosT = malloc(n / 2 * sizeof(double)), *sinT = malloc(n / 2 * sizeof(double));
  uint32_t *x = malloc(digits * 4), *y = malloc(digits * 4);
  uint64_t *prod = malloc(n * 8);
  for (size_t k = 0; k < n / 2; ++k) {
    cosT[k] = cos(2 * M_PI * (double)k / (double)n);
    sinT[k] = sin(2 * M_PI * (double)k / (double)n);
  }
  uint64_t s = 12345, hash = 0;
  double worst = 0;
  int ok = 1;
  for (int rep = 0; rep < 4; ++rep) {
    for (size_t i = 0; i < digits; ++i) { /* little-endian base-100 digits */
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      x[i] = (uint32_t)(s >> 33) % 100;
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      y[i] = (uint32_t)(s >> 33) % 100;
    }
    for (size_t i = 0; i < n; ++i) {
      ar[i] = i < digits ? x[i] : 0;
      br[i] = i < digits ? y[i] : 0;
      ai[i] = bi[i] = 0;
    }
    fft(ar, ai, n, cosT, sinT, 0);
    fft(br, bi, n, cosT, sinT, 0);
    for (size_t i = 0; i < n; ++i) {
      double r = ar[i] * br[i] - ai[i] * bi[i], m = ar[i] * bi[i] + ai[i] * br[i];
      ar[i] = r;
      ai[i] = m;
    }
    fft(ar, ai, n, cosT, sinT, 1);
    uint64_t carry = 0;
    for (size_t i = 0; i < n; ++i) {
      double v = ar[i] / (double)n;
      double rounded = floor(v + 0.5);
      if (fabs(v - rounded) > worst)
        worst = fabs(v - rounded);
      uint64_t t = (uint64_t)rounded + carry;
      prod[i] = t % 100;
      carry = t / 100;
    }
    ok &= carry == 0;
    /* Check the low 64 product digits by schoolbook multiplication. */
    uint64_t c = 0;
    for (size_t i = 0; i < 64; ++i) {
      uint64_t acc = c;
      for (size_t k = 0; k <= i; ++k)
        acc += (uint64_t)x[k] * y[i - k];
      ok &= acc % 100 == prod[i];
      c = acc / 100;
    }
    for (size_t i = 0; i < n; ++i)
      hash = hash * 1000003 + prod[i];
  }
  printf("fft length %zu: product of two %zu-digit numbers x4, schoolbook check %s, "
         "rounding error %s, hash %016llx\n",
         n, digits * 2, ok ? "ok" : "FAILED", worst < 0.2 ? "< 0.2" : "TOO LARGE",
         (unsigned long long)hash);
  free(ar);
  free(ai);
  free(br);
  free(bi);
  free(cosT);
  free(sinT);
  free(x);
  free(y);
  free(prod);
  return !(ok && worst < 0.2);
}
