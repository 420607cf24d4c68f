// The user-mode run loop (see run_loop.h).
#include "runtime/user/run_loop.h"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>

#include "machine/interpreter/interpreter_impl.h"
#include "runtime/user/address_space.h"
#include "runtime/profile_recorder.h"
#include "runtime/profile_session.h"
#include "runtime/user/guest_images.h"
#include "runtime/user/host_signals.h"
#include "runtime/user/process.h"
#include "runtime/user/process_syscalls.h"
#include "runtime/user/signals.h"
#include "runtime/user/syscall_table.h"
#include "runtime/user/syscalls_strace.h"
#include "runtime/user/user_env.h"

namespace tiercel::user {

namespace {

constexpr uint64_t kSysRtSigsuspend = 133;
constexpr uint64_t kSysRtSigreturn = 139;

using UserInterpreter = Interpreter<UserEnv>;

// One ecall: the syscall in a7 with arguments in a0..a5, result in a0,
// and the pc after the ecall (ISA spec 2.8; ecall has no compressed form).
void handleSyscall(Process &process, CpuState &cpu) {
  const UserOptions &options = process.options();
  uint64_t ecallPc = cpu.pc;
  SyscallArgs args{cpu.x[17], {cpu.x[10], cpu.x[11], cpu.x[12], cpu.x[13], cpu.x[14], cpu.x[15]}};
  SyscallContext context{cpu, process};
  const SyscallInfo *info = lookupSyscall(args.number);
  if (options.strace) {
    std::fprintf(options.log, "%d %s", getpid(), formatSyscallCall(context, args).c_str());
    std::fflush(options.log);
  }
  cpu.pc = ecallPc + 4;
  int64_t result;
  for (;;) {
    if (info == nullptr) {
      if (options.logUnimplemented || options.strace)
        std::fprintf(options.log, "%sunimplemented syscall %" PRIu64 "\n",
                     options.strace ? "\n" : "", args.number);
      result = -ENOSYS;
    } else {
      result = info->handler(context, args);
    }
    // A host syscall interrupted by a host signal that the guest does not
    // see now (blocked, ignored, default-ignored) would not have been
    // interrupted on Linux: run it again.
    if (result == -EINTR && args.number != kSysRtSigsuspend && args.number != kSysRtSigreturn &&
        nextDeliverableSignal(process) == 0)
      continue;
    break;
  }
  if (options.strace) {
    if (process.exitRequested())
      std::fprintf(options.log, "\n");
    else
      std::fprintf(options.log, "%s\n", formatSyscallResult(result).c_str());
    std::fflush(options.log);
  }
  cpu.x[10] = static_cast<uint64_t>(result);
  // rt_sigreturn's "result" is the restored a0, which may well be -EINTR.
  if (result == -EINTR && args.number != kSysRtSigreturn) {
    // SA_RESTART: back to the ecall with the original a0, so the call runs
    // again when the handler returns (Linux's -ERESTARTSYS handling).
    int signal = nextDeliverableSignal(process);
    if (signal != 0 && isRestartableSyscall(args.number)) {
      const GuestSigaction &action = process.signals().actions[signal];
      if (action.handler > kSigIgn && (action.flags & kSaRestart)) {
        cpu.pc = ecallPc;
        cpu.x[10] = args.arg[0];
      }
    }
  }
}

void handleGuestMemoryFault(Process &process, const GuestMemoryFault &fault) {
  GuestSiginfo info;
  if (fault.hostSignal == SIGBUS) {
    info = faultSiginfo(SIGBUS, kBusAdrErr, fault.guestAddress);
  } else {
    bool mapped = process.addressSpace().isMapped(fault.guestAddress);
    info = faultSiginfo(SIGSEGV, mapped ? kSegvAccErr : kSegvMapErr, fault.guestAddress);
  }
  forceSignal(process, info);
}

} // namespace

bool isRestartableSyscall(uint64_t number) {
  switch (number) {
  case 4:   // io_getevents
  case 22:  // epoll_pwait
  case 72:  // pselect6
  case 73:  // ppoll
  case 101: // nanosleep
  case 115: // clock_nanosleep
  case 133: // rt_sigsuspend
  case 137: // rt_sigtimedwait
  case 188: // msgrcv
  case 189: // msgsnd
  case 192: // semtimedop
  case 193: // semop
  case 292: // io_pgetevents
  case 441: // epoll_pwait2
    return false;
  default: return true;
  }
}

TrapSignal signalForTrap(Process &process, uint64_t cause, uint64_t pc, uint64_t tval) {
  switch (static_cast<TrapCause>(cause)) {
  case TrapCause::Breakpoint: return {SIGTRAP, kTrapBrkpt, pc};
  case TrapCause::IllegalInstruction: return {SIGILL, kIllIllOpc, pc};
  case TrapCause::InstructionAddressMisaligned:
  case TrapCause::LoadAddressMisaligned:
  case TrapCause::StoreAddressMisaligned: return {SIGBUS, kBusAdrAln, tval};
  case TrapCause::InstructionPageFault:
  case TrapCause::InstructionAccessFault:
  case TrapCause::LoadPageFault:
  case TrapCause::LoadAccessFault:
  case TrapCause::StorePageFault:
  case TrapCause::StoreAccessFault:
    return {SIGSEGV, process.addressSpace().isMapped(tval) ? kSegvAccErr : kSegvMapErr, tval};
  default:
    // ecall from S/M cannot happen in U-mode; treat anything else as illegal.
    return {SIGILL, kIllIllOpc, pc};
  }
}

// What the run loop needs of a tier.
struct Engine {
  std::function<StopReason()> run;
  std::function<void(uint64_t, uint64_t)> invalidateRange;
  std::function<void()> invalidateAll;
  std::function<void(uint64_t hostPc)> recoverAfterHostFault;
};

// The run's profile as it stands: run-wide figures, the guest images and,
// under tier 1, the blocks with their counts.
profiles::RunProfile collectProfile(Process &process, const RunProfileOptions &options,
                                    const ProfileRecorder &recorder, const BaselineEngine *baseline,
                                    const std::vector<profiles::GuestImage> &images) {
  profiles::RunProfile profile;
  profile.tiercelVersion = options.tiercelVersion;
  profile.commandLine = options.commandLine;
  profile.images = images;
  profile.startUnixNs = recorder.startUnixNs();
  profile.durationNs = recorder.elapsedNs();
  profile.guestInstructions = process.cpu().instret;
  profile.events = recorder.events();
  profile.eventsDropped = recorder.eventsDropped();
  profile.invalidations = recorder.invalidations();
  if (baseline == nullptr) {
    profile.instructionsPerTier[static_cast<unsigned>(profiles::TierId::Interpreter)] =
        profile.guestInstructions;
    return profile;
  }
  profile.blocks = baseline->profileBlocks();
  sortForProfile(profile.blocks);
  uint64_t estimated = 0;
  for (const profiles::BlockProfile &block : profile.blocks)
    estimated += block.estimatedInstructions();
  profile.instructionsPerTier[static_cast<unsigned>(profiles::TierId::Baseline)] = estimated;
  profile.translationNs = baseline->translationNanoseconds();
  profile.cacheFlushes = baseline->cacheFlushes();
  profile.blocksTranslated = baseline->blocksTranslated();
  profile.hostCodeBytes = baseline->codeCache().codeUsed();
  return profile;
}

int runProcess(Process &process, const RunOptions &options) {
  CpuState &cpu = process.cpu();
  UserEnv env(cpu, process.addressSpace(), process.options().extensions);
  Engine engine;
  std::unique_ptr<UserInterpreter> interpreter;
  std::unique_ptr<BaselineEngine> baseline;
  std::unique_ptr<ProfileRecorder> recorder;
  BaselineOptions baselineOptions = options.baseline;
  if (!options.profile.path.empty()) {
    recorder = std::make_unique<ProfileRecorder>();
    baselineOptions.profile = recorder.get();
  }
  if (options.tier == Tier::Baseline) {
    auto created = BaselineEngine::create(env, process.addressSpace(), baselineOptions);
    if (!created) {
      std::fprintf(stderr, "tiercel-riscv64: cannot start tier 1: %s\n",
                   llvm::toString(created.takeError()).c_str());
      return 1;
    }
    baseline = std::move(*created);
    BaselineEngine *tier = baseline.get();
    engine = {[tier] { return tier->run(); },
              [tier](uint64_t start, uint64_t length) { tier->invalidateRange(start, length); },
              [tier] { tier->invalidateAll(); },
              [tier](uint64_t hostPc) { tier->recoverAfterHostFault(hostPc); }};
    process.tierSummary = [tier] { return tier->summary(); };
  } else {
    interpreter = std::make_unique<UserInterpreter>(env, options.interpreter);
    UserInterpreter *tier = interpreter.get();
    engine = {[tier] { return tier->run(); },
              [tier](uint64_t start, uint64_t length) { tier->invalidateRange(start, length); },
              [tier] { tier->invalidateAll(); },
              [tier](uint64_t) { tier->recoverAfterHostFault(); }};
  }
  std::unique_ptr<ProfileSession> profileSession;
  process.invalidateCode = [&](uint64_t start, uint64_t length) {
    // Inside a syscall (munmap, mprotect): the profile timer may be reading
    // the translations.
    std::unique_lock<std::recursive_mutex> guestLock;
    if (profileSession != nullptr)
      guestLock = std::unique_lock(profileSession->guestLock());
    env.resetFetchCache();
    if (length >= AddressSpace::kGuestSize)
      engine.invalidateAll();
    else
      engine.invalidateRange(start, length);
  };
  std::vector<profiles::GuestImage> images;
  // Held while the guest runs, let go of in syscalls (profile_session.h).
  std::unique_lock<std::recursive_mutex> guestLock;
  if (recorder != nullptr) {
    for (const Process::Image &image : process.images())
      images.push_back(describeGuestImage(image.path, image.loadBias, image.start, image.end));
    auto collect = [&process, &options, &recorder, &baseline, &images] {
      return collectProfile(process, options.profile, *recorder, baseline.get(), images);
    };
    auto session = ProfileSession::start({options.profile.path, options.profile.intervalSeconds},
                                         cpu.exitRequest, collect);
    if (!session) {
      std::fprintf(stderr, "tiercel-riscv64: -profile: %s\n",
                   llvm::toString(session.takeError()).c_str());
      return 1;
    }
    profileSession = std::move(*session);
    guestLock = std::unique_lock(profileSession->guestLock());
    // At exit, whether by exit_group or by a signal (a guest crash, SIGINT,
    // SIGTERM), before the --summary line.
    process.prependBeforeExit([&process, &profileSession, collect] {
      std::unique_lock lock(profileSession->guestLock());
      profiles::RunProfile profile = collect();
      profile.complete = true;
      profile.exitStatus = process.exitStatus();
      profile.exitSignal = process.terminatingSignal();
      profileSession->writeFinal(profile);
    });
  }
  installHostSignalHandlers(process.addressSpace(), cpu.exitRequest);
  sigset_t runMask;
  sigprocmask(SIG_SETMASK, nullptr, &runMask);

  FaultJump jump;
  setThreadFaultJump(&jump);
  while (!process.exitRequested()) {
    // The mask is not saved by sigsetjmp (a syscall per trap); the fault
    // path restores it instead (the handler runs with every signal blocked).
    if (sigsetjmp(jump.buffer, 0) != 0) {
      sigprocmask(SIG_SETMASK, &runMask, nullptr);
      engine.recoverAfterHostFault(jump.fault.hostPc);
      handleGuestMemoryFault(process, jump.fault);
      deliverSignals(process, cpu);
      continue;
    }
    jump.armed = 1;
    StopReason reason = engine.run();
    jump.armed = 0;
    if (reason == StopReason::ExitRequest) {
      cpu.exitRequest.store(0);
      if (profileSession != nullptr)
        profileSession->pollSnapshot();
      deliverSignals(process, cpu);
      continue;
    }
    if (cpu.trapCause == static_cast<uint64_t>(TrapCause::EcallFromU)) {
      if (guestLock.owns_lock())
        guestLock.unlock();
      handleSyscall(process, cpu);
      if (guestLock.mutex() != nullptr)
        guestLock.lock();
    } else {
      TrapSignal trap = signalForTrap(process, cpu.trapCause, cpu.pc, cpu.trapValue);
      forceSignal(process, faultSiginfo(trap.signal, trap.code, trap.address));
    }
    if (!process.exitRequested())
      deliverSignals(process, cpu);
  }
  setThreadFaultJump(nullptr);
  process.invalidateCode = nullptr;
  process.runBeforeExit();
  process.tierSummary = nullptr;
  return process.exitStatus();
}

} // namespace tiercel::user
