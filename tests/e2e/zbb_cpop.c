// Runs one Zbb instruction (cpop): with -cpu rv64,zbb=off it must raise
// SIGILL (status 128 + 4); by default it prints the population count.
#include <stdio.h>

int main(int argc, char **argv) {
  (void)argv;
  unsigned long x = (unsigned long)argc + 0xf0, count;
  __asm__ volatile("cpop %0, %1" : "=r"(count) : "r"(x));
  printf("cpop=%lu\n", count);
  return 0;
}
