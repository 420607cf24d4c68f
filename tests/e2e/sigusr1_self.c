// Sends itself SIGUSR1 (left at its default action: terminate) and then
// exits 0 if it is still alive. Under `-d stats` tiercel-riscv64 prints its
// statistics instead of ending the guest; without it the guest dies.
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  kill(getpid(), SIGUSR1);
  puts("alive after SIGUSR1");
  return 0;
}
