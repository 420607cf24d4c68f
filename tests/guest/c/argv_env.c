/* argv and environment: prints argc, every argv entry (argv[0] only by its
 * last path component, since the runner passes an absolute path), a few
 * selected environment variables set by argv_env.env, and checks that
 * environ, getenv, setenv and unsetenv agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv, char **envp) {
  const char *base = strrchr(argv[0], '/');
  printf("argc %d\n", argc);
  printf("argv[0] basename %s\n", base ? base + 1 : argv[0]);
  for (int i = 1; i < argc; ++i)
    printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "NOT NULL");
  if (envp != environ)
    printf("envp differs from environ\n");
  const char *names[] = {"TIERCEL_TEST_A", "TIERCEL_TEST_EMPTY", "TIERCEL_TEST_SPACES",
                         "TIERCEL_TEST_UNSET"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
    const char *v = getenv(names[i]);
    printf("%s %s%s%s\n", names[i], v ? "= \"" : "is unset", v ? v : "", v ? "\"" : "");
  }
  int seen = 0;
  for (char **e = envp; *e; ++e)
    if (strncmp(*e, "TIERCEL_TEST_", 13) == 0)
      ++seen;
  printf("environ entries with TIERCEL_TEST_ prefix: %d\n", seen);
  setenv("TIERCEL_TEST_NEW", "fresh", 1);
  setenv("TIERCEL_TEST_A", "not replaced", 0);
  unsetenv("TIERCEL_TEST_EMPTY");
  printf("after setenv: NEW=%s A=%s EMPTY=%s\n", getenv("TIERCEL_TEST_NEW"),
         getenv("TIERCEL_TEST_A"), getenv("TIERCEL_TEST_EMPTY") ? "set" : "unset");
  /* The strings live on the initial stack; they must be writable. */
  if (argc > 1) {
    argv[1][0] = 'X';
    printf("modified argv[1] = %s\n", argv[1]);
  }
  return 0;
}
