// Precise guest state in a hot loop (tier 2's acceptance test): a loop that
// runs long enough to be compiled by every tier that compiles stores to a
// page that the loop itself makes read-only now and then. The SIGSEGV
// handler checks the ucontext against what the loop holds in its registers
// at the faulting store (pc on the store itself, the address, the value
// and the loop counter in s2, s3, s4, the counter's copy in memory),
// unprotects the page and returns, so the store runs again and succeeds.
// Every tier must print the same lines.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ucontext.h>
#include <unistd.h>

// Tier 1 runs the first 30 million iterations in some 0.2 s, far longer
// than tier 2 takes to compile the loop.
enum { kIterations = 40000000, kFirstFault = 30000000, kFaultEvery = 2000000 };

static uint64_t *page;
static long pageSize;
static volatile uint64_t expectedIteration;
static volatile int faults, badPc, badAddress, badValue, badCounter, badCode;

// sd s3, 0(s2): the one store that faults (never compressed: s2, s3 are
// outside the registers c.sd can name).
static const uint32_t kStoreEncoding = 0x01393023;

static void onSegv(int signal, siginfo_t *info, void *context) {
  ucontext_t *uc = context;
  const unsigned long *regs = uc->uc_mcontext.__gregs;
  faults++;
  uint32_t word;
  memcpy(&word, (const void *)regs[REG_PC], sizeof word);
  badPc += word != kStoreEncoding;
  badAddress += regs[18] != (uintptr_t)info->si_addr;
  badValue += regs[19] != regs[20] * 3 + 7;
  badCounter += regs[20] != expectedIteration;
  badCode += signal != SIGSEGV || info->si_code != SEGV_ACCERR;
  mprotect(page, pageSize, PROT_READ | PROT_WRITE);
}

int main(void) {
  pageSize = sysconf(_SC_PAGESIZE);
  page = mmap(NULL, pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED)
    return 1;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = onSegv;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &action, NULL);

  const uint64_t slots = (uint64_t)pageSize / sizeof(uint64_t);
  for (uint64_t i = 0; i < kIterations; ++i) {
    if (i >= kFirstFault && (i - kFirstFault) % kFaultEvery == 0)
      mprotect(page, pageSize, PROT_READ);
    expectedIteration = i;
    register uint64_t *address asm("s2") = &page[(i * 7) % slots];
    register uint64_t value asm("s3") = i * 3 + 7;
    register uint64_t counter asm("s4") = i;
    asm volatile(".option push\n\t.option norvc\n\t"
                 "sd s3, 0(s2)\n\t"
                 ".option pop"
                 :
                 : "r"(address), "r"(value), "r"(counter)
                 : "memory");
  }
  uint64_t sum = 0;
  for (uint64_t i = 0; i < slots; ++i)
    sum = sum * 31 + page[i];
  printf("faults=%d (expected %d)\n", faults, (kIterations - kFirstFault) / kFaultEvery);
  printf("handler checks: pc %s, address %s, value %s, counter %s, code %s\n",
         badPc ? "WRONG" : "ok", badAddress ? "WRONG" : "ok", badValue ? "WRONG" : "ok",
         badCounter ? "WRONG" : "ok", badCode ? "WRONG" : "ok");
  printf("page checksum %016llx\n", (unsigned long long)sum);
  return 0;
}
