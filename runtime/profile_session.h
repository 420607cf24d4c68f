// -profile FILE and -profile-interval SECONDS: writes the run's profile at
// exit and, with an interval, snapshots while the guest runs, so a
// server-like guest can be inspected live.
//
// Collecting copies counters into a RunProfile; encoding, compression and
// the file write happen on the session's writer thread. At each tick the
// timer takes the process's guest lock exclusively (runtime/guest_lock.h:
// running guest threads stop at their next block boundary, threads blocked
// in syscalls have let go of it, so a server waiting in accept() still
// gets its snapshots) and collects with every guest thread stopped.
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
  // `collect` runs on the calling thread (now and for writeFinal's
  // profile) and on the timer thread with `guestLock` held exclusively.
  static llvm::Expected<std::unique_ptr<ProfileSession>>
  start(const ProfileSessionOptions &options, GuestLock &guestLock, Collect collect);
  ~ProfileSession();
  ProfileSession(const ProfileSession &) = delete;
  ProfileSession &operator=(const ProfileSession &) = delete;

  // The complete profile, written before this returns (after any snapshot
  // in flight); the timer stops. A failed write is reported on stderr.
  void writeFinal(const profiles::RunProfile &profile);


  uint64_t snapshotsWritten() const { return snapshotsWritten_.load(); }
  const std::string &path() const { return options_.path; }

private:
  ProfileSession(const ProfileSessionOptions &options, GuestLock &guestLock, Collect collect)
      : options_(options), guestLock_(guestLock), collect_(std::move(collect)) {}
  void writerLoop();
  void timerLoop();
  void stopThreads();
  void queueSnapshot(profiles::RunProfile snapshot);

  ProfileSessionOptions options_;
  GuestLock &guestLock_;
  Collect collect_;
  // Set before the timer is joined: it stops waiting for the guest lock
  // (the exiting guest thread keeps it).
  std::atomic<bool> cancelWait_{false};
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
