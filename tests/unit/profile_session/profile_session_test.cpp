// The -profile session (runtime/profile_session.h) with a guest thread
// running: snapshots are collected on the timer thread with the guest lock
// held exclusively, so they see the guest's state between two blocks, never
// in the middle of one; the writer thread writes them; writeFinal writes the
// complete profile last, and no snapshot replaces it afterwards. Also run
// under ThreadSanitizer (`make test-tsan`), which checks that the guest
// lock and the session's own mutex order every access to the shared state.
#include "runtime/profile_session.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "profiles/profile_format.h"

namespace tiercel {
namespace {

using namespace std::chrono_literals;

// A stand-in for a guest thread: runs "blocks" under the guest lock,
// exclusively (the interpreter's way) or shared (tier 1's), and lets go at
// a block boundary when asked to yield, as run_loop.cpp does.
class FakeGuest {
public:
  FakeGuest(GuestLock &lock, bool shared) : lock_(lock), shared_(shared) {}

  void start() {
    lock_.addRunner(&exitRequest_);
    thread_ = std::thread([this] { run(); });
  }
  void stop() {
    stop_.store(true);
    thread_.join();
    lock_.removeRunner(&exitRequest_);
  }

  // Read with the guest lock held exclusively (or after stop()): one block
  // bumps both, so they are equal between blocks.
  uint64_t first = 0;
  uint64_t second = 0;

private:
  void take() { shared_ ? lock_.lock_shared() : lock_.lock(); }
  void release() { shared_ ? lock_.unlock_shared() : lock_.unlock(); }

  void run() {
    take();
    while (!stop_.load(std::memory_order_relaxed)) {
      ++first; // one "block"
      ++second;
      if (exitRequest_.exchange(0) != 0 && lock_.exclusiveWanted()) {
        release();
        take();
      }
    }
    release();
  }

  GuestLock &lock_;
  bool shared_;
  std::atomic<uint32_t> exitRequest_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string temporaryPath(const char *name) {
  return ::testing::TempDir() + "/" + name + "." + std::to_string(getpid()) + ".tprof";
}

void runSessionWithGuest(bool shared, const char *name) {
  GuestLock lock;
  FakeGuest guest(lock, shared);
  std::atomic<int> torn{0};
  std::atomic<int> collected{0};
  auto collect = [&] {
    profiles::RunProfile profile;
    if (guest.first != guest.second)
      torn.fetch_add(1);
    profile.guestInstructions = guest.first;
    collected.fetch_add(1);
    return profile;
  };
  std::string path = temporaryPath(name);
  auto session = ProfileSession::start({path, 0.005}, lock, collect);
  ASSERT_TRUE(static_cast<bool>(session)) << llvm::toString(session.takeError());
  guest.start();
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while ((*session)->snapshotsWritten() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  guest.stop();
  EXPECT_GE((*session)->snapshotsWritten(), 3u) << "the timer took the lock from a running guest";
  EXPECT_EQ(torn.load(), 0) << "a snapshot saw the guest in the middle of a block";

  profiles::RunProfile final = collect();
  final.complete = true;
  (*session)->writeFinal(final);
  llvm::Expected<profiles::RunProfile> written = profiles::readProfileFile(path);
  ASSERT_TRUE(static_cast<bool>(written)) << llvm::toString(written.takeError());
  EXPECT_TRUE(written->complete) << "the final profile is the last one written";
  EXPECT_EQ(written->guestInstructions, guest.first);
  EXPECT_GT(written->guestInstructions, 0u);
  session->reset(); // joins nothing more: writeFinal stopped the threads
  unlink(path.c_str());
}

TEST(ProfileSessionTest, SnapshotsOfAnExclusiveRunnerAreConsistent) {
  runSessionWithGuest(false, "profile_session_exclusive");
}

TEST(ProfileSessionTest, SnapshotsOfASharedRunnerAreConsistent) {
  runSessionWithGuest(true, "profile_session_shared");
}

TEST(ProfileSessionTest, WithoutAnIntervalOnlyTheFirstAndFinalProfilesAreWritten) {
  GuestLock lock;
  int calls = 0;
  std::string path = temporaryPath("profile_session_no_interval");
  auto session = ProfileSession::start({path, 0}, lock, [&] {
    ++calls;
    return profiles::RunProfile();
  });
  ASSERT_TRUE(static_cast<bool>(session)) << llvm::toString(session.takeError());
  llvm::Expected<profiles::RunProfile> first = profiles::readProfileFile(path);
  ASSERT_TRUE(static_cast<bool>(first)) << llvm::toString(first.takeError());
  EXPECT_FALSE(first->complete) << "the first file is a snapshot";
  profiles::RunProfile final;
  final.complete = true;
  final.guestInstructions = 42;
  (*session)->writeFinal(final);
  EXPECT_EQ(calls, 1) << "collected once, at start";
  EXPECT_EQ((*session)->snapshotsWritten(), 0u);
  llvm::Expected<profiles::RunProfile> written = profiles::readProfileFile(path);
  ASSERT_TRUE(static_cast<bool>(written)) << llvm::toString(written.takeError());
  EXPECT_TRUE(written->complete);
  EXPECT_EQ(written->guestInstructions, 42u);
  unlink(path.c_str());
}

TEST(ProfileSessionTest, AnUnwritablePathFailsAtStart) {
  GuestLock lock;
  auto session = ProfileSession::start({"/nonexistent-dir/profile.tprof", 0.01}, lock,
                                       [] { return profiles::RunProfile(); });
  ASSERT_FALSE(static_cast<bool>(session));
  llvm::consumeError(session.takeError());
}

} // namespace
} // namespace tiercel
