// Creation of a user-mode process (address space, program and dynamic
// loader, signal trampoline, initial stack and registers) and the syscalls
// of the process model that are not about signals: the memory map, exit,
// the icache flush and the thread bookkeeping calls glibc makes at start.
#include "runtime/user/process.h"

#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "runtime/user/address_space.h"
#include "runtime/user/elf_loader.h"
#include "runtime/user/host_signals.h"
#include "runtime/user/initial_stack.h"
#include "runtime/user/process_syscalls.h"
#include "runtime/user/syscalls_exec.h"
#include "llvm/Support/FileSystem.h"

namespace tiercel::user {

namespace {

// Linux's minimum gap between the stack and mmap_base (mm/util.c, MIN_GAP).
constexpr uint64_t kMinStackGap = 128ull << 20;

std::string absolutePath(const std::string &path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved))
    return resolved;
  if (!path.empty() && path[0] == '/')
    return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd))
    return std::string(cwd) + "/" + path;
  return path;
}

llvm::Error errorFor(const std::string &path, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), (path + ": " + what).str());
}

} // namespace

Process::Process() {
  auto main = std::make_unique<GuestThread>();
  main->process = this;
  main->tid = static_cast<int>(gettid());
  main->main = true;
  main->signals.actions = signalActions_;
  threads_.push_back(std::move(main));
  setCurrentGuestThread(threads_.front().get());
}

Process::~Process() {
  if (GuestThread *current = currentGuestThread(); current != nullptr && current->process == this)
    setCurrentGuestThread(nullptr);
}

GuestThread &Process::currentThread() {
  GuestThread *current = currentGuestThread();
  return current != nullptr && current->process == this ? *current : *threads_.front();
}

GuestThread &Process::addThread(int tid) {
  auto thread = std::make_unique<GuestThread>();
  thread->process = this;
  thread->tid = tid;
  thread->signals.actions = signalActions_;
  std::lock_guard guard(threadsMutex_);
  threads_.push_back(std::move(thread));
  liveThreads_.fetch_add(1);
  return *threads_.back();
}

size_t Process::removeThread(const GuestThread &thread) {
  std::lock_guard guard(threadsMutex_);
  for (auto it = threads_.begin(); it != threads_.end(); ++it) {
    if (it->get() == &thread) {
      // The main thread's entry stays (mainThread() is the list's front),
      // as a zombie group leader stays on Linux; it no longer counts.
      exitedInstret_.fetch_add(thread.registers.instret, std::memory_order_relaxed);
      if (thread.main)
        (*it)->exited = true;
      else
        threads_.erase(it);
      break;
    }
  }
  return liveThreads_.fetch_sub(1) - 1;
}

size_t Process::threadCount() { return liveThreads_.load(); }

uint64_t Process::instructionsRetired() {
  std::lock_guard guard(threadsMutex_);
  uint64_t total = exitedInstret_.load(std::memory_order_relaxed);
  for (const auto &thread : threads_)
    if (!thread->exited) // a running thread's count moves under us: fine
      total += __atomic_load_n(&thread->registers.instret, __ATOMIC_RELAXED);
  return total;
}

void Process::keepOnlyCurrentThread() {
  GuestThread *current = &currentThread();
  new (&threadsMutex_) std::mutex(); // another thread may have held it at fork()
  for (auto &entry : threads_) {
    if (entry.get() != current)
      continue;
    std::unique_ptr<GuestThread> kept = std::move(entry);
    threads_.clear();
    kept->main = true;
    kept->exited = false;
    kept->tid = static_cast<int>(gettid());
    threads_.push_back(std::move(kept));
    liveThreads_.store(1);
    return;
  }
}

AddressSpace &Process::addressSpace() { return *space_; }
const UserOptions &Process::options() const { return options_; }
const std::string &Process::executablePath() const { return executablePath_; }

std::string Process::sysrootPath(const std::string &guestPath) const {
  if (options_.sysroot.empty() || guestPath.empty() || guestPath[0] != '/')
    return guestPath;
  std::string candidate = options_.sysroot + guestPath;
  if (access(candidate.c_str(), F_OK) == 0)
    return candidate;
  return guestPath;
}

void Process::runBeforeExit() {
  if (beforeExit_) {
    auto hook = std::move(beforeExit_);
    beforeExit_ = nullptr;
    hook();
  }
}

