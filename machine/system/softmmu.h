// The softmmu of one hart: Sv39/Sv48 page-table walks, permission checks,
// a TLB and the physical accesses behind it (privileged spec chapter 4,
// DESIGN.md "Memory").
//
// TLB. Direct-mapped, kTlbEntries per MMU index, indexed by virtual page
// number. One MMU index per way an access can be checked: U, S, S with
// mstatus.SUM, and M (no translation, but the TLB still holds the host
// addend of RAM pages). A load or store uses the index of its effective
// privilege (mstatus.MPRV/MPP in M-mode), a fetch that of the current one.
// Each entry has one tag per access type (read, write, fetch). A tag is the
// virtual page address when the page is a whole page of RAM or ROM: the fast
// path is then `tag == vaddr & (page mask | size - 1)` (which also rejects
// misaligned accesses) and `host = vaddr + addend`. Pages of MMIO, or pages
// only partly covered by a memory region, have kTlbSlowPath in the tag, so
// the fast compare fails and the slow path sends each access to the
// physical map (PhysicalMap::readDevice/writeDevice for devices). A write
// tag is only filled for a page whose leaf PTE already has D set (the walk
// of that write sets it), so the fast path never skips a D update.
//
// Page walks (privileged spec 4.3.2, 4.4, 4.5): V=0, W without R, any of
// the PTE's reserved bits 63:54 (no Svnapot, no Svpbmt) or, in a non-leaf
// PTE, D/A/U set are page faults, as is a misaligned superpage, a
// non-canonical address, or a permission failure (R/W/X; U-pages need U-mode
// or, for loads and stores from S-mode, SUM; S-mode never executes a U-page;
// MXR makes executable pages readable). A PTE that is not in RAM or ROM is an
// access fault. Svade is not implemented: the walker sets A, and D for
// stores, itself, with an atomic compare-exchange on the PTE in guest RAM
// (a PTE in ROM that needs an update is an access fault).
//
// ASIDs are ignored: a flush for one ASID flushes everything (sfence.vma
// with rs2 != x0 behaves as rs2 = x0). A flush of one address drops that
// page in every translated index, or everything if a superpage has been
// cached since the last full flush (its other 4 KiB pieces may be cached).
//
// Misaligned loads and stores are performed, not trapped (the ISA spec
// allows either; OpenSBI would otherwise have to emulate them for Linux):
// both pages are translated and checked first, so a fault happens before
// any byte is written, and then the bytes are moved one by one (for RAM a
// copy; for MMIO single-byte device accesses). tval is the address of the
// part that faulted. Atomics need a host pointer: a misaligned one is a
// store/AMO address-misaligned fault, one on MMIO or ROM an access fault.
//
// PMP is not enforced (csr_file.h). Faults are values (MemoryFault), never
// host errors.
#pragma once

#include <array>
#include <cstdint>

#include "machine/cpu_state.h"
#include "machine/system/physical_map.h"

namespace tiercel {

enum class AccessType : uint8_t { Read = 0, Write = 1, Fetch = 2 };

enum class MmuIndex : uint8_t { User = 0, Supervisor = 1, SupervisorSum = 2, Machine = 3 };
inline constexpr unsigned kMmuIndexCount = 4;

// The translation state beyond the address and the MMU index.
struct MmuContext {
  uint64_t satp = 0; // MODE Bare/Sv39/Sv48, root page number (ASID ignored)
  bool mxr = false;  // mstatus.MXR
};

struct MemoryFault {
  TrapCause cause = TrapCause::LoadAccessFault;
  uint64_t tval = 0; // the faulting virtual address
};

// The result of a walk.
struct Translation {
  bool ok = false;
  MemoryFault fault;            // when !ok
  uint64_t physicalAddress = 0; // when ok
  unsigned level = 0;           // leaf level: 0 = 4 KiB page, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB
};

// PTE fields (privileged spec 4.4.1).
namespace pte {
inline constexpr uint64_t kValid = 1u << 0, kRead = 1u << 1, kWrite = 1u << 2, kExecute = 1u << 3,
                          kUser = 1u << 4, kGlobal = 1u << 5, kAccessed = 1u << 6, kDirty = 1u << 7;
inline constexpr unsigned kPpnShift = 10;
inline constexpr uint64_t kPpnMask = (uint64_t{1} << 44) - 1;
inline constexpr uint64_t kReservedHigh = ~uint64_t{0} << 54; // N, PBMT, reserved
} // namespace pte

class Softmmu {
public:
  static constexpr unsigned kPageBits = 12;
  static constexpr uint64_t kPageSize = uint64_t{1} << kPageBits;
  static constexpr uint64_t kPageMask = ~(kPageSize - 1);
  static constexpr unsigned kTlbEntries = 256;
  static constexpr uint64_t kTlbSlowPath = 1u << 3; // tag flag; never set in a fast-path compare
  static constexpr uint64_t kTlbInvalid = ~uint64_t{0};

  struct TlbEntry {
    uint64_t tag[3] = {kTlbInvalid, kTlbInvalid, kTlbInvalid}; // by AccessType
    uintptr_t addend = 0;      // host address = virtual address + addend (fast tags)
    uint64_t physicalPage = 0; // physical address of the page
  };

