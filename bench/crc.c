/* Integer kernel: CRC-32 (IEEE, reflected) computed three ways over a
 * pseudo-random buffer - bitwise, byte table, and slicing-by-4 - plus
 * Adler-32. All must agree. Size argument: MiB hashed per method
 * (default 256). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t table[4][256];

static void makeTables(void) {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (int t = 1; t < 4; ++t)
      table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

static uint32_t crcBitwise(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}
static uint32_t crcTable(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  while (n--)
    crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
  return ~crc;
}
static uint32_t crcSlice4(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  while (n >= 4) {
    crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    crc = table[3][crc & 0xff] ^ table[2][(crc >> 8) & 0xff] ^ table[1][(crc >> 16) & 0xff] ^
          table[0][crc >> 24];
    p += 4;
    n -= 4;
  }
  while (n--)
    crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
  return ~crc;
}
static uint32_t adler32(const uint8_t *p, size_t n) {
  uint32_t a = 1, b = 0;
  while (n) {
    size_t chunk = n < 5552 ? n : 5552;
    n -= chunk;
    while (chunk--) {
      a += *p++;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return b << 16 | a;
}

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 256;
  if (mib < 1) {
    fprintf(stderr, "usage: crc [MiB >= 1]\n");
    return 2;
  }
  makeTables();
  enum { kBuf = 1 << 20 };
  uint8_t *buf = malloc(kBuf);
  uint64_t s = 0x243F6A8885A308D3ull;
  for (size_t i = 0; i < kBuf; ++i) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    buf[i] = (uint8_t)(s >> 32);
  }
  printf("crc32(\"123456789\") = %08x\n", crcTable(0, (const uint8_t *)"123456789", 9));
  uint32_t c1 = 0, c2 = 0, c3 = 0, ad = 0;
  long bitwiseMib = mib / 8 > 0 ? mib / 8 : 1; /* bitwise is ~8x slower */
  for (long i = 0; i < bitwiseMib; ++i)
    c1 = crcBitwise(c1, buf, kBuf);
  for (long i = 0; i < bitwiseMib; ++i)
    c2 = crcTable(c2, buf, kBuf);
  for (long i = 0; i < bitwiseMib; ++i)
    c3 = crcSlice4(c3, buf, kBuf);
  printf("bitwise/table/slice4 agree over %ld MiB: %s (%08x)\n", bitwiseMib,
         c1 == c2 && c2 == c3 ? "yes" : "NO", c1);
  uint32_t t = 0, sl = 0;
  for (long i = 0; i < mib; ++i) {
    buf[i % kBuf] ^= (uint8_t)i; /* vary the data between passes */
    t = crcTable(t, buf, kBuf);
    sl = crcSlice4(sl, buf, kBuf);
    ad ^= adler32(buf, kBuf);
  }
  printf("table %08x slice4 %08x agree %s adler %08x\n", t, sl, t == sl ? "yes" : "NO", ad);
  free(buf);
  return 0;
}
