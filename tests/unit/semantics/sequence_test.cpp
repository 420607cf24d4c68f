// Multi-instruction semantics checks that a single-row case cannot express:
// LR/SC pairs with an intervening store by "another hart", the CSR x0
// rules seen through the environment, and a coverage check that every
// non-FP opcode of the instruction table has at least one data-driven case.
#include <set>

#include "semantics/instruction_case.h"

namespace tiercel::test {
namespace {

ExecStatus execute(TestEnv &env, uint32_t encoding) {
  DecodedInstruction insn = decode(encoding, env.cpu.pc);
  return execFunctionFor<TestEnv>(insn.opcode)(env, insn);
}

constexpr uint32_t kLrWx1x3 = 0x1001a0af;   // lr.w x1, (x3)
constexpr uint32_t kScWx4x2x3 = 0x1821a22f; // sc.w x4, x2, (x3)
constexpr uint32_t kLrDx1x3 = 0x1001b0af;   // lr.d x1, (x3)
constexpr uint32_t kScDx4x2x3 = 0x1821b22f; // sc.d x4, x2, (x3)

TEST(LrSc, PairSucceedsOnceAndClearsTheReservation) {
  auto env = std::make_unique<TestEnv>();
  env->cpu.x[3] = 0x12000;
  env->cpu.x[2] = 42;
  uint32_t initial = 7;
  std::memcpy(env->host(0x12000), &initial, 4);
  ASSERT_EQ(execute(*env, kLrWx1x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[1], 7u);
  ASSERT_EQ(execute(*env, kScWx4x2x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[4], 0u) << "sc.w after lr.w succeeds";
  uint32_t now;
  std::memcpy(&now, env->host(0x12000), 4);
  EXPECT_EQ(now, 42u);
  // The reservation is gone: a second SC fails and leaves memory alone.
  env->cpu.x[2] = 99;
  ASSERT_EQ(execute(*env, kScWx4x2x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[4], 1u);
  std::memcpy(&now, env->host(0x12000), 4);
  EXPECT_EQ(now, 42u);
}

TEST(LrSc, StoreFromAnotherHartMakesScFail) {
  auto env = std::make_unique<TestEnv>();
  env->cpu.x[3] = 0x12008;
  env->cpu.x[2] = 0x1111;
  uint64_t initial = 0x5555;
  std::memcpy(env->host(0x12008), &initial, 8);
  ASSERT_EQ(execute(*env, kLrDx1x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[1], 0x5555u);
  // Another hart stores a different value to the reserved doubleword.
  uint64_t other = 0x6666;
  __atomic_store_n(reinterpret_cast<uint64_t *>(env->host(0x12008)), other, __ATOMIC_SEQ_CST);
  ASSERT_EQ(execute(*env, kScDx4x2x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[4], 1u) << "sc.d must fail after a foreign store";
  uint64_t now;
  std::memcpy(&now, env->host(0x12008), 8);
  EXPECT_EQ(now, 0x6666u);
  EXPECT_EQ(env->cpu.reservationValid, 0);
}

TEST(LrSc, WidthMismatchFails) {
  auto env = std::make_unique<TestEnv>();
  env->cpu.x[3] = 0x12000;
  ASSERT_EQ(execute(*env, kLrWx1x3), ExecStatus::Continue);
  ASSERT_EQ(execute(*env, kScDx4x2x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[4], 1u);
}

// ---- Reservation generations (machine/reservation.h): no ABA ----

constexpr uint32_t kAmoaddDx5x6x3 = 0x0061b2af;  // amoadd.d x5, x6, (x3)
constexpr uint32_t kAmoaddDx5x6x10 = 0x006532af; // amoadd.d x5, x6, (x10)
constexpr uint32_t kLrDx9x3 = 0x1001b4af;        // lr.d x9, (x3)
constexpr uint32_t kScDx7x8x3 = 0x1881b3af;      // sc.d x7, x8, (x3)

// Runs `body` as another hart on the same memory: the env's CpuState is
// swapped for a fresh one (same reservation table) and put back after.
template <class Body> void asOtherHart(TestEnv &env, Body body) {
  alignas(CpuState) unsigned char saved[sizeof(CpuState)];
  std::memcpy(saved, static_cast<const void *>(&env.cpu), sizeof(CpuState));
  CpuState other{};
  std::memcpy(static_cast<void *>(&env.cpu), static_cast<const void *>(&other), sizeof(CpuState));
  body();
  std::memcpy(static_cast<void *>(&env.cpu), saved, sizeof(CpuState));
}

uint64_t slotOf(TestEnv &env, uint64_t address) {
  return __atomic_load_n(reservationSlot(env.cpu.reservationTable, address), __ATOMIC_ACQUIRE);
}

TEST(LrSc, AmosOfAnotherHartThatRestoreTheValueStillMakeScFail) {
  auto env = std::make_unique<TestEnv>();
  env->cpu.x[3] = 0x13000;
  env->cpu.x[2] = 0x1111;
  uint64_t initial = 0x5555;
  std::memcpy(env->host(0x13000), &initial, 8);
  ASSERT_EQ(execute(*env, kLrDx1x3), ExecStatus::Continue);
  // A then B then A again: the value compare alone cannot see it.
  asOtherHart(*env, [&] {
    env->cpu.x[3] = 0x13000;
    env->cpu.x[6] = 1;
    ASSERT_EQ(execute(*env, kAmoaddDx5x6x3), ExecStatus::Continue);
    env->cpu.x[6] = ~uint64_t{0};
    ASSERT_EQ(execute(*env, kAmoaddDx5x6x3), ExecStatus::Continue);
  });
  uint64_t now;
  std::memcpy(&now, env->host(0x13000), 8);
  ASSERT_EQ(now, 0x5555u) << "the other hart put the value back";
  ASSERT_EQ(execute(*env, kScDx4x2x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[4], 1u) << "sc.d must fail: the line was written since lr.d";
  std::memcpy(&now, env->host(0x13000), 8);
  EXPECT_EQ(now, 0x5555u);
  EXPECT_EQ(slotOf(*env, 0x13000) & 1, 0u) << "no slot is left locked";
}

TEST(LrSc, ScOfAnotherHartStoringTheSameValueMakesScFail) {
  auto env = std::make_unique<TestEnv>();
  env->cpu.x[3] = 0x13040;
  env->cpu.x[2] = 0x2222;
  uint64_t initial = 0x77;
  std::memcpy(env->host(0x13040), &initial, 8);
  ASSERT_EQ(execute(*env, kLrDx1x3), ExecStatus::Continue);
  asOtherHart(*env, [&] {
    env->cpu.x[3] = 0x13040;
    env->cpu.x[8] = 0x77; // the same value back
    ASSERT_EQ(execute(*env, kLrDx9x3), ExecStatus::Continue);
    ASSERT_EQ(execute(*env, kScDx7x8x3), ExecStatus::Continue);
    EXPECT_EQ(env->cpu.x[7], 0u) << "the other hart's own pair succeeds";
  });
  ASSERT_EQ(execute(*env, kScDx4x2x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[4], 1u);
  uint64_t now;
  std::memcpy(&now, env->host(0x13040), 8);
  EXPECT_EQ(now, 0x77u);
}

TEST(LrSc, AtomicsOnAnotherLineKeepTheReservation) {
  auto env = std::make_unique<TestEnv>();
  env->cpu.x[3] = 0x13080;
  env->cpu.x[2] = 0x3333;
  ASSERT_EQ(execute(*env, kLrDx1x3), ExecStatus::Continue);
  uint64_t before = slotOf(*env, 0x13080);
  asOtherHart(*env, [&] {
    env->cpu.x[10] = 0x130c0; // the next 64-byte line
    env->cpu.x[6] = 5;
    ASSERT_EQ(execute(*env, kAmoaddDx5x6x10), ExecStatus::Continue);
  });
  EXPECT_EQ(slotOf(*env, 0x13080), before);
  ASSERT_EQ(execute(*env, kScDx4x2x3), ExecStatus::Continue);
  EXPECT_EQ(env->cpu.x[4], 0u) << "a write to another line leaves the reservation";
  EXPECT_EQ(slotOf(*env, 0x13080), before + 2) << "a successful sc moves the generation";
  uint64_t now;
  std::memcpy(&now, env->host(0x13080), 8);
  EXPECT_EQ(now, 0x3333u);
}

// Every opcode outside F/D must be exercised by the integer case tables.
TEST(CaseCoverage, EveryIntegerOpcodeHasACase) {
  std::set<Opcode> covered;
  for (auto table : {rv64iCases(), mCases(), bitmanipCases(), atomicCases(), csrCases()})
    for (const InstructionCase &c : table)
      covered.insert(decode(c.encoding, kDefaultCasePc).opcode);
  for (size_t index = 0; index < kOpcodeCount; ++index) {
    Opcode op = static_cast<Opcode>(index);
    Extension extension = specOf(op).extension;
    if (extension == Extension::F || extension == Extension::D)
      continue;
    EXPECT_TRUE(covered.count(op) != 0) << "no case for " << mnemonicOf(op);
  }
}

} // namespace
} // namespace tiercel::test
