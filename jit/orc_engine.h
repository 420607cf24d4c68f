// Tier 2's compiler: LLVM ORC (LLJIT) with its own compile threads.
//
// A job is a module builder (run on a compile thread, in a fresh
// LLVMContext) and the name of the function to compile. Jobs wait in a
// queue ordered by priority (the runtime passes hotness); each compile
// thread takes the hottest, builds the module, runs the new pass manager's
// pipeline at the chosen -O level through LLJIT's IR transform layer,
// links the object in memory under a ResourceTracker of its own, and puts
// the result on the ready list, then calls `notifyReady` so the guest
// thread can pick it up at its next stop. Guest threads never wait on a
// compile unless they ask to (compileNow, for --tier=llvm).
//
// Removing a result's tracker frees its code: the caller guarantees that no
// thread runs it any more (runtime/: the dispatcher drops code only while
// no generated code is on its stack).
//
// This knows nothing of RISC-V: the lifter (lifter/) builds the modules.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

namespace llvm::orc {
class LLJIT;
}

namespace tiercel::jit {

struct OrcOptions {
  unsigned threads = 1;           // compile threads (--jit-threads)
  unsigned optLevel = 2;          // --opt-level: 0..3, the new pass manager's O0..O3
  FILE *optimizedIrLog = nullptr; // each module after the pipeline, as text (-d op_opt)
  // --jit-nice: added to the compile threads' nice value (0..19), so that
  // where guest threads keep every core busy the compiler takes the time
  // they leave rather than theirs (Linux nice values are per thread).
  unsigned niceness = 0;
};

struct CompiledCode {
  uint64_t id = 0;
  void *entry = nullptr; // the function's address, or nullptr with `error` set
  std::string error;
  uint64_t buildNs = 0;                // building the module (lifting)
  uint64_t compileNs = 0;              // optimising, code generation, linking
  uint64_t codeBytes = 0;              // bytes of code linked (all text sections of the object)
  uint64_t codeStart = 0, codeEnd = 0; // the host addresses that code spans
  uint64_t queuedNs = 0;               // from submit to the start of work
  llvm::orc::ResourceTrackerSP tracker;
};

class OrcEngine {
public:
  using ModuleBuilder =
      std::function<llvm::Expected<std::unique_ptr<llvm::Module>>(llvm::LLVMContext &)>;

  // notifyReady is called on a compile thread after each result is queued.
  static llvm::Expected<std::unique_ptr<OrcEngine>> create(const OrcOptions &options,
                                                           std::function<void()> notifyReady);
  ~OrcEngine();

  // Queues a job; higher priority first, equal priorities in submit order.
  void submit(uint64_t id, uint64_t priority, std::string symbol, ModuleBuilder build);
  // Compiles on the calling thread, ahead of the queue (--tier=llvm).
  CompiledCode compileNow(uint64_t id, const std::string &symbol, const ModuleBuilder &build);
  // The results finished since the last call.
  std::vector<CompiledCode> takeReady();
  // How many takeReady would return now.
  size_t readyCount() const;
  // Drops jobs not started yet (their ids are returned) and forgets them.
  std::vector<uint64_t> cancelQueued();
  // Frees the code of a result.
  void remove(const llvm::orc::ResourceTrackerSP &tracker);

  size_t queued() const;
  unsigned threads() const { return static_cast<unsigned>(workers_.size()); }

  // fork(): only the forking thread lives on in the child, so no compile
  // thread may be inside LLVM (or hold our locks) at that moment.
  // beforeFork waits for the compiles in progress to finish and keeps new
  // ones from starting; in the parent, afterForkInParent lets the threads go
  // on; in the child, afterForkInChild starts new compile threads over the
  // same queue and JIT (whose state is consistent: nobody was inside it).
  void beforeFork();
  void afterForkInParent();
  void afterForkInChild();
  // Text bytes of the code linked so far and not removed.
  uint64_t liveCodeBytes() const;

private:
  OrcEngine() = default;
  struct Job {
    uint64_t id;
    std::string symbol;
    ModuleBuilder build;
    uint64_t submittedNs;
  };
  void work();
  CompiledCode compile(const Job &job);
  struct CodeSpan {
    uint64_t bytes = 0, start = 0, end = 0;
  };
  void noteCode(const std::string &symbol, const CodeSpan &span);

  std::unique_ptr<llvm::orc::LLJIT> jit_;
  unsigned optLevel_ = 2;
  std::function<void()> notifyReady_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<uint64_t, Job, std::greater<uint64_t>> queue_; // by priority
  std::vector<CompiledCode> ready_;
  bool stopping_ = false;
  bool paused_ = false;          // beforeFork: no job starts
  unsigned busy_ = 0;            // threads between taking a job and being done with it
  std::condition_variable idle_; // busy_ dropped to 0
  std::vector<std::thread> workers_;
  // Text bytes per linked symbol (the plugin records them while linking).
  mutable std::mutex sizesMutex_;
  std::map<std::string, CodeSpan> codeBySymbol_;
  std::map<llvm::orc::ResourceTracker *, uint64_t> codeBytesByTracker_;
  friend class CodeSizePlugin;
};

} // namespace tiercel::jit
