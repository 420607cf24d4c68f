// Interpreter tests: small guest programs (assembled with
// riscv64-linux-gnu-as/ld at 0x10000 when the test was written; the source is
// beside each array) run in a TestEnv. They check results, exact instret,
// chaining (no dispatcher lookups in the steady state), invalidation through
// fence.i and invalidateRange, exitRequest, precise traps (load faults and
// fetch faults in the middle of a block), the precision contract for host
// faults, one-instruction blocks and the -d logs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "machine/interpreter/interpreter_impl.h"
#include "support/test_env.h"

namespace tiercel::test {
namespace {

// _start:
//   li a0, 0
//   li a1, 1000
// loop:
//   add a0, a0, a1
//   addi a1, a1, -1
//   bnez a1, loop
//   ecall
constexpr uint16_t kSumProgram[] = {
    0x4501, 0x0593, 0x3e80, 0x952e, 0x15fd, 0xfdf5, 0x0073, 0x0000,
};

// _start:
//   jal ra, patch
//   mv s0, a0
//   lla t0, replacement
//   lw t1, 0(t0)
//   lla t2, patch
//   sw t1, 0(t2)
//   fence.i
//   jal ra, patch
//   mv s1, a0
//   ecall
// .option push
// .option norvc
// .balign 4
// patch:
//   li a0, 1
//   ret
// replacement:
//   li a0, 2
// .option pop
constexpr uint16_t kSmcProgram[] = {
    0x00ef, 0x02c0, 0x842a, 0x0297, 0x0000, 0x8293, 0x02e2, 0xa303, 0x0002, 0x0397,
    0x0000, 0x8393, 0x01a3, 0xa023, 0x0063, 0x100f, 0x0000, 0x00ef, 0x00a0, 0x84aa,
    0x0073, 0x0000, 0x0513, 0x0010, 0x8067, 0x0000, 0x0513, 0x0020,
};

// _start:
//   li s0, 100
//   li s1, 0
// loop:
//   jal ra, inc
//   jal ra, inc2
//   jal ra, inc
//   addi s0, s0, -1
//   bnez s0, loop
//   ecall
// inc:
//   addi s1, s1, 1
//   ret
// inc2:
//   addi s1, s1, 2
//   ret
constexpr uint16_t kCallsProgram[] = {
    0x0413, 0x0640, 0x4481, 0x00ef, 0x0140, 0x00ef, 0x0140, 0x00ef, 0x00c0,
    0x147d, 0xf86d, 0x0073, 0x0000, 0x0485, 0x8082, 0x0489, 0x8082,
};

// _start:
//   addi a0, a0, 1
//   j _start
constexpr uint16_t kSpinProgram[] = {
    0x0505,
    0xbffd,
};

// _start:
//   li a0, 1
//   li a1, 0x30000
//   lw a2, 0(a1)
//   li a3, 3
//   ecall
constexpr uint16_t kLoadFaultProgram[] = {
    0x4505, 0x05b7, 0x0003, 0x4190, 0x468d, 0x0073, 0x0000,
};

// _start:
//   li a0, 2
//   csrw frm, a0
//   addi a1, a0, 1
//   ecall
constexpr uint16_t kResyncProgram[] = {
    0x4509, 0x1073, 0x0025, 0x0593, 0x0015, 0x0073, 0x0000,
};

// _start:
//   li a0, 1
//   ecall
//   li a0, 2
//   ecall
constexpr uint16_t kTwoEcallsProgram[] = {
    0x4505, 0x0073, 0x0000, 0x4509, 0x0073, 0x0000,
};

template <size_t N>
void loadProgram(TestEnv &env, const uint16_t (&parcels)[N], uint64_t at = TestEnv::kMemoryBase) {
  std::memcpy(env.host(at), parcels, sizeof(parcels));
  env.cpu.pc = at;
}

constexpr uint64_t kA0 = 10, kA1 = 11, kA3 = 13, kS0 = 8, kS1 = 9;

TEST(Interpreter, RunsALoopToEcallWithExactInstret) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kSumProgram);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::EcallFromU));
  EXPECT_EQ(env->cpu.pc, 0x1000cu) << "pc of the ecall";
  EXPECT_EQ(env->cpu.x[kA0], 500500u);
  EXPECT_EQ(env->cpu.x[kA1], 0u);
  // 2 set-up instructions + 1000 iterations of 3; the trapping ecall does not retire.
  EXPECT_EQ(env->cpu.instret, 3002u);
  EXPECT_EQ(interpreter.instructionsExecuted(), 3002u);
}

