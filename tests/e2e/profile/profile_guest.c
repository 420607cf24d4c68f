// A guest for the profile tests. Modes:
//   compute N   sum a hash over N rounds, print it, exit 0
//   serve N     compute N rounds, print "ready", block reading stdin until
//               EOF (a server waiting for work), compute again, exit 0
//   spin        compute until killed
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static unsigned long mix(unsigned long value, unsigned long round) {
  value ^= value >> 29;
  value *= 0xbf58476d1ce4e5b9ul;
  if (value & 1)
    value += round;
  else
    value ^= round << 7;
  return value;
}

__attribute__((noinline)) static unsigned long compute(unsigned long rounds) {
  unsigned long value = 0x9e3779b97f4a7c15ul;
  for (unsigned long round = 0; round < rounds; ++round)
    value = mix(value, round);
  return value;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  if (strcmp(argv[1], "spin") == 0) {
    volatile unsigned long sink;
    for (unsigned long round = 1;; ++round)
      sink = compute(100000 * round);
  }
  if (argc < 3)
    return 2;
  unsigned long rounds = strtoul(argv[2], NULL, 0);
  printf("compute %lx\n", compute(rounds));
  fflush(stdout);
  if (strcmp(argv[1], "serve") == 0) {
    puts("ready");
    fflush(stdout);
    char buffer[256];
    while (read(0, buffer, sizeof buffer) > 0) {
    }
    printf("compute %lx\n", compute(rounds));
  }
  return 0;
}
