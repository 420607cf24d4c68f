// clone/clone3 (fork and vfork), execve/execveat (see syscalls_exec.h).
// Flag values and checks follow Linux's kernel/fork.c and fs/exec.c, the
// script rules fs/binfmt_script.c.
#include "runtime/user/syscalls_exec.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/user/process.h"
#include "runtime/user/signals.h"
#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

// include/uapi/linux/sched.h
constexpr uint64_t kCsignal = 0x000000ff;
constexpr uint64_t kCloneVm = 0x00000100;
constexpr uint64_t kCloneFs = 0x00000200;
constexpr uint64_t kCloneFiles = 0x00000400;
constexpr uint64_t kCloneSighand = 0x00000800;
constexpr uint64_t kClonePtrace = 0x00002000;
constexpr uint64_t kCloneVfork = 0x00004000;
constexpr uint64_t kCloneThread = 0x00010000;
constexpr uint64_t kCloneSysvsem = 0x00040000;
constexpr uint64_t kCloneSettls = 0x00080000;
constexpr uint64_t kCloneParentSettid = 0x00100000;
constexpr uint64_t kCloneChildCleartid = 0x00200000;
constexpr uint64_t kCloneDetached = 0x00400000;
constexpr uint64_t kCloneUntraced = 0x00800000;
constexpr uint64_t kCloneChildSettid = 0x01000000;

// What a fork-style clone may ask for here: the rest (shared fs or file
// tables without shared memory, namespaces, pidfds, CLONE_PARENT) would
// need more than a host fork().
constexpr uint64_t kForkFlags = kCsignal | kCloneVm | kCloneVfork | kCloneSettls |
                                kCloneParentSettid | kCloneChildSettid | kCloneChildCleartid |
                                kCloneSysvsem | kCloneDetached | kCloneUntraced | kClonePtrace;

// A guest thread: what pthreads and the Go and Rust runtimes ask for. The
// host threads share the file table, cwd and umask anyway, so these must be
// shared; the rest is optional.
constexpr uint64_t kThreadRequired = kCloneVm | kCloneFs | kCloneFiles | kCloneSighand | kCloneThread;
constexpr uint64_t kThreadFlags = kThreadRequired | kCsignal | kCloneSysvsem | kCloneSettls |
                                  kCloneParentSettid | kCloneChildSettid | kCloneChildCleartid |
                                  kCloneDetached | kCloneUntraced;

constexpr int kGuestSigchld = 17;

// Linux's MAX_ARG_STRLEN (32 pages) and the script recursion limit.
constexpr size_t kMaxArgumentLength = 32 * 4096;
constexpr int kMaxInterpreterDepth = 4;

struct CloneRequest {
  uint64_t flags = 0;
  uint64_t exitSignal = 0;
  uint64_t stack = 0; // the child's sp; 0: the parent's
  uint64_t parentTid = 0;
  uint64_t childTid = 0;
  uint64_t tls = 0;
};

// The write end of the pipe a vfork parent waits on, while this process is
// a vfork child that has not called execve yet (close-on-exec; closed on
// exit). A fork from such a child closes it in the grandchild.
int gVforkDoneFd = -1;

// An fd of ours out of the guest's way: the guest sees fds numbered from
// the bottom, so keep internal ones high when the limit allows.
int moveHigh(int fd) {
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 900);
  if (high < 0)
    return fd;
  close(fd);
  return high;
}

// clone of a guest thread: same registers but a0 = 0, its own stack and
// TLS when given; it starts when this thread lets go of the guest lock.
int64_t startThread(SyscallContext &context, const CloneRequest &request, const char *call) {
  Process &process = context.process;
  uint64_t flags = request.flags;
  if ((flags & kThreadRequired) != kThreadRequired || (flags & ~kThreadFlags) ||
      !process.startThread) {
    static std::atomic<bool> reported{false};
    if (!reported.exchange(true))
      std::fprintf(stderr,
                   "tiercel-riscv64: unimplemented: %s with flags 0x%" PRIx64
                   " (a thread must share memory, files, fs and signal handlers: 0x%" PRIx64
                   "); the call fails with ENOSYS\n",
                   call, flags, kThreadRequired);
    return reportUnimplemented(context, call, "thread flags", flags, -ENOSYS);
  }
  CpuState registers = {};
  copyRegisters(context.cpu, registers); // pc is already past the ecall
  registers.x[10] = 0;
  if (request.stack != 0)
    registers.x[2] = request.stack;
  if (flags & kCloneSettls)
    registers.x[4] = request.tls;
  int64_t tid = process.startThread(registers,
                                    (flags & kCloneChildCleartid) ? request.childTid : 0);
  if (tid < 0)
    return tid;
  GuestMemory memory = guestMemory(context);
  // Written before the new thread runs guest code (it waits for the lock).
  if (flags & kCloneParentSettid)
    memory.write(request.parentTid, static_cast<int32_t>(tid));
  if (flags & kCloneChildSettid)
    memory.write(request.childTid, static_cast<int32_t>(tid));
  return tid;
}

