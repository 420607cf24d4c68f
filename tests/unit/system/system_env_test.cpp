// SystemEnv without a program: the inline fast paths and the fault
// recording of the SemanticsEnv calls, MPRV's effective privilege, the TLB
// flushes and translation flags that follow CSR writes, mret/sret/wfi/
// sfence.vma as the semantics call them, taking traps and interrupts for
// the run loop, and the interrupt lines (exit request, wake-up).
#include <gtest/gtest.h>

#include <thread>

#include "machine/system/system_env.h"
#include "system/system_test_support.h"

namespace tiercel::system_test {
namespace {

constexpr uint64_t kTablePool = 0x80800000;
constexpr uint64_t kAd = pte::kAccessed | pte::kDirty;

class SystemEnvTest : public ::testing::Test {
protected:
  SystemEnvTest()
      : env(cpu, machine.map, SystemEnvOptions{3, [this] { return time; }}),
        tables(machine, kTablePool, 3) {}

  void writeCsr(uint32_t number, uint64_t value) { ASSERT_TRUE(env.csrWrite(number, value)); }
  uint64_t readCsr(uint32_t number) {
    uint64_t value = 0;
    EXPECT_TRUE(env.csrRead(number, value));
    return value;
  }
  // An instruction for the env's privileged calls.
  static DecodedInstruction instruction(uint64_t pc, uint32_t raw, uint8_t rs1 = 0) {
    DecodedInstruction insn;
    insn.pc = pc;
    insn.raw = raw;
    insn.length = 4;
    insn.rs1 = rs1;
    return insn;
  }

  TestMachine machine;
  CpuState cpu{};
  uint64_t time = 42;
  SystemEnv env;
  PageTableBuilder tables;
};

TEST_F(SystemEnvTest, StartsInMachineModeWithNoFlatMemory) {
  EXPECT_EQ(cpu.privilege, Privilege::Machine);
  EXPECT_EQ(cpu.memoryBase, nullptr);
  EXPECT_EQ(readCsr(csr::kMhartid), 3u);
  EXPECT_EQ(readCsr(csr::kTime), 42u);
  EXPECT_FALSE(env.fpEnabled());
  EXPECT_EQ(env.translationFlags(), static_cast<uint64_t>(Privilege::Machine));
  env.reset(0x1000);
  EXPECT_EQ(cpu.pc, 0x1000u);
}

TEST_F(SystemEnvTest, LoadsAndStoresThroughTheTlbFastPath) {
  machine.write64(0x80001000, 0x1122334455667788);
  uint32_t word = 0;
  ASSERT_TRUE(env.load<uint32_t>(0x80001004, word));
  EXPECT_EQ(word, 0x11223344u);
  // The miss filled the entry: the next access is the fast path.
  const Softmmu::TlbEntry &entry = env.mmu().entry(MmuIndex::Machine, 0x80001000);
  EXPECT_EQ(entry.tag[static_cast<unsigned>(AccessType::Read)], 0x80001000u);
  uint64_t fills = env.mmu().tlbFills();
  uint8_t byte = 0;
  ASSERT_TRUE(env.load<uint8_t>(0x80001007, byte));
  EXPECT_EQ(byte, 0x11u);
  ASSERT_TRUE(env.store<uint16_t>(0x80001000, 0xbeef));
  ASSERT_TRUE(env.store<uint16_t>(0x80001002, 0xdead));
  EXPECT_EQ(machine.read64(0x80001000), 0x11223344deadbeefu);
  EXPECT_EQ(env.mmu().tlbFills(), fills + 1); // one fill for the write tag
  // Misaligned: performed (split), not trapped.
  uint64_t value = 0;
  ASSERT_TRUE(env.load<uint64_t>(0x80001001, value));
  EXPECT_EQ(value, 0x0011223344deadbeu);
  uint16_t parcel = 0;
  ASSERT_TRUE(env.fetchParcel(0x80001002, parcel));
  EXPECT_EQ(parcel, 0xdeadu);
  uint64_t *atomic = env.atomicPointer<uint64_t>(0x80001000);
  EXPECT_EQ(reinterpret_cast<uint8_t *>(atomic), machine.ramHost(0x80001000));
}

TEST_F(SystemEnvTest, FaultsAreRecordedInTheCpuState) {
  uint64_t value;
  EXPECT_FALSE(env.load<uint64_t>(0x40000000, value));
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::LoadAccessFault));
  EXPECT_EQ(cpu.trapValue, 0x40000000u);
  EXPECT_FALSE(env.store<uint32_t>(TestMachine::kRomBase + 4, 1));
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::StoreAccessFault));
  EXPECT_EQ(cpu.trapValue, TestMachine::kRomBase + 4);
  uint16_t parcel;
  EXPECT_FALSE(env.fetchParcel(TestMachine::kDeviceBase, parcel));
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::InstructionAccessFault));
  EXPECT_EQ(env.atomicPointer<uint32_t>(0x80000002), nullptr);
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::StoreAddressMisaligned));
  EXPECT_EQ(cpu.trapValue, 0x80000002u);
  EXPECT_EQ(env.atomicPointer<uint32_t>(TestMachine::kDeviceBase), nullptr);
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::StoreAccessFault));
}

