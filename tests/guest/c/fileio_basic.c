/* File I/O through the syscall layer: create, write, seek, read, positional
 * and vectored I/O, fstat/stat/statx fields, truncate, rename, link, symlink
 * and readlink, chmod, utimensat, fcntl flags, access and the errno values
 * of the common failures. Everything happens in a fresh directory under
 * /tmp, removed at the end; the output is deterministic. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok)
    ++failures;
}

int main(void) {
  char dir[] = "/tmp/tiercel-fileio-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  if (chdir(dir) != 0) {
    perror("chdir");
    return 1;
  }
  umask(022);

  /* create + write + seek + read */
  int fd = open("data.txt", O_RDWR | O_CREAT | O_EXCL, 0640);
  check(fd >= 0, "open O_CREAT|O_EXCL");
  const char text[] = "hello, riscv64 file\n";
  check(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write");
  check(lseek(fd, 0, SEEK_CUR) == (off_t)strlen(text), "lseek SEEK_CUR after write");
  check(lseek(fd, 7, SEEK_SET) == 7, "lseek SEEK_SET");
  char buffer[64] = {0};
  check(read(fd, buffer, 7) == 7 && memcmp(buffer, "riscv64", 7) == 0, "read after seek");
  check(lseek(fd, 0, SEEK_END) == (off_t)strlen(text), "lseek SEEK_END");
  check(read(fd, buffer, sizeof buffer) == 0, "read at EOF returns 0");

  /* positional I/O does not move the offset */
  check(pwrite(fd, "HELLO", 5, 0) == 5, "pwrite");
  memset(buffer, 0, sizeof buffer);
  check(pread(fd, buffer, 5, 0) == 5 && memcmp(buffer, "HELLO", 5) == 0, "pread");
  check(lseek(fd, 0, SEEK_CUR) == (off_t)strlen(text), "offset unchanged by pread/pwrite");

  /* vectored I/O */
  struct iovec out[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
  check(writev(fd, out, 3) == 8, "writev");
  char a[4] = {0}, b[6] = {0};
  struct iovec in[2] = {{a, 3}, {b, 5}};
  check(preadv(fd, in, 2, (off_t)strlen(text)) == 8 && strcmp(a, "abc") == 0 &&
            strcmp(b, "defgh") == 0,
        "preadv");

  /* fstat / stat / statx */
  struct stat st;
  check(fstat(fd, &st) == 0, "fstat");
  printf("size %lld mode %o nlink %lu regular %d\n", (long long)st.st_size,
         (unsigned)(st.st_mode & 07777), (unsigned long)st.st_nlink, S_ISREG(st.st_mode));
  check(st.st_uid == getuid() && st.st_gid == getegid(), "fstat uid/gid are ours");
  check(st.st_blksize > 0 && st.st_ino != 0, "fstat blksize and inode");
  struct stat st2;
  check(stat("data.txt", &st2) == 0 && st2.st_ino == st.st_ino && st2.st_size == st.st_size,
        "stat agrees with fstat");
  struct statx sx;
  check(statx(AT_FDCWD, "data.txt", 0, STATX_BASIC_STATS, &sx) == 0 && sx.stx_size == 28 &&
            sx.stx_ino == st.st_ino,
        "statx");
  check(fstatat(AT_FDCWD, "data.txt", &st2, AT_SYMLINK_NOFOLLOW) == 0 && st2.st_size == 28,
        "fstatat");

  /* truncate */
  check(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
  check(truncate("data.txt", 100) == 0 && stat("data.txt", &st) == 0 && st.st_size == 100,
        "truncate grows");
  check(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync/fdatasync");

  /* fcntl */
  int flags = fcntl(fd, F_GETFL);
  check((flags & O_ACCMODE) == O_RDWR, "F_GETFL access mode");
  check(fcntl(fd, F_SETFL, flags | O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND), "F_SETFL O_APPEND");
  int dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  check(dupfd >= 10 && (fcntl(dupfd, F_GETFD) & FD_CLOEXEC), "F_DUPFD_CLOEXEC");
  struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
  check(fcntl(fd, F_SETLK, &lock) == 0, "F_SETLK");
  lock.l_type = F_RDLCK;
  check(fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type == F_UNLCK, "F_GETLK own lock is no conflict");
  close(dupfd);
  close(fd);

  /* rename, link, symlink, readlink */
  check(rename("data.txt", "renamed.txt") == 0, "rename");
  check(access("data.txt", F_OK) == -1 && errno == ENOENT, "old name gone (ENOENT)");
  check(access("renamed.txt", R_OK | W_OK) == 0, "access R_OK|W_OK");
  check(link("renamed.txt", "hard.txt") == 0 && stat("hard.txt", &st) == 0 && st.st_nlink == 2,
        "link makes nlink 2");
  check(symlink("renamed.txt", "soft.txt") == 0, "symlink");
  char target[64] = {0};
  ssize_t n = readlink("soft.txt", target, sizeof target - 1);
  check(n == 11 && strcmp(target, "renamed.txt") == 0, "readlink");
  check(lstat("soft.txt", &st) == 0 && S_ISLNK(st.st_mode), "lstat sees a symlink");

  /* chmod, utimensat */
  check(chmod("renamed.txt", 0600) == 0 && stat("renamed.txt", &st) == 0 &&
            (st.st_mode & 0777) == 0600,
        "chmod");
  struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
  check(utimensat(AT_FDCWD, "renamed.txt", times, 0) == 0 && stat("renamed.txt", &st) == 0 &&
            st.st_mtim.tv_sec == 1234567890 && st.st_mtim.tv_nsec == 500 &&
            st.st_atim.tv_sec == 1000000000,
        "utimensat");

  /* errors */
  check(open("missing/file", O_RDONLY) == -1 && errno == ENOENT, "open missing: ENOENT");
  check(open("renamed.txt", O_CREAT | O_EXCL | O_WRONLY, 0600) == -1 && errno == EEXIST,
        "O_EXCL on existing: EEXIST");
  check(read(-1, buffer, 1) == -1 && errno == EBADF, "read bad fd: EBADF");
  const void *volatile unmapped = (const void *)8; /* hidden from the compiler's checks */
  check(write(1, unmapped, 1) == -1 && errno == EFAULT, "write from bad pointer: EFAULT");
  check(open("renamed.txt", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR,
        "O_DIRECTORY on a file: ENOTDIR");

  struct statfs fs;
  check(statfs(".", &fs) == 0 && fs.f_bsize > 0 && fs.f_namelen > 0, "statfs");

  /* clean up */
  check(unlink("soft.txt") == 0 && unlink("hard.txt") == 0 && unlink("renamed.txt") == 0,
        "unlink");
  check(chdir("/") == 0 && rmdir(dir) == 0, "rmdir");
  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all file checks passed");
  return failures ? 1 : 0;
}
