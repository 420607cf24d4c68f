// CodeCache: code written through the write view runs from the exec view;
// the two views have the W^X permissions the kernel reports; every code
// address reaches every data address with a rip-relative disp32; veneers
// reach host functions; flush drops transient code (to int3) and data (to
// zero) but keeps permanent code; allocators report full; create() rejects
// oversized requests; a forked child gets its own code memory.
#include "jit/code_cache.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace tiercel::jit {
namespace {

constexpr size_t kPage = 4096;

std::unique_ptr<CodeCache> makeCache(size_t code, size_t data) {
  auto cache = CodeCache::create(code, data);
  EXPECT_TRUE(bool(cache)) << llvm::toString(cache.takeError());
  return cache ? std::move(*cache) : nullptr;
}

// mov eax, imm32; ret
std::vector<uint8_t> returnConstant(uint32_t value) {
  std::vector<uint8_t> code = {0xb8, 0, 0, 0, 0, 0xc3};
  std::memcpy(code.data() + 1, &value, 4);
  return code;
}

uint8_t *emit(CodeCache &cache, const std::vector<uint8_t> &bytes, bool permanent = false) {
  uint8_t *at =
      permanent ? cache.allocatePermanentCode(bytes.size()) : cache.allocateCode(bytes.size());
  if (at)
    cache.copyCode(at, bytes.data(), bytes.size());
  return at;
}

// Calls into the cache, as `int ()`, `int (int)` and `void ()` functions.
TIERCEL_CALLS_GENERATED_CODE int callInt(const void *code) {
  return reinterpret_cast<int (*)()>(const_cast<void *>(code))();
}
TIERCEL_CALLS_GENERATED_CODE int callInt(const void *code, int argument) {
  return reinterpret_cast<int (*)(int)>(const_cast<void *>(code))(argument);
}
TIERCEL_CALLS_GENERATED_CODE void callVoid(const void *code) {
  reinterpret_cast<void (*)()>(const_cast<void *>(code))();
}

// The permission string ("r-xs") of the /proc/self/maps line holding address.
std::string permissionsOf(const void *address, std::string *path = nullptr) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  auto wanted = reinterpret_cast<uintptr_t>(address);
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode, name;
    fields >> range >> perms >> offset >> device >> inode;
    std::getline(fields >> std::ws, name);
    size_t dash = range.find('-');
    uintptr_t begin = std::stoull(range.substr(0, dash), nullptr, 16);
    uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (wanted >= begin && wanted < end) {
      if (path)
        *path = name;
      return perms;
    }
  }
  return "unmapped";
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TIERCEL_TEST_ASAN 1
#endif
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TIERCEL_TEST_SANITIZER_SEGV 1
#endif
#endif

// A fault kills the process with `signal`; under ASan or TSan their handler
// reports a SEGV and exits with an error instead.
struct DiedOfSignal {
  int signal;
  bool operator()(int status) const {
#ifdef TIERCEL_TEST_SANITIZER_SEGV
    if (signal == SIGSEGV && WIFEXITED(status) && WEXITSTATUS(status) != 0)
      return true;
#endif
    return WIFSIGNALED(status) && WTERMSIG(status) == signal;
  }
};

bool fitsInt32(int64_t value) {
  return value >= std::numeric_limits<int32_t>::min() &&
         value <= std::numeric_limits<int32_t>::max();
}

TEST(CodeCache, RunsCodeWrittenThroughTheWriteView) {
  auto cache = makeCache(64 * kPage, 16 * kPage);
  uint8_t *code = emit(*cache, returnConstant(42));
  ASSERT_NE(code, nullptr);
  EXPECT_TRUE(cache->containsCode(reinterpret_cast<uintptr_t>(code)));
  EXPECT_NE(cache->writable(code), code);
  EXPECT_EQ(callInt(code), 42);
  // The views alias: a write through one is seen through the other.
  cache->writable(code)[1] = 7;
  EXPECT_EQ(code[1], 7);
  EXPECT_EQ(callInt(code), 7);
}

