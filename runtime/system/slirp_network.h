// User-mode networking for system mode (QEMU's `-netdev user`): a
// NetBackend (devices/net_backend.h) on libslirp, the TCP/IP stack QEMU
// uses. The guest sees QEMU's network: 10.0.2.0/24, the gateway and host at
// 10.0.2.2 (connections to it reach the host's loopback), DNS at 10.0.2.3
// (forwarded to the host's resolver), DHCP handing out 10.0.2.15 first.
// Guest connections to the outside become host sockets; `hostfwd` rules
// listen on host ports and forward connections to a guest port.
//
// Threads. libslirp is not thread-safe: every call into it holds mutex_.
// - Its event loop runs on a thread of its own: poll() on the sockets
//   slirp_pollfds_fill asks for, plus an eventfd that wakes the loop, with
//   the timeout slirp and its timers want; then slirp_pollfds_poll and the
//   expired timers.
// - transmit() (a guest frame, on the vCPU thread under the NIC's
//   transport lock) calls slirp_input directly and wakes the loop, which
//   also rebuilds its poll set for any socket the frame opened.
// - Frames slirp sends to the guest (its send_packet callback, from either
//   thread) are only collected under mutex_; the loop delivers them to the
//   NIC after releasing mutex_, so a NIC that takes its transport lock in
//   the receiver can never deadlock with a vCPU that holds that lock and
//   waits for mutex_ in transmit().
// A network lives for the whole run (hostfwd ports stay bound across guest
// reboots); each board's NIC attaches to it. libslirp writes to host
// sockets with send(), so a process using it should ignore SIGPIPE (as
// QEMU does; main.cpp does when there is a -netdev): a peer that closed
// its end must not kill the emulator.
#pragma once

#include <poll.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "devices/net_backend.h"
#include "llvm/Support/Error.h"

struct Slirp; // libslirp's state (slirp/libslirp.h), opaque here

namespace tiercel::system {

// IPv4 addresses in host byte order (10.0.2.2 is 0x0a000202).
struct HostForward {
  bool udp = false;
  uint32_t hostAddress = 0; // 0: every host address (INADDR_ANY)
  uint16_t hostPort = 0;
  uint32_t guestAddress = 0; // 0: the first DHCP address
  uint16_t guestPort = 0;
  std::string text; // as written in hostfwd=, for messages
};

struct UserNetworkConfig {
  std::string id;                  // the -netdev id, for messages
  uint32_t network = 0x0a000200;   // 10.0.2.0
  uint32_t netmask = 0xffffff00;   // /24
  uint32_t host = 0x0a000202;      // 10.0.2.2: gateway, and the host's loopback
  uint32_t dns = 0x0a000203;       // 10.0.2.3
  uint32_t dhcpStart = 0x0a00020f; // 10.0.2.15
  bool restricted = false;         // restrict=on: the guest reaches only the host's forwards
  std::string hostname;            // DHCP option 12
  std::vector<HostForward> forwards;
};

class SlirpNetwork : public devices::NetBackend {
public:
  // Creates the stack, binds every hostfwd port (a port in use is an
  // error naming the rule) and starts the event loop.
  static llvm::Expected<std::unique_ptr<SlirpNetwork>> create(const UserNetworkConfig &config);
  ~SlirpNetwork() override;
  SlirpNetwork(const SlirpNetwork &) = delete;
  SlirpNetwork &operator=(const SlirpNetwork &) = delete;

  void transmit(const uint8_t *frame, size_t size) override;

  // Messages about guest packets slirp refuses (QEMU's -d guest_errors);
  // set before the guest runs. Called with the stack's lock held.
  void setGuestErrorReporter(std::function<void(const std::string &)> reporter);

  const UserNetworkConfig &config() const { return config_; }
  // Frames slirp produced for the guest and frames the guest sent, so far.
  uint64_t framesToGuest() const { return framesToGuest_.load(); }
  uint64_t framesFromGuest() const { return framesFromGuest_.load(); }

private:
  friend struct SlirpCallbacks;
  struct Timer;

  explicit SlirpNetwork(UserNetworkConfig config);
  llvm::Error start();
  void eventLoop();
  void wake();
  int64_t nowMs() const;
  // Under mutex_: the earliest timer expiry (ms), or -1.
  int64_t earliestTimerMs() const;
  void runExpiredTimers();

  UserNetworkConfig config_;
  mutable std::mutex mutex_; // libslirp, timers_, outbox_, reportGuestError_
  Slirp *slirp_ = nullptr;
  std::vector<std::unique_ptr<Timer>> timers_;
  std::vector<std::vector<uint8_t>> outbox_; // frames for the guest, not yet delivered
  std::function<void(const std::string &)> reportGuestError_;
  std::vector<pollfd> pollFds_; // event loop thread only
  int wakeFd_ = -1;             // eventfd
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::atomic<uint64_t> framesToGuest_{0}, framesFromGuest_{0};
};

// The dotted form of a host-order IPv4 address (header-only: the option
// parser uses it without linking the network).
inline std::string formatIpv4(uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

} // namespace tiercel::system
