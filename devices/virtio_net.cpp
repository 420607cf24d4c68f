// virtio-net (see virtio_net.h). Section numbers are the virtio 1.2
// specification's.
#include "devices/virtio_net.h"

#include <algorithm>
#include <cstring>

namespace tiercel::devices {

VirtioNet::VirtioNet(NetBackend &backend, MacAddress mac) : backend_(backend), mac_(mac) {
  backend_.attach([this](const uint8_t *frame, size_t size) { receive(frame, size); });
}

VirtioNet::~VirtioNet() {
  // Waits for a delivery in flight; none reaches this device afterwards.
  backend_.attach({});
}

void VirtioNet::setServiceQueue(std::function<void(unsigned)> serviceQueue) {
  std::lock_guard lock(serviceMutex_);
  serviceQueue_ = std::move(serviceQueue);
}

std::vector<uint8_t> VirtioNet::configSpace() const {
  // 5.1.4: mac, then status (VIRTIO_NET_S_LINK_UP), little-endian.
  std::vector<uint8_t> config(kConfigBytes, 0);
  std::copy(mac_.begin(), mac_.end(), config.begin());
  config[6] = static_cast<uint8_t>(kVirtioNetSLinkUp & 0xff);
  config[7] = static_cast<uint8_t>(kVirtioNetSLinkUp >> 8);
  return config;
}

void VirtioNet::reset() {
  std::lock_guard lock(framesMutex_);
  receiveDropped_ += pendingFrames_.size();
  pendingFrames_.clear();
}

llvm::Error VirtioNet::processQueue(unsigned index, SplitVirtqueue &queue) {
  switch (index) {
  case kReceiveQueue: return fillReceiveBuffers(queue);
  case kTransmitQueue: return transmit(queue);
  default:
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "virtio-net has queues 0 and 1 (no control queue), not %u",
                                   index);
  }
}

// 5.1.6.2: each transmitq chain is a header and one frame, laid out as the
// driver likes (VERSION_1 implies ANY_LAYOUT).
llvm::Error VirtioNet::transmit(SplitVirtqueue &queue) {
  return queue.serveAvailable([this](const DescriptorChain &chain) -> llvm::Expected<uint32_t> {
    uint64_t total = chain.readableBytes();
    if (total < kHeaderBytes || total - kHeaderBytes > kMaxFrameBytes) {
      ++transmitDropped_;
      return 0u;
    }
    transmitBuffer_.resize(total - kHeaderBytes);
    chain.read(kHeaderBytes, transmitBuffer_.data(), transmitBuffer_.size());
    backend_.transmit(transmitBuffer_.data(), transmitBuffer_.size());
    ++transmitted_;
    return 0u; // the device writes nothing into a transmit chain
  });
}

// 5.1.6.4: header (num_buffers = 1 without MRG_RXBUF), then the frame.
// Chains are taken only while frames wait, so the driver's buffers stay in
// the ring until there is something to put in them.
llvm::Error VirtioNet::fillReceiveBuffers(SplitVirtqueue &queue) {
  std::lock_guard lock(framesMutex_);
  DescriptorChain chain;
  while (!pendingFrames_.empty()) {
    llvm::Expected<bool> popped = queue.pop(chain);
    if (!popped)
      return popped.takeError();
    if (!*popped)
      break;
    std::vector<uint8_t> frame = std::move(pendingFrames_.front());
    pendingFrames_.pop_front();
    if (chain.writableBytes() < kHeaderBytes + frame.size()) {
      ++receiveDropped_;
      queue.pushUsed(chain, 0);
      continue;
    }
    uint8_t header[kHeaderBytes] = {};
    header[10] = 1; // num_buffers, le16
    chain.write(0, header, kHeaderBytes);
    chain.write(kHeaderBytes, frame.data(), frame.size());
    queue.pushUsed(chain, static_cast<uint32_t>(kHeaderBytes + frame.size()));
    ++received_;
  }
  return llvm::Error::success();
}

void VirtioNet::receive(const uint8_t *frame, size_t size) {
  {
    std::lock_guard lock(framesMutex_);
    if (pendingFrames_.size() >= kMaxPendingFrames || size > kMaxFrameBytes) {
      ++receiveDropped_;
      return;
    }
    pendingFrames_.emplace_back(frame, frame + size);
  }
  std::lock_guard lock(serviceMutex_);
  if (serviceQueue_)
    serviceQueue_(kReceiveQueue);
}

VirtioNet::Counters VirtioNet::counters() const {
  return {transmitted_.load(), received_.load(), transmitDropped_.load(), receiveDropped_.load()};
}

} // namespace tiercel::devices
