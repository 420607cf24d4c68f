/* Recursion-heavy code: Ackermann, naive Fibonacci, mutual recursion, Towers
 * of Hanoi, a recursive permutation generator and a deep (100k frames)
 * recursion with sizeable frames, which needs the 8 MiB default stack.
 * Exercises calls/returns (return-address prediction in the JIT tiers). */
#include <stdio.h>
#include <string.h>

static unsigned long ackermann(unsigned long m, unsigned long n) {
  if (m == 0)
    return n + 1;
  if (n == 0)
    return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int isOdd(unsigned n);
static int isEven(unsigned n) { return n == 0 ? 1 : isOdd(n - 1); }
static int isOdd(unsigned n) { return n == 0 ? 0 : isEven(n - 1); }

static unsigned long hanoiMoves, hanoiChecksum;
static void hanoi(int n, int from, int to, int via) {
  if (n == 0)
    return;
  hanoi(n - 1, from, via, to);
  ++hanoiMoves;
  hanoiChecksum = hanoiChecksum * 3 + (unsigned long)(from * 3 + to);
  hanoi(n - 1, via, to, from);
}

static unsigned long permCount, permHash;
static void permute(char *s, int k, int n) {
  if (k == n) {
    ++permCount;
    for (int i = 0; i < n; ++i)
      permHash = permHash * 31 + (unsigned char)s[i];
    return;
  }
  for (int i = k; i < n; ++i) {
    char t = s[k];
    s[k] = s[i];
    s[i] = t;
    permute(s, k + 1, n);
    t = s[k];
    s[k] = s[i];
    s[i] = t;
  }
}

/* Keeps a frame of ~40 bytes live per level so the stack really grows. */
static __attribute__((noinline)) long deep(long n, volatile char *prev) {
  volatile char frame[40];
  frame[0] = (char)n;
  frame[39] = prev ? prev[0] : 0;
  if (n == 0)
    return frame[39];
  return deep(n - 1, frame) + (frame[0] & 1);
}

int main(void) {
  printf("ackermann(2,3)=%lu ackermann(3,5)=%lu ackermann(3,7)=%lu\n", ackermann(2, 3),
         ackermann(3, 5), ackermann(3, 7));
  printf("fib(27)=%lu\n", fib(27));
  printf("isEven(10001)=%d isOdd(7777)=%d\n", isEven(10001), isOdd(7777));
  hanoi(18, 0, 2, 1);
  printf("hanoi(18): %lu moves checksum %lu\n", hanoiMoves, hanoiChecksum);
  char s[] = "abcdefgh";
  permute(s, 0, (int)strlen(s));
  printf("permutations of %s: %lu hash %lu\n", s, permCount, permHash);
  printf("deep(100000)=%ld\n", deep(100000, NULL));
  return 0;
}