int64_t forkProcess(SyscallContext &context, const CloneRequest &request, const char *call) {
  Process &process = context.process;
  uint64_t flags = request.flags;
  if ((flags & kCloneThread) && !(flags & kCloneSighand))
    return -EINVAL;
  if ((flags & kCloneSighand) && !(flags & kCloneVm))
    return -EINVAL;
  if ((flags & (kCloneVm | kCloneVfork)) == kCloneVm || (flags & (kCloneThread | kCloneSighand)))
    return startThread(context, request, call);
  if (flags & ~kForkFlags)
    return reportUnimplemented(context, call, "flags", flags & ~kForkFlags, -EINVAL);
  if (request.exitSignal != kGuestSigchld)
    return reportUnimplemented(context, call, "exit signal other than SIGCHLD", request.exitSignal,
                               -EINVAL);

  int done[2] = {-1, -1};
  bool vfork = flags & kCloneVfork;
  if (vfork) {
    if (pipe2(done, O_CLOEXEC) != 0)
      return -errno;
    done[1] = moveHigh(done[1]);
  }
  if (process.beforeFork)
    process.beforeFork();
  std::fflush(nullptr); // nothing buffered is written twice
  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    if (process.afterForkInParent)
      process.afterForkInParent();
    if (vfork) {
      close(done[0]);
      close(done[1]);
    }
    return -error;
  }

  if (pid == 0) {
    process.setForkedChild();
    if (gVforkDoneFd >= 0)
      close(gVforkDoneFd); // our parent's vfork wait is not this child's business
    gVforkDoneFd = -1;
    if (vfork) {
      close(done[0]);
      gVforkDoneFd = done[1];
    }
    if (process.afterForkInChild && !process.afterForkInChild()) {
      std::fprintf(stderr, "tiercel-riscv64: the child of a guest fork cannot go on\n");
      _exit(127);
    }
    GuestMemory memory = guestMemory(context);
    if (flags & kCloneChildSettid)
      memory.write(request.childTid, static_cast<int32_t>(gettid())); // a bad pointer is ignored
    if (flags & kCloneSettls)
      context.cpu.x[4] = request.tls;
    if (request.stack != 0)
      context.cpu.x[2] = request.stack;
    return 0;
  }

  if (process.afterForkInParent)
    process.afterForkInParent();
  if (flags & kCloneParentSettid)
    guestMemory(context).write(request.parentTid, static_cast<int32_t>(pid));
  if (vfork) {
    // Until the child execs or exits (its end closes): vfork's parent
    // sleeps through signals too, they are taken afterwards.
    close(done[1]);
    char byte;
    while (read(done[0], &byte, 1) != 0 && (errno == EINTR || errno == EAGAIN))
      ;
    close(done[0]);
  }
  return pid;
}

// ---- execve ----

int64_t readStringArray(const GuestMemory &memory, uint64_t address,
                        std::vector<std::string> &out) {
  if (address == 0)
    return 0; // Linux takes a NULL argv or envp as empty
  for (uint64_t i = 0;; ++i) {
    uint64_t pointer;
    if (!memory.read(address + i * 8, pointer))
      return -EFAULT;
    if (pointer == 0)
      return 0;
    std::string value;
    int64_t error = memory.readString(pointer, value, kMaxArgumentLength);
    if (error == -ENAMETOOLONG)
      return -E2BIG;
    if (error != 0)
      return error;
    out.push_back(std::move(value));
    if (out.size() > (1u << 20))
      return -E2BIG;
  }
}

enum class FileKind { Riscv64, Script, Other };

struct Executable {
  FileKind kind = FileKind::Other;
  std::string interpreter;         // Script: as written after #!
  std::string interpreterArgument; // Script: the optional argument, or empty
  bool hasArgument = false;
};

