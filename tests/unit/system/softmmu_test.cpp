// Softmmu: Sv39 and Sv48 walks over page tables built in RAM (4 KiB pages,
// megapages, gigapages, a 512 GiB Sv48 page), the page faults the walk
// raises (invalid, W without R, reserved bits, misaligned superpage,
// non-canonical address, permissions with U/SUM/MXR), access faults (PTE or
// target outside memory, ROM, devices that refuse), A/D updates, the TLB
// (hit after miss, stale until flushed, flush by page and superpages),
// MMIO through a recording device, misaligned accesses and atomics.
#include <gtest/gtest.h>

#include "system/system_test_support.h"

namespace tiercel::system_test {
namespace {

constexpr uint64_t kTablePool = 0x80800000;
constexpr uint64_t kFlagsRwx = pte::kRead | pte::kWrite | pte::kExecute;
constexpr uint64_t kAd = pte::kAccessed | pte::kDirty;

class SoftmmuTest : public ::testing::Test {
protected:
  SoftmmuTest() : mmu(machine.map), tables(machine, kTablePool, 3) { context.satp = tables.satp(); }

  struct Result {
    bool ok;
    uint64_t value;
    MemoryFault fault;
  };
  Result load(uint64_t vaddr, unsigned size = 8, MmuIndex index = MmuIndex::Supervisor) {
    Result result{};
    result.ok = mmu.load(vaddr, size, result.value, index, context, result.fault);
    return result;
  }
  Result store(uint64_t vaddr, uint64_t value, unsigned size = 8,
               MmuIndex index = MmuIndex::Supervisor) {
    Result result{};
    result.ok = mmu.store(vaddr, size, value, index, context, result.fault);
    return result;
  }
  Result fetch(uint64_t vaddr, MmuIndex index = MmuIndex::Supervisor) {
    Result result{};
    uint16_t parcel = 0;
    result.ok = mmu.fetch(vaddr, parcel, index, context, result.fault);
    result.value = parcel;
    return result;
  }
  static void expectFault(const Result &result, TrapCause cause, uint64_t tval) {
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.fault.cause, cause);
    EXPECT_EQ(result.fault.tval, tval);
  }

  TestMachine machine;
  Softmmu mmu;
  PageTableBuilder tables;
  MmuContext context;
};

TEST_F(SoftmmuTest, MachineModeAndBareAreIdentity) {
  machine.write64(0x80001000, 0x1122334455667788);
  Result result = load(0x80001000, 8, MmuIndex::Machine);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.value, 0x1122334455667788u);
  EXPECT_TRUE(store(0x80001008, 0xabcd, 2, MmuIndex::Machine).ok);
  EXPECT_EQ(machine.read64(0x80001008), 0xabcdu);
  EXPECT_EQ(mmu.pageWalks(), 0u);

  context.satp = 0; // Bare: S and U are untranslated too
  result = load(0x80001000, 4, MmuIndex::User);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.value, 0x55667788u);

  // Nothing there, or ROM for a store: access faults.
  expectFault(load(0x40000000, 8, MmuIndex::Machine), TrapCause::LoadAccessFault, 0x40000000);
  expectFault(store(0x40000000, 1, 8, MmuIndex::Machine), TrapCause::StoreAccessFault, 0x40000000);
  expectFault(fetch(0x40000000, MmuIndex::Machine), TrapCause::InstructionAccessFault, 0x40000000);
  machine.rom[0] = 0x1234;
  result = load(TestMachine::kRomBase, 8, MmuIndex::Machine);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.value, 0x1234u);
  expectFault(store(TestMachine::kRomBase, 1, 8, MmuIndex::Machine), TrapCause::StoreAccessFault,
              TestMachine::kRomBase);
  EXPECT_EQ(machine.rom[0], 0x1234u);
}

