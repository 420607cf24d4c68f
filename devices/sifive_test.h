// The "sifive,test0" finisher QEMU's virt board has at 0x100000 (Linux's
// syscon-poweroff/syscon-reboot and OpenSBI's system reset use it): a
// 32-bit write of 0x5555 powers off with status 0, 0x3333 | (code << 16)
// powers off with `code` as the exit status (test suites report failure
// this way), 0x7777 resets. Other values are ignored, reads return 0.
#pragma once

#include "machine/system/device_interface.h"

namespace tiercel::devices {

class SifiveTest : public MmioDevice {
public:
  static constexpr uint64_t kWindowSize = 0x1000;
  static constexpr uint32_t kFail = 0x3333, kPass = 0x5555, kReset = 0x7777;

  explicit SifiveTest(PowerControl &power) : power_(power) {}
  const char *name() const override { return "sifive_test"; }
  uint64_t windowSize() const override { return kWindowSize; }
  // One 32-bit register at offset 0 (2-, 4- and 8-byte accesses: OpenSBI
  // writes it with 16-bit stores, Linux's syscon drivers with 32-bit ones);
  // anything else decodes nothing.
  bool read(uint64_t offset, unsigned size, uint64_t &value) override;
  bool write(uint64_t offset, unsigned size, uint64_t value) override;

private:
  PowerControl &power_;
};

} // namespace tiercel::devices
