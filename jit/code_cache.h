// The tier-1 code cache: executable memory for translated blocks, the
// stencil library and veneers, plus the data area generated code addresses
// rip-relatively (counters, the jump cache, exit records).
//
// W^X by aliasing: the code lives in shared anonymous memory mapped twice,
// an exec view (r-x, where code runs) and a write view (rw-, where the
// translator writes). No page is ever writable and executable through one
// mapping. (Not a memfd: perf reads /tmp/perf-PID.map only for anonymous
// mappings.)
//
// Layout: ONE virtual reservation holds [exec code view | data area], at
// most 2 GiB in total, so every code address reaches every data address and
// every other code address with a signed 32-bit rip-relative displacement.
// The write view is a separate mapping anywhere in the address space (it is
// never executed, so it need not be near anything).
//
// Two kinds of allocation share each area:
//  - transient: translated blocks and their per-block data, dropped
//    together by flush(). They grow UP from the start of the area, so the
//    most recent code allocation can be trimmed (shrinkLastCode) by moving
//    the transient top back.
//  - permanent: live as long as the cache (stencil library code, rodata
//    copies, veneers, the jump cache). They grow DOWN from the end of the
//    area, so they may be made at any time, before or after transient ones.
// An area is full when the two tops would cross; the allocators then return
// nullptr and the caller flushes (or gives up, for permanent requests).
//
//   code:  [transient ->  ...free...  <- permanent][transient -> ... <- permanent]  :data
//          ^codeBegin                   codeEnd^ = ^dataBegin               dataEnd^
//
// Per-thread data views: tier 1's counters are bumped by every thread that
// runs a block, and one copy shared by threads on different cores would
// bounce its cache line between them at every block (on 2 cores: 2 threads
// ran 0.75x as fast as one). So each running thread bumps its own copy: a
// view is a private anonymous mapping the size of the data area, all
// zero, at a fixed distance (its offset) from it; a thread's offset is in
// CpuState::counterOffset and the counting stencils add it to a counter's
// address. View 0 is the data area itself (offset 0). Readers sum a
// counter over every view (dataViewOffsets()). Only counters and jalr
// profiles (zero-initialised, counted with +=) are read through views;
// everything else in the data area is only ever used at offset 0.
//
// Threading: allocation, copyCode, shrinkLastCode, veneerFor, flush and
// detachAfterFork are called by ONE translating thread at a time (the
// caller serialises them; flush additionally requires that no transient code
// is running). writable, containsCode, codeBegin/codeEnd, dataBegin/dataEnd
// and the capacities read fields fixed at creation and are safe from any
// thread; flushCount is an atomic so other threads may poll it cheaply; the
// *Used counters are plain reads meant for the translating thread and for
// statistics.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

// For host functions that call into generated code through a function
// pointer. UBSan's -fsanitize=function (part of TIERCEL_SANITIZE) reads 8
// bytes before every indirect callee looking for a type signature; before
// codeBegin() there is no mapping, so the check itself would fault.
#define TIERCEL_CALLS_GENERATED_CODE __attribute__((no_sanitize("function")))

namespace tiercel::jit {

class CodeCache {
public:
  // Code + data (each rounded up to pages) may not exceed this. The whole
  // reservation lies below 2 GiB, so any of its addresses fits a 32-bit
  // absolute field and any distance within it a rip-relative displacement.
  static constexpr size_t kMaxTotalBytes = size_t{1} << 30; // all of it below 2 GiB
  // `jmp *0(%rip); .quad target`.
  static constexpr size_t kVeneerBytes = 14;
  // Fill for code that is not (or no longer) live: a stale jump traps.
  static constexpr uint8_t kTrapByte = 0xcc; // int3

  // Sizes are rounded up to the host page size. codeBytes must be non-zero;
  // dataBytes may be zero (then there is no data area). Fails when the total
  // exceeds kMaxTotalBytes or when the host refuses mmap/mremap (the
  // message carries the errno text).
  static llvm::Expected<std::unique_ptr<CodeCache>> create(size_t codeBytes, size_t dataBytes);
  ~CodeCache();
  CodeCache(const CodeCache &) = delete;
  CodeCache &operator=(const CodeCache &) = delete;

  // ---- Allocation (translating thread only). ----
  // Each returns an address in the exec view (code) or the data area, or
  // nullptr when the area is full. `align` must be a power of two. Alignment
  // padding in the code area is filled with int3. Newly allocated code bytes
  // are unspecified until written through copyCode/writable(). Data is zeroed.
  uint8_t *allocateCode(size_t bytes, size_t align = 16);
  uint8_t *allocatePermanentCode(size_t bytes, size_t align = 16);
  void *allocateData(size_t bytes, size_t align = 8);
  void *allocatePermanentData(size_t bytes, size_t align = 8);

