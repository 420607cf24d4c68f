// SIGSEGV handlers that inspect siginfo and the riscv64 ucontext and then
// either skip the faulting instruction (advance uc_mcontext.__gregs[REG_PC])
// or repair the faulting base register so the access is retried and works.
// Checks si_addr, si_code (SEGV_MAPERR / SEGV_ACCERR), the saved pc,
// integer registers and FP registers, and that registers written by the
// handler into the ucontext are what the interrupted code sees afterwards.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ucontext.h>
#include <unistd.h>

static volatile uintptr_t faultPc;     // address of the faulting instruction
static volatile uintptr_t faultAddr;   // address the instruction touches
static volatile int handlerMode;       // 0: skip the instruction, 1: repair a0
static volatile uintptr_t repairTarget;
static volatile int handlerCalls;
static volatile int sawCode;
static volatile int sawAddrOk, sawPcOk, sawS2Ok, sawFs0Ok;

static void segvHandler(int sig, siginfo_t *info, void *context) {
  ucontext_t *uc = context;
  handlerCalls++;
  sawCode = info->si_code;
  sawAddrOk = (uintptr_t)info->si_addr == faultAddr && sig == SIGSEGV && info->si_signo == SIGSEGV;
  sawPcOk = uc->uc_mcontext.__gregs[REG_PC] == faultPc;
  sawS2Ok = uc->uc_mcontext.__gregs[18] == 0x1234567890abcdefull; // s2 = x18
  double fs0;
  memcpy(&fs0, &uc->uc_mcontext.__fpregs.__d.__f[8], sizeof fs0); // fs0 = f8
  sawFs0Ok = fs0 == 2.5;
  if (handlerMode == 0) {
    uc->uc_mcontext.__gregs[REG_PC] += 4;             // skip the 4-byte store
    uc->uc_mcontext.__gregs[15] = 0x77;               // a5: visible after return
  } else {
    uc->uc_mcontext.__gregs[10] = repairTarget;       // a0: retry with a good pointer
  }
}

// Stores to *target with a 4-byte `sd`, s2 and fs0 holding known values;
// returns a5 after the store (0 unless the handler changed it).
static uint64_t faultingStore(uintptr_t target) {
  uint64_t a5;
  double fs0Value = 2.5;
  register uintptr_t a0 asm("a0") = target;
  __asm__ volatile(
      ".option push\n.option norvc\n"
      "li s2, 0x1234567890abcdef\n"
      "fmv.d fs0, %[fv]\n"
      "li a5, 0\n"
      "la t0, 1f\n"
      "sd t0, 0(%[pc])\n"
      "1: sd s2, 0(a0)\n"
      "mv %[out], a5\n"
      ".option pop\n"
      : [out] "=r"(a5), "+r"(a0)
      : [pc] "r"(&faultPc), [fv] "f"(fs0Value)
      : "t0", "a5", "s2", "fs0", "memory");
  return a5;
}

// Loads *target; the handler may repoint a0 at repairTarget.
static uint64_t faultingLoad(uintptr_t target) {
  uint64_t value;
  register uintptr_t a0 asm("a0") = target;
  __asm__ volatile(
      ".option push\n.option norvc\n"
      "li s2, 0x1234567890abcdef\n"
      "la t0, 1f\n"
      "sd t0, 0(%[pc])\n"
      "1: ld %[v], 0(a0)\n"
      ".option pop\n"
      : [v] "=r"(value), "+r"(a0)
      : [pc] "r"(&faultPc)
      : "t0", "s2", "memory");
  return value;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = segvHandler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, NULL) != 0) {
    perror("sigaction");
    return 1;
  }
  long page = sysconf(_SC_PAGESIZE);

  // 1. Store to an unmapped page: SEGV_MAPERR, skip the store.
  char *hole = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(hole, page);
  handlerMode = 0;
  faultAddr = (uintptr_t)hole + 8;
  uint64_t a5 = faultingStore(faultAddr);
  printf("unmapped store: calls=%d code=%s addr=%d pc=%d s2=%d fs0=%d a5=0x%llx\n", handlerCalls,
         sawCode == SEGV_MAPERR ? "SEGV_MAPERR" : "other", sawAddrOk, sawPcOk, sawS2Ok, sawFs0Ok,
         (unsigned long long)a5);

  // 2. Store to a read-only page: SEGV_ACCERR, skip the store.
  char *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  handlerCalls = 0;
  faultAddr = (uintptr_t)ro + 16;
  a5 = faultingStore(faultAddr);
  printf("read-only store: calls=%d code=%s addr=%d pc=%d s2=%d fs0=%d a5=0x%llx ro[16]=%d\n",
         handlerCalls, sawCode == SEGV_ACCERR ? "SEGV_ACCERR" : "other", sawAddrOk, sawPcOk,
         sawS2Ok, sawFs0Ok, (unsigned long long)a5, ro[16]);

  // 3. Load through a bad pointer; the handler repairs a0 and the load is retried.
  static uint64_t good = 0xfeedface;
  handlerCalls = 0;
  handlerMode = 1;
  repairTarget = (uintptr_t)&good;
  faultAddr = 0x10;
  uint64_t value = faultingLoad(0x10);
  printf("repaired load: calls=%d code=%s addr=%d pc=%d s2=%d value=0x%llx\n", handlerCalls,
         sawCode == SEGV_MAPERR ? "SEGV_MAPERR" : "other", sawAddrOk, sawPcOk, sawS2Ok,
         (unsigned long long)value);

  // 4. After mprotect makes the page writable, the same store works without a signal.
  mprotect(ro, page, PROT_READ | PROT_WRITE);
  handlerCalls = 0;
  handlerMode = 0;
  faultingStore((uintptr_t)ro + 16);
  printf("after mprotect: calls=%d value=0x%llx\n", handlerCalls,
         (unsigned long long)*(uint64_t *)(ro + 16));
  return 0;
}
