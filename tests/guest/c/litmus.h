/* Harness of the RVWMO litmus tests (litmus_*.c): two guest threads run the
 * two sides of a litmus test many times, released together each round by a
 * spin barrier, and every round's outcome is checked against the one the
 * RISC-V memory model forbids (ISA spec, chapter 17 "RVWMO Memory
 * Consistency Model", and its appendix of litmus tests).
 *
 * Why: guest memory is host memory, and an x86-TSO host is stronger than
 * RVWMO everywhere except "earlier store, later load". A tier that forgot
 * the host fence for `fence rw,rw`, or whose compiler (tier 2 is LLVM)
 * moved guest accesses across a fence or an aq/rl AMO, shows a forbidden
 * outcome here. Under the interpreter and --tier=llvm the threads take
 * turns (docs/ARCHITECTURE.md, "Guest threads"), so nothing relaxed can
 * show there: a test whose threads seldom ran at the same time in its first
 * 2000 rounds stops after them (and says so on stderr). Its forbidden
 * outcome is checked all the same.
 *
 * Each round uses fresh variables (arrays indexed by the round, zeroed by
 * calloc), so no reset races with the other side. Standard output gets one
 * deterministic line per test; the counts of every outcome, which vary from
 * run to run, go to standard error. A forbidden outcome prints
 * "FAIL: ..." and exits with status 1. argv[1], if given, sets the number of
 * rounds and runs them all, threads taking turns or not (for long local
 * runs). */
#ifndef TIERCEL_GUEST_LITMUS_H
#define TIERCEL_GUEST_LITMUS_H

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

enum { kLitmusDefaultRounds = 20000, kLitmusValues = 3 };

/* The locations and registers of the current test, one element per round. */
static int *gX, *gY;   /* shared locations, 0 at the start of each round */
static int *gR0, *gR1; /* what the sides' loads returned */
static long gRounds = kLitmusDefaultRounds;
static int gStopWhenTakingTurns = 1; /* off when argv[1] sets the rounds */

/* One litmus test: two sides, and what a round's outcome is. */
struct LitmusTest {
  const char *name;
  void (*side[2])(long round);
  /* The two observed values of a round (each 0, 1 or 2), named by
   * `labels` ("r0,r1", "flag,data", "x,y"). */
  void (*observe)(long round, int *first, int *second);
  const char *labels[2];
  /* The forbidden pair of values, or {-1, -1} when every outcome is
   * allowed (a test run only to show that relaxed outcomes are seen). */
  int forbidden[2];
  /* The outcomes of the two sides run one after the other: side 0 first,
   * then side 1 first. Any other outcome shows that they overlapped. */
  int sequential[2][2];
};

/* Rounds start when both threads have arrived: a counter both increment
 * (amoadd) and spin on. The sides only overlap when both spin until the
 * counter releases them, but spinning is wasted when the partner cannot run
 * meanwhile: when it is descheduled, or when the emulator runs one guest
 * thread at a time (the interpreter and --tier=llvm switch threads at
 * syscalls). So a spinner gives way with sched_yield after tSpinLimit
 * spins, and the limit adapts: halved after a wait that had to yield,
 * quadrupled after one that ended while spinning. At the floor, every 32nd
 * wait probes with a longer spin, so that threads that do run in parallel
 * climb back up after a burst of load. On a machine loaded beyond its
 * cores the two threads seldom run at once and the relaxed counts drop
 * towards zero; the checks of the forbidden outcomes hold all the same. */
enum {
  kLitmusMinSpins = 256,
  kLitmusProbeSpins = 2048,
  kLitmusMaxSpins = 1 << 14,
  kLitmusProbeEvery = 32,
  kLitmusTurnCheckRound = 2000,
  kLitmusOverlapRatio = 200
};
static long gArrived;
/* Threads taking turns: an emulator that runs one guest thread at a time
 * (switching at block boundaries or syscalls) runs each side whole, so
 * every round shows one of the test's two sequential outcomes. If at round
 * kLitmusTurnCheckRound of a test fewer than 1 in kLitmusOverlapRatio of
 * the rounds so far (this program's earlier tests included) showed another
 * outcome, the rest of the rounds could show nothing and would cost two
 * thread switches each, so the test stops there. Rounds before the check
 * are complete on both sides, so both threads count alike. */
static long gOverlappedBefore; /* in the tests before this one */
static long gRoundsBefore;
static long gRoundsRun;
static const struct LitmusTest *gTest;
static __thread unsigned tSpinLimit = kLitmusProbeSpins;

static int litmusOverlapped(const struct LitmusTest *test, long round) {
  int first, second;
  test->observe(round, &first, &second);
  for (int order = 0; order < 2; ++order)
    if (first == test->sequential[order][0] && second == test->sequential[order][1])
      return 0;
  return 1;
}

static int litmusThreadsTakeTurns(void) {
  long overlapped = gOverlappedBefore;
  for (long round = 0; round < kLitmusTurnCheckRound; ++round)
    overlapped += litmusOverlapped(gTest, round);
  return overlapped * kLitmusOverlapRatio < gRoundsBefore + kLitmusTurnCheckRound;
}

