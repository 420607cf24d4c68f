/* RVWMO litmus tests, load buffering (LB), 2+2W and coherence (Co*).
 *
 *   lb_plain     lw x; sw y          || lw y; sw x           r0=1,r1=1 allowed by RVWMO
 *   lb_fence     lw x; fence r,w; sw || lw y; fence r,w; sw  r0=1,r1=1 forbidden
 *   lb_data_dep  lw x; sw y (data dep.) on both sides         r0=1,r1=1 forbidden
 *   2p2w_fence   sw x=1; fence w,w; sw y=2 || sw y=1; fence w,w; sw x=2
 *                                               final x=1,y=1 forbidden
 *   corr         sw x=1              || lw x; lw x            r0=1,r1=0 forbidden
 *   cowr         sw x=1; lw x        || sw x=2                r0=2 with final x=1 forbidden
 *   corw         lw x; sw x=1        || sw x=2                r0=2 with final x=2 forbidden
 *
 * An x86-TSO host never shows LB and keeps each location coherent, so these
 * guard the translators: a tier must not hoist a store above a load across
 * a fence or a data dependency, reorder two stores across `fence w,w`, or
 * reorder accesses to one location (store-to-load forwarding that ignores
 * another thread's later store, or a load moved above an earlier load of
 * the same address). lb_plain's count is on stderr. Harness and rules:
 * litmus.h. */
#include "litmus.h"

/* ---- LB: side 0 loads x into r0 and stores y; side 1 the mirror image */
static void lbPlain(int *load, int *store, int *result) {
  int loaded;
  __asm__ volatile("lw %0, 0(%1)\n\t"
                   "sw %3, 0(%2)"
                   : "=&r"(loaded)
                   : "r"(load), "r"(store), "r"(1)
                   : "memory");
  *result = loaded;
}

static void lbFence(int *load, int *store, int *result) {
  int loaded;
  __asm__ volatile("lw %0, 0(%1)\n\t"
                   "fence r, w\n\t"
                   "sw %3, 0(%2)"
                   : "=&r"(loaded)
                   : "r"(load), "r"(store), "r"(1)
                   : "memory");
  *result = loaded;
}

/* The stored value is (loaded ^ loaded) + 1 = 1: a data dependency, which
 * RVWMO orders (preserved program order rule 10). */
static void lbDataDependency(int *load, int *store, int *result) {
  int loaded, value;
  __asm__ volatile("lw %0, 0(%2)\n\t"
                   "xor %1, %0, %0\n\t"
                   "addi %1, %1, 1\n\t"
                   "sw %1, 0(%3)"
                   : "=&r"(loaded), "=&r"(value)
                   : "r"(load), "r"(store)
                   : "memory");
  *result = loaded;
}

static void lbPlainSide0(long round) { lbPlain(&gX[round], &gY[round], &gR0[round]); }
static void lbPlainSide1(long round) { lbPlain(&gY[round], &gX[round], &gR1[round]); }
static void lbFenceSide0(long round) { lbFence(&gX[round], &gY[round], &gR0[round]); }
static void lbFenceSide1(long round) { lbFence(&gY[round], &gX[round], &gR1[round]); }
static void lbDataSide0(long round) { lbDataDependency(&gX[round], &gY[round], &gR0[round]); }
static void lbDataSide1(long round) { lbDataDependency(&gY[round], &gX[round], &gR1[round]); }

/* ---- 2+2W: side 0 writes x=1 then y=2, side 1 writes y=1 then x=2 */
static void twoWrites(int *first, int *second) {
  __asm__ volatile("sw %2, 0(%0)\n\t"
                   "fence w, w\n\t"
                   "sw %3, 0(%1)"
                   :
                   : "r"(first), "r"(second), "r"(1), "r"(2)
                   : "memory");
}
static void twoWritesSide0(long round) { twoWrites(&gX[round], &gY[round]); }
static void twoWritesSide1(long round) { twoWrites(&gY[round], &gX[round]); }

static void observeFinal(long round, int *x, int *y) {
  *x = gX[round];
  *y = gY[round];
}

/* ---- coherence: one location, x */
static void storeOne(long round) {
  __asm__ volatile("sw %1, 0(%0)" : : "r"(&gX[round]), "r"(1) : "memory");
}
static void storeTwo(long round) {
  __asm__ volatile("sw %1, 0(%0)" : : "r"(&gX[round]), "r"(2) : "memory");
}

static void loadTwice(long round) {
  int first, second;
  __asm__ volatile("lw %0, 0(%2)\n\t"
                   "lw %1, 0(%2)"
                   : "=&r"(first), "=&r"(second)
                   : "r"(&gX[round])
                   : "memory");
  gR0[round] = first;
  gR1[round] = second;
}

static void storeOneThenLoad(long round) {
  int loaded;
  __asm__ volatile("sw %2, 0(%1)\n\t"
                   "lw %0, 0(%1)"
                   : "=&r"(loaded)
                   : "r"(&gX[round]), "r"(1)
                   : "memory");
  gR0[round] = loaded;
}

static void loadThenStoreOne(long round) {
  int loaded;
  __asm__ volatile("lw %0, 0(%1)\n\t"
                   "sw %2, 0(%1)"
                   : "=&r"(loaded)
                   : "r"(&gX[round]), "r"(1)
                   : "memory");
  gR0[round] = loaded;
}

static void observeLoadAndFinal(long round, int *r0, int *x) {
  *r0 = gR0[round];
  *x = gX[round];
}

/* Name, sides, observation, its labels, the forbidden outcome, the two
 * sequential outcomes (side 0 first, side 1 first). */
static const struct LitmusTest kTests[] = {
    {"lb_plain",
     {lbPlainSide0, lbPlainSide1},
     observeRegisters,
     {"r0", "r1"},
     {-1, -1},
     {{0, 1}, {1, 0}}},
    {"lb_fence",
     {lbFenceSide0, lbFenceSide1},
     observeRegisters,
     {"r0", "r1"},
     {1, 1},
     {{0, 1}, {1, 0}}},
    {"lb_data_dep",
     {lbDataSide0, lbDataSide1},
     observeRegisters,
     {"r0", "r1"},
     {1, 1},
     {{0, 1}, {1, 0}}},
    {"2p2w_fence",
     {twoWritesSide0, twoWritesSide1},
     observeFinal,
     {"x", "y"},
     {1, 1},
     {{2, 1}, {1, 2}}},
    {"corr", {storeOne, loadTwice}, observeRegisters, {"r0", "r1"}, {1, 0}, {{1, 1}, {0, 0}}},
    {"cowr",
     {storeOneThenLoad, storeTwo},
     observeLoadAndFinal,
     {"r0", "x"},
     {2, 1},
     {{1, 2}, {1, 1}}},
    {"corw",
     {loadThenStoreOne, storeTwo},
     observeLoadAndFinal,
     {"r0", "x"},
     {2, 2},
     {{0, 2}, {2, 1}}},
};

int main(int argc, char **argv) {
  return litmusMain(argc, argv, kTests, sizeof kTests / sizeof kTests[0]);
}