TEST_F(SoftmmuTest, Sv39PagesOfEverySize) {
  tables.map(0x40001000, 0x80101000, 0, kFlagsRwx | kAd); // 4 KiB
  tables.map(0x40200000, 0x80200000, 1, kFlagsRwx | kAd); // 2 MiB
  tables.map(0xc0000000, 0x80000000, 2, kFlagsRwx | kAd); // 1 GiB
  machine.write64(0x80101010, 0x1111);
  machine.write64(0x80234568, 0x2222);
  machine.write64(0x80345678, 0x3333);

  Translation page = mmu.translate(0x40001010, AccessType::Read, MmuIndex::Supervisor, context);
  ASSERT_TRUE(page.ok);
  EXPECT_EQ(page.physicalAddress, 0x80101010u);
  EXPECT_EQ(page.level, 0u);
  Translation mega = mmu.translate(0x40234568, AccessType::Read, MmuIndex::Supervisor, context);
  ASSERT_TRUE(mega.ok);
  EXPECT_EQ(mega.physicalAddress, 0x80234568u);
  EXPECT_EQ(mega.level, 1u);
  Translation giga = mmu.translate(0xc0345678, AccessType::Fetch, MmuIndex::Supervisor, context);
  ASSERT_TRUE(giga.ok);
  EXPECT_EQ(giga.physicalAddress, 0x80345678u);
  EXPECT_EQ(giga.level, 2u);

  EXPECT_EQ(load(0x40001010).value, 0x1111u);
  EXPECT_EQ(load(0x40234568).value, 0x2222u);
  EXPECT_EQ(load(0xc0345678).value, 0x3333u);
  ASSERT_TRUE(store(0xc0345680, 0x4444).ok);
  EXPECT_EQ(machine.read64(0x80345680), 0x4444u);
}

TEST_F(SoftmmuTest, Sv48WalksFourLevels) {
  PageTableBuilder sv48(machine, kTablePool + 0x100000, 4);
  context.satp = sv48.satp();
  sv48.map(0x00007f0000001000, 0x80102000, 0, pte::kRead | kAd);
  machine.write64(0x80102008, 0x4848);
  Result result = load(0x00007f0000001008);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.value, 0x4848u);
  // A 512 GiB page at 512 GiB, onto physical 0: reaches the device window.
  sv48.map(0x8000000000, 0, 3, pte::kRead | pte::kWrite | kAd);
  Translation tera = mmu.translate(0x8000000000 + TestMachine::kDeviceBase, AccessType::Write,
                                   MmuIndex::Supervisor, context);
  ASSERT_TRUE(tera.ok);
  EXPECT_EQ(tera.level, 3u);
  EXPECT_EQ(tera.physicalAddress, TestMachine::kDeviceBase);
  ASSERT_TRUE(store(0x8000000000 + TestMachine::kDeviceBase + 8, 0x77, 4).ok);
  EXPECT_EQ(machine.device.bytes[8], 0x77);
  // Bits 63:48 must copy bit 47.
  expectFault(load(0x0000800000000000), TrapCause::LoadPageFault, 0x0000800000000000);
  // The same address is canonical-checked differently under Sv39 (bit 38).
  context.satp = tables.satp();
  expectFault(load(0x0000004000000000), TrapCause::LoadPageFault, 0x0000004000000000);
}

TEST_F(SoftmmuTest, InvalidEntriesArePageFaultsOfTheAccessType) {
  expectFault(load(0x40005000), TrapCause::LoadPageFault, 0x40005000);
  expectFault(store(0x40005008, 1), TrapCause::StorePageFault, 0x40005008);
  expectFault(fetch(0x40005010), TrapCause::InstructionPageFault, 0x40005010);

  // W without R is reserved.
  tables.map(0x40006000, 0x80106000, 0, pte::kWrite | kAd);
  expectFault(store(0x40006000, 1), TrapCause::StorePageFault, 0x40006000);
  // Reserved bits 63:54 (PBMT, N, ...) in a leaf.
  uint64_t slot = tables.map(0x40007000, 0x80107000, 0, pte::kRead | kAd);
  machine.write64(slot, machine.read64(slot) | uint64_t{1} << 61);
  expectFault(load(0x40007000), TrapCause::LoadPageFault, 0x40007000);
  // A, D or U in a non-leaf entry.
  tables.map(0x40400000, 0x80108000, 0, pte::kRead | kAd);
  uint64_t pointer = tables.pteAddress(0x40400000, 1);
  machine.write64(pointer, machine.read64(pointer) | pte::kAccessed);
  expectFault(load(0x40400000), TrapCause::LoadPageFault, 0x40400000);
  // A pointer at level 0 (no leaf found).
  tables.map(0x40600000, 0x80109000, 0, 0);
  expectFault(load(0x40600000), TrapCause::LoadPageFault, 0x40600000);
}

