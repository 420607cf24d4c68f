// The virt board with a virtio-net card and a virtio console in its slots
// (runtime/system/virt_board.cpp): the devices answer with their IDs at
// their slots, a board without a host end for them is refused, and a
// board can be destroyed while its network keeps delivering frames from
// another thread (the card detaches before the transports go; run under
// ASan this would catch a use after free).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "devices/char_backend.h"
#include "devices/net_backend.h"
#include "runtime/system/virt_board.h"

namespace tiercel::system {
namespace {

// Delivers frames as fast as it can from its own thread, like a network's
// event loop.
class FloodingNetwork : public devices::NetBackend {
public:
  FloodingNetwork() {
    thread_ = std::thread([this] {
      std::vector<uint8_t> frame(60, 0xab);
      while (!stop_.load()) {
        deliver(frame.data(), frame.size());
        ++delivered;
      }
    });
  }
  ~FloodingNetwork() override {
    stop_.store(true);
    thread_.join();
  }
  void transmit(const uint8_t *, size_t) override {}
  std::atomic<uint64_t> delivered{0};

private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

uint32_t deviceIdAt(VirtBoard &board, unsigned slot) {
  uint64_t value = 0;
  EXPECT_TRUE(board.virtioSlot(slot).read(0x008, 4, value));
  return static_cast<uint32_t>(value);
}

TEST(VirtBoardNetTest, CardAndConsoleSitInTheirSlots) {
  devices::MemoryCharBackend uart, hvc;
  FloodingNetwork network;
  VirtBoardConfig config;
  VirtioDeviceConfig card;
  card.type = VirtioDeviceConfig::Type::Net;
  card.slot = 7;
  card.network = &network;
  card.mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  VirtioDeviceConfig console;
  console.type = VirtioDeviceConfig::Type::Console;
  console.slot = 6;
  console.console = &hvc;
  config.virtio = {card, console};
  auto board = VirtBoard::create(config, uart);
  ASSERT_TRUE(bool(board)) << llvm::toString(board.takeError());
  EXPECT_EQ(deviceIdAt(**board, 7), 1u); // virtio-net
  EXPECT_EQ(deviceIdAt(**board, 6), 3u); // virtio console
  EXPECT_EQ(deviceIdAt(**board, 5), 0u); // empty
  uint64_t mac0 = 0;
  ASSERT_TRUE((*board)->virtioSlot(7).read(0x100, 1, mac0));
  EXPECT_EQ(mac0, 0x52u);
  board->reset();
}

TEST(VirtBoardNetTest, BoardsGoWhileFramesKeepComing) {
  devices::MemoryCharBackend uart;
  FloodingNetwork network;
  VirtBoardConfig config;
  config.ramSize = uint64_t{4} << 20;
  VirtioDeviceConfig card;
  card.type = VirtioDeviceConfig::Type::Net;
  card.slot = 7;
  card.network = &network;
  config.virtio = {card};
  // Many boots, as reboots do: each destruction races with a delivery.
  for (int boot = 0; boot < 300; ++boot) {
    auto board = VirtBoard::create(config, uart);
    ASSERT_TRUE(bool(board)) << llvm::toString(board.takeError());
    uint64_t before = network.delivered.load();
    while (network.delivered.load() < before + 20)
      std::this_thread::yield();
  }
  uint64_t after = network.delivered.load();
  while (network.delivered.load() < after + 100)
    std::this_thread::yield(); // delivered to nobody now
}

TEST(VirtBoardNetTest, DevicesWithoutHostEndsAreRefused) {
  devices::MemoryCharBackend uart;
  for (VirtioDeviceConfig::Type type :
       {VirtioDeviceConfig::Type::Net, VirtioDeviceConfig::Type::Console}) {
    VirtBoardConfig config;
    VirtioDeviceConfig device;
    device.type = type;
    config.virtio = {device};
    auto board = VirtBoard::create(config, uart);
    ASSERT_FALSE(bool(board));
    std::string message = llvm::toString(board.takeError());
    EXPECT_NE(message.find(type == VirtioDeviceConfig::Type::Net ? "needs a network"
                                                                 : "needs a host end"),
              std::string::npos)
        << message;
  }
}

} // namespace
} // namespace tiercel::system