void Process::prependBeforeExit(std::function<void()> hook) {
  beforeExit_ = [hook = std::move(hook), previous = std::move(beforeExit_)] {
    hook();
    if (previous)
      previous();
  };
}

void Process::holdGuestLockForExit() {
  GuestThread &thread = currentThread();
  if (syscallsLetGoOfGuestLock() && holdsGuestLockShared(thread)) {
    guestLock_.unlock_shared();
    guestLock_.lock();
    thread.holdsGuestLockExclusively = true;
  }
}

void Process::terminateBySignal(int signal) {
  holdGuestLockForExit();
  terminatingSignal_ = signal;
  runBeforeExit();
  tiercel::user::terminateBySignal(signal);
}

llvm::Expected<std::unique_ptr<Process>> Process::create(const UserOptions &options,
                                                         const ProgramSpec &program) {
  // Check the file first so the message names it plainly.
  if (llvm::sys::fs::is_directory(program.path))
    return errorFor(program.path, "is a directory, not a riscv64 program");
  if (program.fd < 0 && access(program.path.c_str(), R_OK) != 0)
    return errorFor(program.path, llvm::Twine("cannot open: ") + std::strerror(errno));

  std::unique_ptr<Process> process(new Process());
  process->options_ = options;
  process->executablePath_ = absolutePath(program.path);
  auto spaceOrError = AddressSpace::create();
  if (!spaceOrError)
    return spaceOrError.takeError();
  process->space_ = std::move(*spaceOrError);
  AddressSpace &space = *process->space_;
  Process *self = process.get();
  space.setCodeInvalidationCallback([self](uint64_t start, uint64_t length) {
    if (self->invalidateCode)
      self->invalidateCode(start, length);
  });

  // The stack sits at the top of the user range; mmap_base lies a gap below
  // it (mm/util.c mmap_base), and mmap allocates top-down from there.
  uint64_t stackSize = pageAlignUp(std::max<uint64_t>(options.stackSize, 64 * 1024));
  if (stackSize > AddressSpace::kGuestSize / 4)
    return llvm::createStringError("stack size %llu is too large",
                                   static_cast<unsigned long long>(stackSize));
  uint64_t stackTop = AddressSpace::kGuestSize;
  if (!space.mapFixedAnonymous(stackTop - stackSize, stackSize, kProtRead | kProtWrite))
    return llvm::createStringError("cannot map the guest stack");
  space.setMmapBase(stackTop - std::max(kMinStackGap, stackSize + (stackSize >> 2)));

  auto programImage = loadElfFile(space, program.path, ImageRole::Program, program.fd);
  if (!programImage)
    return programImage.takeError();
  uint64_t entry = programImage->entry;
  process->images_.push_back({program.path, programImage->loadBias, programImage->start,
                              programImage->end});
  uint64_t interpreterBias = 0;
  if (!programImage->interpreter.empty()) {
    std::string interpreterPath = process->sysrootPath(programImage->interpreter);
    if (access(interpreterPath.c_str(), R_OK) != 0)
      return errorFor(program.path,
                      "cannot find its dynamic loader " + programImage->interpreter +
                          (options.sysroot.empty()
                               ? std::string(" (no riscv64 sysroot; give one with -L or "
                                             "QEMU_LD_PREFIX)")
                               : " under the sysroot " + options.sysroot));
    auto interpreterImage = loadElfFile(space, interpreterPath, ImageRole::Interpreter);
    if (!interpreterImage)
      return interpreterImage.takeError();
    if (!interpreterImage->interpreter.empty())
      return errorFor(interpreterPath, "a dynamic loader must not have an interpreter itself");
    entry = interpreterImage->entry;
    interpreterBias = interpreterImage->loadBias;
    process->images_.push_back({interpreterPath, interpreterImage->loadBias,
                                interpreterImage->start, interpreterImage->end});
  }
  space.setBrkStart(pageAlignUp(programImage->end));

  // The signal return trampoline, where Linux has its vDSO.
  auto trampoline = space.findFreeRange(AddressSpace::kPageSize);
  if (!trampoline ||
      !space.mapFixedAnonymous(*trampoline, AddressSpace::kPageSize, kProtRead | kProtWrite))
    return llvm::createStringError("cannot map the signal trampoline");
  std::memcpy(space.hostPointer(*trampoline), kSigreturnTrampoline, sizeof kSigreturnTrampoline);
  space.protect(*trampoline, AddressSpace::kPageSize, kProtRead | kProtExec);
  process->trampoline_ = *trampoline;

  StackInputs inputs;
  inputs.argv = program.argv;
  inputs.envp = program.envp;
  inputs.execfn = program.path;
  inputs.phdr = programImage->phdrAddress;
  inputs.phent = programImage->phdrEntrySize;
  inputs.phnum = programImage->phdrCount;
  inputs.base = interpreterBias;
  inputs.entry = programImage->entry;
  inputs.hwcap = riscvHwcap(options.extensions.c);
  if (getrandom(inputs.random, sizeof inputs.random, 0) != sizeof inputs.random)
    return llvm::createStringError("getrandom failed: %s", std::strerror(errno));
  auto stack = buildInitialStack(space, stackTop, stackSize, inputs);
  if (!stack)
    return stack.takeError();

  // execve keeps the signal mask: the guest starts with the one this
  // Tiercel was started with (a guest execve sets it, syscalls_exec.cpp).
  process->mainThread().signals.blocked = takeInheritedSignalMask() & ~kUnblockable;

  CpuState &cpu = process->cpu(); // value-initialised: all registers zero
  cpu.privilege = Privilege::User;
  cpu.pc = entry;
  cpu.x[2] = stack->sp;
  cpu.memoryBase = space.base();
  process->entry_ = entry;
  process->initialSp_ = stack->sp;
  return process;
}

