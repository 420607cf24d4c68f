/* Reads standard input (stdin_text.stdin) with fgets, getchar and scanf:
 * counts lines, words and characters like wc, parses a table of numbers with
 * scanf, and prints the lines reversed. Exercises read(2) on a pipe and
 * glibc's buffered input. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  char line[256];
  char lines[64][256];
  int lineCount = 0, words = 0, chars = 0;
  /* Header section ends at a line "---". */
  while (fgets(line, sizeof line, stdin)) {
    if (strcmp(line, "---\n") == 0)
      break;
    chars += (int)strlen(line);
    int inWord = 0;
    for (char *p = line; *p; ++p) {
      if (isspace((unsigned char)*p))
        inWord = 0;
      else if (!inWord) {
        inWord = 1;
        ++words;
      }
    }
    if (lineCount < 64)
      strcpy(lines[lineCount], line);
    ++lineCount;
  }
  printf("text: %d lines %d words %d chars\n", lineCount, words, chars);
  for (int i = lineCount - 1; i >= 0; --i) {
    size_t n = strlen(lines[i]);
    printf("rev %2d: ", i);
    for (size_t k = n; k > 0; --k)
      if (lines[i][k - 1] != '\n')
        putchar(lines[i][k - 1]);
    putchar('\n');
  }
  /* Number table: "name int double hex" per row until "end". */
  char name[32];
  int count;
  double value;
  unsigned hex;
  double total = 0;
  long itotal = 0;
  while (scanf("%31s", name) == 1 && strcmp(name, "end") != 0) {
    if (scanf("%d %lf %x", &count, &value, &hex) != 3) {
      printf("parse error after %s\n", name);
      return 1;
    }
    printf("row %-8s count %5d value %12.4f hex 0x%08x\n", name, count, value, hex);
    total += value * count;
    itotal += count ^ (long)hex;
  }
  printf("weighted total %.6f itotal %ld\n", total, itotal);
  /* The rest byte by byte, histogram of letters. */
  int hist[26] = {0}, c, rest = 0;
  while ((c = getchar()) != EOF) {
    ++rest;
    if (isalpha(c))
      hist[tolower(c) - 'a']++;
  }
  printf("rest %d bytes, letters:", rest);
  for (int i = 0; i < 26; ++i)
    if (hist[i])
      printf(" %c%d", 'a' + i, hist[i]);
  printf("\nfeof %d ferror %d\n", feof(stdin) != 0, ferror(stdin) != 0);
  return 0;
}
