/* Hashing: SHA-256 (FIPS 180-4) written here, checked on the standard "abc"
 * and 448-bit test vectors, then run over a generated buffer. Size argument:
 * MiB hashed (default 320). Prints the final digest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
static const uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
// clang-format on

struct Sha256 {
  uint32_t h[8];
  uint8_t block[64];
  size_t used;
  uint64_t length;
};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           p[4 * i + 3];
  for (int i = 16; i < 64; ++i) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; ++i) {
    uint32_t t1 =
        hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[i] + w[i];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

static void shaInit(struct Sha256 *s) {
  static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, init, sizeof init);
  s->used = 0;
  s->length = 0;
}
static void shaUpdate(struct Sha256 *s, const uint8_t *p, size_t n) {
  s->length += n;
  if (s->used) {
    while (n && s->used < 64) {
      s->block[s->used++] = *p++;
      --n;
    }
    if (s->used < 64)
      return;
    compress(s->h, s->block);
    s->used = 0;
  }
  for (; n >= 64; p += 64, n -= 64)
    compress(s->h, p);
  memcpy(s->block, p, n);
  s->used = n;
}
static void shaFinal(struct Sha256 *s, char hex[65]) {
  uint64_t bits = s->length * 8;
  uint8_t pad = 0x80;
  shaUpdate(s, &pad, 1);
  pad = 0;
  while (s->used != 56)
    shaUpdate(s, &pad, 1);
  uint8_t len[8];
  for (int i = 0; i < 8; ++i)
    len[i] = (uint8_t)(bits >> (56 - 8 * i));
  shaUpdate(s, len, 8);
  for (int i = 0; i < 8; ++i)
    sprintf(hex + 8 * i, "%08x", s->h[i]);
}

static void digest(const char *msg, char hex[65]) {
  struct Sha256 s;
  shaInit(&s);
  shaUpdate(&s, (const uint8_t *)msg, strlen(msg));
  shaFinal(&s, hex);
}

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 320;
  if (mib < 1) {
    fprintf(stderr, "usage: sha256 [MiB >= 1]\n");
    return 2;
  }
  char hex[65];
  digest("abc", hex);
  int ok1 = strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0;
  digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hex);
  int ok2 = strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0;
  printf("test vectors: %s %s\n", ok1 ? "ok" : "FAIL", ok2 ? "ok" : "FAIL");
  enum { kBuf = 1 << 20 };
  uint8_t *buf = malloc(kBuf + 7);
  for (size_t i = 0; i < kBuf + 7; ++i)
    buf[i] = (uint8_t)(i * 2654435761u >> 13);
  struct Sha256 s;
  shaInit(&s);
  for (long i = 0; i < mib; ++i)
    shaUpdate(&s, buf + (i % 7), kBuf - (size_t)(i % 3)); /* odd lengths and offsets */
  shaFinal(&s, hex);
  printf("sha256 of %ld MiB: %s\n", mib, hex);
  free(buf);
  return !(ok1 && ok2);
}
