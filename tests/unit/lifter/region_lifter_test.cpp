// The lifter and the ORC engine together: a region of real decoded
// instructions lifted over the semantics bitcode, compiled, and run on a
// CpuState the way the dispatcher runs it; plus the shape of the IR the
// lifter emits (exit-request checks, profile metadata).
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "jit/code_cache.h"
#include "jit/enter_generated_code.h"
#include "jit/orc_engine.h"
#include "lifter/region_lifter.h"
#include "machine/isa/decoder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Verifier.h"

namespace tiercel {
namespace {

constexpr uint64_t kLoopPc = 0x1000;

// add a0, a0, a1; addi a1, a1, -1; bne a1, zero, kLoopPc   (sum a1..1 into a0)
// ecall
lifter::Region sumRegion() {
  lifter::Region region;
  region.entryPc = kLoopPc;
  lifter::RegionBlock loop;
  loop.pc = kLoopPc;
  uint64_t pc = kLoopPc;
  for (uint32_t bits : {0x00b50533u, 0xfff58593u, 0xfe059ce3u}) {
    loop.instructions.push_back(decode(bits, pc));
    pc += 4;
  }
  loop.endPc = pc;
  loop.terminated = true;
  loop.executions = 100;
  loop.taken = 99;
  loop.fallThrough = 1;
  lifter::RegionBlock exit;
  exit.pc = pc;
  exit.instructions.push_back(decode(0x00000073u, pc)); // ecall
  exit.endPc = pc + 4;
  exit.terminated = true;
  exit.executions = 1;
  region.blocks = {loop, exit};
  return region;
}

TEST(RegionLifter, DecodedTheInstructionsTheTestMeans) {
  lifter::Region region = sumRegion();
  const auto &loop = region.blocks[0].instructions;
  EXPECT_EQ(loop[0].opcode, Opcode::Add);
  EXPECT_EQ(loop[1].opcode, Opcode::Addi);
  EXPECT_EQ(loop[1].imm, -1);
  EXPECT_EQ(loop[2].opcode, Opcode::Bne);
  EXPECT_EQ(loop[2].pc + static_cast<uint64_t>(loop[2].imm), kLoopPc);
  EXPECT_EQ(region.blocks[1].instructions[0].opcode, Opcode::Ecall);
}

TEST(RegionLifter, EmitsValidIrWithProfileAndOneExitRequestCheck) {
  llvm::LLVMContext context;
  lifter::Region region = sumRegion();
  auto module = lifter::liftRegion(context, region, {}, "region_under_test");
  ASSERT_TRUE(static_cast<bool>(module)) << llvm::toString(module.takeError());
  EXPECT_FALSE(llvm::verifyModule(**module, &llvm::errs()));
  llvm::Function *function = (*module)->getFunction("region_under_test");
  ASSERT_NE(function, nullptr);
  EXPECT_EQ(function->getCallingConv(), llvm::CallingConv::PreserveNone);
  EXPECT_TRUE(function->hasParamAttribute(0, llvm::Attribute::NoAlias));
  ASSERT_TRUE(function->getEntryCount().has_value());
  EXPECT_EQ(function->getEntryCount()->getCount(), 100u);
  unsigned volatileLoads = 0, weightedBranches = 0;
  for (llvm::BasicBlock &block : *function)
    for (llvm::Instruction &instruction : block) {
      if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&instruction); load && load->isVolatile())
        ++volatileLoads;
      if (auto *branch = llvm::dyn_cast<llvm::BranchInst>(&instruction);
          branch && branch->isConditional() && branch->getMetadata(llvm::LLVMContext::MD_prof))
        ++weightedBranches;
    }
  // The loop block is the entry and its own back-edge target: one check;
  // the ecall block is reached only forwards: none.
  EXPECT_EQ(volatileLoads, 1u);
  EXPECT_GE(weightedBranches, 1u);
  // The semantics were linked in and made private to the region.
  for (llvm::Function &other : **module)
    if (&other != function && !other.isDeclaration())
      EXPECT_TRUE(other.hasInternalLinkage()) << other.getName().str();
}

