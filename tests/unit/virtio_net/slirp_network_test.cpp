// User-mode networking on the real libslirp (runtime/system/slirp_network.h):
// an ARP request from the guest's address gets the gateway's answer through
// the event loop, a hostfwd rule on a host port already in use is refused
// with the rule and the reason, and a connection to a forwarded host port
// makes slirp look for the guest on the virtual network.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "runtime/system/slirp_network.h"

namespace tiercel::system {
namespace {

constexpr uint8_t kGuestMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr uint32_t kGuestIp = 0x0a00020f;   // 10.0.2.15
constexpr uint32_t kGatewayIp = 0x0a000202; // 10.0.2.2

// Collects the frames the network delivers, as a NIC would.
class FrameSink {
public:
  explicit FrameSink(SlirpNetwork &network) : network_(network) {
    network_.attach([this](const uint8_t *frame, size_t size) {
      std::lock_guard lock(mutex_);
      frames_.emplace_back(frame, frame + size);
      arrived_.notify_all();
    });
  }
  ~FrameSink() { network_.attach({}); }
  // The first frame (since the last call) that `match` accepts, waiting up
  // to `seconds`.
  template <class Match> std::vector<uint8_t> waitFor(Match match, double seconds = 5) {
    std::unique_lock lock(mutex_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
      for (size_t i = seen_; i < frames_.size(); ++i)
        if (match(frames_[i])) {
          seen_ = i + 1;
          return frames_[i];
        }
      seen_ = frames_.size();
      if (arrived_.wait_until(lock, deadline) == std::cv_status::timeout)
        return {};
    }
  }

private:
  SlirpNetwork &network_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::vector<uint8_t>> frames_;
  size_t seen_ = 0;
};

void putU16(std::vector<uint8_t> &out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}
void putU32(std::vector<uint8_t> &out, uint32_t value) {
  putU16(out, static_cast<uint16_t>(value >> 16));
  putU16(out, static_cast<uint16_t>(value));
}
uint16_t getU16(const std::vector<uint8_t> &in, size_t at) {
  return static_cast<uint16_t>(in[at] << 8 | in[at + 1]);
}
uint32_t getU32(const std::vector<uint8_t> &in, size_t at) {
  return uint32_t{getU16(in, at)} << 16 | getU16(in, at + 2);
}

// An Ethernet ARP request (RFC 826) from the guest for `target`.
std::vector<uint8_t> arpRequest(uint32_t target) {
  std::vector<uint8_t> frame(6, 0xff); // broadcast
  frame.insert(frame.end(), kGuestMac, kGuestMac + 6);
  putU16(frame, 0x0806);
  putU16(frame, 1);      // hardware: Ethernet
  putU16(frame, 0x0800); // protocol: IPv4
  frame.push_back(6);
  frame.push_back(4);
  putU16(frame, 1); // request
  frame.insert(frame.end(), kGuestMac, kGuestMac + 6);
  putU32(frame, kGuestIp);
  frame.insert(frame.end(), 6, 0);
  putU32(frame, target);
  frame.resize(60, 0); // the Ethernet minimum without the FCS
  return frame;
}

bool isArp(const std::vector<uint8_t> &frame, uint16_t operation) {
  return frame.size() >= 42 && getU16(frame, 12) == 0x0806 && getU16(frame, 20) == operation;
}

// A TCP listener on 127.0.0.1, port chosen by the kernel.
int listenOnLoopback(uint16_t &port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
      listen(fd, 1) != 0)
    return -1;
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

TEST(SlirpNetworkTest, TheGatewayAnswersArp) {
  UserNetworkConfig config;
  config.id = "n0";
  auto network = SlirpNetwork::create(config);
  ASSERT_TRUE(bool(network)) << llvm::toString(network.takeError());
  FrameSink sink(**network);
  std::vector<uint8_t> request = arpRequest(kGatewayIp);
  (*network)->transmit(request.data(), request.size());
  std::vector<uint8_t> reply = sink.waitFor([](const auto &frame) { return isArp(frame, 2); });
  ASSERT_FALSE(reply.empty()) << "no ARP reply from 10.0.2.2";
  EXPECT_TRUE(std::equal(kGuestMac, kGuestMac + 6, reply.begin())); // to the guest
  EXPECT_EQ(getU32(reply, 28), kGatewayIp);                         // sender: the gateway
  EXPECT_EQ(getU32(reply, 38), kGuestIp);                           // target: the guest
  EXPECT_EQ((*network)->framesFromGuest(), 1u);
  EXPECT_GE((*network)->framesToGuest(), 1u);
}

TEST(SlirpNetworkTest, AForwardOnAPortInUseIsRefusedWithTheReason) {
  uint16_t port = 0;
  int busy = listenOnLoopback(port);
  ASSERT_GE(busy, 0);
  UserNetworkConfig config;
  config.id = "n1";
  HostForward forward;
  forward.hostAddress = 0x7f000001;
  forward.hostPort = port;
  forward.guestPort = 80;
  forward.text = "tcp:127.0.0.1:" + std::to_string(port) + "-:80";
  config.forwards.push_back(forward);
  auto network = SlirpNetwork::create(config);
  ASSERT_FALSE(bool(network));
  std::string message = llvm::toString(network.takeError());
  EXPECT_NE(message.find("-netdev user,id=n1: hostfwd=" + forward.text), std::string::npos)
      << message;
  EXPECT_NE(message.find("Address already in use"), std::string::npos) << message;
  close(busy);
}

TEST(SlirpNetworkTest, AConnectionToAForwardedPortLooksForTheGuest) {
  uint16_t port = 0;
  int probe = listenOnLoopback(port); // a port that was free just now
  ASSERT_GE(probe, 0);
  close(probe);
  UserNetworkConfig config;
  config.id = "n2";
  HostForward forward;
  forward.hostAddress = 0x7f000001;
  forward.hostPort = port;
  forward.guestPort = 8080;
  forward.text = "tcp:127.0.0.1:" + std::to_string(port) + "-:8080";
  config.forwards.push_back(forward);
  auto network = SlirpNetwork::create(config);
  ASSERT_TRUE(bool(network)) << llvm::toString(network.takeError());
  FrameSink sink(**network);

  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
  // slirp does not know the guest's MAC yet: it asks for 10.0.2.15.
  std::vector<uint8_t> request = sink.waitFor([](const auto &frame) { return isArp(frame, 1); });
  ASSERT_FALSE(request.empty()) << "no ARP request for the guest after a forwarded connection";
  EXPECT_EQ(getU32(request, 38), kGuestIp);
  EXPECT_EQ(getU32(request, 28), kGatewayIp);
  close(client);
}

} // namespace
} // namespace tiercel::system