  // The write-view alias of an exec-view address (code area only).
  // One past the end (codeEnd()) is accepted; anything else outside the
  // code area aborts.
  uint8_t *writable(const uint8_t *execAddress) const {
    if (reinterpret_cast<uintptr_t>(execAddress) - reinterpret_cast<uintptr_t>(execBase_) >
        codeCapacity_) [[unlikely]]
      failOutsideCode(execAddress, 0);
    return writeBase_ + (execAddress - execBase_);
  }
  // memcpy into the exec view through its write alias.
  void copyCode(uint8_t *execAddress, const void *source, size_t bytes);
  // Gives back the unused tail of the most recent transient code allocation
  // (the translator allocates a worst case, emits, then trims to usedBytes).
  // Aborts on misuse (not the latest allocation, or growing it).
  void shrinkLastCode(uint8_t *execAddress, size_t usedBytes);

  // A permanent veneer that jumps to hostFunction, so generated code can
  // reach any host function with a call/jmp rel32. One per target (cached);
  // nullptr when the code area is full.
  const uint8_t *veneerFor(const void *hostFunction);

  // Drops all transient code and data (the caller guarantees that no
  // transient code is running and that nothing refers to it any more).
  // The transient code bytes used since the last flush become int3, the
  // transient data becomes zero again; permanent allocations are untouched.
  void flush();

  // In the child of a fork(): the code is MAP_SHARED, so without this the
  // child and the parent would write each other's code. Gives the child its
  // own shared pages holding a copy of the permanent code, at the same addresses,
  // and flushes the transient part (the parent may be patching its blocks
  // concurrently, so they are not copied; the caller drops its block map).
  // The data area is private anonymous memory, already copied by fork.
  // Relies on permanent code being immutable once written (the parent only
  // ever writes permanent bytes it allocates later, outside the copy).
  llvm::Error detachAfterFork();

  // ---- Per-thread data views (see the top of this file). ----
  // A view for a thread that starts running generated code: the offset it
  // adds to counter addresses. Views of ended threads are reused (their
  // counts stay); a new one is mapped when all are taken. Called with no
  // other thread reading the views (the world stopped). Fails when the
  // host refuses the mapping; shareFirstDataView() is the way out then.
  llvm::Expected<int64_t> acquireDataView();
  // View 0 for one more thread, whoever else counts in it (offset 0).
  int64_t shareFirstDataView();
  // A thread of this view ended: free once no thread uses it, its counts
  // kept.
  void releaseDataView(int64_t offset);
  // In the child of a fork(): only the forking thread survives; every
  // other view becomes free (flush(), which detachAfterFork calls, zeroes
  // them all).
  void keepOnlyDataView(int64_t offset);
  // Every view's offset, 0 first; a counter's total is the sum of
  // *(address + offset) over them. Changes only with the world stopped.
  const std::vector<int64_t> &dataViewOffsets() const { return viewOffsets_; }

  // ---- Queries. ----
  bool containsCode(uintptr_t hostPc) const {
    return hostPc - reinterpret_cast<uintptr_t>(execBase_) < codeCapacity_;
  }
  const uint8_t *codeBegin() const { return execBase_; }
  const uint8_t *codeEnd() const { return execBase_ + codeCapacity_; }
  const uint8_t *dataBegin() const { return dataBase_; }
  const uint8_t *dataEnd() const { return dataBase_ + dataCapacity_; }
  size_t codeCapacity() const { return codeCapacity_; }
  size_t dataCapacity() const { return dataCapacity_; }
  // Bytes taken by transient plus permanent allocations (with padding).
  size_t codeUsed() const { return transientCodeUsed() + permanentCodeUsed(); }
  size_t dataUsed() const { return transientDataUsed() + permanentDataUsed(); }
  size_t transientCodeUsed() const { return codeTransientTop_ - execBase_; }
  size_t permanentCodeUsed() const { return codeEnd() - codePermanentBottom_; }
  size_t transientDataUsed() const { return dataTransientTop_ - dataBase_; }
  size_t permanentDataUsed() const { return dataEnd() - dataPermanentBottom_; }
  uint64_t flushCount() const { return flushCount_.load(std::memory_order_relaxed); }

private:
  CodeCache(uint8_t *reservation, uint8_t *writeBase, size_t codeBytes, size_t dataBytes);
  [[noreturn]] void failOutsideCode(const uint8_t *execAddress, size_t bytes) const;
  void fillWithTraps(uint8_t *execBegin, uint8_t *execEnd);

  uint8_t *const execBase_; // start of the reservation = exec view
  uint8_t *writeBase_;      // write view (replaced by detachAfterFork)
  uint8_t *const dataBase_; // = execBase_ + codeCapacity_
  const size_t codeCapacity_;
  const size_t dataCapacity_;

  uint8_t *codeTransientTop_;       // next free transient code byte
  uint8_t *codeTransientHighWater_; // highest transient byte written since flush
  uint8_t *codePermanentBottom_;    // lowest permanent code byte
  uint8_t *lastCode_ = nullptr;     // the latest transient code allocation
  uint8_t *dataTransientTop_;
  uint8_t *dataPermanentBottom_;
  std::atomic<uint64_t> flushCount_{0};
  std::vector<int64_t> viewOffsets_{0}; // view 0: the data area itself
  std::vector<uint32_t> viewUsers_{0}; // threads counting in each view
  llvm::DenseMap<const void *, const uint8_t *> veneers_;
};

} // namespace tiercel::jit