class CompiledRegion : public ::testing::Test {
protected:
  void SetUp() override {
    auto orc = jit::OrcEngine::create({0, 2, nullptr}, nullptr);
    ASSERT_TRUE(static_cast<bool>(orc)) << llvm::toString(orc.takeError());
    orc_ = std::move(*orc);
    for (jit::JumpCacheEntry &entry : jumpCache_)
      entry = {1, nullptr}; // every probe misses: exits return to the "dispatcher"
    region_ = sumRegion();
    lifter::LiftOptions options;
    options.jumpCache = jumpCache_.data();
    compiled_ = orc_->compileNow(1, "sum_region", [this, options](llvm::LLVMContext &context) {
      return lifter::liftRegion(context, region_, options, "sum_region");
    });
    ASSERT_NE(compiled_.entry, nullptr) << compiled_.error;
    std::memset(&cpu_, 0, sizeof cpu_);
  }

  uint64_t run() {
    return tiercel_enter_generated_code(&cpu_, memory_.data(),
                                        reinterpret_cast<jit::GeneratedCode>(compiled_.entry));
  }

  std::unique_ptr<jit::OrcEngine> orc_;
  std::vector<jit::JumpCacheEntry> jumpCache_ =
      std::vector<jit::JumpCacheEntry>(jit::kJumpCacheEntries);
  std::vector<uint8_t> memory_ = std::vector<uint8_t>(4096);
  lifter::Region region_;
  jit::CompiledCode compiled_;
  CpuState cpu_;
};

TEST_F(CompiledRegion, RunsTheLoopAndStopsAtTheEcallWithExactState) {
  cpu_.x[10] = 0;  // a0
  cpu_.x[11] = 10; // a1
  EXPECT_EQ(run(), static_cast<uint64_t>(jit::ExitCode::Trap));
  EXPECT_EQ(cpu_.x[10], 55u);
  EXPECT_EQ(cpu_.x[11], 0u);
  EXPECT_EQ(cpu_.pc, kLoopPc + 12); // the ecall, which did not retire
  EXPECT_EQ(cpu_.trapCause, static_cast<uint64_t>(TrapCause::EcallFromU));
  EXPECT_EQ(cpu_.instret, 30u); // ten loop iterations of three instructions
  EXPECT_GT(compiled_.codeBytes, 0u);
  EXPECT_LE(compiled_.codeStart, reinterpret_cast<uint64_t>(compiled_.entry));
  EXPECT_GT(compiled_.codeEnd, reinterpret_cast<uint64_t>(compiled_.entry));
}

TEST_F(CompiledRegion, LeavesBeforeRunningWhenAnExitIsRequested) {
  cpu_.x[11] = 10;
  cpu_.exitRequest.store(1);
  EXPECT_EQ(run(), static_cast<uint64_t>(jit::ExitCode::ExitRequest));
  EXPECT_EQ(cpu_.pc, kLoopPc);
  EXPECT_EQ(cpu_.x[10], 0u);
  EXPECT_EQ(cpu_.instret, 0u);
}

TEST_F(CompiledRegion, FreesItsCodeWhenRemoved) {
  uint64_t before = orc_->liveCodeBytes();
  EXPECT_GE(before, compiled_.codeBytes);
  orc_->remove(compiled_.tracker);
  EXPECT_EQ(orc_->liveCodeBytes(), before - compiled_.codeBytes);
}

// Calls a function tier 2 compiled. Generated code has no signature for
// UBSan's -fsanitize=function to read before it (reading there faulted
// under ASan+UBSan when the code began a page).
TIERCEL_CALLS_GENERATED_CODE uint64_t callCompiled(void *entry) {
  return reinterpret_cast<uint64_t (*)()>(entry)();
}
TIERCEL_CALLS_GENERATED_CODE uint64_t callCompiled(void *entry, uint64_t argument) {
  return reinterpret_cast<uint64_t (*)(uint64_t)>(entry)(argument);
}

