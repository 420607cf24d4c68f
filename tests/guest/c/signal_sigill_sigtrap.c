// Synchronous signals from instructions: an illegal instruction raises
// SIGILL (ILL_ILLOPC, si_addr = its pc), ebreak raises SIGTRAP
// (TRAP_BRKPT), a misaligned atomic raises SIGBUS (BUS_ADRALN). Each
// handler checks the saved pc and skips the instruction.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ucontext.h>

static volatile uintptr_t insnPc;
static volatile int calls, lastSignal, lastCode, addrIsPc, pcOk;
static volatile uintptr_t lastAddr;

static void handler(int sig, siginfo_t *info, void *context) {
  ucontext_t *uc = context;
  calls++;
  lastSignal = sig;
  lastCode = info->si_code;
  lastAddr = (uintptr_t)info->si_addr;
  addrIsPc = (uintptr_t)info->si_addr == insnPc;
  pcOk = uc->uc_mcontext.__gregs[REG_PC] == insnPc;
  uc->uc_mcontext.__gregs[REG_PC] += 4;
}

static void install(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(sig, &sa, NULL);
}

#define RUN_AT_LABEL(insn)                                                                         \
  __asm__ volatile(".option push\n.option norvc\n"                                                 \
                   "la t0, 1f\n"                                                                   \
                   "sd t0, 0(%0)\n"                                                                \
                   "1: " insn "\n"                                                                 \
                   ".option pop\n"                                                                 \
                   :                                                                               \
                   : "r"(&insnPc)                                                                  \
                   : "t0", "t1", "memory")

int main(void) {
  install(SIGILL);
  install(SIGTRAP);
  install(SIGBUS);

  RUN_AT_LABEL(".4byte 0xc0001073"); // csrrw zero, cycle, zero: writes a read-only CSR
  printf("csr write: calls=%d sig=%s code=%s addr=pc:%d pc=%d\n", calls,
         lastSignal == SIGILL ? "SIGILL" : "other", lastCode == ILL_ILLOPC ? "ILL_ILLOPC" : "other",
         addrIsPc, pcOk);

  calls = 0;
  RUN_AT_LABEL(".4byte 0x0000007f"); // no such opcode
  printf("undefined: calls=%d sig=%s code=%s addr=pc:%d pc=%d\n", calls,
         lastSignal == SIGILL ? "SIGILL" : "other", lastCode == ILL_ILLOPC ? "ILL_ILLOPC" : "other",
         addrIsPc, pcOk);

  calls = 0;
  RUN_AT_LABEL("mret"); // privileged
  printf("mret: calls=%d sig=%s pc=%d\n", calls, lastSignal == SIGILL ? "SIGILL" : "other", pcOk);

  calls = 0;
  RUN_AT_LABEL("ebreak");
  printf("ebreak: calls=%d sig=%s code=%s pc=%d\n", calls,
         lastSignal == SIGTRAP ? "SIGTRAP" : "other", lastCode == TRAP_BRKPT ? "TRAP_BRKPT" : "other",
         pcOk);

  static uint64_t words[2];
  calls = 0;
  uintptr_t misaligned = (uintptr_t)words + 4;
  __asm__ volatile(".option push\n.option norvc\n"
                   "la t0, 1f\n"
                   "sd t0, 0(%0)\n"
                   "1: amoadd.d t1, t1, (%1)\n"
                   ".option pop\n"
                   :
                   : "r"(&insnPc), "r"(misaligned)
                   : "t0", "t1", "memory");
  printf("misaligned amo: calls=%d sig=%s code=%s addr=%d pc=%d\n", calls,
         lastSignal == SIGBUS ? "SIGBUS" : "other", lastCode == BUS_ADRALN ? "BUS_ADRALN" : "other",
         lastAddr == misaligned, pcOk);
  return 0;
}
