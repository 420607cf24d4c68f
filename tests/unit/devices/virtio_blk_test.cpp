// virtio-blk on a temporary raw image file, driven like a guest: the
// configuration space, reads and writes checked against the file itself,
// requests split across descriptors in any layout and through indirect
// tables, flush, GET_ID, the error statuses, read-only disks, and the raw
// file back end's locking and range checks.
#include "devices/virtio_blk.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <numeric>
#include <string>

#include "devices/block_backend.h"
#include "virtio_test_driver.h"

namespace tiercel::devices {
namespace {

using testing::Segment;
using testing::VirtioTestDriver;
namespace reg = testing::reg;

constexpr uint64_t kVersion1 = uint64_t{1} << 32;
constexpr uint64_t kIndirect = uint64_t{1} << 28;
constexpr uint64_t kEventIdx = uint64_t{1} << 29;
constexpr uint64_t kSegMax = 1 << 2, kRo = 1 << 5, kBlkSize = 1 << 6, kFlush = 1 << 9;
constexpr uint64_t kSectors = 64;

// A temporary image of kSectors sectors; sector s holds bytes (s + i) & 0xff.
class TempImage {
public:
  TempImage() {
    std::string pattern = ::testing::TempDir() + "tiercel-virtio-blk-XXXXXX";
    path_.assign(pattern.begin(), pattern.end());
    path_.push_back('\0');
    int fd = ::mkstemp(path_.data());
    EXPECT_GE(fd, 0);
    std::vector<uint8_t> bytes(kSectors * 512);
    for (size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = static_cast<uint8_t>(i / 512 + i % 512);
    EXPECT_EQ(::pwrite(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }
  ~TempImage() { ::unlink(path()); }
  const char *path() const { return path_.data(); }
  std::vector<uint8_t> readBack(uint64_t offset, size_t size) const {
    std::vector<uint8_t> bytes(size);
    int fd = ::open(path(), O_RDONLY);
    EXPECT_EQ(::pread(fd, bytes.data(), size, static_cast<off_t>(offset)),
              static_cast<ssize_t>(size));
    ::close(fd);
    return bytes;
  }
  static uint8_t original(uint64_t byteOffset) {
    return static_cast<uint8_t>(byteOffset / 512 + byteOffset % 512);
  }

private:
  std::vector<char> path_;
};

struct VirtioBlkTest : ::testing::Test {
  explicit VirtioBlkTest(bool readOnly = false) {
    auto opened = RawFileDisk::open(image.path(), readOnly);
    EXPECT_TRUE(static_cast<bool>(opened)) << llvm::toString(opened.takeError());
    disk = std::move(*opened);
    blk = std::make_unique<VirtioBlk>(*disk, "tiercel-disk-0");
    driver = std::make_unique<VirtioTestDriver>(blk.get());
  }

  // A request header in guest memory.
  uint64_t header(uint32_t type, uint64_t sector) {
    uint64_t at = driver->alloc(16);
    driver->poke<uint32_t>(at, type);
    driver->poke<uint32_t>(at + 4, 0);
    driver->poke<uint64_t>(at + 8, sector);
    return at;
  }
  uint64_t statusByte() {
    uint64_t at = driver->alloc(1, 1);
    driver->poke<uint8_t>(at, 0xff);
    return at;
  }
  // Runs the chains made available so far; the used elements they produced.
  void run() { driver->notify(); }

  TempImage image;
  std::unique_ptr<RawFileDisk> disk;
  std::unique_ptr<VirtioBlk> blk;
  std::unique_ptr<VirtioTestDriver> driver;
};

TEST_F(VirtioBlkTest, OffersItsFeaturesAndConfiguration) {
  EXPECT_EQ(driver->reg(reg::DeviceId), 2u);
  uint64_t features = driver->deviceFeatures();
  EXPECT_EQ(features, kVersion1 | kIndirect | kEventIdx | kSegMax | kBlkSize | kFlush);
  EXPECT_EQ(driver->config(0, 8), kSectors); // capacity
  EXPECT_EQ(driver->config(0, 4), kSectors); // ... as two 32-bit halves
  EXPECT_EQ(driver->config(4, 4), 0u);
  EXPECT_EQ(driver->config(12, 4), VirtioBlk::kSegMax); // seg_max
  EXPECT_EQ(driver->config(20, 4), 512u);               // blk_size
  EXPECT_EQ(driver->config(20, 2), 512u);
  EXPECT_EQ(driver->config(21, 1), 2u);
  EXPECT_EQ(driver->config(0x200, 4), 0u); // past the structure
  EXPECT_EQ(driver->reg(reg::QueueNumMax), VirtioBlk::kQueueSize);
  driver->setReg(reg::Config + 0, 0x1234); // not writable: ignored
  EXPECT_EQ(driver->config(0, 8), kSectors);
}

TEST_F(VirtioBlkTest, WriteReachesTheFileAndReadsBack) {
  driver->initialize(kVersion1 | kSegMax | kBlkSize | kFlush);
  // Write sectors 3-4 with header, data and status in separate descriptors.
  uint64_t data = driver->alloc(1024);
  for (uint32_t i = 0; i < 1024; ++i)
    driver->poke<uint8_t>(data + i, static_cast<uint8_t>(0xa5 ^ i));
  uint64_t status = statusByte();
  uint16_t head =
      driver->addChain({{header(1, 3), 16, false}, {data, 1024, false}, {status, 1, true}});
  run();
  ASSERT_EQ(driver->usedIndex(), 1);
  EXPECT_EQ(driver->usedId(0), head);
  EXPECT_EQ(driver->usedLength(0), 1u); // only the status byte was written
  EXPECT_EQ(driver->peek<uint8_t>(status), 0);
  EXPECT_TRUE(driver->irq.level);
  std::vector<uint8_t> onDisk = image.readBack(3 * 512, 1024);
  for (uint32_t i = 0; i < 1024; ++i)
    ASSERT_EQ(onDisk[i], static_cast<uint8_t>(0xa5 ^ i)) << i;
  EXPECT_EQ(image.readBack(2 * 512 + 511, 1)[0],
            TempImage::original(2 * 512 + 511)); // neighbours untouched
  EXPECT_EQ(image.readBack(5 * 512, 1)[0], TempImage::original(5 * 512));

  // Read sectors 2-5 back, the data split over three uneven buffers.
  uint64_t a = driver->alloc(100), b = driver->alloc(1500), c = driver->alloc(448);
  uint64_t readStatus = statusByte();
  driver->addChain({{header(0, 2), 16, false},
                    {a, 100, true},
                    {b, 1500, true},
                    {c, 448, true},
                    {readStatus, 1, true}});
  run();
  ASSERT_EQ(driver->usedIndex(), 2);
  EXPECT_EQ(driver->usedLength(1), 2048u + 1);
  EXPECT_EQ(driver->peek<uint8_t>(readStatus), 0);
  std::vector<uint8_t> got(2048);
  std::memcpy(got.data(), driver->host(a), 100);
  std::memcpy(got.data() + 100, driver->host(b), 1500);
  std::memcpy(got.data() + 1600, driver->host(c), 448);
  for (uint32_t i = 0; i < 2048; ++i) {
    uint64_t byte = 2 * 512 + i;
    uint8_t expected = byte >= 3 * 512 && byte < 5 * 512
                           ? static_cast<uint8_t>(0xa5 ^ (byte - 3 * 512))
                           : TempImage::original(byte);
    ASSERT_EQ(got[i], expected) << i;
  }
}

TEST_F(VirtioBlkTest, HeaderDataAndStatusMayShareDescriptors) {
  driver->initialize(kVersion1);
  // One readable descriptor holds header + data; one writable holds the
  // status only: any layout is allowed (virtio 1.x).
  uint64_t request = driver->alloc(16 + 512);
  driver->poke<uint32_t>(request, 1);
  driver->poke<uint64_t>(request + 8, 7);
  for (uint32_t i = 0; i < 512; ++i)
    driver->poke<uint8_t>(request + 16 + i, static_cast<uint8_t>(i * 7));
  uint64_t status = statusByte();
  driver->addChain({{request, 16 + 512, false}, {status, 1, true}});
  // A read whose data and status share one writable descriptor.
  uint64_t reply = driver->alloc(513);
  driver->addChain({{header(0, 7), 16, false}, {reply, 513, true}});
  run();
  ASSERT_EQ(driver->usedIndex(), 2);
  EXPECT_EQ(driver->peek<uint8_t>(status), 0);
  EXPECT_EQ(driver->peek<uint8_t>(reply + 512), 0);
  EXPECT_EQ(driver->usedLength(1), 513u);
  std::vector<uint8_t> onDisk = image.readBack(7 * 512, 512);
  for (uint32_t i = 0; i < 512; ++i) {
    ASSERT_EQ(onDisk[i], static_cast<uint8_t>(i * 7));
    ASSERT_EQ(driver->peek<uint8_t>(reply + i), static_cast<uint8_t>(i * 7));
  }
}

TEST_F(VirtioBlkTest, IndirectDescriptors) {
  driver->initialize(kVersion1 | kIndirect);
  uint64_t data = driver->alloc(512);
  for (uint32_t i = 0; i < 512; ++i)
    driver->poke<uint8_t>(data + i, static_cast<uint8_t>(255 - i));
  uint64_t status = statusByte();
  uint16_t head = driver->addIndirectChain(
      {{header(1, kSectors - 1), 16, false}, {data, 512, false}, {status, 1, true}});
  uint64_t readBack = driver->alloc(512);
  uint64_t readStatus = statusByte();
  driver->addIndirectChain(
      {{header(0, kSectors - 1), 16, false}, {readBack, 512, true}, {readStatus, 1, true}});
  run();
  ASSERT_EQ(driver->usedIndex(), 2);
  EXPECT_EQ(driver->usedId(0), head);
  EXPECT_EQ(driver->peek<uint8_t>(status), 0);
  EXPECT_EQ(driver->peek<uint8_t>(readStatus), 0);
  std::vector<uint8_t> onDisk = image.readBack((kSectors - 1) * 512, 512);
  for (uint32_t i = 0; i < 512; ++i) {
    ASSERT_EQ(onDisk[i], static_cast<uint8_t>(255 - i));
    ASSERT_EQ(driver->peek<uint8_t>(readBack + i), static_cast<uint8_t>(255 - i));
  }
}

TEST_F(VirtioBlkTest, FlushAndGetId) {
  driver->initialize(kVersion1 | kFlush);
  uint64_t flushStatus = statusByte();
  driver->addChain({{header(4, 0), 16, false}, {flushStatus, 1, true}});
  uint64_t id = driver->alloc(20);
  std::memset(driver->host(id), 0xee, 20);
  uint64_t idStatus = statusByte();
  driver->addChain({{header(8, 0), 16, false}, {id, 20, true}, {idStatus, 1, true}});
  run();
  ASSERT_EQ(driver->usedIndex(), 2);
  EXPECT_EQ(driver->peek<uint8_t>(flushStatus), 0);
  EXPECT_EQ(driver->usedLength(0), 1u);
  EXPECT_EQ(driver->peek<uint8_t>(idStatus), 0);
  EXPECT_EQ(driver->usedLength(1), 21u);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(driver->host(id))), "tiercel-disk-0");
  EXPECT_EQ(driver->peek<uint8_t>(id + 19), 0); // zero-padded to 20 bytes
}

TEST_F(VirtioBlkTest, BadRequestsCompleteWithErrorStatuses) {
  driver->initialize(kVersion1);
  struct Case {
    const char *what;
    uint32_t type;
    uint64_t sector;
    uint32_t dataBytes;
    bool deviceWritable;
    uint8_t status;
  };
  const Case cases[] = {
      {"read past the end", 0, kSectors - 1, 1024, true, 1},
      {"read starting past the end", 0, kSectors, 512, true, 1},
      {"read at a sector that overflows", 0, ~uint64_t{0} / 256, 512, true, 1},
      {"write past the end", 1, kSectors - 1, 1024, false, 1},
      {"read of a partial sector", 0, 0, 100, true, 1},
      {"write of a partial sector", 1, 0, 513, false, 1},
      {"unknown request type", 11, 0, 512, false, 2},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.what);
    uint16_t before = driver->usedIndex();
    uint64_t status = statusByte();
    driver->addChain({{header(c.type, c.sector), 16, false},
                      {driver->alloc(c.dataBytes), c.dataBytes, c.deviceWritable},
                      {status, 1, true}});
    run();
    ASSERT_EQ(driver->usedIndex(), before + 1);
    EXPECT_EQ(driver->peek<uint8_t>(status), c.status);
    EXPECT_EQ(driver->usedLength(before), 1u);
  }
  EXPECT_FALSE(driver->needsReset());
  // Nothing reached the file.
  std::vector<uint8_t> onDisk = image.readBack(0, kSectors * 512);
  for (size_t i = 0; i < onDisk.size(); ++i)
    ASSERT_EQ(onDisk[i], TempImage::original(i)) << i;
}

TEST_F(VirtioBlkTest, RequestWithoutHeaderOrStatusNeedsAReset) {
  driver->initialize(kVersion1);
  driver->addChain({{driver->alloc(8), 8, false}, {statusByte(), 1, true}}); // 8-byte header
  run();
  EXPECT_TRUE(driver->needsReset());
  EXPECT_NE(driver->transport->lastError().find("lacks the header"), std::string::npos);
  driver->initialize(kVersion1);
  driver->addChain({{header(0, 0), 16, false}}); // no status byte
  run();
  EXPECT_TRUE(driver->needsReset());
}

struct ReadOnlyVirtioBlkTest : VirtioBlkTest {
  ReadOnlyVirtioBlkTest() : VirtioBlkTest(true) {}
};

TEST_F(ReadOnlyVirtioBlkTest, OffersRoAndRefusesWrites) {
  EXPECT_TRUE(driver->deviceFeatures() & kRo);
  driver->initialize(kVersion1 | kRo);
  uint64_t data = driver->alloc(512);
  std::memset(driver->host(data), 0x11, 512);
  uint64_t status = statusByte();
  driver->addChain({{header(1, 0), 16, false}, {data, 512, false}, {status, 1, true}});
  uint64_t readBack = driver->alloc(512);
  uint64_t readStatus = statusByte();
  driver->addChain({{header(0, 0), 16, false}, {readBack, 512, true}, {readStatus, 1, true}});
  uint64_t flushStatus = statusByte();
  driver->addChain({{header(4, 0), 16, false}, {flushStatus, 1, true}});
  run();
  ASSERT_EQ(driver->usedIndex(), 3);
  EXPECT_EQ(driver->peek<uint8_t>(status), 1); // IOERR
  EXPECT_EQ(driver->peek<uint8_t>(readStatus), 0);
  EXPECT_EQ(driver->peek<uint8_t>(flushStatus), 0);
  for (uint32_t i = 0; i < 512; ++i)
    ASSERT_EQ(driver->peek<uint8_t>(readBack + i), TempImage::original(i));
  EXPECT_EQ(image.readBack(0, 1)[0], TempImage::original(0));
}

TEST_F(VirtioBlkTest, ManyRequestsWrapTheRings) {
  driver->initialize(kVersion1 | kEventIdx, 4);
  // 3 descriptors per request in a 4-entry queue: one request at a time,
  // 20 times, so ring positions wrap several times.
  for (uint32_t round = 0; round < 20; ++round) {
    uint64_t data = driver->alloc(512);
    std::memset(driver->host(data), static_cast<int>(round), 512);
    uint64_t status = statusByte();
    driver->addChain({{header(1, round), 16, false}, {data, 512, false}, {status, 1, true}});
    run();
    ASSERT_EQ(driver->usedIndex(), round + 1);
    ASSERT_EQ(driver->peek<uint8_t>(status), 0);
    driver->setUsedEvent(static_cast<uint16_t>(round + 1)); // interrupt every time
  }
  for (uint32_t round = 0; round < 20; ++round)
    EXPECT_EQ(image.readBack(round * 512 + 17, 1)[0], round);
}

// --- the raw file back end

TEST(RawFileDiskTest, LocksTheImageAgainstASecondWriter) {
  TempImage image;
  auto first = RawFileDisk::open(image.path(), false);
  ASSERT_TRUE(static_cast<bool>(first)) << llvm::toString(first.takeError());
  auto second = RawFileDisk::open(image.path(), false);
  ASSERT_FALSE(static_cast<bool>(second));
  EXPECT_NE(llvm::toString(second.takeError()).find("in use"), std::string::npos);
  auto reader = RawFileDisk::open(image.path(), true);
  EXPECT_FALSE(static_cast<bool>(reader)); // the writer holds it exclusively
  llvm::consumeError(reader.takeError());
  first->reset();
  auto readerAgain = RawFileDisk::open(image.path(), true);
  ASSERT_TRUE(static_cast<bool>(readerAgain));
  auto secondReader = RawFileDisk::open(image.path(), true);
  EXPECT_TRUE(static_cast<bool>(secondReader)); // readers share
  EXPECT_EQ((*secondReader)->sizeBytes(), kSectors * 512);
}

TEST(RawFileDiskTest, RefusesMissingFilesDirectoriesAndOutOfRangeAccesses) {
  auto missing = RawFileDisk::open("/nonexistent/tiercel.img", true);
  ASSERT_FALSE(static_cast<bool>(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("cannot open"), std::string::npos);
  auto directory = RawFileDisk::open(::testing::TempDir(), true);
  ASSERT_FALSE(static_cast<bool>(directory));
  llvm::consumeError(directory.takeError());

  TempImage image;
  auto disk = RawFileDisk::open(image.path(), false);
  ASSERT_TRUE(static_cast<bool>(disk));
  std::vector<uint8_t> buffer(1024);
  llvm::Error pastEnd = (*disk)->read(kSectors * 512 - 512, {{buffer.data(), 1024}});
  ASSERT_TRUE(static_cast<bool>(pastEnd));
  EXPECT_NE(llvm::toString(std::move(pastEnd)).find("past the end"), std::string::npos);
  EXPECT_FALSE((*disk)->read(kSectors * 512 - 1024, {{buffer.data(), 1024}}));
  EXPECT_EQ(buffer[0], TempImage::original(kSectors * 512 - 1024));
  EXPECT_FALSE((*disk)->flush());
}

} // namespace
} // namespace tiercel::devices
