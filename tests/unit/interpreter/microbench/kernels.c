/* Loop-heavy integer kernels for the interpreter micro-benchmark. The same
 * source is cross-compiled for riscv64 (run through the interpreter) and
 * compiled natively (the reference time), so the benchmark can report both
 * ns per guest instruction and the slowdown against native code. */
#include <stdint.h>

#define SIEVE_SIZE (1u << 20)
#define MATRIX 48

static uint8_t sieveBuffer[SIEVE_SIZE];
static uint32_t matrixA[MATRIX * MATRIX], matrixB[MATRIX * MATRIX], matrixC[MATRIX * MATRIX];

/* Stores, loads and data-dependent branches. */
static uint64_t sieve(void) {
  for (uint32_t i = 0; i < SIEVE_SIZE; ++i)
    sieveBuffer[i] = 1;
  uint64_t count = 0;
  for (uint32_t i = 2; i < SIEVE_SIZE; ++i) {
    if (!sieveBuffer[i])
      continue;
    ++count;
    for (uint32_t j = i * 2; j < SIEVE_SIZE; j += i)
      sieveBuffer[j] = 0;
  }
  return count;
}

/* A long straight dependency chain: load, xor, multiply. */
static uint64_t fnvHash(void) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (int round = 0; round < 4; ++round)
    for (uint32_t i = 0; i < SIEVE_SIZE; ++i) {
      hash ^= sieveBuffer[i] + i;
      hash *= 0x100000001b3ull;
    }
  return hash;
}

/* Calls and returns (indirect jumps through ra). */
static uint64_t fib(uint64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

/* Nested loops with multiplies. */
static uint64_t matmul(void) {
  for (uint32_t i = 0; i < MATRIX * MATRIX; ++i) {
    matrixA[i] = i * 7 + 1;
    matrixB[i] = i ^ 0x55;
  }
  uint64_t sum = 0;
  for (int rep = 0; rep < 10; ++rep) {
    for (int i = 0; i < MATRIX; ++i)
      for (int j = 0; j < MATRIX; ++j) {
        uint32_t s = 0;
        for (int k = 0; k < MATRIX; ++k)
          s += matrixA[i * MATRIX + k] * matrixB[k * MATRIX + j];
        matrixC[i * MATRIX + j] = s;
      }
    sum += matrixC[rep * 7];
    matrixA[rep] += 1;
  }
  return sum;
}

uint64_t runKernels(void) {
  uint64_t result = sieve();
  result = result * 31 + fnvHash();
  result = result * 31 + fib(27);
  result = result * 31 + matmul();
  return result;
}

#if defined(__riscv)
/* Bare guest entry: a0 = runKernels(), then stop at an ecall. */
__asm__(".globl _start\n"
        "_start:\n"
        "  call runKernels\n"
        "  li a7, 93\n"
        "  ecall\n");
#endif
