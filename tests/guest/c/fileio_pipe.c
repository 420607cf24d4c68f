/* Pipes and descriptor plumbing: pipe2, dup/dup2/dup3, FIONREAD, readiness
 * through poll, select and epoll (whose struct epoll_event layout differs
 * between riscv64 and x86-64), eventfd, sendfile/copy_file_range between
 * files and ENOTTY for terminal ioctls on a pipe. Deterministic output. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok)
    ++failures;
}

int main(void) {
  int p[2];
  check(pipe2(p, O_CLOEXEC) == 0, "pipe2");
  check((fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0, "pipe2 O_CLOEXEC sets FD_CLOEXEC");

  /* Empty pipe: not readable yet. */
  struct pollfd pfd = {.fd = p[0], .events = POLLIN};
  check(poll(&pfd, 1, 0) == 0, "poll on empty pipe times out");

  check(write(p[1], "pipe data", 9) == 9, "write to pipe");
  int available = -1;
  check(ioctl(p[0], FIONREAD, &available) == 0 && available == 9, "FIONREAD counts 9 bytes");
  pfd.revents = 0;
  check(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLIN), "poll reports POLLIN");

  fd_set readable;
  FD_ZERO(&readable);
  FD_SET(p[0], &readable);
  struct timeval tv = {1, 0};
  check(select(p[0] + 1, &readable, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &readable),
        "select reports readable");

  /* epoll: the data word must survive the layout conversion. */
  int ep = epoll_create1(EPOLL_CLOEXEC);
  check(ep >= 0, "epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ull};
  check(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "epoll_ctl ADD");
  int efd = eventfd(0, EFD_CLOEXEC);
  check(efd >= 0, "eventfd");
  struct epoll_event ev2 = {.events = EPOLLIN, .data.u64 = 42};
  check(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev2) == 0, "epoll_ctl ADD eventfd");
  struct epoll_event ready[4];
  memset(ready, 0, sizeof ready);
  int count = epoll_wait(ep, ready, 4, 1000);
  check(count == 1 && ready[0].events == EPOLLIN && ready[0].data.u64 == 0x1122334455667788ull,
        "epoll_wait returns the pipe with its data");
  uint64_t one = 3;
  check(write(efd, &one, sizeof one) == 8, "eventfd write");
  count = epoll_wait(ep, ready, 4, 1000);
  int sawEventfd = 0, sawPipe = 0;
  for (int i = 0; i < count; ++i) {
    sawEventfd |= ready[i].data.u64 == 42;
    sawPipe |= ready[i].data.u64 == 0x1122334455667788ull;
  }
  check(count == 2 && sawEventfd && sawPipe, "epoll_wait returns both");
  uint64_t value = 0;
  check(read(efd, &value, sizeof value) == 8 && value == 3, "eventfd read");
  check(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL) == 0, "epoll_ctl DEL with NULL event");

  char buffer[32] = {0};
  check(read(p[0], buffer, sizeof buffer) == 9 && strcmp(buffer, "pipe data") == 0,
        "read from pipe");
  check(epoll_wait(ep, ready, 4, 0) == 0, "epoll_wait empty after drain");
  close(ep);
  close(efd);

  /* dup2 the pipe onto a chosen number and write through it. */
  int target = 20;
  check(dup2(p[1], target) == target, "dup2");
  check(write(target, "via dup2", 8) == 8, "write through dup2");
  memset(buffer, 0, sizeof buffer);
  check(read(p[0], buffer, sizeof buffer) == 8 && strcmp(buffer, "via dup2") == 0,
        "read what dup2 wrote");
  int copy = dup(p[1]);
  check(copy > 2 && (fcntl(copy, F_GETFD) & FD_CLOEXEC) == 0, "dup clears FD_CLOEXEC");
  check(dup3(p[1], copy, O_CLOEXEC) == copy && (fcntl(copy, F_GETFD) & FD_CLOEXEC),
        "dup3 O_CLOEXEC");
  check(dup3(copy, copy, 0) == -1 && errno == EINVAL, "dup3 same fd: EINVAL");

  /* Terminal ioctls on a pipe. */
  struct termios t;
  check(tcgetattr(p[0], &t) == -1 && errno == ENOTTY, "tcgetattr on pipe: ENOTTY");
  check(!isatty(p[0]), "isatty on pipe is false");

  /* EOF after every writer is closed. */
  close(p[1]);
  close(target);
  close(copy);
  check(read(p[0], buffer, sizeof buffer) == 0, "read sees EOF");
  close(p[0]);

  /* sendfile and copy_file_range between files. */
  char dir[] = "/tmp/tiercel-pipe-XXXXXX";
  check(mkdtemp(dir) != NULL && chdir(dir) == 0, "temporary directory");
  int src = open("src", O_RDWR | O_CREAT | O_TRUNC, 0600);
  int dst = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0600);
  check(write(src, "0123456789", 10) == 10, "write source");
  off_t offset = 2;
  check(sendfile(dst, src, &offset, 5) == 5 && offset == 7, "sendfile with offset");
  loff_t in = 0, out = 5;
  check(copy_file_range(src, &in, dst, &out, 3, 0) == 3 && in == 3 && out == 8,
        "copy_file_range");
  memset(buffer, 0, sizeof buffer);
  check(pread(dst, buffer, sizeof buffer, 0) == 8 && strcmp(buffer, "23456012") == 0,
        "copied contents");
  close(src);
  close(dst);
  check(unlink("src") == 0 && unlink("dst") == 0 && chdir("/") == 0 && rmdir(dir) == 0,
        "cleanup");

  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all pipe checks passed");
  return failures ? 1 : 0;
}
