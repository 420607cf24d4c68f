/* setjmp/longjmp: non-local exits from deep recursion, callee-saved integer
 * and FP registers preserved across setjmp, volatile locals, nested jump
 * buffers, and sigsetjmp/siglongjmp with a saved signal mask. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf outer, inner;
static int depthReached;

static void recurse(int depth, int target) {
  char pad[64];
  pad[depth % 64] = (char)depth;
  depthReached = depth + pad[depth % 64] - (char)depth;
  if (depth == target)
    longjmp(outer, depth);
  recurse(depth + 1, target);
}

static int nestedLevel(int n) {
  if (setjmp(inner) == 0) {
    if (n > 0)
      longjmp(inner, n);
    return -1;
  }
  return n * 10;
}

static double fpWork(double x) {
  double a = x * 1.5, b = x * 2.5, c = x - 1.0;
  jmp_buf local;
  if (setjmp(local) == 0) {
    double d = a * b + c; /* clobbers FP temporaries */
    if (d > -1e300)
      longjmp(local, 1);
  }
  return a + b + c; /* fs registers must be restored to their setjmp values */
}

int main(void) {
  for (volatile int target = 1; target <= 2000; target *= 3) {
    int r = setjmp(outer);
    if (r == 0) {
      recurse(0, target);
      printf("recursion returned normally?\n");
      return 1;
    }
    printf("longjmp from depth %d returned %d (reached %d)\n", target, r, depthReached);
  }
  volatile int counter = 0;
  jmp_buf loop;
  int v = setjmp(loop);
  counter++;
  if (v < 5)
    longjmp(loop, v + 1);
  printf("loop via longjmp: counter %d final value %d\n", counter, v);
  /* longjmp(env, 0) must make setjmp return 1. */
  volatile int zeroSeen = 0;
  if (setjmp(outer) == 0)
    longjmp(outer, 0);
  else
    zeroSeen = 1;
  printf("longjmp with 0 gives nonzero: %d\n", zeroSeen);
  printf("nested: %d %d\n", nestedLevel(0), nestedLevel(7));
  printf("fp preserved: %.3f\n", fpWork(4.0));

  sigjmp_buf sj;
  sigset_t set, old;
  sigemptyset(&set);
  sigprocmask(SIG_SETMASK, &set, NULL);
  if (sigsetjmp(sj, 1) == 0) {
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    siglongjmp(sj, 1);
  }
  sigprocmask(SIG_BLOCK, NULL, &old);
  printf("sigsetjmp restored mask: SIGUSR1 blocked = %d\n", sigismember(&old, SIGUSR1));
  return 0;
}
