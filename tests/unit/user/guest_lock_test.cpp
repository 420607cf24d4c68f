// The guest lock (runtime/guest_lock.h): shared holders run together;
// exclusive requests are served first come, first served, keep new shared
// holders out while they wait, and ask the runners to yield; a waiter can
// give up; fork leaves the child holding the lock as the parent did.
#include "runtime/guest_lock.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace tiercel {
namespace {

using namespace std::chrono_literals;

TEST(GuestLockTest, TryLockOnlyWhenFree) {
  GuestLock lock;
  std::atomic<uint32_t> exitRequest{0};
  lock.addRunner(&exitRequest);
  EXPECT_TRUE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock());
  lock.unlock();
  lock.lock_shared();
  EXPECT_FALSE(lock.try_lock()) << "a shared holder keeps it";
  lock.unlock_shared();
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
  EXPECT_EQ(exitRequest.load(), 0u) << "nobody waited: no yield request";
}

TEST(GuestLockTest, SharedHoldersRunTogether) {
  GuestLock lock;
  lock.lock_shared();
  std::atomic<bool> inside{false};
  std::thread other([&] {
    std::shared_lock guard(lock);
    inside = true;
  });
  other.join(); // would hang if shared holders excluded each other
  EXPECT_TRUE(inside.load());
  lock.unlock_shared();
}

TEST(GuestLockTest, AnExclusiveWaiterAsksTheRunnersToYieldAndKeepsNewReadersOut) {
  GuestLock lock;
  std::atomic<uint32_t> runnerRequest{0};
  lock.addRunner(&runnerRequest);
  lock.lock_shared(); // the runner
  std::atomic<bool> exclusive{false};
  std::thread writer([&] {
    std::lock_guard guard(lock);
    exclusive = true;
  });
  while (!lock.exclusiveWanted())
    std::this_thread::yield();
  while ((runnerRequest.load() & kYieldRequest) == 0)
    std::this_thread::yield();
  // A new reader must wait behind the writer.
  std::atomic<bool> readerIn{false};
  std::thread reader([&] {
    std::shared_lock guard(lock);
    readerIn = true;
    EXPECT_TRUE(exclusive.load()) << "the reader came in before the waiting writer";
  });
  std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(exclusive.load());
  EXPECT_FALSE(readerIn.load());
  // The runner yields as the run loop does.
  lock.unlock_shared();
  writer.join();
  reader.join();
  EXPECT_TRUE(readerIn.load());
  EXPECT_FALSE(lock.exclusiveWanted());
}

TEST(GuestLockTest, ExclusiveWaitersAreServedInOrder) {
  GuestLock lock;
  lock.lock();
  std::vector<int> order;
  std::mutex orderMutex;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&, i] {
      lock.lock();
      {
        std::lock_guard guard(orderMutex);
        order.push_back(i);
      }
      lock.unlock();
    });
    // Each waiter takes its ticket before the next starts.
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(lock.exclusiveWanted());
  lock.unlock();
  for (std::thread &waiter : waiters)
    waiter.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(lock.exclusiveWanted());
}

TEST(GuestLockTest, AWaiterThatGivesUpDoesNotBlockTheQueue) {
  GuestLock lock;
  lock.lock();
  std::atomic<bool> cancel{false};
  std::atomic<int> result{-1};
  std::thread quitter([&] { result = lock.lockUnless(cancel) ? 1 : 0; });
  std::this_thread::sleep_for(5ms);
  std::atomic<bool> second{false};
  std::thread waiter([&] {
    lock.lock();
    second = true;
    lock.unlock();
  });
  std::this_thread::sleep_for(5ms);
  cancel = true;
  quitter.join();
  EXPECT_EQ(result.load(), 0);
  lock.unlock();
  waiter.join(); // served although the ticket before it was given up
  EXPECT_TRUE(second.load());
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

TEST(GuestLockTest, ExclusionUnderContentionWithReaders) {
  GuestLock lock;
  long counter = 0; // written only exclusively
  std::atomic<bool> badRead{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::lock_guard guard(lock);
        long seen = counter;
        counter = seen + 1;
      }
    });
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::shared_lock guard(lock);
        long first = counter;
        std::this_thread::yield();
        if (counter != first)
          badRead = true; // a writer ran while a reader held the lock
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(counter, 4000);
  EXPECT_FALSE(badRead.load());
}

TEST(GuestLockTest, TheForkChildHoldsTheLockWithoutTheParentsWaiters) {
  GuestLock lock;
  std::atomic<uint32_t> exitRequest{0};
  lock.lock();
  std::thread waiter([&] {
    lock.lock();
    lock.unlock();
  });
  while (!lock.exclusiveWanted())
    std::this_thread::yield();
  std::this_thread::sleep_for(5ms);
  lock.beforeFork();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The waiter does not exist here: its ticket must be forgotten, or the
    // next lock() would wait for a turn that never comes.
    lock.afterForkInChild(&exitRequest, true);
    bool ok = !lock.exclusiveWanted();
    lock.unlock();
    ok = ok && lock.try_lock();
    lock.unlock();
    lock.lock_shared();
    lock.unlock_shared();
    _exit(ok ? 0 : 1);
  }
  lock.afterForkInParent();
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(lock.exclusiveWanted()) << "the parent's waiter still waits";
  lock.unlock();
  waiter.join();
}

TEST(GuestLockTest, AForkChildOfASharedHolderHoldsItShared) {
  GuestLock lock;
  lock.lock_shared();
  lock.beforeFork();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    lock.afterForkInChild(nullptr, false);
    bool ok = !lock.try_lock(); // still held shared by this thread
    lock.unlock_shared();
    ok = ok && lock.try_lock();
    lock.unlock();
    _exit(ok ? 0 : 1);
  }
  lock.afterForkInParent();
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  lock.unlock_shared();
}

} // namespace
} // namespace tiercel
