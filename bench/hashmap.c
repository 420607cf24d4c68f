/* Hash table: open addressing with linear probing and tombstones, string
 * keys hashed with FNV-1a, growth by rehashing; a word-count style workload
 * of inserts, lookups and deletes. Size argument: thousands of operations
 * (default 6000). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Entry {
  char key[24];
  uint64_t hash;
  long value;
  int state; /* 0 empty, 1 full, 2 deleted */
};
struct Map {
  struct Entry *slots;
  size_t capacity, size, used;
};

static uint64_t fnv1a(const char *s) {
  uint64_t h = 1469598103934665603ull;
  while (*s)
    h = (h ^ (unsigned char)*s++) * 1099511628211ull;
  return h;
}

static void mapInit(struct Map *m, size_t capacity) {
  m->slots = calloc(capacity, sizeof *m->slots);
  m->capacity = capacity;
  m->size = m->used = 0;
}
static struct Entry *find(struct Map *m, const char *key, uint64_t h, int forInsert) {
  size_t mask = m->capacity - 1, i = h & mask;
  struct Entry *tomb = NULL;
  for (;;) {
    struct Entry *e = &m->slots[i];
    if (e->state == 0)
      return forInsert ? (tomb ? tomb : e) : NULL;
    if (e->state == 2) {
      if (!tomb)
        tomb = e;
    } else if (e->hash == h && strcmp(e->key, key) == 0) {
      return e;
    }
    i = (i + 1) & mask;
  }
}
static void grow(struct Map *m) {
  struct Map bigger;
  mapInit(&bigger, m->capacity * 2);
  for (size_t i = 0; i < m->capacity; ++i)
    if (m->slots[i].state == 1) {
      struct Entry *e = find(&bigger, m->slots[i].key, m->slots[i].hash, 1);
      *e = m->slots[i];
      bigger.size++;
      bigger.used++;
    }
  free(m->slots);
  *m = bigger;
}
static void mapAdd(struct Map *m, const char *key, long delta) {
  if ((m->used + 1) * 4 > m->capacity * 3)
    grow(m);
  uint64_t h = fnv1a(key);
  struct Entry *e = find(m, key, h, 1);
  if (e->state != 1) {
    if (e->state == 0)
      m->used++;
    strcpy(e->key, key);
    e->hash = h;
    e->value = 0;
    e->state = 1;
    m->size++;
  }
  e->value += delta;
}
static int mapRemove(struct Map *m, const char *key) {
  struct Entry *e = find(m, key, fnv1a(key), 0);
  if (!e)
    return 0;
  e->state = 2;
  m->size--;
  return 1;
}

int main(int argc, char **argv) {
  long thousands = argc > 1 ? atol(argv[1]) : 6000;
  if (thousands < 1) {
    fprintf(stderr, "usage: hashmap [thousands >= 1]\n");
    return 2;
  }
  long ops = thousands * 1000;
  struct Map m;
  mapInit(&m, 1024);
  uint64_t rng = 42, checksum = 0;
  long removed = 0, hits = 0;
  char key[24];
  long keySpace = ops / 8 + 100;
  for (long i = 0; i < ops; ++i) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    long k = (long)((rng >> 33) % (uint64_t)keySpace);
    snprintf(key, sizeof key, "key-%ld-%c", k, (char)('a' + k % 26));
    uint64_t action = (rng >> 20) % 10;
    if (action < 6) {
      mapAdd(&m, key, (long)(i & 15) + 1);
    } else if (action < 9) {
      struct Entry *e = find(&m, key, fnv1a(key), 0);
      if (e) {
        ++hits;
        checksum += (uint64_t)e->value * (uint64_t)(k + 1);
      }
    } else {
      removed += mapRemove(&m, key);
    }
  }
  uint64_t total = 0;
  for (size_t i = 0; i < m.capacity; ++i)
    if (m.slots[i].state == 1)
      total += (uint64_t)m.slots[i].value ^ m.slots[i].hash;
  printf("hashmap: %ld ops, %zu live keys, capacity %zu, %ld hits, %ld removed, checksum %llu, "
         "table %016llx\n",
         ops, m.size, m.capacity, hits, removed, (unsigned long long)checksum,
         (unsigned long long)total);
  free(m.slots);
  return 0;
}
