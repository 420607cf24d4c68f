// The guest lock of a user-mode process: a shared/exclusive lock over what
// the guest threads share through the tiers (translations, the code cache,
// the memory map, signal dispositions).
//
// - Shared: a guest thread that runs guest code under a tier whose code is
//   safe to run and translate concurrently (tier 1 and tier 2: the code
//   cache takes its own mutex for translation and chaining, run_loop.cpp).
//   Any number of threads hold it shared at once: they run in parallel.
// - Exclusive: whatever changes what the others' code depends on: a
//   syscall that changes the memory map or dispositions, a code-cache
//   flush, dropping written code, installing tier-2 regions, a profile
//   snapshot; and every guest thread under the interpreter (whose decode
//   caches are per thread and not shared-safe), so there threads take
//   turns.
//
// Fair: exclusive requests are served in the order they were made (a
// ticket each), and while one waits no thread takes the lock shared, so a
// stream of runners cannot starve it. A thread that waits for the lock
// exclusively asks every registered runner to stop at its next block
// boundary (its exit-request word |= kYieldRequest), again after each time
// slice (kSlice); a runner that sees the request and exclusiveWanted()
// lets go of what it holds and takes it again, which puts it behind the
// waiter. A runner is a thread that may hold the lock while it runs guest
// code: addRunner/removeRunner.
//
// BasicLockable and Lockable for the exclusive side (lock, unlock,
// try_lock), so std::unique_lock works; lock_shared/unlock_shared for the
// shared side (std::shared_lock works). Not recursive; a shared holder
// must let go before it asks for the lock exclusively
// (withExclusiveGuestLock in runtime/user/process.h).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

namespace tiercel {

// exitRequest bit: another thread waits for the guest lock.
inline constexpr uint32_t kYieldRequest = 4;

class GuestLock {
public:
  static constexpr std::chrono::milliseconds kSlice{2};

  GuestLock() = default;
  GuestLock(const GuestLock &) = delete;
  GuestLock &operator=(const GuestLock &) = delete;

  // ---- exclusive
  void lock() {
    static const std::atomic<bool> never{false};
    lockUnless(never);
  }

  // lock(), unless `cancel` becomes true while it waits (checked every
  // slice): then it gives its turn up and returns false. For helper
  // threads that must not wait for a lock the exiting guest keeps.
  bool lockUnless(const std::atomic<bool> &cancel) {
    std::unique_lock guard(mutex_);
    uint64_t ticket = next_++;
    wanted_.store(true, std::memory_order_relaxed);
    auto mine = [&] { return serving_ == ticket && !writer_ && readers_ == 0; };
    if (!mine()) {
      pokeRunners();
      while (!turn_.wait_for(guard, kSlice, mine)) {
        if (cancel.load(std::memory_order_relaxed)) {
          abandoned_.push_back(ticket);
          skipAbandoned();
          wanted_.store(next_ != serving_, std::memory_order_relaxed);
          guard.unlock();
          turn_.notify_all();
          return false;
        }
        pokeRunners();
      }
    }
    writer_ = true;
    return true;
  }

  bool try_lock() {
    std::lock_guard guard(mutex_);
    if (next_ != serving_ || writer_ || readers_ != 0)
      return false;
    ++next_;
    writer_ = true;
    return true;
  }

  void unlock() {
    {
      std::lock_guard guard(mutex_);
      writer_ = false;
      ++serving_;
      skipAbandoned();
      wanted_.store(next_ != serving_, std::memory_order_relaxed);
    }
    turn_.notify_all();
  }

  // ---- shared
  void lock_shared() {
    std::unique_lock guard(mutex_);
    turn_.wait(guard, [&] { return !writer_ && next_ == serving_; });
    ++readers_;
  }

  void unlock_shared() {
    bool last;
    {
      std::lock_guard guard(mutex_);
      last = --readers_ == 0;
    }
    if (last)
      turn_.notify_all();
  }

  // Someone waits for (or holds) the lock exclusively: a runner that sees
  // a yield request should let go at its next safe point.
  bool exclusiveWanted() const { return wanted_.load(std::memory_order_relaxed); }

  // ---- runners: exit-request words to poke when the lock is wanted.
  void addRunner(std::atomic<uint32_t> *exitRequest) {
    std::lock_guard guard(mutex_);
    runners_.push_back(exitRequest);
  }
  void removeRunner(std::atomic<uint32_t> *exitRequest) {
    std::lock_guard guard(mutex_);
    runners_.erase(std::remove(runners_.begin(), runners_.end(), exitRequest), runners_.end());
  }
  // Sets `bits` in every runner's exit request (tier 2 asks them all to
  // look at what it compiled).
  void pokeRunners(uint32_t bits) {
    std::lock_guard guard(mutex_);
    for (std::atomic<uint32_t> *request : runners_)
      request->fetch_or(bits, std::memory_order_relaxed);
  }

  // Around fork() by a thread that holds the lock (exclusively, or shared
  // when it runs alone): the child has only that thread, so no other
  // holders, waiters or runners; it holds the lock as the parent did.
  void beforeFork() { mutex_.lock(); }
  void afterForkInParent() { mutex_.unlock(); }
  void afterForkInChild(std::atomic<uint32_t> *runner, bool heldExclusively) {
    abandoned_.clear();
    next_ = heldExclusively ? serving_ + 1 : serving_;
    readers_ = heldExclusively ? 0 : 1;
    writer_ = heldExclusively;
    wanted_.store(false, std::memory_order_relaxed);
    runners_.clear();
    if (runner != nullptr)
      runners_.push_back(runner);
    new (&turn_) std::condition_variable(); // parent waiters are not here
    mutex_.unlock();
  }

private:
  // With mutex_ held: tickets given up are not served.
  void skipAbandoned() {
    for (auto it = std::find(abandoned_.begin(), abandoned_.end(), serving_);
         it != abandoned_.end() && !writer_;
         it = std::find(abandoned_.begin(), abandoned_.end(), serving_)) {
      abandoned_.erase(it);
      ++serving_;
    }
  }
  // With mutex_ held.
  void pokeRunners() {
    for (std::atomic<uint32_t> *request : runners_)
      request->fetch_or(kYieldRequest, std::memory_order_relaxed);
  }

  std::mutex mutex_;
  std::condition_variable turn_;
  uint64_t next_ = 0;    // the next exclusive ticket handed out
  uint64_t serving_ = 0; // the ticket served next (== next_: nobody waits)
  bool writer_ = false;  // held exclusively
  unsigned readers_ = 0; // shared holders
  std::atomic<bool> wanted_{false};
  std::vector<uint64_t> abandoned_; // tickets whose waiter gave up
  std::vector<std::atomic<uint32_t> *> runners_;
};

} // namespace tiercel
