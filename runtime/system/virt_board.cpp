// The virt board (see virt_board.h).
#include "runtime/system/virt_board.h"

#include <algorithm>
#include <ctime>
#include <optional>

#include "devices/virtio_blk.h"
#include "devices/virtio_console.h"
#include "devices/virtio_net.h"
#include "devices/virtio_rng.h"
#include "runtime/system/virt_fdt.h"
#include "llvm/ADT/StringExtras.h"

namespace tiercel::system {

namespace {

// The virtio-input kind of a device type, if it is one.
std::optional<devices::VirtioInput::Kind> inputKindOf(VirtioDeviceConfig::Type type) {
  switch (type) {
  case VirtioDeviceConfig::Type::Keyboard: return devices::VirtioInput::Kind::Keyboard;
  case VirtioDeviceConfig::Type::Mouse: return devices::VirtioInput::Kind::Mouse;
  case VirtioDeviceConfig::Type::Tablet: return devices::VirtioInput::Kind::Tablet;
  default: return std::nullopt;
  }
}

// The configuration of the device in `slot` (one exists: the caller found it).
const VirtioDeviceConfig &virtioConfigOf(const std::vector<VirtioDeviceConfig> &virtio,
                                         unsigned slot) {
  return *std::find_if(virtio.begin(), virtio.end(),
                       [slot](const VirtioDeviceConfig &config) { return config.slot == slot; });
}

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
  if (llvm::Error error = checkHartCount(config.harts))
    return std::move(error);
  std::vector<bool> used(virt::kVirtioSlots, false);
  for (const VirtioDeviceConfig &device : config.virtio) {
    if (device.slot >= virt::kVirtioSlots || used[device.slot])
      return boardError("virtio slot " + std::to_string(device.slot) +
                        " is out of range or given twice");
    if (device.type == VirtioDeviceConfig::Type::Blk && device.disk == nullptr)
      return boardError("a virtio-blk device needs a disk");
    if (device.type == VirtioDeviceConfig::Type::Console && device.console == nullptr)
      return boardError("a virtio console needs a host end");
    if (device.type == VirtioDeviceConfig::Type::Net && device.network == nullptr)
      return boardError("a virtio-net device needs a network");
    used[device.slot] = true;
  }
  std::unique_ptr<VirtBoard> board(new VirtBoard(config.ramSize, config.harts));
  board->framebuffer_ = config.framebuffer;
  if (llvm::Error error = board->build(console, config.virtio))
    return std::move(error);
  return board;
}

llvm::Error VirtBoard::build(devices::CharBackend &console,
                             const std::vector<VirtioDeviceConfig> &virtio) {
  if (llvm::Error error = buildCommon())
    return error;
  auto rearm = [timer = timer_.get()] { timer->rearm(); };
  // Context 2h: hart h's M-mode external interrupt; context 2h + 1: its
  // S-mode one (QEMU's virt board).
  std::vector<IrqLine *> contexts;
  for (unsigned hart = 0; hart < hartCount(); ++hart) {
    contexts.push_back(&env(hart).interruptLine(Interrupt::MachineExternal));
    contexts.push_back(&env(hart).interruptLine(Interrupt::SupervisorExternal));
  }
  plic_ = std::make_unique<devices::Plic>(std::move(contexts));
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
      else if (std::optional<devices::VirtioInput::Kind> kind = inputKindOf(config.type))
        virtioDevices_.push_back(std::make_unique<devices::VirtioInput>(*kind, config.serial));
      else if (config.type == VirtioDeviceConfig::Type::Console)
        virtioDevices_.push_back(std::make_unique<devices::VirtioConsole>(*config.console));
      else if (config.type == VirtioDeviceConfig::Type::Net)
        virtioDevices_.push_back(std::make_unique<devices::VirtioNet>(*config.network, config.mac));
      else
        virtioDevices_.push_back(std::make_unique<devices::VirtioRng>());
      device = virtioDevices_.back().get();
    }
    virtioSlots_.push_back(std::make_unique<devices::VirtioMmio>(
        map_, device, plic_->source(virt::kVirtioFirstIrq + slot)));
    if (device != nullptr) {
      // Host input (the display's thread), console input and network
      // frames (host threads) reach the guest through the transport, as a
      // notify from the driver would.
      VirtioDeviceConfig::Type type = virtioConfigOf(virtio, slot).type;
      devices::VirtioMmio *transport = virtioSlots_.back().get();
      auto serve = [transport](unsigned queue) { transport->serviceQueue(queue); };
      if (inputKindOf(type)) {
        auto *input = static_cast<devices::VirtioInput *>(device);
        input->setNotifier([transport] {
          transport->serviceQueue(devices::VirtioInput::kEventQueue);
        });
        inputDevices_.push_back(input);
      } else if (type == VirtioDeviceConfig::Type::Console) {
        static_cast<devices::VirtioConsole *>(device)->setServiceQueue(serve);
      } else if (type == VirtioDeviceConfig::Type::Net) {
        static_cast<devices::VirtioNet *>(device)->setServiceQueue(serve);
      }
    }
    devices.push_back({virt::kVirtioBase + slot * virt::kVirtioStride, virtioSlots_.back().get()});
  }
  for (const Placement &placement : devices)
    if (llvm::Error error = map_.addDevice(placement.base, *placement.device))
      return error;
  if (framebuffer_ != nullptr) {
    if (framebuffer_->memoryBytes() > virt::kFramebufferWindow)
      return boardError("the framebuffer does not fit in its window");
    // Plain RAM to the softmmu: the guest draws at memory speed.
    if (llvm::Error error =
            map_.addMemory(PhysicalRegion::Kind::Ram, virt::kFramebufferBase,
                           framebuffer_->memoryBytes(), framebuffer_->memory(), "framebuffer"))
      return error;
  }

  finishBuild({rtc_.get()});
  return llvm::Error::success();
}

VirtBoard::~VirtBoard() {
  stopTimer();
  // The devices before their transports: a network's event loop may be
  // delivering a frame through VirtioMmio::serviceQueue; a VirtioNet
  // detaches from its back end (waiting for that delivery) when destroyed.
  virtioDevices_.clear();
}

llvm::Expected<std::vector<uint8_t>>
VirtBoard::buildDeviceTree(const std::vector<uint8_t> &rngSeed) const {
  VirtTreeSettings settings;
  settings.ramBase = ramBase();
  settings.ramSize = ramSize();
  settings.harts = hartCount();
  settings.rngSeed = rngSeed;
  if (framebuffer_ != nullptr)
    settings.framebuffer = VirtTreeSettings::FramebufferNode{
        virt::kFramebufferBase, framebuffer_->memoryBytes(), framebuffer_->width(),
        framebuffer_->height(), framebuffer_->stride(), devices::Framebuffer::kFormat};
  return buildVirtDeviceTree(settings);
}

std::vector<devices::VirtioInput *> VirtBoard::inputDevices() const { return inputDevices_; }

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
