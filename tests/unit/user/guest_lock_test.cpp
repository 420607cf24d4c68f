// The guest lock (runtime/guest_lock.h): first come, first served; a
// waiter asks the holder to yield after a time slice; try_lock only when
// free; fork hand-over leaves the child holding it alone.
#include "runtime/guest_lock.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace tiercel {
namespace {

TEST(GuestLockTest, TryLockOnlyWhenFree) {
  std::atomic<uint32_t> exitRequest{0};
  GuestLock lock(exitRequest);
  EXPECT_TRUE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock());
  lock.unlock();
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
  EXPECT_EQ(exitRequest.load(), 0u) << "nobody waited: no yield request";
}

TEST(GuestLockTest, AWaiterAsksTheHolderToYieldAndIsServedInOrder) {
  std::atomic<uint32_t> exitRequest{0};
  GuestLock lock(exitRequest);
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
    while (!lock.contended() || (i > 0 && order.size() > 0))
      std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // The waiters have waited longer than a slice: the holder was asked.
  EXPECT_NE(exitRequest.load() & kYieldRequest, 0u);
  EXPECT_TRUE(lock.contended());
  lock.unlock();
  for (std::thread &waiter : waiters)
    waiter.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(lock.contended());
}

TEST(GuestLockTest, MutualExclusionUnderContention) {
  std::atomic<uint32_t> exitRequest{0};
  GuestLock lock(exitRequest);
  long counter = 0; // guarded by the lock only
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::lock_guard guard(lock);
        ++counter;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(counter, 8000);
}

TEST(GuestLockTest, TheForkChildHoldsTheLockWithoutTheParentsWaiters) {
  std::atomic<uint32_t> exitRequest{0};
  GuestLock lock(exitRequest);
  lock.lock();
  std::thread waiter([&] {
    lock.lock();
    lock.unlock();
  });
  while (!lock.contended())
    std::this_thread::yield();
  lock.beforeFork();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The waiter does not exist here: its ticket must be forgotten, or the
    // next lock() would wait for a turn that never comes.
    lock.afterForkInChild();
    bool ok = !lock.contended();
    lock.unlock();
    ok = ok && lock.try_lock();
    lock.unlock();
    _exit(ok ? 0 : 1);
  }
  lock.afterForkInParent();
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(lock.contended()) << "the parent's waiter still waits";
  lock.unlock();
  waiter.join();
}

} // namespace
} // namespace tiercel
