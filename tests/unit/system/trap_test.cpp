// Trap entry and return (trap.h): exceptions to M and S with medeleg,
// the status stack (xPIE/xIE/xPP), vectored and direct xtvec, mret/sret
// with MPRV and TSR, interrupt selection (priority, global enables at and
// below the trap's level, delegation), and the wfi/sfence.vma rules.
#include <gtest/gtest.h>

#include "machine/system/trap.h"

namespace tiercel {
namespace {

class TrapTest : public ::testing::Test {
protected:
  TrapTest() { cpu.privilege = Privilege::Machine; }

  void write(uint32_t number, uint64_t value) {
    Privilege saved = cpu.privilege;
    cpu.privilege = Privilege::Machine;
    ASSERT_TRUE(csrs.write(number, cpu, value));
    cpu.privilege = saved;
  }
  uint64_t status() const { return csrs.mstatus(); }
  unsigned mpp() const { return (status() & mstatus::kMpp) >> mstatus::kMppShift; }

  CpuState cpu{};
  CsrFile csrs;
};

constexpr uint64_t kMtvec = 0x80001000, kStvec = 0x80002000;

TEST_F(TrapTest, ExceptionFromSupervisorGoesToMachineByDefault) {
  write(csr::kMtvec, kMtvec);
  write(csr::kStvec, kStvec);
  write(csr::kMstatus, mstatus::kMie | mstatus::kSie);
  cpu.privilege = Privilege::Supervisor;
  cpu.pc = 0x80000100;
  enterTrap(cpu, csrs, static_cast<uint64_t>(TrapCause::LoadPageFault), 0x1234);
  EXPECT_EQ(cpu.privilege, Privilege::Machine);
  EXPECT_EQ(cpu.pc, kMtvec);
  EXPECT_EQ(csrs.mepc(), 0x80000100u);
  EXPECT_EQ(csrs.mcause(), 13u);
  EXPECT_EQ(csrs.mtval(), 0x1234u);
  EXPECT_EQ(mpp(), 1u);
  EXPECT_EQ(status() & mstatus::kMie, 0u);
  EXPECT_NE(status() & mstatus::kMpie, 0u);
  EXPECT_NE(status() & mstatus::kSie, 0u); // the S stack is untouched

  // mret goes back to S at mepc and restores MIE.
  ASSERT_TRUE(returnFromMachineTrap(cpu, csrs));
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  EXPECT_EQ(cpu.pc, 0x80000100u);
  EXPECT_NE(status() & mstatus::kMie, 0u);
  EXPECT_NE(status() & mstatus::kMpie, 0u);
  EXPECT_EQ(mpp(), 0u); // MPP = U after mret
}

TEST_F(TrapTest, DelegatedExceptionFromUserGoesToSupervisor) {
  write(csr::kMtvec, kMtvec);
  write(csr::kStvec, kStvec | 1); // vectored: exceptions still use the base
  write(csr::kMedeleg, 1u << 8);
  write(csr::kMstatus, mstatus::kSie | mstatus::kMie);
  cpu.privilege = Privilege::User;
  cpu.pc = 0x10000;
  enterTrap(cpu, csrs, static_cast<uint64_t>(TrapCause::EcallFromU), 0);
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  EXPECT_EQ(cpu.pc, kStvec);
  EXPECT_EQ(csrs.sepc(), 0x10000u);
  EXPECT_EQ(csrs.scause(), 8u);
  EXPECT_EQ(status() & (mstatus::kSie | mstatus::kSpp), 0u); // SPP = U
  EXPECT_NE(status() & mstatus::kSpie, 0u);
  EXPECT_NE(status() & mstatus::kMie, 0u); // the M stack is untouched
  EXPECT_EQ(csrs.mcause(), 0u);

  // From S, a delegated exception stays in S with SPP = S.
  cpu.pc = 0x80000200;
  write(csr::kMedeleg, 1u << 9);
  enterTrap(cpu, csrs, static_cast<uint64_t>(TrapCause::EcallFromS), 0);
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  EXPECT_NE(status() & mstatus::kSpp, 0u);
  EXPECT_EQ(status() & mstatus::kSpie, 0u); // SIE was 0 in the first handler

  // sret returns to S (SPP), then U.
  write(csr::kSepc, 0x80000204);
  ASSERT_TRUE(returnFromSupervisorTrap(cpu, csrs));
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  EXPECT_EQ(cpu.pc, 0x80000204u);
  EXPECT_EQ(status() & mstatus::kSpp, 0u);
  EXPECT_NE(status() & mstatus::kSpie, 0u);
}

TEST_F(TrapTest, ExceptionsInMachineModeAreNeverDelegated) {
  write(csr::kMtvec, kMtvec);
  write(csr::kMedeleg, kDelegableExceptions);
  cpu.pc = 0x80000000;
  enterTrap(cpu, csrs, static_cast<uint64_t>(TrapCause::IllegalInstruction), 0x13);
  EXPECT_EQ(cpu.privilege, Privilege::Machine);
  EXPECT_EQ(cpu.pc, kMtvec);
  EXPECT_EQ(mpp(), 3u);
  EXPECT_EQ(csrs.mtval(), 0x13u);
}

TEST_F(TrapTest, VectoredMtvecForInterruptsOnly) {
  write(csr::kMtvec, kMtvec | 1);
  cpu.pc = 0x80000010;
  enterTrap(cpu, csrs, kInterruptCauseBit | 7, 0);
  EXPECT_EQ(cpu.pc, kMtvec + 4 * 7);
  EXPECT_EQ(csrs.mcause(), kInterruptCauseBit | 7);
  EXPECT_EQ(csrs.mtval(), 0u);
  cpu.privilege = Privilege::Machine;
  enterTrap(cpu, csrs, static_cast<uint64_t>(TrapCause::Breakpoint), 0x80000010);
  EXPECT_EQ(cpu.pc, kMtvec);
}

TEST_F(TrapTest, MretClearsMprvWhenLeavingMachineMode) {
  write(csr::kMstatus, mstatus::kMprv | 1u << mstatus::kMppShift);
  ASSERT_TRUE(returnFromMachineTrap(cpu, csrs));
  EXPECT_EQ(status() & mstatus::kMprv, 0u);
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);

