// Programs run by the reference interpreter on a SystemEnv, with the run
// loop system_env.h describes: M-mode boot code that delegates traps,
// drops to S with mret, turns Sv39 on, takes an ecall in S, runs U code that
// page-faults and calls the kernel, and powers off through the real
// sifive_test device; an interrupt taken right after the csrs that enables
// it; wfi sleeping until a device line rises; and the FS gate on FP code.
// Instruction words come from the fuzz generator's encoders
// (tests/fuzz/rv_encoding.h) and the privileged words in Assembler.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "devices/sifive_test.h"
#include "machine/interpreter/interpreter_impl.h"
#include "machine/system/system_env.h"
#include "system/system_test_support.h"

namespace tiercel::system_test {
namespace {

using namespace reg;

constexpr uint64_t kFinisherBase = 0x100000; // sifive_test, as on virt
constexpr uint32_t kPass = devices::SifiveTest::kPass;
constexpr uint32_t kFailOne = devices::SifiveTest::kFail | 1u << 16;

// The board side of the run loop: power-off ends the run.
class Board : public PowerControl {
public:
  explicit Board(CpuState &cpu) : cpu_(cpu) {}
  void powerOff(int exitCode) override {
    exitCodes.push_back(exitCode);
    cpu_.exitRequest.store(1);
  }
  void reset() override {}
  std::vector<int> exitCodes;

private:
  CpuState &cpu_;
};

class SystemProgramTest : public ::testing::Test {
protected:
  SystemProgramTest() : board(cpu), finisher(board), env(cpu, machine.map), interpreter(env) {
    // The map is consulted at access time: the finisher can join it now.
    llvm::cantFail(machine.map.addDevice(kFinisherBase, finisher));
    env.setTranslationFlushHook([this](uint64_t vaddr, bool all) {
      ++flushes;
      if (all)
        interpreter.invalidateAll();
      else
        interpreter.invalidateRange(vaddr & Softmmu::kPageMask, Softmmu::kPageSize);
    });
  }

  // The run loop of system_env.h; false if the program did not power off
  // (within maxStops returns to the loop, or 10 s: a watchdog thread then
  // raises the exit request, so a guest spinning forever cannot hang the test).
  bool run(unsigned maxStops = 100) {
    std::atomic<bool> finished{false}, timedOut{false};
    std::thread watchdog([&] {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (!finished.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (std::chrono::steady_clock::now() > deadline) {
          timedOut.store(true);
          cpu.exitRequest.store(1);
          env.wake();
        }
      }
    });
    bool poweredOff = runLoop(maxStops, timedOut);
    finished.store(true);
    watchdog.join();
    return poweredOff;
  }

  bool runLoop(unsigned maxStops, const std::atomic<bool> &timedOut) {
    for (unsigned stop = 0; stop < maxStops && !timedOut.load(); ++stop) {
      if (env.takePendingInterrupt())
        ++interrupts;
      StopReason reason = interpreter.run();
      if (reason == StopReason::Trap) {
        trapCauses.push_back(cpu.trapCause);
        env.takeTrap();
        continue;
      }
      cpu.exitRequest.store(0);
      if (!board.exitCodes.empty())
        return true;
      if (env.waitingForInterrupt()) {
        ++waits;
        env.waitForInterrupt(std::chrono::seconds(10));
      }
    }
    return false;
  }

  // sw of `command` to the finisher, then spin (the exit request stops it).
  static void powerOff(Assembler &as, uint32_t command) {
    as.li(kT0, kFinisherBase);
    as.li(kT1, command);
    as.emit(fuzz::store(Opcode::Sw, kT1, kT0, 0));
    as.jump(as.pc());
  }