// What execve would run: the first bytes of the file, after the checks
// execve makes first (it exists, is a regular file, may be executed).
int64_t inspect(const std::string &hostPath, Executable &out) {
  int fd = open(hostPath.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int error = errno;
    close(fd);
    return -error;
  }
  if (!S_ISREG(info.st_mode) || access(hostPath.c_str(), X_OK) != 0) {
    close(fd);
    return -EACCES;
  }
  unsigned char head[256];
  ssize_t length = pread(fd, head, sizeof head, 0);
  close(fd);
  if (length < 0)
    return -errno;
  out = {};
  if (length >= static_cast<ssize_t>(sizeof(Elf64_Ehdr)) && std::memcmp(head, ELFMAG, SELFMAG) == 0) {
    Elf64_Ehdr header;
    std::memcpy(&header, head, sizeof header);
    if (head[EI_CLASS] == ELFCLASS64 && header.e_machine == EM_RISCV)
      out.kind = FileKind::Riscv64;
    return 0;
  }
  if (length >= 2 && head[0] == '#' && head[1] == '!') {
    std::string line(reinterpret_cast<const char *>(head) + 2, static_cast<size_t>(length) - 2);
    line = line.substr(0, line.find_first_of("\n\0", 0, 2));
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos)
      return -ENOEXEC;
    size_t end = line.find_first_of(" \t", start);
    out.interpreter = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (end != std::string::npos) {
      size_t argStart = line.find_first_not_of(" \t", end);
      if (argStart != std::string::npos) {
        size_t argEnd = line.find_last_not_of(" \t");
        out.interpreterArgument = line.substr(argStart, argEnd - argStart + 1);
        out.hasArgument = true;
      }
    }
    out.kind = FileKind::Script;
  }
  return 0;
}

std::vector<char *> cStrings(std::vector<std::string> &strings) {
  std::vector<char *> pointers;
  for (std::string &s : strings)
    pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// The guest's blocked set becomes the host's (execve keeps it); returns
// the host mask to put back if execve fails.
uint64_t installGuestMaskForExec(Process &process) {
  uint64_t guestMask = process.signals().blocked, previous = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &guestMask, &previous, sizeof guestMask);
  return previous;
}

int64_t hostExecve(Process &process, const std::string &path, std::vector<std::string> argv,
                   std::vector<std::string> envp) {
  std::vector<char *> argvPointers = cStrings(argv), envpPointers = cStrings(envp);
  // This image ends here: its profile and --summary line first.
  process.runBeforeExit();
  std::fflush(nullptr);
  uint64_t previous = installGuestMaskForExec(process);
  execve(path.c_str(), argvPointers.data(), envpPointers.data());
  int error = errno;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &previous, nullptr, sizeof previous);
  return -error;
}

int64_t execute(SyscallContext &context, const std::string &guestPath, uint64_t argvAddress,
                uint64_t envpAddress) {
  Process &process = context.process;
  GuestMemory memory = guestMemory(context);
  std::vector<std::string> argv, envp;
  if (int64_t error = readStringArray(memory, argvAddress, argv))
    return error;
  if (int64_t error = readStringArray(memory, envpAddress, envp))
    return error;
  if (argv.empty())
    argv.emplace_back(); // Linux 5.18+: an empty argv gets an empty argv[0]

  std::string hostPath = hostPathFor(context, guestPath);
  Executable file;
  if (int64_t error = inspect(hostPath, file))
    return error;

  // A script names its interpreter (itself possibly a script): Linux runs
  // [interpreter, argument?, the path executed, argv[1]...].
  std::string executed = guestPath, programHostPath = hostPath;
  std::vector<std::string> programArgv = argv;
  Executable program = file;
  for (int depth = 0; program.kind == FileKind::Script; ++depth) {
    if (depth == kMaxInterpreterDepth)
      return -ELOOP;
    std::vector<std::string> next = {program.interpreter};
    if (program.hasArgument)
      next.push_back(program.interpreterArgument);
    next.push_back(executed);
    next.insert(next.end(), programArgv.begin() + 1, programArgv.end());
    programArgv = std::move(next);
    executed = program.interpreter;
    programHostPath = hostPathFor(context, executed);
    Executable interpreter;
    if (int64_t error = inspect(programHostPath, interpreter))
      return error;
    program = interpreter;
  }
  if (program.kind != FileKind::Riscv64) {
    // A host program (or a script with a host interpreter, or something
    // the host kernel refuses with its own error).
    return hostExecve(process, hostPath, std::move(argv), std::move(envp));
  }

  // Tiercel again, on the riscv64 program.
  char self[4096];
  ssize_t selfLength = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string tiercel = selfLength > 0 ? std::string(self, static_cast<size_t>(selfLength))
                                       : std::string("/proc/self/exe");
  std::vector<std::string> hostArgv = {tiercel};
  const std::vector<std::string> &inherited = process.options().execOptions;
  hostArgv.insert(hostArgv.end(), inherited.begin(), inherited.end());
  hostArgv.insert(hostArgv.end(), {"--exec-child", "-0", programArgv[0], "--", programHostPath});
  hostArgv.insert(hostArgv.end(), programArgv.begin() + 1, programArgv.end());
  return hostExecve(process, "/proc/self/exe", std::move(hostArgv), std::move(envp));
}

} // namespace

