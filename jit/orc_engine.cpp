// Tier 2's compiler on LLVM ORC (see orc_engine.h).
#include "jit/orc_engine.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <new>

#include "llvm/ExecutionEngine/JITLink/JITLink.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/ExecutorProcessControl.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/Orc/TaskDispatch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/IPO/AlwaysInliner.h"
#include "llvm/Transforms/IPO/GlobalDCE.h"

namespace tiercel::jit {

namespace {

uint64_t nowNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return uint64_t(now.tv_sec) * 1'000'000'000 + uint64_t(now.tv_nsec);
}

// One target machine per compile thread for the optimiser's cost models.
llvm::TargetMachine *threadTargetMachine() {
  thread_local std::unique_ptr<llvm::TargetMachine> machine;
  if (machine == nullptr) {
    auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!builder) {
      llvm::consumeError(builder.takeError());
      return nullptr;
    }
    auto created = builder->createTargetMachine();
    if (!created) {
      llvm::consumeError(created.takeError());
      return nullptr;
    }
    machine = std::move(*created);
  }
  return machine.get();
}

void optimize(llvm::Module &module, unsigned level) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  // No call-graph profile: with entry counts (the lifter sets them from
  // the tier-1 profile) it would add a .llvm.call-graph-profile section,
  // whose SHT_REL relocations JITLink refuses, failing the whole region.
  llvm::PipelineTuningOptions tuning;
  tuning.CallGraphProfile = false;
  llvm::PassBuilder builder(threadTargetMachine(), tuning);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::OptimizationLevel optimization = llvm::OptimizationLevel::O2;
  switch (level) {
  case 0: optimization = llvm::OptimizationLevel::O0; break;
  case 1: optimization = llvm::OptimizationLevel::O1; break;
  case 3: optimization = llvm::OptimizationLevel::O3; break;
  default: break;
  }
  // Functions marked always_inline (the lifter's semantics) go into their
  // callers first and the internal ones left unused are deleted, so the
  // pipeline does not optimise each of them again before inlining it.
  llvm::ModulePassManager pipeline;
  pipeline.addPass(llvm::AlwaysInlinerPass());
  pipeline.addPass(llvm::GlobalDCEPass());
  if (level == 0)
    pipeline.addPass(builder.buildO0DefaultPipeline(optimization));
  else
    pipeline.addPass(builder.buildPerModuleDefaultPipeline(optimization));
  pipeline.run(module, modules);
}

// Raises the calling thread's nice value by `niceness` (capped at 19).
// Raising it needs no privilege; if the kernel refuses anyway the thread
// runs at the guest threads' priority, as without --jit-nice.
void lowerThisThreadsPriority(unsigned niceness) {
  if (niceness == 0)
    return;
  auto self = static_cast<id_t>(gettid());
  errno = 0;
  int current = getpriority(PRIO_PROCESS, self);
  if (current == -1 && errno != 0)
    return;
  setpriority(PRIO_PROCESS, self, std::min(19, current + static_cast<int>(niceness)));
}

// Code generation with the compile thread's own target machine: LLJIT's
// concurrent compiler would build a new one for every region.
class ThreadCompiler : public llvm::orc::IRCompileLayer::IRCompiler {
public:
  explicit ThreadCompiler(llvm::orc::IRSymbolMapper::ManglingOptions mangling)
      : IRCompiler(std::move(mangling)) {}
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module &module) override {
    llvm::TargetMachine *machine = threadTargetMachine();
    if (machine == nullptr)
      return llvm::createStringError("no target machine for this host");
    return llvm::orc::SimpleCompiler(*machine)(module);
  }
};

} // namespace

// Counts the text bytes of every object the JIT links, per resource key,
// so the runtime can report code size per tier and per region.
class CodeSizePlugin : public llvm::orc::ObjectLinkingLayer::Plugin {
public:
  explicit CodeSizePlugin(OrcEngine &engine) : engine_(engine) {}

