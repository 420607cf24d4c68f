// What every board has (see board.h).
#include "runtime/system/board.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace tiercel::system {

namespace {

void put32(uint8_t *at, uint32_t value) { std::memcpy(at, &value, 4); }
void put64(uint8_t *at, uint64_t value) { std::memcpy(at, &value, 8); }

} // namespace

llvm::Error boardError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

uint64_t HostClock::nowNs() const {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

llvm::Error Board::checkRamSize(uint64_t ramSize) {
  if (ramSize == 0 || ramSize % Softmmu::kPageSize != 0)
    return boardError("RAM size must be a non-zero multiple of 4 KiB");
  if (ramSize > board::kMaxRamSize)
    return boardError("RAM size is over the board's limit of 64 GiB");
  return llvm::Error::success();
}

llvm::Error Board::checkHartCount(unsigned harts) {
  if (harts == 0 || harts > board::kMaxHarts)
    return boardError("the hart count must be 1 to " + std::to_string(board::kMaxHarts) + ", not " +
                      std::to_string(harts));
  return llvm::Error::success();
}

llvm::Error Board::buildCommon(std::vector<Range> ramHoles) {
  void *ram = mmap(nullptr, ramSize_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED)
    return boardError("cannot allocate " + std::to_string(ramSize_ >> 20) +
                      " MiB of guest RAM: " + std::strerror(errno));
  ram_ = static_cast<uint8_t *>(ram);
  rom_.assign(board::kMromSize, 0);
  if (llvm::Error error = map_.addMemory(PhysicalRegion::Kind::Rom, board::kMromBase,
                                         board::kMromSize, rom_.data(), "mrom"))
    return error;
  // RAM in pieces around the holes (sorted, inside RAM, not overlapping).
  std::sort(ramHoles.begin(), ramHoles.end(),
            [](const Range &a, const Range &b) { return a.start < b.start; });
  uint64_t from = board::kRamBase, ramEnd = board::kRamBase + ramSize_;
  for (const Range &hole : ramHoles) {
    if (hole.start < from || hole.end > ramEnd || hole.start >= hole.end)
      return boardError("a device window inside RAM is out of range or overlaps another");
    if (hole.start > from)
      if (llvm::Error error = map_.addMemory(PhysicalRegion::Kind::Ram, from, hole.start - from,
                                             ram_ + (from - board::kRamBase), "ram"))
        return error;
    from = hole.end;
  }
  if (from < ramEnd)
    if (llvm::Error error = map_.addMemory(PhysicalRegion::Kind::Ram, from, ramEnd - from,
                                           ram_ + (from - board::kRamBase), "ram"))
      return error;

  if (llvm::Error error = checkHartCount(hartCount_))
    return error;
  std::vector<devices::Clint::HartLines> clintLines;
  for (unsigned index = 0; index < hartCount_; ++index) {
    Hart hart;
    hart.cpu = std::make_unique<CpuState>();
    hart.cpu->pc = kResetPc;
    SystemEnvOptions options;
    options.hartId = index;
    options.readTime = [this] { return clint_->mtime(); };
    hart.env = std::make_unique<SystemEnv>(*hart.cpu, map_, std::move(options));
    // msip[index] at 0x2000000 + 4 * index, mtimecmp[index] at 0x2004000 + 8 * index.
    clintLines.push_back({&hart.env->interruptLine(Interrupt::MachineSoftware),
                          &hart.env->interruptLine(Interrupt::MachineTimer)});
    harts_.push_back(std::move(hart));
  }

  timer_ = std::make_unique<DeviceTimer>(clock_);
  auto rearm = [timer = timer_.get()] { timer->rearm(); };
  clint_ = std::make_unique<devices::Clint>(clock_, std::move(clintLines), rearm);
  return map_.addDevice(board::kClintBase, *clint_);
}

void Board::finishBuild(std::vector<TimedDevice *> timed) {
  for (Hart &hart : harts_)
    hart.env->reset(kResetPc);
  timed.insert(timed.begin(), clint_.get());
  timer_->start(timed);
}

void Board::stopTimer() {
  // The timer thread ticks the devices: stop it before they go.
  if (timer_)
    timer_->stop();
}

Board::~Board() {
  stopTimer();
  if (ram_ != nullptr)
    munmap(ram_, ramSize_);
}

uint8_t *Board::ramPointer(uint64_t paddr, uint64_t size) {
  if (paddr < board::kRamBase || size > ramSize_ || paddr - board::kRamBase > ramSize_ - size)
    return nullptr;
  return ram_ + (paddr - board::kRamBase);
}

void Board::writeResetVector(uint64_t startAddress, uint64_t fdtAddress, uint64_t nextAddress) {
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
  uint8_t *info = rom + (kFwDynamicInfoAddress - board::kMromBase);
  put64(info + 0, kFwDynamicMagic);
  put64(info + 8, kFwDynamicVersion);
  put64(info + 16, nextAddress);         // next_addr
  put64(info + 24, kFwDynamicNextModeS); // next_mode
  put64(info + 32, 0);                   // options
  put64(info + 40, 0);                   // boot_hart: hart 0 relocates, as on QEMU's boards
}

void Board::raise(Event event, int status) {
  // The first event wins: a poweroff after a quit changes nothing.
  uint64_t none = static_cast<uint64_t>(Event::None);
  uint64_t word =
      static_cast<uint64_t>(static_cast<int64_t>(status)) << 8 | static_cast<uint64_t>(event);
  event_.compare_exchange_strong(none, word, std::memory_order_acq_rel);
  // Every hart sees the event at its next exit request; a sleeping one wakes.
  for (Hart &hart : harts_) {
    hart.cpu->exitRequest.store(1, std::memory_order_release);
    hart.env->wake();
  }
}

void Board::powerOff(int exitCode) { raise(Event::PowerOff, exitCode); }
void Board::reset() { raise(Event::Reset, 0); }
void Board::requestQuit(int exitStatus) { raise(Event::Quit, exitStatus); }

void Board::fail(const std::string &message) {
  {
    std::lock_guard lock(failureMutex_);
    if (failure_.empty() && event() == Event::None)
      failure_ = message;
  }
  raise(Event::PowerOff, 1);
}

std::string Board::failureMessage() const {
  std::lock_guard lock(failureMutex_);
  return failure_;
}

} // namespace tiercel::system
