// -profile FILE and -profile-interval SECONDS: writes the run's profile at
// exit and, with an interval, snapshots while the guest runs, so a
// server-like guest can be inspected live.
//
// The guest thread only collects (copies counters into a RunProfile at a
// block boundary); encoding, compression and the file write happen on the
// session's writer thread. A guest thread holds the process's guest lock
// (runtime/guest_lock.h) while it runs guest code or changes translations,
// and lets go of it in syscalls. At each tick the timer takes the lock if
// it is free (every guest thread is blocked in a syscall: a server waiting
// in accept() still gets its snapshots) and collects itself; otherwise it
// raises the running thread's exit request and the run loop calls
// pollSnapshot() at the next block boundary.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "llvm/Support/Error.h"
#include "runtime/guest_lock.h"
#include "profiles/profile.h"

namespace tiercel {

struct ProfileSessionOptions {
  std::string path;            // -profile
  double intervalSeconds = 0;  // -profile-interval; 0: only at exit
};

class ProfileSession {
public:
  using Collect = std::function<profiles::RunProfile()>;

  // Writes a first snapshot (collected now) to check the path is writable,
  // then starts the writer thread and, with an interval, the timer.
  // `collect` runs on the guest thread, or on the timer thread while the
  // guest threads are in syscalls and have let go of `guestLock`.
  static llvm::Expected<std::unique_ptr<ProfileSession>>
  start(const ProfileSessionOptions &options, std::atomic<uint32_t> &exitRequest,
        GuestLock &guestLock, Collect collect);
  ~ProfileSession();
  ProfileSession(const ProfileSession &) = delete;
  ProfileSession &operator=(const ProfileSession &) = delete;

  // Guest thread, after the hart stopped for an exit request: takes the
  // snapshot the timer asked for, if any, and hands it to the writer.
  void pollSnapshot();
  // The complete profile, written before this returns (after any snapshot
  // in flight); the timer stops. A failed write is reported on stderr.
  void writeFinal(const profiles::RunProfile &profile);


  uint64_t snapshotsWritten() const { return snapshotsWritten_.load(); }
  const std::string &path() const { return options_.path; }

private:
  ProfileSession(const ProfileSessionOptions &options, std::atomic<uint32_t> &exitRequest,
                 GuestLock &guestLock, Collect collect)
      : options_(options), exitRequest_(exitRequest), guestLock_(guestLock),
        collect_(std::move(collect)) {}
  void writerLoop();
  void timerLoop();
  void stopThreads();
  void queueSnapshot(profiles::RunProfile snapshot);

  ProfileSessionOptions options_;
  std::atomic<uint32_t> &exitRequest_;
  GuestLock &guestLock_;
  Collect collect_;
  std::atomic<bool> snapshotDue_{false};
  std::atomic<uint64_t> snapshotsWritten_{0};

  std::mutex mutex_;
  std::condition_variable wake_;         // writer: work queued or stopping
  std::condition_variable timerWake_;    // timer: stopping
  std::optional<profiles::RunProfile> queued_; // the latest snapshot not yet written
  bool stopping_ = false;
  bool reportedError_ = false;
  std::thread writer_;
  std::thread timer_;
};

} // namespace tiercel