TEST(CodeCache, ExecViewIsNotWritableAndWriteViewIsNotExecutable) {
  auto cache = makeCache(16 * kPage, 4 * kPage);
  std::string execPath, writePath, dataPath;
  EXPECT_EQ(permissionsOf(cache->codeBegin(), &execPath), "r-xs");
  EXPECT_EQ(permissionsOf(cache->codeEnd() - 1), "r-xs");
  EXPECT_EQ(permissionsOf(cache->writable(cache->codeBegin()), &writePath), "rw-s");
  // Shared anonymous memory, which perf treats as anonymous (perf maps).
  EXPECT_NE(execPath.find("/dev/zero"), std::string::npos) << execPath;
  EXPECT_EQ(execPath, writePath);
  EXPECT_EQ(permissionsOf(cache->dataBegin(), &dataPath), "rw-p");
  EXPECT_EQ(permissionsOf(cache->dataEnd() - 1), "rw-p");
  EXPECT_EQ(dataPath, "");
  // The data area follows the code view directly.
  EXPECT_EQ(cache->codeEnd(), cache->dataBegin());
}

TEST(CodeCacheDeathTest, WritingTheExecViewFaults) {
  auto cache = makeCache(16 * kPage, 4 * kPage);
  uint8_t *code = cache->allocateCode(16);
  EXPECT_EXIT(
      {
        *const_cast<volatile uint8_t *>(code) = 0xc3;
        _exit(0);
      },
      DiedOfSignal{SIGSEGV}, "");
}

TEST(CodeCacheDeathTest, RunningTheDataAreaFaults) {
  auto cache = makeCache(16 * kPage, 4 * kPage);
  auto *data = static_cast<uint8_t *>(cache->allocateData(16));
  data[0] = 0xc3; // ret
  EXPECT_EXIT(
      {
        callVoid(data);
        _exit(0);
      },
      DiedOfSignal{SIGSEGV}, "");
}

TEST(CodeCache, RipRelativeReachAtTheLargestSize) {
  // The largest cache: the extremes fit a signed 32-bit displacement in
  // both directions, and every byte lies below 2 GiB, so 32-bit absolute
  // fields reach it too.
  auto cache = makeCache(CodeCache::kMaxTotalBytes / 2, CodeCache::kMaxTotalBytes / 2);
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(cache->codeCapacity() + cache->dataCapacity(), CodeCache::kMaxTotalBytes);
  auto codeLow = reinterpret_cast<int64_t>(cache->codeBegin());
  auto codeHigh = reinterpret_cast<int64_t>(cache->codeEnd()) - 1;
  auto dataLow = reinterpret_cast<int64_t>(cache->dataBegin());
  auto dataHigh = reinterpret_cast<int64_t>(cache->dataEnd()) - 1;
  for (int64_t code : {codeLow, codeHigh})
    for (int64_t data : {dataLow, dataHigh}) {
      EXPECT_TRUE(fitsInt32(data - code)) << data - code;
      EXPECT_TRUE(fitsInt32(code - data)) << code - data;
    }
  EXPECT_TRUE(fitsInt32(codeHigh - codeLow));
  EXPECT_EQ(dataHigh - codeLow + 1, int64_t{CodeCache::kMaxTotalBytes});
  EXPECT_LE(dataHigh, int64_t{std::numeric_limits<int32_t>::max()});

  // And the allocators hand out addresses at both ends of both areas.
  uint8_t *first = cache->allocateCode(16);
  uint8_t *last = cache->allocatePermanentCode(16);
  auto *firstData = static_cast<uint8_t *>(cache->allocateData(8));
  auto *lastData = static_cast<uint8_t *>(cache->allocatePermanentData(8));
  EXPECT_EQ(first, cache->codeBegin());
  EXPECT_EQ(last + 16, cache->codeEnd());
  EXPECT_EQ(firstData, cache->dataBegin());
  EXPECT_EQ(lastData + 8, cache->dataEnd());
  EXPECT_TRUE(fitsInt32(lastData + 7 - first)); // the last data byte
  EXPECT_TRUE(fitsInt32(first - (lastData + 7)));
}

TEST(CodeCache, RipRelativeLoadFromTheFarEndOfTheDataArea) {
  auto cache = makeCache(256 * kPage, 256 * kPage);
  auto *slot = static_cast<uint32_t *>(cache->allocatePermanentData(4, 4));
  ASSERT_NE(slot, nullptr);
  *slot = 0x1234567;
  // mov eax, [rip + disp32]; ret
  std::vector<uint8_t> bytes = {0x8b, 0x05, 0, 0, 0, 0, 0xc3};
  uint8_t *code = cache->allocateCode(bytes.size());
  int64_t displacement = reinterpret_cast<uint8_t *>(slot) - (code + 6);
  ASSERT_TRUE(fitsInt32(displacement));
  auto disp32 = static_cast<int32_t>(displacement);
  std::memcpy(bytes.data() + 2, &disp32, 4);
  cache->copyCode(code, bytes.data(), bytes.size());
  EXPECT_EQ(callInt(code), 0x1234567);
  *slot = 99;
  EXPECT_EQ(callInt(code), 99);
}