TEST(Interpreter, SteadyStateIsChainedWithoutLookups) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kSumProgram);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  // Blocks: [li, li, add, addi, bnez] (entry), [add, addi, bnez] (loop), [ecall].
  EXPECT_EQ(interpreter.blocksTranslated(), 3u);
  // 1000 loop iterations, yet only a handful of dispatcher entries: the
  // back edge is chained after its first use.
  EXPECT_LE(interpreter.dispatcherLookups(), 4u);
}

TEST(Interpreter, IndirectReturnsUseTheInlineAndJumpCaches) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kCallsProgram);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::EcallFromU));
  EXPECT_EQ(env->cpu.x[kS1], 400u);
  EXPECT_EQ(env->cpu.x[kS0], 0u);
  // 2 + 100 * (3 calls * 3 instructions (jal, addi, ret) + 2) = 1102.
  EXPECT_EQ(env->cpu.instret, 1102u);
  EXPECT_LE(interpreter.dispatcherLookups(), 16u);
}

TEST(Interpreter, FenceIDropsStaleCode) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kSmcProgram);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::EcallFromU));
  EXPECT_EQ(env->cpu.x[kS0], 1u) << "first call runs the original code";
  EXPECT_EQ(env->cpu.x[kS1], 2u) << "after the store and fence.i the new code runs";
}

TEST(Interpreter, InvalidateRangeDropsOnlyThatCode) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kTwoEcallsProgram);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.x[kA0], 1u);
  size_t cached = interpreter.cachedBlockCount();
  ASSERT_GE(cached, 1u);
  // Rewrite "li a0, 1" (c.li, 0x4505) as "li a0, 7" (0x451d) and run again.
  uint16_t liA0Seven = 0x451d;
  std::memcpy(env->host(TestEnv::kMemoryBase), &liA0Seven, 2);
  interpreter.invalidateRange(TestEnv::kMemoryBase + 0x5000, 0x100); // elsewhere: nothing dropped
  EXPECT_EQ(interpreter.cachedBlockCount(), cached);
  interpreter.invalidateRange(TestEnv::kMemoryBase, 2);
  EXPECT_EQ(interpreter.cachedBlockCount(), cached - 1);
  env->cpu.pc = TestEnv::kMemoryBase;
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.x[kA0], 7u);
}

TEST(Interpreter, ResumesAfterAnEcall) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kTwoEcallsProgram);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.pc, 0x10002u);
  EXPECT_EQ(env->cpu.instret, 1u);
  env->cpu.pc += 4; // the runtime handled the syscall
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.pc, 0x10008u);
  EXPECT_EQ(env->cpu.x[kA0], 2u);
  EXPECT_EQ(env->cpu.instret, 2u);
}

TEST(Interpreter, ExitRequestIsSeenBeforeTheFirstBlock) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kSumProgram);
  env->cpu.exitRequest.store(1);
  Interpreter<TestEnv> interpreter(*env);
  EXPECT_EQ(interpreter.run(), StopReason::ExitRequest);
  EXPECT_EQ(env->cpu.pc, TestEnv::kMemoryBase);
  EXPECT_EQ(env->cpu.instret, 0u);
}

TEST(Interpreter, ExitRequestStopsAChainedInfiniteLoop) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kSpinProgram);
  Interpreter<TestEnv> interpreter(*env);
  std::thread requester([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    env->cpu.exitRequest.store(1);
  });
  StopReason reason = interpreter.run();
  requester.join();
  EXPECT_EQ(reason, StopReason::ExitRequest);
  EXPECT_EQ(env->cpu.pc, TestEnv::kMemoryBase) << "stopped at the loop's block entry";
  // Each iteration is addi + j: instret and a0 agree exactly.
  EXPECT_GT(env->cpu.x[kA0], 1000u);
  EXPECT_EQ(env->cpu.instret, 2 * env->cpu.x[kA0]);
  // Clearing the request resumes where it stopped.
  env->cpu.exitRequest.store(0);
  uint64_t before = env->cpu.x[kA0];
  std::thread again([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    env->cpu.exitRequest.store(1);
  });
  EXPECT_EQ(interpreter.run(), StopReason::ExitRequest);
  again.join();
  EXPECT_GT(env->cpu.x[kA0], before);
}

