// Where a network card's Ethernet frames go and come from: the host end of
// a NIC (user-mode networking on libslirp in runtime/system/slirp_network.h,
// a test's loopback). The NIC hands frames it transmits to transmit(); the
// back end delivers frames for the guest to the receiver the NIC attached,
// from the back end's own thread.
//
// Locking contract, so that neither side can deadlock the other:
// - transmit() is called on a vCPU thread with the NIC's transport lock
//   held: it must not call back into the NIC (frames it produces in reply
//   are delivered later, from its own thread).
// - deliver() is called with none of the back end's other locks held, so
//   the receiver may take the NIC's transport lock.
// - attach() waits for a delivery in flight: once attach({}) returned, the
//   old receiver is never called again (a board being destroyed detaches
//   its NIC first). A back end outlives the boards of one run: a guest
//   reboot attaches the new board's NIC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>

namespace tiercel::devices {

class NetBackend {
public:
  using Receiver = std::function<void(const uint8_t *frame, size_t size)>;

  virtual ~NetBackend() = default;
  // A frame the guest sent (destination MAC first; no virtio header).
  virtual void transmit(const uint8_t *frame, size_t size) = 0;

  // The NIC that gets the host side's frames; an empty receiver detaches.
  void attach(Receiver receiver) {
    std::lock_guard lock(receiverMutex_);
    receiver_ = std::move(receiver);
  }

protected:
  // A frame for the guest; dropped while no NIC is attached, as on a cable
  // with nothing at its end.
  void deliver(const uint8_t *frame, size_t size) {
    std::lock_guard lock(receiverMutex_);
    if (receiver_)
      receiver_(frame, size);
  }

private:
  std::mutex receiverMutex_;
  Receiver receiver_;
};

} // namespace tiercel::devices
