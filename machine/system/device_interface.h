// The one interface between the machine and device models (DESIGN.md:
// devices -> machine, memory and interrupt interfaces only). A device is a
// region of physical address space answering loads and stores, and raises
// level-triggered interrupt lines.
//
// Thread safety: in system mode several harts may access one device at the
// same time, and host back ends (the console's input thread, a disk's I/O
// thread) feed devices from their own threads; each device serializes its
// own state. An IrqLine may be set from any thread.
#pragma once

#include <cstdint>

namespace tiercel {

// An interrupt line, level-triggered: high while the device wants service.
// The interrupt controller behind it (PLIC source, CLINT -> hart) decides
// what a level change means.
class IrqLine {
public:
  virtual ~IrqLine() = default;
  virtual void setLevel(bool high) = 0;
};

// A device's register window. Offsets are relative to the window's base;
// sizes are 1, 2, 4 or 8 bytes. An access the device does not decode
// (a size it does not support, an offset past its registers) returns
// false: the board turns it into an access fault for the guest, never a
// host error. Accesses that decode but mean nothing (a write to a
// read-only register) are accepted and ignored, as hardware does.
class MmioDevice {
public:
  virtual ~MmioDevice() = default;
  virtual const char *name() const = 0;
  virtual uint64_t windowSize() const = 0;
  virtual bool read(uint64_t offset, unsigned size, uint64_t &value) = 0;
  virtual bool write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

// The time devices see, in nanoseconds on a monotonic host clock: the
// board's, or a test's hand-moved one.
class DeviceClock {
public:
  virtual ~DeviceClock() = default;
  virtual uint64_t nowNs() const = 0;
};

// A device that must act at a time, not only when accessed (a timer
// interrupt, an RTC alarm). The board's timer thread sleeps until the
// earliest nextDeadlineNs() of its devices and then calls tick(); a device
// whose deadline moves earlier (the guest reprogrammed it) calls the
// `rearm` callback the board gave it so the thread wakes up.
class TimedDevice {
public:
  static constexpr uint64_t kNoDeadline = ~uint64_t{0};
  virtual ~TimedDevice() = default;
  virtual uint64_t nextDeadlineNs() = 0;
  // Raises whatever interrupts are due at `nowNs`.
  virtual void tick(uint64_t nowNs) = 0;
};

// What a device may ask of the machine as a whole: the board implements it.
class PowerControl {
public:
  virtual ~PowerControl() = default;
  // The guest powered off; `exitCode` is what the emulator exits with.
  virtual void powerOff(int exitCode) = 0;
  virtual void reset() = 0;
};

} // namespace tiercel
