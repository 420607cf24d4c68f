// Guest writes to translated code pages (AddressSpace::watchCodeRange, the
// host write-fault path in host_signals.cpp, prepareHostWrite and the
// written-page ring). The host signal handlers are installed for real: a
// watched page is host read-only, and a test write that the handler failed
// to resolve would kill the test binary ("host fault outside guest memory").
#include "runtime/user/address_space.h"
#include "runtime/user/host_signals.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace tiercel::user {
namespace {

constexpr uint64_t kPage = AddressSpace::kPageSize;
constexpr int kPrivateAnon = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr int kRwx = PROT_READ | PROT_WRITE | PROT_EXEC;
constexpr int kRx = PROT_READ | PROT_EXEC;

class CodeWatchTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto created = AddressSpace::create();
    ASSERT_TRUE(bool(created)) << llvm::toString(created.takeError());
    space = std::move(*created);
    installHostSignalHandlers(*space, exitRequest);
  }
  void TearDown() override { space.reset(); }

  uint64_t mapPages(uint64_t pages, int prot, uint64_t at = 0) {
    int flags = kPrivateAnon | (at ? MAP_FIXED : 0);
    int64_t address = space->map(at, pages * kPage, prot, flags, -1, 0);
    EXPECT_GT(address, 0);
    return uint64_t(address);
  }
  // A plain host store, as the interpreter or a stencil does it.
  void store(uint64_t address, uint8_t value) {
    *reinterpret_cast<volatile uint8_t *>(space->hostPointer(address)) = value;
  }
  uint8_t load(uint64_t address) {
    return *reinterpret_cast<volatile uint8_t *>(space->hostPointer(address));
  }
  // Whether the host kernel may write the byte (read(2) from a pipe gets
  // EFAULT on a host read-only page). The byte keeps its value.
  bool hostWritable(uint64_t address) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    uint8_t value = load(address);
    EXPECT_EQ(write(fds[1], &value, 1), 1);
    ssize_t got = read(fds[0], space->hostPointer(address), 1);
    int error = errno;
    close(fds[0]);
    close(fds[1]);
    EXPECT_TRUE(got == 1 || (got == -1 && error == EFAULT));
    return got == 1;
  }
  uint64_t faults() const { return space->codeWatch().resolvedFaults(); }

  std::atomic<uint32_t> exitRequest{0};
  std::unique_ptr<AddressSpace> space;
};

TEST_F(CodeWatchTest, FirstWriteToAWatchedPageFaultsOnceAndIsReported) {
  uint64_t code = mapPages(1, kRwx);
  store(code + 100, 0x11);
  ASSERT_TRUE(space->watchCodeRange(code + 16, 8));
  EXPECT_TRUE(space->isCodeWatched(code));
  EXPECT_FALSE(hostWritable(code + 200)); // the host page is read-only now
  EXPECT_EQ(load(code + 100), 0x11);      // and still readable
  EXPECT_EQ(faults(), 0u);
  EXPECT_FALSE(space->hasWrittenCodePages());
  uint64_t writesBefore = space->codeWriteCount();

  store(code + 100, 0x5a);
  EXPECT_EQ(faults(), 1u);
  EXPECT_EQ(load(code + 100), 0x5a); // the store ran again and landed
  EXPECT_FALSE(space->isCodeWatched(code));
  EXPECT_EQ(exitRequest.load(), 1u);
  EXPECT_TRUE(space->hasWrittenCodePages());
  EXPECT_EQ(space->codeWriteCount(), writesBefore + 1);
  store(code + 101, 0x5b); // un-watched: no second fault
  EXPECT_EQ(faults(), 1u);
  EXPECT_TRUE(hostWritable(code + 200));

  WrittenCodePages written = space->takeWrittenCodePages();
  EXPECT_FALSE(written.overflowed);
  EXPECT_EQ(written.pages, std::vector<uint64_t>{code});
  EXPECT_FALSE(space->hasWrittenCodePages());
  WrittenCodePages again = space->takeWrittenCodePages();
  EXPECT_TRUE(again.pages.empty());
  EXPECT_FALSE(again.overflowed);
}

