/* Exit paths: atexit handlers run in reverse order, stdio buffers are
 * flushed at exit, and the status passed to exit() reaches the host (42,
 * recorded in exit_status.status). */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit handler registered first (runs last)\n"); }
static void second(void) { printf("atexit handler registered second (runs first)\n"); }

int main(void) {
  atexit(first);
  atexit(second);
  setvbuf(stdout, NULL, _IOFBF, 1 << 16); /* only exit() flushes this */
  printf("buffered line before exit\n");
  exit(42);
}
