/* Number parsing and formatting round trips: strtod/strtof on decimal, hex,
 * infinity/nan spellings and hard-to-round inputs, strtol/strtoul in several
 * bases with overflow (errno ERANGE), atoi, and sscanf. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  const char *doubles[] = {"0",
                           "-0",
                           "1e308",
                           "1e309",
                           "2.2250738585072011e-308",
                           "4.9e-324",
                           "2e-324",
                           "0.1",
                           "123.456e-7",
                           "0x1.8p3",
                           "0X.1P-4",
                           "inf",
                           "-Infinity",
                           "nan",
                           "NAN(123)",
                           "  +42.5xyz",
                           "9007199254740993",
                           "1.00000000000000011102230246251565404236316680908203125",
                           "7.038531e-26",
                           "1e23",
                           "8.589973e9",
                           "junk",
                           "",
                           "3.4028235e38"};
  for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; ++i) {
    char *end;
    errno = 0;
    double d = strtod(doubles[i], &end);
    int err = errno;
    errno = 0;
    float f = strtof(doubles[i], NULL);
    printf("strtod(\"%s\") = %.17g [%a] consumed %d errno %s | strtof %.9g\n", doubles[i], d, d,
           (int)(end - doubles[i]),
           err == ERANGE ? "ERANGE"
           : err         ? "other"
                         : "0",
           (double)f);
  }
  struct {
    const char *s;
    int base;
  } ints[] = {{"0", 10},
              {"-123", 10},
              {"0x7fffffffffffffff", 16},
              {"0x8000000000000000", 16},
              {"9223372036854775808", 10},
              {"-9223372036854775808", 10},
              {"-9223372036854775809", 10},
              {"777", 8},
              {"0777", 0},
              {"0x1F", 0},
              {"zz", 36},
              {"101010", 2},
              {"  -42abc", 10},
              {"18446744073709551615", 10},
              {"18446744073709551616", 10},
              {"-1", 10}};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; ++i) {
    char *end;
    errno = 0;
    long l = strtol(ints[i].s, &end, ints[i].base);
    int e1 = errno;
    errno = 0;
    unsigned long u = strtoul(ints[i].s, NULL, ints[i].base);
    int e2 = errno;
    printf("strtol(\"%s\", %d) = %ld rest \"%s\" %s | strtoul = %lu %s\n", ints[i].s, ints[i].base,
           l, end, e1 == ERANGE ? "ERANGE" : "ok", u, e2 == ERANGE ? "ERANGE" : "ok");
  }
  printf("atoi %d %d atol %ld atof %g\n", atoi("  123x"), atoi("-2147483648"), atol("99999999999"),
         atof("6.25e2"));
  int a, n;
  unsigned b;
  double c;
  char word[16], rest[32];
  int got =
      sscanf("17 0x2A 2.5e1 hello world!", "%d %x %lf %15s %n%31[^\n]", &a, &b, &c, word, &n, rest);
  printf("sscanf got %d: %d %u %g %s n=%d rest=%s\n", got, a, b, c, word, n, rest);
  /* Round trip: every printed %.17g double parses back to itself. */
  uint64_t bits = 0x3ff0000000000001ull;
  int bad = 0;
  for (int i = 0; i < 20000; ++i) {
    bits = bits * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t candidate = bits & 0x7fefffffffffffffull;
    double d;
    memcpy(&d, &candidate, sizeof d);
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", d);
    double back = strtod(buf, NULL);
    if (memcmp(&back, &d, sizeof d) != 0)
      ++bad;
  }
  printf("round trip failures: %d\n", bad);
  return bad != 0;
}