TEST_F(CodeWatchTest, WatchingIsIdempotentAndCoversEveryPageOfTheRange) {
  uint64_t code = mapPages(3, kRwx);
  // A block that straddles pages 0 and 1.
  ASSERT_TRUE(space->watchCodeRange(code + kPage - 2, 4));
  ASSERT_TRUE(space->watchCodeRange(code + kPage - 2, 4));
  EXPECT_TRUE(space->isCodeWatched(code));
  EXPECT_TRUE(space->isCodeWatched(code + kPage));
  EXPECT_FALSE(space->isCodeWatched(code + 2 * kPage));
  store(code + kPage + 5, 1);
  store(code + 5, 1);
  store(code + 2 * kPage, 1);
  EXPECT_EQ(faults(), 2u);
  EXPECT_EQ(space->takeWrittenCodePages().pages, (std::vector<uint64_t>{code, code + kPage}));
}

TEST_F(CodeWatchTest, OnlyGuestWritableExecutablePagesAreWatched) {
  uint64_t readExec = mapPages(1, kRx);
  uint64_t readWrite = mapPages(1, PROT_READ | PROT_WRITE);
  uint64_t readOnly = mapPages(1, PROT_READ);
  EXPECT_TRUE(space->watchCodeRange(readExec, kPage));
  EXPECT_TRUE(space->watchCodeRange(readWrite, kPage));
  EXPECT_TRUE(space->watchCodeRange(readOnly, kPage));
  EXPECT_FALSE(space->isCodeWatched(readExec));
  EXPECT_FALSE(space->isCodeWatched(readWrite));
  EXPECT_FALSE(space->isCodeWatched(readOnly));
  EXPECT_FALSE(space->codeWatch().anyWatched());
  EXPECT_TRUE(hostWritable(readWrite));

  // A range across an RX page and an RWX page watches only the second.
  uint64_t pair = mapPages(2, kRx);
  ASSERT_EQ(space->protect(pair + kPage, kPage, kRwx), 0);
  EXPECT_TRUE(space->watchCodeRange(pair + kPage - 4, 8));
  EXPECT_FALSE(space->isCodeWatched(pair));
  EXPECT_TRUE(space->isCodeWatched(pair + kPage));
  // Unmapped and out-of-range code cannot be watched.
  EXPECT_TRUE(space->watchCodeRange(0x10000, kPage)); // nothing mapped: nothing to watch
  EXPECT_FALSE(space->watchCodeRange(AddressSpace::kGuestSize - 4, 8));
}

TEST_F(CodeWatchTest, APageWrittenTwiceBeforeTheDrainIsReportedOnce) {
  uint64_t code = mapPages(2, kRwx);
  ASSERT_TRUE(space->watchCodeRange(code, 2 * kPage));
  store(code + 1, 1);
  store(code + 2, 2);
  // Retranslated and watched again, then written again, all before the drain.
  ASSERT_TRUE(space->watchCodeRange(code, 4));
  store(code + 3, 3);
  store(code + kPage + 7, 4);
  EXPECT_EQ(faults(), 3u);
  WrittenCodePages written = space->takeWrittenCodePages();
  EXPECT_EQ(written.pages, (std::vector<uint64_t>{code, code + kPage}));
  EXPECT_FALSE(written.overflowed);
  EXPECT_EQ(load(code + 1), 1);
  EXPECT_EQ(load(code + 2), 2);
  EXPECT_EQ(load(code + 3), 3);
  EXPECT_EQ(load(code + kPage + 7), 4);
}

TEST_F(CodeWatchTest, GuestMprotectUnwatchesAndLeavesTheGuestProtection) {
  std::vector<std::pair<uint64_t, uint64_t>> invalidated;
  space->setCodeInvalidationCallback(
      [&](uint64_t start, uint64_t length) { invalidated.emplace_back(start, length); });
  uint64_t code = mapPages(2, kRwx);
  ASSERT_TRUE(space->watchCodeRange(code, 2 * kPage));

  // Same protection again: un-watched, host-writable, translations dropped
  // through the callback rather than through the written ring.
  ASSERT_EQ(space->protect(code, kPage, kRwx), 0);
  EXPECT_FALSE(space->isCodeWatched(code));
  EXPECT_TRUE(space->isCodeWatched(code + kPage));
  EXPECT_TRUE(hostWritable(code));
  store(code, 9);
  EXPECT_EQ(faults(), 0u);
  EXPECT_EQ(invalidated, (std::vector<std::pair<uint64_t, uint64_t>>{{code, kPage}}));

  // Made read-only by the guest: un-watched and host read-only.
  ASSERT_EQ(space->protect(code + kPage, kPage, kRx), 0);
  EXPECT_FALSE(space->isCodeWatched(code + kPage));
  EXPECT_FALSE(hostWritable(code + kPage));
  EXPECT_EQ(space->protectionAt(code + kPage), kRx);
  // Writable again: host-writable with no fault.
  ASSERT_EQ(space->protect(code + kPage, kPage, kRwx), 0);
  EXPECT_TRUE(hostWritable(code + kPage));
  store(code + kPage, 1);
  EXPECT_EQ(faults(), 0u);
  EXPECT_FALSE(space->hasWrittenCodePages());
  EXPECT_FALSE(space->codeWatch().anyWatched());
}

