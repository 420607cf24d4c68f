// CsrFile: access rules (privilege in csr[9:8], read-only csr[11:10], TVM,
// counter enables), the sstatus/sie/sip views of mstatus/mie/mip, WARL
// fields (MPP, xtvec mode, xepc bit 0, satp modes, delegation masks, PMP),
// FS and SD, counters, and the interrupt input lines.
#include <gtest/gtest.h>

#include "machine/system/csr_file.h"

namespace tiercel {
namespace {

class CsrFileTest : public ::testing::Test {
protected:
  CsrFileTest() : csrs(7, [this] { return time; }) { cpu.privilege = Privilege::Machine; }

  uint64_t read(uint32_t number) {
    uint64_t value = 0xdeadbeef;
    EXPECT_TRUE(csrs.read(number, cpu, value)) << std::hex << number;
    return value;
  }
  void write(uint32_t number, uint64_t value) {
    EXPECT_TRUE(csrs.write(number, cpu, value)) << std::hex << number;
  }
  bool readable(uint32_t number) {
    uint64_t value;
    return csrs.read(number, cpu, value);
  }
  bool writable(uint32_t number, uint64_t value = 0) { return csrs.write(number, cpu, value); }

  CpuState cpu{};
  uint64_t time = 123456;
  CsrFile csrs;
};

TEST_F(CsrFileTest, ResetStateAndMachineInformation) {
  EXPECT_EQ(read(csr::kMisa), kMisa);
  EXPECT_EQ(kMisa >> 62, 2u); // MXL = 64
  for (char extension : {'I', 'M', 'A', 'F', 'D', 'C', 'S', 'U'})
    EXPECT_NE(kMisa & (1u << (extension - 'A')), 0u) << extension;
  EXPECT_EQ(read(csr::kMhartid), 7u);
  EXPECT_EQ(read(csr::kMvendorid), 0u);
  EXPECT_EQ(read(csr::kMarchid), 0u);
  EXPECT_EQ(read(csr::kMimpid), 0u);
  EXPECT_EQ(read(csr::kMconfigptr), 0u);
  uint64_t status = read(csr::kMstatus);
  EXPECT_EQ((status & mstatus::kUxl) >> 32, 2u);
  EXPECT_EQ((status & mstatus::kSxl) >> 34, 2u);
  EXPECT_EQ(status & (mstatus::kMie | mstatus::kMprv | mstatus::kFs), 0u);
  EXPECT_FALSE(csrs.fpEnabled());
  EXPECT_EQ(read(csr::kSatp), 0u);
}

TEST_F(CsrFileTest, PrivilegeAndReadOnlyRules) {
  // Read-only CSRs (csr[11:10] = 3) cannot be written, even by M-mode.
  EXPECT_FALSE(writable(csr::kMhartid, 1));
  EXPECT_FALSE(writable(csr::kMvendorid, 1));
  EXPECT_FALSE(writable(csr::kCycle, 1));
  // misa is WARL: the write is accepted and ignored.
  write(csr::kMisa, 0);
  EXPECT_EQ(read(csr::kMisa), kMisa);

  cpu.privilege = Privilege::Supervisor;
  EXPECT_FALSE(readable(csr::kMstatus));
  EXPECT_FALSE(writable(csr::kMscratch, 1));
  EXPECT_TRUE(readable(csr::kSstatus));
  EXPECT_TRUE(writable(csr::kSscratch, 5));

  cpu.privilege = Privilege::User;
  EXPECT_FALSE(readable(csr::kSstatus));
  EXPECT_FALSE(readable(csr::kSscratch));

  // CSRs that do not exist here.
  cpu.privilege = Privilege::Machine;
  for (uint32_t number : {0x747u /* mseccfg */, 0x7a0u /* tselect */, 0x14du /* stimecmp */,
                          0x34au /* mtinst */, 0x3a1u /* pmpcfg1: RV32 only */, 0x600u})
    EXPECT_FALSE(readable(number)) << std::hex << number;
}

TEST_F(CsrFileTest, SstatusIsARestrictedViewOfMstatus) {
  write(csr::kMstatus, mstatus::kMie | mstatus::kSie | mstatus::kMpie | mstatus::kSpie |
                           mstatus::kTvm | mstatus::kTsr | mstatus::kTw | mstatus::kMprv |
                           mstatus::kSum | mstatus::kMxr | mstatus::kSpp | 1u << 11);
  uint64_t sstatus = read(csr::kSstatus);
  EXPECT_EQ(sstatus & (mstatus::kMie | mstatus::kMpie | mstatus::kTvm | mstatus::kTsr |
                       mstatus::kTw | mstatus::kMprv | mstatus::kMpp),
            0u);
  EXPECT_EQ(sstatus &
                (mstatus::kSie | mstatus::kSpie | mstatus::kSum | mstatus::kMxr | mstatus::kSpp),
            mstatus::kSie | mstatus::kSpie | mstatus::kSum | mstatus::kMxr | mstatus::kSpp);
  EXPECT_EQ((sstatus & mstatus::kUxl) >> 32, 2u);

  // An sstatus write changes only the S fields; M fields survive.
  write(csr::kSstatus, 0);
  uint64_t status = read(csr::kMstatus);
  EXPECT_EQ(status &
                (mstatus::kSie | mstatus::kSpie | mstatus::kSum | mstatus::kMxr | mstatus::kSpp),
            0u);
  EXPECT_NE(status & mstatus::kMie, 0u);
  EXPECT_NE(status & mstatus::kTvm, 0u);
  EXPECT_EQ((status & mstatus::kMpp) >> mstatus::kMppShift, 1u);
  // Writes through sstatus cannot reach MIE or MPP either.
  write(csr::kSstatus, mstatus::kMie | mstatus::kMpp);
  EXPECT_EQ((read(csr::kMstatus) & mstatus::kMpp) >> mstatus::kMppShift, 1u);
}

TEST_F(CsrFileTest, MstatusWarlFields) {
  // MPP = 2 is reserved: the field keeps its value.
  write(csr::kMstatus, 1u << mstatus::kMppShift);
  write(csr::kMstatus, 2u << mstatus::kMppShift);
  EXPECT_EQ((read(csr::kMstatus) & mstatus::kMpp) >> mstatus::kMppShift, 1u);
  // UXL/SXL, the endianness bits, VS and XS are fixed.
  write(csr::kMstatus, ~uint64_t{0});
  uint64_t status = read(csr::kMstatus);
  EXPECT_EQ((status & mstatus::kUxl) >> 32, 2u);
  EXPECT_EQ((status & mstatus::kSxl) >> 34, 2u);
  EXPECT_EQ(status & (mstatus::kUbe | mstatus::kVs | mstatus::kXs | 3ull << 36), 0u);
  EXPECT_EQ((status & mstatus::kMpp) >> mstatus::kMppShift, 3u);
}

TEST_F(CsrFileTest, FsGatesTheFpUnitAndSdSummarisesIt) {
  EXPECT_FALSE(csrs.fpEnabled());
  write(csr::kMstatus, mstatus::kFsInitial << mstatus::kFsShift);
  EXPECT_TRUE(csrs.fpEnabled());
  EXPECT_EQ(read(csr::kMstatus) & mstatus::kSd, 0u);
  csrs.markFpDirty();
  EXPECT_EQ((read(csr::kMstatus) & mstatus::kFs) >> mstatus::kFsShift, mstatus::kFsDirty);
  EXPECT_NE(read(csr::kMstatus) & mstatus::kSd, 0u);
  EXPECT_NE(read(csr::kSstatus) & mstatus::kSd, 0u);
  // SD is read-only: clearing it through a write changes nothing; Clean clears it.
  write(csr::kSstatus, read(csr::kSstatus) & ~mstatus::kSd);
  EXPECT_NE(read(csr::kMstatus) & mstatus::kSd, 0u);
  write(csr::kSstatus, mstatus::kFsClean << mstatus::kFsShift);
  EXPECT_EQ(read(csr::kMstatus) & mstatus::kSd, 0u);
  write(csr::kMstatus, 0);
  EXPECT_FALSE(csrs.fpEnabled());
}

TEST_F(CsrFileTest, InterruptEnableAndPendingViews) {
  write(csr::kMideleg, ~uint64_t{0});
  EXPECT_EQ(read(csr::kMideleg), mip::kSupervisorInterrupts); // M-level ones are never delegated
  write(csr::kMie, ~uint64_t{0});
  EXPECT_EQ(read(csr::kMie), mip::kAllInterrupts);
  EXPECT_EQ(read(csr::kSie), mip::kSupervisorInterrupts);

  // sie writes reach only delegated bits.
  write(csr::kMideleg, mip::kStip);
  write(csr::kSie, 0);
  EXPECT_EQ(read(csr::kMie), mip::kAllInterrupts & ~mip::kStip);
  EXPECT_EQ(read(csr::kSie), 0u);
  write(csr::kSie, mip::kSsip | mip::kStip);
  EXPECT_EQ(read(csr::kMie), mip::kAllInterrupts);

  // mip: the device lines are read-only, SSIP/STIP writable by M-mode.
  write(csr::kMip, mip::kMtip | mip::kMsip | mip::kMeip);
  EXPECT_EQ(read(csr::kMip), 0u);
  csrs.setInterruptLine(Interrupt::MachineTimer, true);
  csrs.setInterruptLine(Interrupt::MachineExternal, true);
  EXPECT_EQ(read(csr::kMip), mip::kMtip | mip::kMeip);
  write(csr::kMip, 0); // cannot clear a line
  EXPECT_EQ(read(csr::kMip), mip::kMtip | mip::kMeip);
  csrs.setInterruptLine(Interrupt::MachineTimer, false);
  EXPECT_EQ(read(csr::kMip), mip::kMeip);
  csrs.setInterruptLine(Interrupt::SupervisorSoftware, true); // no such input line
  EXPECT_EQ(read(csr::kMip), mip::kMeip);

  write(csr::kMip, mip::kStip | mip::kSsip);
  EXPECT_EQ(read(csr::kMip), mip::kMeip | mip::kStip | mip::kSsip);
  // sip shows only delegated bits (STIP here); SSIP is not delegated: not writable through sip.
  EXPECT_EQ(read(csr::kSip), mip::kStip);
  write(csr::kSip, 0);
  EXPECT_EQ(read(csr::kMip) & mip::kSsip, mip::kSsip);
  write(csr::kMideleg, mip::kSupervisorInterrupts);
  write(csr::kSip, 0); // SSIP delegated now: cleared; STIP is read-only in sip
  EXPECT_EQ(read(csr::kMip), mip::kMeip | mip::kStip);
}

TEST_F(CsrFileTest, SeipIsTheLineOrTheSoftwareBit) {
  csrs.setInterruptLine(Interrupt::SupervisorExternal, true);
  EXPECT_EQ(read(csr::kMip), mip::kSeip);
  // csrs mip, STIP reads SEIP from the line and writes it back: the
  // software bit must not latch it.
  write(csr::kMip, read(csr::kMip) | mip::kStip);
  csrs.setInterruptLine(Interrupt::SupervisorExternal, false);
  EXPECT_EQ(read(csr::kMip), mip::kStip);
  // M-mode software can raise SEIP by itself.
  write(csr::kMip, mip::kSeip);
  EXPECT_EQ(read(csr::kMip), mip::kSeip);
  write(csr::kMip, 0);
  EXPECT_EQ(read(csr::kMip), 0u);
}

TEST_F(CsrFileTest, DelegationMasks) {
  write(csr::kMedeleg, ~uint64_t{0});
  EXPECT_EQ(read(csr::kMedeleg), kDelegableExceptions);
  EXPECT_EQ(read(csr::kMedeleg) & (1u << 11), 0u); // ecall from M
  EXPECT_NE(read(csr::kMedeleg) & (1u << 8), 0u);  // ecall from U
  EXPECT_NE(read(csr::kMedeleg) & (1u << 15), 0u); // store page fault
}

TEST_F(CsrFileTest, TrapVectorsAndEpcs) {
  write(csr::kMtvec, 0x80001001);
  EXPECT_EQ(read(csr::kMtvec), 0x80001001u); // vectored
  write(csr::kMtvec, 0x80002002);            // mode 2 is reserved: mode kept
  EXPECT_EQ(read(csr::kMtvec), 0x80002001u);
  write(csr::kStvec, 0x80003000);
  EXPECT_EQ(read(csr::kStvec), 0x80003000u);
  write(csr::kStvec, 0x80003003);
  EXPECT_EQ(read(csr::kStvec), 0x80003000u);

  // xepc: bit 0 is always zero, bit 1 is kept (C is on).
  write(csr::kMepc, 0x80000003);
  EXPECT_EQ(read(csr::kMepc), 0x80000002u);
  write(csr::kSepc, 0x1235);
  EXPECT_EQ(read(csr::kSepc), 0x1234u);

  write(csr::kMcause, 0x8000000000000007);
  EXPECT_EQ(read(csr::kMcause), 0x8000000000000007u);
  write(csr::kMtval, 0x1234);
  EXPECT_EQ(read(csr::kMtval), 0x1234u);
  write(csr::kStval, 0x5678);
  EXPECT_EQ(read(csr::kStval), 0x5678u);
  write(csr::kMscratch, 1);
  write(csr::kSscratch, 2);
  EXPECT_EQ(read(csr::kMscratch), 1u);
  EXPECT_EQ(read(csr::kSscratch), 2u);
}

TEST_F(CsrFileTest, SatpModesAndTvm) {
  uint64_t sv39 =
      satp::kModeSv39 << satp::kModeShift | uint64_t{0x1234} << satp::kAsidShift | 0x80010;
  write(csr::kSatp, sv39);
  EXPECT_EQ(read(csr::kSatp), sv39);
  uint64_t sv48 = satp::kModeSv48 << satp::kModeShift | 0x80020;
  write(csr::kSatp, sv48);
  EXPECT_EQ(read(csr::kSatp), sv48);
  // Sv57 (10) and reserved modes: the whole write has no effect.
  write(csr::kSatp, uint64_t{10} << satp::kModeShift | 0x1);
  EXPECT_EQ(read(csr::kSatp), sv48);
  write(csr::kSatp, uint64_t{1} << satp::kModeShift);
  EXPECT_EQ(read(csr::kSatp), sv48);
  write(csr::kSatp, 0);
  EXPECT_EQ(read(csr::kSatp), 0u);

  // TVM makes satp illegal in S-mode, not in M-mode.
  write(csr::kMstatus, mstatus::kTvm);
  cpu.privilege = Privilege::Supervisor;
  EXPECT_FALSE(readable(csr::kSatp));
  EXPECT_FALSE(writable(csr::kSatp, sv39));
  cpu.privilege = Privilege::Machine;
  EXPECT_TRUE(readable(csr::kSatp));
  write(csr::kMstatus, 0);
  cpu.privilege = Privilege::Supervisor;
  EXPECT_TRUE(writable(csr::kSatp, sv39));
}

TEST_F(CsrFileTest, CounterEnablesGateLowerPrivileges) {
  cpu.instret = 1000;
  EXPECT_EQ(read(csr::kCycle), 1000u);
  EXPECT_EQ(read(csr::kInstret), 1000u);
  EXPECT_EQ(read(csr::kTime), 123456u);

  cpu.privilege = Privilege::Supervisor;
  EXPECT_FALSE(readable(csr::kCycle));
  EXPECT_FALSE(readable(csr::kTime));
  cpu.privilege = Privilege::Machine;
  write(csr::kMcounteren, ~uint64_t{0});
  EXPECT_EQ(read(csr::kMcounteren), 7u); // CY, TM, IR; no hpm counters
  cpu.privilege = Privilege::Supervisor;
  EXPECT_EQ(read(csr::kTime), 123456u);
  EXPECT_EQ(read(csr::kInstret), 1000u);
  EXPECT_FALSE(readable(csr::kHpmcounter3));

  // U needs scounteren as well.
  cpu.privilege = Privilege::User;
  EXPECT_FALSE(readable(csr::kTime));
  cpu.privilege = Privilege::Supervisor;
  write(csr::kScounteren, 2); // TM only
  cpu.privilege = Privilege::User;
  EXPECT_EQ(read(csr::kTime), 123456u);
  EXPECT_FALSE(readable(csr::kCycle));
  EXPECT_FALSE(readable(csr::kInstret));

  // The hpm counters and events are read-only zero in M-mode.
  cpu.privilege = Privilege::Machine;
  write(csr::kMhpmcounter3, 5);
  write(csr::kMhpmevent3 + 4, 5);
  EXPECT_EQ(read(csr::kMhpmcounter3), 0u);
  EXPECT_EQ(read(csr::kMhpmevent3 + 4), 0u);
  EXPECT_EQ(read(csr::kHpmcounter3 + 28), 0u);
}

TEST_F(CsrFileTest, TimeNeedsTheBoardsClock) {
  CsrFile noClock;
  uint64_t value;
  EXPECT_FALSE(noClock.read(csr::kTime, cpu, value));
  EXPECT_TRUE(noClock.read(csr::kCycle, cpu, value));
}

TEST_F(CsrFileTest, CounterWritesAndInhibit) {
  cpu.instret = 50;
  // The write replaces the writing instruction's own increment: the next
  // instruction (instret 51) reads the written value.
  write(csr::kMinstret, 1000);
  write(csr::kMcycle, 2000);
  cpu.instret = 51;
  EXPECT_EQ(read(csr::kMinstret), 1000u);
  EXPECT_EQ(read(csr::kMcycle), 2000u);
  cpu.instret = 61;
  EXPECT_EQ(read(csr::kInstret), 1010u);

  write(csr::kMcountinhibit, ~uint64_t{0});
  EXPECT_EQ(read(csr::kMcountinhibit), 0b101u);
  cpu.instret = 100;
  EXPECT_EQ(read(csr::kMinstret), 1010u); // frozen
  EXPECT_EQ(read(csr::kMcycle), 2010u);
  write(csr::kMinstret, 7);
  EXPECT_EQ(read(csr::kMinstret), 7u);
  write(csr::kMcountinhibit, 0);
  cpu.instret = 105;
  EXPECT_EQ(read(csr::kMinstret), 12u);
  EXPECT_EQ(read(csr::kMcycle), 2015u);
}

TEST_F(CsrFileTest, EnvcfgHasOnlyFiom) {
  write(csr::kMenvcfg, ~uint64_t{0});
  EXPECT_EQ(read(csr::kMenvcfg), 1u); // no STCE, PBMTE, CBZE...
  cpu.privilege = Privilege::Supervisor;
  write(csr::kSenvcfg, ~uint64_t{0});
  EXPECT_EQ(read(csr::kSenvcfg), 1u);
  cpu.privilege = Privilege::User;
  EXPECT_FALSE(readable(csr::kSenvcfg));
}

TEST_F(CsrFileTest, PmpRegistersReadBackWithWarlRules) {
  // pmpaddr: 54 bits.
  write(csr::kPmpaddr0, ~uint64_t{0});
  EXPECT_EQ(read(csr::kPmpaddr0), (uint64_t{1} << 54) - 1);
  write(csr::kPmpaddr0 + 63, 0x1234);
  EXPECT_EQ(read(csr::kPmpaddr0 + 63), 0x1234u);

  // pmpcfg0 holds entries 0..7: reserved bits 5-6 read zero, R=0 W=1 is legalised.
  write(csr::kPmpcfg0, 0x7f1f);
  EXPECT_EQ(read(csr::kPmpcfg0), 0x1f1fu);
  write(csr::kPmpcfg0, 0x02); // W without R
  EXPECT_EQ(read(csr::kPmpcfg0), 0x00u);
  write(csr::kPmpcfg0 + 2, 0x0f00);
  EXPECT_EQ(read(csr::kPmpcfg0 + 2), 0x0f00u);
  EXPECT_EQ(csrs.pmpcfg(9), 0x0fu);

  // A locked TOR entry 1 locks itself and pmpaddr0; writes are ignored until reset.
  write(csr::kPmpaddr0 + 1, 0x2000);
  write(csr::kPmpcfg0, 0x8f << 8 | 0x1f); // entry 1: L, TOR, RWX
  write(csr::kPmpcfg0, 0);
  EXPECT_EQ(read(csr::kPmpcfg0), 0x8f00u);
  write(csr::kPmpaddr0 + 1, 0x3000);
  write(csr::kPmpaddr0, 0x5);
  EXPECT_EQ(read(csr::kPmpaddr0 + 1), 0x2000u);
  EXPECT_EQ(read(csr::kPmpaddr0), (uint64_t{1} << 54) - 1);
  csrs.reset();
  write(csr::kPmpaddr0, 0x5);
  EXPECT_EQ(read(csr::kPmpaddr0), 0x5u);
}

} // namespace
} // namespace tiercel
