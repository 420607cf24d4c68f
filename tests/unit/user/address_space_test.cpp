// AddressSpace: Linux mmap/munmap/mprotect/mremap/brk semantics, top-down
// placement, guest permissions (isAccessible, isExecutable) and the code
// invalidation callback.
#include "runtime/user/address_space.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace tiercel::user {
namespace {

constexpr uint64_t kPage = AddressSpace::kPageSize;
constexpr int kPrivateAnon = MAP_PRIVATE | MAP_ANONYMOUS;

std::unique_ptr<AddressSpace> makeSpace() {
  auto space = AddressSpace::create();
  EXPECT_TRUE(bool(space)) << llvm::toString(space.takeError());
  return std::move(*space);
}

TEST(AddressSpace, ReservationCoversTheSv39UserRange) {
  auto space = makeSpace();
  EXPECT_EQ(space->limit(), uint64_t{1} << 38);
  EXPECT_EQ(space->hostPointer(0x1234), space->base() + 0x1234);
  EXPECT_TRUE(space->containsHost(space->base() + (uint64_t{1} << 38)));
  EXPECT_FALSE(space->containsHost(space->base() - 1));
  EXPECT_FALSE(space->isAccessible(0x10000, 1, false)); // nothing mapped yet
}

TEST(AddressSpace, AnonymousMappingsGoTopDownBelowTheMmapBase) {
  auto space = makeSpace();
  uint64_t base = 0x3000000000;
  space->setMmapBase(base);
  int64_t first = space->map(0, 3 * kPage, PROT_READ | PROT_WRITE, kPrivateAnon, -1, 0);
  ASSERT_GT(first, 0);
  EXPECT_EQ(uint64_t(first), base - 3 * kPage);
  int64_t second = space->map(0, 100, PROT_READ, kPrivateAnon, -1, 0);
  EXPECT_EQ(uint64_t(second), base - 4 * kPage); // length rounded up to a page
  // Fresh anonymous memory is zero and writable through the host pointer.
  uint8_t *host = space->hostPointer(first);
  EXPECT_EQ(host[0], 0);
  host[0] = 42;
  EXPECT_TRUE(space->isAccessible(first, 3 * kPage, true));
  EXPECT_TRUE(space->isAccessible(second, kPage, false));
  EXPECT_FALSE(space->isAccessible(second, kPage, true));
  // A range that runs from one mapping into the next is accessible for reading.
  EXPECT_TRUE(space->isAccessible(second, 2 * kPage, false));
}

TEST(AddressSpace, HintIsUsedWhenFree) {
  auto space = makeSpace();
  int64_t at = space->map(0x200000000, kPage, PROT_READ, kPrivateAnon, -1, 0);
  EXPECT_EQ(at, 0x200000000);
  int64_t again = space->map(0x200000000, kPage, PROT_READ, kPrivateAnon, -1, 0);
  EXPECT_NE(again, 0x200000000); // taken: placed elsewhere
  EXPECT_GT(again, 0);
}

TEST(AddressSpace, FixedAndFixedNoReplace) {
  auto space = makeSpace();
  uint64_t at = 0x400000;
  EXPECT_EQ(space->map(at, 2 * kPage, PROT_READ | PROT_WRITE, kPrivateAnon | MAP_FIXED, -1, 0),
            int64_t(at));
  space->hostPointer(at)[0] = 7;
  EXPECT_EQ(space->map(at, kPage, PROT_READ, kPrivateAnon | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
  EXPECT_EQ(space->hostPointer(at)[0], 7);
  // MAP_FIXED replaces: fresh zero page, new protection.
  EXPECT_EQ(space->map(at, kPage, PROT_READ, kPrivateAnon | MAP_FIXED, -1, 0), int64_t(at));
  EXPECT_EQ(space->hostPointer(at)[0], 0);
  EXPECT_FALSE(space->isAccessible(at, 1, true));
  EXPECT_TRUE(space->isAccessible(at + kPage, 1, true));
}

TEST(AddressSpace, InvalidArguments) {
  auto space = makeSpace();
  EXPECT_EQ(space->map(0, 0, PROT_READ, kPrivateAnon, -1, 0), -EINVAL);
  EXPECT_EQ(space->map(0x400001, kPage, PROT_READ, kPrivateAnon | MAP_FIXED, -1, 0), -EINVAL);
  EXPECT_EQ(space->map(0, kPage, PROT_READ, MAP_ANONYMOUS, -1, 0), -EINVAL); // no type
  EXPECT_EQ(space->map(0, kPage, PROT_READ, kPrivateAnon, -1, 1), -EINVAL);  // offset
  EXPECT_EQ(space->map(0x1000, kPage, PROT_READ, kPrivateAnon | MAP_FIXED, -1, 0), -EPERM);
  EXPECT_EQ(space->map((uint64_t{1} << 38) - kPage, 2 * kPage, PROT_READ, kPrivateAnon | MAP_FIXED,
                       -1, 0),
            -ENOMEM);
  EXPECT_EQ(space->unmap(0x400001, kPage), -EINVAL);
  EXPECT_EQ(space->protect(0x400001, kPage, PROT_READ), -EINVAL);
  EXPECT_EQ(space->protect(0x400000, kPage, PROT_READ), -ENOMEM); // not mapped
  EXPECT_EQ(space->remap(0x400000, kPage, 2 * kPage, 0, 0), -EFAULT);
  EXPECT_EQ(space->remap(0x400000, kPage, 2 * kPage, 2 /*FIXED without MAYMOVE*/, 0), -EINVAL);
}

TEST(AddressSpace, UnmapSplitsMappings) {
  auto space = makeSpace();
  uint64_t at = 0x500000;
  ASSERT_EQ(space->map(at, 3 * kPage, PROT_READ | PROT_WRITE, kPrivateAnon | MAP_FIXED, -1, 0),
            int64_t(at));
  space->hostPointer(at + 2 * kPage)[5] = 9;
  EXPECT_EQ(space->unmap(at + kPage, kPage), 0);
  EXPECT_TRUE(space->isMapped(at));
  EXPECT_FALSE(space->isMapped(at + kPage));
  EXPECT_TRUE(space->isMapped(at + 2 * kPage));
  EXPECT_EQ(space->hostPointer(at + 2 * kPage)[5], 9);
  EXPECT_FALSE(space->isAccessible(at, 2 * kPage, false));
  EXPECT_EQ(space->mappings().size(), 2u);
  // Unmapping nothing is fine, as on Linux.
  EXPECT_EQ(space->unmap(0x900000, kPage), 0);
}

TEST(AddressSpace, ProtectChangesGuestPermissionsPerPage) {
  auto space = makeSpace();
  uint64_t at = 0x600000;
  ASSERT_EQ(space->map(at, 4 * kPage, PROT_READ | PROT_WRITE, kPrivateAnon | MAP_FIXED, -1, 0),
            int64_t(at));
  EXPECT_EQ(space->protect(at + kPage, 2 * kPage, PROT_READ | PROT_EXEC), 0);
  EXPECT_EQ(space->protectionAt(at), PROT_READ | PROT_WRITE);
  EXPECT_EQ(space->protectionAt(at + kPage), PROT_READ | PROT_EXEC);
  EXPECT_EQ(space->protectionAt(at + 3 * kPage), PROT_READ | PROT_WRITE);
  EXPECT_TRUE(space->isExecutable(at + kPage, 2 * kPage));
  EXPECT_FALSE(space->isExecutable(at, kPage));
  EXPECT_FALSE(space->isAccessible(at + kPage, 1, true));
  EXPECT_EQ(space->protect(at, kPage, PROT_NONE), 0);
  EXPECT_FALSE(space->isAccessible(at, 1, false));
  EXPECT_TRUE(space->isMapped(at)); // mapped but inaccessible: SEGV_ACCERR
}

TEST(AddressSpace, CodeInvalidationOnUnmapAndProtectOfExecutableRanges) {
  auto space = makeSpace();
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  space->setCodeInvalidationCallback(
      [&](uint64_t start, uint64_t length) { calls.emplace_back(start, length); });
  uint64_t code = 0x700000, data = 0x800000;
  ASSERT_EQ(space->map(code, 2 * kPage, PROT_READ | PROT_EXEC, kPrivateAnon | MAP_FIXED, -1, 0),
            int64_t(code));
  ASSERT_EQ(space->map(data, kPage, PROT_READ | PROT_WRITE, kPrivateAnon | MAP_FIXED, -1, 0),
            int64_t(data));
  calls.clear();
  space->unmap(data, kPage); // not code: no callback
  EXPECT_TRUE(calls.empty());
  space->protect(code, kPage, PROT_READ | PROT_WRITE);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], std::make_pair(code, kPage));
  space->unmap(code, 2 * kPage); // only the page still executable
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1], std::make_pair(code + kPage, kPage));
}

