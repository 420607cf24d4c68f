/* printf of integers, characters, strings and pointers with flags, widths,
 * precisions, length modifiers and positional arguments; snprintf
 * truncation and its return value. */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <wchar.h>

int main(void) {
  long long values[] = {0,     1,       -1,      42,        -42,       255,
                        65535, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN, 1234567890123LL};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; ++i) {
    long long v = values[i];
    printf("[%lld] [%+lld] [% lld] [%20lld] [%-20lld] [%020lld] [%.15lld] [%llx] [%#llX] [%llo] "
           "[%#llo] [%llu] [%hhd] [%hd] [%hu] [%d]\n",
           v, v, v, v, v, v, v, (unsigned long long)v, (unsigned long long)v, (unsigned long long)v,
           (unsigned long long)v, (unsigned long long)v, (signed char)v, (short)v,
           (unsigned short)v, (int)v);
  }
  printf("[%c] [%5c] [%-5c] [%%]\n", 'A', 'B', 'C');
  printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%s]\n", "str", "right", "left", "truncate", "ab",
         "");
  printf("[%*d] [%-*d] [%.*d] [%*.*s]\n", 8, 5, 8, 5, 4, 7, 6, 2, "xyz");
  printf("positional: %2$s %1$s %3$05d\n", "world", "hello", 42);
  printf("sizes: %zu %zd %td %jd %" PRId64 " %" PRIu32 " %" PRIx8 "\n", (size_t)SIZE_MAX,
         (ssize_t)-5, (ptrdiff_t)-77, (intmax_t)INTMAX_MIN, INT64_C(-9000000000), UINT32_MAX,
         (uint8_t)200);
  printf("pointer: %p %p\n", (void *)0x1234abcdUL, (void *)0);
  printf("wide: %ls %lc\n", L"wide-string", (wint_t)L'w');
  int count1 = 0, count2 = 0;
  printf("abc%ndef%n\n", &count1, &count2);
  printf("counts %d %d\n", count1, count2);
  char small[8];
  int needed = snprintf(small, sizeof small, "%s-%d", "truncated", 123456);
  printf("snprintf needed %d got \"%s\"\n", needed, small);
  printf("zero-size snprintf %d\n", snprintf(NULL, 0, "%0100d", 7));
  char big[300];
  int n = sprintf(big, "%0250d|%-30x|", -1, 0xabcu);
  printf("sprintf %d ends with: %s\n", n, big + 240);
  return 0;
}