TEST_F(SystemEnvTest, MprvTranslatesLoadsAndStoresAsMpp) {
  tables.map(0x10000, 0x80110000, 0, pte::kRead | pte::kWrite | pte::kUser | kAd);
  machine.write64(0x80110000, 77);
  writeCsr(csr::kSatp, tables.satp());
  uint64_t value = 0;
  // M-mode: untranslated, nothing at physical 0x10000.
  EXPECT_FALSE(env.load<uint64_t>(0x10000, value));
  // MPRV with MPP = U: loads and stores as U-mode, through Sv39.
  writeCsr(csr::kMstatus, mstatus::kMprv);
  EXPECT_EQ(env.dataIndex(), MmuIndex::User);
  EXPECT_EQ(env.fetchIndex(), MmuIndex::Machine);
  ASSERT_TRUE(env.load<uint64_t>(0x10000, value));
  EXPECT_EQ(value, 77u);
  ASSERT_TRUE(env.store<uint64_t>(0x10008, 78));
  EXPECT_EQ(machine.read64(0x80110008), 78u);
  // Fetches stay untranslated M-mode fetches.
  uint16_t parcel;
  EXPECT_FALSE(env.fetchParcel(0x10000, parcel));
  // MPP = S without SUM: the U page is out of reach; with SUM it is not.
  writeCsr(csr::kMstatus, mstatus::kMprv | 1u << mstatus::kMppShift);
  EXPECT_EQ(env.dataIndex(), MmuIndex::Supervisor);
  EXPECT_FALSE(env.load<uint64_t>(0x10000, value));
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::LoadPageFault));
  writeCsr(csr::kMstatus, mstatus::kMprv | mstatus::kSum | 1u << mstatus::kMppShift);
  EXPECT_EQ(env.dataIndex(), MmuIndex::SupervisorSum);
  EXPECT_TRUE(env.load<uint64_t>(0x10000, value));
}

TEST_F(SystemEnvTest, CsrWritesFlushAndChangeTranslationFlags) {
  tables.map(0x40001000, 0x80101000, 0, pte::kRead | pte::kExecute | kAd);
  machine.write64(0x80101000, 1);
  writeCsr(csr::kSatp, tables.satp());
  EXPECT_EQ(env.translationFlags(), static_cast<uint64_t>(Privilege::Machine)); // M ignores satp

  // Into S through mret: flags now carry S, Sv39 and the root.
  writeCsr(csr::kMstatus, 1u << mstatus::kMppShift);
  writeCsr(csr::kMepc, 0x40001000);
  EXPECT_EQ(env.executeMret(instruction(0x80000000, Assembler::kMret)), ExecStatus::Resync);
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  EXPECT_EQ(cpu.pc, 0x40001000u);
  uint64_t flags = env.translationFlags();
  EXPECT_EQ(flags & 3, static_cast<uint64_t>(Privilege::Supervisor));
  EXPECT_EQ((flags >> 2) & 0xf, satp::kModeSv39);
  EXPECT_EQ(flags >> 6, tables.root() >> 12);

  uint64_t value = 0;
  ASSERT_TRUE(env.load<uint64_t>(0x40001000, value));
  EXPECT_EQ(value, 1u);
  uint64_t walks = env.mmu().pageWalks();
  // Writing satp (even the same tables, another ASID) drops translations.
  writeCsr(csr::kSatp, tables.satp() | uint64_t{5} << satp::kAsidShift);
  ASSERT_TRUE(env.load<uint64_t>(0x40001000, value));
  EXPECT_EQ(env.mmu().pageWalks(), walks + 1);
  // MXR changes drop them too; SUM changes switch the index instead.
  writeCsr(csr::kSstatus, mstatus::kMxr);
  ASSERT_TRUE(env.load<uint64_t>(0x40001000, value));
  EXPECT_EQ(env.mmu().pageWalks(), walks + 2);
  writeCsr(csr::kSstatus, mstatus::kMxr | mstatus::kSum);
  EXPECT_EQ(env.dataIndex(), MmuIndex::SupervisorSum);
}