static void litmusBarrier(long round) {
  __atomic_add_fetch(&gArrived, 1, __ATOMIC_SEQ_CST);
  long target = 2 * (round + 1);
  unsigned limit = tSpinLimit;
  if (limit == kLitmusMinSpins && round % kLitmusProbeEvery == 0)
    limit = kLitmusProbeSpins;
  unsigned spins = 0;
  int yielded = 0;
  while (__atomic_load_n(&gArrived, __ATOMIC_ACQUIRE) < target) {
    if (++spins >= limit) {
      sched_yield();
      spins = 0;
      yielded = 1;
    }
  }
  if (yielded) {
    tSpinLimit = tSpinLimit / 2 < kLitmusMinSpins ? kLitmusMinSpins : tSpinLimit / 2;
  } else if (spins > 0) {
    tSpinLimit = limit * 4 > kLitmusMaxSpins ? kLitmusMaxSpins : limit * 4;
  }
}

struct LitmusSideArgs {
  const struct LitmusTest *test;
  int side;
};

static void *litmusSideLoop(void *arg) {
  const struct LitmusSideArgs *args = arg;
  void (*side)(long) = args->test->side[args->side];
  long round;
  for (round = 0; round < gRounds; ++round) {
    litmusBarrier(round);
    if (gStopWhenTakingTurns && round == kLitmusTurnCheckRound && litmusThreadsTakeTurns())
      break;
    side(round);
  }
  if (args->side == 0)
    gRoundsRun = round;
  return NULL;
}

static int *litmusArray(void) {
  int *array = calloc((size_t)gRounds, sizeof(int));
  if (array == NULL) {
    printf("FAIL: out of memory\n");
    exit(1);
  }
  return array;
}

/* Runs `test` for gRounds rounds and checks every round's outcome. */
static void litmusRun(const struct LitmusTest *test) {
  gX = litmusArray();
  gY = litmusArray();
  gR0 = litmusArray();
  gR1 = litmusArray();
  gArrived = 0;
  gTest = test;

  struct LitmusSideArgs args[2] = {{test, 0}, {test, 1}};
  pthread_t other;
  if (pthread_create(&other, NULL, litmusSideLoop, &args[1]) != 0) {
    printf("FAIL: %s: pthread_create\n", test->name);
    exit(1);
  }
  litmusSideLoop(&args[0]);
  pthread_join(other, NULL);

  long counts[kLitmusValues][kLitmusValues] = {{0}};
  for (long round = 0; round < gRoundsRun; ++round) {
    gOverlappedBefore += litmusOverlapped(test, round);
    int first, second;
    test->observe(round, &first, &second);
    if (first < 0 || first >= kLitmusValues || second < 0 || second >= kLitmusValues) {
      printf("FAIL: %s: round %ld: impossible values %s=%d %s=%d\n", test->name, round,
             test->labels[0], first, test->labels[1], second);
      exit(1);
    }
    ++counts[first][second];
  }

  gRoundsBefore += gRoundsRun;
  fprintf(stderr, "litmus %s (%ld rounds%s):", test->name, gRoundsRun,
          gRoundsRun < gRounds ? ", stopped: the threads took turns" : "");
  for (int first = 0; first < kLitmusValues; ++first)
    for (int second = 0; second < kLitmusValues; ++second) {
      int forbidden = first == test->forbidden[0] && second == test->forbidden[1];
      if (counts[first][second] != 0 || forbidden)
        fprintf(stderr, " %s=%d,%s=%d: %ld%s", test->labels[0], first, test->labels[1], second,
                counts[first][second], forbidden ? " (forbidden)" : "");
    }
  fprintf(stderr, "\n");

  if (test->forbidden[0] >= 0) {
    long seen = counts[test->forbidden[0]][test->forbidden[1]];
    if (seen != 0) {
      printf("FAIL: %s: forbidden outcome %s=%d,%s=%d seen %ld times\n", test->name,
             test->labels[0], test->forbidden[0], test->labels[1], test->forbidden[1], seen);
      exit(1);
    }
    printf("%s: ok, %s=%d,%s=%d never seen\n", test->name, test->labels[0], test->forbidden[0],
           test->labels[1], test->forbidden[1]);
  } else {
    printf("%s: ok, every outcome allowed (counts on stderr)\n", test->name);
  }
  free(gX);
  free(gY);
  free(gR0);
  free(gR1);
}

/* main() of a litmus program: the optional round count, then each test. */
static int litmusMain(int argc, char **argv, const struct LitmusTest *tests, int count) {
  if (argc > 1) {
    gRounds = atol(argv[1]);
    gStopWhenTakingTurns = 0;
  }
  if (gRounds <= 0) {
    printf("FAIL: bad round count %s\n", argv[1]);
    return 1;
  }
  for (int i = 0; i < count; ++i)
    litmusRun(&tests[i]);
  return 0;
}

/* The observations most tests make. */
static void observeRegisters(long round, int *r0, int *r1) {
  *r0 = gR0[round];
  *r1 = gR1[round];
}

#endif
