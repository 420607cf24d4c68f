/* Calling-convention checks: variadic functions mixing ints, longs, doubles
 * and pointers (on riscv64 variadic doubles travel in integer registers, and
 * past eight arguments on the stack), small and large structs by value,
 * many-argument calls, and vsnprintf through a va_list. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct Small {
  int a;
  float b;
};
struct Pair {
  double x, y;
};
struct Big {
  long v[6];
  char tag[9];
};

static double sumMixed(const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  double total = 0;
  for (const char *t = types; *t; ++t) {
    switch (*t) {
    case 'i': total += va_arg(ap, int); break;
    case 'l': total += (double)va_arg(ap, long); break;
    case 'd': total += va_arg(ap, double); break;
    case 's': total += (double)strlen(va_arg(ap, const char *)); break;
    case 'p': {
      struct Pair p = va_arg(ap, struct Pair);
      total += p.x * p.y;
      break;
    }
    }
  }
  va_end(ap);
  return total;
}

static int formatInto(char *buf, size_t n, const char *fmt, ...) {
  va_list ap, copy;
  va_start(ap, fmt);
  va_copy(copy, ap);
  int len = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  int len2 = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return len == len2 ? len : -1;
}

static __attribute__((noinline)) long manyArgs(long a, long b, long c, long d, long e, long f,
                                               long g, long h, long i, long j, double x0, double x1,
                                               double x2, double x3, double x4, double x5,
                                               double x6, double x7, double x8, float x9) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j +
         (long)(x0 + 2 * x1 + 3 * x2 + 4 * x3 + 5 * x4 + 6 * x5 + 7 * x6 + 8 * x7 + 9 * x8 +
                10 * x9);
}

static __attribute__((noinline)) struct Small makeSmall(int a, float b) {
  struct Small s = {a, b};
  return s;
}
static __attribute__((noinline)) struct Pair swapPair(struct Pair p) {
  struct Pair r = {p.y, p.x};
  return r;
}
static __attribute__((noinline)) struct Big bumpBig(struct Big b, long k) {
  for (int i = 0; i < 6; ++i)
    b.v[i] += k * i;
  b.tag[0] = 'B';
  return b;
}

int main(void) {
  struct Pair p = {1.5, 4.0};
  printf("sumMixed = %.4f\n", sumMixed("idlisdpidldidd", 1, 2.5, -3L, 4, "hello", 0.25, p, 7, 1e3,
                                       9000000000L, 0.5, -11, 0.125, 1.0));
  char buf[128];
  int len = formatInto(buf, sizeof buf, "%s|%5d|%-6.2f|%c|%lx|%p", "va", 42, 3.14159, 'Z',
                       0xdeadbeefUL, (void *)0);
  printf("formatInto %d: %s\n", len, buf);
  printf("manyArgs = %ld\n", manyArgs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5,
                                      6.5, 7.5, 8.5, 9.5f));
  struct Small s = makeSmall(-5, 2.75f);
  printf("small %d %.2f\n", s.a, (double)s.b);
  struct Pair q = swapPair(p);
  printf("pair %.2f %.2f\n", q.x, q.y);
  struct Big b = {{1, 2, 3, 4, 5, 6}, "abcdefgh"};
  struct Big c = bumpBig(b, 100);
  printf("big %ld %ld %ld %s | original %ld %s\n", c.v[0], c.v[3], c.v[5], c.tag, b.v[5], b.tag);
  return 0;
}