TEST(Interpreter, LoadFaultMidBlockIsPrecise) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kLoadFaultProgram);
  env->cpu.x[kA3] = 99;
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::LoadPageFault));
  EXPECT_EQ(env->cpu.trapValue, 0x30000u);
  EXPECT_EQ(env->cpu.pc, 0x10006u) << "pc of the lw";
  EXPECT_EQ(env->cpu.x[kA0], 1u);
  EXPECT_EQ(env->cpu.x[kA3], 99u) << "instructions after the fault did not run";
  EXPECT_EQ(env->cpu.instret, 2u);
}

TEST(Interpreter, FetchFaultInTheMiddleOfABlockIsPrecise) {
  auto env = std::make_unique<TestEnv>();
  // At the very end of the test memory: addi t0, x0, 5; c.li t1, 6; then a
  // 32-bit addi t2, x0, 7 whose second parcel lies outside memory.
  uint64_t start = TestEnv::kMemoryBase + TestEnv::kMemorySize - 8;
  const uint16_t code[] = {0x0293, 0x0050, 0x4319, 0x0393};
  std::memcpy(env->host(start), code, sizeof(code));
  env->cpu.pc = start;
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::InstructionPageFault));
  EXPECT_EQ(env->cpu.pc, start + 6) << "epc is the instruction that could not be fetched";
  EXPECT_EQ(env->cpu.trapValue, start + 8) << "tval is the faulting parcel";
  EXPECT_EQ(env->cpu.x[5], 5u);
  EXPECT_EQ(env->cpu.x[6], 6u);
  EXPECT_EQ(env->cpu.x[7], 0u);
  EXPECT_EQ(env->cpu.instret, 2u);
  EXPECT_EQ(interpreter.cachedBlockCount(), 0u) << "a faulting block is not cached";
}

TEST(Interpreter, FetchFaultAtAJumpTarget) {
  auto env = std::make_unique<TestEnv>();
  const uint16_t code[] = {0x8082}; // ret (jalr x0, 0(ra))
  loadProgram(*env, code);
  env->cpu.x[1] = 0x40000;
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::InstructionPageFault));
  EXPECT_EQ(env->cpu.pc, 0x40000u);
  EXPECT_EQ(env->cpu.trapValue, 0x40000u);
  EXPECT_EQ(env->cpu.instret, 1u);
}

TEST(Interpreter, IllegalInstructionTraps) {
  auto env = std::make_unique<TestEnv>();
  const uint16_t code[] = {0x4505, 0x0000}; // li a0, 1; then the all-zero (illegal) parcel
  loadProgram(*env, code);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::IllegalInstruction));
  EXPECT_EQ(env->cpu.pc, 0x10002u);
  EXPECT_EQ(env->cpu.trapValue, 0u);
  EXPECT_EQ(env->cpu.x[kA0], 1u);
  EXPECT_EQ(env->cpu.instret, 1u);
}

TEST(Interpreter, CsrWriteResyncsAndContinues) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kResyncProgram);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::EcallFromU));
  EXPECT_EQ(env->cpu.frm, 2u);
  EXPECT_EQ(env->cpu.x[kA1], 3u);
  EXPECT_EQ(env->cpu.instret, 3u);
}

TEST(Interpreter, OneInstructionPerBlock) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kSumProgram);
  InterpreterOptions options;
  options.oneInsnPerBlock = true;
  Interpreter<TestEnv> interpreter(*env, options);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.x[kA0], 500500u);
  EXPECT_EQ(env->cpu.instret, 3002u);
  EXPECT_EQ(interpreter.blocksTranslated(), 6u) << "one block per instruction address";
}

