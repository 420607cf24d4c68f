// The Goldfish real-time clock ("google,goldfish-rtc") QEMU's virt board has
// at 0x101000 (IRQ 11): wall-clock time in nanoseconds since the Unix epoch,
// settable by the guest, with one alarm that raises the interrupt line.
//
// Registers (32-bit): TIME_LOW (0x00; reading it latches TIME_HIGH, writing
// it sets the time from TIME_HIGH:value), TIME_HIGH (0x04), ALARM_LOW (0x08;
// writing it arms the alarm at ALARM_HIGH:value), ALARM_HIGH (0x0c),
// IRQ_ENABLED (0x10), CLEAR_ALARM (0x14), ALARM_STATUS (0x18: 1 while
// armed), CLEAR_INTERRUPT (0x1c).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "machine/system/device_interface.h"

namespace tiercel::devices {

class GoldfishRtc : public MmioDevice, public TimedDevice {
public:
  static constexpr uint64_t kWindowSize = 0x1000;

  // Wall time = clock.nowNs() + wallMinusClockNs (the board takes it from
  // the host's realtime and monotonic clocks at start). `rearm`: as for
  // Clint, called when the alarm moves earlier.
  GoldfishRtc(const DeviceClock &clock, int64_t wallMinusClockNs, IrqLine &irq,
              std::function<void()> rearm = {});

  const char *name() const override { return "goldfish_rtc"; }
  uint64_t windowSize() const override { return kWindowSize; }
  bool read(uint64_t offset, unsigned size, uint64_t &value) override;
  bool write(uint64_t offset, unsigned size, uint64_t value) override;

  uint64_t nextDeadlineNs() override;
  void tick(uint64_t nowNs) override;

private:
  uint64_t wallAt(uint64_t clockNs) const { return clockNs + static_cast<uint64_t>(offsetNs_); }
  void fireIfDue(uint64_t clockNs);
  void updateIrq();

  const DeviceClock &clock_;
  int64_t offsetNs_;
  IrqLine &irq_;
  std::function<void()> rearm_;
  std::mutex mutex_;
  uint32_t timeHighLatch_ = 0;   // TIME_HIGH as read after TIME_LOW
  uint32_t timeHighWrite_ = 0;   // TIME_HIGH as written, for the next TIME_LOW write
  uint32_t alarmHigh_ = 0;
  uint64_t alarmWallNs_ = 0;
  bool alarmArmed_ = false;
  bool irqEnabled_ = false;
  bool irqPending_ = false;
  bool irqLevel_ = false;
};

} // namespace tiercel::devices
