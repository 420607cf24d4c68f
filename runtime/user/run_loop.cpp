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
#include <thread>

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
#include "runtime/user/thread_loop.h"
#include "runtime/user/user_env.h"

namespace tiercel::user {

namespace {

constexpr uint64_t kSysRtSigsuspend = 133;
constexpr uint64_t kSysRtSigreturn = 139;

// One ecall: the syscall in a7 with arguments in a0..a5, result in a0,
// and the pc after the ecall (ISA spec 2.8; ecall has no compressed form).
// brk, munmap, mremap, mmap, mprotect: the calls that change the map.
bool isMappingSyscall(uint64_t number) {
  return number == 214 || number == 215 || number == 216 || number == 222 || number == 226;
}

// -d page: the guest's mappings, one per line, as /proc/self/maps has them.
void logMemoryMap(Process &process) {
  FILE *log = process.options().log;
  for (const AddressSpace::Mapping &mapping : process.addressSpace().mappings())
    std::fprintf(log, "page:   %012" PRIx64 "-%012" PRIx64 " %c%c%c%c %8" PRIu64 " KiB%s\n",
                 mapping.start, mapping.end, mapping.prot & kProtRead ? 'r' : '-',
                 mapping.prot & kProtWrite ? 'w' : '-', mapping.prot & kProtExec ? 'x' : '-',
                 mapping.shared ? 's' : 'p', (mapping.end - mapping.start) / 1024,
                 mapping.anonymous ? "" : "  (file)");
}

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
    } else if (info->underGuestLock) {
      // It changes what the threads share: they stop meanwhile.
      result = withExclusiveGuestLock(process, [&] { return info->handler(context, args); });
    } else if (!process.syscallsLetGoOfGuestLock()) {
      result = info->handler(context, args);
    } else {
      // It may block: the other threads run meanwhile (guest_thread.h).
      result = withoutGuestLock(process, process.currentThread(),
                                [&] { return info->handler(context, args); });
    }
    // A host syscall interrupted by a host signal that the guest does not
    // see now (blocked, ignored, default-ignored) would not have been
    // interrupted on Linux: run it again.
    if (result == -EINTR && args.number != kSysRtSigsuspend && args.number != kSysRtSigreturn &&
        nextDeliverableSignal(process) == 0)
      continue;
    break;
  }
  if (options.logPage && isMappingSyscall(args.number)) {
    // The call as -strace prints it, then the result: an address in hex, or
    // the error as -strace has it.
    char address[24];
    std::snprintf(address, sizeof address, " = 0x%" PRIx64, static_cast<uint64_t>(result));
    std::fprintf(options.log, "page: %s%s\n", formatSyscallCall(context, args).c_str(),
                 result < 0 && result > -4096 ? formatSyscallResult(result).c_str() : address);
    logMemoryMap(process);
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

// -d int and -d guest_errors for a trap (other than ecall) or a host fault
// on guest memory, which becomes guest signal `signal`.
void logGuestTrap(Process &process, uint64_t cause, uint64_t pc, uint64_t tval, int signal) {
  const UserOptions &options = process.options();
  if (options.logInterrupts)
    std::fprintf(options.log, "int: trap %" PRIu64 " (%s) at pc 0x%" PRIx64 ", tval 0x%" PRIx64
                 " -> SIG%s\n", cause, trapCauseName(cause), pc, tval, sigabbrev_np(signal));
  if (!options.logGuestErrors || static_cast<TrapCause>(cause) == TrapCause::Breakpoint)
    return;
  std::string detail;
  if (static_cast<TrapCause>(cause) == TrapCause::IllegalInstruction) {
    // tval holds the encoding (Privileged spec 3.1.16): say what it is.
    DecodedInstruction insn = decode(static_cast<uint32_t>(tval), pc);
    char encoding[24];
    std::snprintf(encoding, sizeof encoding, "0x%0*" PRIx64, insn.length == 2 ? 4 : 8, tval);
    detail = std::string(" encoding ") + encoding +
             (insn.opcode == Opcode::Illegal ? " (not an RV64GC instruction)"
                                             : " (" + disassemble(insn) +
                                                   ": an extension turned off or a privileged "
                                                   "instruction)");
  } else {
    char address[64];
    std::snprintf(address, sizeof address, " address 0x%" PRIx64 " (%s)", tval,
                  process.addressSpace().isMapped(tval) ? "mapped, access not allowed"
                                                        : "not mapped");
    detail = address;
  }
  std::fprintf(options.log, "guest_errors: %s at pc 0x%" PRIx64 ":%s\n", trapCauseName(cause), pc,
               detail.c_str());
}

} // namespace