  // `map` outlives the softmmu and does not change while harts run.
  explicit Softmmu(const PhysicalMap &map) : map_(map) { flushAll(); }
  Softmmu(const Softmmu &) = delete;
  Softmmu &operator=(const Softmmu &) = delete;

  static MmuIndex indexFor(Privilege privilege, bool sum) {
    switch (privilege) {
    case Privilege::User: return MmuIndex::User;
    case Privilege::Supervisor: return sum ? MmuIndex::SupervisorSum : MmuIndex::Supervisor;
    default: return MmuIndex::Machine;
    }
  }

  // ---- Fast path (inline in the environment) ----
  TlbEntry &entry(MmuIndex index, uint64_t vaddr) {
    return tlb_[static_cast<unsigned>(index)][(vaddr >> kPageBits) % kTlbEntries];
  }
  static uint64_t fastTag(uint64_t vaddr, unsigned size) {
    return vaddr & (kPageMask | (size - 1));
  }

  // ---- Slow paths: everything the fast path does not cover ----
  // size is 1, 2, 4 or 8; values are little-endian, zero-extended.
  bool load(uint64_t vaddr, unsigned size, uint64_t &value, MmuIndex index,
            const MmuContext &context, MemoryFault &fault);
  bool store(uint64_t vaddr, unsigned size, uint64_t value, MmuIndex index,
             const MmuContext &context, MemoryFault &fault);
  // One 16-bit instruction parcel (vaddr is 2-byte aligned).
  bool fetch(uint64_t vaddr, uint16_t &parcel, MmuIndex index, const MmuContext &context,
             MemoryFault &fault);
  // Host pointer for an atomic read-modify-write of `size` bytes: aligned,
  // writable, in RAM. nullptr with the fault set otherwise.
  uint8_t *atomicPointer(uint64_t vaddr, unsigned size, MmuIndex index, const MmuContext &context,
                         MemoryFault &fault);

  // The page walk alone (no TLB fill), with its A/D updates. In the Machine
  // index or with satp in Bare mode the physical address is vaddr.
  Translation translate(uint64_t vaddr, AccessType type, MmuIndex index, const MmuContext &context);

  // Physical accesses: RAM/ROM (writes to ROM refused) and devices.
  bool readPhysical(uint64_t paddr, unsigned size, uint64_t &value) const;
  bool writePhysical(uint64_t paddr, unsigned size, uint64_t value) const;

  // ---- Flushes ----
  void flushAll();                // every index, Machine included
  void flushTranslated();         // U, S, S+SUM: satp written, sfence.vma x0, MXR changed
  void flushPage(uint64_t vaddr); // sfence.vma rs1 (any ASID)

  // Superpages that instructions have been fetched through since the last
  // forgetSuperpageFetches() (virtual ranges, any satp). Code decoded from
  // one 4 KiB piece of a superpage goes stale when the superpage's leaf
  // changes, and sfence.vma names that leaf by any address inside it
  // (privileged spec 4.2.1), so a cache of decoded code keyed by virtual
  // page must drop more than the named page when the address falls in one
  // of these (SystemEnv does). Unlike the TLB's own record, this one
  // survives TLB flushes, as decoded code does. Past kSuperpageFetchSlots
  // ranges every address counts as inside one.
  static constexpr unsigned kSuperpageFetchSlots = 16;
  bool inSuperpageFetched(uint64_t vaddr) const;
  void forgetSuperpageFetches() {
    superpageFetchCount_ = 0;
    superpageFetchOverflow_ = false;
  }

  // Statistics, for tests and -d output.
  uint64_t pageWalks() const { return pageWalks_; }
  uint64_t tlbFills() const { return tlbFills_; }

private:
  // The TLB entry for vaddr with `type` allowed, filled on a miss.
  const TlbEntry *probe(uint64_t vaddr, AccessType type, MmuIndex index, const MmuContext &context,
                        MemoryFault &fault);
  const TlbEntry *fill(uint64_t vaddr, AccessType type, MmuIndex index, const MmuContext &context,
                       MemoryFault &fault);
  // Byte-wise access for misaligned loads and stores.
  bool loadMisaligned(uint64_t vaddr, unsigned size, uint64_t &value, MmuIndex index,
                      const MmuContext &context, MemoryFault &fault);
  bool storeMisaligned(uint64_t vaddr, unsigned size, uint64_t value, MmuIndex index,
                       const MmuContext &context, MemoryFault &fault);
  bool readThrough(const TlbEntry &entry, uint64_t vaddr, unsigned size, uint64_t &value) const;
  bool writeThrough(const TlbEntry &entry, uint64_t vaddr, unsigned size, uint64_t value) const;
  // Host pointer of the PTE at paddr (RAM or ROM), or nullptr.
  uint64_t *ptePointer(uint64_t paddr, bool &writable) const;

  const PhysicalMap &map_;
  std::array<std::array<TlbEntry, kTlbEntries>, kMmuIndexCount> tlb_;
  bool superpagesCached_ = false;
  struct VirtualRange {
    uint64_t base = 0, size = 0;
  };
  std::array<VirtualRange, kSuperpageFetchSlots> superpageFetches_{};
  unsigned superpageFetchCount_ = 0;
  bool superpageFetchOverflow_ = false;
  void noteSuperpageFetch(uint64_t vaddr, unsigned level);
  uint64_t pageWalks_ = 0;
  uint64_t tlbFills_ = 0;
};

} // namespace tiercel
