// The virt board (see virt_board.h).
#include "runtime/system/virt_board.h"

#include <sys/mman.h>

#include <chrono>
#include <cstring>
#include <ctime>

#include "runtime/system/device_timer.h"

namespace tiercel::system {

namespace {

llvm::Error boardError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

void put32(uint8_t *at, uint32_t value) { std::memcpy(at, &value, 4); }
void put64(uint8_t *at, uint64_t value) { std::memcpy(at, &value, 8); }

// Wall clock minus monotonic clock, for the RTC.
int64_t wallMinusMonotonicNs(const DeviceClock &clock) {
  timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  int64_t wallNs = static_cast<int64_t>(wall.tv_sec) * 1'000'000'000 + wall.tv_nsec;
  return wallNs - static_cast<int64_t>(clock.nowNs());
}

} // namespace

uint64_t HostClock::nowNs() const {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// ---- VirtBoard ----

llvm::Expected<std::unique_ptr<VirtBoard>> VirtBoard::create(const VirtBoardConfig &config,
                                                             devices::CharBackend &console) {
  if (config.ramSize == 0 || config.ramSize % Softmmu::kPageSize != 0)
    return boardError("RAM size must be a non-zero multiple of 4 KiB");
  if (config.ramSize > virt::kMaxRamSize)
    return boardError("RAM size is over the board's limit of 64 GiB");
  std::unique_ptr<VirtBoard> board(new VirtBoard(config.ramSize));
  if (llvm::Error error = board->build(console))
    return std::move(error);
  return board;
}

llvm::Error VirtBoard::build(devices::CharBackend &console) {
  void *ram = mmap(nullptr, ramSize_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED)
    return boardError("cannot allocate " + std::to_string(ramSize_ >> 20) +
                      " MiB of guest RAM: " + std::strerror(errno));
  ram_ = static_cast<uint8_t *>(ram);
  rom_.assign(virt::kMromSize, 0);
  if (llvm::Error error = map_.addMemory(PhysicalRegion::Kind::Rom, virt::kMromBase,
                                         virt::kMromSize, rom_.data(), "mrom"))
    return error;
  if (llvm::Error error =
          map_.addMemory(PhysicalRegion::Kind::Ram, virt::kRamBase, ramSize_, ram_, "ram"))
    return error;

  cpu_ = std::make_unique<CpuState>();
  cpu_->pc = kResetPc;
  SystemEnvOptions options;
  options.hartId = 0;
  options.readTime = [this] { return clint_->mtime(); };
  env_ = std::make_unique<SystemEnv>(*cpu_, map_, std::move(options));

  timer_ = std::make_unique<DeviceTimer>(clock_);
  auto rearm = [timer = timer_.get()] { timer->rearm(); };
  clint_ = std::make_unique<devices::Clint>(
      clock_,
      std::vector<devices::Clint::HartLines>{{&env_->interruptLine(Interrupt::MachineSoftware),
                                              &env_->interruptLine(Interrupt::MachineTimer)}},
      rearm);
  // Context 0: hart 0's M-mode external interrupt; context 1: its S-mode one.
  plic_ = std::make_unique<devices::Plic>(
      std::vector<IrqLine *>{&env_->interruptLine(Interrupt::MachineExternal),
                             &env_->interruptLine(Interrupt::SupervisorExternal)});
  uart_ = std::make_unique<devices::Uart16550>(console, plic_->source(virt::kUartIrq));
  rtc_ = std::make_unique<devices::GoldfishRtc>(clock_, wallMinusMonotonicNs(clock_),
                                                plic_->source(virt::kRtcIrq), rearm);
  test_ = std::make_unique<devices::SifiveTest>(*this);

  struct Placement {
    uint64_t base;
    MmioDevice *device;
  };
  std::vector<Placement> devices = {{virt::kTestBase, test_.get()},
                                    {virt::kRtcBase, rtc_.get()},
                                    {virt::kClintBase, clint_.get()},
                                    {virt::kPlicBase, plic_.get()},
                                    {virt::kUartBase, uart_.get()}};
  for (unsigned slot = 0; slot < virt::kVirtioSlots; ++slot) {
    virtioSlots_.push_back(
        std::make_unique<devices::VirtioMmio>(map_, plic_->source(virt::kVirtioFirstIrq + slot)));
    devices.push_back({virt::kVirtioBase + slot * virt::kVirtioStride, virtioSlots_.back().get()});
  }
  for (const Placement &placement : devices)
    if (llvm::Error error = map_.addDevice(placement.base, *placement.device))
      return error;

  env_->reset(kResetPc);
  timer_->start({clint_.get(), rtc_.get()});
  return llvm::Error::success();
}

VirtBoard::~VirtBoard() {
  // The timer thread ticks the devices: stop it before they go.
  if (timer_)
    timer_->stop();
  if (ram_ != nullptr)
    munmap(ram_, ramSize_);
}

uint8_t *VirtBoard::ramPointer(uint64_t paddr, uint64_t size) {
  if (paddr < virt::kRamBase || size > ramSize_ || paddr - virt::kRamBase > ramSize_ - size)
    return nullptr;
  return ram_ + (paddr - virt::kRamBase);
}

void VirtBoard::writeResetVector(uint64_t startAddress, uint64_t fdtAddress, uint64_t nextAddress) {
  // QEMU's reset vector (hw/riscv/boot.c, riscv_setup_rom_reset_vec), RV64.
  uint8_t *rom = rom_.data();
  std::memset(rom, 0, 64);
  put32(rom + 0, 0x00000297);  // 1: auipc t0, %pcrel_hi(fw_dyn)
  put32(rom + 4, 0x02828613);  //    addi  a2, t0, %pcrel_lo(1b)   (a2 = 0x1028)
  put32(rom + 8, 0xf1402573);  //    csrr  a0, mhartid
  put32(rom + 12, 0x0202b583); //    ld    a1, 32(t0)              (fdt address)
  put32(rom + 16, 0x0182b283); //    ld    t0, 24(t0)              (start address)
  put32(rom + 20, 0x00028067); //    jr    t0
  put64(rom + 24, startAddress);
  put64(rom + 32, fdtAddress);
  // struct fw_dynamic_info (OpenSBI include/sbi/fw_dynamic.h), version 2.
  uint8_t *info = rom + (kFwDynamicInfoAddress - virt::kMromBase);
  put64(info + 0, kFwDynamicMagic);
  put64(info + 8, kFwDynamicVersion);
  put64(info + 16, nextAddress);         // next_addr
  put64(info + 24, kFwDynamicNextModeS); // next_mode
  put64(info + 32, 0);                   // options
  put64(info + 40, 0);                   // boot_hart
}

void VirtBoard::raise(Event event, int status) {
  // The first event wins: a poweroff after a quit changes nothing.
  uint64_t none = static_cast<uint64_t>(Event::None);
  uint64_t word =
      static_cast<uint64_t>(static_cast<int64_t>(status)) << 8 | static_cast<uint64_t>(event);
  event_.compare_exchange_strong(none, word, std::memory_order_acq_rel);
  cpu_->exitRequest.store(1, std::memory_order_release);
  env_->wake();
}

void VirtBoard::powerOff(int exitCode) { raise(Event::PowerOff, exitCode); }
void VirtBoard::reset() { raise(Event::Reset, 0); }
void VirtBoard::requestQuit(int exitStatus) { raise(Event::Quit, exitStatus); }

} // namespace tiercel::system
