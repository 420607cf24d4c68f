/* String and memory functions over many alignments and lengths. glibc's
 * riscv64 build uses word-at-a-time and unaligned-tolerant paths, so every
 * (source offset, destination offset, length) combination is checked against
 * a byte-by-byte reference. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static unsigned char bufA[4096 + 64], bufB[4096 + 64], ref[4096 + 64];
static unsigned failures;

static void check(int ok, const char *what, int a, int b, int n) {
  if (!ok && failures++ < 20)
    printf("FAIL %s src+%d dst+%d len %d\n", what, a, b, n);
}

static void fillPattern(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; ++i)
    p[i] = (unsigned char)(seed * 131 + i * 17 + (i >> 8));
}

int main(void) {
  const int lengths[] = {0,  1,  2,  3,  4,  5,   7,   8,   9,   15,  16,   17,  31,
                         32, 33, 63, 64, 65, 100, 127, 128, 255, 256, 1000, 4000};
  unsigned long checks = 0;
  for (int si = 0; si < 16; ++si)
    for (int di = 0; di < 16; ++di)
      for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; ++li) {
        int n = lengths[li];
        fillPattern(bufA, sizeof bufA, (unsigned)(si + di + n));
        memset(bufB, 0xEE, sizeof bufB);
        memcpy(bufB + di, bufA + si, (size_t)n);
        memset(ref, 0xEE, sizeof ref);
        for (int i = 0; i < n; ++i)
          ref[di + i] = bufA[si + i];
        check(memcmp(bufB, ref, sizeof ref) == 0, "memcpy", si, di, n);
        check(memcmp(bufB + di, bufA + si, (size_t)n) == 0, "memcmp-equal", si, di, n);
        if (n > 0) {
          bufB[di + n - 1] ^= 0x80;
          int c = memcmp(bufB + di, bufA + si, (size_t)n);
          check((c > 0) == (bufB[di + n - 1] > bufA[si + n - 1]) && c != 0, "memcmp-diff", si, di,
                n);
        }
        /* memmove with overlap in both directions. */
        fillPattern(bufA, sizeof bufA, (unsigned)n);
        memcpy(ref, bufA, sizeof ref);
        memmove(bufA + di, bufA + si, (size_t)n);
        unsigned char tmp[4096];
        memcpy(tmp, ref + si, (size_t)n);
        memcpy(ref + di, tmp, (size_t)n);
        check(memcmp(bufA, ref, sizeof ref) == 0, "memmove", si, di, n);
        /* strlen / strcpy / strcmp / strchr on NUL-terminated data. */
        memset(bufA, 0, sizeof bufA);
        for (int i = 0; i < n; ++i)
          bufA[si + i] = (unsigned char)('a' + (i * 7 + si) % 26);
        check(strlen((char *)bufA + si) == (size_t)n, "strlen", si, di, n);
        check(strnlen((char *)bufA + si, 10) == (size_t)(n < 10 ? n : 10), "strnlen", si, di, n);
        memset(bufB, 0x55, sizeof bufB);
        strcpy((char *)bufB + di, (char *)bufA + si);
        check(strcmp((char *)bufB + di, (char *)bufA + si) == 0 && bufB[di + n] == 0 &&
                  bufB[di + n + 1] == 0x55,
              "strcpy", si, di, n);
        if (n > 0) {
          bufB[di + n / 2] = 'z' + 1;
          check(strcmp((char *)bufB + di, (char *)bufA + si) > 0, "strcmp-greater", si, di, n);
          check(strncmp((char *)bufB + di, (char *)bufA + si, (size_t)(n / 2)) == 0, "strncmp", si,
                di, n);
          const char *hit = strchr((char *)bufB + di, 'z' + 1);
          check(hit == (char *)bufB + di + n / 2, "strchr", si, di, n);
          check(memchr(bufB + di, 'z' + 1, (size_t)n) == bufB + di + n / 2, "memchr", si, di, n);
          check(strrchr((char *)bufA + si, bufA[si]) != NULL, "strrchr", si, di, n);
        }
        check(strchr((char *)bufA + si, 0) == (char *)bufA + si + n, "strchr-nul", si, di, n);
        /* memset at the same alignments. */
        memset(bufB, 1, sizeof bufB);
        memset(bufB + di, 0xA5, (size_t)n);
        int ok = 1;
        for (int i = 0; i < (int)sizeof bufB; ++i)
          ok &= bufB[i] == ((i >= di && i < di + n) ? 0xA5 : 1);
        check(ok, "memset", si, di, n);
        checks += 14;
      }
  /* A few fixed results whose printed values are checked exactly. */
  char s[64] = "Hello, ";
  strcat(s, "world");
  strncat(s, "!!!!", 2);
  printf("strcat: %s (%zu)\n", s, strlen(s));
  printf("strstr: %s\n", strstr("the quick brown fox", "brown"));
  printf("strspn %zu strcspn %zu strpbrk %s\n", strspn("aabbccdd", "ab"),
         strcspn("hello world", " "), strpbrk("hello world", "ow"));
  printf("strcasecmp %d %d\n", strcasecmp("HeLLo", "hello") == 0, strncasecmp("ABCx", "abcy", 3));
  char tok[] = "a,b;;c,,d";
  int count = 0;
  for (char *save, *t = strtok_r(tok, ",;", &save); t; t = strtok_r(NULL, ",;", &save))
    printf("token %d: %s\n", count++, t);
  char dup[32];
  printf("strncpy pads: %d\n", (int)(strncpy(dup, "ab", sizeof dup), dup[31] == 0 && dup[2] == 0));
  printf("checks %lu failures %u\n", checks, failures);
  return failures != 0;
}
