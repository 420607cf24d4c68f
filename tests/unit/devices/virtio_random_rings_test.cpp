// Well-formed virtio-blk requests with random corruptions of what a guest
// controls (descriptor fields, available ring heads and index, indirect
// tables): whatever the guest writes, the host must not crash, and every
// notification must end either with all available chains answered or with
// NEEDS_RESET. Runs under
// the sanitizer build like the other unit tests; the seed is fixed so a
// failure reproduces.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <random>

#include "devices/block_backend.h"
#include "devices/virtio_blk.h"
#include "virtio_test_driver.h"

namespace tiercel::devices {
namespace {

using testing::VirtioTestDriver;

TEST(VirtioRandomRingsTest, NeverCrashAndEitherAnswerEverythingOrNeedReset) {
  std::string pattern = ::testing::TempDir() + "tiercel-virtio-random-XXXXXX";
  std::vector<char> path(pattern.begin(), pattern.end());
  path.push_back('\0');
  int fd = ::mkstemp(path.data());
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 64 * 512), 0);
  ::close(fd);
  auto disk = RawFileDisk::open(path.data(), false);
  ASSERT_TRUE(static_cast<bool>(disk));

  std::mt19937_64 random(20240521);
  auto below = [&](uint64_t n) { return random() % n; };
  constexpr uint64_t kVersion1 = uint64_t{1} << 32;
  constexpr uint64_t kIndirect = uint64_t{1} << 28;
  constexpr uint64_t kEventIdx = uint64_t{1} << 29;
  constexpr uint16_t kQueueSize = 16;
  // Request buffers live here, away from the rings and from the driver's
  // heap (indirect tables), so only the corruptions below change them.
  constexpr uint64_t kArena = VirtioTestDriver::kHeapStart + 0x40000;
  constexpr uint64_t kArenaBytes = 0x8000;

  int resets = 0, answered = 0;
  for (int round = 0; round < 2000; ++round) {
    VirtioBlk blk(**disk);
    VirtioTestDriver driver(&blk);
    bool indirect = below(2);
    uint64_t features = kVersion1 | (indirect ? kIndirect : 0) | (below(2) ? kEventIdx : 0);
    driver.initialize(features, kQueueSize);
    // Well-formed requests first: header, data, status; reads and writes,
    // sector counts in and out of range, whole and partial sectors.
    uint64_t arena = kArena;
    auto take = [&](uint64_t bytes) {
      uint64_t at = arena;
      arena += (bytes + 15) & ~uint64_t{15};
      return at;
    };
    uint16_t chains = static_cast<uint16_t>(1 + below(4));
    for (uint16_t c = 0; c < chains; ++c) {
      uint32_t type = static_cast<uint32_t>(below(3) == 0 ? below(12) : below(2));
      uint64_t header = take(16);
      driver.poke<uint32_t>(header, type);
      driver.poke<uint64_t>(header + 8, below(70));
      uint32_t dataBytes = static_cast<uint32_t>(below(4) == 0 ? below(1100) : 512 * below(3));
      std::vector<testing::Segment> segments{{header, 16, false}};
      if (dataBytes > 0)
        segments.push_back({take(dataBytes), dataBytes, type != 1});
      segments.push_back({take(1), 1, true});
      if (indirect && below(2)) {
        driver.addIndirectChain(segments); // its table comes from the driver's heap
      } else {
        driver.addChain(segments);
      }
    }
    ASSERT_LE(arena, kArena + kArenaBytes);
    // Then up to three corruptions of what a guest controls.
    auto wild = [&]() -> uint64_t { return below(2) ? random() : below(64); };
    uint64_t corruptions = below(4);
    for (uint64_t k = 0; k < corruptions; ++k) {
      uint64_t slot = VirtioTestDriver::kDescriptors + 16 * below(kQueueSize);
      switch (below(7)) {
      case 0: driver.poke<uint64_t>(slot, wild()); break;                               // address
      case 1: driver.poke<uint32_t>(slot + 8, static_cast<uint32_t>(wild())); break;    // length
      case 2: driver.poke<uint16_t>(slot + 12, static_cast<uint16_t>(below(8))); break; // flags
      case 3: driver.poke<uint16_t>(slot + 14, static_cast<uint16_t>(wild())); break;   // next
      case 4: // a head in the available ring
        driver.poke<uint16_t>(VirtioTestDriver::kDriverRing + 4 + 2 * below(kQueueSize),
                              static_cast<uint16_t>(wild()));
        break;
      case 5: // the available index
        driver.setAvailIndex(static_cast<uint16_t>(wild()));
        chains = driver.peek<uint16_t>(VirtioTestDriver::kDriverRing + 2);
        break;
      default: // the driver's heap, where indirect tables live
        driver.poke<uint64_t>(VirtioTestDriver::kHeapStart + 8 * below(0x2000), random());
        break;
      }
    }
    driver.notify();
    if (driver.needsReset()) {
      ++resets;
      EXPECT_FALSE(driver.transport->lastError().empty());
    } else {
      answered += chains > 0;
      EXPECT_EQ(driver.usedIndex(), chains) << "round " << round;
    }
  }
  // Both outcomes happen, so the test explores more than the first check.
  EXPECT_GT(resets, 250);
  EXPECT_GT(answered, 250);
  std::printf("random rings: %d rounds ended in NEEDS_RESET, %d answered every chain\n", resets,
              answered);
  ::unlink(path.data());
}

} // namespace
} // namespace tiercel::devices
