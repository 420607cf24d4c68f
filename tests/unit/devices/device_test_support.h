// Test ends of the device interface: an interrupt line that remembers its
// level and how often it changed, a power control that records requests.
#pragma once

#include <vector>

#include "machine/system/device_interface.h"

namespace tiercel::devices::testing {

class LevelRecorder : public IrqLine {
public:
  void setLevel(bool high) override {
    level = high;
    ++changes;
  }
  bool level = false;
  int changes = 0;
};

class PowerRecorder : public PowerControl {
public:
  void powerOff(int exitCode) override { exitCodes.push_back(exitCode); }
  void reset() override { ++resets; }
  std::vector<int> exitCodes;
  int resets = 0;
};

} // namespace tiercel::devices::testing

namespace tiercel::devices::testing {

// A clock the test moves by hand.
class ManualClock : public DeviceClock {
public:
  uint64_t nowNs() const override { return now; }
  uint64_t now = 1'000'000'000;
};

} // namespace tiercel::devices::testing
