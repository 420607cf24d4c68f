/* RVWMO litmus tests, message passing (MP): the writer stores data (x) and
 * then a flag (y); the reader loads the flag and then the data. flag=1 with
 * data=0 means the reader saw the flag without the data it guards.
 *
 *   mp_plain       sw; sw                   || lw; lw                  allowed by RVWMO
 *   mp_fence       sw; fence w,w; sw        || lw; fence r,r; lw       forbidden
 *   mp_fence_tso   sw; fence.tso; sw        || lw; fence.tso; lw       forbidden
 *   mp_rl_fence    sw; amoswap.w.rl         || lw; fence r,rw; lw      forbidden
 *   mp_rl_aq       sw; amoswap.w.rl         || amoor.w.aq; lw          forbidden
 *   mp_addr_dep    sw; fence w,w; sw        || lw; address dep.; lw    forbidden
 *
 * An x86-TSO host keeps stores in order and loads in order, so what these
 * guard is the translators themselves: a tier (LLVM above all) must not
 * move guest loads or stores across a fence, an aq/rl AMO or an address
 * dependency. mp_plain is allowed to show flag=1,data=0 (RVWMO keeps
 * neither pair in order) but x86 never will unless a translator reorders;
 * its count is on stderr. Harness and rules: litmus.h. */
#include "litmus.h"

/* ---- writers: data (x) = 1, then flag (y) = 1, with BETWEEN (an
 * instruction and "\n\t", or nothing) between the two stores */
#define MP_WRITER(name, between)                                                                   \
  static void name(long round) {                                                                   \
    __asm__ volatile("sw %2, 0(%0)\n\t" between "sw %2, 0(%1)"                                     \
                     :                                                                             \
                     : "r"(&gX[round]), "r"(&gY[round]), "r"(1)                                    \
                     : "memory");                                                                  \
  }
MP_WRITER(writePlain, "")
MP_WRITER(writeFence, "fence w, w\n\t")
MP_WRITER(writeFenceTso, "fence.tso\n\t")

static void writeRelease(long round) {
  __asm__ volatile("sw %2, 0(%0)\n\t"
                   "amoswap.w.rl zero, %2, (%1)"
                   :
                   : "r"(&gX[round]), "r"(&gY[round]), "r"(1)
                   : "memory");
}

/* ---- readers: r0 = flag (y), then r1 = data (x), with BETWEEN between
 * the two loads */
#define MP_READER(name, between)                                                                   \
  static void name(long round) {                                                                   \
    int flag, data;                                                                                \
    __asm__ volatile("lw %0, 0(%2)\n\t" between "lw %1, 0(%3)"                                     \
                     : "=&r"(flag), "=&r"(data)                                                    \
                     : "r"(&gY[round]), "r"(&gX[round])                                            \
                     : "memory");                                                                  \
    gR0[round] = flag;                                                                             \
    gR1[round] = data;                                                                             \
  }
MP_READER(readPlain, "")
MP_READER(readFence, "fence r, r\n\t")
MP_READER(readFenceTso, "fence.tso\n\t")
MP_READER(readFenceRRw, "fence r, rw\n\t")

static void readAcquire(long round) {
  int flag, data;
  __asm__ volatile("amoor.w.aq %0, zero, (%2)\n\t"
                   "lw %1, 0(%3)"
                   : "=&r"(flag), "=&r"(data)
                   : "r"(&gY[round]), "r"(&gX[round])
                   : "memory");
  gR0[round] = flag;
  gR1[round] = data;
}

/* The data address is computed from the flag's value (flag ^ flag is 0),
 * an address dependency: RVWMO orders the two loads (preserved program
 * order rule 9) without a fence. */
static void readAddressDependency(long round) {
  int flag, data;
  long offset;
  __asm__ volatile("lw %0, 0(%3)\n\t"
                   "xor %2, %0, %0\n\t"
                   "add %2, %2, %4\n\t"
                   "lw %1, 0(%2)"
                   : "=&r"(flag), "=&r"(data), "=&r"(offset)
                   : "r"(&gY[round]), "r"(&gX[round])
                   : "memory");
  gR0[round] = flag;
  gR1[round] = data;
}

/* Name, sides, observation, its labels, the forbidden outcome, the two
 * sequential outcomes (side 0 first, side 1 first). */
static const struct LitmusTest kTests[] = {
    {"mp_plain",
     {writePlain, readPlain},
     observeRegisters,
     {"flag", "data"},
     {-1, -1},
     {{1, 1}, {0, 0}}},
    {"mp_fence",
     {writeFence, readFence},
     observeRegisters,
     {"flag", "data"},
     {1, 0},
     {{1, 1}, {0, 0}}},
    {"mp_fence_tso",
     {writeFenceTso, readFenceTso},
     observeRegisters,
     {"flag", "data"},
     {1, 0},
     {{1, 1}, {0, 0}}},
    {"mp_rl_fence",
     {writeRelease, readFenceRRw},
     observeRegisters,
     {"flag", "data"},
     {1, 0},
     {{1, 1}, {0, 0}}},
    {"mp_rl_aq",
     {writeRelease, readAcquire},
     observeRegisters,
     {"flag", "data"},
     {1, 0},
     {{1, 1}, {0, 0}}},
    {"mp_addr_dep",
     {writeFence, readAddressDependency},
     observeRegisters,
     {"flag", "data"},
     {1, 0},
     {{1, 1}, {0, 0}}},
};

int main(int argc, char **argv) {
  return litmusMain(argc, argv, kTests, sizeof kTests / sizeof kTests[0]);
}
