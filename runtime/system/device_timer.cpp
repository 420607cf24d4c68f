// The board's timer thread (see device_timer.h).
#include "runtime/system/device_timer.h"

#include <algorithm>
#include <chrono>

namespace tiercel::system {

void DeviceTimer::start(std::vector<TimedDevice *> devices) {
  devices_ = std::move(devices);
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void DeviceTimer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void DeviceTimer::rearm() {
  {
    std::lock_guard lock(mutex_);
    rearmed_ = true;
  }
  changed_.notify_all();
}

void DeviceTimer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Deadlines are asked for without our lock: a device calls rearm()
    // with its own lock released, but tick() may take it.
    rearmed_ = false;
    lock.unlock();
    uint64_t earliest = TimedDevice::kNoDeadline;
    for (TimedDevice *device : devices_)
      earliest = std::min(earliest, device->nextDeadlineNs());
    uint64_t now = clock_.nowNs();
    if (earliest <= now) {
      for (TimedDevice *device : devices_)
        device->tick(now);
      lock.lock();
      ++wakeUps_;
      continue;
    }
    lock.lock();
    if (stopping_ || rearmed_)
      continue;
    if (earliest == TimedDevice::kNoDeadline) {
      changed_.wait(lock, [&] { return stopping_ || rearmed_; });
    } else {
      // The devices' clock is the host's monotonic clock, as steady_clock.
      auto wait = std::chrono::nanoseconds(earliest - now);
      changed_.wait_for(lock, wait, [&] { return stopping_ || rearmed_; });
    }
  }
}

} // namespace tiercel::system
