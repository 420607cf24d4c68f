/* 64-bit and 32-bit integer arithmetic on edge values: mul/mulh (via
 * __int128), div/rem on every pair (the cases C leaves undefined, division
 * by zero and INT_MIN/-1, are given their RISC-V results by hand: ISA spec,
 * M extension, "Division Operations"), shifts, rotates, bit counting, overflow builtins, __int128
 * division (a libgcc call) and printing. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

static const int64_t kValues[] = {0,
                                  1,
                                  -1,
                                  2,
                                  -2,
                                  3,
                                  7,
                                  -7,
                                  10,
                                  127,
                                  -128,
                                  255,
                                  65535,
                                  INT32_MAX,
                                  INT32_MIN,
                                  (int64_t)UINT32_MAX,
                                  0x123456789abcdefLL,
                                  -0x123456789abcdefLL,
                                  INT64_MAX,
                                  INT64_MIN,
                                  INT64_MAX - 1,
                                  INT64_MIN + 1,
                                  1000000007,
                                  -999999937};
enum { kCount = sizeof kValues / sizeof kValues[0] };

static void printU128(unsigned __int128 v) {
  char buf[48];
  int i = 47;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  fputs(buf + i, stdout);
}
static void printI128(__int128 v) {
  if (v < 0) {
    putchar('-');
    printU128(-(unsigned __int128)v);
  } else {
    printU128((unsigned __int128)v);
  }
}

/* Division where C leaves the result undefined: give the RISC-V answers by
 * hand so the program is portable; the hardware path is still exercised for
 * every defined pair. */
static int64_t safeDiv(int64_t a, int64_t b) {
  if (b == 0)
    return -1;
  if (a == INT64_MIN && b == -1)
    return INT64_MIN;
  return a / b;
}
static int64_t safeRem(int64_t a, int64_t b) {
  if (b == 0)
    return a;
  if (a == INT64_MIN && b == -1)
    return 0;
  return a % b;
}

int main(void) {
  uint64_t h = 0;
  volatile int64_t sink;
  for (int i = 0; i < kCount; ++i)
    for (int j = 0; j < kCount; ++j) {
      int64_t a = kValues[i], b = kValues[j];
      uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
      __int128 prod = (__int128)a * b;
      unsigned __int128 uprod = (unsigned __int128)ua * ub;
      int64_t q = safeDiv(a, b), r = safeRem(a, b);
      uint64_t uq = ub ? ua / ub : UINT64_MAX, ur = ub ? ua % ub : ua;
      int32_t a32 = (int32_t)a, b32 = (int32_t)b;
      int32_t q32 = b32 == 0 ? -1 : (a32 == INT32_MIN && b32 == -1) ? INT32_MIN : a32 / b32;
      int32_t r32 = b32 == 0 ? a32 : (a32 == INT32_MIN && b32 == -1) ? 0 : a32 % b32;
      uint64_t vals[] = {ua * ub,
                         (uint64_t)(prod >> 64),
                         (uint64_t)(uprod >> 64),
                         (uint64_t)q,
                         (uint64_t)r,
                         uq,
                         ur,
                         (uint64_t)(int64_t)(a32 * (uint32_t)b32),
                         (uint64_t)(int64_t)q32,
                         (uint64_t)(int64_t)r32,
                         ua << (ub & 63),
                         ua >> (ub & 63),
                         (uint64_t)(a >> (ub & 63)),
                         (uint64_t)(int64_t)(int32_t)((uint32_t)a32 << (ub & 31)),
                         (uint64_t)(int64_t)(a32 >> (ub & 31))};
      for (size_t k = 0; k < sizeof vals / sizeof vals[0]; ++k)
        h = (h ^ vals[k]) * 0x100000001b3ull + (h >> 29);
      sink = q;
    }
  (void)sink;
  printf("arith hash %016" PRIx64 "\n", h);
  for (int i = 0; i < kCount; i += 3) {
    int64_t a = kValues[i];
    printf("%-22" PRId64 " /7=%-20" PRId64 " %%7=%-3" PRId64 " /-3=%-20" PRId64
           " clz=%-2d ctz=%-2d pop=%-2d rev8=%016" PRIx64 "\n",
           a, a / 7, a % 7, safeDiv(a, -3), a ? __builtin_clzll((uint64_t)a) : 64,
           a ? __builtin_ctzll((uint64_t)a) : 64, __builtin_popcountll((uint64_t)a),
           __builtin_bswap64((uint64_t)a));
  }
  printf("div edge: %" PRId64 " %" PRId64 " %" PRId64 "\n", safeDiv(INT64_MIN, -1),
         safeRem(INT64_MIN, -1), safeDiv(5, 0));
  __int128 big = (__int128)INT64_MAX * INT64_MAX;
  printf("int128 max^2 = ");
  printI128(big);
  printf("\nint128 min*max = ");
  printI128((__int128)INT64_MIN * INT64_MAX);
  unsigned __int128 f = 1;
  for (int i = 1; i <= 33; ++i)
    f *= (unsigned)i;
  printf("\n33! = ");
  printU128(f);
  const unsigned __int128 tenTo20 = (unsigned __int128)10000000000ull * 10000000000ull;
  printf("\n33! / 10^20 = ");
  printU128(f / tenTo20);
  printf(" rem ");
  printU128(f % tenTo20);
  printf("\n");
  int64_t out1, out2, out3;
  int o1 = __builtin_add_overflow(INT64_MAX, 1, &out1);
  int o2 = __builtin_mul_overflow((int64_t)0x100000000LL, (int64_t)0x100000000LL, &out2);
  int o3 = __builtin_sub_overflow((int64_t)0, INT64_MIN, &out3);
  printf("overflow: add %d (%" PRId64 ") mul %d (%" PRId64 ") sub %d (%" PRId64 ")\n", o1, out1, o2,
         out2, o3, out3);
  uint32_t w = 0x80000001u;
  printf("rotl32 %08x rotr64 %016" PRIx64 "\n", (w << 5) | (w >> 27),
         (uint64_t)((0x0123456789abcdefull >> 12) | (0x0123456789abcdefull << 52)));
  /* Collatz: a data-dependent loop over 64-bit values. */
  uint64_t longest = 0, best = 0;
  for (uint64_t n = 1; n < 30000; ++n) {
    uint64_t x = n, steps = 0;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x >> 1;
      ++steps;
    }
    if (steps > longest) {
      longest = steps;
      best = n;
    }
  }
  printf("collatz below 30000: %" PRIu64 " takes %" PRIu64 " steps\n", best, longest);
  return 0;
}
