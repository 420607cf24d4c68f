/* Sorting: quicksort (median of three, insertion sort for small ranges) and
 * top-down mergesort, written here, on 32-bit integers and on strings
 * (pointer arrays compared with strcmp). Every result is checked sorted and
 * the two algorithms must agree. Size argument: thousands of integers
 * (default 4000); strings are a quarter of that. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t nextRandom(void) {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545F4914F6CDD1Dull;
}

static void insertionInts(int32_t *a, long lo, long hi) {
  for (long i = lo + 1; i <= hi; ++i) {
    int32_t v = a[i];
    long j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
}
static void quickInts(int32_t *a, long lo, long hi) {
  while (hi - lo > 16) {
    long mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) {
      int32_t t = a[mid];
      a[mid] = a[lo];
      a[lo] = t;
    }
    if (a[hi] < a[lo]) {
      int32_t t = a[hi];
      a[hi] = a[lo];
      a[lo] = t;
    }
    if (a[hi] < a[mid]) {
      int32_t t = a[hi];
      a[hi] = a[mid];
      a[mid] = t;
    }
    int32_t pivot = a[mid];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot)
        ++i;
      while (a[j] > pivot)
        --j;
      if (i <= j) {
        int32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        ++i;
        --j;
      }
    }
    if (j - lo < hi - i) { /* recurse into the smaller half */
      quickInts(a, lo, j);
      lo = i;
    } else {
      quickInts(a, i, hi);
      hi = j;
    }
  }
  insertionInts(a, lo, hi);
}
static void mergeInts(int32_t *a, int32_t *tmp, long n) {
  if (n < 2)
    return;
  long h = n / 2;
  mergeInts(a, tmp, h);
  mergeInts(a + h, tmp, n - h);
  long i = 0, j = h, k = 0;
  while (i < h && j < n)
    tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
  while (i < h)
    tmp[k++] = a[i++];
  while (j < n)
    tmp[k++] = a[j++];
  memcpy(a, tmp, (size_t)n * sizeof *a);
}

static void quickStrings(char **a, long lo, long hi) {
  while (hi > lo) {
    char *pivot = a[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (strcmp(a[i], pivot) < 0)
        ++i;
      while (strcmp(a[j], pivot) > 0)
        --j;
      if (i <= j) {
        char *t = a[i];
        a[i] = a[j];
        a[j] = t;
        ++i;
        --j;
      }
    }
    if (j - lo < hi - i) {
      quickStrings(a, lo, j);
      lo = i;
    } else {
      quickStrings(a, i, hi);
      hi = j;
    }
  }
}
static void mergeStrings(char **a, char **tmp, long n) {
  if (n < 2)
    return;
  long h = n / 2;
  mergeStrings(a, tmp, h);
  mergeStrings(a + h, tmp, n - h);
  long i = 0, j = h, k = 0;
  while (i < h && j < n)
    tmp[k++] = strcmp(a[j], a[i]) < 0 ? a[j++] : a[i++];
  while (i < h)
    tmp[k++] = a[i++];
  while (j < n)
    tmp[k++] = a[j++];
  memcpy(a, tmp, (size_t)n * sizeof *a);
}

int main(int argc, char **argv) {
  long thousands = argc > 1 ? atol(argv[1]) : 4000;
  if (thousands < 1) {
    fprintf(stderr, "usage: sorting [thousands >= 1]\n");
    return 2;
  }
  long n = thousands * 1000;
  int32_t *orig = malloc((size_t)n * 4), *q = malloc((size_t)n * 4), *m = malloc((size_t)n * 4),
          *tmp = malloc((size_t)n * 4);
  for (long i = 0; i < n; ++i)
    orig[i] = (int32_t)(nextRandom() % 1000000007) - 500000000;
  memcpy(q, orig, (size_t)n * 4);
  memcpy(m, orig, (size_t)n * 4);
  quickInts(q, 0, n - 1);
  mergeInts(m, tmp, n);
  int ok = memcmp(q, m, (size_t)n * 4) == 0;
  uint64_t h = 0;
  for (long i = 0; i < n; ++i) {
    ok &= i == 0 || q[i - 1] <= q[i];
    h = h * 31 + (uint32_t)q[i];
  }
  printf("ints: %ld sorted %s min %d median %d max %d hash %016llx\n", n, ok ? "ok" : "FAILED",
         q[0], q[n / 2], q[n - 1], (unsigned long long)h);

  long ns = n / 4;
  char *pool = malloc((size_t)ns * 16);
  char **sq = malloc((size_t)ns * sizeof(char *)), **sm = malloc((size_t)ns * sizeof(char *)),
       **stmp = malloc((size_t)ns * sizeof(char *));
  for (long i = 0; i < ns; ++i) {
    char *s = pool + i * 16;
    int len = 4 + (int)(nextRandom() % 11);
    int prefix = (int)(nextRandom() % 4); /* shared prefixes make strcmp work harder */
    for (int k = 0; k < len; ++k)
      s[k] = k < prefix ? 'q' : (char)('a' + nextRandom() % 26);
    s[len] = 0;
    sq[i] = sm[i] = s;
  }
  quickStrings(sq, 0, ns - 1);
  mergeStrings(sm, stmp, ns);
  int sok = 1;
  uint64_t sh = 0;
  for (long i = 0; i < ns; ++i) {
    sok &= strcmp(sq[i], sm[i]) == 0 && (i == 0 || strcmp(sq[i - 1], sq[i]) <= 0);
    for (const char *p = sq[i]; *p; ++p)
      sh = sh * 131 + (unsigned char)*p;
  }
  printf("strings: %ld sorted %s first %s last %s hash %016llx\n", ns, sok ? "ok" : "FAILED", sq[0],
         sq[ns - 1], (unsigned long long)sh);
  free(orig);
  free(q);
  free(m);
  free(tmp);
  free(pool);
  free(sq);
  free(sm);
  free(stmp);
  return !(ok && sok);
}
