// HTIF (devices/htif.h): the tohost commands (exit, console output and
// input, the syscall proxy), the responses in fromhost, the split 32-bit
// stores of riscv-tests, and what it refuses.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "devices/char_backend.h"
#include "devices/htif.h"
#include "machine/system/physical_map.h"

namespace tiercel::devices {
namespace {

constexpr uint64_t kRamBase = 0x80000000;
constexpr uint64_t kBlock = kRamBase + 0x100;  // a syscall block
constexpr uint64_t kBuffer = kRamBase + 0x200; // a SYS_write buffer

uint64_t command(uint64_t device, uint64_t cmd, uint64_t payload) {
  return device << 56 | cmd << 48 | payload;
}

class RecordingHost : public HtifHost {
public:
  void htifExit(uint64_t code) override { exits.push_back(code); }
  void htifFailure(const std::string &message) override { failures.push_back(message); }
  std::vector<uint64_t> exits;
  std::vector<std::string> failures;
};

// An input back end that honours the device's receive room, as the stdio
// console does: bytes wait until the device can take them.
class QueueCharBackend : public MemoryCharBackend {
public:
  void receiveRoomChanged() override { ++roomChanges; }
  // Delivers queued bytes while the device has room; returns how many.
  size_t pump() {
    size_t delivered = 0;
    while (!queued.empty() && receiveRoom() > 0) {
      uint8_t byte = static_cast<uint8_t>(queued.front());
      queued.erase(queued.begin());
      deliver(byte);
      ++delivered;
    }
    return delivered;
  }
  std::string queued;
  int roomChanges = 0;
};

struct HtifTest : ::testing::Test {
  HtifTest() : ram(0x1000, 0) {
    llvm::cantFail(
        map.addMemory(PhysicalRegion::Kind::Ram, kRamBase, ram.size(), ram.data(), "ram"));
  }
  void writeTohost(uint64_t value) { ASSERT_TRUE(htif.tohostRegister().write(0, 8, value)); }
  uint64_t readFromhost() {
    uint64_t value = 0;
    EXPECT_TRUE(htif.fromhostRegister().read(0, 8, value));
    return value;
  }
  void poke64(uint64_t address, uint64_t value) {
    std::memcpy(ram.data() + (address - kRamBase), &value, 8);
  }
  uint64_t peek64(uint64_t address) {
    uint64_t value;
    std::memcpy(&value, ram.data() + (address - kRamBase), 8);
    return value;
  }
  void syscallBlock(uint64_t number, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0) {
    poke64(kBlock, number);
    poke64(kBlock + 8, a0);
    poke64(kBlock + 16, a1);
    poke64(kBlock + 24, a2);
  }

