// Detects guest writes to guest pages that hold translated code, so the JIT
// can drop stale translations of self-modifying and JIT-generating guests
// (and so fence.i needs to drop only the written pages).
//
// A watched page is a guest page whose guest protection is writable AND
// executable and from which code was translated. Its host protection is
// read-only; the first write to it faults on the host, the host signal
// handler calls resolveWriteFault(), which makes the page host-writable
// again, un-watches it and records it in a fixed ring, and returns so the
// store re-executes: the guest never sees the fault. The dispatcher later
// takes the recorded pages (take()) and drops their translations.
//
// Invariant: a watched page is guest-writable, so its right host protection
// once un-watched is always PROT_READ|PROT_WRITE and the handler needs no
// lookup of the guest's map. Every change of a watched page's host
// protection or of its watched bit (watch, fault, host write, the guest's
// mmap/munmap/mprotect/mremap) happens under one spin lock, which the
// handler may take: no code holding it ever touches guest memory, so a
// thread can never fault into the handler while it holds the lock.
//
// Everything here except create()/take() is async-signal-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "llvm/Support/Error.h"

namespace tiercel::user {

// The guest pages written since the last take.
struct WrittenCodePages {
  // Guest addresses of the written pages (page-aligned), sorted, no repeats.
  std::vector<uint64_t> pages;
  // More pages were written than the ring holds: treat every page as
  // written (drop every translation).
  bool overflowed = false;
};

class CodeWatch {
public:
  static constexpr uint64_t kPageShift = 12;
  static constexpr uint64_t kPageSize = uint64_t{1} << kPageShift;
  // One bit per page of the Sv39 user range (AddressSpace::kGuestSize).
  static constexpr uint64_t kPageCount = (uint64_t{1} << 38) >> kPageShift;
  // Written pages recorded between two takes before the ring overflows.
  static constexpr size_t kRingSize = 4096;

  // `base` is the host address of guest address 0.
  static llvm::Expected<std::unique_ptr<CodeWatch>> create(uint8_t *base);
  ~CodeWatch();
  CodeWatch(const CodeWatch &) = delete;
  CodeWatch &operator=(const CodeWatch &) = delete;

  // ---- Lock-free queries ----------------------------------------------------
  bool isWatched(uint64_t page) const {
    return page < kPageCount &&
           (bits_[page / 64].load(std::memory_order_acquire) >> (page % 64) & 1) != 0;
  }
  // True when every page in [firstPage, endPage) is watched.
  bool allWatched(uint64_t firstPage, uint64_t endPage) const;
  // True when some page in [firstPage, endPage) is watched.
  bool anyWatched(uint64_t firstPage, uint64_t endPage) const;
  bool anyWatched() const { return watchedCount_.load(std::memory_order_acquire) != 0; }
  // Something to take: recorded pages or an overflow.
  bool hasWritten() const { return pending_.load(std::memory_order_acquire); }
  // Monotonic: pages recorded as written since creation (overflowed ones
  // included). A translator compares it before reading guest code and before
  // publishing the translation to detect a write in between.
  uint64_t writeCount() const { return writeCount_.load(std::memory_order_acquire); }
  // Write faults resolved by the handler since creation (for tests, stats).
  uint64_t resolvedFaults() const { return resolvedFaults_.load(std::memory_order_relaxed); }

  // ---- Mutators: call with the Lock held -----------------------------------
  // The spin lock above. Held only briefly, around host protection changes;
  // never while calling back into other parts.
  class Lock {
  public:
    explicit Lock(CodeWatch &watch) : watch_(watch) { watch_.lock(); }
    ~Lock() { watch_.unlock(); }
    Lock(const Lock &) = delete;
    Lock &operator=(const Lock &) = delete;

  private:
    CodeWatch &watch_;
  };

  // Makes [firstPage, endPage) host read-only and watched. The caller has
  // checked that every page is guest-writable and executable. Returns false
  // if the host refused (vm.max_map_count); those pages stay unwatched.
  bool watchLocked(uint64_t firstPage, uint64_t endPage);
  // Un-watches the watched pages of [firstPage, endPage). restoreWrite: give
  // them host write permission back (the guest mapping stays); otherwise the
  // caller has just replaced their host mapping or protection. record: add
  // them to the written ring (their translations may now be stale and
  // nothing else drops them). Always bumps the generation (see
  // resolveWriteFault): call it after every host mapping or protection
  // change in the guest range. Returns false if a host mprotect failed.
  bool unwatchLocked(uint64_t firstPage, uint64_t endPage, bool restoreWrite, bool record);

  // ---- The host signal handler ----------------------------------------------
  enum class FaultResult {
    Resolved,   // was watched: now writable, recorded; return and retry
    NotWatched, // not ours; `generation` tells whether any page changed
    Failed,     // the host refused to restore write permission
  };
  // For a host write fault at guestAddress. `generation` receives the
  // generation (bumped by every resolution and every unwatchLocked), read
  // under the lock: a handler that sees it changed since this thread's last
  // fault retries the store once, because the fault may predate another
  // thread's resolution of the same page or a guest mprotect/mmap.
  FaultResult resolveWriteFault(uint64_t guestAddress, uint64_t &generation);

  // ---- The dispatcher ---------------------------------------------------------
  WrittenCodePages take();

private:
  CodeWatch(uint8_t *base, std::atomic<uint64_t> *bits) : base_(base), bits_(bits) {}
  void lock();
  void unlock() { locked_.store(false, std::memory_order_release); }
  void recordLocked(uint64_t page);
  bool hostProtect(uint64_t firstPage, uint64_t endPage, int prot);

  // Pages per summary chunk: one host page of bitmap words.
  static constexpr uint64_t kChunkPages = kPageSize * 8;
  static constexpr uint64_t kChunkCount = kPageCount / kChunkPages;

  uint8_t *base_;
  std::atomic<uint64_t> *bits_; // kPageCount bits, MAP_NORESERVE, lazily backed
  std::atomic<bool> locked_{false};
  std::atomic<uint64_t> watchedCount_{0};
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> writeCount_{0};
  std::atomic<bool> pending_{false}; // ring non-empty or overflowed
  std::atomic<uint64_t> resolvedFaults_{0};
  // Watched pages per chunk: written under the lock, read lock-free to skip
  // empty chunks quickly.
  std::atomic<uint32_t> chunkWatched_[kChunkCount] = {};
  // Written pages, in order; under the lock (the handler writes it too).
  uint64_t ring_[kRingSize];
  size_t ringLength_ = 0;
  bool overflowed_ = false;
};

} // namespace tiercel::user
