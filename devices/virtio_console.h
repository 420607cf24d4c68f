// virtio console (virtio 1.2 section 5.3), the device QEMU calls
// virtio-serial-device, with a single port and no VIRTIO_CONSOLE_F_MULTIPORT:
// Linux's virtio_console makes that port a console, /dev/hvc0 (and
// `console=hvc0` puts the kernel's messages and /dev/console on it).
//
// Queues: 0 is the port's receiveq (host -> guest), 1 its transmitq
// (guest -> host); without MULTIPORT there are no control queues (5.3.2).
// Offered features: VIRTIO_CONSOLE_F_EMERG_WRITE only: a byte written to
// emerg_wr (configuration offset 8) goes straight to the host end, at any
// time, even before the driver set up the queues (5.3.6.2). No F_SIZE: the
// console has no size to report.
//
// The host end is a CharBackend (char_backend.h): the stdio console shared
// with the UART (runtime/system/console_mux.h) or a test's memory buffer.
// - Output: each transmitq buffer is written to the back end in one piece
//   when the driver notifies the queue (on its vCPU thread, under the
//   transport's lock).
// - Input: the back end's thread hands bytes to receive(); they wait in a
//   bounded buffer (kInputBufferBytes, which is also the flow control the
//   back end sees through receiveRoom) and go into the receiveq's
//   device-writable buffers through the transport's serviceQueue(0), or
//   at the driver's next notification of queue 0 when it had none. Input
//   survives a device reset: it is the host's, not the device's.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "devices/char_backend.h"
#include "devices/virtio_mmio.h"

namespace tiercel::devices {

inline constexpr uint64_t kVirtioConsoleFSize = uint64_t{1} << 0;
inline constexpr uint64_t kVirtioConsoleFMultiport = uint64_t{1} << 1;
inline constexpr uint64_t kVirtioConsoleFEmergWrite = uint64_t{1} << 2;

class VirtioConsole : public VirtioDevice {
public:
  static constexpr uint32_t kDeviceId = 3;
  static constexpr uint16_t kQueueSize = 128; // as QEMU's virtio-serial queues
  static constexpr unsigned kReceiveQueue = 0;
  static constexpr unsigned kTransmitQueue = 1;
  static constexpr size_t kInputBufferBytes = 4096;
  // struct virtio_console_config: cols, rows (le16), max_nr_ports,
  // emerg_wr (le32).
  static constexpr uint64_t kConfigBytes = 12;
  static constexpr uint64_t kEmergWriteOffset = 8;

  // `backend` outlives the device; the device becomes its receiver.
  explicit VirtioConsole(CharBackend &backend);

  // How the device asks its transport to serve a queue from a host thread
  // (VirtioMmio::serviceQueue): set by the board once the transport
  // exists, before input can arrive.
  void setServiceQueue(std::function<void(unsigned)> serviceQueue) {
    serviceQueue_ = std::move(serviceQueue);
  }

  const char *name() const override { return "virtio_console"; }
  uint32_t deviceId() const override { return kDeviceId; }
  uint64_t deviceFeatures() const override { return kVirtioConsoleFEmergWrite; }
  unsigned queueCount() const override { return 2; }
  uint16_t maxQueueSize() const override { return kQueueSize; }
  std::vector<uint8_t> configSpace() const override;
  void writeConfig(uint64_t offset, unsigned size, uint64_t value) override;
  llvm::Error processQueue(unsigned index, SplitVirtqueue &queue) override;

  // A byte from the host side (the back end's receiver), from any thread
  // that holds none of the transport's locks. Dropped when the buffer is
  // full (the back end asks receiveRoom first).
  void receive(uint8_t byte);
  // Bytes receive() can take now.
  size_t receiveRoom();

private:
  llvm::Error fillReceiveBuffers(SplitVirtqueue &queue);
  llvm::Error transmit(SplitVirtqueue &queue);

  CharBackend &backend_;
  std::function<void(unsigned)> serviceQueue_;
  std::mutex inputMutex_; // after the transport's lock when both are held
  std::deque<uint8_t> input_;
};

} // namespace tiercel::devices
