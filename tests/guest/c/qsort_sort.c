/* qsort and bsearch on structs (multi-key compare), strings (strcmp through
 * a pointer-to-pointer compare) and ints; checks sortedness and stability-free
 * invariants, prints checksums and a few elements. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Person {
  char name[16];
  int age;
  double score;
};

static uint64_t rngState = 0x9e3779b97f4a7c15ull;
static uint64_t nextRandom(void) { /* xorshift64*: deterministic on every host */
  rngState ^= rngState >> 12;
  rngState ^= rngState << 25;
  rngState ^= rngState >> 27;
  return rngState * 2685821657736338717ull;
}

static int comparePerson(const void *a, const void *b) {
  const struct Person *x = a, *y = b;
  if (x->age != y->age)
    return x->age < y->age ? -1 : 1;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return strcmp(x->name, y->name);
}
static int compareStringPtr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}
static int compareInt(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(void) {
  enum { kPeople = 500, kStrings = 2000, kInts = 100000 };
  static struct Person people[kPeople];
  for (int i = 0; i < kPeople; ++i) {
    int len = 3 + (int)(nextRandom() % 10);
    for (int j = 0; j < len; ++j)
      people[i].name[j] = (char)('a' + nextRandom() % 26);
    people[i].name[len] = 0;
    people[i].age = 18 + (int)(nextRandom() % 60);
    people[i].score = (double)(nextRandom() % 10000) / 100.0;
  }
  qsort(people, kPeople, sizeof people[0], comparePerson);
  for (int i = 1; i < kPeople; ++i)
    if (comparePerson(&people[i - 1], &people[i]) > 0) {
      printf("people not sorted at %d\n", i);
      return 1;
    }
  for (int i = 0; i < kPeople; i += 50)
    printf("person %3d: %-13s age %2d score %6.2f\n", i, people[i].name, people[i].age,
           people[i].score);

  static char storage[kStrings][24];
  static char *strings[kStrings];
  for (int i = 0; i < kStrings; ++i) {
    int len = 1 + (int)(nextRandom() % 22);
    for (int j = 0; j < len; ++j)
      storage[i][j] = (char)('A' + nextRandom() % 58);
    storage[i][len] = 0;
    strings[i] = storage[i];
  }
  qsort(strings, kStrings, sizeof strings[0], compareStringPtr);
  uint64_t hash = 1469598103934665603ull;
  for (int i = 0; i < kStrings; ++i) {
    if (i > 0 && strcmp(strings[i - 1], strings[i]) > 0) {
      printf("strings not sorted at %d\n", i);
      return 1;
    }
    for (const char *p = strings[i]; *p; ++p)
      hash = (hash ^ (unsigned char)*p) * 1099511628211ull;
  }
  printf("strings first %s last %s hash %016llx\n", strings[0], strings[kStrings - 1],
         (unsigned long long)hash);
  char *key = strings[kStrings / 3];
  char **found = bsearch(&key, strings, kStrings, sizeof strings[0], compareStringPtr);
  printf("bsearch string: %s\n", found && strcmp(*found, key) == 0 ? "found" : "MISSING");

  static int ints[kInts];
  long long sum = 0;
  for (int i = 0; i < kInts; ++i) {
    ints[i] = (int)(nextRandom() % 2000001) - 1000000;
    sum += ints[i];
  }
  qsort(ints, kInts, sizeof ints[0], compareInt);
  long long sum2 = 0;
  for (int i = 0; i < kInts; ++i) {
    sum2 += ints[i];
    if (i > 0 && ints[i - 1] > ints[i]) {
      printf("ints not sorted at %d\n", i);
      return 1;
    }
  }
  printf("ints min %d median %d max %d sum %lld same-sum %s\n", ints[0], ints[kInts / 2],
         ints[kInts - 1], sum2, sum == sum2 ? "yes" : "NO");
  int probe = ints[12345];
  int *hit = bsearch(&probe, ints, kInts, sizeof ints[0], compareInt);
  printf("bsearch int %d: %s\n", probe, hit && *hit == probe ? "found" : "MISSING");
  int absent = 1000001;
  printf("bsearch absent: %s\n",
         bsearch(&absent, ints, kInts, sizeof ints[0], compareInt) ? "FOUND" : "not found");
  return 0;
}