  void modifyPassConfig(llvm::orc::MaterializationResponsibility &responsibility,
                        llvm::jitlink::LinkGraph &,
                        llvm::jitlink::PassConfiguration &config) override {
    std::vector<std::string> names;
    for (const auto &[name, flags] : responsibility.getSymbols())
      names.push_back((*name).str());
    config.PostFixupPasses.push_back([this, names](llvm::jitlink::LinkGraph &graph) {
      OrcEngine::CodeSpan span;
      span.start = ~uint64_t{0};
      for (llvm::jitlink::Section &section : graph.sections()) {
        if ((static_cast<unsigned>(section.getMemProt()) &
             static_cast<unsigned>(llvm::orc::MemProt::Exec)) == 0)
          continue;
        for (llvm::jitlink::Block *block : section.blocks()) {
          uint64_t address = block->getAddress().getValue();
          span.bytes += block->getSize();
          span.start = std::min(span.start, address);
          span.end = std::max(span.end, address + block->getSize());
        }
      }
      if (span.bytes == 0)
        span.start = 0;
      for (const std::string &name : names)
        engine_.noteCode(name, span);
      return llvm::Error::success();
    });
  }
  llvm::Error notifyFailed(llvm::orc::MaterializationResponsibility &) override {
    return llvm::Error::success();
  }
  llvm::Error notifyRemovingResources(llvm::orc::JITDylib &, llvm::orc::ResourceKey) override {
    return llvm::Error::success();
  }
  void notifyTransferringResources(llvm::orc::JITDylib &, llvm::orc::ResourceKey,
                                   llvm::orc::ResourceKey) override {}

private:
  OrcEngine &engine_;
};

llvm::Expected<std::unique_ptr<OrcEngine>> OrcEngine::create(const OrcOptions &options,
                                                             std::function<void()> notifyReady) {
  static std::once_flag targetsReady;
  std::call_once(targetsReady, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser(); // the semantics' inline asm (host FP)
  });
  std::unique_ptr<OrcEngine> engine(new OrcEngine());
  engine->optLevel_ = options.optLevel;
  engine->notifyReady_ = std::move(notifyReady);
  OrcEngine *self = engine.get();
  // Materialization runs in place, on the thread that looks the region up:
  // one of ours (or the guest's, for compileNow). LLJIT would otherwise
  // hand it to a pool of its own, whose threads take host signals meant
  // for the guest and outlive our joins at exit.
  auto control = llvm::orc::SelfExecutorProcessControl::Create(
      nullptr, std::make_unique<llvm::orc::InPlaceTaskDispatcher>());
  if (!control)
    return control.takeError();
  auto jit = llvm::orc::LLJITBuilder()
                 .setExecutorProcessControl(std::move(*control))
                 .setSupportConcurrentCompilation(true)
                 .setCompileFunctionCreator(
                     [](llvm::orc::JITTargetMachineBuilder builder)
                         -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                       return std::make_unique<ThreadCompiler>(
                           llvm::orc::irManglingOptionsFromTargetOptions(builder.getOptions()));
                     })
                 .setObjectLinkingLayerCreator(
                     [self](llvm::orc::ExecutionSession &session, const llvm::Triple &)
                         -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
                       auto layer = std::make_unique<llvm::orc::ObjectLinkingLayer>(session);
                       layer->addPlugin(std::make_unique<CodeSizePlugin>(*self));
                       return layer;
                     })
                 .create();
  if (!jit)
    return jit.takeError();
  engine->jit_ = std::move(*jit);
  // A failed materialization also fails the lookup that asked for it, and
  // compile() returns that error with the result: the runtime counts it
  // and logs it (-d tier). ORC's default reporter would print it to the
  // guest's stderr as well.
  engine->jit_->getExecutionSession().setErrorReporter(
      [](llvm::Error error) { llvm::consumeError(std::move(error)); });
  unsigned level = options.optLevel;
  FILE *irLog = options.optimizedIrLog;
  engine->jit_->getIRTransformLayer().setTransform(
      [level, irLog](llvm::orc::ThreadSafeModule module, llvm::orc::MaterializationResponsibility &)
          -> llvm::Expected<llvm::orc::ThreadSafeModule> {
        module.withModuleDo([level, irLog](llvm::Module &m) {
          optimize(m, level);
          if (irLog != nullptr) {
            std::string text;
            llvm::raw_string_ostream stream(text);
            m.print(stream, nullptr);
            std::fprintf(irLog, "OP after optimization (%s):\n%s\n", m.getName().str().c_str(),
                         text.c_str()); // one call: compile threads do not interleave
          }
        });
        return std::move(module);
      });
  unsigned niceness = options.niceness;
  for (unsigned i = 0; i < options.threads; ++i)
    engine->workers_.emplace_back([self, niceness] {
      lowerThisThreadsPriority(niceness);
      self->work();
    });
  return engine;
}

OrcEngine::~OrcEngine() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  for (std::thread &worker : workers_)
    worker.join();
}

void OrcEngine::submit(uint64_t id, uint64_t priority, std::string symbol, ModuleBuilder build) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace(priority, Job{id, std::move(symbol), std::move(build), nowNs()});
  }
  wake_.notify_one();
}

CompiledCode OrcEngine::compileNow(uint64_t id, const std::string &symbol,
                                   const ModuleBuilder &build) {
  return compile(Job{id, symbol, build, nowNs()});
}

std::vector<CompiledCode> OrcEngine::takeReady() {
  std::lock_guard lock(mutex_);
  std::vector<CompiledCode> results;
  results.swap(ready_);
  return results;
}

