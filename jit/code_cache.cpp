// The tier-1 code cache (see code_cache.h): shared anonymous memory mapped
// as an exec view inside one reservation below 2 GiB followed by the data area, plus a write
// view elsewhere; two bump allocators per area (transient up, permanent
// down).
#include "jit/code_cache.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "llvm/Support/ErrorHandling.h"

namespace tiercel::jit {

namespace {

// Transient data beyond this is zeroed by dropping its pages (the next
// touch maps fresh zero pages) instead of writing zeros.
constexpr size_t kZeroByMadviseBytes = size_t{64} << 10;

llvm::Error errnoError(const char *what) {
  int saved = errno;
  return llvm::createStringError(std::error_code(saved, std::generic_category()),
                                 "code cache: %s failed: %s", what, std::strerror(saved));
}

size_t hostPageSize() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

bool roundUpToPage(size_t bytes, size_t page, size_t &rounded) {
  if (bytes > SIZE_MAX - (page - 1))
    return false;
  rounded = (bytes + page - 1) & ~(page - 1);
  return true;
}

uintptr_t alignUp(uintptr_t value, size_t align) { return (value + align - 1) & ~(align - 1); }
uintptr_t alignDown(uintptr_t value, size_t align) { return value & ~(align - 1); }

void checkAlign(size_t align) {
  if (align == 0 || (align & (align - 1)) != 0)
    llvm::report_fatal_error(llvm::Twine("code cache: alignment ") + llvm::Twine(align) +
                             " is not a power of two");
}

// Two views of the same new shared anonymous pages: a write view (rw-)
// anywhere and an exec view (r-x) at `execAt`, replacing what is there.
// mremap with old size 0 of a shared mapping maps the same pages again;
// the exec view is RW for the instant between mremap and mprotect, before
// any code is written, so no page is ever writable and executable with
// code in it. Shared anonymous memory (shown as /dev/zero in /proc/maps),
// not a memfd: perf only consults /tmp/perf-PID.map for anonymous
// mappings, and the perf map is how -perfmap names blocks.
llvm::Error mapCodeViews(uint8_t *execAt, size_t bytes, uint8_t *&writeView) {
  void *write = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (write == MAP_FAILED)
    return errnoError("mmap of the code write view");
  void *exec = mremap(write, 0, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, execAt);
  if (exec == MAP_FAILED || mprotect(exec, bytes, PROT_READ | PROT_EXEC) != 0) {
    llvm::Error error = errnoError("mremap of the code exec view");
    munmap(write, bytes);
    return error;
  }
  writeView = static_cast<uint8_t *>(write);
  return llvm::Error::success();
}

// Zeroes [begin, end) of private anonymous memory.
void zeroAnonymous(uint8_t *begin, uint8_t *end) {
  size_t bytes = end - begin;
  if (bytes >= kZeroByMadviseBytes) {
    size_t page = hostPageSize();
    auto pagesBegin =
        reinterpret_cast<uint8_t *>(alignUp(reinterpret_cast<uintptr_t>(begin), page));
    auto pagesEnd = reinterpret_cast<uint8_t *>(alignDown(reinterpret_cast<uintptr_t>(end), page));
    if (madvise(pagesBegin, pagesEnd - pagesBegin, MADV_DONTNEED) == 0) {
      std::memset(begin, 0, pagesBegin - begin);
      std::memset(pagesEnd, 0, end - pagesEnd);
      return;
    }
  }
  std::memset(begin, 0, bytes);
}

// A PROT_NONE reservation of `bytes` below 2 GiB: the first free slot from
// 256 MiB up (below that live the host binary of a non-PIE build and the
// guest of other emulators; ASan's shadow starts just under 2 GiB, where
// the search stops).
void *reserveBelow2GiB(size_t bytes) {
  constexpr uintptr_t kFirst = uintptr_t{1} << 28, kLimit = uintptr_t{1} << 31,
                      kStep = uintptr_t{1} << 24;
  for (uintptr_t at = kFirst; at + bytes <= kLimit; at += kStep) {
    void *result = mmap(reinterpret_cast<void *>(at), bytes, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (result != MAP_FAILED)
      return result;
    if (errno != EEXIST)
      return MAP_FAILED;
  }
  errno = ENOMEM;
  return MAP_FAILED;
}

} // namespace

llvm::Expected<std::unique_ptr<CodeCache>> CodeCache::create(size_t codeBytes, size_t dataBytes) {
  size_t page = hostPageSize();
  size_t code = 0, data = 0;
  if (codeBytes == 0)
    return llvm::createStringError("code cache: the code area cannot be empty");
  if (!roundUpToPage(codeBytes, page, code) || !roundUpToPage(dataBytes, page, data) ||
      code > kMaxTotalBytes || data > kMaxTotalBytes - code)
    return llvm::createStringError(
        "code cache: %zu bytes of code + %zu bytes of data exceed %zu bytes (the reach of a "
        "rip-relative displacement)",
        codeBytes, dataBytes, kMaxTotalBytes);

  // Reserve the whole range first so the exec view and the data area are
  // adjacent and nothing else lands in between. The range lies below 2 GiB:
  // stencils may address holes (counters, the jump cache, jump targets)
  // with 32-bit absolute fields as well as rip-relative ones (the small and
  // medium code models assume symbols in [0, 2^31)).
  void *reservation = reserveBelow2GiB(code + data);
  if (reservation == MAP_FAILED)
    return errnoError("mmap of the code cache reservation below 2 GiB");
  auto *base = static_cast<uint8_t *>(reservation);
  auto fail = [&](llvm::Error error) -> llvm::Error {
    munmap(base, code + data);
    return error;
  };

  if (data != 0 &&
      mmap(base + code, data, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
    return fail(errnoError("mmap of the code cache data area"));

  uint8_t *writeView = nullptr;
  llvm::Error mapped = mapCodeViews(base, code, writeView);
  if (mapped)
    return fail(std::move(mapped));
  return std::unique_ptr<CodeCache>(new CodeCache(base, writeView, code, data));
}

CodeCache::CodeCache(uint8_t *reservation, uint8_t *writeBase, size_t codeBytes, size_t dataBytes)
    : execBase_(reservation), writeBase_(writeBase), dataBase_(reservation + codeBytes),
      codeCapacity_(codeBytes), dataCapacity_(dataBytes), codeTransientTop_(reservation),
      codeTransientHighWater_(reservation), codePermanentBottom_(reservation + codeBytes),
      dataTransientTop_(dataBase_), dataPermanentBottom_(dataBase_ + dataBytes) {}

CodeCache::~CodeCache() {
  munmap(writeBase_, codeCapacity_);
  munmap(execBase_, codeCapacity_ + dataCapacity_);
  for (size_t view = 1; view < viewOffsets_.size(); ++view)
    munmap(dataBase_ + viewOffsets_[view], dataCapacity_);
}

void CodeCache::failOutsideCode(const uint8_t *execAddress, size_t bytes) const {
  llvm::report_fatal_error(llvm::Twine("code cache: [") +
                           llvm::Twine::utohexstr(reinterpret_cast<uintptr_t>(execAddress)) +
                           ", +" + llvm::Twine(bytes) + ") is outside the code area [" +
                           llvm::Twine::utohexstr(reinterpret_cast<uintptr_t>(execBase_)) + ", " +
                           llvm::Twine::utohexstr(reinterpret_cast<uintptr_t>(codeEnd())) + ")");
}

void CodeCache::fillWithTraps(uint8_t *execBegin, uint8_t *execEnd) {
  if (execEnd > execBegin)
    std::memset(writable(execBegin), kTrapByte, execEnd - execBegin);
}

// ---- Allocation -----------------------------------------------------------

uint8_t *CodeCache::allocateCode(size_t bytes, size_t align) {
  checkAlign(align);
  auto top = reinterpret_cast<uintptr_t>(codeTransientTop_);
  uintptr_t start = alignUp(top, align);
  auto limit = reinterpret_cast<uintptr_t>(codePermanentBottom_);
  if (start < top || start > limit || bytes > limit - start)
    return nullptr;
  auto *result = reinterpret_cast<uint8_t *>(start);
  fillWithTraps(codeTransientTop_, result);
  codeTransientTop_ = result + bytes;
  if (codeTransientTop_ > codeTransientHighWater_)
    codeTransientHighWater_ = codeTransientTop_;
  lastCode_ = result;
  return result;
}

uint8_t *CodeCache::allocatePermanentCode(size_t bytes, size_t align) {
  checkAlign(align);
  auto bottom = reinterpret_cast<uintptr_t>(codePermanentBottom_);
  auto limit = reinterpret_cast<uintptr_t>(codeTransientTop_);
  if (bytes > bottom - limit)
    return nullptr;
  uintptr_t start = alignDown(bottom - bytes, align);
  if (start < limit)
    return nullptr;
  auto *result = reinterpret_cast<uint8_t *>(start);
  fillWithTraps(result + bytes, codePermanentBottom_);
  codePermanentBottom_ = result;
  return result;
}

void *CodeCache::allocateData(size_t bytes, size_t align) {
  checkAlign(align);
  auto top = reinterpret_cast<uintptr_t>(dataTransientTop_);
  uintptr_t start = alignUp(top, align);
  auto limit = reinterpret_cast<uintptr_t>(dataPermanentBottom_);
  if (start < top || start > limit || bytes > limit - start)
    return nullptr;
  // Already zero: fresh anonymous memory, or zeroed by the last flush.
  dataTransientTop_ = reinterpret_cast<uint8_t *>(start + bytes);
  return reinterpret_cast<void *>(start);
}

void *CodeCache::allocatePermanentData(size_t bytes, size_t align) {
  checkAlign(align);
  auto bottom = reinterpret_cast<uintptr_t>(dataPermanentBottom_);
  auto limit = reinterpret_cast<uintptr_t>(dataTransientTop_);
  if (bytes > bottom - limit)
    return nullptr;
  uintptr_t start = alignDown(bottom - bytes, align);
  if (start < limit)
    return nullptr;
  // Never used before: permanent data is not reused, and a flush zeroes the
  // transient data up to its top, so bytes below an old transient top are
  // zero too.
  dataPermanentBottom_ = reinterpret_cast<uint8_t *>(start);
  return dataPermanentBottom_;
}

void CodeCache::copyCode(uint8_t *execAddress, const void *source, size_t bytes) {
  if (reinterpret_cast<uintptr_t>(execAddress) - reinterpret_cast<uintptr_t>(execBase_) >
          codeCapacity_ ||
      bytes > static_cast<size_t>(codeEnd() - execAddress)) [[unlikely]]
    failOutsideCode(execAddress, bytes);
  std::memcpy(writeBase_ + (execAddress - execBase_), source, bytes);
}

void CodeCache::shrinkLastCode(uint8_t *execAddress, size_t usedBytes) {
  if (execAddress == nullptr || execAddress != lastCode_)
    llvm::report_fatal_error("code cache: shrinkLastCode on a block that is not the most recent "
                             "transient code allocation");
  if (usedBytes > static_cast<size_t>(codeTransientTop_ - execAddress))
    llvm::report_fatal_error(llvm::Twine("code cache: shrinkLastCode cannot grow an allocation "
                                         "of ") +
                             llvm::Twine(codeTransientTop_ - execAddress) + " bytes to " +
                             llvm::Twine(usedBytes));
  // The trimmed tail may hold half-written code; it stays below the high
  // water mark, so the next flush turns it into int3 as well.
  codeTransientTop_ = execAddress + usedBytes;
}

const uint8_t *CodeCache::veneerFor(const void *hostFunction) {
  auto [it, inserted] = veneers_.try_emplace(hostFunction, nullptr);
  if (!inserted)
    return it->second;
  uint8_t *veneer = allocatePermanentCode(kVeneerBytes, 16);
  if (!veneer) {
    veneers_.erase(it);
    return nullptr;
  }
  // jmp *0(%rip): FF /4 with ModRM 00 100 101 (rip-relative), disp32 = 0,
  // so the target is the quadword right after the instruction.
  uint8_t bytes[kVeneerBytes] = {0xff, 0x25, 0, 0, 0, 0};
  auto target = reinterpret_cast<uint64_t>(hostFunction);
  std::memcpy(bytes + 6, &target, sizeof(target));
  copyCode(veneer, bytes, sizeof(bytes));
  it->second = veneer;
  return veneer;
}

// ---- Per-thread data views ------------------------------------------------

llvm::Expected<int64_t> CodeCache::acquireDataView() {
  for (size_t view = 0; view < viewOffsets_.size(); ++view) {
    if (viewUsers_[view] == 0) {
      viewUsers_[view] = 1;
      return viewOffsets_[view];
    }
  }
  if (dataCapacity_ == 0) // nothing to count into
    return shareFirstDataView();
  void *copy = mmap(nullptr, dataCapacity_, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (copy == MAP_FAILED)
    return errnoError("mmap of a per-thread copy of the code cache data area");
  viewOffsets_.push_back(static_cast<uint8_t *>(copy) - dataBase_);
  viewUsers_.push_back(1);
  return viewOffsets_.back();
}

int64_t CodeCache::shareFirstDataView() {
  ++viewUsers_[0];
  return 0;
}

void CodeCache::releaseDataView(int64_t offset) {
  for (size_t view = 0; view < viewOffsets_.size(); ++view) {
    if (viewOffsets_[view] == offset && viewUsers_[view] != 0) {
      --viewUsers_[view];
      return;
    }
  }
}

void CodeCache::keepOnlyDataView(int64_t offset) {
  for (size_t view = 0; view < viewOffsets_.size(); ++view)
    viewUsers_[view] = viewOffsets_[view] == offset ? 1 : 0;
}

// ---- Flush and fork -------------------------------------------------------

void CodeCache::flush() {
  fillWithTraps(execBase_, codeTransientHighWater_);
  codeTransientTop_ = execBase_;
  codeTransientHighWater_ = execBase_;
  lastCode_ = nullptr;
  zeroAnonymous(dataBase_, dataTransientTop_);
  for (size_t view = 1; view < viewOffsets_.size(); ++view)
    zeroAnonymous(dataBase_ + viewOffsets_[view], dataTransientTop_ + viewOffsets_[view]);
  dataTransientTop_ = dataBase_;
  flushCount_.fetch_add(1, std::memory_order_relaxed);
}

llvm::Error CodeCache::detachAfterFork() {
  void *write =
      mmap(nullptr, codeCapacity_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (write == MAP_FAILED)
    return errnoError("mmap of the code write view after fork");
  // Copy the permanent code into the new pages BEFORE they replace the exec
  // view, so no permanent address is ever unmapped or empty.
  auto *newWrite = static_cast<uint8_t *>(write);
  size_t permanentOffset = codePermanentBottom_ - execBase_;
  std::memcpy(newWrite + permanentOffset, writeBase_ + permanentOffset,
              codeCapacity_ - permanentOffset);
  // The new exec view is made read-only and executable before it replaces
  // the old one (a second alias first, then moved over the old view).
  void *alias = mremap(write, 0, codeCapacity_, MREMAP_MAYMOVE);
  if (alias == MAP_FAILED || mprotect(alias, codeCapacity_, PROT_READ | PROT_EXEC) != 0) {
    llvm::Error error = errnoError("mremap of the code exec view after fork");
    munmap(newWrite, codeCapacity_);
    return error;
  }
  void *exec = mremap(alias, codeCapacity_, codeCapacity_, MREMAP_MAYMOVE | MREMAP_FIXED, execBase_);
  if (exec == MAP_FAILED) {
    llvm::Error error = errnoError("mremap of the code exec view after fork");
    munmap(alias, codeCapacity_);
    munmap(newWrite, codeCapacity_);
    return error;
  }
  munmap(writeBase_, codeCapacity_);
  writeBase_ = newWrite;
  // Transient blocks were not copied: make their addresses trap, in the
  // child's own pages.
  flush();
  return llvm::Error::success();
}

} // namespace tiercel::jit