uint64_t takeInheritedSignalMask() {
  uint64_t none = 0, inherited = 0;
  if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, &inherited, sizeof none) != 0)
    return 0;
  return inherited;
}

// clone(flags, newsp, parent_tid, child_tid, tls): the generic argument
// order (riscv64 has no CONFIG_CLONE_BACKWARDS).
int64_t sysClone(SyscallContext &context, const SyscallArgs &args) {
  CloneRequest request;
  request.flags = args.arg[0] & ~kCsignal;
  request.exitSignal = args.arg[0] & kCsignal;
  // riscv64 has CONFIG_CLONE_BACKWARDS: (flags, newsp, parent_tid, tls,
  // child_tid).
  request.stack = args.arg[1];
  request.parentTid = args.arg[2];
  request.tls = args.arg[3];
  request.childTid = args.arg[4];
  return forkProcess(context, request, "clone");
}

// clone3(struct clone_args *, size): flags, pidfd, child_tid, parent_tid,
// exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup.
int64_t sysClone3(SyscallContext &context, const SyscallArgs &args) {
  constexpr uint64_t kVer0Size = 64;
  uint64_t size = args.arg[1];
  if (size < kVer0Size || size > 4096)
    return -EINVAL;
  uint64_t fields[11] = {};
  GuestMemory memory = guestMemory(context);
  for (uint64_t i = 0; i < 11 && i * 8 < size; ++i)
    if (!memory.read(args.arg[0] + i * 8, fields[i]))
      return -EFAULT;
  // Fields past the ones known here must be zero (copy_struct_from_user).
  for (uint64_t offset = 88; offset < size; ++offset) {
    uint8_t byte;
    if (!memory.read(args.arg[0] + offset, byte))
      return -EFAULT;
    if (byte != 0)
      return -E2BIG;
  }
  CloneRequest request;
  request.flags = fields[0];
  if (request.flags & kCsignal)
    return -EINVAL; // clone3 takes the exit signal on its own
  if (fields[1] != 0 || fields[8] != 0 || fields[9] != 0 || fields[10] != 0)
    return reportUnimplemented(context, "clone3", "pidfd, set_tid or cgroup", 0, -EINVAL);
  request.childTid = fields[2];
  request.parentTid = fields[3];
  request.exitSignal = fields[4];
  if ((fields[5] == 0) != (fields[6] == 0))
    return -EINVAL;
  request.stack = fields[5] != 0 ? fields[5] + fields[6] : 0; // the stack grows down
  request.tls = fields[7];
  return forkProcess(context, request, "clone3");
}

int64_t sysExecve(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = guestMemory(context).readString(args.arg[0], path))
    return error;
  return execute(context, path, args.arg[1], args.arg[2]);
}

// execveat(dirfd, path, argv, envp, flags): the directory and AT_EMPTY_PATH
// through /proc/self/fd, as fexecve does.
int64_t sysExecveat(SyscallContext &context, const SyscallArgs &args) {
  constexpr uint64_t kAtSymlinkNofollow = 0x100, kAtEmptyPath = 0x1000;
  int dirfd = static_cast<int>(args.arg[0]);
  uint64_t flags = args.arg[4];
  if (flags & ~(kAtSymlinkNofollow | kAtEmptyPath))
    return -EINVAL;
  std::string path;
  if (int64_t error = guestMemory(context).readString(args.arg[1], path))
    return error;
  if (path.empty()) {
    if (!(flags & kAtEmptyPath))
      return -ENOENT;
    path = "/proc/self/fd/" + std::to_string(dirfd);
  } else if (path[0] != '/' && dirfd != AT_FDCWD) {
    path = "/proc/self/fd/" + std::to_string(dirfd) + "/" + path;
  }
  if (flags & kAtSymlinkNofollow) {
    struct stat info;
    if (lstat(hostPathFor(context, path).c_str(), &info) == 0 && S_ISLNK(info.st_mode))
      return -ELOOP;
  }
  return execute(context, path, args.arg[2], args.arg[3]);
}

} // namespace tiercel::user