// The precision contract: when a load or store reaches the environment,
// cpu.pc already holds its address (a host SIGSEGV handler relies on it).
struct PcCheckingEnv : TestEnv {
  uint64_t accesses = 0;
  uint64_t wrongPc = 0;
  bool pcIsAGuestMemoryInstruction() {
    uint32_t word = 0;
    std::memcpy(&word, host(cpu.pc), 2);
    if (instructionLength(static_cast<uint16_t>(word)) == 4)
      std::memcpy(&word, host(cpu.pc), 4);
    DecodedInstruction insn = decode(word, cpu.pc);
    return hasFlag(insn.opcode, kLoad | kStore);
  }
  template <class T> bool load(uint64_t addr, T &out) {
    ++accesses;
    wrongPc += !pcIsAGuestMemoryInstruction();
    return TestEnv::load(addr, out);
  }
  template <class T> bool store(uint64_t addr, T value) {
    ++accesses;
    wrongPc += !pcIsAGuestMemoryInstruction();
    return TestEnv::store(addr, value);
  }
};

TEST(Interpreter, PcIsPublishedBeforeEveryGuestAccess) {
  auto env = std::make_unique<PcCheckingEnv>();
  loadProgram(*env, kSmcProgram);
  Interpreter<PcCheckingEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->accesses, 2u); // lw and sw
  EXPECT_EQ(env->wrongPc, 0u);
}

// An environment that drops every translation from inside run(), on each
// store (as a system-mode env does when a store hits a page holding code):
// the running block is retired under its own feet and must stay usable
// until control is back in the dispatcher.
// (The interpreter type needs the complete Env, so it is reached through a
// callback.)
struct InvalidatingEnv : TestEnv {
  void (*invalidate)(void *) = nullptr;
  void *interpreter = nullptr;
  unsigned invalidations = 0;
  template <class T> bool store(uint64_t addr, T value) {
    invalidate(interpreter);
    ++invalidations;
    return TestEnv::store(addr, value);
  }
};

TEST(Interpreter, InvalidationFromInsideRunIsSafe) {
  auto env = std::make_unique<InvalidatingEnv>();
  loadProgram(*env, kSmcProgram);
  Interpreter<InvalidatingEnv> interpreter(*env);
  env->interpreter = &interpreter;
  env->invalidate = [](void *self) {
    static_cast<Interpreter<InvalidatingEnv> *>(self)->invalidateAll();
  };
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->invalidations, 1u);
  EXPECT_EQ(env->cpu.trapCause, static_cast<uint64_t>(TrapCause::EcallFromU));
  EXPECT_EQ(env->cpu.x[kS0], 1u);
  EXPECT_EQ(env->cpu.x[kS1], 2u);
  // The interpreter stays usable for new code afterwards.
  loadProgram(*env, kSumProgram);
  interpreter.invalidateAll();
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  EXPECT_EQ(env->cpu.x[kA0], 500500u);
}

TEST(Interpreter, RecoverAfterHostFaultMakesInstretExact) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kSumProgram);
  Interpreter<TestEnv> interpreter(*env);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  // Nothing is interrupted after a normal return: recovery is a no-op.
  uint64_t instret = env->cpu.instret;
  interpreter.recoverAfterHostFault();
  EXPECT_EQ(env->cpu.instret, instret);
}

std::string readAll(FILE *file) {
  std::rewind(file);
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    text.append(buffer, n);
  return text;
}

TEST(Interpreter, LogsInAsmExecAndCpu) {
  auto env = std::make_unique<TestEnv>();
  loadProgram(*env, kTwoEcallsProgram);
  FILE *log = std::tmpfile();
  ASSERT_NE(log, nullptr);
  InterpreterOptions options;
  options.log = log;
  options.logInAsm = true;
  options.logExec = true;
  options.logCpu = true;
  Interpreter<TestEnv> interpreter(*env, options);
  ASSERT_EQ(interpreter.run(), StopReason::Trap);
  std::string text = readAll(log);
  std::fclose(log);
  EXPECT_NE(text.find("IN:"), std::string::npos) << text;
  EXPECT_NE(text.find("0x0000000000010000"), std::string::npos) << text;
  EXPECT_NE(text.find("ecall"), std::string::npos) << text;
  EXPECT_NE(text.find("Trace: 0x0000000000010000"), std::string::npos) << text;
  EXPECT_NE(text.find(" pc       0000000000010000"), std::string::npos) << text;
  EXPECT_NE(text.find("x10/a0"), std::string::npos) << text;
}

} // namespace
} // namespace tiercel::test