  std::vector<uint8_t> ram;
  PhysicalMap map;
  QueueCharBackend console;
  MemoryCharBackend errors;
  RecordingHost host;
  Htif htif{map, console, errors, host};
};

TEST_F(HtifTest, ExitCodes) {
  writeTohost(1);          // RVTEST_PASS
  writeTohost(5 << 1 | 1); // RVTEST_FAIL in test 5
  EXPECT_EQ(host.exits, (std::vector<uint64_t>{0, 5}));
  EXPECT_EQ(htif.tohost(), 0u); // handled
  EXPECT_TRUE(host.failures.empty());
}

TEST_F(HtifTest, SplitStoresActOnTheUpperHalf) {
  // riscv-tests: sw TESTNUM, tohost; sw zero, tohost + 4.
  ASSERT_TRUE(htif.tohostRegister().write(0, 4, 7 << 1 | 1));
  EXPECT_TRUE(host.exits.empty());
  uint64_t value = 0;
  ASSERT_TRUE(htif.tohostRegister().read(0, 4, value));
  EXPECT_EQ(value, 15u); // visible until the command is complete
  ASSERT_TRUE(htif.tohostRegister().write(4, 4, 0));
  EXPECT_EQ(host.exits, (std::vector<uint64_t>{7}));
  // A console command split in halves: payload low, device/command high.
  ASSERT_TRUE(htif.tohostRegister().write(0, 4, 'Z'));
  ASSERT_TRUE(htif.tohostRegister().write(4, 4, 0x01010000));
  EXPECT_EQ(console.output(), "Z");
}

TEST_F(HtifTest, RefusesOddAccesses) {
  uint64_t value;
  EXPECT_FALSE(htif.tohostRegister().read(0, 2, value));
  EXPECT_FALSE(htif.tohostRegister().write(2, 4, 1));
  EXPECT_FALSE(htif.fromhostRegister().write(0, 1, 1));
  EXPECT_TRUE(host.exits.empty());
}

TEST_F(HtifTest, ConsolePutcharRespondsInFromhost) {
  writeTohost(command(1, 1, 'h'));
  EXPECT_EQ(console.output(), "h");
  EXPECT_EQ(readFromhost(), command(1, 1, 0x100 | 'h'));
  // The guest takes the response by clearing fromhost.
  ASSERT_TRUE(htif.fromhostRegister().write(0, 8, 0));
  EXPECT_EQ(readFromhost(), 0u);
  writeTohost(command(1, 1, 'i'));
  EXPECT_EQ(console.output(), "hi");
}

TEST_F(HtifTest, ConsoleGetcharWaitsForAByte) {
  console.queued = "ab";
  EXPECT_EQ(console.pump(), 0u); // no read asked for: input waits
  writeTohost(command(1, 0, 0));
  EXPECT_GE(console.roomChanges, 1);
  EXPECT_EQ(console.pump(), 1u); // one byte per read
  EXPECT_EQ(readFromhost(), command(1, 0, 0x100 | 'a'));
  writeTohost(command(1, 0, 0));
  EXPECT_EQ(console.pump(), 0u); // fromhost still holds the last answer
  ASSERT_TRUE(htif.fromhostRegister().write(0, 8, 0));
  EXPECT_EQ(console.pump(), 1u);
  EXPECT_EQ(readFromhost(), command(1, 0, 0x100 | 'b'));
}

TEST_F(HtifTest, SyscallProxyWrite) {
  const char text[] = "proxy says hi\n";
  std::memcpy(ram.data() + (kBuffer - kRamBase), text, sizeof text - 1);
  syscallBlock(Htif::kSysWrite, 1, kBuffer, sizeof text - 1);
  writeTohost(kBlock);
  EXPECT_EQ(console.output(), "proxy says hi\n");
  EXPECT_EQ(peek64(kBlock), sizeof text - 1); // the result
  EXPECT_EQ(readFromhost(), 1u);              // Spike's answer
  // fd 2: the error stream.
  ASSERT_TRUE(htif.fromhostRegister().write(0, 8, 0));
  syscallBlock(Htif::kSysWrite, 2, kBuffer, 5);
  writeTohost(kBlock);
  EXPECT_EQ(errors.output(), "proxy");
  // Another fd: EBADF; a buffer outside RAM: EFAULT. Both answered.
  syscallBlock(Htif::kSysWrite, 3, kBuffer, 5);
  writeTohost(kBlock);
  EXPECT_EQ(static_cast<int64_t>(peek64(kBlock)), -9);
  syscallBlock(Htif::kSysWrite, 1, 0x1000, 5);
  writeTohost(kBlock);
  EXPECT_EQ(static_cast<int64_t>(peek64(kBlock)), -14);
  EXPECT_TRUE(host.failures.empty());
}

TEST_F(HtifTest, SyscallProxyExit) {
  syscallBlock(Htif::kSysExit, 3);
  writeTohost(kBlock);
  EXPECT_EQ(host.exits, (std::vector<uint64_t>{3}));
}

TEST_F(HtifTest, UnimplementedRequestsEndTheRun) {
  syscallBlock(57, 3);
  writeTohost(kBlock);
  ASSERT_EQ(host.failures.size(), 1u);
  EXPECT_EQ(host.failures[0], "unimplemented: HTIF syscall 57");
  writeTohost(command(2, 0, 0));
  ASSERT_EQ(host.failures.size(), 2u);
  EXPECT_NE(host.failures[1].find("unimplemented: HTIF device 2 command 0"), std::string::npos);
  writeTohost(0x4000); // a syscall block outside RAM
  ASSERT_EQ(host.failures.size(), 3u);
  EXPECT_NE(host.failures[2].find("syscall block at 0x4000"), std::string::npos);
  EXPECT_TRUE(host.exits.empty());
}

} // namespace
} // namespace tiercel::devices
