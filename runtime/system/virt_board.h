// The "virt" board of system mode: QEMU's riscv64 virt machine, 1 to 8
// harts (-smp N).
// On top of what every board has (board.h: RAM, mask ROM, hart, CLINT,
// timer thread) it has the devices at QEMU's addresses and their device
// tree (virt_fdt.h).
//
// Memory map (QEMU hw/riscv/virt.c, memmap[]):
//   0x00001000  mask ROM, 0xf000 bytes: the reset vector and fw_dynamic_info
//   0x00100000  sifive_test finisher (poweroff/reboot)
//   0x00101000  goldfish RTC, PLIC source 11
//   0x02000000  CLINT (msip, mtimecmp, mtime at 10 MHz from the host's
//               monotonic clock)
//   0x04000000  the framebuffer's memory, when there is one (up to 32 MiB)
//   0x0c000000  PLIC, 2 contexts per hart (context 2h: hart h's M-mode
//               external interrupt, 2h + 1: its S-mode one)
//   0x10000000  16550A UART, PLIC source 10
//   0x10001000  8 virtio-mmio slots, 0x1000 apart, PLIC sources 1..8: the
//               devices of VirtBoardConfig::virtio (blk, rng, input,
//               console, net), the other slots empty (DeviceID 0)
//   0x80000000  RAM
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/block_backend.h"
#include "devices/char_backend.h"
#include "devices/framebuffer.h"
#include "devices/goldfish_rtc.h"
#include "devices/net_backend.h"
#include "devices/plic.h"
#include "devices/sifive_test.h"
#include "devices/uart16550.h"
#include "devices/virtio_input.h"
#include "devices/virtio_mmio.h"
#include "runtime/system/board.h"

namespace tiercel::system {

namespace virt {
inline constexpr uint64_t kMromBase = board::kMromBase, kMromSize = board::kMromSize;
inline constexpr uint64_t kTestBase = 0x100000;
inline constexpr uint64_t kRtcBase = 0x101000;
inline constexpr uint64_t kClintBase = board::kClintBase;
inline constexpr uint64_t kPlicBase = 0xc000000;
inline constexpr uint64_t kUartBase = 0x10000000;
inline constexpr uint64_t kVirtioBase = 0x10001000, kVirtioStride = 0x1000;
inline constexpr unsigned kVirtioSlots = 8;
inline constexpr uint64_t kRamBase = board::kRamBase;
inline constexpr unsigned kUartIrq = 10, kRtcIrq = 11, kVirtioFirstIrq = 1;
inline constexpr uint64_t kTimebaseHz = board::kTimebaseHz;
inline constexpr uint32_t kUartClockHz = 3686400;
// PLIC sources Linux may use: 1..ndev (source 0 does not exist).
inline constexpr unsigned kPlicNdev = devices::Plic::kSources - 1;
inline constexpr uint64_t kMaxRamSize = board::kMaxRamSize;
// The framebuffer (devices/framebuffer.h), when there is one: guest memory
// in QEMU virt's platform-bus window (0x4000000, 32 MiB; nothing else of
// this board lives there), described by /chosen/framebuffer@4000000.
inline constexpr uint64_t kFramebufferBase = 0x4000000, kFramebufferWindow = 0x2000000;
} // namespace virt

// A virtio device in one of the board's virtio-mmio slots.
struct VirtioDeviceConfig {
  enum class Type : uint8_t {
    Blk,
    Rng,
    Keyboard, // virtio-input (devices/virtio_input.h)
    Mouse,
    Tablet,
    Console, // virtio-serial-device: a virtio console, one port (devices/virtio_console.h)
    Net,     // virtio-net-device (devices/virtio_net.h)
  };
  Type type = Type::Blk;
  unsigned slot = 0; // 0..7: at 0x10001000 + slot * 0x1000, PLIC source slot + 1
  // Blk: the image. It outlives the board: a reboot builds a new board on
  // the same open images.
  devices::BlockBackend *disk = nullptr;
  std::string serial; // Blk: what VIRTIO_BLK_T_GET_ID returns; input: ID_SERIAL
  // Console: the port's host end. Net: the network the card is plugged
  // into, and its MAC address. Both outlive the board (a network serves
  // every boot of a run; a console is detached before the board goes).
  devices::CharBackend *console = nullptr;
  devices::NetBackend *network = nullptr;
  std::array<uint8_t, 6> mac{};
};

struct VirtBoardConfig {
  uint64_t ramSize = uint64_t{128} << 20; // a multiple of 4 KiB
  unsigned harts = 1;                     // -smp: 1 to board::kMaxHarts
  std::vector<VirtioDeviceConfig> virtio; // at most one per slot
  // A framebuffer at virt::kFramebufferBase (-device simple-framebuffer,
  // -display sdl|png), or none. It outlives the board, like a disk.
  devices::Framebuffer *framebuffer = nullptr;
};

class VirtBoard : public Board {
public:
  // `console` is the UART's host end; it outlives the board.
  static llvm::Expected<std::unique_ptr<VirtBoard>> create(const VirtBoardConfig &config,
                                                           devices::CharBackend &console);
  ~VirtBoard() override;

  llvm::Expected<std::vector<uint8_t>>
  buildDeviceTree(const std::vector<uint8_t> &rngSeed) const override;
  // virtio-mmio rings a driver broke (NEEDS_RESET), by slot.
  void setGuestErrorReporter(std::function<void(const std::string &)> reporter) override;

  devices::Plic &plic() { return *plic_; }
  devices::Uart16550 &uart() { return *uart_; }
  // virtio-mmio slot i (0..7) at 0x10001000 + i * 0x1000; a slot without a
  // device answers DeviceID 0 (drivers probe it and move on).
  devices::VirtioMmio &virtioSlot(unsigned index) { return *virtioSlots_.at(index); }
  // The virtio-input devices (keyboard, mouse, tablet), in slot order: what
  // the display feeds host input to.
  std::vector<devices::VirtioInput *> inputDevices() const;

private:
  VirtBoard(uint64_t ramSize, unsigned harts) : Board(ramSize, harts) {}
  llvm::Error build(devices::CharBackend &console, const std::vector<VirtioDeviceConfig> &virtio);

  std::unique_ptr<devices::Plic> plic_;
  std::unique_ptr<devices::Uart16550> uart_;
  std::unique_ptr<devices::GoldfishRtc> rtc_;
  std::unique_ptr<devices::SifiveTest> test_;
  std::vector<std::unique_ptr<devices::VirtioDevice>> virtioDevices_; // behind the slots
  std::vector<std::unique_ptr<devices::VirtioMmio>> virtioSlots_;
  devices::Framebuffer *framebuffer_ = nullptr; // VirtBoardConfig::framebuffer
  std::vector<devices::VirtioInput *> inputDevices_;
};

} // namespace tiercel::system