TEST_F(CodeWatchTest, UnmapAndMapFixedForgetWatchedPages) {
  uint64_t code = mapPages(2, kRwx);
  ASSERT_TRUE(space->watchCodeRange(code, 2 * kPage));
  ASSERT_EQ(space->unmap(code, kPage), 0);
  EXPECT_FALSE(space->isCodeWatched(code));
  EXPECT_TRUE(space->isCodeWatched(code + kPage));
  // A new writable mapping there is writable on the host from the start.
  EXPECT_EQ(mapPages(1, PROT_READ | PROT_WRITE, code), code);
  EXPECT_TRUE(hostWritable(code));
  // MAP_FIXED straight over a watched page replaces it too.
  EXPECT_EQ(mapPages(1, kRwx, code + kPage), code + kPage);
  EXPECT_FALSE(space->isCodeWatched(code + kPage));
  store(code + kPage, 1);
  store(code, 1);
  EXPECT_EQ(faults(), 0u);
  EXPECT_FALSE(space->hasWrittenCodePages());
  EXPECT_FALSE(space->codeWatch().anyWatched());
}

TEST_F(CodeWatchTest, MremapOfWatchedPagesReportsThemAndKeepsThemWritable) {
  // Watch only the middle page, so the host mapping is split in three: the
  // host mremap needs a single host VMA.
  uint64_t code = mapPages(3, kRwx, 0x40000000);
  store(code + kPage, 0x77);
  ASSERT_TRUE(space->watchCodeRange(code + kPage, 4));
  // Grow in place (the pages after it are free).
  ASSERT_EQ(space->remap(code, 3 * kPage, 5 * kPage, 0, 0), int64_t(code));
  EXPECT_FALSE(space->isCodeWatched(code + kPage));
  for (uint64_t page = 0; page < 5; ++page)
    EXPECT_TRUE(hostWritable(code + page * kPage)) << page;
  EXPECT_EQ(load(code + kPage), 0x77);
  EXPECT_EQ(space->takeWrittenCodePages().pages, std::vector<uint64_t>{code + kPage});

  // Moved elsewhere.
  ASSERT_TRUE(space->watchCodeRange(code + 2 * kPage, 4));
  uint64_t target = 0x50000000;
  ASSERT_EQ(space->remap(code, 5 * kPage, 6 * kPage, MREMAP_MAYMOVE | MREMAP_FIXED, target),
            int64_t(target));
  EXPECT_FALSE(space->codeWatch().anyWatched());
  for (uint64_t page = 0; page < 6; ++page)
    EXPECT_TRUE(hostWritable(target + page * kPage)) << page;
  EXPECT_EQ(load(target + kPage), 0x77);
  EXPECT_EQ(space->takeWrittenCodePages().pages, std::vector<uint64_t>{code + 2 * kPage});
  EXPECT_EQ(faults(), 0u);
}

TEST_F(CodeWatchTest, MadviseDontNeedDropsTranslationsButKeepsTheWatch) {
  std::vector<std::pair<uint64_t, uint64_t>> invalidated;
  space->setCodeInvalidationCallback(
      [&](uint64_t start, uint64_t length) { invalidated.emplace_back(start, length); });
  uint64_t code = mapPages(1, kRwx);
  store(code, 5);
  ASSERT_TRUE(space->watchCodeRange(code, 4));
  ASSERT_EQ(space->advise(code, kPage, MADV_DONTNEED), 0);
  EXPECT_EQ(load(code), 0);
  EXPECT_EQ(invalidated, (std::vector<std::pair<uint64_t, uint64_t>>{{code, kPage}}));
  EXPECT_TRUE(space->isCodeWatched(code));
  store(code, 6);
  EXPECT_EQ(faults(), 1u);
  EXPECT_EQ(space->takeWrittenCodePages().pages, std::vector<uint64_t>{code});
}

