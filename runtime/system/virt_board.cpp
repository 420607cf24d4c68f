// The virt board (see virt_board.h).
#include "runtime/system/virt_board.h"

#include <ctime>

#include "devices/virtio_blk.h"
#include "devices/virtio_rng.h"
#include "runtime/system/virt_fdt.h"
#include "llvm/ADT/StringExtras.h"

namespace tiercel::system {

namespace {

// Wall clock minus monotonic clock, for the RTC.
int64_t wallMinusMonotonicNs(const DeviceClock &clock) {
  timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  int64_t wallNs = static_cast<int64_t>(wall.tv_sec) * 1'000'000'000 + wall.tv_nsec;
  return wallNs - static_cast<int64_t>(clock.nowNs());
}

} // namespace

llvm::Expected<std::unique_ptr<VirtBoard>> VirtBoard::create(const VirtBoardConfig &config,
                                                             devices::CharBackend &console) {
  if (llvm::Error error = checkRamSize(config.ramSize))
    return std::move(error);
  std::vector<bool> used(virt::kVirtioSlots, false);
  for (const VirtioDeviceConfig &device : config.virtio) {
    if (device.slot >= virt::kVirtioSlots || used[device.slot])
      return boardError("virtio slot " + std::to_string(device.slot) +
                        " is out of range or given twice");
    if (device.type == VirtioDeviceConfig::Type::Blk && device.disk == nullptr)
      return boardError("a virtio-blk device needs a disk");
    used[device.slot] = true;
  }
  std::unique_ptr<VirtBoard> board(new VirtBoard(config.ramSize));
  if (llvm::Error error = board->build(console, config.virtio))
    return std::move(error);
  return board;
}

llvm::Error VirtBoard::build(devices::CharBackend &console,
                             const std::vector<VirtioDeviceConfig> &virtio) {
  if (llvm::Error error = buildCommon())
    return error;
  auto rearm = [timer = timer_.get()] { timer->rearm(); };
  // Context 0: hart 0's M-mode external interrupt; context 1: its S-mode one.
  plic_ = std::make_unique<devices::Plic>(
      std::vector<IrqLine *>{&env().interruptLine(Interrupt::MachineExternal),
                             &env().interruptLine(Interrupt::SupervisorExternal)});
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
                                    {virt::kPlicBase, plic_.get()},
                                    {virt::kUartBase, uart_.get()}};
  for (unsigned slot = 0; slot < virt::kVirtioSlots; ++slot) {
    devices::VirtioDevice *device = nullptr;
    for (const VirtioDeviceConfig &config : virtio) {
      if (config.slot != slot)
        continue;
      if (config.type == VirtioDeviceConfig::Type::Blk)
        virtioDevices_.push_back(std::make_unique<devices::VirtioBlk>(*config.disk, config.serial));
      else
        virtioDevices_.push_back(std::make_unique<devices::VirtioRng>());
      device = virtioDevices_.back().get();
    }
    virtioSlots_.push_back(std::make_unique<devices::VirtioMmio>(
        map_, device, plic_->source(virt::kVirtioFirstIrq + slot)));
    devices.push_back({virt::kVirtioBase + slot * virt::kVirtioStride, virtioSlots_.back().get()});
  }
  for (const Placement &placement : devices)
    if (llvm::Error error = map_.addDevice(placement.base, *placement.device))
      return error;

  finishBuild({rtc_.get()});
  return llvm::Error::success();
}

VirtBoard::~VirtBoard() { stopTimer(); }

llvm::Expected<std::vector<uint8_t>>
VirtBoard::buildDeviceTree(const std::vector<uint8_t> &rngSeed) const {
  VirtTreeSettings settings;
  settings.ramBase = ramBase();
  settings.ramSize = ramSize();
  settings.rngSeed = rngSeed;
  return buildVirtDeviceTree(settings);
}

void VirtBoard::setGuestErrorReporter(std::function<void(const std::string &)> reporter) {
  for (unsigned slot = 0; slot < virt::kVirtioSlots; ++slot) {
    if (!reporter) {
      virtioSlots_[slot]->setErrorReporter({});
      continue;
    }
    virtioSlots_[slot]->setErrorReporter([reporter, slot](const std::string &message) {
      reporter("virtio-mmio slot " + std::to_string(slot) + " (0x" +
               llvm::utohexstr(virt::kVirtioBase + slot * virt::kVirtioStride, true) +
               "): " + message);
    });
  }
}

} // namespace tiercel::system