int tripleAndAddOne(int x) { return 3 * x + 1; }
int negate(int x) { return -x; }

TEST(CodeCache, VeneerReachesAHostFunction) {
  auto cache = makeCache(64 * kPage, 4 * kPage);
  const uint8_t *veneer = cache->veneerFor(reinterpret_cast<const void *>(&tripleAndAddOne));
  ASSERT_NE(veneer, nullptr);
  EXPECT_TRUE(cache->containsCode(reinterpret_cast<uintptr_t>(veneer)));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(veneer) % 16, 0u);
  EXPECT_EQ(cache->veneerFor(reinterpret_cast<const void *>(&tripleAndAddOne)), veneer);
  const uint8_t *other = cache->veneerFor(reinterpret_cast<const void *>(&negate));
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other, veneer);
  EXPECT_EQ(cache->permanentCodeUsed(), 32u);

  // Called directly (the veneer tail-jumps, the argument passes through).
  EXPECT_EQ(callInt(veneer, 5), 16);
  EXPECT_EQ(callInt(other, 5), -5);

  // From generated code with call rel32:
  //   sub rsp, 8; call veneer; add rsp, 8; ret
  std::vector<uint8_t> bytes = {0x48, 0x83, 0xec, 0x08, 0xe8, 0,    0,
                                0,    0,    0x48, 0x83, 0xc4, 0x08, 0xc3};
  uint8_t *code = cache->allocateCode(bytes.size());
  int64_t rel = veneer - (code + 9);
  ASSERT_TRUE(fitsInt32(rel));
  auto rel32 = static_cast<int32_t>(rel);
  std::memcpy(bytes.data() + 5, &rel32, 4);
  cache->copyCode(code, bytes.data(), bytes.size());
  EXPECT_EQ(callInt(code, 10), 31);
}

TEST(CodeCache, FlushDropsTransientAndKeepsPermanent) {
  auto cache = makeCache(16 * kPage, 4 * kPage);
  uint8_t *permanent = emit(*cache, returnConstant(7), true);
  uint8_t *transient = emit(*cache, returnConstant(8));
  auto *data = static_cast<uint64_t *>(cache->allocateData(64));
  auto *permanentData = static_cast<uint64_t *>(cache->allocatePermanentData(8));
  ASSERT_TRUE(permanent && transient && data && permanentData);
  data[3] = 0xdead;
  *permanentData = 0xbeef;
  const uint8_t *veneer = cache->veneerFor(reinterpret_cast<const void *>(&negate));
  EXPECT_EQ(callInt(permanent), 7);
  EXPECT_EQ(callInt(transient), 8);
  size_t permanentUsed = cache->permanentCodeUsed();
  EXPECT_GT(cache->transientCodeUsed(), 0u);
  EXPECT_EQ(cache->flushCount(), 0u);

  cache->flush();
  EXPECT_EQ(cache->flushCount(), 1u);
  EXPECT_EQ(cache->transientCodeUsed(), 0u);
  EXPECT_EQ(cache->transientDataUsed(), 0u);
  EXPECT_EQ(cache->permanentCodeUsed(), permanentUsed);
  EXPECT_EQ(cache->codeUsed(), permanentUsed);
  EXPECT_EQ(cache->dataUsed(), cache->permanentDataUsed());
  // Permanent code, data and veneers survive.
  EXPECT_EQ(callInt(permanent), 7);
  EXPECT_EQ(*permanentData, 0xbeefu);
  EXPECT_EQ(callInt(veneer, 3), -3);
  EXPECT_EQ(cache->veneerFor(reinterpret_cast<const void *>(&negate)), veneer);
  // The stale block is int3 now.
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(transient[i], CodeCache::kTrapByte) << i;
  // Transient space is handed out again from the start, zeroed for data.
  uint8_t *again = emit(*cache, returnConstant(9));
  EXPECT_EQ(again, transient);
  EXPECT_EQ(callInt(again), 9);
  auto *dataAgain = static_cast<uint64_t *>(cache->allocateData(64));
  EXPECT_EQ(dataAgain, data);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(dataAgain[i], 0u) << i;
}

