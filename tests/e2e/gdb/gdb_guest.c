// Guest program of the GDB e2e test (gdb_cases.py): functions to break in,
// a global to watch, a table to read and write, and an exit status that
// depends on what the debugger changed.
#include <stdio.h>

volatile long counter = 0;
long table[4] = {1, 2, 3, 4};

__attribute__((noinline)) long add_values(long a, long b) {
  long sum = a + b;
  counter += sum;
  return sum;
}

__attribute__((noinline)) long scaled(long x) { return x * 3; }

int main(void) {
  long result = add_values(40, 2);
  printf("result=%ld\n", result);
  table[1] = scaled(result);
  counter = counter + 1;
  printf("table=%ld,%ld,%ld,%ld counter=%ld\n", table[0], table[1], table[2], table[3], counter);
  return (int)(result & 0x7f);
}