  TestMachine machine;
  CpuState cpu{};
  Board board;
  devices::SifiveTest finisher;
  SystemEnv env;
  Interpreter<SystemEnv> interpreter;
  std::vector<uint64_t> trapCauses;
  unsigned interrupts = 0, waits = 0, flushes = 0;
};

// Physical layout of the boot program.
constexpr uint64_t kBoot = 0x80000000, kMachineHandler = 0x80000100, kSupervisorEntry = 0x80000200,
                   kSupervisorHandler = 0x80000300, kUserCode = 0x80003000, kUserData = 0x80004000,
                   kKernelData = 0x80005000, kTables = 0x80010000;
// Virtual addresses under Sv39.
constexpr uint64_t kUserCodeVa = 0x10000, kUserDataVa = 0x11000, kUnmappedVa = 0x2000,
                   kAliasVa = 0x40000000;

TEST_F(SystemProgramTest, BootsToSupervisorAndUserThroughSv39) {
  PageTableBuilder tables(machine, kTables, 3);
  constexpr uint64_t kKernelFlags = pte::kRead | pte::kWrite | pte::kAccessed | pte::kDirty;
  tables.map(0x80000000, 0x80000000, 2, kKernelFlags | pte::kExecute); // identity gigapage
  tables.map(kAliasVa, 0x80000000, 2, kKernelFlags);                   // data alias
  tables.map(kFinisherBase, kFinisherBase, 0, kKernelFlags);           // the finisher page
  uint64_t userCodePte =
      tables.map(kUserCodeVa, kUserCode, 0, pte::kRead | pte::kExecute | pte::kUser);
  uint64_t userDataPte =
      tables.map(kUserDataVa, kUserData, 0, pte::kRead | pte::kWrite | pte::kUser);
  machine.write64(kKernelData, 0x1122334455667788);

  // M-mode: trap vectors, delegation, MPP = S, mret into S.
  Assembler boot(machine, kBoot);
  boot.la(kT0, kMachineHandler);
  boot.csrw(csr::kMtvec, kT0);
  boot.la(kT0, kSupervisorHandler);
  boot.csrw(csr::kStvec, kT0);
  boot.li(kT0, 1u << 8 | 1u << 9 | 1u << 12 | 1u << 13 | 1u << 15); // ecalls, page faults
  boot.csrw(csr::kMedeleg, kT0);
  boot.li(kT0, mstatus::kMpp);
  boot.csrc(csr::kMstatus, kT0);
  boot.li(kT0, 1u << mstatus::kMppShift);
  boot.csrs(csr::kMstatus, kT0);
  boot.la(kT0, kSupervisorEntry);
  boot.csrw(csr::kMepc, kT0);
  boot.emit(Assembler::kMret);

  // M-mode handler: nothing should get here; fail with mcause in t6.
  Assembler machineHandler(machine, kMachineHandler);
  machineHandler.csrr(kT6, csr::kMcause);
  powerOff(machineHandler, kFailOne);

  // S-mode: Sv39 on, read through the alias, ecall, then sret into U.
  Assembler kernel(machine, kSupervisorEntry);
  kernel.li(kT0, satp::kModeSv39);
  kernel.emit(fuzz::intShift(Opcode::Slli, kT0, kT0, satp::kModeShift));
  kernel.li(kT1, kTables >> 12);
  kernel.emit(fuzz::intR(Opcode::Or, kT0, kT0, kT1));
  kernel.csrw(csr::kSatp, kT0);
  kernel.emit(Assembler::sfenceVma(0, 0));
  kernel.li(kT2, kAliasVa + (kKernelData - 0x80000000));
  kernel.emit(fuzz::load(Opcode::Ld, kS2, kT2, 0));
  uint64_t kernelEcall = kernel.pc();
  kernel.emit(fuzz::ecall());
  kernel.li(kT0, mstatus::kSpp);
  kernel.csrc(csr::kSstatus, kT0);
  kernel.li(kT0, kUserCodeVa);
  kernel.csrw(csr::kSepc, kT0);
  kernel.emit(Assembler::kSret);

  // S-mode trap handler: dispatch on scause.
  Assembler handler(machine, kSupervisorHandler);
  constexpr uint64_t kEcallS = kSupervisorHandler + 0x80, kLoadFault = kSupervisorHandler + 0xc0,
                     kEcallU = kSupervisorHandler + 0x100;
  handler.csrr(kA0, csr::kScause);
  handler.li(kT0, 9);
  handler.branch(Opcode::Beq, kA0, kT0, kEcallS);
  handler.li(kT0, 13);
  handler.branch(Opcode::Beq, kA0, kT0, kLoadFault);
  handler.li(kT0, 8);
  handler.branch(Opcode::Beq, kA0, kT0, kEcallU);
  powerOff(handler, kFailOne);
  ASSERT_LE(handler.pc(), kEcallS);
  Assembler ecallS(machine, kEcallS); // record, skip the ecall, return
  ecallS.emit(fuzz::intI(Opcode::Addi, kS3, kA0, 0));
  ecallS.csrr(kS4, csr::kSepc);
  ecallS.emit(fuzz::intI(Opcode::Addi, kT0, kS4, 4));
  ecallS.csrw(csr::kSepc, kT0);
  ecallS.emit(Assembler::kSret);
  Assembler loadFault(machine, kLoadFault); // record stval, skip the load
  loadFault.csrr(kS7, csr::kStval);
  loadFault.csrr(kT0, csr::kSepc);
  loadFault.emit(fuzz::intI(Opcode::Addi, kT0, kT0, 4));
  loadFault.csrw(csr::kSepc, kT0);
  loadFault.emit(Assembler::kSret);
  Assembler ecallU(machine, kEcallU); // the user program is done: power off
  ecallU.emit(fuzz::intI(Opcode::Addi, kS6, kA0, 0));
  ecallU.csrr(kS8, csr::kSstatus);
  powerOff(ecallU, kPass);

  // U-mode: a load from an unmapped page, a store, a load back, ecall.
  Assembler user(machine, kUserCode);
  user.li(kT3, kUnmappedVa);
  user.emit(fuzz::load(Opcode::Ld, kT3, kT3, 0));
  user.li(kA1, 42);
  user.li(kT2, kUserDataVa);
  user.emit(fuzz::store(Opcode::Sd, kA1, kT2, 8));
  user.emit(fuzz::load(Opcode::Ld, kA2, kT2, 8));
  user.emit(fuzz::ecall());

  env.reset(kBoot);
  ASSERT_TRUE(run());
  EXPECT_EQ(board.exitCodes, std::vector<int>{0}) << "mcause " << cpu.x[kT6];

  // Every trap went through the run loop: S ecall, U load page fault, U ecall.
  EXPECT_EQ(trapCauses, (std::vector<uint64_t>{9, 13, 8}));
  EXPECT_EQ(cpu.privilege, Privilege::Supervisor);
  EXPECT_EQ(cpu.x[kS2], 0x1122334455667788u); // read through the alias mapping
  EXPECT_EQ(cpu.x[kS3], 9u);                  // ecall from S, handled in S
  EXPECT_EQ(cpu.x[kS4], kernelEcall);
  EXPECT_EQ(cpu.x[kS7], kUnmappedVa);
  EXPECT_EQ(cpu.x[kS6], 8u); // ecall from U
  EXPECT_EQ(cpu.x[kS8] & mstatus::kSpp, 0u);
  EXPECT_EQ(cpu.x[kA1], 42u);
  EXPECT_EQ(cpu.x[kA2], 42u);
  EXPECT_EQ(cpu.x[kT3], kUnmappedVa); // the faulting load did not write it
  EXPECT_EQ(machine.read64(kUserData + 8), 42u);
  // The walker set A on the user pages, and D on the one written.
  EXPECT_EQ(machine.read64(userCodePte) & (pte::kAccessed | pte::kDirty), pte::kAccessed);
  EXPECT_EQ(machine.read64(userDataPte) & (pte::kAccessed | pte::kDirty),
            pte::kAccessed | pte::kDirty);
  // The M-mode state left behind: MPP back to U after mret, nothing reached M.
  uint64_t status = env.csrs().mstatus();
  EXPECT_EQ(status & mstatus::kMpp, 0u);
  EXPECT_EQ(env.csrs().mcause(), 0u);
  EXPECT_EQ(env.csrs().medeleg(), 0xb300u);
  EXPECT_EQ(flushes, 1u); // the sfence.vma
  EXPECT_GT(cpu.instret, 40u);
}

TEST_F(SystemProgramTest, InterruptIsTakenRightAfterTheCsrWriteThatEnablesIt) {
  constexpr uint64_t kVectors = 0x80001000, kTimerHandler = 0x80001100;
  Assembler code(machine, kBoot);
  code.la(kT0, kVectors + 1); // vectored
  code.csrw(csr::kMtvec, kT0);
  code.li(kT0, mip::kMtip);
  code.csrs(csr::kMie, kT0);
  code.li(kS0, 0);
  code.emit(fuzz::csr(Opcode::Csrrsi, 0, csr::kMstatus, mstatus::kMie));
  uint64_t afterEnable = code.pc();
  code.emit(fuzz::intI(Opcode::Addi, kS0, kS0, 1));
  code.jump(code.pc());
  Assembler vectors(machine, kVectors + 4 * 7);
  vectors.jump(kTimerHandler);
  Assembler timer(machine, kTimerHandler);
  timer.csrr(kS1, csr::kMcause);
  timer.csrr(kS2, csr::kMepc);
  powerOff(timer, kPass);

  env.reset(kBoot);
  env.interruptLine(Interrupt::MachineTimer).setLevel(true); // the CLINT's line is high already
  ASSERT_TRUE(run());
  EXPECT_EQ(board.exitCodes, std::vector<int>{0});
  EXPECT_EQ(interrupts, 1u);
  EXPECT_EQ(cpu.x[kS1], kInterruptCauseBit | 7);
  EXPECT_EQ(cpu.x[kS2], afterEnable);
  EXPECT_EQ(cpu.x[kS0], 0u); // the addi after the csrsi had not run
}

TEST_F(SystemProgramTest, WfiSleepsUntilADeviceRaisesALine) {
  Assembler code(machine, kBoot);
  code.li(kT0, mip::kMeip);
  code.csrs(csr::kMie, kT0); // MIE stays 0: wfi wakes, no trap is taken
  code.emit(Assembler::kWfi);
  code.csrr(kS1, csr::kMip);
  powerOff(code, kPass);

  env.reset(kBoot);
  std::thread plic([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    env.interruptLine(Interrupt::MachineExternal).setLevel(true);
  });
  ASSERT_TRUE(run());
  plic.join();
  EXPECT_EQ(waits, 1u);
  EXPECT_EQ(interrupts, 0u);
  EXPECT_EQ(cpu.x[kS1], mip::kMeip);
  EXPECT_EQ(board.exitCodes, std::vector<int>{0});
}

TEST_F(SystemProgramTest, FpInstructionsNeedFsOn) {
  Assembler code(machine, kBoot);
  uint32_t fadd = fuzz::fpR(Opcode::FaddD, 1, 2, 3, 0).bits;
  code.emit(fadd);
  code.emit(fuzz::ecall());
  cpu.f[2] = 0x3ff0000000000000; // 1.0
  cpu.f[3] = 0x4000000000000000; // 2.0

  env.reset(kBoot);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::IllegalInstruction));
  EXPECT_EQ(cpu.trapValue, fadd);
  EXPECT_EQ(cpu.pc, kBoot);

  ASSERT_TRUE(env.csrWrite(csr::kMstatus, mstatus::kFsInitial << mstatus::kFsShift));
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(cpu.trapCause, static_cast<uint64_t>(TrapCause::EcallFromM));
  EXPECT_EQ(cpu.f[1], 0x4008000000000000u); // 3.0
  uint64_t status = env.csrs().mstatus();
  EXPECT_EQ((status & mstatus::kFs) >> mstatus::kFsShift, mstatus::kFsDirty);
  EXPECT_NE(status & mstatus::kSd, 0u);
}

} // namespace
} // namespace tiercel::system_test