// After a siglongjmp out of the fault handler (which runs with every
// signal blocked): the host mask that mirrors the thread's guest mask.
void restoreHostSignalMask(Process &process) {
  sigset_t mask = hostSignalMaskFor(process.signals().blocked);
  pthread_sigmask(SIG_SETMASK, &mask, nullptr);
}

void handleGuestMemoryFault(Process &process, const CpuState &cpu, const GuestMemoryFault &fault) {
  const UserOptions &options = process.options();
  if (options.logInterrupts || options.logGuestErrors)
    logGuestTrap(process,
                 static_cast<uint64_t>(fault.write ? TrapCause::StorePageFault
                                                   : TrapCause::LoadPageFault),
                 cpu.pc, fault.guestAddress, fault.hostSignal == SIGBUS ? SIGBUS : SIGSEGV);
  GuestSiginfo info;
  if (fault.hostSignal == SIGBUS) {
    info = faultSiginfo(SIGBUS, kBusAdrErr, fault.guestAddress);
  } else {
    bool mapped = process.addressSpace().isMapped(fault.guestAddress);
    info = faultSiginfo(SIGSEGV, mapped ? kSegvAccErr : kSegvMapErr, fault.guestAddress);
  }
  forceSignal(process, info);
}

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

// A trap out of a tier: an ecall is a syscall (most run without the guest
// lock), anything else raises its guest signal.
void handleTrap(Process &process, CpuState &cpu) {
  if (cpu.trapCause == static_cast<uint64_t>(TrapCause::EcallFromU)) {
    handleSyscall(process, cpu);
  } else {
    TrapSignal trap = signalForTrap(process, cpu.trapCause, cpu.pc, cpu.trapValue);
    if (process.options().logInterrupts || process.options().logGuestErrors)
      logGuestTrap(process, cpu.trapCause, cpu.pc, cpu.trapValue, trap.signal);
    forceSignal(process, faultSiginfo(trap.signal, trap.code, trap.address));
  }
}

// One instruction on the reference semantics, outside the tiers (debugger
// single-step and watchpoints). False if it trapped: cpu.pc, trapCause and
// trapValue are then set as a tier's run() leaves them.
bool stepInstruction(UserEnv &env, Engine &engine, RunDebugger *watcher) {
  CpuState &cpu = env.cpu;
  DecodedInstruction insn;
  if (!fetchInstruction(env, cpu.pc, insn))
    return false; // the env recorded the fetch fault at cpu.pc
  if (watcher != nullptr)
    watcher->beforeInstruction(insn, cpu);
  switch (execFunctionFor<UserEnv>(insn.opcode)(env, insn)) {
  case ExecStatus::Continue: cpu.pc = insn.nextPc(); break;
  case ExecStatus::Jump:
  case ExecStatus::Resync: break;
  case ExecStatus::FlushCode: engine.invalidateAll(); break;
  case ExecStatus::Trap: return false;
  }
  ++cpu.instret;
  return true;
}

