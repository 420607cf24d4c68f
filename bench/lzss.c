/* Compression: an LZSS coder written here (32 KiB window, hash chains for
 * match finding, flag bytes announcing literal/match groups) compresses
 * generated English-like text and a less compressible byte stream,
 * decompresses both and verifies the round trip byte for byte. Size
 * argument: input KiB per pass (default 16384). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kWindow = 1 << 15, kMinMatch = 3, kMaxMatch = 258, kHashBits = 15, kMaxChain = 32 };

static uint64_t rng = 0x853c49e6748fea9bull;
static uint32_t nextRandom(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng >> 33);
}

static void makeText(uint8_t *out, size_t n) {
  static const char *const words[] = {
      "the",         "of",          "and",      "to",       "in",          "a",        "is",
      "that",        "for",         "it",       "as",       "was",         "with",     "be",
      "by",          "on",          "not",      "he",       "this",        "are",      "or",
      "his",         "from",        "at",       "which",    "but",         "have",     "an",
      "had",         "they",        "you",      "were",     "their",       "one",      "all",
      "we",          "translation", "emulator", "register", "instruction", "compiler", "benchmark",
      "interpreter", "memory",      "branch",   "pipeline", "cache",       "guest",    "host",
      "tier"};
  size_t pos = 0, sentence = 0;
  while (pos < n) {
    const char *w = words[nextRandom() % 16 < 12 ? nextRandom() % 36 : nextRandom() % 50];
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%s%s", w, ++sentence % 11 == 0 ? ".\n" : " ");
    for (int i = 0; i < len && pos < n; ++i)
      out[pos++] = (uint8_t)(sentence % 11 == 1 && i == 0 ? buf[i] - 32 : buf[i]);
  }
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
  static int32_t head[1 << kHashBits];
  static int32_t prev[kWindow];
  memset(head, -1, sizeof head);
  size_t op = 0, ip = 0;
  while (ip < n) {
    size_t flagPos = op++;
    uint8_t flags = 0;
    for (int bit = 0; bit < 8 && ip < n; ++bit) {
      size_t bestLen = 0, bestDist = 0;
      if (ip + kMinMatch <= n) {
        uint32_t h = ((uint32_t)in[ip] << 10 ^ (uint32_t)in[ip + 1] << 5 ^ in[ip + 2]) &
                     ((1u << kHashBits) - 1);
        int32_t cand = head[h];
        size_t maxLen = n - ip < kMaxMatch ? n - ip : kMaxMatch;
        for (int chain = 0; cand >= 0 && ip - (size_t)cand < kWindow && chain < kMaxChain;
             ++chain) {
          const uint8_t *a = in + cand, *b = in + ip;
          if (a[bestLen] == b[bestLen]) {
            size_t len = 0;
            while (len < maxLen && a[len] == b[len])
              ++len;
            if (len > bestLen) {
              bestLen = len;
              bestDist = ip - (size_t)cand;
              if (len == maxLen)
                break;
            }
          }
          cand = prev[cand & (kWindow - 1)];
        }
        prev[ip & (kWindow - 1)] = head[h];
        head[h] = (int32_t)ip;
      }
      if (bestLen >= kMinMatch) {
        flags |= (uint8_t)(1u << bit);
        out[op++] = (uint8_t)(bestDist - 1);
        out[op++] = (uint8_t)((bestDist - 1) >> 8);
        out[op++] = (uint8_t)(bestLen - kMinMatch);
        /* Insert the skipped positions into the hash chains. */
        for (size_t k = 1; k < bestLen; ++k) {
          size_t p = ip + k;
          if (p + kMinMatch <= n) {
            uint32_t h = ((uint32_t)in[p] << 10 ^ (uint32_t)in[p + 1] << 5 ^ in[p + 2]) &
                         ((1u << kHashBits) - 1);
            prev[p & (kWindow - 1)] = head[h];
            head[h] = (int32_t)p;
          }
        }
        ip += bestLen;
      } else {
        out[op++] = in[ip++];
      }
    }
    out[flagPos] = flags;
  }
  return op;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
  size_t ip = 0, op = 0;
  while (ip < n) {
    uint8_t flags = in[ip++];
    for (int bit = 0; bit < 8 && ip < n; ++bit) {
      if (flags & (1u << bit)) {
        size_t dist = ((size_t)in[ip] | (size_t)in[ip + 1] << 8) + 1;
        size_t len = (size_t)in[ip + 2] + kMinMatch;
        ip += 3;
        if (dist > op || op + len > cap)
          return (size_t)-1;
        for (size_t k = 0; k < len; ++k, ++op) /* overlapping copies are allowed */
          out[op] = out[op - dist];
      } else {
        if (op >= cap)
          return (size_t)-1;
        out[op++] = in[ip++];
      }
    }
  }
  return op;
}

static uint32_t fnv1a(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  while (n--)
    h = (h ^ *p++) * 16777619u;
  return h;
}

int main(int argc, char **argv) {
  long kib = argc > 1 ? atol(argv[1]) : 16384;
  if (kib < 1) {
    fprintf(stderr, "usage: lzss [KiB >= 1]\n");
    return 2;
  }
  size_t n = (size_t)kib * 1024;
  uint8_t *input = malloc(n), *packed = malloc(n + n / 8 + 16), *output = malloc(n);
  int ok = 1;
  for (int kind = 0; kind < 2; ++kind) {
    if (kind == 0) {
      makeText(input, n);
    } else {
      /* Bytes from a skewed distribution with short repeats. */
      for (size_t i = 0; i < n; ++i) {
        uint32_t r = nextRandom();
        input[i] =
            (r & 7) == 0 && i >= 64 ? input[i - 1 - (r >> 8) % 64] : (uint8_t)((r >> 16) % 40);
      }
    }
    size_t packedSize = compress(input, n, packed);
    size_t unpacked = decompress(packed, packedSize, output, n);
    int same = unpacked == n && memcmp(input, output, n) == 0;
    ok &= same;
    printf("%s: %zu -> %zu bytes (%.1f%%), round trip %s, input hash %08x packed hash %08x\n",
           kind == 0 ? "text  " : "binary", n, packedSize, 100.0 * (double)packedSize / (double)n,
           same ? "ok" : "FAILED", fnv1a(input, n), fnv1a(packed, packedSize));
  }
  free(input);
  free(packed);
  free(output);
  return !ok;
}
