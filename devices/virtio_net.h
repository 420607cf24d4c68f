// virtio-net (virtio 1.2 section 5.1): an Ethernet card on a NetBackend
// (net_backend.h; user-mode networking on libslirp in system mode).
//
// One queue pair, no control queue: receiveq1 is queue 0, transmitq1 queue
// 1. Offered features: VIRTIO_NET_F_MAC (the configured address, so the
// guest does not make up a random one) and VIRTIO_NET_F_STATUS with the
// link always up. No offloads (checksum, TSO, UFO) and no
// VIRTIO_NET_F_MRG_RXBUF: every frame travels whole, in one chain, behind
// the 12-byte struct virtio_net_hdr of VERSION_1 (5.1.6), whose num_buffers
// the device sets to 1 (5.1.6.4).
//
// - Transmit: on the driver's notification of queue 1 (its vCPU thread,
//   the transport's lock held) each chain's readable bytes after the header
//   are one frame for the back end. The header asks for nothing the device
//   must do (no offload was negotiated), so it is skipped. A chain shorter
//   than the header, or a frame longer than kMaxFrameBytes, is dropped and
//   counted; either way the chain goes back to the driver.
// - Receive: the back end's thread hands frames to receive(); they wait in
//   a bounded queue (kMaxPendingFrames: past it, frames are dropped as by a
//   NIC whose ring is full; TCP retransmits) and go into the driver's
//   receive buffers through the transport's serviceQueue(0), or at the
//   driver's next notification of queue 0 when it had none. A buffer too
//   small for header + frame gets the frame dropped and goes back empty (a
//   driver that ignores 5.1.6.3.1's 1526-byte minimum). A reset drops the
//   waiting frames.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "devices/net_backend.h"
#include "devices/virtio_mmio.h"

namespace tiercel::devices {

// Feature bits and status bits of section 5.1.3 / 5.1.4.
inline constexpr uint64_t kVirtioNetFMac = uint64_t{1} << 5;
inline constexpr uint64_t kVirtioNetFMrgRxbuf = uint64_t{1} << 15;
inline constexpr uint64_t kVirtioNetFStatus = uint64_t{1} << 16;
inline constexpr uint16_t kVirtioNetSLinkUp = 1;

using MacAddress = std::array<uint8_t, 6>;

class VirtioNet : public VirtioDevice {
public:
  static constexpr uint32_t kDeviceId = 1;
  static constexpr uint16_t kQueueSize = 256;
  static constexpr unsigned kReceiveQueue = 0;
  static constexpr unsigned kTransmitQueue = 1;
  // struct virtio_net_hdr with VERSION_1: flags, gso_type, hdr_len,
  // gso_size, csum_start, csum_offset, num_buffers.
  static constexpr uint32_t kHeaderBytes = 12;
  static constexpr size_t kMaxPendingFrames = 1024;
  static constexpr size_t kMaxFrameBytes = 65535;
  // struct virtio_net_config up to status: mac[6], status (le16).
  static constexpr uint64_t kConfigBytes = 8;

  struct Counters {
    uint64_t transmitted = 0, received = 0;
    uint64_t transmitDropped = 0; // chains without a whole header, oversized frames
    uint64_t receiveDropped = 0;  // queue full, buffer too small, reset
  };

  // Attaches to `backend` (which outlives the device) until destroyed.
  VirtioNet(NetBackend &backend, MacAddress mac);
  ~VirtioNet() override;
  VirtioNet(const VirtioNet &) = delete;
  VirtioNet &operator=(const VirtioNet &) = delete;

  // How the device asks its transport to serve a queue from a host thread
  // (VirtioMmio::serviceQueue): set by the board once the transport
  // exists. Frames that arrive before wait for the driver's notification.
  void setServiceQueue(std::function<void(unsigned)> serviceQueue);

  const char *name() const override { return "virtio_net"; }
  uint32_t deviceId() const override { return kDeviceId; }
  uint64_t deviceFeatures() const override { return kVirtioNetFMac | kVirtioNetFStatus; }
  unsigned queueCount() const override { return 2; }
  uint16_t maxQueueSize() const override { return kQueueSize; }
  std::vector<uint8_t> configSpace() const override;
  void reset() override;
  llvm::Error processQueue(unsigned index, SplitVirtqueue &queue) override;

  // A frame for the guest, from the back end's thread (no transport lock
  // held).
  void receive(const uint8_t *frame, size_t size);

  Counters counters() const;
  const MacAddress &mac() const { return mac_; }

private:
  llvm::Error fillReceiveBuffers(SplitVirtqueue &queue);
  llvm::Error transmit(SplitVirtqueue &queue);

  NetBackend &backend_;
  MacAddress mac_;
  std::mutex serviceMutex_; // guards serviceQueue_ against a receive in flight
  std::function<void(unsigned)> serviceQueue_;
  std::mutex framesMutex_; // after the transport's lock when both are held
  std::deque<std::vector<uint8_t>> pendingFrames_;
  std::vector<uint8_t> transmitBuffer_; // transport's lock
  std::atomic<uint64_t> transmitted_{0}, received_{0}, transmitDropped_{0}, receiveDropped_{0};
};

} // namespace tiercel::devices