std::vector<uint64_t> OrcEngine::cancelQueued() {
  std::lock_guard lock(mutex_);
  std::vector<uint64_t> ids;
  for (const auto &[priority, job] : queue_)
    ids.push_back(job.id);
  queue_.clear();
  return ids;
}

void OrcEngine::remove(const llvm::orc::ResourceTrackerSP &tracker) {
  if (tracker == nullptr)
    return;
  {
    std::lock_guard lock(sizesMutex_);
    codeBytesByTracker_.erase(tracker.get());
  }
  if (llvm::Error error = tracker->remove())
    llvm::consumeError(std::move(error)); // nothing to recover: the code stays allocated
}

size_t OrcEngine::readyCount() const {
  std::lock_guard lock(mutex_);
  return ready_.size();
}

size_t OrcEngine::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

uint64_t OrcEngine::liveCodeBytes() const {
  std::lock_guard lock(sizesMutex_);
  uint64_t total = 0;
  for (const auto &[tracker, bytes] : codeBytesByTracker_)
    total += bytes;
  return total;
}

void OrcEngine::noteCode(const std::string &symbol, const CodeSpan &span) {
  std::lock_guard lock(sizesMutex_);
  codeBySymbol_[symbol] = span;
}

void OrcEngine::work() {
  for (;;) {
    {
      Job job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || (!paused_ && !queue_.empty()); });
        if (stopping_)
          return;
        auto first = queue_.begin();
        job = std::move(first->second);
        queue_.erase(first);
        ++busy_;
      }
      CompiledCode result = compile(job);
      {
        std::lock_guard lock(mutex_);
        if (stopping_) {
          // Nobody takes it any more; the JIT frees it with everything else.
          --busy_;
          idle_.notify_all();
          return;
        }
        ready_.push_back(std::move(result));
      }
      if (notifyReady_)
        notifyReady_();
    } // the job's builder and everything it held are gone here
    std::lock_guard lock(mutex_);
    if (--busy_ == 0)
      idle_.notify_all();
  }
}

void OrcEngine::beforeFork() {
  std::unique_lock lock(mutex_);
  paused_ = true;
  idle_.wait(lock, [this] { return busy_ == 0; });
  // Held across fork(): a worker that just woke up cannot be half way into
  // the mutex in the child's copy.
  lock.release();
}

void OrcEngine::afterForkInParent() {
  paused_ = false;
  mutex_.unlock();
  wake_.notify_all();
}

void OrcEngine::afterForkInChild() {
  // The condition variables may count waiters that do not exist here, and
  // the thread handles name threads of the parent: start both afresh
  // (placement new: the old objects have nothing to release in this
  // process).
  new (&wake_) std::condition_variable();
  new (&idle_) std::condition_variable();
  for (std::thread &worker : workers_)
    new (&worker) std::thread();
  size_t count = workers_.size();
  workers_.clear();
  paused_ = false;
  busy_ = 0;
  mutex_.unlock();
  for (size_t i = 0; i < count; ++i)
    workers_.emplace_back([this] { work(); });
}

CompiledCode OrcEngine::compile(const Job &job) {
  CompiledCode result;
  result.id = job.id;
  uint64_t start = nowNs();
  result.queuedNs = start - job.submittedNs;
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = job.build(*context);
  uint64_t built = nowNs();
  result.buildNs = built - start;
  if (!module) {
    result.error = "lifting: " + llvm::toString(module.takeError());
    return result;
  }
  llvm::orc::ResourceTrackerSP tracker = jit_->getMainJITDylib().createResourceTracker();
  if (llvm::Error error = jit_->addIRModule(
          tracker, llvm::orc::ThreadSafeModule(std::move(*module), std::move(context)))) {
    result.error = "adding the module: " + llvm::toString(std::move(error));
    return result;
  }
  auto symbol = jit_->lookup(job.symbol);
  result.compileNs = nowNs() - built;
  if (!symbol) {
    result.error = "compiling: " + llvm::toString(symbol.takeError());
    if (llvm::Error error = tracker->remove())
      llvm::consumeError(std::move(error));
    return result;
  }
  result.entry = symbol->toPtr<void *>();
  result.tracker = tracker;
  std::lock_guard lock(sizesMutex_);
  auto span = codeBySymbol_.find(job.symbol);
  if (span != codeBySymbol_.end()) {
    result.codeBytes = span->second.bytes;
    result.codeStart = span->second.start;
    result.codeEnd = span->second.end;
    codeBytesByTracker_[tracker.get()] = span->second.bytes;
    codeBySymbol_.erase(span);
  }
  return result;
}

} // namespace tiercel::jit
