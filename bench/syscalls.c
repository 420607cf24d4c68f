/* Syscall-heavy: many small write/read/lseek/pread calls on a temporary
 * file, small messages through a pipe, and getpid/getppid/clock_gettime
 * loops. Measures the cost of entering the emulator's syscall layer. Size
 * argument: thousands of rounds (default 1000). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
  perror(what);
  exit(1);
}

int main(int argc, char **argv) {
  long thousands = argc > 1 ? atol(argv[1]) : 1000;
  if (thousands < 1) {
    fprintf(stderr, "usage: syscalls [thousands >= 1]\n");
    return 2;
  }
  long rounds = thousands * 1000;
  const char *dir = getenv("TMPDIR");
  char path[512];
  snprintf(path, sizeof path, "%s/tiercel-bench-XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0)
    die("mkstemp");
  unlink(path); /* the file lives until closed */
  int fds[2];
  if (pipe(fds) != 0)
    die("pipe");

  uint64_t sum = 0;
  char record[16], back[16];
  const long kRecords = 4096;
  for (long i = 0; i < rounds; ++i) {
    long slot = (i * 2654435761u) % kRecords;
    memset(record, (int)('A' + i % 26), sizeof record);
    memcpy(record, &i, sizeof i);
    if (lseek(fd, slot * 16, SEEK_SET) != slot * 16)
      die("lseek");
    if (write(fd, record, sizeof record) != (ssize_t)sizeof record)
      die("write");
    if (pread(fd, back, sizeof back, slot * 16) != (ssize_t)sizeof back)
      die("pread");
    if (memcmp(record, back, sizeof back) != 0) {
      fprintf(stderr, "file readback mismatch at round %ld\n", i);
      return 1;
    }
    if (write(fds[1], record, 8) != 8 || read(fds[0], back, 8) != 8)
      die("pipe io");
    sum += (unsigned char)back[0] + (uint64_t)slot; /* char signedness differs by ABI */
    if ((i & 3) == 0)
      sum += (uint64_t)(getpid() > 0) + (uint64_t)(getppid() > 0);
    if ((i & 7) == 0) {
      struct timespec ts;
      clock_gettime(CLOCK_MONOTONIC, &ts);
      sum += ts.tv_nsec >= 0;
    }
  }
  off_t size = lseek(fd, 0, SEEK_END);
  /* Read the whole file back sequentially in small chunks. */
  lseek(fd, 0, SEEK_SET);
  uint64_t fileHash = 0;
  char chunk[64];
  ssize_t got;
  while ((got = read(fd, chunk, sizeof chunk)) > 0)
    for (ssize_t k = 0; k < got; ++k)
      fileHash = fileHash * 131 + (unsigned char)chunk[k];
  close(fd);
  close(fds[0]);
  close(fds[1]);
  printf("syscalls: %ld rounds, file size %lld, sum %llu, file hash %016llx\n", rounds,
         (long long)size, (unsigned long long)sum, (unsigned long long)fileHash);
  return 0;
}
