// The host half of user-mode signals. One handler for every catchable host
// signal:
//  - a SIGSEGV/SIGBUS raised by a guest load/store (fault address inside the
//    guest reservation while the interpreter runs) siglongjmps back to the
//    run loop, which turns it into a guest SIGSEGV/SIGBUS at cpu.pc (the
//    interpreter stores the pc before every memory access);
//  - a write fault on a watched code page (code_watch.h), from guest code or
//    from Tiercel itself, is resolved in the handler: the page becomes
//    writable again and is reported written, the hart is asked to stop at
//    its next block boundary so the dispatcher drops stale translations,
//    and the handler returns so the store runs again. The guest never sees
//    it;
//  - anything else is asynchronous (kill, alarm, ^C): recorded, and the hart
//    is asked to stop at its next block boundary (cpu.exitRequest).
// A fault outside the reservation is a Tiercel bug: the default action runs.
#pragma once

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdint>

#include "runtime/user/signal_frame.h"

namespace tiercel::user {

class AddressSpace;

struct GuestMemoryFault {
  uint64_t guestAddress;
  int hostSignal; // SIGSEGV or SIGBUS
  bool write;
  uint64_t hostPc; // the faulting host instruction (tier 1 maps it to the guest pc)
};

// The jump target of the thread running guest code. `armed` is set only
// while the interpreter runs, so faults in syscall handlers are not taken
// for guest faults.
struct FaultJump {
  sigjmp_buf buffer;
  volatile sig_atomic_t armed = 0;
  GuestMemoryFault fault = {};
};

void setThreadFaultJump(FaultJump *jump);

// Installs the host handlers. exitRequest is the running hart's flag.
void installHostSignalHandlers(const AddressSpace &space, std::atomic<uint32_t> &exitRequest);
// Forgets `space` if the handlers were installed for it (its destructor).
void detachHostSignalHandlers(const AddressSpace &space);

// The exit-request flag of the hart running on this thread; requests from
// this thread (code-page writes, host writes) go there, others fall back to
// the flag given to installHostSignalHandlers. nullptr clears it.
void setThreadExitRequest(std::atomic<uint32_t> *exitRequest);
// Sets this thread's hart exit request (async-signal-safe).
void requestThreadExit();

// Mirrors a guest disposition on the host: SIG_IGN is ignored by the host
// too (no EINTR, inherited by execve'd children, SIGCHLD auto-reaping);
// default-ignore signals restart host syscalls; the rest interrupt them.
void updateHostDisposition(int signal, uint64_t guestHandler);

// Takes the signals this host thread caught since its last call: a set,
// and their siginfo. (Each guest thread collects its own: the kernel
// routes a process-directed signal to a thread whose mask lets it through.)
GuestSigset takeHostPendingSignals(GuestSiginfo *infos /* [kGuestSignalCount + 1] */);

// Ends the host process by `signal` with its default action (core dump
// included), so the parent sees the same wait status as on Linux.
[[noreturn]] void terminateBySignal(int signal);
// Stops the host process with a default stop signal; returns once continued.
void stopBySignal(int signal);

// Mirrors the calling guest thread's signal mask on its host thread (all
// but the fault signals, which Tiercel always catches), so the kernel hands
// a process-directed signal to a guest thread that does not block it, and
// wakes that thread's blocking syscall. Cheap when the mask is unchanged.
void syncHostSignalMask(GuestSigset guestBlocked);
// The host mask that mirrors a guest mask (for waits that install one).
sigset_t hostSignalMaskFor(GuestSigset guestBlocked);

// rt_sigsuspend's and rt_sigtimedwait's wait: sleeps with the mirror of
// `guestBlocked` as the host mask until this thread's handler catches a
// host signal or, given a `timeout` (relative), until that passes. A signal
// caught since the caller last took them (takeHostPendingSignals) ends it
// at once, and one arriving between that check and the sleep is not lost
// (every host signal is blocked from the check on, and ppoll installs the
// wait's mask and sleeps in one step). False if the time passed.
bool waitForHostSignal(GuestSigset guestBlocked, const struct timespec *timeout = nullptr);

// The signals the host kernel holds pending for this thread or its process
// because the host mask blocks them (it mirrors the guest's, so they are
// the guest's blocked pending signals that came from outside the thread:
// another thread, another process, the kernel).
GuestSigset hostHeldSignals();
// Takes one held instance of `signal` off the host's pending sets (this
// thread's first, then the process's: Linux's dequeue_signal) with its
// siginfo, unchanged (SI_TKILL stays SI_TKILL). False if none is left
// (another thread took a process-directed one meanwhile).
bool takeHostHeldSignal(int signal, GuestSiginfo &info);
// Whether the host discards `signal` when it arrives unblocked: its host
// disposition is SIG_IGN (a guest SIG_IGN, updateHostDisposition, or one
// the parent left ignored).
bool hostIgnores(int signal);

} // namespace tiercel::user
