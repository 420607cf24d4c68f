// The guest address space: one host reservation and the guest's map of it
// (see address_space.h). Placement and error codes follow Linux's mm/mmap.c,
// mm/mremap.c and mm/mprotect.c so guest libcs see what they would see on a
// riscv64 kernel.
#include "runtime/user/address_space.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/user/host_signals.h"

namespace tiercel::user {

namespace {

// Linux mmap flag values (asm-generic/mman-common.h; x86-64 uses the same
// values for every flag below).
constexpr int kMapShared = 0x01;
constexpr int kMapPrivate = 0x02;
constexpr int kMapSharedValidate = 0x03;
constexpr int kMapTypeMask = 0x0f;
constexpr int kMapFixed = 0x10;
constexpr int kMapAnonymous = 0x20;
constexpr int kMapFixedNoReplace = 0x100000;

constexpr int kMremapMayMove = 1;
constexpr int kMremapFixed = 2;

constexpr int kMadvDontNeed = 4;

// Host protection for a guest protection: host pages are never executable
// (the guest's code is interpreted or translated), and a guest-executable
// page must be host-readable so instruction fetch can read it.
int hostProt(int prot) {
  int host = PROT_NONE;
  if (prot & (kProtRead | kProtExec))
    host |= PROT_READ;
  if (prot & kProtWrite)
    host |= PROT_READ | PROT_WRITE;
  return host;
}

uint64_t pageNumber(uint64_t address) { return address / AddressSpace::kPageSize; }
uint64_t pageNumberUp(uint64_t address) {
  return (address + AddressSpace::kPageSize - 1) / AddressSpace::kPageSize;
}

// Giving a watched page its write permission back failed: the guest would
// see spurious faults or EFAULTs from then on, so stop loudly.
[[noreturn]] void watchRestoreFailed() {
  std::fprintf(stderr, "tiercel-riscv64: internal error: cannot restore write permission of a "
                       "watched code page (host mprotect failed)\n");
  std::abort();
}

} // namespace

static_assert(CodeWatch::kPageSize == AddressSpace::kPageSize &&
              CodeWatch::kPageCount * CodeWatch::kPageSize == AddressSpace::kGuestSize);

llvm::Expected<std::unique_ptr<AddressSpace>> AddressSpace::create() {
  long hostPage = sysconf(_SC_PAGESIZE);
  if (hostPage != static_cast<long>(kPageSize))
    return llvm::createStringError("unimplemented: host page size %ld (only 4096 is supported)",
                                   hostPage);
  void *reservation = mmap(nullptr, kGuestSize + kGuardSize, PROT_NONE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reservation == MAP_FAILED)
    return llvm::createStringError(
        "cannot reserve %llu GiB of host address space for the guest: %s (is `ulimit -v` set?)",
        static_cast<unsigned long long>((kGuestSize + kGuardSize) >> 30), std::strerror(errno));
  auto watch = CodeWatch::create(static_cast<uint8_t *>(reservation));
  if (!watch) {
    munmap(reservation, kGuestSize + kGuardSize);
    return watch.takeError();
  }
  return std::unique_ptr<AddressSpace>(
      new AddressSpace(static_cast<uint8_t *>(reservation), std::move(*watch)));
}

AddressSpace::~AddressSpace() {
  detachHostSignalHandlers(*this);
  munmap(base_, kGuestSize + kGuardSize);
}

// ---- The VMA map ----------------------------------------------------------

const AddressSpace::Vma *AddressSpace::findVma(uint64_t address, uint64_t *start) const {
  auto it = vmas_.upper_bound(address);
  if (it == vmas_.begin())
    return nullptr;
  --it;
  if (address >= it->second.end)
    return nullptr;
  if (start)
    *start = it->first;
  return &it->second;
}

void AddressSpace::splitAt(uint64_t address) {
  auto it = vmas_.upper_bound(address);
  if (it == vmas_.begin())
    return;
  --it;
  if (it->first == address || address >= it->second.end)
    return;
  Vma tail = it->second;
  it->second.end = address;
  vmas_.emplace(address, tail);
}

void AddressSpace::eraseRange(uint64_t start, uint64_t end) {
  splitAt(start);
  splitAt(end);
  vmas_.erase(vmas_.lower_bound(start), vmas_.lower_bound(end));
}

void AddressSpace::insertVma(uint64_t start, uint64_t end, const Vma &vma) {
  eraseRange(start, end);
  Vma copy = vma;
  copy.end = end;
  vmas_.emplace(start, copy);
}

bool AddressSpace::isFreeLocked(uint64_t address, uint64_t length) const {
  if (length == 0 || address + length < address || address + length > kGuestSize)
    return false;
  auto it = vmas_.lower_bound(address);
  if (it != vmas_.end() && it->first < address + length)
    return false;
  if (it != vmas_.begin() && std::prev(it)->second.end > address)
    return false;
  return true;
}

bool AddressSpace::fullyMappedLocked(uint64_t address, uint64_t length) const {
  uint64_t cursor = address, end = address + length;
  while (cursor < end) {
    const Vma *vma = findVma(cursor);
    if (!vma)
      return false;
    cursor = vma->end;
  }
  return true;
}

std::optional<uint64_t> AddressSpace::findFreeLocked(uint64_t length, uint64_t alignment) const {
  if (length == 0 || length > kGuestSize)
    return std::nullopt;
  // Top-down from `top` to kMinMmapAddress, walking the gaps between VMAs
  // from the highest down, as Linux's arch_get_unmapped_area_topdown.
  auto searchBelow = [&](uint64_t top) -> std::optional<uint64_t> {
    auto it = vmas_.lower_bound(top);
    for (;;) {
      uint64_t gapBottom = kMinMmapAddress;
      if (it != vmas_.begin())
        gapBottom = std::max(gapBottom, std::prev(it)->second.end);
      if (top >= gapBottom && top - gapBottom >= length) {
        uint64_t candidate = (top - length) & ~(alignment - 1);
        if (candidate >= gapBottom)
          return candidate;
      }
      if (it == vmas_.begin())
        return std::nullopt;
      --it;
      top = std::min(top, it->first);
      if (top <= kMinMmapAddress)
        return std::nullopt;
    }
  };
  if (auto found = searchBelow(mmapBase_))
    return found;
  return searchBelow(kGuestSize); // Linux falls back to a bottom-up search
}

void AddressSpace::invalidateExecutable(uint64_t start, uint64_t end) {
  if (!invalidate_)
    return;
  auto it = vmas_.upper_bound(start);
  if (it != vmas_.begin())
    --it;
  for (; it != vmas_.end() && it->first < end; ++it) {
    if (it->second.end <= start || !(it->second.prot & kProtExec))
      continue;
    uint64_t lo = std::max(start, it->first), hi = std::min(end, it->second.end);
    invalidate_(lo, hi - lo);
  }
}

// Every host mapping change below happens under the watch lock together with
// the un-watching of the replaced pages, so the host fault handler never sees
// a watched bit that disagrees with the host protection. The replaced pages
// are not reported written: the callers invalidate executable ranges.

bool AddressSpace::releaseHost(uint64_t start, uint64_t end) {
  CodeWatch::Lock watchLock(*watch_);
  void *host = mmap(base_ + start, end - start, PROT_NONE,
                    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  watch_->unwatchLocked(pageNumber(start), pageNumber(end), false, false);
  return host != MAP_FAILED;
}

bool AddressSpace::mapAnonymousLocked(uint64_t start, uint64_t end, int prot, bool shared) {
  int flags = MAP_FIXED | MAP_ANONYMOUS | MAP_NORESERVE | (shared ? MAP_SHARED : MAP_PRIVATE);
  {
    CodeWatch::Lock watchLock(*watch_);
    if (mmap(base_ + start, end - start, hostProt(prot), flags, -1, 0) == MAP_FAILED)
      return false;
    watch_->unwatchLocked(pageNumber(start), pageNumber(end), false, false);
  }
  insertVma(start, end, Vma{end, prot, shared, true});
  return true;
}

void AddressSpace::releaseWatchesLocked(uint64_t start, uint64_t end) {
  if (!watch_->anyWatched(pageNumber(start), pageNumberUp(end)))
    return;
  {
    CodeWatch::Lock watchLock(*watch_);
    if (!watch_->unwatchLocked(pageNumber(start), pageNumberUp(end), true, true))
      watchRestoreFailed();
  }
  requestThreadExit();
}

// ---- Code watch -------------------------------------------------------------

bool AddressSpace::watchCodeRange(uint64_t start, uint64_t length) {
  if (length == 0)
    return true;
  uint64_t end = start + length;
  if (end < start || end > kGuestSize)
    return false;
  uint64_t first = pageNumber(start), last = pageNumberUp(end);
  if (watch_->allWatched(first, last))
    return true;
  std::lock_guard lock(mutex_);
  // Taken only for writable code, so translating ordinary read-only text
  // never contends with the fault handler.
  std::optional<CodeWatch::Lock> watchLock;
  bool ok = true;
  uint64_t lo = first * kPageSize, hi = last * kPageSize;
  auto it = vmas_.upper_bound(lo);
  if (it != vmas_.begin())
    --it;
  for (; it != vmas_.end() && it->first < hi; ++it) {
    const Vma &vma = it->second;
    if (vma.end <= lo || (vma.prot & (kProtWrite | kProtExec)) != (kProtWrite | kProtExec))
      continue;
    uint64_t from = std::max(lo, it->first), to = std::min(hi, vma.end);
    if (!watchLock)
      watchLock.emplace(*watch_);
    ok &= watch_->watchLocked(pageNumber(from), pageNumber(to));
  }
  return ok;
}

void AddressSpace::prepareHostWrite(uint64_t address, uint64_t length) {
  if (length == 0 || !watch_->anyWatched() || address >= kGuestSize)
    return;
  uint64_t end = address + length;
  if (end < address || end > kGuestSize)
    end = kGuestSize;
  uint64_t first = pageNumber(address), last = pageNumberUp(end);
  if (!watch_->anyWatched(first, last))
    return;
  // No mutex_: a watched page is guest-writable (a guest mmap, munmap or
  // mprotect of it un-watches it under the watch lock), so giving it its
  // write permission back is right whatever else is going on.
  {
    CodeWatch::Lock watchLock(*watch_);
    if (!watch_->unwatchLocked(first, last, true, true))
      watchRestoreFailed();
  }
  requestThreadExit();
}

// ---- Queries ----------------------------------------------------------------

bool AddressSpace::isAccessible(uint64_t guestAddress, uint64_t length, bool write) const {
  if (length == 0)
    return guestAddress <= kGuestSize;
  uint64_t end = guestAddress + length;
  if (end < guestAddress || end > kGuestSize)
    return false;
  int need = write ? kProtWrite : kProtRead;
  std::lock_guard lock(mutex_);
  for (uint64_t cursor = guestAddress; cursor < end;) {
    const Vma *vma = findVma(cursor);
    if (!vma || !(vma->prot & need))
      return false;
    cursor = vma->end;
  }
  return true;
}

bool AddressSpace::isExecutable(uint64_t guestAddress, uint64_t length) const {
  uint64_t end = guestAddress + length;
  if (end < guestAddress || end > kGuestSize)
    return false;
  std::lock_guard lock(mutex_);
  for (uint64_t cursor = guestAddress; cursor < end;) {
    const Vma *vma = findVma(cursor);
    if (!vma || !(vma->prot & kProtExec))
      return false;
    cursor = vma->end;
  }
  return true;
}

bool AddressSpace::isMapped(uint64_t guestAddress) const {
  std::lock_guard lock(mutex_);
  return findVma(guestAddress) != nullptr;
}

int AddressSpace::protectionAt(uint64_t guestAddress) const {
  std::lock_guard lock(mutex_);
  const Vma *vma = findVma(guestAddress);
  return vma ? vma->prot : -1;
}

bool AddressSpace::isFree(uint64_t address, uint64_t length) const {
  std::lock_guard lock(mutex_);
  return isFreeLocked(address, length);
}

std::optional<uint64_t> AddressSpace::findFreeRange(uint64_t length, uint64_t alignment) const {
  std::lock_guard lock(mutex_);
  return findFreeLocked(pageAlignUp(length), std::max(alignment, kPageSize));
}

std::vector<AddressSpace::Mapping> AddressSpace::mappings() const {
  std::lock_guard lock(mutex_);
  std::vector<Mapping> out;
  for (const auto &[start, vma] : vmas_)
    out.push_back(Mapping{start, vma.end, vma.prot, vma.shared, vma.anonymous});
  return out;
}

// ---- Set-up ---------------------------------------------------------------

bool AddressSpace::mapFixedAnonymous(uint64_t address, uint64_t length, int prot) {
  if (address % kPageSize || length == 0)
    return false;
  uint64_t end = pageAlignUp(address + length);
  if (end <= address || end > kGuestSize)
    return false;
  std::lock_guard lock(mutex_);
  invalidateExecutable(address, end);
  return mapAnonymousLocked(address, end, prot, false);
}

void AddressSpace::setBrkStart(uint64_t address) {
  std::lock_guard lock(mutex_);
  brkStart_ = brk_ = address;
}

// ---- mmap -----------------------------------------------------------------

int64_t AddressSpace::map(uint64_t address, uint64_t length, int prot, int flags, int fd,
                          uint64_t offset) {
  if (length == 0)
    return -EINVAL;
  uint64_t size = pageAlignUp(length);
  if (size < length || size > kGuestSize)
    return -ENOMEM;
  if (offset % kPageSize)
    return -EINVAL;
  int type = flags & kMapTypeMask;
  if (type != kMapShared && type != kMapPrivate && type != kMapSharedValidate)
    return -EINVAL;
  if (prot & ~(kProtRead | kProtWrite | kProtExec))
    return -EINVAL;
  bool shared = type != kMapPrivate;
  bool anonymous = flags & kMapAnonymous;
  bool fixed = flags & (kMapFixed | kMapFixedNoReplace);

  std::lock_guard lock(mutex_);
  uint64_t start;
  if (fixed) {
    if (address % kPageSize)
      return -EINVAL;
    if (address > kGuestSize - size)
      return -ENOMEM;
    if (address < kMinMmapAddress)
      return -EPERM;
    if ((flags & kMapFixedNoReplace) && !isFreeLocked(address, size))
      return -EEXIST;
    start = address;
  } else {
    // A hint is honoured when the range there is free (Linux's
    // get_unmapped_area); otherwise the top-down allocator picks.
    uint64_t hint = pageAlignDown(address);
    if (hint >= kMinMmapAddress && hint <= kGuestSize - size && isFreeLocked(hint, size)) {
      start = hint;
    } else {
      auto found = findFreeLocked(size, kPageSize);
      if (!found)
        return -ENOMEM;
      start = *found;
    }
  }
  uint64_t end = start + size;

  if (anonymous) {
    invalidateExecutable(start, end);
    if (!mapAnonymousLocked(start, end, prot, shared))
      return -ENOMEM;
    return static_cast<int64_t>(start);
  }

  // File mapping: the host maps the guest's file descriptor (guest fds are
  // host fds) right into the reservation.
  int hostFlags = MAP_FIXED | (type == kMapSharedValidate ? MAP_SHARED_VALIDATE
                               : shared                   ? MAP_SHARED
                                                          : MAP_PRIVATE);
  void *host;
  int error;
  {
    CodeWatch::Lock watchLock(*watch_);
    host = mmap(base_ + start, size, hostProt(prot), hostFlags, fd, static_cast<off_t>(offset));
    error = errno;
    if (host != MAP_FAILED)
      watch_->unwatchLocked(pageNumber(start), pageNumber(end), false, false);
  }
  if (host == MAP_FAILED) {
    // The host may have dropped what was there before failing; give the
    // guest an unmapped hole rather than a stale view.
    if (fixed) {
      invalidateExecutable(start, end);
      eraseRange(start, end);
      releaseHost(start, end);
    }
    return -error;
  }
  invalidateExecutable(start, end);
  insertVma(start, end, Vma{end, prot, shared, false});
  return static_cast<int64_t>(start);
}

// ---- munmap ---------------------------------------------------------------

int64_t AddressSpace::unmapLocked(uint64_t start, uint64_t end) {
  invalidateExecutable(start, end);
  eraseRange(start, end);
  if (!releaseHost(start, end))
    return -ENOMEM;
  return 0;
}

int64_t AddressSpace::unmap(uint64_t address, uint64_t length) {
  if (address % kPageSize || length == 0)
    return -EINVAL;
  uint64_t size = pageAlignUp(length);
  if (size < length || size > kGuestSize || address > kGuestSize - size)
    return -EINVAL;
  std::lock_guard lock(mutex_);
  return unmapLocked(address, address + size);
}

// ---- mprotect -------------------------------------------------------------

int64_t AddressSpace::protect(uint64_t address, uint64_t length, int prot) {
  // PROT_GROWSDOWN/UP only widen the range on stacks; treat them as absent.
  constexpr int kProtGrowsDown = 0x01000000, kProtGrowsUp = 0x02000000;
  if (address % kPageSize)
    return -EINVAL;
  if (prot & ~(kProtRead | kProtWrite | kProtExec | kProtGrowsDown | kProtGrowsUp))
    return -EINVAL;
  prot &= kProtRead | kProtWrite | kProtExec;
  if (length == 0)
    return 0;
  uint64_t size = pageAlignUp(length);
  if (size < length || address > kGuestSize - size)
    return -ENOMEM;
  uint64_t end = address + size;
  std::lock_guard lock(mutex_);
  if (!fullyMappedLocked(address, size))
    return -ENOMEM;
  {
    // Watched pages are simply un-watched: the invalidation below drops
    // their translations, and a retranslation watches them again.
    CodeWatch::Lock watchLock(*watch_);
    if (mprotect(base_ + address, size, hostProt(prot)) != 0) {
      int error = errno;
      // The guest protection stays as it was (writable for watched pages),
      // but the host may have changed part of the range: un-watch it with
      // write permission back rather than guess which pages moved.
      if (!watch_->unwatchLocked(pageNumber(address), pageNumber(end), true, true))
        watchRestoreFailed();
      requestThreadExit();
      return -error;
    }
    watch_->unwatchLocked(pageNumber(address), pageNumber(end), false, false);
  }
  invalidateExecutable(address, end);
  splitAt(address);
  splitAt(end);
  for (auto it = vmas_.lower_bound(address); it != vmas_.end() && it->first < end; ++it)
    it->second.prot = prot;
  return 0;
}

// ---- mremap ---------------------------------------------------------------

int64_t AddressSpace::remap(uint64_t oldAddress, uint64_t oldLength, uint64_t newLength, int flags,
                            uint64_t newAddress) {
  if (flags & ~(kMremapMayMove | kMremapFixed))
    return -EINVAL; // MREMAP_DONTUNMAP and unknown flags
  if ((flags & kMremapFixed) && !(flags & kMremapMayMove))
    return -EINVAL;
  if (oldAddress % kPageSize)
    return -EINVAL;
  uint64_t oldSize = pageAlignUp(oldLength), newSize = pageAlignUp(newLength);
  if (newSize == 0 || newSize < newLength || oldSize < oldLength)
    return -EINVAL;
  if (oldSize == 0)
    return -EINVAL; // duplicating a shared mapping: not supported here
  if (oldAddress > kGuestSize - oldSize || newSize > kGuestSize)
    return -EFAULT;

  std::lock_guard lock(mutex_);
  uint64_t vmaStart = 0;
  const Vma *vma = findVma(oldAddress, &vmaStart);
  if (!vma || vma->end - oldAddress < oldSize)
    return -EFAULT;
  Vma attributes = *vma;

  auto moveTo = [&](uint64_t target) -> int64_t {
    releaseWatchesLocked(oldAddress, oldAddress + oldSize);
    void *host =
        mremap(base_ + oldAddress, oldSize, newSize, MREMAP_MAYMOVE | MREMAP_FIXED, base_ + target);
    if (host == MAP_FAILED)
      return -errno;
    invalidateExecutable(oldAddress, oldAddress + oldSize);
    eraseRange(oldAddress, oldAddress + oldSize);
    releaseHost(oldAddress, oldAddress + oldSize); // the host left a hole
    invalidateExecutable(target, target + newSize);
    insertVma(target, target + newSize, attributes);
    return static_cast<int64_t>(target);
  };

  if (flags & kMremapFixed) {
    if (newAddress % kPageSize || newAddress > kGuestSize - newSize)
      return -EINVAL;
    if (newAddress < oldAddress + oldSize && oldAddress < newAddress + newSize)
      return -EINVAL;
    unmapLocked(newAddress, newAddress + newSize);
    return moveTo(newAddress);
  }
  if (newSize <= oldSize) {
    if (newSize < oldSize)
      unmapLocked(oldAddress + newSize, oldAddress + oldSize);
    return static_cast<int64_t>(oldAddress);
  }
  // Grow in place when the pages after the mapping are free: punch them out
  // of the host reservation so the host mremap can extend without moving.
  uint64_t tail = oldAddress + oldSize, tailEnd = oldAddress + newSize;
  if (tailEnd <= kGuestSize && isFreeLocked(tail, tailEnd - tail)) {
    releaseWatchesLocked(oldAddress, oldAddress + oldSize);
    munmap(base_ + tail, tailEnd - tail);
    void *host = mremap(base_ + oldAddress, oldSize, newSize, 0);
    if (host != MAP_FAILED) {
      insertVma(oldAddress, tailEnd, attributes);
      return static_cast<int64_t>(oldAddress);
    }
    releaseHost(tail, tailEnd);
  }
  if (!(flags & kMremapMayMove))
    return -ENOMEM;
  auto target = findFreeLocked(newSize, kPageSize);
  if (!target)
    return -ENOMEM;
  return moveTo(*target);
}

// ---- madvise --------------------------------------------------------------

int64_t AddressSpace::advise(uint64_t address, uint64_t length, int advice) {
  if (address % kPageSize)
    return -EINVAL;
  if (length == 0)
    return 0;
  uint64_t size = pageAlignUp(length);
  if (size < length || address > kGuestSize - size)
    return -EINVAL;
  std::lock_guard lock(mutex_);
  if (!fullyMappedLocked(address, size))
    return -ENOMEM;
  // MADV_DONTNEED has a visible effect (private pages read back as zero or
  // as the file); the other advice only tunes paging and is accepted as is.
  if (advice == kMadvDontNeed) {
    if (madvise(base_ + address, size, MADV_DONTNEED) != 0)
      return -errno;
    // The contents changed (zero, or the file again): translations of it are
    // stale. Watched pages stay watched (their protection is unchanged).
    invalidateExecutable(address, address + size);
  }
  return 0;
}

// ---- brk ------------------------------------------------------------------

int64_t AddressSpace::brk(uint64_t requested) {
  std::lock_guard lock(mutex_);
  // Linux's sys_brk: a request below the start, or one that cannot be
  // satisfied, leaves the break where it is and returns it.
  if (requested < brkStart_ || requested > kGuestSize)
    return static_cast<int64_t>(brk_);
  uint64_t oldTop = pageAlignUp(brk_), newTop = pageAlignUp(requested);
  if (newTop < oldTop) {
    unmapLocked(newTop, oldTop);
  } else if (newTop > oldTop) {
    if (!isFreeLocked(oldTop, newTop - oldTop))
      return static_cast<int64_t>(brk_);
    if (!mapAnonymousLocked(oldTop, newTop, kProtRead | kProtWrite, false))
      return static_cast<int64_t>(brk_);
  }
  brk_ = requested;
  return static_cast<int64_t>(brk_);
}

} // namespace tiercel::user
