// rt_sigtimedwait against a real Process with the host signal handlers
// installed (so in a binary of its own): argument errors, the dequeue from
// the guest's pending set and from what the host kernel holds (lowest
// number first, a standard signal pending in both counted once), the
// timed wait (a timeout that passes, a signal of the set sent by another
// thread or to the process, one outside it that ends the wait with EINTR,
// a blocked one the host ignores), and the host half on its own.
#include <gtest/gtest.h>

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <optional>
#include <thread>

#include "runtime/user/host_signals.h"
#include "runtime/user/signals.h"
#include "syscall_test_support.h"

namespace tiercel::user {
namespace {

constexpr uint64_t kRtSigtimedwait = 137;
// Scratch offsets: the set, the siginfo, the timeout.
constexpr uint64_t kSetAt = 0, kInfoAt = 64, kTimeoutAt = 256;

// Outlives every Process (the handlers may use it until the space detaches).
std::atomic<uint32_t> gExitRequest{0};

using Clock = std::chrono::steady_clock;

class SyscallSigtimedwait : public SyscallFixture {
protected:
  void SetUp() override {
    SyscallFixture::SetUp();
    installHostSignalHandlers(space(), gExitRequest);
    mainTid = gettid();
  }
  void TearDown() override {
    // Nothing left blocked, pending or held for the next test.
    SignalState &signals = state();
    signals.pending = 0;
    GuestSiginfo info;
    for (int signal = 1; signal <= kGuestSignalCount; ++signal)
      while (takeHostHeldSignal(signal, info)) {
      }
    signals.blocked = 0;
    syncHostSignalMask(0);
    takeHostPendingSignals(infos);
  }

  SignalState &state() { return process->signals(); }

  // rt_sigtimedwait(set, info, timeout or NULL, size) as the run loop calls
  // it: with the guest lock held, which the wait lets go of.
  int64_t sigtimedwait(GuestSigset set, std::optional<struct timespec> timeout,
                       uint64_t size = sizeof(GuestSigset)) {
    put(kSetAt, set);
    std::memset(host(guest(kInfoAt)), 0, sizeof(GuestSiginfo));
    if (timeout)
      put(kTimeoutAt, *timeout);
    std::lock_guard lock(process->guestLock());
    return call(kRtSigtimedwait,
                {guest(kSetAt), guest(kInfoAt), timeout ? guest(kTimeoutAt) : 0, size});
  }
  GuestSiginfo info() { return get<GuestSiginfo>(guest(kInfoAt)); }

  // The guest blocks `set`; the host thread's mask mirrors it.
  void block(GuestSigset set) {
    state().blocked = set;
    syncHostSignalMask(set);
  }

  // Runs `send` on a thread that blocks every signal (so none sent to the
  // process lands there) after `delay`.
  template <class Send> std::thread sendLater(std::chrono::milliseconds delay, Send send) {
    return std::thread([delay, send] {
      sigset_t all;
      sigfillset(&all);
      pthread_sigmask(SIG_BLOCK, &all, nullptr);
      std::this_thread::sleep_for(delay);
      send();
    });
  }

