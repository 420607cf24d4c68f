// The "spike" board of system mode, as QEMU's spike machine and Spike
// itself: for bare-metal programs that report through HTIF (devices/htif.h),
// riscv-tests and the like. On top of what every board has (board.h: RAM at
// 0x80000000, the mask ROM at 0x1000 with QEMU's reset vector, one hart,
// the CLINT at 0x2000000) it has only the HTIF, whose two registers sit at
// the addresses of the program's `tohost` and `fromhost` symbols, over RAM.
// No PLIC, no UART: the console is HTIF's device 1.
//
//   tiercel-system-riscv64 -machine spike -bios none -kernel TEST
//
// runs TEST in M-mode from its ELF entry and exits with its HTIF status.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "devices/char_backend.h"
#include "devices/htif.h"
#include "runtime/system/board.h"

namespace tiercel::system {

struct SpikeBoardConfig {
  uint64_t ramSize = uint64_t{128} << 20; // a multiple of 4 KiB
  uint64_t tohost = 0;                    // the ELF's `tohost`: 8-aligned, in RAM
  std::optional<uint64_t> fromhost;       // `fromhost`, if the program has one
};

class SpikeBoard : public Board, private devices::HtifHost {
public:
  // `console`: HTIF's console and fd 1; `errors`: fd 2. Both outlive the
  // board.
  static llvm::Expected<std::unique_ptr<SpikeBoard>> create(const SpikeBoardConfig &config,
                                                            devices::CharBackend &console,
                                                            devices::CharBackend &errors);
  ~SpikeBoard() override;

  llvm::Expected<std::vector<uint8_t>>
  buildDeviceTree(const std::vector<uint8_t> &rngSeed) const override;

  devices::Htif &htif() { return *htif_; }

private:
  explicit SpikeBoard(uint64_t ramSize) : Board(ramSize, 1) {}
  llvm::Error build(const SpikeBoardConfig &config, devices::CharBackend &console,
                    devices::CharBackend &errors);
  // HtifHost
  void htifExit(uint64_t code) override;
  void htifFailure(const std::string &message) override;

  std::unique_ptr<devices::Htif> htif_;
};

// The process exit status for an HTIF exit code: the code itself when it
// fits in 8 bits; a failure whose low 8 bits are 0 (a test number of 256)
// gives 255, so no failure ever looks like a pass.
int htifExitStatus(uint64_t code);

} // namespace tiercel::system
