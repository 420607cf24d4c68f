// The profile writer and snapshot timer (see profile_session.h).
#include "runtime/profile_session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "profiles/profile_format.h"
#include "runtime/helper_thread.h"

namespace tiercel {


llvm::Expected<std::unique_ptr<ProfileSession>>
ProfileSession::start(const ProfileSessionOptions &options,
                      GuestLock &guestLock,
                      Collect collect) {
  std::unique_ptr<ProfileSession> session(
      new ProfileSession(options, guestLock, std::move(collect)));
  // A first snapshot (images, command line, nothing run yet): fails early,
  // before the guest runs, on a path that cannot be written.
  profiles::RunProfile first = session->collect_();
  first.complete = false;
  if (llvm::Error error = profiles::writeProfileFile(options.path, first))
    return error;
  session->writer_ = startHelperThread([raw = session.get()] { raw->writerLoop(); });
  if (options.intervalSeconds > 0)
    session->timer_ = startHelperThread([raw = session.get()] { raw->timerLoop(); });
  return session;
}

ProfileSession::~ProfileSession() { stopThreads(); }

void ProfileSession::stopThreads() {
  cancelWait_.store(true);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  timerWake_.notify_all();
  if (timer_.joinable())
    timer_.join();
  if (writer_.joinable())
    writer_.join();
}

void ProfileSession::timerLoop() {
  auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(options_.intervalSeconds));
  auto next = std::chrono::steady_clock::now() + period;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (timerWake_.wait_until(lock, next, [this] { return stopping_; }))
        return;
    }
    next = std::max(next + period, std::chrono::steady_clock::now());
    if (!guestLock_.lockUnless(cancelWait_))
      return; // the guest is exiting
    // Every guest thread is stopped or in a syscall: translations hold still.
    profiles::RunProfile snapshot = collect_();
    guestLock_.unlock();
    queueSnapshot(std::move(snapshot));
  }
}

void ProfileSession::queueSnapshot(profiles::RunProfile snapshot) {
  snapshot.complete = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_)
      return;
    queued_ = std::move(snapshot); // a snapshot still queued is superseded
  }
  wake_.notify_all();
}

void ProfileSession::writerLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || queued_.has_value(); });
    if (!queued_.has_value())
      return; // stopping with nothing left to write
    profiles::RunProfile profile = std::move(*queued_);
    queued_.reset();
    lock.unlock();
    llvm::Error error = profiles::writeProfileFile(options_.path, profile);
    lock.lock();
    if (error) {
      if (!reportedError_)
        std::fprintf(stderr, "tiercel: cannot write profile snapshot: %s\n",
                     llvm::toString(std::move(error)).c_str());
      else
        llvm::consumeError(std::move(error));
      reportedError_ = true;
    } else {
      ++snapshotsWritten_;
    }
  }
}

void ProfileSession::writeFinal(const profiles::RunProfile &profile) {
  {
    // A snapshot still queued is older than this profile: drop it. One being
    // written finishes before the threads are joined, so it cannot replace
    // the final file afterwards.
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queued_.reset();
  }
  stopThreads();
  if (llvm::Error error = profiles::writeProfileFile(options_.path, profile))
    std::fprintf(stderr, "tiercel: cannot write profile: %s\n",
                 llvm::toString(std::move(error)).c_str());
}

} // namespace tiercel