TEST(CodeCache, FlushZeroesLargeTransientData) {
  // Big enough for the madvise path, with ragged ends.
  auto cache = makeCache(4 * kPage, 64 * kPage);
  auto *small = static_cast<uint8_t *>(cache->allocateData(100));
  size_t bigBytes = 40 * kPage + 123;
  auto *big = static_cast<uint8_t *>(cache->allocateData(bigBytes, 64));
  auto *permanent = static_cast<uint8_t *>(cache->allocatePermanentData(kPage + 8));
  ASSERT_TRUE(small && big && permanent);
  std::memset(small, 0x5a, 100);
  std::memset(big, 0xa5, bigBytes);
  std::memset(permanent, 0x77, kPage + 8);
  cache->flush();
  auto *all = static_cast<uint8_t *>(cache->allocateData(big + bigBytes - small, 1));
  ASSERT_EQ(all, small);
  for (size_t i = 0; i < static_cast<size_t>(big + bigBytes - small); ++i)
    ASSERT_EQ(all[i], 0) << i;
  for (size_t i = 0; i < kPage + 8; ++i)
    ASSERT_EQ(permanent[i], 0x77) << i;
}

// Per-thread data views: each is a zeroed copy of the data area at its
// own offset; ended threads' views are reused with their counts; a flush
// zeroes every view; after fork only the forking thread's view is in use.
TEST(CodeCache, DataViewsAreSeparateCopiesReusedAndFlushed) {
  auto cache = makeCache(4 * kPage, 8 * kPage);
  auto *counter = static_cast<uint64_t *>(cache->allocateData(8));
  ASSERT_NE(counter, nullptr);
  auto copy = [&](int64_t offset) {
    return reinterpret_cast<uint64_t *>(reinterpret_cast<uintptr_t>(counter) + offset);
  };
  auto first = cache->acquireDataView();
  ASSERT_TRUE(static_cast<bool>(first)) << llvm::toString(first.takeError());
  EXPECT_EQ(*first, 0); // the data area itself
  auto second = cache->acquireDataView();
  ASSERT_TRUE(static_cast<bool>(second)) << llvm::toString(second.takeError());
  EXPECT_NE(*second, 0);
  ASSERT_EQ(cache->dataViewOffsets().size(), 2u);
  EXPECT_EQ(cache->dataViewOffsets()[1], *second);
  EXPECT_EQ(*copy(*second), 0u);
  *copy(*first) += 3;
  *copy(*second) += 5;
  EXPECT_EQ(*counter, 3u);
  uint64_t total = 0;
  for (int64_t offset : cache->dataViewOffsets())
    total += *copy(offset);
  EXPECT_EQ(total, 8u);

  // The second thread ends: its view (and count) goes to the next one.
  cache->releaseDataView(*second);
  auto third = cache->acquireDataView();
  ASSERT_TRUE(static_cast<bool>(third)) << llvm::toString(third.takeError());
  EXPECT_EQ(*third, *second);
  EXPECT_EQ(*copy(*third), 5u);
  EXPECT_EQ(cache->dataViewOffsets().size(), 2u);
  // Sharing view 0 makes it a view of two threads: one release keeps it.
  EXPECT_EQ(cache->shareFirstDataView(), 0);
  cache->releaseDataView(0);
  auto fourth = cache->acquireDataView();
  ASSERT_TRUE(static_cast<bool>(fourth)) << llvm::toString(fourth.takeError());
  EXPECT_NE(*fourth, 0);
  EXPECT_NE(*fourth, *second);
  EXPECT_EQ(cache->dataViewOffsets().size(), 3u);

  cache->flush();
  for (int64_t offset : cache->dataViewOffsets())
    EXPECT_EQ(*copy(offset), 0u) << "view at offset " << offset;

  // After fork: only the forking thread's view stays taken.
  cache->keepOnlyDataView(*fourth);
  auto afterFork = cache->acquireDataView();
  ASSERT_TRUE(static_cast<bool>(afterFork)) << llvm::toString(afterFork.takeError());
  EXPECT_EQ(*afterFork, 0);
  auto next = cache->acquireDataView();
  ASSERT_TRUE(static_cast<bool>(next)) << llvm::toString(next.takeError());
  EXPECT_EQ(*next, *second);
  EXPECT_EQ(cache->dataViewOffsets().size(), 3u);
}

TEST(CodeCacheDeathTest, StaleTransientCodeTraps) {
  auto cache = makeCache(16 * kPage, 4 * kPage);
  uint8_t *stale = emit(*cache, returnConstant(1));
  EXPECT_EQ(callInt(stale), 1);
  cache->flush();
  EXPECT_EXIT(
      {
        callInt(stale);
        _exit(0);
      },
      DiedOfSignal{SIGTRAP}, "");
}

