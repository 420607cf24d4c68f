/* libm: elementary functions over a spread of arguments, printed with 15
 * significant digits, plus exact functions (floor/ceil/round/trunc/rint,
 * fmod, remainder, frexp, ldexp, modf, hypot, sqrt, fma, copysign, nextafter)
 * printed exactly in hex. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>

int main(void) {
  const double args[] = {-10.5, -2.0,  -1.0, -0.5, -0.0, 0.0, 1e-8,
                         0.1,   0.5,   0.75, 1.0,  1.5,  2.0, 3.14159265358979,
                         10.0,  100.0, 700.0};
  for (size_t i = 0; i < sizeof args / sizeof args[0]; ++i) {
    double x = args[i];
    printf("x=%-17.15g sin %.15g cos %.15g tan %.15g exp %.15g log %.15g atan %.15g "
           "sinh %.15g cbrt %.15g\n",
           x, sin(x), cos(x), tan(x), exp(x), log(fabs(x)), atan(x), sinh(x / 10), cbrt(x));
    printf("  pow(x,2.5) %.15g pow(2,x) %.15g atan2(x,-1) %.15g log10 %.15g log1p %.15g "
           "expm1 %.15g erf %.15g tgamma %.15g\n",
           pow(fabs(x), 2.5), pow(2.0, x), atan2(x, -1.0), log10(fabs(x)), log1p(fabs(x)),
           expm1(x / 100), erf(x), tgamma(x));
  }
  const double exact[] = {
      -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4999999999999996, -7.3, 1e300, 4503599627370497.0};
  for (size_t i = 0; i < sizeof exact / sizeof exact[0]; ++i) {
    double x = exact[i];
    int e;
    double ip;
    double frac = modf(x, &ip);
    double mantissa = frexp(x, &e);
    printf("x=%a floor %a ceil %a round %a trunc %a rint %a lround %ld frexp %a/%d modf %a+%a\n", x,
           floor(x), ceil(x), round(x), trunc(x), rint(x), fabs(x) < 1e18 ? lround(x) : 0L,
           mantissa, e, ip, frac);
  }
  printf("fmod %a remainder %a remquo-ish %a\n", fmod(10.3, 3.0), remainder(10.3, 3.0),
         remainder(-7.5, 2.0));
  printf("sqrt %a %a hypot %a fma %a\n", sqrt(2.0), sqrt(1e-310), hypot(3e200, 4e200),
         fma(0x1.0000001p0, 0x1.0000001p0, -1.0));
  printf("copysign %g nextafter %a %a ldexp %a %a\n", copysign(3.0, -0.0), nextafter(1.0, 2.0),
         nextafter(0.0, -1.0), ldexp(1.0, -1074), ldexp(1.5, 1023));
  printf("float: sinf %.7g expf %.7g sqrtf %a powf %.7g\n", (double)sinf(1.0f), (double)expf(3.0f),
         (double)sqrtf(2.0f), (double)powf(1.5f, 7.25f));
  printf("classify: %d %d %d %d %d\n", fpclassify(0.0) == FP_ZERO,
         fpclassify(1e-310) == FP_SUBNORMAL, fpclassify(INFINITY) == FP_INFINITE,
         fpclassify(NAN) == FP_NAN, fpclassify(1.0) == FP_NORMAL);
  /* Rounding modes through fesetround affect rint and nearbyint. */
  const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
  const char *names[] = {"nearest", "down", "up", "zero"};
  for (int m = 0; m < 4; ++m) {
    fesetround(modes[m]);
    /* volatile operands: no folding under the compile-time rounding mode. */
    volatile double a = 1.0, b = 3.0, half = 2.5, oneHalf = 1.5;
    printf("round %-7s rint(2.5)=%g rint(-2.5)=%g nearbyint(1.5)=%g 1/3=%a\n", names[m], rint(half),
           rint(-half), nearbyint(oneHalf), a / b);
  }
  fesetround(FE_TONEAREST);
  feclearexcept(FE_ALL_EXCEPT);
  volatile double zero = 0.0;
  volatile double r = 1.0 / zero;
  printf("divbyzero raised %d inexact %d result %g\n", fetestexcept(FE_DIVBYZERO) != 0,
         fetestexcept(FE_INEXACT) != 0, r);
  return 0;
}
