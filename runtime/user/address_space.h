// The guest address space of one user-mode process: ONE host reservation
// covering the whole riscv64 Sv39 user range (Linux TASK_SIZE = 256 GiB)
// plus a guard, so guest address + base = host address and a guest load or
// store is one host instruction. The host keeps the page protections
// (PROT_NONE where the guest has nothing, host pages are never executable);
// this class keeps the guest's own view (mapped ranges with R/W/X) for
// instruction fetch, EFAULT checks, SIGSEGV codes and placement, and
// implements mmap/munmap/mprotect/mremap/brk with Linux semantics
// (mm/mmap.c, mm/mremap.c, mm/mprotect.c). It also watches guest-writable
// pages that hold translated code (code_watch.h): their host pages are
// read-only so the first guest write to them is seen and reported.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "runtime/user/code_watch.h"
#include "llvm/Support/Error.h"

namespace tiercel::user {

// Guest protection bits: the Linux PROT_* values (same on riscv64 and x86-64).
enum GuestProt : int { kProtNone = 0, kProtRead = 1, kProtWrite = 2, kProtExec = 4 };

class AddressSpace {
public:
  static constexpr uint64_t kPageSize = 4096;
  // Linux riscv64 Sv39 TASK_SIZE: the highest user address + 1.
  static constexpr uint64_t kGuestSize = 1ull << 38;
  // Inaccessible host pages above the guest range: an access that starts
  // below kGuestSize but ends above it faults there instead of outside.
  static constexpr uint64_t kGuardSize = 1ull << 16;
  // vm.mmap_min_addr's default: guest mmap below it is refused (EPERM).
  static constexpr uint64_t kMinMmapAddress = 0x10000;

  static llvm::Expected<std::unique_ptr<AddressSpace>> create();
  ~AddressSpace();
  AddressSpace(const AddressSpace &) = delete;
  AddressSpace &operator=(const AddressSpace &) = delete;

  uint8_t *base() const { return base_; }
  uint64_t limit() const { return kGuestSize; }
  uint8_t *hostPointer(uint64_t guestAddress) const { return base_ + guestAddress; }
  // True when a host address lies in the reservation (guest range + guard).
  bool containsHost(const void *host) const {
    auto p = reinterpret_cast<uintptr_t>(host), b = reinterpret_cast<uintptr_t>(base_);
    return p >= b && p - b < kGuestSize + kGuardSize;
  }

  // Guest permission checks. isAccessible: every byte of [address, +length)
  // is mapped readable (write == false) or writable (write == true); a zero
  // length is accessible. Syscalls use it before hostPointer (EFAULT).
  bool isAccessible(uint64_t guestAddress, uint64_t length, bool write) const;
  bool isExecutable(uint64_t guestAddress, uint64_t length) const;
  // Any mapping at all (SEGV_MAPERR vs SEGV_ACCERR).
  bool isMapped(uint64_t guestAddress) const;
  // Guest protection of the page holding guestAddress, or -1 when unmapped.
  int protectionAt(uint64_t guestAddress) const;

  // ---- Linux memory syscalls: return a guest address / 0 or -errno. ----
  int64_t map(uint64_t address, uint64_t length, int prot, int flags, int fd, uint64_t offset);
  int64_t unmap(uint64_t address, uint64_t length);
  int64_t protect(uint64_t address, uint64_t length, int prot);
  int64_t remap(uint64_t oldAddress, uint64_t oldLength, uint64_t newLength, int flags,
                uint64_t newAddress);
  int64_t advise(uint64_t address, uint64_t length, int advice);
  int64_t brk(uint64_t requested);

  // ---- For the loader and the process set-up (no mmap_min_addr check). ----
  // Anonymous private zero-filled mapping at a fixed page-aligned address,
  // replacing whatever was there. Returns false if the host refused.
  bool mapFixedAnonymous(uint64_t address, uint64_t length, int prot);
  // Highest free range of `length` bytes below the mmap base (Linux's
  // top-down allocator), aligned to `alignment`; falls back to the space
  // above it. nullopt when the space is full.
  std::optional<uint64_t> findFreeRange(uint64_t length, uint64_t alignment = kPageSize) const;
  bool isFree(uint64_t address, uint64_t length) const;

  void setBrkStart(uint64_t address);
  uint64_t brkStart() const { return brkStart_; }
  uint64_t currentBrk() const { return brk_; }
  void setMmapBase(uint64_t address) { mmapBase_ = address; }
  uint64_t mmapBase() const { return mmapBase_; }

