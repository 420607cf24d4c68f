// The Goldfish RTC (see goldfish_rtc.h).
#include "devices/goldfish_rtc.h"

namespace tiercel::devices {

namespace {

enum Register : uint64_t {
  TimeLow = 0x00,
  TimeHigh = 0x04,
  AlarmLow = 0x08,
  AlarmHigh = 0x0c,
  IrqEnabled = 0x10,
  ClearAlarm = 0x14,
  AlarmStatus = 0x18,
  ClearInterrupt = 0x1c,
};

} // namespace

GoldfishRtc::GoldfishRtc(const DeviceClock &clock, int64_t wallMinusClockNs, IrqLine &irq,
                         std::function<void()> rearm)
    : clock_(clock), offsetNs_(wallMinusClockNs), irq_(irq), rearm_(std::move(rearm)) {}

void GoldfishRtc::updateIrq() {
  bool level = irqPending_ && irqEnabled_;
  if (level != irqLevel_) {
    irqLevel_ = level;
    irq_.setLevel(level);
  }
}

void GoldfishRtc::fireIfDue(uint64_t clockNs) {
  if (alarmArmed_ && wallAt(clockNs) >= alarmWallNs_) {
    alarmArmed_ = false;
    irqPending_ = true;
  }
  updateIrq();
}

uint64_t GoldfishRtc::nextDeadlineNs() {
  std::lock_guard lock(mutex_);
  if (!alarmArmed_)
    return kNoDeadline;
  // Armed means not yet due (fireIfDue runs on every write), so the alarm
  // lies after the clock's present and this does not wrap.
  return alarmWallNs_ - static_cast<uint64_t>(offsetNs_);
}

void GoldfishRtc::tick(uint64_t nowNs) {
  std::lock_guard lock(mutex_);
  fireIfDue(nowNs);
}

bool GoldfishRtc::read(uint64_t offset, unsigned size, uint64_t &value) {
  if (size != 4 || offset % 4 != 0 || offset > ClearInterrupt)
    return false;
  std::lock_guard lock(mutex_);
  uint64_t now = clock_.nowNs();
  switch (offset) {
  case TimeLow: {
    uint64_t wall = wallAt(now);
    timeHighLatch_ = static_cast<uint32_t>(wall >> 32);
    value = static_cast<uint32_t>(wall);
    break;
  }
  case TimeHigh: value = timeHighLatch_; break;
  case AlarmLow: value = static_cast<uint32_t>(alarmWallNs_); break;
  case AlarmHigh: value = static_cast<uint32_t>(alarmWallNs_ >> 32); break;
  case IrqEnabled: value = irqEnabled_; break;
  case AlarmStatus: value = alarmArmed_; break;
  default: value = 0; break; // the write-only registers
  }
  return true;
}

bool GoldfishRtc::write(uint64_t offset, unsigned size, uint64_t value) {
  if (size != 4 || offset % 4 != 0 || offset > ClearInterrupt)
    return false;
  bool rearm = false;
  {
    std::lock_guard lock(mutex_);
    uint64_t now = clock_.nowNs();
    uint32_t word = static_cast<uint32_t>(value);
    switch (offset) {
    case TimeLow: {
      uint64_t wall = uint64_t{timeHighWrite_} << 32 | word;
      offsetNs_ = static_cast<int64_t>(wall - now);
      break;
    }
    case TimeHigh: timeHighWrite_ = word; break;
    case AlarmLow:
      alarmWallNs_ = uint64_t{alarmHigh_} << 32 | word;
      alarmArmed_ = true;
      rearm = true;
      break;
    case AlarmHigh: alarmHigh_ = word; break;
    case IrqEnabled: irqEnabled_ = word & 1; break;
    case ClearAlarm: alarmArmed_ = false; break;
    case ClearInterrupt: irqPending_ = false; break;
    default: break; // ALARM_STATUS is read-only
    }
    fireIfDue(now);
    rearm = rearm && alarmArmed_;
  }
  if (rearm && rearm_)
    rearm_();
  return true;
}

} // namespace tiercel::devices
