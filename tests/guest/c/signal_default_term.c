// Default actions end the process as on Linux: an ignored SIGCHLD and a
// default-ignored SIGWINCH do nothing, then SIGTERM with the default
// disposition kills the process (the shell sees 128 + 15).
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  raise(SIGWINCH); // default action: ignore
  signal(SIGCHLD, SIG_IGN);
  raise(SIGCHLD);
  printf("still running after SIGWINCH and SIGCHLD\n");
  fflush(stdout);
  kill(getpid(), SIGTERM);
  printf("not reached\n");
  return 0;
}