TEST_F(SoftmmuTest, MisalignedSuperpageIsAPageFault) {
  tables.map(0x40200000, 0x80201000, 1, kFlagsRwx | kAd); // 2 MiB page at a 4 KiB boundary
  expectFault(load(0x40200000), TrapCause::LoadPageFault, 0x40200000);
  tables.map(0x80000000, 0x80200000, 2, kFlagsRwx | kAd); // 1 GiB page at a 2 MiB boundary
  expectFault(fetch(0x80000000), TrapCause::InstructionPageFault, 0x80000000);
}

TEST_F(SoftmmuTest, ReadWriteExecutePermissionsAndMxr) {
  tables.map(0x40001000, 0x80101000, 0, pte::kRead | kAd);
  tables.map(0x40002000, 0x80102000, 0, pte::kExecute | kAd);
  EXPECT_TRUE(load(0x40001000).ok);
  expectFault(store(0x40001000, 1), TrapCause::StorePageFault, 0x40001000);
  expectFault(fetch(0x40001000), TrapCause::InstructionPageFault, 0x40001000);
  EXPECT_TRUE(fetch(0x40002000).ok);
  expectFault(load(0x40002000), TrapCause::LoadPageFault, 0x40002000);
  context.mxr = true; // loads from executable pages (the caller flushes on a change)
  mmu.flushTranslated();
  EXPECT_TRUE(load(0x40002000).ok);
  expectFault(store(0x40002000, 1), TrapCause::StorePageFault, 0x40002000);
}

TEST_F(SoftmmuTest, UserPagesSumAndSupervisorPages) {
  tables.map(0x10000, 0x80110000, 0, kFlagsRwx | pte::kUser | kAd);
  tables.map(0x40001000, 0x80101000, 0, kFlagsRwx | kAd);
  // U-mode: only U pages.
  EXPECT_TRUE(load(0x10000, 8, MmuIndex::User).ok);
  EXPECT_TRUE(fetch(0x10000, MmuIndex::User).ok);
  expectFault(load(0x40001000, 8, MmuIndex::User), TrapCause::LoadPageFault, 0x40001000);
  expectFault(fetch(0x40001000, MmuIndex::User), TrapCause::InstructionPageFault, 0x40001000);
  // S-mode: U pages only for loads/stores and only with SUM; never fetched.
  expectFault(load(0x10000, 8, MmuIndex::Supervisor), TrapCause::LoadPageFault, 0x10000);
  expectFault(store(0x10000, 1, 8, MmuIndex::Supervisor), TrapCause::StorePageFault, 0x10000);
  EXPECT_TRUE(load(0x10000, 8, MmuIndex::SupervisorSum).ok);
  EXPECT_TRUE(store(0x10000, 1, 8, MmuIndex::SupervisorSum).ok);
  EXPECT_FALSE(mmu.translate(0x10000, AccessType::Fetch, MmuIndex::SupervisorSum, context).ok);
  expectFault(fetch(0x10000, MmuIndex::Supervisor), TrapCause::InstructionPageFault, 0x10000);
  EXPECT_TRUE(fetch(0x40001000, MmuIndex::Supervisor).ok);
  EXPECT_TRUE(load(0x40001000, 8, MmuIndex::SupervisorSum).ok);
  // The index helper: MPRV's effective privilege is the caller's business.
  EXPECT_EQ(Softmmu::indexFor(Privilege::Supervisor, true), MmuIndex::SupervisorSum);
  EXPECT_EQ(Softmmu::indexFor(Privilege::User, true), MmuIndex::User);
  EXPECT_EQ(Softmmu::indexFor(Privilege::Machine, false), MmuIndex::Machine);
}