// The run loop under a debugger (-g). Execution is the tiers' (with the
// debugger's breakpoints) when continuing, or one instruction at a time on
// the reference semantics when stepping or while watchpoints exist. Every
// stop goes to the debugger, and so does every guest signal before it is
// delivered (as ptrace shows signals to a debugger). Returns when the guest
// exits; a debugger that detaches leaves no breakpoints, so the tiers then
// run at full speed.
void runDebugged(Process &process, ThreadExec &exec, Engine &engine, RunDebugger &debugger,
                 FaultJump &jump) {
  using Stop = RunDebugger::StopKind;
  UserEnv &env = exec.env;
  CpuState &cpu = env.cpu;
  // Read again after a siglongjmp back here: volatile.
  volatile bool step = false;     // the debugger asked for one instruction
  volatile bool stepping = false; // an instruction runs outside the tiers
  volatile uint64_t appliedVersion = ~uint64_t{0};
  auto resumeWith = [&](RunDebugger::Resume resume) {
    step = resume.step;
    if (resume.signal != 0) {
      GuestSiginfo info{};
      info.signo = resume.signal;
      info.code = kSiUser;
      queueSignal(process, info);
      deliverSignals(process, cpu);
    }
  };
  // Each signal about to be delivered is shown to the debugger first: it
  // may pass it on (C with the same signal), replace it or drop it (c).
  auto reportAndDeliverSignals = [&] {
    SignalState &signals = process.signals();
    std::vector<GuestSiginfo> passOn;
    while (int signal = nextDeliverableSignal(process)) {
      GuestSiginfo info = signals.pendingInfo[signal];
      signals.pending &= ~sigBit(signal);
      RunDebugger::Resume resume = debugger.stopped(Stop::Signal, signal);
      step = resume.step;
      if (resume.signal == signal) {
        passOn.push_back(info);
      } else if (resume.signal != 0) {
        GuestSiginfo replaced{};
        replaced.signo = resume.signal;
        replaced.code = kSiUser;
        passOn.push_back(replaced);
      }
    }
    for (const GuestSiginfo &info : passOn) {
      signals.pending |= sigBit(info.signo);
      signals.pendingInfo[info.signo] = info;
    }
    deliverSignals(process, cpu);
  };

  resumeWith(debugger.stopped(Stop::Start, 0));
  while (!process.exitRequested()) {
    if (sigsetjmp(jump.buffer, 0) != 0) {
      restoreHostSignalMask(process);
      if (stepping)
        stepping = false; // cpu.pc and instret are exact: nothing retired
      else
        engine.recoverAfterHostFault(exec, jump.fault.hostPc);
      handleGuestMemoryFault(process, cpu, jump.fault);
      reportAndDeliverSignals();
      continue;
    }
    if (debugger.breakpointsVersion() != appliedVersion) {
      appliedVersion = debugger.breakpointsVersion();
      engine.setBreakpoints(&debugger.breakpoints());
    }
    bool watching = debugger.watching();
    bool stepped = step || watching;
    bool retired = false, trapped = false;
    if (stepped) {
      stepping = true;
      jump.armed = 1;
      retired = stepInstruction(env, engine, watching ? &debugger : nullptr);
      jump.armed = 0;
      stepping = false;
      trapped = !retired;
    } else {
      jump.armed = 1;
      StopReason reason = engine.run(exec);
      jump.armed = 0;
      if (reason == StopReason::Breakpoint) {
        resumeWith(debugger.stopped(Stop::Breakpoint, 0));
        continue;
      }
      trapped = reason == StopReason::Trap;
    }
    if (trapped) {
      // A syscall completes its ecall: a step or a watched write ends after it.
      retired = cpu.trapCause == static_cast<uint64_t>(TrapCause::EcallFromU);
      handleTrap(process, cpu);
      if (process.exitRequested())
        break;
      if (process.isForkedChild()) {
        // The child of a guest fork runs on without the debugger (gdb
        // follows the parent): the plain loop takes over.
        engine.setBreakpoints(nullptr);
        return;
      }
    }
    if (watching && retired && debugger.afterInstruction()) {
      resumeWith(debugger.stopped(Stop::Watchpoint, 0));
      continue;
    }
    bool interrupted = false;
    if (cpu.exitRequest.load(std::memory_order_relaxed) != 0) {
      cpu.exitRequest.store(0);
      // The profile timer (the only other holder under -g) has its turn.
      if (process.guestLock().exclusiveWanted()) {
        process.guestLock().unlock();
        process.guestLock().lock();
      }
      interrupted = debugger.takeInterrupt();
    }
    if (nextDeliverableSignal(process) != 0)
      reportAndDeliverSignals();
    else if (interrupted)
      resumeWith(debugger.stopped(Stop::Interrupt, 0));
    else if (step && stepped)
      resumeWith(debugger.stopped(Stop::Step, 0));
    else if (stepped && debugger.breakpoints().count(cpu.pc) != 0)
      resumeWith(debugger.stopped(Stop::Breakpoint, 0));
  }
}

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
  profile.guestInstructions = process.instructionsRetired();
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

