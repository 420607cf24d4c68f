// Guest signal queueing and delivery (see signals.h): Linux's
// kernel/signal.c get_signal for the choice of signal and the default
// actions, arch/riscv/kernel/signal.c for the frame.
#include "runtime/user/signals.h"

#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "runtime/user/address_space.h"
#include "runtime/user/host_signals.h"
#include "runtime/user/process.h"

namespace tiercel::user {

namespace {

// Signals Linux dequeues first (SYNCHRONOUS_MASK): the faults.
constexpr GuestSigset kSynchronous = sigBit(SIGSEGV) | sigBit(SIGBUS) | sigBit(SIGILL) |
                                     sigBit(SIGTRAP) | sigBit(SIGFPE) | sigBit(SIGSYS);

// The kernel's SIGRTMIN (glibc's is 34: it keeps 32 and 33 for itself).
constexpr int kFirstRealtimeSignal = 32;

bool ignoredAtGeneration(const SignalState &state, int signal) {
  if (state.blocked & sigBit(signal))
    return false; // a blocked signal stays pending even if ignored (sig_ignored)
  const GuestSigaction &action = state.actions[signal];
  if (action.handler == kSigIgn)
    return signal != SIGKILL && signal != SIGSTOP;
  if (action.handler == kSigDfl)
    return defaultAction(signal) == DefaultAction::Ignore;
  return false;
}

int pickSignal(GuestSigset deliverable) {
  GuestSigset synchronous = deliverable & kSynchronous;
  GuestSigset from = synchronous ? synchronous : deliverable;
  return __builtin_ctzll(from) + 1;
}

} // namespace

DefaultAction defaultAction(int signal) {
  switch (signal) {
  case SIGCHLD:
  case SIGURG:
  case SIGWINCH: return DefaultAction::Ignore;
  case SIGCONT: return DefaultAction::Continue;
  case SIGSTOP:
  case SIGTSTP:
  case SIGTTIN:
  case SIGTTOU: return DefaultAction::Stop;
  case SIGQUIT:
  case SIGILL:
  case SIGTRAP:
  case SIGABRT:
  case SIGBUS:
  case SIGFPE:
  case SIGSEGV:
  case SIGXCPU:
  case SIGXFSZ:
  case SIGSYS: return DefaultAction::CoreDump;
  default: return DefaultAction::Terminate;
  }
}

GuestSiginfo faultSiginfo(int signal, int code, uint64_t address) {
  GuestSiginfo info = {};
  info.signo = signal;
  info.code = code;
  info.fields.fault.addr = address;
  return info;
}

void queueSignal(Process &process, const GuestSiginfo &info) {
  SignalState &state = process.signals();
  int signal = info.signo;
  if (signal < 1 || signal > kGuestSignalCount || ignoredAtGeneration(state, signal))
    return;
  if (!(state.pending & sigBit(signal)))
    state.pendingInfo[signal] = info;
  state.pending |= sigBit(signal);
}

void forceSignal(Process &process, const GuestSiginfo &info) {
  SignalState &state = process.signals();
  int signal = info.signo;
  GuestSigaction &action = state.actions[signal];
  bool blocked = state.blocked & sigBit(signal);
  if (blocked || action.handler == kSigIgn) {
    action.handler = kSigDfl;
    state.blocked &= ~sigBit(signal);
  }
  state.pendingInfo[signal] = info;
  state.pending |= sigBit(signal);
}

void collectHostSignals(Process &process) {
  // A mask change since the last look lets through what the host kept
  // pending: it arrives in the handler before the take below.
  syncHostSignalMask(process.signals().blocked);
  thread_local GuestSiginfo infos[kGuestSignalCount + 1];
  GuestSigset caught = takeHostPendingSignals(infos);
  while (caught) {
    int signal = __builtin_ctzll(caught) + 1;
    caught &= caught - 1;
    queueSignal(process, infos[signal]);
  }
}

bool hasDeliverableSignal(Process &process) {
  collectHostSignals(process);
  const SignalState &state = process.signals();
  return (state.pending & ~state.blocked) != 0;
}

int nextDeliverableSignal(Process &process) {
  collectHostSignals(process);
  const SignalState &state = process.signals();
  GuestSigset deliverable = state.pending & ~state.blocked;
  return deliverable ? pickSignal(deliverable) : 0;
}

int dequeueSignal(Process &process, GuestSigset set, GuestSiginfo &info) {
  collectHostSignals(process);
  SignalState &state = process.signals();
  GuestSigset queued = state.pending & set;
  GuestSigset held = hostHeldSignals() & set;
  GuestSigset candidates = queued | held;
  while (candidates) {
    int signal = pickSignal(candidates);
    candidates &= ~sigBit(signal);
    if (queued & sigBit(signal)) {
      info = state.pendingInfo[signal];
      state.pending &= ~sigBit(signal);
      // A standard signal is one instance however often it was sent
      // (Linux's legacy_queue): one the host holds as well goes with it. A
      // real-time one the host holds is another instance (the host queues
      // them; the guest's pending set coalesces them, see queueSignal).
      GuestSiginfo duplicate;
      if (signal < kFirstRealtimeSignal && (held & sigBit(signal)))
        takeHostHeldSignal(signal, duplicate);
      return signal;
    }
    // Another thread may take a process-directed one first.
    if (takeHostHeldSignal(signal, info))
      return signal;
  }
  return 0;
}

bool onAltStack(const SignalState &state, uint64_t sp) {
  if (state.altStack.size == 0 || (state.altStack.flags & kSsDisable))
    return false;
  return sp > state.altStack.sp && sp - state.altStack.sp <= state.altStack.size;
}

bool setupSignalFrame(Process &process, CpuState &cpu, int signal, const GuestSiginfo &info,
                      const GuestSigaction &action, GuestSigset maskToSave) {
  SignalState &state = process.signals();
  AddressSpace &space = process.addressSpace();
  uint64_t userSp = cpu.x[2];
  uint64_t sp = userSp;
  bool altEnabled = state.altStack.size != 0 && !(state.altStack.flags & kSsDisable);
  if ((action.flags & kSaOnStack) && altEnabled && !onAltStack(state, userSp))
    sp = state.altStack.sp + state.altStack.size;
  uint64_t frameAddress = (sp - sizeof(GuestRtSigframe)) & ~uint64_t{15};
  if (frameAddress > sp || !space.isAccessible(frameAddress, sizeof(GuestRtSigframe), true))
    return false;

  GuestRtSigframe frame;
  std::memset(&frame, 0, sizeof(frame));
  frame.info = info;
  // __save_altstack: the alternate stack as it was, flags relative to the
  // interrupted sp.
  frame.uc.stack.sp = state.altStack.sp;
  frame.uc.stack.size = state.altStack.size;
  frame.uc.stack.flags = onAltStack(state, userSp)  ? kSsOnStack
                         : state.altStack.size == 0 ? kSsDisable
                                                    : (state.altStack.flags & kSsAutoDisarm);
  if (state.altStack.flags & kSsAutoDisarm)
    state.altStack = GuestStack{0, kSsDisable, 0, 0};
  frame.uc.sigmask = maskToSave;
  GuestSigcontext &context = frame.uc.mcontext;
  context.gregs[0] = cpu.pc;
  for (int i = 1; i < 32; ++i)
    context.gregs[i] = cpu.x[i];
  for (int i = 0; i < 32; ++i)
    context.fpregs.d.f[i] = cpu.f[i];
  context.fpregs.d.fcsr = uint32_t(cpu.frm) << 5 | cpu.fflags;
  std::memcpy(space.hostPointer(frameAddress), &frame, sizeof(frame));

  cpu.x[1] = process.sigreturnTrampoline();  // ra
  cpu.x[2] = frameAddress;                   // sp
  cpu.x[10] = static_cast<uint64_t>(signal); // a0
  cpu.x[11] = frameAddress + offsetof(GuestRtSigframe, info);
  cpu.x[12] = frameAddress + offsetof(GuestRtSigframe, uc);
  cpu.pc = action.handler;
  cpu.reservationValid = 0; // a trap to the kernel breaks any LR reservation
  return true;
}

bool restoreSignalFrame(Process &process, CpuState &cpu) {
  AddressSpace &space = process.addressSpace();
  SignalState &state = process.signals();
  uint64_t frameAddress = cpu.x[2];
  if (frameAddress % 16 || !space.isAccessible(frameAddress, sizeof(GuestRtSigframe), false))
    return false;
  GuestRtSigframe frame;
  std::memcpy(&frame, space.hostPointer(frameAddress), sizeof(frame));
  const GuestSigcontext &context = frame.uc.mcontext;
  cpu.pc = context.gregs[0];
  for (int i = 1; i < 32; ++i)
    cpu.x[i] = context.gregs[i];
  for (int i = 0; i < 32; ++i)
    cpu.f[i] = context.fpregs.d.f[i];
  cpu.fflags = context.fpregs.d.fcsr & 0x1f;
  cpu.frm = (context.fpregs.d.fcsr >> 5) & 7;
  cpu.reservationValid = 0;
  state.blocked = frame.uc.sigmask & ~kUnblockable;
  // restore_altstack: applied unless the handler still runs on it (EPERM,
  // silently ignored as in Linux).
  const GuestStack &saved = frame.uc.stack;
  if (!onAltStack(state, frameAddress)) {
    int mode = saved.flags & ~kSsAutoDisarm;
    if (mode == kSsDisable || saved.size == 0)
      state.altStack = GuestStack{0, kSsDisable, 0, 0};
    else if ((mode == 0 || mode == kSsOnStack) && saved.size >= kMinSigStackSize)
      state.altStack = GuestStack{saved.sp, saved.flags & kSsAutoDisarm, 0, saved.size};
  }
  return true;
}

void deliverSignals(Process &process, CpuState &cpu) {
  collectHostSignals(process);
  SignalState &state = process.signals();
  for (;;) {
    GuestSigset deliverable = state.pending & ~state.blocked;
    if (!deliverable)
      break;
    int signal = pickSignal(deliverable);
    state.pending &= ~sigBit(signal);
    GuestSiginfo info = state.pendingInfo[signal];
    GuestSigaction action = state.actions[signal];
    if (action.handler == kSigIgn && signal != SIGKILL && signal != SIGSTOP)
      continue;
    const UserOptions &options = process.options();
    if (action.handler == kSigDfl && signal == SIGUSR1 && process.statisticsSignal) {
      // -d stats: SIGUSR1 the guest does not handle prints the statistics.
      process.statisticsSignal();
      continue;
    }
    if (options.logInterrupts)
      std::fprintf(options.log, "int: signal %d (SIG%s) code %d at pc 0x%" PRIx64 ": %s\n", signal,
                   sigabbrev_np(signal) ? sigabbrev_np(signal) : "?", info.code, cpu.pc,
                   action.handler == kSigDfl || signal == SIGKILL || signal == SIGSTOP
                       ? "default action"
                       : "to the guest's handler");
    if (action.handler == kSigDfl || signal == SIGKILL || signal == SIGSTOP) {
      switch (defaultAction(signal)) {
      case DefaultAction::Ignore:
      case DefaultAction::Continue: continue;
      case DefaultAction::Stop: stopBySignal(signal); continue;
      case DefaultAction::Terminate:
      case DefaultAction::CoreDump: process.terminateBySignal(signal);
      }
    }
    GuestSigset maskToSave = state.hasSavedMask ? state.savedMask : state.blocked;
    state.hasSavedMask = false;
    if (!setupSignalFrame(process, cpu, signal, info, action, maskToSave)) {
      // signal_setup_done with failure: force SIGSEGV (force_sigsegv).
      process.terminateBySignal(SIGSEGV);
    }
    if (action.flags & kSaResetHand) {
      state.actions[signal].handler = kSigDfl;
      state.actions[signal].flags &= ~kSaSigInfo;
      updateHostDisposition(signal, kSigDfl);
    }
    state.blocked |= action.mask | ((action.flags & kSaNoDefer) ? 0 : sigBit(signal));
    state.blocked &= ~kUnblockable;
  }
  // rt_sigsuspend returned without running a handler: its mask goes back.
  if (state.hasSavedMask) {
    state.blocked = state.savedMask;
    state.hasSavedMask = false;
  }
  syncHostSignalMask(state.blocked);
}

} // namespace tiercel::user