  int mainTid = 0;
  GuestSiginfo infos[kGuestSignalCount + 1];
};

const struct timespec kZero = {0, 0};

TEST_F(SyscallSigtimedwait, RejectsBadArguments) {
  GuestSigset usr1 = sigBit(SIGUSR1);
  EXPECT_EQ(sigtimedwait(usr1, kZero, 16), -EINVAL);
  EXPECT_EQ(sigtimedwait(usr1, kZero, 4), -EINVAL);
  std::lock_guard lock(process->guestLock());
  put(kTimeoutAt, kZero);
  EXPECT_EQ(call(kRtSigtimedwait, {0x1000, guest(kInfoAt), guest(kTimeoutAt), 8}), -EFAULT);
  put(kSetAt, usr1);
  EXPECT_EQ(call(kRtSigtimedwait, {guest(kSetAt), guest(kInfoAt), 0x1000, 8}), -EFAULT);
  for (struct timespec bad : {timespec{0, 1000000000}, timespec{0, -1}, timespec{-1, 0}}) {
    put(kTimeoutAt, bad);
    EXPECT_EQ(call(kRtSigtimedwait, {guest(kSetAt), guest(kInfoAt), guest(kTimeoutAt), 8}), -EINVAL)
        << bad.tv_sec << " s " << bad.tv_nsec << " ns";
  }
  // An unwritable siginfo: -EFAULT, and the signal is taken all the same.
  state().blocked = usr1;
  state().pending = usr1;
  put(kTimeoutAt, kZero);
  EXPECT_EQ(call(kRtSigtimedwait, {guest(kSetAt), 0x1000, guest(kTimeoutAt), 8}), -EFAULT);
  EXPECT_EQ(state().pending, 0u);
}

TEST_F(SyscallSigtimedwait, ZeroTimeoutPolls) {
  block(sigBit(SIGUSR1));
  auto start = Clock::now();
  EXPECT_EQ(sigtimedwait(sigBit(SIGUSR1), kZero), -EAGAIN);
  // Even with a deliverable signal pending (Linux waits only for a nonzero
  // timeout); it stays pending for the run loop.
  state().pending = sigBit(SIGUSR2);
  EXPECT_EQ(sigtimedwait(sigBit(SIGUSR1), kZero), -EAGAIN);
  EXPECT_EQ(state().pending, sigBit(SIGUSR2));
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
  // SIGKILL and SIGSTOP are left out of the set.
  state().pending = 0;
  EXPECT_EQ(sigtimedwait(sigBit(SIGKILL) | sigBit(SIGSTOP), kZero), -EAGAIN);
}

TEST_F(SyscallSigtimedwait, TakesGuestPendingSignalsLowestFirst) {
  block(sigBit(SIGUSR1) | sigBit(SIGUSR2) | sigBit(SIGTERM));
  for (int signal : {SIGUSR2, SIGUSR1, SIGTERM}) {
    GuestSiginfo queued = {};
    queued.signo = signal;
    queued.code = kSiTkill;
    queued.fields.kill.pid = 1000 + signal;
    queueSignal(*process, queued);
  }
  GuestSigset set = sigBit(SIGUSR1) | sigBit(SIGUSR2);
  EXPECT_EQ(sigtimedwait(set, std::nullopt), SIGUSR1);
  EXPECT_EQ(info().signo, SIGUSR1);
  EXPECT_EQ(info().code, kSiTkill);
  EXPECT_EQ(info().fields.kill.pid, 1000 + SIGUSR1);
  EXPECT_EQ(sigtimedwait(set, std::nullopt), SIGUSR2);
  EXPECT_EQ(info().fields.kill.pid, 1000 + SIGUSR2);
  EXPECT_EQ(sigtimedwait(set, kZero), -EAGAIN);
  EXPECT_EQ(state().pending, sigBit(SIGTERM)) << "a signal outside the set stays";
}

TEST_F(SyscallSigtimedwait, TakesWhatTheHostHolds) {
  block(sigBit(SIGUSR1) | sigBit(SIGUSR2));
  // Sent from outside the guest's bookkeeping: the host keeps it pending.
  ASSERT_EQ(syscall(SYS_tgkill, getpid(), mainTid, SIGUSR2), 0);
  ASSERT_EQ(syscall(SYS_tgkill, getpid(), mainTid, SIGUSR1), 0);
  EXPECT_EQ(hostHeldSignals(), sigBit(SIGUSR1) | sigBit(SIGUSR2));
  GuestSigset set = sigBit(SIGUSR1) | sigBit(SIGUSR2);
  EXPECT_EQ(sigtimedwait(set, kZero), SIGUSR1);
  EXPECT_EQ(info().signo, SIGUSR1);
  EXPECT_EQ(info().code, kSiTkill) << "the host's siginfo, not glibc's folded one";
  EXPECT_EQ(info().fields.kill.pid, getpid());
  EXPECT_EQ(hostHeldSignals(), sigBit(SIGUSR2));
  EXPECT_EQ(sigtimedwait(set, kZero), SIGUSR2);
  EXPECT_EQ(hostHeldSignals(), 0u);
  EXPECT_EQ(sigtimedwait(set, kZero), -EAGAIN);
}

TEST_F(SyscallSigtimedwait, AStandardSignalPendingTwiceIsOneARealtimeOneIsTwo) {
  constexpr int kRealtime = 40;
  GuestSigset set = sigBit(SIGUSR1) | sigBit(kRealtime);
  block(set);
  for (int signal : {SIGUSR1, kRealtime}) {
    GuestSiginfo queued = {};
    queued.signo = signal;
    queueSignal(*process, queued);
    ASSERT_EQ(syscall(SYS_tgkill, getpid(), mainTid, signal), 0);
  }
  EXPECT_EQ(sigtimedwait(set, kZero), SIGUSR1);
  EXPECT_EQ(sigtimedwait(set, kZero), kRealtime);
  EXPECT_EQ(sigtimedwait(set, kZero), kRealtime);
  EXPECT_EQ(sigtimedwait(set, kZero), -EAGAIN);
  EXPECT_EQ(hostHeldSignals(), 0u);
}

TEST_F(SyscallSigtimedwait, ATimeoutPasses) {
  block(sigBit(SIGUSR1));
  sigset_t hostBefore, hostAfter;
  pthread_sigmask(SIG_SETMASK, nullptr, &hostBefore);
  auto start = Clock::now();
  EXPECT_EQ(sigtimedwait(sigBit(SIGUSR1), timespec{0, 50000000}), -EAGAIN);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(50));
  pthread_sigmask(SIG_SETMASK, nullptr, &hostAfter);
  EXPECT_EQ(std::memcmp(&hostBefore, &hostAfter, 8), 0) << "the host mask is back";
  EXPECT_EQ(state().blocked, sigBit(SIGUSR1));
}

TEST_F(SyscallSigtimedwait, ASignalOfTheSetSentToTheThreadEndsTheWait) {
  block(sigBit(SIGUSR1));
  int pid = getpid(), tid = mainTid;
  std::thread sender = sendLater(std::chrono::milliseconds(30),
                                 [pid, tid] { syscall(SYS_tgkill, pid, tid, SIGUSR1); });
  EXPECT_EQ(sigtimedwait(sigBit(SIGUSR1), std::nullopt), SIGUSR1);
  sender.join();
  EXPECT_EQ(info().code, kSiTkill);
  EXPECT_EQ(info().fields.kill.pid, pid);
  EXPECT_EQ(state().pending, 0u);
}

TEST_F(SyscallSigtimedwait, ASignalOfTheSetSentToTheProcessEndsTheWait) {
  block(sigBit(SIGUSR1));
  int pid = getpid();
  std::thread sender = sendLater(std::chrono::milliseconds(30), [pid] { kill(pid, SIGUSR1); });
  EXPECT_EQ(sigtimedwait(sigBit(SIGUSR1), timespec{10, 0}), SIGUSR1);
  sender.join();
  EXPECT_EQ(info().code, kSiUser);
  EXPECT_EQ(info().fields.kill.pid, pid);
}

TEST_F(SyscallSigtimedwait, AnUnblockedSignalOutsideTheSetEndsTheWaitWithEintr) {
  block(sigBit(SIGUSR1));
  int pid = getpid(), tid = mainTid;
  std::thread sender = sendLater(std::chrono::milliseconds(30),
                                 [pid, tid] { syscall(SYS_tgkill, pid, tid, SIGUSR2); });
  EXPECT_EQ(sigtimedwait(sigBit(SIGUSR1), std::nullopt), -EINTR);
  sender.join();
  EXPECT_EQ(state().pending, sigBit(SIGUSR2)) << "left for the run loop to deliver";
  // Already pending at the call: at once.
  EXPECT_EQ(sigtimedwait(sigBit(SIGUSR1), timespec{10, 0}), -EINTR);
}

TEST_F(SyscallSigtimedwait, ABlockedSignalTheHostIgnoresIsStillWaitedFor) {
  // SIG_IGN for the guest is SIG_IGN on the host, which would discard the
  // signal if the wait let it through; Linux keeps a blocked one.
  state().actions[SIGUSR2].handler = kSigIgn;
  updateHostDisposition(SIGUSR2, kSigIgn);
  block(sigBit(SIGUSR2));
  int pid = getpid(), tid = mainTid;
  std::thread sender = sendLater(std::chrono::milliseconds(30),
                                 [pid, tid] { syscall(SYS_tgkill, pid, tid, SIGUSR2); });
  int64_t result = sigtimedwait(sigBit(SIGUSR2), timespec{10, 0});
  sender.join();
  state().actions[SIGUSR2].handler = kSigDfl;
  updateHostDisposition(SIGUSR2, kSigDfl);
  EXPECT_EQ(result, SIGUSR2);
}

TEST(HostSignalWait, TimesOutOrEndsForACaughtSignal) {
  auto created = AddressSpace::create();
  ASSERT_TRUE(bool(created)) << llvm::toString(created.takeError());
  std::unique_ptr<AddressSpace> space = std::move(*created);
  installHostSignalHandlers(*space, gExitRequest);
  GuestSiginfo infos[kGuestSignalCount + 1];
  takeHostPendingSignals(infos);
  syncHostSignalMask(0);

  auto start = Clock::now();
  struct timespec twenty = {0, 20000000};
  EXPECT_FALSE(waitForHostSignal(0, &twenty));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(20));

