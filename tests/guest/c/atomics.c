/* C11 atomics in a single thread: fetch-add/sub/and/or/xor, exchange,
 * compare-exchange (strong and weak loops) on 8-, 16-, 32- and 64-bit
 * objects. 32/64-bit forms map to AMO and LR/SC; 8/16-bit ones to LR/SC on
 * the containing word, so neighbouring bytes must be left intact. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic uint64_t counter64;
static _Atomic uint32_t counter32;
static struct {
  uint8_t before;
  _Atomic uint8_t byte;
  _Atomic uint16_t half;
  uint8_t after;
} packed = {0x11, 0, 0, 0x22};

int main(void) {
  uint64_t acc = 0;
  for (int i = 0; i < 10000; ++i) {
    acc += atomic_fetch_add(&counter64, (uint64_t)i * 3);
    acc ^= atomic_fetch_xor(&counter32, (uint32_t)i * 2654435761u);
    atomic_fetch_or(&counter64, 1ull << (i % 64));
    atomic_fetch_and(&counter32, ~(1u << (i % 32)));
    atomic_fetch_sub(&counter64, 5);
  }
  printf("counter64 %016llx counter32 %08x acc %016llx\n", (unsigned long long)counter64, counter32,
         (unsigned long long)acc);
  uint64_t expected = 0;
  int strongOk = atomic_compare_exchange_strong(&counter64, &expected, 1);
  printf("cas with wrong expected: %d, observed %016llx\n", strongOk, (unsigned long long)expected);
  strongOk = atomic_compare_exchange_strong(&counter64, &expected, 12345);
  printf("cas with right expected: %d, now %llu\n", strongOk, (unsigned long long)counter64);
  /* A CAS-loop implementation of multiply. */
  uint32_t old = atomic_load(&counter32);
  while (!atomic_compare_exchange_weak(&counter32, &old, old * 7 + 1)) {
  }
  printf("cas loop result %u\n", atomic_load(&counter32));
  uint64_t before = atomic_exchange(&counter64, 0xfedcba9876543210ull);
  uint64_t after = atomic_load_explicit(&counter64, memory_order_acquire);
  printf("exchange old %llu new %llx\n", (unsigned long long)before, (unsigned long long)after);
  for (int i = 0; i < 300; ++i) {
    atomic_fetch_add(&packed.byte, 3);
    atomic_fetch_sub(&packed.half, 7);
  }
  uint8_t b = 5;
  atomic_compare_exchange_strong(&packed.byte, &b, 9);
  printf("byte %u (cas saw %u) half %u neighbours %02x %02x\n", atomic_load(&packed.byte), b,
         atomic_load(&packed.half), packed.before, packed.after);
  atomic_thread_fence(memory_order_seq_cst);
  atomic_flag flag = ATOMIC_FLAG_INIT;
  int first = atomic_flag_test_and_set(&flag);
  int second = atomic_flag_test_and_set(&flag);
  atomic_flag_clear(&flag);
  int third = atomic_flag_test_and_set(&flag);
  printf("flag %d %d %d\n", first, second, third);
  printf("lock free: %d %d %d %d\n", atomic_is_lock_free(&packed.byte),
         atomic_is_lock_free(&packed.half), atomic_is_lock_free(&counter32),
         atomic_is_lock_free(&counter64));
  return 0;
}
