// The core-local interruptor at 0x2000000 on QEMU's virt board (SiFive
// CLINT layout, the ACLINT MSWI + MTIMER pair of the RISC-V ACLINT
// specification): per hart a machine software interrupt bit (msip at
// 4 * hart) and a timer compare register (mtimecmp at 0x4000 + 8 * hart),
// and the shared mtime counter at 0xbff8, counting at 10 MHz (the virt
// board's timebase-frequency) from the host's monotonic clock.
//
// Each hart has two output lines: MSIP (its msip bit) and MTIP (high while
// mtime >= mtimecmp). MTIP rises at the deadline through TimedDevice::tick;
// writing mtimecmp or mtime updates it at once.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "machine/system/device_interface.h"

namespace tiercel::devices {

class Clint : public MmioDevice, public TimedDevice {
public:
  static constexpr uint64_t kWindowSize = 0x10000;
  static constexpr uint64_t kTimebaseHz = 10'000'000;

  struct HartLines {
    IrqLine *softwareInterrupt; // MSIP
    IrqLine *timerInterrupt;    // MTIP
  };
  // `clock` and the lines outlive the CLINT. `rearm` is called (without
  // the CLINT's lock held) when the next deadline moves earlier.
  Clint(const DeviceClock &clock, std::vector<HartLines> harts, std::function<void()> rearm = {});

  const char *name() const override { return "clint"; }
  uint64_t windowSize() const override { return kWindowSize; }
  // msip: 4-byte; mtimecmp and mtime: 8-byte, or 4-byte halves (RV32-style).
  bool read(uint64_t offset, unsigned size, uint64_t &value) override;
  bool write(uint64_t offset, unsigned size, uint64_t value) override;

  uint64_t nextDeadlineNs() override;
  void tick(uint64_t nowNs) override;

  // mtime now (the value the `time` CSR reads).
  uint64_t mtime() const;

private:
  uint64_t mtimeAt(uint64_t nowNs) const;
  uint64_t nsWhenMtimeReaches(uint64_t ticks) const;
  uint64_t earliestDeadline() const; // of the harts whose MTIP is low
  void updateTimerLines(uint64_t nowNs);

  const DeviceClock &clock_;
  std::vector<HartLines> harts_;
  std::function<void()> rearm_;
  mutable std::mutex mutex_;
  std::vector<uint32_t> msip_;
  std::vector<uint64_t> mtimecmp_;
  std::vector<bool> timerLevel_;
  // mtime = (now - epochNs_) * 10 MHz + mtimeBase_; a write to mtime moves the base.
  uint64_t epochNs_;
  uint64_t mtimeBase_ = 0;
};

} // namespace tiercel::devices
