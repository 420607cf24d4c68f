// F/D semantics seen from C: arithmetic, square roots, fused multiply-add
// and conversions under each fenv rounding mode, with the exception flags
// they raise (fetestexcept reads fflags), printed exactly with %a. Checks
// rounding modes, flag accrual, NaN canonicalisation and conversion
// saturation through glibc.
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const struct {
  int mode;
  const char *name;
} kModes[] = {
    {FE_TONEAREST, "rne"}, {FE_TOWARDZERO, "rtz"}, {FE_DOWNWARD, "rdn"}, {FE_UPWARD, "rup"}};

static void printFlags(int f) {
  printf(" [%s%s%s%s%s]\n", f & FE_INVALID ? "NV" : "", f & FE_DIVBYZERO ? "DZ" : "",
         f & FE_OVERFLOW ? "OF" : "", f & FE_UNDERFLOW ? "UF" : "", f & FE_INEXACT ? "NX" : "");
}

// Evaluates expr (which reads volatile operands, so it cannot start before
// feclearexcept) into a volatile (so it must finish before fetestexcept),
// then prints the value and the flags it raised.
#define SHOW(label, type, format, expr)                                                            \
  do {                                                                                             \
    feclearexcept(FE_ALL_EXCEPT);                                                                  \
    volatile type value_ = (expr);                                                                 \
    int flags_ = fetestexcept(FE_ALL_EXCEPT);                                                      \
    printf("  %-14s= " format, label, value_);                                                     \
    printFlags(flags_);                                                                            \
  } while (0)
#define show(label, expr) SHOW(label, double, "%a", expr)
#define showInt(label, expr) SHOW(label, long long, "%lld", (long long)(expr))
#define showBits(label, expr) SHOW(label, unsigned long long, "%016llx", (unsigned long long)(expr))

static uint32_t bitsOf(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static uint64_t bitsOfD(double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}

int main(void) {
  volatile float one = 1.0f, three = 3.0f, tiny = 0x1p-24f, big = 0x1.fffffep127f, zero = 0.0f;
  volatile float sub = 0x1p-149f, boundaryA = 0x1.fffffcp-1f, boundaryB = 0x1.000002p-126f;
  volatile double d1 = 1.0, d3 = 3.0, dtiny = 0x1p-53, dbig = 0x1.fffffffffffffp1023;
  volatile double half = 2.5, neg = -2.5, huge = 1e30;
  for (unsigned i = 0; i < sizeof kModes / sizeof kModes[0]; ++i) {
    fesetround(kModes[i].mode);
    printf("%s:\n", kModes[i].name);
    show("1f+2^-24", (double)(one + tiny));
    show("-1f-2^-24", (double)(-one - tiny));
    show("1f/3f", (double)(one / three));
    show("max*2f", (double)(big * 2.0f));
    show("boundary", (double)(boundaryA * boundaryB));
    show("2.5*minsub", (double)(2.5f * sub));
    show("sqrtf(2)", (double)sqrtf(2.0f * one));
    show("1d+2^-53", d1 + dtiny);
    show("1d/3d", d1 / d3);
    show("-dmax*2", -dbig * 2.0);
    show("sqrt(2)", sqrt(2.0 * d1));
    show("fma", fma(d1 + dtiny * 2, d1 + dtiny * 2, -d1));
    show("(float)1/3", (double)(float)(d1 / d3));
    showInt("lrint(2.5)", lrint(half));
    showInt("lrint(-2.5)", lrint(neg));
    show("rint(-2.5)", rint(neg));
  }
  fesetround(FE_TONEAREST);
  printf("rne, special cases:\n");
  showBits("0/0 bits", bitsOf(zero / zero));
  showBits("inf-inf", (unsigned long long)bitsOfD(d1 / 0.0 - d1 / 0.0));
  show("1/0", (double)(one / zero));
  showInt("(int)1e30", (int)huge);
  showInt("(unsigned)-2.5", (unsigned)neg);
  showInt("(long)nan", (long)(zero / zero));
  show("fminf(-0,0)", (double)fminf(-zero, zero));
  show("fmaxf(nan,1)", (double)fmaxf(zero / zero, one));
  printf("printf     = %.9g %.17g %e %f\n", (double)(one / three), d1 / d3, 6.02214076e23, -0.0);
  return 0;
}
