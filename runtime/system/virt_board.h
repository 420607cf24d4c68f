// The "virt" board of system mode: QEMU's riscv64 virt machine, one hart.
// It owns the guest RAM and the mask ROM, the devices at QEMU's addresses,
// the physical map they form, the hart (CpuState + SystemEnv) and the timer
// thread that drives the devices' deadlines (CLINT mtimecmp, RTC alarm).
//
// Memory map (QEMU hw/riscv/virt.c, memmap[]):
//   0x00001000  mask ROM, 0xf000 bytes: the reset vector and fw_dynamic_info
//   0x00100000  sifive_test finisher (poweroff/reboot)
//   0x00101000  goldfish RTC, PLIC source 11
//   0x02000000  CLINT (msip, mtimecmp, mtime at 10 MHz from the host's
//               monotonic clock)
//   0x0c000000  PLIC, 2 contexts (hart 0 M and S)
//   0x10000000  16550A UART, PLIC source 10
//   0x10001000  8 virtio-mmio slots, 0x1000 apart, PLIC sources 1..8 (empty
//               for now: devices/virtio_mmio.h with no device behind it)
//   0x80000000  RAM
//
// The board is built once per boot: a guest reboot makes the caller destroy
// it and build a new one, so every device starts from its reset state.
// What the board does not do: load images and build the device tree
// (boot_loader.h, virt_fdt.h), run the hart (system_run_loop.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "devices/char_backend.h"
#include "devices/clint.h"
#include "devices/goldfish_rtc.h"
#include "devices/plic.h"
#include "devices/sifive_test.h"
#include "devices/uart16550.h"
#include "devices/virtio_mmio.h"
#include "machine/system/device_interface.h"
#include "machine/system/physical_map.h"
#include "machine/system/system_env.h"
#include "runtime/system/device_timer.h"
#include "llvm/Support/Error.h"

namespace tiercel::system {

namespace virt {
inline constexpr uint64_t kMromBase = 0x1000, kMromSize = 0xf000;
inline constexpr uint64_t kTestBase = 0x100000;
inline constexpr uint64_t kRtcBase = 0x101000;
inline constexpr uint64_t kClintBase = 0x2000000;
inline constexpr uint64_t kPlicBase = 0xc000000;
inline constexpr uint64_t kUartBase = 0x10000000;
inline constexpr uint64_t kVirtioBase = 0x10001000, kVirtioStride = 0x1000;
inline constexpr unsigned kVirtioSlots = 8;
inline constexpr uint64_t kRamBase = 0x80000000;
inline constexpr unsigned kUartIrq = 10, kRtcIrq = 11, kVirtioFirstIrq = 1;
inline constexpr uint64_t kTimebaseHz = devices::Clint::kTimebaseHz;
inline constexpr uint32_t kUartClockHz = 3686400;
// PLIC sources Linux may use: 1..ndev (source 0 does not exist).
inline constexpr unsigned kPlicNdev = devices::Plic::kSources - 1;
// The largest RAM: the softmmu and Linux would take more, but a host
// mapping of more than this is more likely a typo than a wish.
inline constexpr uint64_t kMaxRamSize = uint64_t{64} << 30;
} // namespace virt

// The monotonic host clock, in nanoseconds: the time every device sees.
class HostClock : public DeviceClock {
public:
  uint64_t nowNs() const override;
};

struct VirtBoardConfig {
  uint64_t ramSize = uint64_t{128} << 20; // a multiple of 4 KiB
};

class VirtBoard : public PowerControl {
public:
  // What stopped the board (the run loop polls it at every exit request).
  enum class Event : uint8_t { None, PowerOff, Reset, Quit };

  // `console` is the UART's host end; it outlives the board.
  static llvm::Expected<std::unique_ptr<VirtBoard>> create(const VirtBoardConfig &config,
                                                           devices::CharBackend &console);
  ~VirtBoard() override;
  VirtBoard(const VirtBoard &) = delete;
  VirtBoard &operator=(const VirtBoard &) = delete;

  CpuState &cpu() { return *cpu_; }
  SystemEnv &env() { return *env_; }
  const PhysicalMap &map() const { return map_; }
  uint64_t ramBase() const { return virt::kRamBase; }
  uint64_t ramSize() const { return ramSize_; }
  // Host memory of guest RAM [paddr, paddr + size), or nullptr when that is
  // not wholly RAM.
  uint8_t *ramPointer(uint64_t paddr, uint64_t size);
  // The mask ROM's bytes (the board writes the reset vector into it).
  uint8_t *rom() { return rom_.data(); }

  // Writes QEMU's reset vector at 0x1000: a0 = mhartid, a1 = `fdtAddress`,
  // a2 = the fw_dynamic_info that follows the code (OpenSBI's struct
  // fw_dynamic_info, version 2: next_addr = `nextAddress`, next_mode = S,
  // boot_hart 0), then a jump to `startAddress`. The hart's reset pc is
  // 0x1000.
  void writeResetVector(uint64_t startAddress, uint64_t fdtAddress, uint64_t nextAddress);
  static constexpr uint64_t kResetPc = virt::kMromBase;
  static constexpr uint64_t kFwDynamicInfoAddress = virt::kMromBase + 40;
  static constexpr uint64_t kFwDynamicMagic = 0x4942534f; // "OSBI"
  static constexpr uint64_t kFwDynamicVersion = 2;
  static constexpr uint64_t kFwDynamicNextModeS = 1;

  // PowerControl (the finisher, from the hart's thread).
  void powerOff(int exitCode) override;
  void reset() override;
  // The host asks to stop (Ctrl-A x, a signal): any thread.
  void requestQuit(int exitStatus);
  // The first event since the board was built, and its exit status.
  Event event() const { return static_cast<Event>(event_.load(std::memory_order_acquire) & 0xff); }
  int eventStatus() const {
    return static_cast<int>(static_cast<int64_t>(event_.load(std::memory_order_acquire)) >> 8);
  }

  devices::Clint &clint() { return *clint_; }
  devices::Plic &plic() { return *plic_; }
  devices::Uart16550 &uart() { return *uart_; }
  // virtio-mmio slot i (0..7) at 0x10001000 + i * 0x1000; empty for now
  // (DeviceID 0: drivers probe it and move on).
  devices::VirtioMmio &virtioSlot(unsigned index) { return *virtioSlots_.at(index); }
  const HostClock &clock() const { return clock_; }

private:
  explicit VirtBoard(uint64_t ramSize) : ramSize_(ramSize) {}
  llvm::Error build(devices::CharBackend &console);
  void raise(Event event, int status);

  uint64_t ramSize_;
  uint8_t *ram_ = nullptr; // mmap'ed
  std::vector<uint8_t> rom_;
  PhysicalMap map_;
  HostClock clock_;
  std::unique_ptr<CpuState> cpu_;
  std::unique_ptr<SystemEnv> env_;
  std::unique_ptr<DeviceTimer> timer_;
  std::unique_ptr<devices::Clint> clint_;
  std::unique_ptr<devices::Plic> plic_;
  std::unique_ptr<devices::Uart16550> uart_;
  std::unique_ptr<devices::GoldfishRtc> rtc_;
  std::unique_ptr<devices::SifiveTest> test_;
  std::vector<std::unique_ptr<devices::VirtioMmio>> virtioSlots_;
  // Event in bits 7:0, its exit status above: one word, so a reader never
  // sees an event with another event's status.
  std::atomic<uint64_t> event_{0};
};

} // namespace tiercel::system
