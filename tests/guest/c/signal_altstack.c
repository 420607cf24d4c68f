// sigaltstack: a SA_ONSTACK handler runs on the alternate stack (and sees
// SS_ONSTACK from sigaltstack), a handler without it runs on the normal
// stack, and a stack overflow is caught on the alternate stack and left
// with siglongjmp, which also restores the signal mask.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *altBase;
static size_t altSize;
static volatile int onAlt, reportsOnStack, calls;
static sigjmp_buf recovery;

static int addressOnAltStack(void *p) {
  return (char *)p >= altBase && (char *)p < altBase + altSize;
}

static void usrHandler(int sig) {
  (void)sig;
  int local;
  stack_t current;
  calls++;
  onAlt = addressOnAltStack(&local);
  sigaltstack(NULL, &current);
  reportsOnStack = (current.ss_flags & SS_ONSTACK) != 0;
}

static void overflowHandler(int sig, siginfo_t *info, void *context) {
  (void)sig;
  (void)info;
  (void)context;
  int local;
  onAlt = addressOnAltStack(&local);
  siglongjmp(recovery, 1);
}

static int recurse(volatile char *previous, int depth) {
  volatile char frame[1024];
  frame[0] = (char)depth;
  frame[1023] = previous ? previous[0] : 0;
  return recurse(frame, depth + 1) + frame[1];
}

static void install(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

int main(void) {
  altSize = 64 * 1024;
  altBase = malloc(altSize);
  stack_t ss = {.ss_sp = altBase, .ss_size = altSize, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) {
    perror("sigaltstack");
    return 1;
  }
  stack_t tooSmall = {.ss_sp = altBase, .ss_size = 512, .ss_flags = 0};
  printf("too small rejected: %d\n", sigaltstack(&tooSmall, NULL) != 0);

  install(SIGUSR1, usrHandler, SA_ONSTACK);
  raise(SIGUSR1);
  printf("SA_ONSTACK: calls=%d on alt stack=%d SS_ONSTACK=%d\n", calls, onAlt, reportsOnStack);

  install(SIGUSR1, usrHandler, 0);
  raise(SIGUSR1);
  printf("no SA_ONSTACK: calls=%d on alt stack=%d SS_ONSTACK=%d\n", calls, onAlt, reportsOnStack);

  stack_t now;
  sigaltstack(NULL, &now);
  printf("outside handler: flags=%d size ok=%d\n", now.ss_flags, now.ss_size == altSize);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = overflowHandler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  onAlt = 0;
  if (sigsetjmp(recovery, 1) == 0) {
    recurse(NULL, 0);
    printf("recursion returned?\n");
  } else {
    sigset_t mask;
    sigprocmask(SIG_SETMASK, NULL, &mask);
    printf("stack overflow caught: on alt stack=%d SIGSEGV blocked after siglongjmp=%d\n", onAlt,
           sigismember(&mask, SIGSEGV));
  }
  return 0;
}