// With profile counts (the lifter gives every region an entry count) the
// pipeline's call-graph profile would emit a section JITLink refuses
// (SHT_REL), failing any region with a call in it.
TEST(OrcEngine, CompilesCallsInFunctionsWithProfileCounts) {
  auto orc = jit::OrcEngine::create({0, 2, nullptr}, nullptr);
  ASSERT_TRUE(static_cast<bool>(orc)) << llvm::toString(orc.takeError());
  jit::CompiledCode compiled = (*orc)->compileNow(1, "hot_caller", [](llvm::LLVMContext &context) {
    auto module = std::make_unique<llvm::Module>("profiled", context);
    llvm::IRBuilder<> builder(context);
    auto *type = llvm::FunctionType::get(builder.getInt64Ty(), {builder.getInt64Ty()}, false);
    auto *callee = llvm::Function::Create(type, llvm::GlobalValue::InternalLinkage, "cold_callee",
                                          module.get());
    callee->addFnAttr(llvm::Attribute::NoInline);
    builder.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", callee));
    builder.CreateRet(builder.CreateMul(callee->getArg(0), builder.getInt64(3)));
    auto *caller = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, "hot_caller",
                                          module.get());
    caller->setEntryCount(100000);
    builder.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", caller));
    builder.CreateRet(builder.CreateCall(callee, {caller->getArg(0)}));
    return llvm::Expected<std::unique_ptr<llvm::Module>>(std::move(module));
  });
  ASSERT_NE(compiled.entry, nullptr) << compiled.error;
  EXPECT_EQ(callCompiled(compiled.entry, 14), 42u);
}

// --jit-nice: the compile threads run that many nice levels below the
// thread that made the engine (Linux keeps a nice value per thread), so
// guest threads that keep every core busy lose little time to them.
TEST(OrcEngine, CompileThreadsRunNiceLevelsBelowTheGuest) {
  errno = 0;
  int creator = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  ASSERT_EQ(errno, 0);
  if (creator > 19 - 5)
    GTEST_SKIP() << "this process already runs at nice " << creator;
  jit::OrcOptions options;
  options.threads = 1;
  options.niceness = 5;
  std::atomic<int> seen{-100};
  std::mutex mutex;
  std::condition_variable done;
  auto orc = jit::OrcEngine::create(options, [&] {
    std::lock_guard held(mutex); // so the notification cannot fall between check and wait
    done.notify_all();
  });
  ASSERT_TRUE(static_cast<bool>(orc)) << llvm::toString(orc.takeError());
  (*orc)->submit(1, 1, "nice_probe", [&seen](llvm::LLVMContext &context) {
    seen = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())); // on the compile thread
    auto module = std::make_unique<llvm::Module>("nice_probe", context);
    llvm::IRBuilder<> builder(context);
    auto *function =
        llvm::Function::Create(llvm::FunctionType::get(builder.getInt64Ty(), false),
                               llvm::GlobalValue::ExternalLinkage, "nice_probe", module.get());
    builder.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", function));
    builder.CreateRet(builder.getInt64(7));
    return llvm::Expected<std::unique_ptr<llvm::Module>>(std::move(module));
  });
  std::unique_lock lock(mutex);
  ASSERT_TRUE(
      done.wait_for(lock, std::chrono::seconds(60), [&] { return (*orc)->readyCount() != 0; }));
  std::vector<jit::CompiledCode> ready = (*orc)->takeReady();
  ASSERT_EQ(ready.size(), 1u);
  ASSERT_NE(ready[0].entry, nullptr) << ready[0].error;
  EXPECT_EQ(callCompiled(ready[0].entry), 7u);
  EXPECT_EQ(seen.load(), creator + 5);
  // The creating thread keeps its own priority.
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), creator);
}

} // namespace
} // namespace tiercel