  cpu.privilege = Privilege::Machine;
  write(csr::kMstatus, mstatus::kMprv | 3u << mstatus::kMppShift);
  ASSERT_TRUE(returnFromMachineTrap(cpu, csrs));
  EXPECT_NE(status() & mstatus::kMprv, 0u); // back to M: MPRV stays
  EXPECT_EQ(cpu.privilege, Privilege::Machine);

  // sret always lands below M: MPRV is cleared.
  write(csr::kMstatus, mstatus::kMprv | mstatus::kSpp);
  ASSERT_TRUE(returnFromSupervisorTrap(cpu, csrs));
  EXPECT_EQ(status() & mstatus::kMprv, 0u);
}

TEST_F(TrapTest, ReturnInstructionPermissions) {
  cpu.privilege = Privilege::Supervisor;
  uint64_t pc = cpu.pc = 0x1234;
  EXPECT_FALSE(returnFromMachineTrap(cpu, csrs));
  EXPECT_EQ(cpu.pc, pc);
  write(csr::kMstatus, mstatus::kTsr);
  EXPECT_FALSE(returnFromSupervisorTrap(cpu, csrs));
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  cpu.privilege = Privilege::User;
  write(csr::kMstatus, 0);
  EXPECT_FALSE(returnFromSupervisorTrap(cpu, csrs));
  EXPECT_FALSE(returnFromMachineTrap(cpu, csrs));
  // TSR does not apply to M-mode.
  cpu.privilege = Privilege::Machine;
  write(csr::kMstatus, mstatus::kTsr);
  EXPECT_TRUE(returnFromSupervisorTrap(cpu, csrs));
}

TEST_F(TrapTest, WfiAndSfenceVmaRules) {
  EXPECT_TRUE(wfiAllowed(cpu, csrs));
  EXPECT_TRUE(sfenceVmaAllowed(cpu, csrs));
  write(csr::kMstatus, mstatus::kTw | mstatus::kTvm);
  EXPECT_TRUE(wfiAllowed(cpu, csrs)); // TW/TVM do not bind M-mode
  EXPECT_TRUE(sfenceVmaAllowed(cpu, csrs));
  cpu.privilege = Privilege::Supervisor;
  EXPECT_FALSE(wfiAllowed(cpu, csrs));
  EXPECT_FALSE(sfenceVmaAllowed(cpu, csrs));
  write(csr::kMstatus, 0);
  EXPECT_TRUE(wfiAllowed(cpu, csrs));
  EXPECT_TRUE(sfenceVmaAllowed(cpu, csrs));
  cpu.privilege = Privilege::User;
  EXPECT_FALSE(wfiAllowed(cpu, csrs));
  EXPECT_FALSE(sfenceVmaAllowed(cpu, csrs));
}

TEST_F(TrapTest, InterruptPriorityOrder) {
  write(csr::kMie, mip::kAllInterrupts);
  write(csr::kMstatus, mstatus::kMie);
  write(csr::kMip, mip::kSsip | mip::kStip | mip::kSeip);
  csrs.setInterruptLine(Interrupt::MachineTimer, true);
  csrs.setInterruptLine(Interrupt::MachineSoftware, true);
  csrs.setInterruptLine(Interrupt::MachineExternal, true);
  // MEI, MSI, MTI, SEI, SSI, STI (privileged spec 3.1.9).
  const Interrupt order[] = {Interrupt::MachineExternal,    Interrupt::MachineSoftware,
                             Interrupt::MachineTimer,       Interrupt::SupervisorExternal,
                             Interrupt::SupervisorSoftware, Interrupt::SupervisorTimer};
  for (Interrupt expected : order) {
    std::optional<Interrupt> selected = selectInterrupt(cpu, csrs);
    ASSERT_TRUE(selected.has_value());
    EXPECT_EQ(*selected, expected);
    write(csr::kMie, csrs.mie() & ~interruptMask(expected));
  }
  EXPECT_FALSE(selectInterrupt(cpu, csrs).has_value());
}

TEST_F(TrapTest, GlobalEnablesMatterOnlyAtTheSameLevel) {
  write(csr::kMie, mip::kMtip | mip::kStip);
  csrs.setInterruptLine(Interrupt::MachineTimer, true);
  // In M-mode with MIE = 0: masked.
  EXPECT_FALSE(selectInterrupt(cpu, csrs).has_value());
  // In S or U, an M-level interrupt is taken whatever MIE says.
  cpu.privilege = Privilege::Supervisor;
  EXPECT_EQ(selectInterrupt(cpu, csrs), Interrupt::MachineTimer);
  cpu.privilege = Privilege::User;
  EXPECT_EQ(selectInterrupt(cpu, csrs), Interrupt::MachineTimer);
  // Not enabled in mie: never.
  write(csr::kMie, mip::kStip);
  EXPECT_FALSE(selectInterrupt(cpu, csrs).has_value());
  csrs.setInterruptLine(Interrupt::MachineTimer, false);

  // A delegated STI: taken in U always, in S only with SIE, never in M.
  write(csr::kMideleg, mip::kStip);
  write(csr::kMip, mip::kStip);
  cpu.privilege = Privilege::User;
  EXPECT_EQ(selectInterrupt(cpu, csrs), Interrupt::SupervisorTimer);
  cpu.privilege = Privilege::Supervisor;
  EXPECT_FALSE(selectInterrupt(cpu, csrs).has_value());
  write(csr::kMstatus, mstatus::kSie);
  EXPECT_EQ(selectInterrupt(cpu, csrs), Interrupt::SupervisorTimer);
  cpu.privilege = Privilege::Machine;
  write(csr::kMstatus, mstatus::kSie | mstatus::kMie);
  EXPECT_FALSE(selectInterrupt(cpu, csrs).has_value());

  // Not delegated, STI is an M-level interrupt: taken in M with MIE.
  write(csr::kMideleg, 0);
  EXPECT_EQ(selectInterrupt(cpu, csrs), Interrupt::SupervisorTimer);
}

TEST_F(TrapTest, MachineLevelInterruptsGoBeforeSupervisorOnes) {
  // SSI kept at M level, SEI delegated: in S-mode with SIE, the M-level SSI
  // wins although SEI comes first in the fixed order.
  write(csr::kMideleg, mip::kSeip);
  write(csr::kMie, mip::kSsip | mip::kSeip);
  write(csr::kMip, mip::kSsip | mip::kSeip);
  write(csr::kMstatus, mstatus::kSie);
  cpu.privilege = Privilege::Supervisor;
  EXPECT_EQ(selectInterrupt(cpu, csrs), Interrupt::SupervisorSoftware);

  // Taking it goes to M (not delegated), with the interrupt cause.
  write(csr::kMtvec, kMtvec | 1);
  cpu.pc = 0x80000400;
  enterTrap(cpu, csrs, kInterruptCauseBit | 1, 0);
  EXPECT_EQ(cpu.privilege, Privilege::Machine);
  EXPECT_EQ(cpu.pc, kMtvec + 4);
  EXPECT_EQ(csrs.mcause(), kInterruptCauseBit | 1);

  // A delegated interrupt enters S, vectored through stvec.
  write(csr::kStvec, kStvec | 1);
  cpu.privilege = Privilege::User;
  enterTrap(cpu, csrs, kInterruptCauseBit | 9, 0);
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  EXPECT_EQ(cpu.pc, kStvec + 4 * 9);
  EXPECT_EQ(csrs.scause(), kInterruptCauseBit | 9);
}

TEST_F(TrapTest, WfiWakesOnLocallyEnabledInterruptsRegardlessOfGlobalEnables) {
  EXPECT_FALSE(wfiWakeUp(csrs));
  csrs.setInterruptLine(Interrupt::MachineTimer, true);
  EXPECT_FALSE(wfiWakeUp(csrs)); // not in mie
  write(csr::kMie, mip::kMtip);
  EXPECT_TRUE(wfiWakeUp(csrs)); // MIE = 0 does not matter
}

} // namespace
} // namespace tiercel
