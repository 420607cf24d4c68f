// What every system-mode board has (board.h's Board): guest RAM at
// 0x80000000, the mask ROM at 0x1000 with QEMU's reset vector, 1 to 8 harts
// (each a CpuState + SystemEnv with mhartid = its index, all starting at the
// reset vector in M-mode), the CLINT at 0x2000000 (msip and mtimecmp per
// hart, one mtime at 10 MHz from the host's monotonic clock), the timer
// thread that drives the devices' deadlines, and the board's events (power
// off, reset, quit) that stop every hart's run loop. The boards add their
// own devices and device tree:
//   virt_board.h   QEMU's virt machine (PLIC, UART, RTC, finisher, virtio)
//   spike_board.h  the spike machine (HTIF at the ELF's tohost/fromhost)
//
// A board is built once per boot: a guest reboot makes the caller destroy
// it and build a new one, so every device starts from its reset state.
// What a board does not do: load images (boot_loader.h), run the hart
// (system_run_loop.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "devices/clint.h"
#include "machine/system/device_interface.h"
#include "machine/system/physical_map.h"
#include "machine/system/system_env.h"
#include "runtime/system/device_timer.h"
#include "llvm/Support/Error.h"

namespace tiercel::system {

// The addresses both boards share (QEMU's virt and spike memory maps).
namespace board {
inline constexpr uint64_t kMromBase = 0x1000, kMromSize = 0xf000;
inline constexpr uint64_t kClintBase = 0x2000000;
inline constexpr uint64_t kRamBase = 0x80000000;
inline constexpr uint64_t kTimebaseHz = devices::Clint::kTimebaseHz;
// The largest RAM: the softmmu and Linux would take more, but a host
// mapping of more than this is more likely a typo than a wish.
inline constexpr uint64_t kMaxRamSize = uint64_t{64} << 30;
// -smp's limit (QEMU's virt board allows 512; the CLINT and PLIC windows
// and Tiercel's kernel config, CONFIG_NR_CPUS=8, are sized for this).
inline constexpr unsigned kMaxHarts = 8;
} // namespace board

// The monotonic host clock, in nanoseconds: the time every device sees.
class HostClock : public DeviceClock {
public:
  uint64_t nowNs() const override;
};

class Board : public PowerControl {
public:
  // What stopped the board (the run loop polls it at every exit request).
  enum class Event : uint8_t { None, PowerOff, Reset, Quit };

  ~Board() override;
  Board(const Board &) = delete;
  Board &operator=(const Board &) = delete;

  // Hart `hart` (0 .. hartCount() - 1; its mhartid is `hart`).
  unsigned hartCount() const { return static_cast<unsigned>(harts_.size()); }
  CpuState &cpu(unsigned hart = 0) { return *harts_.at(hart).cpu; }
  SystemEnv &env(unsigned hart = 0) { return *harts_.at(hart).env; }
  const PhysicalMap &map() const { return map_; }
  uint64_t ramBase() const { return board::kRamBase; }
  uint64_t ramSize() const { return ramSize_; }
  // Host memory of guest RAM [paddr, paddr + size), or nullptr when that is
  // not wholly RAM. (The loader's view: one host mapping, also where a
  // device window sits over a few bytes of it, as the spike board's HTIF.)
  uint8_t *ramPointer(uint64_t paddr, uint64_t size);
  // The mask ROM's bytes (the board writes the reset vector into it).
  uint8_t *rom() { return rom_.data(); }

