// Guest signals of one user-mode process: dispositions, blocked and pending
// sets, the alternate stack, and delivery (Linux kernel/signal.c and
// arch/riscv/kernel/signal.c): a handler runs on a riscv64 rt_sigframe and
// returns through a trampoline that calls rt_sigreturn; a default action
// ends the host process with the same signal, so the shell sees what it
// would see on Linux. The host half (catching host signals, faults on guest
// memory) is in host_signals.h.
#pragma once

#include <cstdint>

#include "machine/cpu_state.h"
#include "runtime/user/signal_frame.h"

namespace tiercel::user {

class Process;

// The signal state of one guest thread. The dispositions are the
// process's (Process::signalActions(), shared by every thread).
struct SignalState {
  GuestSigaction *actions = nullptr; // [1..kGuestSignalCount]
  GuestSigset blocked = 0;
  GuestSigset pending = 0;
  GuestSiginfo pendingInfo[kGuestSignalCount + 1] = {};
  GuestStack altStack = {0, kSsDisable, 0, 0};
  // rt_sigsuspend replaced the mask; the frame of the handler it returns to
  // saves (and sigreturn restores) this one instead (Linux's saved_sigmask).
  bool hasSavedMask = false;
  GuestSigset savedMask = 0;
};

// Linux default actions (signal(7)).
enum class DefaultAction : uint8_t { Terminate, CoreDump, Ignore, Stop, Continue };
DefaultAction defaultAction(int signal);

// SIGKILL and SIGSTOP can never be blocked, caught or ignored.
inline constexpr GuestSigset kUnblockable = sigBit(9) | sigBit(19);

// Marks a signal pending for the guest. Standard and real-time signals
// both coalesce to one instance here (real-time queueing is not modelled).
void queueSignal(Process &process, const GuestSiginfo &info);
// A synchronous fault (SIGSEGV, SIGBUS, SIGILL, SIGTRAP): like Linux's
// force_sig_fault, a blocked or ignored one reverts to the default action.
void forceSignal(Process &process, const GuestSiginfo &info);
GuestSiginfo faultSiginfo(int signal, int code, uint64_t address);

// Moves signals caught on the host into the guest pending set.
void collectHostSignals(Process &process);
// A pending signal that is not blocked (after collecting host signals).
bool hasDeliverableSignal(Process &process);
// The signal deliverSignals would handle first (0 if none): faults before
// others, then the lowest number, as Linux's dequeue_signal.
int nextDeliverableSignal(Process &process);
// rt_sigtimedwait's dequeue (Linux's dequeue_signal): takes the signal of
// `set` that is pending for the calling thread, whether queued for the
// guest or held by the host kernel because the thread blocks it (faults
// first, then the lowest number), and its siginfo. 0 if none is.
int dequeueSignal(Process &process, GuestSigset set, GuestSiginfo &info);
// Delivers every deliverable signal: pushes handler frames (nesting as
// Linux does when several are pending) or takes the default action, which
// may end the process and not return.
void deliverSignals(Process &process, CpuState &cpu);

// Builds the rt_sigframe for `signal` on the guest stack (or alternate
// stack) and points the CPU at the handler. False if the stack is not
// writable (the caller then forces SIGSEGV, as Linux's signal_setup_done).
bool setupSignalFrame(Process &process, CpuState &cpu, int signal, const GuestSiginfo &info,
                      const GuestSigaction &action, GuestSigset maskToSave);
// Restores the state saved by setupSignalFrame from the frame at sp.
// False if the frame is not readable.
bool restoreSignalFrame(Process &process, CpuState &cpu);

bool onAltStack(const SignalState &state, uint64_t sp);

} // namespace tiercel::user