TEST_F(CodeWatchTest, PrepareHostWriteLetsTheKernelWriteAWatchedPage) {
  uint64_t code = mapPages(3, kRwx);
  ASSERT_TRUE(space->watchCodeRange(code, 4));
  ASSERT_TRUE(space->watchCodeRange(code + 2 * kPage, 4));
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "hello", 5), 5);
  // Without it the host kernel refuses: it does not raise a signal.
  EXPECT_EQ(read(fds[0], space->hostPointer(code + 10), 5), -1);
  EXPECT_EQ(errno, EFAULT);
  close(fds[0]);
  close(fds[1]);

  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "hello, world", 12), 12);
  // The buffer runs from the watched page 0 over page 1 (not watched).
  space->prepareHostWrite(code + kPage - 5, 12);
  EXPECT_EQ(exitRequest.load(), 1u);
  EXPECT_EQ(read(fds[0], space->hostPointer(code + kPage - 5), 12), 12);
  close(fds[0]);
  close(fds[1]);
  EXPECT_EQ(std::memcmp(space->hostPointer(code + kPage - 5), "hello, world", 12), 0);
  EXPECT_EQ(faults(), 0u);
  EXPECT_FALSE(space->isCodeWatched(code));
  EXPECT_TRUE(space->isCodeWatched(code + 2 * kPage)); // outside the buffer
  EXPECT_EQ(space->takeWrittenCodePages().pages, std::vector<uint64_t>{code});
  // Nothing watched in the range: nothing reported.
  space->prepareHostWrite(code, 2 * kPage);
  EXPECT_FALSE(space->hasWrittenCodePages());
}

TEST_F(CodeWatchTest, RingOverflowMeansEverythingWasWritten) {
  uint64_t pages = CodeWatch::kRingSize + 8;
  uint64_t code = mapPages(pages, kRwx);
  ASSERT_TRUE(space->watchCodeRange(code, pages * kPage));
  for (uint64_t page = 0; page < pages; ++page)
    store(code + page * kPage, uint8_t(page));
  EXPECT_EQ(faults(), pages);
  EXPECT_EQ(space->codeWriteCount(), pages);
  WrittenCodePages written = space->takeWrittenCodePages();
  EXPECT_TRUE(written.overflowed);
  EXPECT_EQ(written.pages.size(), CodeWatch::kRingSize);
  for (uint64_t page = 0; page < pages; ++page)
    ASSERT_EQ(load(code + page * kPage), uint8_t(page));
  // The overflow is taken with the pages; recording starts afresh.
  EXPECT_FALSE(space->hasWrittenCodePages());
  ASSERT_TRUE(space->watchCodeRange(code + 3 * kPage, 4));
  store(code + 3 * kPage, 1);
  written = space->takeWrittenCodePages();
  EXPECT_FALSE(written.overflowed);
  EXPECT_EQ(written.pages, std::vector<uint64_t>{code + 3 * kPage});
}

TEST_F(CodeWatchTest, OtherWriteFaultsStillBecomeGuestFaults) {
  uint64_t code = mapPages(1, kRwx);
  uint64_t readOnly = mapPages(1, PROT_READ);
  uint64_t none = mapPages(1, PROT_NONE);
  // A resolved fault first, so the retry-once path of the handler runs.
  ASSERT_TRUE(space->watchCodeRange(code, 4));
  store(code, 1);
  ASSERT_EQ(faults(), 1u);

  FaultJump jump;
  setThreadFaultJump(&jump);
  // Restore the signal mask on the way back: the handler blocks everything.
  if (sigsetjmp(jump.buffer, 1) == 0) {
    jump.armed = 1;
    store(readOnly + 8, 1);
    ADD_FAILURE() << "a store to a read-only guest page did not fault";
  }
  EXPECT_EQ(jump.armed, 0);
  EXPECT_EQ(jump.fault.guestAddress, readOnly + 8);
  EXPECT_EQ(jump.fault.hostSignal, SIGSEGV);
  EXPECT_TRUE(jump.fault.write);
  if (sigsetjmp(jump.buffer, 1) == 0) {
    jump.armed = 1;
    (void)load(none + 16);
    ADD_FAILURE() << "a load from a PROT_NONE guest page did not fault";
  }
  EXPECT_EQ(jump.fault.guestAddress, none + 16);
  EXPECT_FALSE(jump.fault.write);
  setThreadFaultJump(nullptr);
  EXPECT_EQ(faults(), 1u);
}