  // Caught before the wait (the handler ran): it ends at once.
  ASSERT_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
  start = Clock::now();
  struct timespec tenSeconds = {10, 0};
  EXPECT_TRUE(waitForHostSignal(0, &tenSeconds));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(takeHostPendingSignals(infos), sigBit(SIGUSR1));

  // Held by the host (blocked) before the wait, let through by its mask.
  syncHostSignalMask(sigBit(SIGUSR1));
  ASSERT_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
  EXPECT_EQ(hostHeldSignals(), sigBit(SIGUSR1));
  EXPECT_TRUE(waitForHostSignal(0, &tenSeconds));
  EXPECT_EQ(takeHostPendingSignals(infos), sigBit(SIGUSR1));
  EXPECT_EQ(infos[SIGUSR1].code, kSiTkill);

  // Blocked by the wait's mask: held, the wait times out.
  ASSERT_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
  EXPECT_FALSE(waitForHostSignal(sigBit(SIGUSR1), &twenty));
  GuestSiginfo held;
  EXPECT_TRUE(takeHostHeldSignal(SIGUSR1, held));
  EXPECT_EQ(held.signo, SIGUSR1);
  EXPECT_FALSE(takeHostHeldSignal(SIGUSR1, held));
  syncHostSignalMask(0);
}

} // namespace
} // namespace tiercel::user
