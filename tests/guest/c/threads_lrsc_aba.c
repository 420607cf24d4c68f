// LR/SC against the ABA case (ISA spec 8.2: an SC fails if another hart
// wrote to the reservation set since the LR), with real guest threads.
// Thread A takes a reservation with lr.d, then waits while thread B writes
// the reserved doubleword and puts the old value back: with two AMOs
// (amoadd +1, amoadd -1), or with an LR/SC pair of its own storing the same
// value. A's sc.d must fail every time, although memory holds the value LR
// read (a plain value compare-exchange would let it succeed). A control
// round, where B writes a doubleword on another line, must let every sc.d
// succeed. Tiercel's reservation generations (machine/reservation.h) make
// this hold in every tier; a plain store that restores the value is not
// detected (a documented gap) and is not tested here.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// Under --tier=interp and --tier=llvm threads take turns, so a round where
// A spins on B costs a time slice: 200 rounds keep that to seconds.
enum { kRounds = 200 };
enum Interference { kAmoPair, kLrScSameValue, kOtherLine };

// Each on its own 64-byte line (the reservation granule).
static _Alignas(64) volatile uint64_t gCell = 0x5555;
static _Alignas(64) volatile uint64_t gOtherCell;
static _Alignas(64) volatile long gRequest; // A -> B: the round to interfere in
static _Alignas(64) volatile long gDone;    // B -> A: the round B finished
static enum Interference gMode;

static void check(int ok, const char *what) {
  if (!ok) {
    printf("FAIL: %s\n", what);
    exit(1);
  }
}

static void interfere(void) {
  switch (gMode) {
  case kAmoPair:
    __atomic_fetch_add(&gCell, 1, __ATOMIC_SEQ_CST);  // amoadd.d
    __atomic_fetch_add(&gCell, -1, __ATOMIC_SEQ_CST); // amoadd.d: A, B, A again
    break;
  case kLrScSameValue: {
    uint64_t seen;
    long failed;
    do {
      __asm__ volatile("lr.d %0, (%1)" : "=r"(seen) : "r"(&gCell) : "memory");
      __asm__ volatile("sc.d %0, %2, (%1)" : "=r"(failed) : "r"(&gCell), "r"(seen) : "memory");
    } while (failed);
    break;
  }
  case kOtherLine: __atomic_fetch_add(&gOtherCell, 1, __ATOMIC_SEQ_CST); break;
  }
}

static void *interferer(void *arg) {
  (void)arg;
  for (long round = 1; round <= kRounds; ++round) {
    while (__atomic_load_n(&gRequest, __ATOMIC_ACQUIRE) != round)
      ;
    interfere();
    __atomic_store_n(&gDone, round, __ATOMIC_RELEASE);
  }
  return NULL;
}

// Returns how many of A's sc.d succeeded.
static int runRounds(enum Interference mode) {
  gMode = mode;
  gRequest = 0;
  gDone = 0;
  pthread_t thread;
  check(pthread_create(&thread, NULL, interferer, NULL) == 0, "pthread_create");
  int succeeded = 0;
  for (long round = 1; round <= kRounds; ++round) {
    uint64_t seen;
    long failed;
    __asm__ volatile("lr.d %0, (%1)" : "=r"(seen) : "r"(&gCell) : "memory");
    __atomic_store_n(&gRequest, round, __ATOMIC_RELEASE);
    while (__atomic_load_n(&gDone, __ATOMIC_ACQUIRE) != round)
      ;
    check(gCell == seen, "the interferer put the value back");
    __asm__ volatile("sc.d %0, %2, (%1)" : "=r"(failed) : "r"(&gCell), "r"(seen) : "memory");
    succeeded += failed == 0;
  }
  check(pthread_join(thread, NULL) == 0, "pthread_join");
  return succeeded;
}

int main(void) {
  int amo = runRounds(kAmoPair);
  printf("amo pair in between: %d of %d sc.d succeeded\n", amo, kRounds);
  check(amo == 0, "sc.d succeeded after another hart's amoadd pair restored the value");
  int lrsc = runRounds(kLrScSameValue);
  printf("lr/sc of the same value in between: %d of %d sc.d succeeded\n", lrsc, kRounds);
  check(lrsc == 0, "sc.d succeeded after another hart's sc.d of the same value");
  int other = runRounds(kOtherLine);
  printf("amo on another line in between: %d of %d sc.d succeeded\n", other, kRounds);
  check(other == kRounds, "sc.d failed although only another line was written");
  check(gOtherCell == kRounds, "every amoadd on the other line counted");
  printf("ok\n");
  return 0;
}