// Two threads store to the same freshly watched pages at once: the slower
// one faults on a page the other has already resolved and must retry, not
// take it for a guest fault (which would kill the test).
TEST_F(CodeWatchTest, ConcurrentWritersToTheSameWatchedPages) {
  constexpr uint64_t kPages = 64;
  uint64_t code = mapPages(kPages, kRwx);
  for (int round = 0; round < 50; ++round) {
    ASSERT_TRUE(space->watchCodeRange(code, kPages * kPage));
    uint64_t before = faults();
    std::atomic<int> ready{0};
    auto writer = [&](bool ascending) {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      for (uint64_t i = 0; i < kPages; ++i) {
        uint64_t page = ascending ? i : kPages - 1 - i;
        store(code + page * kPage + (ascending ? 0 : 1), uint8_t(round));
      }
    };
    std::thread up(writer, true), down(writer, false);
    up.join();
    down.join();
    EXPECT_EQ(faults() - before, kPages);
    WrittenCodePages written = space->takeWrittenCodePages();
    ASSERT_EQ(written.pages.size(), kPages);
    EXPECT_FALSE(written.overflowed);
    for (uint64_t page = 0; page < kPages; ++page) {
      EXPECT_EQ(written.pages[page], code + page * kPage);
      EXPECT_EQ(load(code + page * kPage), uint8_t(round));
      EXPECT_EQ(load(code + page * kPage + 1), uint8_t(round));
    }
  }
}

// A guest thread keeps storing while another re-watches and mprotects the
// same page: a store that faulted on the watched page just before the
// mprotect made it writable must be retried, not taken for a guest fault
// (which would kill the test); every store lands.
TEST_F(CodeWatchTest, StoresRacingGuestMprotectAreNotLost) {
  uint64_t code = mapPages(1, kRwx);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> stored{0};
  std::thread writer([&] {
    for (uint64_t i = 1; !done.load(); ++i) {
      *reinterpret_cast<volatile uint64_t *>(space->hostPointer(code + 64)) = i;
      stored.store(i);
    }
  });
  while (stored.load() == 0) {
  }
  // Until the writer has hit the watched page often enough (bounded in time
  // on a loaded machine).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int rounds = 0;
  for (; rounds < 2000 || (faults() < 300 && std::chrono::steady_clock::now() < deadline);
       ++rounds) {
    ASSERT_TRUE(space->watchCodeRange(code, 4));
    // A varying delay moves the writer's fault across the mprotect.
    for (int spin = 0; spin < rounds % 256; ++spin)
      __builtin_ia32_pause();
    ASSERT_EQ(space->protect(code, kPage, kRwx), 0);
  }
  done.store(true);
  writer.join();
  EXPECT_GT(faults(), 0u);
  EXPECT_EQ(*reinterpret_cast<volatile uint64_t *>(space->hostPointer(code + 64)), stored.load());
  std::printf("%d rounds, %llu write faults resolved\n", rounds,
              static_cast<unsigned long long>(faults()));
}

// The translator calls watchCodeRange for every block: when the pages are
// already watched it must not take locks or make syscalls. Logs the cost.
TEST_F(CodeWatchTest, WatchingAnAlreadyWatchedRangeIsCheap) {
  uint64_t code = mapPages(1, kRwx);
  uint64_t text = mapPages(1, kRx);
  ASSERT_TRUE(space->watchCodeRange(code, 64));
  constexpr int kCalls = 1000000;
  auto time = [&](uint64_t address) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i)
      if (!space->watchCodeRange(address + (i % 32) * 64, 64))
        return -1.0;
    std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / kCalls;
  };
  double watched = time(code), readOnly = time(text);
  ASSERT_GE(watched, 0);
  ASSERT_GE(readOnly, 0);
  std::printf("watchCodeRange: %.1f ns on a watched page, %.1f ns on a read-only page\n", watched,
              readOnly);
  EXPECT_TRUE(space->isCodeWatched(code));
  EXPECT_EQ(faults(), 0u);
}

} // namespace
} // namespace tiercel::user
