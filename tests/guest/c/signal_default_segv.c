// A fault with no handler installed ends the process with SIGSEGV (the
// shell sees 128 + 11), after the output written before it.
#include <stdio.h>

int main(void) {
  printf("before the fault\n");
  fflush(stdout);
  volatile int *bad = (volatile int *)16;
  *bad = 1;
  printf("not reached\n");
  return 0;
}
