/* Misaligned loads and stores of every width through packed structs and
 * memcpy at every byte offset. RISC-V permits misaligned accesses (they may
 * be slow or emulated by the execution environment; ISA spec "Misaligned
 * accesses"), and an emulator must perform them exactly. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct __attribute__((packed)) Record {
  uint8_t tag;
  uint64_t wide;
  uint16_t half;
  uint32_t word;
  double real;
  float single;
};

int main(void) {
  static uint8_t buffer[256];
  for (int i = 0; i < 256; ++i)
    buffer[i] = (uint8_t)(i * 37 + 11);
  uint64_t hash = 0;
  for (int off = 0; off < 16; ++off) {
    volatile struct Record *r = (volatile struct Record *)(buffer + 64 + off);
    uint64_t w = r->wide;
    uint16_t h = r->half;
    uint32_t x = r->word;
    hash = hash * 1000003 + w + h + x;
    r->wide = w ^ 0x0102030405060708ull;
    r->half = (uint16_t)(h + 1);
    r->word = x * 3;
    r->real = (double)off + 0.5;
    r->single = (float)off * 0.25f;
    hash = hash * 1000003 + (uint64_t)(r->real * 4) + (uint64_t)(r->single * 8) + r->tag;
  }
  printf("packed hash %016llx\n", (unsigned long long)hash);
  uint64_t sum = 0;
  for (int off = 0; off < 32; ++off) {
    uint16_t a16;
    uint32_t a32;
    uint64_t a64;
    double d;
    memcpy(&a16, buffer + off, 2);
    memcpy(&a32, buffer + off, 4);
    memcpy(&a64, buffer + off, 8);
    memcpy(&d, buffer + off, 8);
    sum += a16 + a32 + a64 + (d == d);
    a64 = __builtin_bswap64(a64);
    memcpy(buffer + 128 + off, &a64, 8);
  }
  for (int i = 128; i < 168; ++i)
    sum = sum * 31 + buffer[i];
  printf("memcpy sum %016llx\n", (unsigned long long)sum);
  for (int i = 0; i < 256; i += 32) {
    for (int j = 0; j < 8; ++j)
      printf("%02x", buffer[i + j]);
    printf(i % 128 == 96 ? "\n" : " ");
  }
  return 0;
}
