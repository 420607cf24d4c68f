// Page walks, TLB refills and the slow paths of guest memory accesses in
// system mode (see softmmu.h).
#include "machine/system/softmmu.h"

#include <cstring>

#include "machine/system/csr_file.h"

namespace tiercel {

namespace {

constexpr unsigned kLevelBits = 9; // VPN bits per level
constexpr unsigned kPteSize = 8;
// A walk that loses the race to update a PTE's A/D bits walks again; a hart
// cannot keep losing forever, but bound it anyway.
constexpr unsigned kMaxWalkAttempts = 16;

TrapCause pageFaultCause(AccessType type) {
  switch (type) {
  case AccessType::Read: return TrapCause::LoadPageFault;
  case AccessType::Write: return TrapCause::StorePageFault;
  default: return TrapCause::InstructionPageFault;
  }
}

TrapCause accessFaultCause(AccessType type) {
  switch (type) {
  case AccessType::Read: return TrapCause::LoadAccessFault;
  case AccessType::Write: return TrapCause::StoreAccessFault;
  default: return TrapCause::InstructionAccessFault;
  }
}

Translation failed(TrapCause cause, uint64_t vaddr) {
  Translation result;
  result.fault = {cause, vaddr};
  return result;
}

uint64_t tagPage(uint64_t tag) { return tag & ~Softmmu::kTlbSlowPath; }

} // namespace

// ---- Page walk (privileged spec 4.3.2) ----

Translation Softmmu::translate(uint64_t vaddr, AccessType type, MmuIndex index,
                               const MmuContext &context) {
  uint64_t mode = satp::mode(context.satp);
  if (index == MmuIndex::Machine || mode == satp::kModeBare) {
    Translation result;
    result.ok = true;
    result.physicalAddress = vaddr;
    return result;
  }
  unsigned levels = mode == satp::kModeSv39 ? 3 : 4;
  unsigned vaBits = kPageBits + kLevelBits * levels;
  // Bits 63:vaBits must all equal bit vaBits - 1 (4.4.1, 4.5.1).
  int64_t upper = static_cast<int64_t>(vaddr) >> (vaBits - 1);
  if (upper != 0 && upper != -1)
    return failed(pageFaultCause(type), vaddr);

  ++pageWalks_;
  for (unsigned attempt = 0; attempt < kMaxWalkAttempts; ++attempt) {
    uint64_t table = (context.satp & satp::kPpnMask) << kPageBits;
    int level = static_cast<int>(levels) - 1;
    uint64_t *pointer = nullptr;
    bool writable = false;
    uint64_t entry = 0;
    for (;;) {
      uint64_t vpn = (vaddr >> (kPageBits + kLevelBits * level)) & ((1u << kLevelBits) - 1);
      pointer = ptePointer(table + vpn * kPteSize, writable);
      if (pointer == nullptr)
        return failed(accessFaultCause(type), vaddr);
      entry = __atomic_load_n(pointer, __ATOMIC_ACQUIRE);
      if ((entry & pte::kValid) == 0 || ((entry & pte::kRead) == 0 && (entry & pte::kWrite) != 0) ||
          (entry & pte::kReservedHigh) != 0)
        return failed(pageFaultCause(type), vaddr);
      if ((entry & (pte::kRead | pte::kExecute)) != 0)
        break; // a leaf
      // A pointer to the next level: D, A and U are reserved there.
      if ((entry & (pte::kDirty | pte::kAccessed | pte::kUser)) != 0 || level == 0)
        return failed(pageFaultCause(type), vaddr);
      table = ((entry >> pte::kPpnShift) & pte::kPpnMask) << kPageBits;
      --level;
    }

    // Permissions of the leaf (4.3.1, 3.1.6.3).
    bool allowed;
    switch (type) {
    case AccessType::Read:
      allowed = (entry & pte::kRead) != 0 || (context.mxr && (entry & pte::kExecute) != 0);
      break;
    case AccessType::Write: allowed = (entry & pte::kWrite) != 0; break;
    default: allowed = (entry & pte::kExecute) != 0; break;
    }
    bool userPage = (entry & pte::kUser) != 0;
    if (index == MmuIndex::User)
      allowed = allowed && userPage;
    else if (userPage)
      allowed = allowed && type != AccessType::Fetch && index == MmuIndex::SupervisorSum;
    if (!allowed)
      return failed(pageFaultCause(type), vaddr);

    uint64_t ppn = (entry >> pte::kPpnShift) & pte::kPpnMask;
    uint64_t levelPages = (uint64_t{1} << (kLevelBits * level)) - 1;
    if ((ppn & levelPages) != 0)
      return failed(pageFaultCause(type), vaddr); // misaligned superpage

    // A and D: updated here (no Svade), atomically with the checks above.
    uint64_t needed = pte::kAccessed | (type == AccessType::Write ? pte::kDirty : 0);
    if ((entry & needed) != needed) {
      if (!writable)
        return failed(accessFaultCause(type), vaddr);
      uint64_t expected = entry;
      if (!__atomic_compare_exchange_n(pointer, &expected, entry | needed, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE))
        continue; // the PTE changed under us: walk again
    }

    uint64_t offsetMask = (uint64_t{1} << (kPageBits + kLevelBits * level)) - 1;
    Translation result;
    result.ok = true;
    result.level = static_cast<unsigned>(level);
    result.physicalAddress = ((ppn << kPageBits) & ~offsetMask) | (vaddr & offsetMask);
    return result;
  }
  return failed(pageFaultCause(type), vaddr);
}

uint64_t *Softmmu::ptePointer(uint64_t paddr, bool &writable) const {
  const PhysicalRegion *region = map_.find(paddr);
  if (region == nullptr || region->kind == PhysicalRegion::Kind::Mmio ||
      !region->contains(paddr + kPteSize - 1))
    return nullptr;
  writable = region->kind == PhysicalRegion::Kind::Ram;
  return reinterpret_cast<uint64_t *>(region->host + (paddr - region->base));
}

// ---- TLB ----

const Softmmu::TlbEntry *Softmmu::probe(uint64_t vaddr, AccessType type, MmuIndex index,
                                        const MmuContext &context, MemoryFault &fault) {
  const TlbEntry &cached = entry(index, vaddr);
  if (tagPage(cached.tag[static_cast<unsigned>(type)]) == (vaddr & kPageMask))
    return &cached;
  return fill(vaddr, type, index, context, fault);
}

const Softmmu::TlbEntry *Softmmu::fill(uint64_t vaddr, AccessType type, MmuIndex index,
                                       const MmuContext &context, MemoryFault &fault) {
  Translation translation = translate(vaddr, type, index, context);
  if (!translation.ok) {
    fault = translation.fault;
    return nullptr;
  }
  uint64_t paddr = translation.physicalAddress;
  const PhysicalRegion *region = map_.find(paddr);
  bool mmio = region != nullptr && region->kind == PhysicalRegion::Kind::Mmio;
  if (region == nullptr ||
      (type == AccessType::Write && region->kind == PhysicalRegion::Kind::Rom) ||
      (type == AccessType::Fetch && mmio)) {
    fault = {accessFaultCause(type), vaddr};
    return nullptr;
  }
  uint64_t virtualPage = vaddr & kPageMask;
  uint64_t physicalPage = paddr & kPageMask;
  bool wholePage =
      !mmio && region->contains(physicalPage) && region->contains(physicalPage + kPageSize - 1);

  TlbEntry &slot = entry(index, vaddr);
  bool samePage = slot.physicalPage == physicalPage;
  for (uint64_t tag : slot.tag)
    if (tag != kTlbInvalid && tagPage(tag) != virtualPage)
      samePage = false;
  if (!samePage)
    slot = TlbEntry{};
  slot.physicalPage = physicalPage;
  uint64_t tag = virtualPage;
  if (wholePage)
    slot.addend =
        reinterpret_cast<uintptr_t>(region->host + (physicalPage - region->base)) - virtualPage;
  else
    tag |= kTlbSlowPath;
  slot.tag[static_cast<unsigned>(type)] = tag;
  // A writable leaf is readable (W without R is reserved) under the same
  // U/SUM rules, and its A bit is set now.
  if (type == AccessType::Write)
    slot.tag[static_cast<unsigned>(AccessType::Read)] = tag;
  if (translation.level > 0) {
    superpagesCached_ = true;
    if (type == AccessType::Fetch)
      noteSuperpageFetch(vaddr, translation.level);
  }
  ++tlbFills_;
  return &slot;
}

void Softmmu::noteSuperpageFetch(uint64_t vaddr, unsigned level) {
  uint64_t size = kPageSize << (kLevelBits * level);
  uint64_t base = vaddr & ~(size - 1);
  for (unsigned slot = 0; slot < superpageFetchCount_; ++slot)
    if (superpageFetches_[slot].base == base && superpageFetches_[slot].size == size)
      return;
  if (superpageFetchCount_ == kSuperpageFetchSlots) {
    superpageFetchOverflow_ = true;
    return;
  }
  superpageFetches_[superpageFetchCount_++] = {base, size};
}

bool Softmmu::inSuperpageFetched(uint64_t vaddr) const {
  if (superpageFetchOverflow_)
    return true;
  for (unsigned slot = 0; slot < superpageFetchCount_; ++slot)
    if (vaddr - superpageFetches_[slot].base < superpageFetches_[slot].size)
      return true;
  return false;
}

void Softmmu::flushAll() {
  for (auto &set : tlb_)
    set.fill(TlbEntry{});
  superpagesCached_ = false;
}

void Softmmu::flushTranslated() {
  for (MmuIndex index : {MmuIndex::User, MmuIndex::Supervisor, MmuIndex::SupervisorSum})
    tlb_[static_cast<unsigned>(index)].fill(TlbEntry{});
  superpagesCached_ = false;
}

void Softmmu::flushPage(uint64_t vaddr) {
  if (superpagesCached_) {
    flushTranslated();
    return;
  }
  for (MmuIndex index : {MmuIndex::User, MmuIndex::Supervisor, MmuIndex::SupervisorSum})
    entry(index, vaddr) = TlbEntry{};
}

// ---- Physical accesses ----

bool Softmmu::readPhysical(uint64_t paddr, unsigned size, uint64_t &value) const {
  const PhysicalRegion *region = map_.find(paddr);
  if (region == nullptr)
    return false;
  if (region->kind == PhysicalRegion::Kind::Mmio)
    return map_.readDevice(paddr, size, value);
  if (!region->contains(paddr + size - 1))
    return false;
  value = 0;
  std::memcpy(&value, region->host + (paddr - region->base), size);
  return true;
}

bool Softmmu::writePhysical(uint64_t paddr, unsigned size, uint64_t value) const {
  const PhysicalRegion *region = map_.find(paddr);
  if (region == nullptr)
    return false;
  if (region->kind == PhysicalRegion::Kind::Mmio)
    return map_.writeDevice(paddr, size, value);
  if (region->kind != PhysicalRegion::Kind::Ram || !region->contains(paddr + size - 1))
    return false;
  std::memcpy(region->host + (paddr - region->base), &value, size);
  return true;
}

bool Softmmu::readThrough(const TlbEntry &slot, uint64_t vaddr, unsigned size,
                          uint64_t &value) const {
  if ((slot.tag[static_cast<unsigned>(AccessType::Read)] & kTlbSlowPath) != 0 ||
      tagPage(slot.tag[static_cast<unsigned>(AccessType::Read)]) != (vaddr & kPageMask))
    return readPhysical(slot.physicalPage | (vaddr & ~kPageMask), size, value);
  value = 0;
  std::memcpy(&value, reinterpret_cast<const void *>(vaddr + slot.addend), size);
  return true;
}

bool Softmmu::writeThrough(const TlbEntry &slot, uint64_t vaddr, unsigned size,
                           uint64_t value) const {
  if ((slot.tag[static_cast<unsigned>(AccessType::Write)] & kTlbSlowPath) != 0)
    return writePhysical(slot.physicalPage | (vaddr & ~kPageMask), size, value);
  std::memcpy(reinterpret_cast<void *>(vaddr + slot.addend), &value, size);
  return true;
}

// ---- Slow paths ----

bool Softmmu::load(uint64_t vaddr, unsigned size, uint64_t &value, MmuIndex index,
                   const MmuContext &context, MemoryFault &fault) {
  if ((vaddr & (size - 1)) != 0)
    return loadMisaligned(vaddr, size, value, index, context, fault);
  const TlbEntry *slot = probe(vaddr, AccessType::Read, index, context, fault);
  if (slot == nullptr)
    return false;
  if (!readThrough(*slot, vaddr, size, value)) {
    fault = {TrapCause::LoadAccessFault, vaddr};
    return false;
  }
  return true;
}

bool Softmmu::store(uint64_t vaddr, unsigned size, uint64_t value, MmuIndex index,
                    const MmuContext &context, MemoryFault &fault) {
  if ((vaddr & (size - 1)) != 0)
    return storeMisaligned(vaddr, size, value, index, context, fault);
  const TlbEntry *slot = probe(vaddr, AccessType::Write, index, context, fault);
  if (slot == nullptr)
    return false;
  if (!writeThrough(*slot, vaddr, size, value)) {
    fault = {TrapCause::StoreAccessFault, vaddr};
    return false;
  }
  return true;
}

bool Softmmu::loadMisaligned(uint64_t vaddr, unsigned size, uint64_t &value, MmuIndex index,
                             const MmuContext &context, MemoryFault &fault) {
  uint64_t second = (vaddr + size - 1) & kPageMask;
  const TlbEntry *slot = probe(vaddr, AccessType::Read, index, context, fault);
  if (slot == nullptr)
    return false;
  TlbEntry first = *slot;
  TlbEntry next = first;
  if (second != (vaddr & kPageMask)) {
    slot = probe(second, AccessType::Read, index, context, fault);
    if (slot == nullptr)
      return false;
    next = *slot;
  }
  value = 0;
  for (unsigned byte = 0; byte < size; ++byte) {
    uint64_t address = vaddr + byte;
    uint64_t part = 0;
    if (!readThrough(address >= second ? next : first, address, 1, part)) {
      fault = {TrapCause::LoadAccessFault, address};
      return false;
    }
    value |= part << (8 * byte);
  }
  return true;
}

bool Softmmu::storeMisaligned(uint64_t vaddr, unsigned size, uint64_t value, MmuIndex index,
                              const MmuContext &context, MemoryFault &fault) {
  uint64_t second = (vaddr + size - 1) & kPageMask;
  const TlbEntry *slot = probe(vaddr, AccessType::Write, index, context, fault);
  if (slot == nullptr)
    return false;
  TlbEntry first = *slot;
  TlbEntry next = first;
  if (second != (vaddr & kPageMask)) {
    slot = probe(second, AccessType::Write, index, context, fault);
    if (slot == nullptr)
      return false;
    next = *slot;
  }
  for (unsigned byte = 0; byte < size; ++byte) {
    uint64_t address = vaddr + byte;
    if (!writeThrough(address >= second ? next : first, address, 1, (value >> (8 * byte)) & 0xff)) {
      fault = {TrapCause::StoreAccessFault, address};
      return false;
    }
  }
  return true;
}

bool Softmmu::fetch(uint64_t vaddr, uint16_t &parcel, MmuIndex index, const MmuContext &context,
                    MemoryFault &fault) {
  const TlbEntry *slot = probe(vaddr, AccessType::Fetch, index, context, fault);
  if (slot == nullptr)
    return false;
  uint64_t value = 0;
  if ((slot->tag[static_cast<unsigned>(AccessType::Fetch)] & kTlbSlowPath) != 0) {
    // A page only partly covered by memory (fill refused MMIO pages).
    uint64_t paddr = slot->physicalPage | (vaddr & ~kPageMask);
    const PhysicalRegion *region = map_.find(paddr);
    if (region == nullptr || region->kind == PhysicalRegion::Kind::Mmio ||
        !readPhysical(paddr, 2, value)) {
      fault = {TrapCause::InstructionAccessFault, vaddr};
      return false;
    }
  } else {
    std::memcpy(&value, reinterpret_cast<const void *>(vaddr + slot->addend), 2);
  }
  parcel = static_cast<uint16_t>(value);
  return true;
}

uint8_t *Softmmu::atomicPointer(uint64_t vaddr, unsigned size, MmuIndex index,
                                const MmuContext &context, MemoryFault &fault) {
  if ((vaddr & (size - 1)) != 0) {
    fault = {TrapCause::StoreAddressMisaligned, vaddr};
    return nullptr;
  }
  const TlbEntry *slot = probe(vaddr, AccessType::Write, index, context, fault);
  if (slot == nullptr)
    return nullptr;
  if ((slot->tag[static_cast<unsigned>(AccessType::Write)] & kTlbSlowPath) == 0)
    return reinterpret_cast<uint8_t *>(vaddr + slot->addend);
  uint64_t paddr = slot->physicalPage | (vaddr & ~kPageMask);
  const PhysicalRegion *region = map_.find(paddr);
  if (region != nullptr && region->kind == PhysicalRegion::Kind::Ram &&
      region->contains(paddr + size - 1))
    return region->host + (paddr - region->base);
  fault = {TrapCause::StoreAccessFault, vaddr}; // AMOs on devices are not supported
  return nullptr;
}

} // namespace tiercel
