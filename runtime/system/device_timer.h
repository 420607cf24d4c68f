// The board's timer thread: sleeps until the earliest deadline of its timed
// devices (machine/system/device_interface.h, TimedDevice: the CLINT's
// mtimecmp, the RTC's alarm), then calls their tick(). A device whose
// deadline moves earlier calls rearm() (the callback the board gives it),
// which wakes the thread to sleep again with the new deadline. With no
// deadline the thread sleeps until rearm() or stop(): an idle guest costs
// no host CPU.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "machine/system/device_interface.h"

namespace tiercel::system {

class DeviceTimer {
public:
  explicit DeviceTimer(const DeviceClock &clock) : clock_(clock) {}
  ~DeviceTimer() { stop(); }
  DeviceTimer(const DeviceTimer &) = delete;
  DeviceTimer &operator=(const DeviceTimer &) = delete;

  // Starts the thread over `devices` (they outlive stop()).
  void start(std::vector<TimedDevice *> devices);
  // Joins the thread; idempotent.
  void stop();
  // A deadline moved earlier (any thread, also before start()).
  void rearm();

  // Times the thread woke up and ticked the devices (tests, statistics).
  uint64_t wakeUps() const {
    std::lock_guard lock(mutex_);
    return wakeUps_;
  }

private:
  void run();

  const DeviceClock &clock_;
  std::vector<TimedDevice *> devices_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false; // guarded by mutex_
  bool rearmed_ = false;  // guarded by mutex_
  uint64_t wakeUps_ = 0;  // guarded by mutex_
};

} // namespace tiercel::system
