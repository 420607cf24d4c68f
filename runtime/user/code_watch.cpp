// Watched code pages and the ring of written ones (see code_watch.h). The
// watched set is a flat bitmap over every guest page (8 MiB of address space,
// mapped MAP_NORESERVE so only the parts covering watched pages are ever
// backed), plus a count per chunk of 32768 pages so range scans skip the
// empty parts without reading them.
#include "runtime/user/code_watch.h"

#include <sched.h>
#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

namespace tiercel::user {

namespace {

constexpr uint64_t kBitmapBytes = CodeWatch::kPageCount / 8;

// Calls fn(wordIndex, mask) for each bitmap word overlapping [first, end),
// mask selecting the pages of the range in that word.
template <class Fn> void forEachWord(uint64_t first, uint64_t end, Fn fn) {
  while (first < end) {
    uint64_t word = first / 64, bit = first % 64;
    uint64_t count = std::min<uint64_t>(64 - bit, end - first);
    uint64_t mask = (count == 64 ? ~uint64_t{0} : ((uint64_t{1} << count) - 1)) << bit;
    if (!fn(word, mask))
      return;
    first += count;
  }
}

// Collects consecutive pages into runs so each run costs one mprotect.
class RunBuilder {
public:
  template <class Flush> void add(uint64_t page, Flush &flush) {
    if (length_ != 0 && page == start_ + length_) {
      ++length_;
      return;
    }
    finish(flush);
    start_ = page;
    length_ = 1;
  }
  template <class Flush> void finish(Flush &flush) {
    if (length_ != 0)
      flush(start_, start_ + length_);
    length_ = 0;
  }

private:
  uint64_t start_ = 0, length_ = 0;
};

} // namespace

llvm::Expected<std::unique_ptr<CodeWatch>> CodeWatch::create(uint8_t *base) {
  void *bits = mmap(nullptr, kBitmapBytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (bits == MAP_FAILED)
    return llvm::createStringError("cannot map the code-page watch bitmap: %s",
                                   std::strerror(errno));
  static_assert(sizeof(std::atomic<uint64_t>) == sizeof(uint64_t) &&
                std::atomic<uint64_t>::is_always_lock_free);
  return std::unique_ptr<CodeWatch>(
      new CodeWatch(base, static_cast<std::atomic<uint64_t> *>(bits)));
}

CodeWatch::~CodeWatch() { munmap(bits_, kBitmapBytes); }

// ---- Lock-free queries --------------------------------------------------------

bool CodeWatch::allWatched(uint64_t firstPage, uint64_t endPage) const {
  if (endPage > kPageCount || firstPage > endPage)
    return false;
  bool all = true;
  forEachWord(firstPage, endPage, [&](uint64_t word, uint64_t mask) {
    all = (bits_[word].load(std::memory_order_acquire) & mask) == mask;
    return all;
  });
  return all;
}

bool CodeWatch::anyWatched(uint64_t firstPage, uint64_t endPage) const {
  if (!anyWatched())
    return false;
  endPage = std::min(endPage, kPageCount);
  while (firstPage < endPage) {
    uint64_t chunkEnd = std::min(endPage, (firstPage / kChunkPages + 1) * kChunkPages);
    if (chunkWatched_[firstPage / kChunkPages].load(std::memory_order_acquire) != 0) {
      bool any = false;
      forEachWord(firstPage, chunkEnd, [&](uint64_t word, uint64_t mask) {
        any = (bits_[word].load(std::memory_order_acquire) & mask) != 0;
        return !any;
      });
      if (any)
        return true;
    }
    firstPage = chunkEnd;
  }
  return false;
}

// ---- Lock --------------------------------------------------------------------

void CodeWatch::lock() {
  // Holders only change host protections (a few syscalls), so waiting is
  // short; yielding keeps a preempted holder from being starved on 1 CPU.
  while (locked_.exchange(true, std::memory_order_acquire))
    while (locked_.load(std::memory_order_relaxed))
      sched_yield();
}

bool CodeWatch::hostProtect(uint64_t firstPage, uint64_t endPage, int prot) {
  return mprotect(base_ + (firstPage << kPageShift), (endPage - firstPage) << kPageShift, prot) ==
         0;
}

void CodeWatch::recordLocked(uint64_t page) {
  writeCount_.fetch_add(1, std::memory_order_release);
  if (ringLength_ < kRingSize)
    ring_[ringLength_++] = page << kPageShift;
  else
    overflowed_ = true;
  pending_.store(true, std::memory_order_release);
}

// ---- Mutators -------------------------------------------------------------------

bool CodeWatch::watchLocked(uint64_t firstPage, uint64_t endPage) {
  if (endPage > kPageCount || firstPage >= endPage)
    return firstPage == endPage;
  bool ok = true;
  auto flush = [&](uint64_t start, uint64_t end) {
    // Read-only first, then watched: a store in between faults and waits
    // for the lock in the handler, which then finds the page watched.
    if (!hostProtect(start, end, PROT_READ)) {
      ok = false;
      return;
    }
    forEachWord(start, end, [&](uint64_t word, uint64_t mask) {
      bits_[word].fetch_or(mask, std::memory_order_release);
      return true;
    });
    for (uint64_t page = start; page < end;) {
      uint64_t chunkEnd = std::min(end, (page / kChunkPages + 1) * kChunkPages);
      chunkWatched_[page / kChunkPages].fetch_add(uint32_t(chunkEnd - page),
                                                  std::memory_order_relaxed);
      page = chunkEnd;
    }
    watchedCount_.fetch_add(end - start, std::memory_order_release);
  };
  RunBuilder runs;
  for (uint64_t page = firstPage; page < endPage; ++page)
    if (!isWatched(page))
      runs.add(page, flush);
  runs.finish(flush);
  return ok;
}

bool CodeWatch::unwatchLocked(uint64_t firstPage, uint64_t endPage, bool restoreWrite,
                              bool record) {
  // Callers come here after changing host mappings or protections, watched
  // or not: a store that faulted before the change must be retried, and the
  // handler notices by the generation.
  generation_.fetch_add(1, std::memory_order_release);
  if (!anyWatched())
    return true;
  endPage = std::min(endPage, kPageCount);
  bool ok = true;
  auto flush = [&](uint64_t start, uint64_t end) {
    if (restoreWrite && !hostProtect(start, end, PROT_READ | PROT_WRITE))
      ok = false;
  };
  RunBuilder runs;
  uint64_t cleared = 0;
  while (firstPage < endPage) {
    uint64_t chunk = firstPage / kChunkPages;
    uint64_t chunkEnd = std::min(endPage, (chunk + 1) * kChunkPages);
    if (chunkWatched_[chunk].load(std::memory_order_relaxed) == 0) {
      firstPage = chunkEnd;
      continue;
    }
    uint32_t chunkCleared = 0;
    forEachWord(firstPage, chunkEnd, [&](uint64_t word, uint64_t mask) {
      uint64_t hit = bits_[word].load(std::memory_order_relaxed) & mask;
      if (hit == 0)
        return true;
      // The bit and the host protection change together under the lock, so
      // the handler never sees one without the other.
      bits_[word].fetch_and(~hit, std::memory_order_release);
      chunkCleared += std::popcount(hit);
      while (hit != 0) {
        uint64_t page = word * 64 + std::countr_zero(hit);
        hit &= hit - 1;
        runs.add(page, flush);
        if (record)
          recordLocked(page);
      }
      return true;
    });
    chunkWatched_[chunk].fetch_sub(chunkCleared, std::memory_order_relaxed);
    cleared += chunkCleared;
    firstPage = chunkEnd;
  }
  runs.finish(flush);
  if (cleared != 0)
    watchedCount_.fetch_sub(cleared, std::memory_order_release);
  return ok;
}

// ---- The host signal handler -------------------------------------------------------

CodeWatch::FaultResult CodeWatch::resolveWriteFault(uint64_t guestAddress, uint64_t &generation) {
  uint64_t page = guestAddress >> kPageShift;
  lock();
  if (page >= kPageCount || !isWatched(page)) {
    generation = generation_.load(std::memory_order_relaxed);
    unlock();
    return FaultResult::NotWatched;
  }
  if (!hostProtect(page, page + 1, PROT_READ | PROT_WRITE)) {
    unlock();
    return FaultResult::Failed;
  }
  bits_[page / 64].fetch_and(~(uint64_t{1} << (page % 64)), std::memory_order_release);
  chunkWatched_[page / kChunkPages].fetch_sub(1, std::memory_order_relaxed);
  watchedCount_.fetch_sub(1, std::memory_order_release);
  generation = generation_.fetch_add(1, std::memory_order_release) + 1;
  recordLocked(page);
  resolvedFaults_.fetch_add(1, std::memory_order_relaxed);
  unlock();
  return FaultResult::Resolved;
}

// ---- The dispatcher -------------------------------------------------------------------

WrittenCodePages CodeWatch::take() {
  WrittenCodePages written;
  if (!hasWritten())
    return written;
  written.pages.reserve(kRingSize); // allocate outside the lock
  lock();
  written.pages.assign(ring_, ring_ + ringLength_);
  written.overflowed = overflowed_;
  ringLength_ = 0;
  overflowed_ = false;
  pending_.store(false, std::memory_order_release);
  unlock();
  std::sort(written.pages.begin(), written.pages.end());
  written.pages.erase(std::unique(written.pages.begin(), written.pages.end()), written.pages.end());
  return written;
}

} // namespace tiercel::user