TEST(CodeCache, ShrinkLastCodeGivesBackTheTail) {
  auto cache = makeCache(16 * kPage, 4 * kPage);
  uint8_t *block = cache->allocateCode(1000);
  ASSERT_NE(block, nullptr);
  cache->copyCode(block, returnConstant(5).data(), 6);
  cache->shrinkLastCode(block, 6);
  EXPECT_EQ(cache->transientCodeUsed(), static_cast<size_t>(block + 6 - cache->codeBegin()));
  uint8_t *next = cache->allocateCode(16, 16);
  EXPECT_EQ(next, block + 16);
  // Alignment padding between blocks is int3.
  for (uint8_t *p = block + 6; p < next; ++p)
    EXPECT_EQ(*p, CodeCache::kTrapByte);
  EXPECT_EQ(callInt(block), 5);
  // Trimmed-away bytes written beyond the final top still become int3.
  uint8_t *big = cache->allocateCode(500);
  std::vector<uint8_t> junk(500, 0x90);
  cache->copyCode(big, junk.data(), junk.size());
  cache->shrinkLastCode(big, 0);
  cache->flush();
  for (size_t i = 0; i < 500; ++i)
    ASSERT_EQ(big[i], CodeCache::kTrapByte) << i;
}

TEST(CodeCacheDeathTest, ShrinkingAnOlderBlockAborts) {
  auto cache = makeCache(16 * kPage, 4 * kPage);
  uint8_t *older = cache->allocateCode(32);
  cache->allocateCode(32);
  EXPECT_DEATH(cache->shrinkLastCode(older, 8), "most recent");
  uint8_t *latest = cache->allocateCode(32);
  EXPECT_DEATH(cache->shrinkLastCode(latest, 64), "cannot grow");
  EXPECT_DEATH(cache->writable(cache->codeEnd() + 1), "outside the code area");
}

TEST(CodeCache, AllocationFailsWhenFull) {
  auto cache = makeCache(kPage, kPage);
  ASSERT_EQ(cache->codeCapacity(), kPage);
  ASSERT_EQ(cache->dataCapacity(), kPage);
  EXPECT_EQ(cache->allocateCode(kPage + 1), nullptr);
  EXPECT_EQ(cache->allocateCode(SIZE_MAX), nullptr);
  EXPECT_EQ(cache->allocatePermanentCode(SIZE_MAX), nullptr);
  EXPECT_EQ(cache->allocateData(SIZE_MAX), nullptr);
  EXPECT_EQ(cache->allocatePermanentData(SIZE_MAX), nullptr);

  // Transient then permanent, meeting in the middle.
  int blocks = 0;
  while (cache->allocateCode(256))
    ++blocks;
  EXPECT_EQ(blocks, static_cast<int>(kPage / 256));
  EXPECT_EQ(cache->allocatePermanentCode(1, 1), nullptr);
  EXPECT_EQ(cache->veneerFor(reinterpret_cast<const void *>(&negate)), nullptr);
  EXPECT_EQ(cache->codeUsed(), kPage);
  cache->flush();

  // Permanent allocations made after transient ones still work, and they
  // shrink the transient room.
  ASSERT_NE(cache->allocateCode(1024), nullptr);
  uint8_t *permanent = emit(*cache, returnConstant(11), true);
  ASSERT_NE(permanent, nullptr);
  EXPECT_EQ(cache->allocateCode(kPage - 1024 - 15), nullptr);
  EXPECT_NE(cache->allocateCode(kPage - 1024 - 16), nullptr);
  EXPECT_EQ(cache->allocateCode(1, 1), nullptr);
  EXPECT_EQ(cache->allocatePermanentCode(1, 1), nullptr);
  EXPECT_EQ(callInt(permanent), 11);
  cache->flush();
  EXPECT_EQ(cache->codeUsed(), 16u);
  EXPECT_EQ(callInt(permanent), 11);

  // Same for data.
  ASSERT_NE(cache->allocatePermanentData(1000), nullptr);
  EXPECT_NE(cache->allocateData(kPage - 1000), nullptr);
  EXPECT_EQ(cache->allocateData(1, 1), nullptr);
  EXPECT_EQ(cache->allocatePermanentData(1, 1), nullptr);
  EXPECT_EQ(cache->dataUsed(), kPage);
}

