/* riscv_hwprobe (syscall 258, Linux Documentation/arch/riscv/hwprobe.rst):
 * the base behaviour is IMA, the IMA_EXT_0 word has F/D and C (this test is
 * built for rv64gc), vendor/arch/impl ids are answered, an unknown key comes
 * back as key -1 with value 0, and non-zero flags are rejected (EINVAL). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

struct Pair {
  int64_t key;
  uint64_t value;
};

enum { kSysRiscvHwprobe = 258 };

int main(void) {
  struct Pair pairs[] = {{3, 99}, {4, 99}, {0, 99}, {1, 99}, {2, 99}, {5, 99}, {123456, 99}};
  const int count = sizeof pairs / sizeof pairs[0];
  long result = syscall(kSysRiscvHwprobe, pairs, count, 0, NULL, 0);
  printf("hwprobe returned %ld\n", result);
  if (result != 0)
    return 1;
  printf("base behavior IMA: %s\n", pairs[0].key == 3 && (pairs[0].value & 1) ? "yes" : "no");
  printf("IMA_EXT_0 has FD: %s\n", pairs[1].value & 1 ? "yes" : "no");
  printf("IMA_EXT_0 has C: %s\n", pairs[1].value & 2 ? "yes" : "no");
  printf("IMA_EXT_0 has V: %s\n", pairs[1].value & 4 ? "yes" : "no");
  printf("vendor/arch/impl keys answered: %s\n",
         pairs[2].key == 0 && pairs[3].key == 1 && pairs[4].key == 2 ? "yes" : "no");
  printf("CPUPERF_0 misaligned value valid: %s\n", pairs[5].key == 5 && pairs[5].value <= 4 ? "yes" : "no");
  printf("unknown key -> key %lld value %llu\n", (long long)pairs[6].key,
         (unsigned long long)pairs[6].value);
  struct Pair one = {4, 0};
  errno = 0;
  long bad = syscall(kSysRiscvHwprobe, &one, 1, 0, NULL, 1);
  printf("flags 1 -> %ld errno %s\n", bad, errno == EINVAL ? "EINVAL" : "other");
  return 0;
}