TEST_F(SoftmmuTest, WalkerSetsAccessedAndDirty) {
  uint64_t slot = tables.map(0x40001000, 0x80101000, 0, pte::kRead | pte::kWrite);
  ASSERT_TRUE(load(0x40001000).ok);
  EXPECT_EQ(machine.read64(slot) & kAd, pte::kAccessed);
  // The load filled the read tag only: the store walks again and sets D.
  ASSERT_TRUE(store(0x40001000, 5).ok);
  EXPECT_EQ(machine.read64(slot) & kAd, kAd);
  EXPECT_EQ(mmu.pageWalks(), 2u);
  // A fetch of an X page sets A only.
  uint64_t code = tables.map(0x40002000, 0x80102000, 0, pte::kExecute);
  ASSERT_TRUE(fetch(0x40002000).ok);
  EXPECT_EQ(machine.read64(code) & kAd, pte::kAccessed);
  // A failed access updates nothing.
  uint64_t readOnly = tables.map(0x40003000, 0x80103000, 0, pte::kRead);
  EXPECT_FALSE(store(0x40003000, 1).ok);
  EXPECT_EQ(machine.read64(readOnly) & kAd, 0u);
}

TEST_F(SoftmmuTest, PageTablesOutsideRamAreAccessFaults) {
  // Root table in ROM: readable, but a leaf needing A cannot be updated.
  uint64_t rootInRom = satp::kModeSv39 << satp::kModeShift | TestMachine::kRomBase >> 12;
  context.satp = rootInRom;
  machine.rom[1] = (0x80000000 >> 12) << pte::kPpnShift | pte::kValid | pte::kRead; // VA 1 GiB
  expectFault(load(0x40000000), TrapCause::LoadAccessFault, 0x40000000);
  machine.rom[1] |= pte::kAccessed;
  EXPECT_TRUE(load(0x40000000).ok);
  // Root page number where nothing is mapped.
  context.satp = satp::kModeSv39 << satp::kModeShift | 0x50000;
  expectFault(fetch(0x40000000), TrapCause::InstructionAccessFault, 0x40000000);
  // A leaf pointing where nothing is mapped.
  context.satp = tables.satp();
  tables.map(0x40001000, 0x50000000, 0, kFlagsRwx | kAd);
  expectFault(load(0x40001000), TrapCause::LoadAccessFault, 0x40001000);
  expectFault(store(0x40001000, 1), TrapCause::StoreAccessFault, 0x40001000);
}

TEST_F(SoftmmuTest, TlbHitsAfterAMissAndStaysStaleUntilFlushed) {
  uint64_t slot = tables.map(0x40001000, 0x80101000, 0, kFlagsRwx | kAd);
  machine.write64(0x80101000, 1);
  machine.write64(0x80102000, 2);
  EXPECT_EQ(load(0x40001000).value, 1u);
  EXPECT_EQ(load(0x40001008).value, 0u);
  EXPECT_EQ(mmu.pageWalks(), 1u);
  EXPECT_EQ(mmu.tlbFills(), 1u);
  // The fast-path tag: the virtual page, RAM (no slow-path flag).
  const Softmmu::TlbEntry &entry = mmu.entry(MmuIndex::Supervisor, 0x40001000);
  EXPECT_EQ(entry.tag[static_cast<unsigned>(AccessType::Read)], 0x40001000u);
  EXPECT_EQ(Softmmu::fastTag(0x40001008, 8), 0x40001000u);
  EXPECT_NE(Softmmu::fastTag(0x40001004, 8), 0x40001000u); // misaligned: slow path
  EXPECT_EQ(reinterpret_cast<uint8_t *>(0x40001000 + entry.addend), machine.ramHost(0x80101000));

  // Remap without a fence: the TLB still has the old translation.
  machine.write64(slot, (0x80102000 >> 12) << pte::kPpnShift | kFlagsRwx | kAd | pte::kValid);
  EXPECT_EQ(load(0x40001000).value, 1u);
  mmu.flushPage(0x40005000); // another page: no effect
  EXPECT_EQ(load(0x40001000).value, 1u);
  mmu.flushPage(0x40001abc);
  EXPECT_EQ(load(0x40001000).value, 2u);
  EXPECT_EQ(mmu.pageWalks(), 2u);

  // flushTranslated drops S entries but keeps M's.
  EXPECT_TRUE(load(0x80101000, 8, MmuIndex::Machine).ok);
  uint64_t fills = mmu.tlbFills();
  mmu.flushTranslated();
  EXPECT_TRUE(load(0x80101000, 8, MmuIndex::Machine).ok);
  EXPECT_EQ(mmu.tlbFills(), fills);
  EXPECT_EQ(load(0x40001000).value, 2u);
  EXPECT_EQ(mmu.pageWalks(), 3u);
  mmu.flushAll();
  EXPECT_TRUE(load(0x80101000, 8, MmuIndex::Machine).ok);
  EXPECT_EQ(mmu.tlbFills(), fills + 2);
}