TEST(CodeCache, AlignmentIsHonoured) {
  auto cache = makeCache(16 * kPage, 16 * kPage);
  cache->allocateCode(3, 1);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(cache->allocateCode(8, 64)) % 64, 0u);
  cache->allocatePermanentCode(3, 1);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(cache->allocatePermanentCode(8, kPage)) % kPage, 0u);
  cache->allocateData(3, 1);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(cache->allocateData(8, 128)) % 128, 0u);
  cache->allocatePermanentData(3, 1);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(cache->allocatePermanentData(8, 256)) % 256, 0u);
}

TEST(CodeCache, CreateRoundsToPagesAndRejectsBadSizes) {
  auto rounded = makeCache(1, 1);
  ASSERT_NE(rounded, nullptr);
  EXPECT_EQ(rounded->codeCapacity(), kPage);
  EXPECT_EQ(rounded->dataCapacity(), kPage);
  auto noData = makeCache(kPage, 0);
  ASSERT_NE(noData, nullptr);
  EXPECT_EQ(noData->allocateData(1), nullptr);
  EXPECT_EQ(noData->dataBegin(), noData->codeEnd());

  auto expectError = [](size_t code, size_t data, const char *substring) {
    auto cache = CodeCache::create(code, data);
    ASSERT_FALSE(bool(cache));
    std::string message = llvm::toString(cache.takeError());
    EXPECT_NE(message.find(substring), std::string::npos) << message;
  };
  expectError(CodeCache::kMaxTotalBytes + 1, 0, "exceed");
  expectError(CodeCache::kMaxTotalBytes, 1, "exceed");
  expectError(CodeCache::kMaxTotalBytes / 2 + 1, CodeCache::kMaxTotalBytes / 2, "exceed");
  expectError(kPage, SIZE_MAX, "exceed");
  expectError(SIZE_MAX, kPage, "exceed");
  expectError(0, kPage, "empty");
}

TEST(CodeCache, HostRefusalIsAnErrorWithTheErrnoText) {
  // A ulimit on the address space makes the reservation fail; do it in a
  // child so the test process keeps its limits.
#ifdef TIERCEL_TEST_ASAN
  GTEST_SKIP() << "ASan's shadow memory does not fit under an address-space limit";
#endif
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    struct rlimit limit = {rlim_t{1} << 30, rlim_t{1} << 30};
    if (setrlimit(RLIMIT_AS, &limit) != 0)
      _exit(2);
    auto cache = CodeCache::create(CodeCache::kMaxTotalBytes / 2, CodeCache::kMaxTotalBytes / 2);
    if (cache)
      _exit(3);
    std::string message = llvm::toString(cache.takeError());
    bool named = message.find("mmap") != std::string::npos &&
                 message.find(std::strerror(ENOMEM)) != std::string::npos;
    _exit(named ? 0 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(CodeCache, DetachAfterForkSeparatesParentAndChild) {
  auto cache = makeCache(16 * kPage, 4 * kPage);
  uint8_t *permanent = emit(*cache, returnConstant(21), true);
  uint8_t *transient = emit(*cache, returnConstant(22));
  ASSERT_TRUE(permanent && transient);
  int toParent[2];
  ASSERT_EQ(pipe(toParent), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Exit codes name the failing check.
    if (cache->detachAfterFork())
      _exit(10);
    if (callInt(permanent) != 21)
      _exit(11);
    if (transient[0] != CodeCache::kTrapByte || cache->transientCodeUsed() != 0)
      _exit(12);
    if (permissionsOf(cache->codeBegin()) != "r-xs" ||
        permissionsOf(cache->writable(cache->codeBegin())) != "rw-s")
      _exit(13);
    // Overwrite both the permanent and the (old) transient bytes in the
    // child: the parent must not see it.
    cache->copyCode(permanent, returnConstant(31).data(), 6);
    uint8_t *mine = emit(*cache, returnConstant(32));
    if (mine != transient || callInt(mine) != 32 || callInt(permanent) != 31)
      _exit(14);
    char done = 1;
    if (write(toParent[1], &done, 1) != 1)
      _exit(15);
    _exit(0);
  }
  close(toParent[1]);
  char done = 0;
  EXPECT_EQ(read(toParent[0], &done, 1), 1);
  close(toParent[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(callInt(permanent), 21);
  EXPECT_EQ(callInt(transient), 22);
  EXPECT_EQ(cache->flushCount(), 0u);
}

} // namespace
} // namespace tiercel::jit
