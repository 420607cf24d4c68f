/* Directories: mkdir, a tree of files listed with opendir/readdir
 * (getdents64) and printed sorted, nested listing with types, getcwd,
 * chdir/fchdir, rmdir of a non-empty directory (ENOTEMPTY), unlinkat with
 * AT_REMOVEDIR, renameat2 RENAME_NOREPLACE and the final clean-up. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok)
    ++failures;
}

static int compareNames(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the entries of `path` sorted, with a type letter (d, f, l). */
static void listSorted(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    printf("opendir %s failed: %s\n", path, strerror(errno));
    ++failures;
    return;
  }
  char *names[256];
  int count = 0;
  struct dirent *entry;
  while ((entry = readdir(d)) != NULL && count < 256) {
    unsigned char dtype = entry->d_type;
    if (dtype == DT_UNKNOWN) { /* some file systems leave it to lstat */
      struct stat st;
      if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        dtype = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK
              : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    char type = dtype == DT_DIR ? 'd' : dtype == DT_LNK ? 'l' : dtype == DT_REG ? 'f' : '?';
    char *line = malloc(strlen(entry->d_name) + 3);
    sprintf(line, "%c %s", type, entry->d_name);
    names[count++] = line;
  }
  closedir(d);
  qsort(names, count, sizeof names[0], compareNames);
  printf("listing of %s (%d entries)\n", path, count);
  for (int i = 0; i < count; ++i) {
    printf("  %s\n", names[i]);
    free(names[i]);
  }
}

int main(void) {
  char dir[] = "/tmp/tiercel-dir-XXXXXX";
  if (!mkdtemp(dir) || chdir(dir) != 0) {
    perror("temporary directory");
    return 1;
  }
  const char *files[] = {"zeta.txt", "alpha.txt", "Mixed.Case", "beta", "sub/inner.c",
                         "sub/deeper/leaf"};
  check(mkdir("sub", 0755) == 0 && mkdir("sub/deeper", 0700) == 0, "mkdir nested");
  check(mkdir("sub", 0755) == -1 && errno == EEXIST, "mkdir existing: EEXIST");
  for (size_t i = 0; i < sizeof files / sizeof files[0]; ++i) {
    int fd = open(files[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, files[i], strlen(files[i])) < 0)
      ++failures;
    close(fd);
  }
  check(symlink("alpha.txt", "link-to-alpha") == 0, "symlink");
  /* Many entries, so getdents64 needs more than one call. */
  check(mkdir("many", 0755) == 0, "mkdir many");
  for (int i = 0; i < 200; ++i) {
    char name[64];
    snprintf(name, sizeof name, "many/entry-with-a-long-name-%03d", i);
    int fd = open(name, O_WRONLY | O_CREAT, 0644);
    if (fd < 0)
      ++failures;
    close(fd);
  }

  listSorted(".");
  listSorted("sub");
  listSorted("sub/deeper");
  DIR *many = opendir("many");
  int manyCount = 0;
  while (many && readdir(many))
    ++manyCount;
  if (many)
    closedir(many);
  printf("many holds %d entries (with . and ..)\n", manyCount);

  /* getcwd / chdir / fchdir */
  char cwd[4096];
  check(getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, dir) == 0, "getcwd is the temp dir");
  int top = open(".", O_RDONLY | O_DIRECTORY);
  check(chdir("sub/deeper") == 0 && getcwd(cwd, sizeof cwd) &&
            strcmp(cwd + strlen(dir), "/sub/deeper") == 0,
        "chdir into sub/deeper");
  check(fchdir(top) == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0, "fchdir back");
  check(getcwd(cwd, 4) == NULL && errno == ERANGE, "getcwd small buffer: ERANGE");
  close(top);

  /* Removal */
  check(rmdir("sub") == -1 && errno == ENOTEMPTY, "rmdir non-empty: ENOTEMPTY");
  check(renameat2(AT_FDCWD, "beta", AT_FDCWD, "alpha.txt", RENAME_NOREPLACE) == -1 &&
            errno == EEXIST,
        "renameat2 RENAME_NOREPLACE: EEXIST");
  check(unlink("sub/deeper/leaf") == 0 && unlinkat(AT_FDCWD, "sub/deeper", AT_REMOVEDIR) == 0,
        "unlinkat AT_REMOVEDIR");
  for (int i = 0; i < 200; ++i) {
    char name[64];
    snprintf(name, sizeof name, "many/entry-with-a-long-name-%03d", i);
    if (unlink(name) != 0)
      ++failures;
  }
  check(unlink("sub/inner.c") == 0 && rmdir("sub") == 0 && rmdir("many") == 0,
        "remove subdirectories");
  check(unlink("zeta.txt") == 0 && unlink("alpha.txt") == 0 && unlink("Mixed.Case") == 0 &&
            unlink("beta") == 0 && unlink("link-to-alpha") == 0,
        "remove files");
  listSorted(".");
  check(chdir("/") == 0 && rmdir(dir) == 0, "rmdir temp dir");
  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all directory checks passed");
  return failures ? 1 : 0;
}