TEST(AddressSpace, BrkGrowsAndShrinks) {
  auto space = makeSpace();
  uint64_t start = 0x1000000;
  space->setBrkStart(start);
  EXPECT_EQ(space->brk(0), int64_t(start)); // query
  EXPECT_EQ(space->brk(start + 100), int64_t(start + 100));
  EXPECT_TRUE(space->isAccessible(start, kPage, true));
  EXPECT_EQ(space->brk(start + 5 * kPage), int64_t(start + 5 * kPage));
  space->hostPointer(start + 4 * kPage)[0] = 1;
  EXPECT_EQ(space->brk(start + kPage), int64_t(start + kPage));
  EXPECT_FALSE(space->isMapped(start + 2 * kPage));
  // Below the start and into another mapping: refused, break unchanged.
  EXPECT_EQ(space->brk(start - kPage), int64_t(start + kPage));
  ASSERT_EQ(space->map(start + 8 * kPage, kPage, PROT_READ, kPrivateAnon | MAP_FIXED, -1, 0),
            int64_t(start + 8 * kPage));
  EXPECT_EQ(space->brk(start + 10 * kPage), int64_t(start + kPage));
  // Grown memory is zero again after a shrink.
  EXPECT_EQ(space->brk(start + 5 * kPage), int64_t(start + 5 * kPage));
  EXPECT_EQ(space->hostPointer(start + 4 * kPage)[0], 0);
}