  // Called with a guest range whose code may have changed or disappeared
  // (munmap, mprotect, mremap or MAP_FIXED over an executable mapping), so
  // translations of it are dropped.
  using InvalidateCallback = std::function<void(uint64_t start, uint64_t length)>;
  void setCodeInvalidationCallback(InvalidateCallback callback) {
    invalidate_ = std::move(callback);
  }

  // ---- Guest writes to translated code (code_watch.h) ----
  // The translator calls this for the guest range of a block it translates,
  // BEFORE reading the instructions (a write after the read is then
  // reported). Pages that are guest-writable and executable become watched:
  // host read-only until the first write. Other pages need no watch: they
  // change only through mmap/munmap/mprotect/mremap, which already call the
  // invalidation callback. Idempotent; when every page is already watched it
  // is a few bit tests, no lock or syscall. Returns false only if a page
  // could not be watched (host mprotect refused, e.g. vm.max_map_count, or
  // the range leaves the guest space): writes to it would go unnoticed, so
  // the translator must not keep code from it beyond the next fence.i.
  bool watchCodeRange(uint64_t start, uint64_t length);
  bool isCodeWatched(uint64_t guestAddress) const {
    return watch_->isWatched(guestAddress / kPageSize);
  }
  // Before a host syscall writes guest memory at [address, +length): the host
  // kernel would fail with EFAULT on a watched (host read-only) page instead
  // of faulting, so the watched pages there are un-watched, made writable and
  // reported as written. Cheap when nothing is watched.
  void prepareHostWrite(uint64_t address, uint64_t length);
  // The pages written since the last call (the dispatcher drops their
  // translations; overflowed: drop everything). Any thread.
  WrittenCodePages takeWrittenCodePages() { return watch_->take(); }
  // One atomic load: is there anything for takeWrittenCodePages()?
  bool hasWrittenCodePages() const { return watch_->hasWritten(); }
  // Monotonic count of pages reported written; a translator on one thread
  // reads it before reading guest code and again when publishing, and
  // retranslates if it moved (another thread wrote a code page meanwhile).
  uint64_t codeWriteCount() const { return watch_->writeCount(); }
  // For the host signal handler (host_signals.cpp).
  CodeWatch &codeWatch() const { return *watch_; }

  // One guest mapping (a Linux VMA), for tests and /proc/self/maps.
  struct Mapping {
    uint64_t start;
    uint64_t end;
    int prot;
    bool shared;
    bool anonymous;
  };
  std::vector<Mapping> mappings() const;

private:
  struct Vma {
    uint64_t end;
    int prot;
    bool shared;
    bool anonymous;
  };
  AddressSpace(uint8_t *base, std::unique_ptr<CodeWatch> watch)
      : base_(base), watch_(std::move(watch)) {}

  // Unlocked helpers; the public entry points hold mutex_.
  const Vma *findVma(uint64_t address, uint64_t *start = nullptr) const;
  bool isFreeLocked(uint64_t address, uint64_t length) const;
  std::optional<uint64_t> findFreeLocked(uint64_t length, uint64_t alignment) const;
  bool fullyMappedLocked(uint64_t address, uint64_t length) const;
  void splitAt(uint64_t address);
  void eraseRange(uint64_t start, uint64_t end);
  void insertVma(uint64_t start, uint64_t end, const Vma &vma);
  void invalidateExecutable(uint64_t start, uint64_t end);
  // Returns [start, end) to the PROT_NONE reservation on the host.
  bool releaseHost(uint64_t start, uint64_t end);
  int64_t unmapLocked(uint64_t start, uint64_t end);
  bool mapAnonymousLocked(uint64_t start, uint64_t end, int prot, bool shared);
  // Un-watches [start, end) with write permission back and reports it as
  // written, before a host mremap (it needs one host VMA, and moves or
  // extends the pages' host protection with them).
  void releaseWatchesLocked(uint64_t start, uint64_t end);

  uint8_t *base_;
  // Lock order: mutex_, then the watch's spin lock (held around host
  // protection changes only, never across the invalidation callback).
  std::unique_ptr<CodeWatch> watch_;
  mutable std::mutex mutex_;
  std::map<uint64_t, Vma> vmas_; // key: start address
  uint64_t brkStart_ = 0;
  uint64_t brk_ = 0;
  uint64_t mmapBase_ = kGuestSize / 2;
  InvalidateCallback invalidate_;
};

inline uint64_t pageAlignDown(uint64_t value) { return value & ~(AddressSpace::kPageSize - 1); }
// Rounds up; returns 0 on overflow past 2^64 (callers compare with length).
inline uint64_t pageAlignUp(uint64_t value) {
  return (value + AddressSpace::kPageSize - 1) & ~(AddressSpace::kPageSize - 1);
}

} // namespace tiercel::user