TEST_F(SoftmmuTest, FlushingOnePageOfACachedSuperpageFlushesItAll) {
  uint64_t slot = tables.map(0x40200000, 0x80200000, 1, kFlagsRwx | kAd);
  machine.write64(0x80200000, 1);
  machine.write64(0x80400000, 2);
  EXPECT_EQ(load(0x40200000).value, 1u);
  machine.write64(slot, (0x80400000 >> 12) << pte::kPpnShift | kFlagsRwx | kAd | pte::kValid);
  // sfence.vma on another 4 KiB piece of the megapage.
  mmu.flushPage(0x40201000);
  EXPECT_EQ(load(0x40200000).value, 2u);
}

TEST_F(SoftmmuTest, StoreAfterLoadOnReadOnlyMemoryFaults) {
  tables.map(0x40001000, TestMachine::kRomBase, 0, kFlagsRwx | kAd);
  EXPECT_TRUE(load(0x40001000).ok);
  expectFault(store(0x40001000, 1), TrapCause::StoreAccessFault, 0x40001000);
  EXPECT_TRUE(fetch(0x40001000).ok);
}

TEST_F(SoftmmuTest, MmioGoesToTheDevice) {
  tables.map(0x40010000, TestMachine::kDeviceBase, 0, pte::kRead | pte::kWrite | kAd);
  ASSERT_TRUE(store(0x40010010, 0xcafe, 4).ok);
  Result result = load(0x40010010, 2);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.value, 0xcafeu);
  ASSERT_EQ(machine.device.accesses.size(), 2u);
  EXPECT_TRUE(machine.device.accesses[0].write);
  EXPECT_EQ(machine.device.accesses[0].offset, 0x10u);
  EXPECT_EQ(machine.device.accesses[0].size, 4u);
  EXPECT_EQ(machine.device.accesses[1].size, 2u);
  // Every access reaches the device (slow-path tag), none is cached in RAM.
  EXPECT_NE(mmu.entry(MmuIndex::Supervisor, 0x40010000).tag[0] & Softmmu::kTlbSlowPath, 0u);
  EXPECT_TRUE(load(0x40010010, 2).ok);
  EXPECT_EQ(machine.device.accesses.size(), 3u);

  // A refused access is an access fault at the virtual address.
  expectFault(load(0x40010100, 4), TrapCause::LoadAccessFault, 0x40010100);
  expectFault(store(0x40010200, 1, 4), TrapCause::StoreAccessFault, 0x40010200);
  // No instruction fetch or atomics from devices.
  tables.map(0x40011000, TestMachine::kDeviceBase, 0, kFlagsRwx | kAd);
  expectFault(fetch(0x40011000), TrapCause::InstructionAccessFault, 0x40011000);
  MemoryFault fault;
  EXPECT_EQ(mmu.atomicPointer(0x40010000, 8, MmuIndex::Supervisor, context, fault), nullptr);
  EXPECT_EQ(fault.cause, TrapCause::StoreAccessFault);

  // A misaligned device access is split into byte accesses.
  machine.device.accesses.clear();
  ASSERT_TRUE(store(0x40010021, 0x44332211, 4).ok);
  ASSERT_EQ(machine.device.accesses.size(), 4u);
  for (unsigned byte = 0; byte < 4; ++byte) {
    EXPECT_EQ(machine.device.accesses[byte].offset, 0x21u + byte);
    EXPECT_EQ(machine.device.accesses[byte].size, 1u);
    EXPECT_EQ(machine.device.accesses[byte].value, 0x11u * (byte + 1));
  }
}