TEST(AddressSpace, RemapGrowsInPlaceOrMovesKeepingContents) {
  auto space = makeSpace();
  uint64_t at = 0x2000000;
  ASSERT_EQ(space->map(at, kPage, PROT_READ | PROT_WRITE, kPrivateAnon | MAP_FIXED, -1, 0),
            int64_t(at));
  std::memcpy(space->hostPointer(at), "tiercel", 8);
  // In place: the next page is free.
  EXPECT_EQ(space->remap(at, kPage, 2 * kPage, 0, 0), int64_t(at));
  EXPECT_TRUE(space->isAccessible(at, 2 * kPage, true));
  EXPECT_STREQ(reinterpret_cast<char *>(space->hostPointer(at)), "tiercel");
  // Blocked: without MREMAP_MAYMOVE it fails, with it the mapping moves.
  ASSERT_EQ(space->map(at + 2 * kPage, kPage, PROT_READ, kPrivateAnon | MAP_FIXED, -1, 0),
            int64_t(at + 2 * kPage));
  EXPECT_EQ(space->remap(at, 2 * kPage, 4 * kPage, 0, 0), -ENOMEM);
  int64_t moved = space->remap(at, 2 * kPage, 4 * kPage, 1 /*MAYMOVE*/, 0);
  ASSERT_GT(moved, 0);
  EXPECT_NE(uint64_t(moved), at);
  EXPECT_STREQ(reinterpret_cast<char *>(space->hostPointer(moved)), "tiercel");
  EXPECT_TRUE(space->isAccessible(moved, 4 * kPage, true));
  EXPECT_FALSE(space->isMapped(at));
  // Shrinking unmaps the tail.
  EXPECT_EQ(space->remap(moved, 4 * kPage, kPage, 0, 0), moved);
  EXPECT_FALSE(space->isMapped(moved + kPage));
}

TEST(AddressSpace, FileMappingsShowTheFile) {
  auto space = makeSpace();
  char path[] = "/tmp/tiercel-as-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::vector<char> contents(2 * kPage, 'a');
  contents[kPage] = 'b';
  ASSERT_EQ(write(fd, contents.data(), contents.size()), ssize_t(contents.size()));
  int64_t at = space->map(0, kPage, PROT_READ, MAP_PRIVATE, fd, kPage); // second page
  close(fd);
  unlink(path);
  ASSERT_GT(at, 0);
  EXPECT_EQ(space->hostPointer(at)[0], 'b');
  EXPECT_TRUE(space->isAccessible(at, kPage, false));
  EXPECT_FALSE(space->isAccessible(at, kPage, true));
  EXPECT_EQ(space->map(0, kPage, PROT_READ, MAP_PRIVATE, 9999, 0), -EBADF);
}

TEST(AddressSpace, FindFreeRangeHonoursAlignment) {
  auto space = makeSpace();
  space->setMmapBase(0x3000000000 + 0x5000);
  auto found = space->findFreeRange(kPage, 0x10000);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found % 0x10000, 0u);
  EXPECT_LE(*found + kPage, 0x3000000000u + 0x5000);
  EXPECT_TRUE(space->isFree(*found, kPage));
}

} // namespace
} // namespace tiercel::user
