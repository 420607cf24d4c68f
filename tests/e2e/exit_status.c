// Exits with the status given as argv[1] after printing its arguments: the
// exit status of tiercel-riscv64 must be the guest's.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  for (int i = 0; i < argc; ++i)
    printf("argv[%d]=%s\n", i, argv[i]);
  printf("TIERCEL_E2E=%s\n", getenv("TIERCEL_E2E") ? getenv("TIERCEL_E2E") : "(unset)");
  return argc > 1 ? atoi(argv[1]) : 0;
}