TEST_F(SoftmmuTest, MisalignedAccessesAcrossPages) {
  // Two virtually adjacent pages on physically distant frames.
  tables.map(0x40001000, 0x80105000, 0, pte::kRead | pte::kWrite | kAd);
  tables.map(0x40002000, 0x80103000, 0, pte::kRead | pte::kWrite | kAd);
  machine.write64(0x80105ff8, 0x8877665544332211);
  machine.write64(0x80103000, 0x00000000ccbbaa99);
  Result result = load(0x40001ffc, 8);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.value, 0xccbbaa9988776655u);
  ASSERT_TRUE(store(0x40001ffe, 0x0102030405060708, 8).ok);
  EXPECT_EQ(machine.read64(0x80105ff8), 0x0708665544332211u);
  EXPECT_EQ(machine.read64(0x80103000) & 0xffffffffffff, 0x010203040506u);
  // Misaligned within a page.
  result = load(0x40001ffb, 2);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.value, 0x5544u);

  // The second page is read-only: the store faults there and writes nothing.
  tables.map(0x40003000, 0x80104000, 0, pte::kRead | kAd);
  machine.write64(0x80103ff8, 0);
  expectFault(store(0x40002ffc, ~uint64_t{0}, 8), TrapCause::StorePageFault, 0x40003000);
  EXPECT_EQ(machine.read64(0x80103ff8), 0u);
  // Unmapped second page for a load.
  expectFault(load(0x40003ffe, 4), TrapCause::LoadPageFault, 0x40004000);
}

TEST_F(SoftmmuTest, AtomicPointers) {
  tables.map(0x40001000, 0x80101000, 0, pte::kRead | pte::kWrite);
  tables.map(0x40002000, 0x80102000, 0, pte::kRead | kAd);
  MemoryFault fault;
  uint8_t *pointer = mmu.atomicPointer(0x40001010, 8, MmuIndex::Supervisor, context, fault);
  EXPECT_EQ(pointer, machine.ramHost(0x80101010));
  // An AMO is a store: D is set.
  EXPECT_EQ(machine.read64(tables.pteAddress(0x40001000, 0)) & kAd, kAd);
  EXPECT_EQ(mmu.atomicPointer(0x40001014, 8, MmuIndex::Supervisor, context, fault), nullptr);
  EXPECT_EQ(fault.cause, TrapCause::StoreAddressMisaligned);
  EXPECT_EQ(fault.tval, 0x40001014u);
  EXPECT_EQ(mmu.atomicPointer(0x40002000, 4, MmuIndex::Supervisor, context, fault), nullptr);
  EXPECT_EQ(fault.cause, TrapCause::StorePageFault);
  EXPECT_EQ(mmu.atomicPointer(TestMachine::kRomBase, 4, MmuIndex::Machine, context, fault),
            nullptr);
  EXPECT_EQ(fault.cause, TrapCause::StoreAccessFault);
}

TEST_F(SoftmmuTest, PhysicalAccesses) {
  ASSERT_TRUE(mmu.writePhysical(0x80000010, 4, 0xdeadbeef));
  uint64_t value = 0;
  ASSERT_TRUE(mmu.readPhysical(0x80000010, 4, value));
  EXPECT_EQ(value, 0xdeadbeefu);
  EXPECT_FALSE(mmu.writePhysical(TestMachine::kRomBase, 4, 1));
  EXPECT_FALSE(mmu.readPhysical(0x70000000, 4, value));
  // The last bytes of RAM: an access running past the end is refused.
  EXPECT_FALSE(mmu.readPhysical(TestMachine::kRamBase + TestMachine::kRamSize - 4, 8, value));
  ASSERT_TRUE(mmu.writePhysical(TestMachine::kDeviceBase + 4, 4, 9));
  EXPECT_EQ(machine.device.bytes[4], 9);
}

} // namespace
} // namespace tiercel::system_test
