// The riscv64 signal frame: offsets a handler relies on (glibc's
// ucontext_t: uc_mcontext.__gregs[REG_PC] at 176, x[i] at 176 + 8i,
// __fpregs.__d.__f at 432, __fcsr at 688; rt_sigframe = siginfo + ucontext),
// and a round trip through setupSignalFrame / restoreSignalFrame on a real
// process (the sysroot's dynamic loader as the program).
#include "runtime/user/signal_frame.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "runtime/user/address_space.h"
#include "runtime/user/process.h"
#include "runtime/user/signals.h"

namespace tiercel::user {
namespace {

TEST(SignalFrame, LayoutMatchesTheLinuxRiscv64Abi) {
  EXPECT_EQ(sizeof(GuestSiginfo), 128u);
  EXPECT_EQ(offsetof(GuestSiginfo, fields.fault.addr), 16u);
  EXPECT_EQ(offsetof(GuestUcontext, flags), 0u);
  EXPECT_EQ(offsetof(GuestUcontext, link), 8u);
  EXPECT_EQ(offsetof(GuestUcontext, stack), 16u);
  EXPECT_EQ(offsetof(GuestUcontext, sigmask), 40u);
  EXPECT_EQ(kUcontextPcOffset, 176u);
  EXPECT_EQ(offsetof(GuestUcontext, mcontext.gregs) + 8 * 10, 176u + 80); // a0
  EXPECT_EQ(kUcontextFpOffset, 432u);
  EXPECT_EQ(kUcontextFcsrOffset, 688u);
  EXPECT_EQ(sizeof(GuestUcontext), 960u);
  EXPECT_EQ(offsetof(GuestRtSigframe, uc), 128u);
  EXPECT_EQ(sizeof(GuestRtSigframe), 1088u);
  EXPECT_EQ(sizeof(GuestSigaction), 24u);
  EXPECT_EQ(offsetof(GuestSigaction, mask), 16u);
  EXPECT_EQ(sizeof(GuestStack), 24u);
  // li a7, 139 ; ecall
  EXPECT_EQ(kSigreturnTrampoline[0], (139u << 20) | (17u << 7) | 0x13u);
  EXPECT_EQ(kSigreturnTrampoline[1], 0x73u);
}

TEST(SignalFrame, DefaultActions) {
  EXPECT_EQ(defaultAction(SIGCHLD), DefaultAction::Ignore);
  EXPECT_EQ(defaultAction(SIGWINCH), DefaultAction::Ignore);
  EXPECT_EQ(defaultAction(SIGSEGV), DefaultAction::CoreDump);
  EXPECT_EQ(defaultAction(SIGTERM), DefaultAction::Terminate);
  EXPECT_EQ(defaultAction(SIGTSTP), DefaultAction::Stop);
  EXPECT_EQ(defaultAction(SIGCONT), DefaultAction::Continue);
  EXPECT_EQ(defaultAction(40), DefaultAction::Terminate); // real-time
}

constexpr const char *kLoader = "/usr/riscv64-linux-gnu/lib/ld-linux-riscv64-lp64d.so.1";

std::unique_ptr<Process> makeProcess() {
  UserOptions options;
  ProgramSpec program{kLoader, {"ld.so"}, {"A=1"}};
  auto process = Process::create(options, program);
  EXPECT_TRUE(bool(process)) << llvm::toString(process.takeError());
  return process ? std::move(*process) : nullptr;
}

TEST(SignalFrame, SetupAndRestoreRoundTrip) {
  if (access(kLoader, R_OK) != 0)
    GTEST_SKIP() << "no riscv64 sysroot";
  auto process = makeProcess();
  ASSERT_TRUE(process);
  CpuState &cpu = process->cpu();
  for (int i = 1; i < 32; ++i)
    cpu.x[i] = 0x1000 + i;
  cpu.x[2] = process->initialStackPointer() - 72; // misaligned on purpose
  for (int i = 0; i < 32; ++i)
    cpu.f[i] = 0xffffffff00000000ull | i;
  cpu.fflags = 0x13;
  cpu.frm = 2;
  cpu.pc = 0x12344;
  CpuState saved;
  std::memcpy(static_cast<void *>(&saved), &cpu, offsetof(CpuState, trapCause));

  GuestSigaction action{0x55550, kSaSigInfo, 0};
  GuestSiginfo info = faultSiginfo(SIGSEGV, kSegvMapErr, 0xdead0);
  ASSERT_TRUE(setupSignalFrame(*process, cpu, SIGSEGV, info, action, sigBit(SIGUSR1)));
  uint64_t frame = cpu.x[2];
  EXPECT_EQ(frame % 16, 0u);
  EXPECT_LE(frame + sizeof(GuestRtSigframe), saved.x[2]);
  EXPECT_EQ(cpu.pc, 0x55550u);
  EXPECT_EQ(cpu.x[10], uint64_t(SIGSEGV));
  EXPECT_EQ(cpu.x[11], frame);
  EXPECT_EQ(cpu.x[12], frame + 128);
  EXPECT_EQ(cpu.x[1], process->sigreturnTrampoline());
  EXPECT_TRUE(process->addressSpace().isExecutable(cpu.x[1], 8));

  // What a handler sees through a1 and a2.
  uint8_t *uc = process->addressSpace().hostPointer(cpu.x[12]);
  uint64_t word;
  std::memcpy(&word, uc + kUcontextPcOffset, 8);
  EXPECT_EQ(word, 0x12344u);
  std::memcpy(&word, uc + kUcontextPcOffset + 8 * 2, 8);
  EXPECT_EQ(word, saved.x[2]); // sp as interrupted
  std::memcpy(&word, uc + kUcontextFpOffset + 8 * 5, 8);
  EXPECT_EQ(word, 0xffffffff00000005ull);
  uint32_t fcsr;
  std::memcpy(&fcsr, uc + kUcontextFcsrOffset, 4);
  EXPECT_EQ(fcsr, (2u << 5) | 0x13u);
  std::memcpy(&word, uc + offsetof(GuestUcontext, sigmask), 8);
  EXPECT_EQ(word, sigBit(SIGUSR1));
  uint8_t *si = process->addressSpace().hostPointer(cpu.x[11]);
  std::memcpy(&word, si + 16, 8);
  EXPECT_EQ(word, 0xdead0u);

  // The handler edits pc, a register and an FP register, then returns.
  uint64_t newPc = 0x12348, newA5 = 0x77;
  std::memcpy(uc + kUcontextPcOffset, &newPc, 8);
  std::memcpy(uc + kUcontextPcOffset + 8 * 15, &newA5, 8);
  std::memset(uc + kUcontextFpOffset, 0, 8);
  for (int i = 3; i < 32; ++i)
    cpu.x[i] = 0; // clobbered by the handler
  cpu.x[2] = frame;
  process->signals().blocked = ~uint64_t{0};
  ASSERT_TRUE(restoreSignalFrame(*process, cpu));
  EXPECT_EQ(cpu.pc, newPc);
  EXPECT_EQ(cpu.x[15], newA5);
  EXPECT_EQ(cpu.x[2], saved.x[2]);
  EXPECT_EQ(cpu.x[31], saved.x[31]);
  EXPECT_EQ(cpu.f[0], 0u);
  EXPECT_EQ(cpu.f[31], saved.f[31]);
  EXPECT_EQ(cpu.fflags, 0x13);
  EXPECT_EQ(cpu.frm, 2);
  EXPECT_EQ(process->signals().blocked, sigBit(SIGUSR1));
}

TEST(SignalFrame, AlternateStackIsUsedWithSaOnStack) {
  if (access(kLoader, R_OK) != 0)
    GTEST_SKIP() << "no riscv64 sysroot";
  auto process = makeProcess();
  ASSERT_TRUE(process);
  AddressSpace &space = process->addressSpace();
  int64_t alt = space.map(0, 0x10000, kProtRead | kProtWrite, 0x22, -1, 0);
  ASSERT_GT(alt, 0);
  process->signals().altStack = GuestStack{uint64_t(alt), 0, 0, 0x10000};
  CpuState &cpu = process->cpu();
  GuestSigaction onStack{0x55550, kSaOnStack, 0};
  GuestSiginfo info = {};
  info.signo = SIGUSR1;
  uint64_t userSp = cpu.x[2];
  ASSERT_TRUE(setupSignalFrame(*process, cpu, SIGUSR1, info, onStack, 0));
  EXPECT_GE(cpu.x[2], uint64_t(alt));
  EXPECT_LT(cpu.x[2], uint64_t(alt) + 0x10000);
  GuestStack saved;
  std::memcpy(&saved, space.hostPointer(cpu.x[12] + offsetof(GuestUcontext, stack)), sizeof saved);
  EXPECT_EQ(saved.sp, uint64_t(alt));
  EXPECT_EQ(saved.flags, 0); // the interrupted code was not on it
  EXPECT_TRUE(onAltStack(process->signals(), cpu.x[2]));
  // A second signal while on the alternate stack nests on it.
  uint64_t first = cpu.x[2];
  ASSERT_TRUE(setupSignalFrame(*process, cpu, SIGUSR1, info, onStack, 0));
  EXPECT_LT(cpu.x[2], first);
  std::memcpy(&saved, space.hostPointer(cpu.x[12] + offsetof(GuestUcontext, stack)), sizeof saved);
  EXPECT_EQ(saved.flags, kSsOnStack);
  (void)userSp;
}

TEST(SignalFrame, UnwritableStackFails) {
  if (access(kLoader, R_OK) != 0)
    GTEST_SKIP() << "no riscv64 sysroot";
  auto process = makeProcess();
  ASSERT_TRUE(process);
  CpuState &cpu = process->cpu();
  cpu.x[2] = 0x5000; // nothing mapped there
  GuestSigaction action{0x55550, 0, 0};
  GuestSiginfo info = {};
  info.signo = SIGUSR1;
  EXPECT_FALSE(setupSignalFrame(*process, cpu, SIGUSR1, info, action, 0));
  EXPECT_EQ(cpu.x[2], 0x5000u); // untouched
}

} // namespace
} // namespace tiercel::user