// -d stats: what the run did so far, a few lines for the log.
std::string runStatistics(Process &process, const BaselineEngine *baseline, uint64_t startNs) {
  uint64_t elapsed = ProfileRecorder::monotonicNs() - startNs;
  uint64_t instructions = process.instructionsRetired();
  double seconds = double(elapsed) / 1e9;
  double mips = seconds > 0 ? double(instructions) / seconds / 1e6 : 0;
  char text[1024];
  int length = std::snprintf(text, sizeof text,
                             "stats: %.3f s, %" PRIu64 " guest instructions, %.1f MIPS\n", seconds,
                             instructions, mips);
  if (baseline == nullptr) {
    std::snprintf(text + length, sizeof text - length,
                  "stats: tier interp: all of them (%.1f MIPS); no tier-ups\n", mips);
    return text;
  }
  const jit::CodeCache &cache = baseline->codeCache();
  if (baseline->regionTier() != nullptr) {
    // Tier 1 counts what it runs; tier 2 runs the rest.
    uint64_t tier1 = std::min(instructions, baseline->tier1InstructionsEstimate());
    length += std::snprintf(text + length, sizeof text - length,
                            "stats: guest instructions per tier: tier 1 %" PRIu64
                            " (estimated from its counters), tier 2 %" PRIu64 "\n",
                            tier1, instructions - tier1);
  }
  std::snprintf(text + length, sizeof text - length,
                "stats: tier 1: %" PRIu64 " blocks translated (%" PRIu64
                " instructions, median %.1f ns per instruction, %.1f ms in all)\n"
                "stats: code cache: %zu KiB of code used, %" PRIu64 " flushes, %" PRIu64
                " blocks invalidated (guest code changed or unmapped)\n",
                baseline->blocksTranslated(), baseline->instructionsTranslated(),
                baseline->medianTranslationNanosecondsPerInstruction(),
                double(baseline->translationNanoseconds()) / 1e6, cache.codeUsed() / 1024,
                baseline->cacheFlushes(), baseline->blocksInvalidated());
  std::string result = text;
  const RegionTier *regions = baseline->regionTier();
  if (regions == nullptr) {
    result += "stats: tier 2: off (--tier=baseline, or a tier-1-only option)\n";
    return result;
  }
  std::snprintf(text, sizeof text,
                "stats: tier 2: %" PRIu64 " regions compiled, %" PRIu64 " live, %" PRIu64
                " failed, compile queue %zu; compile time %.1f ms in all, median %.2f ms, p99 "
                "%.2f ms per region; %" PRIu64 " KiB of code\n",
                regions->regionsCompiled(), regions->regionsLive(), regions->compileFailures(),
                regions->queued(), double(regions->totalCompileNs()) / 1e6,
                regions->compileMillisecondsPercentile(0.5),
                regions->compileMillisecondsPercentile(0.99), regions->codeBytes() / 1024);
  return result + text;
}