TEST_F(SystemEnvTest, SfenceVmaFlushesAndCallsTheHook) {
  std::vector<std::pair<uint64_t, bool>> flushes;
  env.setTranslationFlushHook([&](uint64_t vaddr, bool all) { flushes.emplace_back(vaddr, all); });
  cpu.x[reg::kA0] = 0x40001234;
  DecodedInstruction one = instruction(0x80000000, Assembler::sfenceVma(reg::kA0, 0), reg::kA0);
  EXPECT_EQ(env.executeSfenceVma(one), ExecStatus::Resync);
  EXPECT_EQ(cpu.pc, 0x80000004u);
  DecodedInstruction all = instruction(0x80000004, Assembler::sfenceVma(0, 0));
  EXPECT_EQ(env.executeSfenceVma(all), ExecStatus::Resync);
  ASSERT_EQ(flushes.size(), 2u);
  EXPECT_EQ(flushes[0], std::make_pair(uint64_t{0x40001234}, false));
  EXPECT_TRUE(flushes[1].second);

  // Illegal in S-mode under TVM, and in U-mode.
  writeCsr(csr::kMstatus, mstatus::kTvm);
  cpu.privilege = Privilege::Supervisor;
  EXPECT_EQ(env.executeSfenceVma(all), ExecStatus::Trap);
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::IllegalInstruction));
  EXPECT_EQ(cpu.trapValue, Assembler::sfenceVma(0, 0));
  EXPECT_EQ(cpu.pc, 0x80000004u);
  EXPECT_EQ(flushes.size(), 2u);
}

TEST_F(SystemEnvTest, TakeTrapUsesTheRecordedCause) {
  writeCsr(csr::kMtvec, 0x80002000);
  writeCsr(csr::kStvec, 0x80003000);
  writeCsr(csr::kMedeleg, 1u << 13);
  cpu.privilege = Privilege::User;
  uint64_t value;
  cpu.pc = 0x10004;
  EXPECT_FALSE(env.load<uint64_t>(0x70000000, value)); // Bare: access fault (not delegated)
  env.takeTrap();
  EXPECT_EQ(cpu.privilege, Privilege::Machine);
  EXPECT_EQ(cpu.pc, 0x80002000u);
  EXPECT_EQ(readCsr(csr::kMcause), static_cast<uint64_t>(TrapCause::LoadAccessFault));
  EXPECT_EQ(readCsr(csr::kMtval), 0x70000000u);
  EXPECT_EQ(readCsr(csr::kMepc), 0x10004u);
  // The trap's privilege change reaches the MMU state.
  EXPECT_EQ(env.dataIndex(), MmuIndex::Machine);

  cpu.privilege = Privilege::User;
  cpu.trapCause = static_cast<uint64_t>(TrapCause::LoadPageFault);
  cpu.trapValue = 0x2000;
  env.takeTrap();
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  EXPECT_EQ(cpu.pc, 0x80003000u);
  EXPECT_EQ(readCsr(csr::kStval), 0x2000u);
  EXPECT_EQ(env.fetchIndex(), MmuIndex::Supervisor);
}

