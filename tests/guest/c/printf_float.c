/* printf of floats and doubles: %f %e %g %a over many values, including
 * subnormals, infinities, NaNs, signed zeros and round-half cases. Exercises
 * glibc's printf_fp (multi-precision arithmetic) and the FP register ABI. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const kFormats[] = {
    "%f",   "%.0f",  "%.1f",  "%.3f", "%.10f",   "%e",       "%.0e",
    "%.3e", "%.15e", "%.17e", "%g",   "%.1g",    "%.6g",     "%.17g",
    "%#g",  "%a",    "%.3a",  "%A",   "%+12.4f", "%-14.3e|", "%015.5g",
};

static void printAll(const char *label, double v) {
  printf("%-10s", label);
  for (size_t i = 0; i < sizeof kFormats / sizeof kFormats[0]; ++i) {
    char buf[512];
    snprintf(buf, sizeof buf, kFormats[i], v);
    printf(" [%s]", buf);
  }
  printf("\n");
}

int main(void) {
  double values[] = {
      0.0,
      -0.0,
      1.0,
      -1.0,
      0.5,
      0.25,
      0.1,
      0.2,
      0.3,
      1.0 / 3.0,
      2.0 / 3.0,
      3.14159265358979323846,
      2.71828182845904523536,
      100.0,
      1e10,
      1e15,
      1e16,
      1e17,
      123456789.125,
      9.5,
      10.5,
      0.125,
      0.375,
      2.5,
      3.5,
      -2.5,
      0.05,
      0.15,
      0.45,
      1.005,
      1e-5,
      1e-10,
      1e-300,
      1e300,
      1.7976931348623157e308,
      DBL_MIN,
      DBL_MIN / 2.0,
      4.9406564584124654e-324,
      DBL_EPSILON,
      1.0 + DBL_EPSILON,
      0x1.fffffffffffffp-1,
      9007199254740993.0,
      18446744073709551616.0,
      6.02214076e23,
      -6.62607015e-34,
      INFINITY,
      -INFINITY,
      NAN,
      -NAN,
  };
  char label[32];
  for (size_t i = 0; i < sizeof values / sizeof values[0]; ++i) {
    snprintf(label, sizeof label, "d%zu", i);
    printAll(label, values[i]);
  }
  /* Floats promote to double through varargs; conversions must be exact. */
  float floats[] = {0.1f,           1.0f / 3.0f,      16777217.0f, FLT_MAX, FLT_MIN,
                    FLT_MIN / 4.0f, 1.401298464e-45f, -7.25f,      3.4e38f, 1e-7f};
  for (size_t i = 0; i < sizeof floats / sizeof floats[0]; ++i) {
    snprintf(label, sizeof label, "f%zu", i);
    printAll(label, floats[i]);
  }
  /* Rounding of exact halves at many precisions (round-half-even on the
   * exact binary value). */
  for (int prec = 0; prec <= 6; ++prec)
    printf("prec %d: %.*f %.*f %.*f %.*e\n", prec, prec, 0.5, prec, 1.5, prec, 2.675, prec, 1234.5);
  /* Long double is IEEE quad on riscv64: printed through the same paths. */
  long double ld = 1.0L / 3.0L;
  printf("long double %.30Lf %.20Le %La\n", ld, ld, ld);
  /* Sum of a series, printed with full precision (tests FP add chains). */
  double s = 0.0;
  for (int i = 1; i <= 1000; ++i)
    s += 1.0 / ((double)i * i);
  printf("basel %.17g %a\n", s, s);
  /* Values that must print the same from float and from double. */
  printf("width %10.3f|%-10.3f|%+.2e|% .3g\n", 3.14159, 2.71828, -12345.678, 0.000123456);
  return 0;
}