  // Writes QEMU's reset vector at 0x1000: a0 = mhartid, a1 = `fdtAddress`,
  // a2 = the fw_dynamic_info that follows the code (OpenSBI's struct
  // fw_dynamic_info, version 2: next_addr = `nextAddress`, next_mode = S,
  // boot_hart 0 as QEMU: the hart fw_dynamic relocates itself on while the
  // others wait; OpenSBI then lets exactly one hart do its cold boot, and
  // in 1.1, Debian's, that one wins a lottery in sbi_init, so it may be
  // any hart; the others do its warm boot and wait in its HSM until the OS
  // starts them), then a jump to `startAddress`. Every hart's reset pc is
  // 0x1000.
  void writeResetVector(uint64_t startAddress, uint64_t fdtAddress, uint64_t nextAddress);
  static constexpr uint64_t kResetPc = board::kMromBase;
  static constexpr uint64_t kFwDynamicInfoAddress = board::kMromBase + 40;
  static constexpr uint64_t kFwDynamicMagic = 0x4942534f; // "OSBI"
  static constexpr uint64_t kFwDynamicVersion = 2;
  static constexpr uint64_t kFwDynamicNextModeS = 1;

  // The board's device tree (libfdt, padded to kFdtPaddedSize), without
  // /chosen's bootargs and initrd (setChosen adds them).
  virtual llvm::Expected<std::vector<uint8_t>>
  buildDeviceTree(const std::vector<uint8_t> &rngSeed) const = 0;
  // Where the board's devices report guest mistakes (-d guest_errors);
  // an empty function stops the reports.
  virtual void setGuestErrorReporter(std::function<void(const std::string &)> /*reporter*/) {}

  // PowerControl (a device, from a hart's thread). Every event stops every
  // hart: each gets an exit request and a sleeping one is woken.
  void powerOff(int exitCode) override;
  void reset() override;
  // The host asks to stop (Ctrl-A x, a signal): any thread.
  void requestQuit(int exitStatus);
  // The first event since the board was built, and its exit status.
  Event event() const { return static_cast<Event>(event_.load(std::memory_order_acquire) & 0xff); }
  int eventStatus() const {
    return static_cast<int>(static_cast<int64_t>(event_.load(std::memory_order_acquire)) >> 8);
  }
  // Why the board stopped when a device gave up on the guest (an
  // unimplemented HTIF request): "" otherwise.
  std::string failureMessage() const;

  devices::Clint &clint() { return *clint_; }
  const HostClock &clock() const { return clock_; }

protected:
  Board(uint64_t ramSize, unsigned harts) : ramSize_(ramSize), hartCount_(harts) {}
  // Checks a RAM size for create(): a non-zero multiple of 4 KiB, at most
  // 64 GiB.
  static llvm::Error checkRamSize(uint64_t ramSize);
  // Checks a hart count for create(): 1 to board::kMaxHarts.
  static llvm::Error checkHartCount(unsigned harts);
  // The parts every board has: RAM (mapped around `ramHoles`, ranges of
  // it that device windows cover), the mask ROM, the harts and their envs,
  // the timer thread (not started) and the CLINT (one msip/mtimecmp pair
  // per hart) on the map.
  struct Range {
    uint64_t start, end;
  };
  llvm::Error buildCommon(std::vector<Range> ramHoles = {});
  // The last step of a board's build: the harts at their reset pc and the
  // timer thread ticking `timed` (the CLINT is added here).
  void finishBuild(std::vector<TimedDevice *> timed);
  // Stops the timer thread: the first thing a board's destructor does, as
  // the thread ticks devices the derived board owns.
  void stopTimer();
  // A device gave up on the guest: the run ends with status 1 and
  // failureMessage() says why.
  void fail(const std::string &message);

  PhysicalMap map_;
  HostClock clock_;
  std::unique_ptr<DeviceTimer> timer_;
  std::unique_ptr<devices::Clint> clint_;

private:
  void raise(Event event, int status);

  uint64_t ramSize_;
  uint8_t *ram_ = nullptr; // mmap'ed
  std::vector<uint8_t> rom_;
  unsigned hartCount_;
  struct Hart {
    std::unique_ptr<CpuState> cpu;
    std::unique_ptr<SystemEnv> env;
  };
  std::vector<Hart> harts_;
  // Event in bits 7:0, its exit status above: one word, so a reader never
  // sees an event with another event's status.
  std::atomic<uint64_t> event_{0};
  mutable std::mutex failureMutex_;
  std::string failure_;
};

llvm::Error boardError(const std::string &message);

} // namespace tiercel::system