TEST_F(SystemEnvTest, InterruptLinesRequestExitAndTakeVectoredInterrupts) {
  writeCsr(csr::kMtvec, 0x80002001);
  writeCsr(csr::kMie, mip::kMtip | mip::kMeip);
  cpu.pc = 0x80000040;
  EXPECT_FALSE(env.takePendingInterrupt());

  cpu.exitRequest.store(0);
  env.interruptLine(Interrupt::MachineTimer).setLevel(true);
  EXPECT_NE(cpu.exitRequest.load(), 0u);
  EXPECT_EQ(readCsr(csr::kMip), mip::kMtip);
  // MIE = 0 in M-mode: pending, not taken.
  EXPECT_FALSE(env.takePendingInterrupt());
  // Enabling MIE makes it takeable: the CSR write asks for an exit.
  cpu.exitRequest.store(0);
  writeCsr(csr::kMstatus, mstatus::kMie);
  EXPECT_NE(cpu.exitRequest.load(), 0u);
  env.interruptLine(Interrupt::MachineExternal).setLevel(true);
  ASSERT_TRUE(env.takePendingInterrupt());
  EXPECT_EQ(cpu.pc, 0x80002000u + 4 * 11); // MEI before MTI
  EXPECT_EQ(readCsr(csr::kMcause), kInterruptCauseBit | 11);
  EXPECT_EQ(readCsr(csr::kMepc), 0x80000040u);
  EXPECT_EQ(readCsr(csr::kMstatus) & mstatus::kMie, 0u);
  EXPECT_FALSE(env.takePendingInterrupt()); // masked in the handler

  // mret re-enables MIE: the still-pending interrupts ask for an exit again.
  cpu.exitRequest.store(0);
  EXPECT_EQ(env.executeMret(instruction(cpu.pc, Assembler::kMret)), ExecStatus::Resync);
  EXPECT_NE(cpu.exitRequest.load(), 0u);
  env.interruptLine(Interrupt::MachineExternal).setLevel(false);
  ASSERT_TRUE(env.takePendingInterrupt());
  EXPECT_EQ(readCsr(csr::kMcause), kInterruptCauseBit | 7);
}

TEST_F(SystemEnvTest, WfiWaitsForALocallyEnabledInterrupt) {
  writeCsr(csr::kMie, mip::kMsip);
  cpu.exitRequest.store(0);
  DecodedInstruction wfi = instruction(0x80000100, Assembler::kWfi);
  EXPECT_EQ(env.executeWfi(wfi), ExecStatus::Resync);
  EXPECT_EQ(cpu.pc, 0x80000104u);
  EXPECT_TRUE(env.waitingForInterrupt());
  EXPECT_NE(cpu.exitRequest.load(), 0u);
  EXPECT_FALSE(env.waitForInterrupt(std::chrono::milliseconds(1)));
  EXPECT_TRUE(env.waitingForInterrupt());

  // A line raised by another thread wakes the sleeper (MIE = 0: not taken).
  std::thread device([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    env.interruptLine(Interrupt::MachineSoftware).setLevel(true);
  });
  EXPECT_TRUE(env.waitForInterrupt(std::chrono::seconds(10)));
  device.join();
  EXPECT_FALSE(env.waitingForInterrupt());
  EXPECT_FALSE(env.takePendingInterrupt());

  // With the interrupt already pending, wfi just completes.
  EXPECT_EQ(env.executeWfi(wfi), ExecStatus::Continue);
  EXPECT_FALSE(env.waitingForInterrupt());

  // wake() ends a wait without an interrupt.
  env.interruptLine(Interrupt::MachineSoftware).setLevel(false);
  env.executeWfi(wfi);
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    env.wake();
  });
  EXPECT_FALSE(env.waitForInterrupt(std::chrono::seconds(10)));
  waker.join();
  EXPECT_TRUE(env.waitingForInterrupt());

  // Illegal in U-mode, and in S-mode under TW.
  cpu.privilege = Privilege::User;
  EXPECT_EQ(env.executeWfi(wfi), ExecStatus::Trap);
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::IllegalInstruction));
  cpu.privilege = Privilege::Machine;
  writeCsr(csr::kMstatus, mstatus::kTw);
  cpu.privilege = Privilege::Supervisor;
  EXPECT_EQ(env.executeWfi(wfi), ExecStatus::Trap);
}

TEST_F(SystemEnvTest, SretAndMretPermissions) {
  cpu.privilege = Privilege::User;
  DecodedInstruction sret = instruction(0x10000, Assembler::kSret);
  EXPECT_EQ(env.executeSret(sret), ExecStatus::Trap);
  EXPECT_EQ(cpu.trapValue, Assembler::kSret);
  EXPECT_EQ(cpu.pc, 0x10000u);
  cpu.privilege = Privilege::Supervisor;
  EXPECT_EQ(env.executeMret(instruction(0x10000, Assembler::kMret)), ExecStatus::Trap);
  writeCsr(csr::kSepc, 0x10000);
  EXPECT_EQ(env.executeSret(sret), ExecStatus::Resync);
  EXPECT_EQ(cpu.privilege, Privilege::User);
  EXPECT_EQ(env.fetchIndex(), MmuIndex::User);
}

} // namespace
} // namespace tiercel::system_test
