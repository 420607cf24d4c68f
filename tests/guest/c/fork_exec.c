// Processes: fork (copy-on-write memory, pipes, exit status, death by a
// signal), vfork, execve of a riscv64 program (this one again, in another
// mode), of a script whose interpreter is one, and of a host program
// (/bin/sh through system and popen), posix_spawn, the signal mask kept
// across execve, and execve's errors.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int shared_counter = 100;

static char self_path[4096];

static void find_self(void) {
  ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (n <= 0) {
    perror("readlink /proc/self/exe");
    exit(1);
  }
  self_path[n] = 0;
}

static int wait_status(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) {
    perror("waitpid");
    exit(1);
  }
  return status;
}

static void describe(const char *what, int status) {
  if (WIFEXITED(status))
    printf("%s: exited %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    printf("%s: killed by %s\n", what, strsignal(WTERMSIG(status)));
  else
    printf("%s: status 0x%x\n", what, status);
}

// Modes the program is exec'd in.
static int child_mode(int argc, char **argv) {
  if (strcmp(argv[1], "exec-mode") == 0) {
    printf("exec-mode: argc %d, argv[0] %s, argv[2] %s, FORK_EXEC_VAR=%s\n", argc, argv[0],
           argc > 2 ? argv[2] : "-", getenv("FORK_EXEC_VAR") ? getenv("FORK_EXEC_VAR") : "(unset)");
    return 42;
  }
  if (strcmp(argv[1], "mask-mode") == 0) {
    sigset_t set;
    sigprocmask(SIG_BLOCK, NULL, &set);
    printf("mask-mode: SIGUSR1 %s, SIGUSR2 %s\n",
           sigismember(&set, SIGUSR1) ? "blocked" : "not blocked",
           sigismember(&set, SIGUSR2) ? "blocked" : "not blocked");
    return 0;
  }
  if (strcmp(argv[1], "script-mode") == 0) {
    // [interpreter, "script-mode", script path, script arguments...]
    const char *script = strrchr(argv[2], '/');
    printf("script-mode: argc %d, script %s, argument %s\n", argc, script ? script + 1 : argv[2],
           argc > 3 ? argv[3] : "-");
    return 5;
  }
  if (strcmp(argv[1], "spawn-mode") == 0) {
    printf("spawn-mode: pid differs from parent: %s\n",
           getppid() != getpid() ? "yes" : "no");
    return 9;
  }
  fprintf(stderr, "unknown mode %s\n", argv[1]);
  return 2;
}

int main(int argc, char **argv) {
  if (argc > 1)
    return child_mode(argc, argv);
  find_self();
  setvbuf(stdout, NULL, _IOLBF, 0);

  // fork: the child's writes stay in the child.
  pid_t pid = fork();
  if (pid == 0) {
    shared_counter = 7;
    _exit(shared_counter);
  }
  describe("fork child", wait_status(pid));
  printf("parent counter still %d\n", shared_counter);

  // A pipe from child to parent.
  int fds[2];
  if (pipe(fds) != 0)
    return 1;
  pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const char message[] = "hello through the pipe";
    if (write(fds[1], message, sizeof message) != (ssize_t)sizeof message)
      _exit(1);
    _exit(0);
  }
  close(fds[1]);
  char buffer[64] = {0};
  ssize_t got = read(fds[0], buffer, sizeof buffer);
  close(fds[0]);
  printf("pipe: %zd bytes: %s\n", got, buffer);
  describe("pipe child", wait_status(pid));

  // Death by a signal reaches the parent as such.
  pid = fork();
  if (pid == 0) {
    raise(SIGTERM);
    _exit(0);
  }
  describe("signalled child", wait_status(pid));

  // Several generations, each waiting for its own child.
  pid = fork();
  if (pid == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0)
      _exit(11);
    int status = wait_status(grandchild);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) + 1 : 0);
  }
  describe("grandchild chain", wait_status(pid));

  // vfork: the parent goes on once the child is gone.
  pid = vfork();
  if (pid == 0)
    _exit(3);
  describe("vfork child", wait_status(pid));

  // execve of this program, with its own environment.
  pid = fork();
  if (pid == 0) {
    char *child_argv[] = {"renamed-argv0", "exec-mode", "second", NULL};
    char *child_env[] = {"FORK_EXEC_VAR=from-parent", NULL};
    execve(self_path, child_argv, child_env);
    perror("execve");
    _exit(1);
  }
  describe("exec child", wait_status(pid));

  // The signal mask survives execve.
  pid = fork();
  if (pid == 0) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    char *child_argv[] = {self_path, "mask-mode", NULL};
    execve(self_path, child_argv, environ);
    _exit(1);
  }
  describe("mask child", wait_status(pid));

  // A script whose interpreter is this program.
  const char *script = "fork_exec_script.sh";
  FILE *file = fopen(script, "w");
  if (file == NULL)
    return 1;
  fprintf(file, "#!%s script-mode\necho this line is never run\n", self_path);
  fclose(file);
  chmod(script, 0755);
  pid = fork();
  if (pid == 0) {
    char *child_argv[] = {"script", "first-argument", NULL};
    execve(script, child_argv, environ);
    perror("execve script");
    _exit(1);
  }
  describe("script child", wait_status(pid));

  // Errors come back to the caller.
  char *none_argv[] = {"none", NULL};
  errno = 0;
  printf("execve missing: %d %s\n", execve("./no-such-program", none_argv, environ),
         strerror(errno));
  chmod(script, 0644);
  errno = 0;
  printf("execve not executable: %d %s\n", execve(script, none_argv, environ), strerror(errno));
  unlink(script);

  // posix_spawn (vfork-style clone inside glibc).
  char *spawn_argv[] = {self_path, "spawn-mode", NULL};
  int spawned = posix_spawn(&pid, self_path, NULL, NULL, spawn_argv, environ);
  printf("posix_spawn: %s\n", spawned == 0 ? "ok" : strerror(spawned));
  if (spawned == 0)
    describe("spawned child", wait_status(pid));

  // Host programs: the shell through system() and popen().
  int status = system("echo from the host shell; exit 4");
  describe("system", status);
  FILE *pipe_in = popen("echo popen line", "r");
  if (pipe_in != NULL) {
    char line[64] = {0};
    if (fgets(line, sizeof line, pipe_in) != NULL)
      printf("popen read: %s", line);
    describe("popen", pclose(pipe_in));
  }
  return 0;
}
