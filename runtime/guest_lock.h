// The guest lock of a user-mode process: held by the one guest thread that
// runs guest code, changes translations or guest-visible process state
// (signal dispositions, the memory map) and let go of in syscalls that may
// block, so the other guest threads and the profile timer get their turn.
//
// Fair: the lock is handed over in the order it was asked for (a ticket
// lock), so a thread that lets go of it and asks again at once queues
// behind the threads already waiting. A waiter that has waited a time
// slice (kSlice) asks the holder to stop at its next block boundary
// (`exitRequest` |= kYieldRequest); the run loop then sees contended() and
// lets go. A thread that runs alone never waits and is never asked.
//
// BasicLockable and Lockable (lock, unlock, try_lock), so std::unique_lock
// works with it. Not recursive.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>

namespace tiercel {

// exitRequest bit: another thread waits for the guest lock.
inline constexpr uint32_t kYieldRequest = 4;

class GuestLock {
public:
  static constexpr std::chrono::milliseconds kSlice{2};

  // `exitRequest` is the flag of the CPU the holder runs (user mode has one
  // execution CpuState that the guest threads take turns on).
  explicit GuestLock(std::atomic<uint32_t> &exitRequest) : exitRequest_(exitRequest) {}
  GuestLock(const GuestLock &) = delete;
  GuestLock &operator=(const GuestLock &) = delete;

  void lock() {
    std::unique_lock guard(mutex_);
    uint64_t ticket = next_++;
    if (ticket == serving_)
      return;
    ++waiting_;
    while (!turn_.wait_for(guard, kSlice, [&] { return serving_ == ticket; }))
      exitRequest_.fetch_or(kYieldRequest, std::memory_order_relaxed);
    --waiting_;
  }

  bool try_lock() {
    std::lock_guard guard(mutex_);
    if (next_ != serving_)
      return false;
    ++next_;
    return true;
  }

  void unlock() {
    {
      std::lock_guard guard(mutex_);
      ++serving_;
    }
    turn_.notify_all();
  }

  // Around fork() by the holder: the child has no other threads, so no
  // waiters; their tickets are forgotten.
  void beforeFork() { mutex_.lock(); }
  void afterForkInParent() { mutex_.unlock(); }
  void afterForkInChild() {
    waiting_ = 0;
    next_ = serving_ + 1;
    new (&turn_) std::condition_variable(); // parent waiters are not here
    mutex_.unlock();
  }

  // Another thread waits for the lock (the holder should let go soon).
  bool contended() {
    std::lock_guard guard(mutex_);
    return waiting_ != 0;
  }

private:
  std::atomic<uint32_t> &exitRequest_;
  std::mutex mutex_;
  std::condition_variable turn_;
  uint64_t next_ = 0;    // the next ticket handed out
  uint64_t serving_ = 0; // the ticket that holds the lock (== next_: free)
  unsigned waiting_ = 0;
};

} // namespace tiercel