int runProcess(Process &process, const RunOptions &options) {
  uint64_t startNs = ProfileRecorder::monotonicNs();
  GuestThread &mainThread = process.mainThread();
  CpuState &cpu = mainThread.registers;
  ThreadExec mainExec(mainThread, process);
  // The engine's own environment: tier 2 decodes guest code through it.
  CpuState engineCpu = {};
  engineCpu.memoryBase = cpu.memoryBase;
  engineCpu.privilege = cpu.privilege;
  UserEnv engineEnv(engineCpu, process.addressSpace(), process.options().extensions);
  Engine engine;
  std::unique_ptr<BaselineEngine> baseline;
  std::unique_ptr<ProfileRecorder> recorder;
  BaselineOptions baselineOptions = options.baseline;
  if (!options.profile.path.empty()) {
    recorder = std::make_unique<ProfileRecorder>();
    baselineOptions.profile = recorder.get();
  }
  GuestLock &guestLock = process.guestLock();
  // Guest threads run in parallel under tier 1 and tier 2 (tiered). They
  // take turns under the interpreter (per-thread decode caches), under
  // --tier=llvm (regions are installed as blocks are entered), with the
  // debugger (which follows one thread) or --lockstep (each thread checked
  // by its own checker, whose undo of the reference's stores must not meet
  // another thread's), and on a host whose
  // 16-byte loads and stores may tear (the jump cache needs them whole).
  bool parallel = options.tier == Tier::Baseline && options.debugger == nullptr &&
                  !options.baseline.lockstep &&
                  !(options.baseline.tier2 && options.baseline.tier2Options.atFirstSight) &&
                  __builtin_cpu_supports("avx");
  process.setRunnersShareGuestLock(parallel);
  ThreadRun run{process, engine, options, {}, {}, {}};
  if (parallel)
    baselineOptions.stopTheWorld = [&process](const std::function<void()> &body) {
      withExclusiveGuestLock(process, [&] {
        body();
        return 0;
      });
    };
  if (baselineOptions.tier2) {
    baselineOptions.tier2Options.poke = [&guestLock] { guestLock.pokeRunners(kTierUpRequest); };
    baselineOptions.tier2Options.deferPatching = parallel;
  }
  if (options.tier == Tier::Baseline) {
    auto created = BaselineEngine::create(engineEnv, process.addressSpace(), baselineOptions);
    if (!created) {
      std::fprintf(stderr, "tiercel-riscv64: cannot start tier 1: %s\n",
                   llvm::toString(created.takeError()).c_str());
      return 1;
    }
    baseline = std::move(*created);
    BaselineEngine *tier = baseline.get();
    engine = {[tier](ThreadExec &exec) { return tier->run(exec.env); },
              [tier](uint64_t start, uint64_t length) { tier->invalidateRange(start, length); },
              [tier] { tier->invalidateAll(); },
              [tier](ThreadExec &exec, uint64_t hostPc) {
                tier->recoverAfterHostFault(exec.env.cpu, hostPc);
              },
              [tier](const std::unordered_set<uint64_t> *set) { tier->setBreakpoints(set); },
              [tier](CpuState &cpu) { tier->threadStarted(cpu); },
              [tier](CpuState &cpu) { tier->threadEnded(cpu); }};
    run.prepare = [](ThreadExec &) {};
    process.tierSummary = [tier, &process] { return tier->summary(process.instructionsRetired()); };
  } else {
    run.prepare = [&options](ThreadExec &exec) {
      exec.interpreter = std::make_unique<UserInterpreter>(exec.env, options.interpreter);
    };
    ThreadRun *threads = &run;
    engine = {[](ThreadExec &exec) { return exec.interpreter->run(); },
              [threads](uint64_t start, uint64_t length) {
                threads->forEach([&](ThreadExec &exec) { exec.interpreter->invalidateRange(start, length); });
              },
              [threads] { threads->forEach([](ThreadExec &exec) { exec.interpreter->invalidateAll(); }); },
              [](ThreadExec &exec, uint64_t) { exec.interpreter->recoverAfterHostFault(); },
              [threads](const std::unordered_set<uint64_t> *set) {
                threads->forEach([&](ThreadExec &exec) { exec.interpreter->setBreakpoints(set); });
              }};
  }
  engine.threadStarted(cpu);
  run.prepare(mainExec);
  run.add(mainExec);
  std::unique_ptr<ProfileSession> profileSession;
  // Called from syscalls that run with the guest lock held exclusively
  // (munmap, mprotect, riscv_flush_icache): no other guest thread runs,
  // and the profile timer, which takes the same lock, is not reading the
  // translations.
  process.invalidateCode = [&](uint64_t start, uint64_t length) {
    run.forEach([](ThreadExec &exec) { exec.env.resetFetchCache(); });
    engineEnv.resetFetchCache();
    if (length >= AddressSpace::kGuestSize)
      engine.invalidateAll();
    else
      engine.invalidateRange(start, length);
  };
  // The guest lock is this thread's from here on, except in syscalls that
  // may block (guest_thread.h).
  guestLock.addRunner(&cpu.exitRequest);
  process.takeGuestLock(mainThread);
  std::vector<profiles::GuestImage> images;
  if (recorder != nullptr) {
    for (const Process::Image &image : process.images())
      images.push_back(describeGuestImage(image.path, image.loadBias, image.start, image.end));
    auto collect = [&process, &options, &recorder, &baseline, &images] {
      return collectProfile(process, options.profile, *recorder, baseline.get(), images);
    };
    auto session = ProfileSession::start({options.profile.path, options.profile.intervalSeconds},
                                         guestLock, collect);
    if (!session) {
      std::fprintf(stderr, "tiercel-riscv64: -profile: %s\n",
                   llvm::toString(session.takeError()).c_str());
      process.releaseGuestLock(mainThread);
      return 1;
    }
    profileSession = std::move(*session);
    process.setLockSharedWithHelpers(true); // the timer collects while the guest waits
    // At exit, whether by exit_group or by a signal (a guest crash, SIGINT,
    // SIGTERM), before the --summary line. The exiting thread holds the
    // guest lock exclusively (or is the only thread).
    process.prependBeforeExit([&process, &profileSession, collect] {
      if (profileSession == nullptr)
        return; // a guest fork's child: the profile file is its parent's
      profiles::RunProfile profile = collect();
      profile.complete = true;
      profile.exitStatus = process.exitStatus();
      profile.exitSignal = process.terminatingSignal();
      profileSession->writeFinal(profile);
    });
  }
  if (options.logStats) {
    FILE *log = process.options().log;
    auto print = [&process, &baseline, startNs, log] {
      std::fputs(runStatistics(process, baseline.get(), startNs).c_str(), log);
      std::fflush(log);
    };
    process.statisticsSignal = print;
    process.prependBeforeExit(print);
  }
  // A guest fork (syscalls_exec.cpp), by a thread holding the guest lock
  // exclusively (or shared when it is the only thread): helper threads stop
  // at a safe point around fork(); the child has only the forking thread,
  // gets its own code cache and helper threads, and leaves the profile to
  // its parent (a program it execs writes FILE.PID).
  bool forkHeldExclusively = false;
  process.beforeFork = [&] {
    if (baseline != nullptr)
      baseline->beforeFork();
    forkHeldExclusively = !process.runnersShareGuestLock() || process.syscallsLetGoOfGuestLock();
    guestLock.beforeFork();
  };
  process.afterForkInParent = [&] {
    guestLock.afterForkInParent();
    if (baseline != nullptr)
      baseline->afterForkInParent();
  };
  process.afterForkInChild = [&] {
    GuestThread &forking = process.currentThread();
    guestLock.afterForkInChild(&forking.registers.exitRequest, forkHeldExclusively);
    process.keepOnlyCurrentThread();
    {
      std::lock_guard guard(run.mutex);
      std::erase_if(run.execs, [&](ThreadExec *exec) { return &exec->thread != &forking; });
    }
    if (profileSession != nullptr) {
      // Its threads are the parent's; it is never touched again (nor
      // destroyed: that would join them).
      static auto *abandoned = new std::vector<std::unique_ptr<ProfileSession>>();
      abandoned->push_back(std::move(profileSession));
    }
    if (baseline != nullptr) {
      if (llvm::Error error = baseline->afterForkInChild(forking.registers)) {
        std::fprintf(stderr, "tiercel-riscv64: fork: %s\n", llvm::toString(std::move(error)).c_str());
        return false;
      }
    }
    return true;
  };
  if (process.options().logPage) {
    std::fprintf(process.options().log, "page: guest memory map at start\n");
    logMemoryMap(process);
  }
  installHostSignalHandlers(process.addressSpace(), cpu.exitRequest);
  setThreadExitRequest(&cpu.exitRequest);

  process.startThread = [&run, &options](const CpuState &registers, uint64_t clearChildTid) {
    if (options.debugger != nullptr) {
      std::fprintf(stderr, "tiercel-riscv64: unimplemented: guest threads under -g (the debugger "
                           "follows one thread); the clone fails with ENOSYS\n");
      return int64_t{-ENOSYS};
    }
    return startGuestThread(run, registers, clearChildTid);
  };

  setRunProcessThread(true);
  FaultJump jump;
  setThreadFaultJump(&jump);
  if (options.debugger != nullptr)
    runDebugged(process, mainExec, engine, *options.debugger, jump);
  runGuestThread(run, mainExec, jump);
  setThreadFaultJump(nullptr);
  setRunProcessThread(false);
  process.holdGuestLockForExit();
  process.invalidateCode = nullptr;
  process.beforeFork = nullptr;
  process.afterForkInParent = nullptr;
  process.afterForkInChild = nullptr;
  process.startThread = nullptr;
  process.runBeforeExit();
  process.statisticsSignal = nullptr;
  process.tierSummary = nullptr;
  if (options.exitWithoutTeardown) {
    // Never destroyed: the process ends before a compile thread could
    // notice (and the profile session, if any, has written its file).
    static auto *kept = new std::vector<std::unique_ptr<BaselineEngine>>();
    kept->push_back(std::move(baseline));
  }
  setThreadExitRequest(nullptr);
  guestLock.removeRunner(&cpu.exitRequest);
  run.remove(mainExec);
  process.releaseGuestLock(mainThread);
  mainThread.holdsGuestLockExclusively = false;
  return process.exitStatus();
}

} // namespace tiercel::user