// ---- Memory syscalls --------------------------------------------------------

int64_t sysBrk(SyscallContext &context, const SyscallArgs &args) {
  return context.process.addressSpace().brk(args.arg[0]);
}

int64_t sysMmap(SyscallContext &context, const SyscallArgs &args) {
  return context.process.addressSpace().map(args.arg[0], args.arg[1], int(args.arg[2]),
                                            int(args.arg[3]), int(args.arg[4]), args.arg[5]);
}

int64_t sysMunmap(SyscallContext &context, const SyscallArgs &args) {
  return context.process.addressSpace().unmap(args.arg[0], args.arg[1]);
}

int64_t sysMprotect(SyscallContext &context, const SyscallArgs &args) {
  return context.process.addressSpace().protect(args.arg[0], args.arg[1], int(args.arg[2]));
}

int64_t sysMremap(SyscallContext &context, const SyscallArgs &args) {
  return context.process.addressSpace().remap(args.arg[0], args.arg[1], args.arg[2],
                                              int(args.arg[3]), args.arg[4]);
}

int64_t sysMadvise(SyscallContext &context, const SyscallArgs &args) {
  return context.process.addressSpace().advise(args.arg[0], args.arg[1], int(args.arg[2]));
}

// ---- Exit and thread bookkeeping ------------------------------------------

// exit ends the calling thread (the run loop ends the process when it was
// the last one, with this status); exit_group ends them all.
int64_t sysExit(SyscallContext &context, const SyscallArgs &args) {
  GuestThread &thread = context.process.currentThread();
  if (context.process.threadCount() <= 1) {
    context.process.requestExit(int(args.arg[0] & 0xff));
    return 0;
  }
  thread.exiting = true;
  return 0;
}

int64_t sysExitGroup(SyscallContext &context, const SyscallArgs &args) {
  context.process.requestExit(int(args.arg[0] & 0xff));
  return 0;
}

// clear_child_tid: zeroed and woken when the thread ends (guest_thread.h).
int64_t sysSetTidAddress(SyscallContext &context, const SyscallArgs &args) {
  GuestThread &thread = context.process.currentThread();
  thread.clearChildTid = args.arg[0];
  return thread.tid;
}

// struct robust_list_head is three pointers; it is walked when the thread
// ends (guest_thread.h).
int64_t sysSetRobustList(SyscallContext &context, const SyscallArgs &args) {
  if (args.arg[1] != 24)
    return -EINVAL;
  context.process.currentThread().robustList = args.arg[0];
  return 0;
}

// riscv_flush_icache(start, end, flags): Linux flushes every hart's icache
// whatever the range; flags may only hold SYS_RISCV_FLUSH_ICACHE_LOCAL.
int64_t sysRiscvFlushIcache(SyscallContext &context, const SyscallArgs &args) {
  if (args.arg[2] & ~uint64_t{1})
    return -EINVAL;
  if (context.process.invalidateCode)
    context.process.invalidateCode(0, AddressSpace::kGuestSize);
  return 0;
}

} // namespace tiercel::user
