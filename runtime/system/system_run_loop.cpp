// The system-mode run loop (see system_run_loop.h).
#include "runtime/system/system_run_loop.h"

#include <cinttypes>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "machine/interpreter/interpreter_impl.h"
#include "runtime/system/hart_log.h"

namespace tiercel::system {

namespace {

const char *privilegeLetter(Privilege privilege) {
  switch (privilege) {
  case Privilege::User: return "U";
  case Privilege::Supervisor: return "S";
  case Privilege::Machine: return "M";
  }
  return "?";
}

bool isAccessFault(uint64_t cause) {
  return cause == static_cast<uint64_t>(TrapCause::InstructionAccessFault) ||
         cause == static_cast<uint64_t>(TrapCause::LoadAccessFault) ||
         cause == static_cast<uint64_t>(TrapCause::StoreAccessFault);
}

bool isPageFault(uint64_t cause) {
  return cause == static_cast<uint64_t>(TrapCause::InstructionPageFault) ||
         cause == static_cast<uint64_t>(TrapCause::LoadPageFault) ||
         cause == static_cast<uint64_t>(TrapCause::StorePageFault);
}

AccessType accessTypeOf(uint64_t cause) {
  switch (static_cast<TrapCause>(cause)) {
  case TrapCause::InstructionAccessFault:
  case TrapCause::InstructionPageFault: return AccessType::Fetch;
  case TrapCause::StoreAccessFault:
  case TrapCause::StorePageFault: return AccessType::Write;
  default: return AccessType::Read;
  }
}

class Logger {
public:
  Logger(const SystemLogOptions &options, SystemEnv &env, const PhysicalMap &map, unsigned hart)
      : options_(options), env_(env), map_(map), hart_(hart) {}

  // Before env.takeTrap(): what trapped, where.
  void exception(const CpuState &cpu) {
    uint64_t cause = cpu.trapCause;
    if (options_.unimp && cause == static_cast<uint64_t>(TrapCause::IllegalInstruction))
      std::fprintf(options_.file,
                   "unimp: illegal instruction 0x%08" PRIx64 " at pc 0x%016" PRIx64 " (%s-mode)\n",
                   cpu.trapValue, cpu.pc, privilegeLetter(cpu.privilege));
    if (options_.guestErrors && isAccessFault(cause)) {
      Translation walk = env_.mmu().translate(
          cpu.trapValue, accessTypeOf(cause),
          accessTypeOf(cause) == AccessType::Fetch ? env_.fetchIndex() : env_.dataIndex(),
          env_.mmuContext());
      if (walk.ok)
        std::fprintf(options_.file,
                     "guest_errors: %s at 0x%016" PRIx64 " (physical 0x%" PRIx64
                     ": %s) from pc 0x%016" PRIx64 " (%s-mode)\n",
                     trapCauseName(cause), cpu.trapValue, walk.physicalAddress,
                     describePhysical(walk.physicalAddress).c_str(), cpu.pc,
                     privilegeLetter(cpu.privilege));
      else
        std::fprintf(options_.file,
                     "guest_errors: %s at 0x%016" PRIx64
                     " (a page table entry is outside RAM) from pc 0x%016" PRIx64 " (%s-mode)\n",
                     trapCauseName(cause), cpu.trapValue, cpu.pc, privilegeLetter(cpu.privilege));
    }
    if (options_.mmu && isPageFault(cause))
      std::fprintf(options_.file,
                   "mmu: %s at 0x%016" PRIx64 " from pc 0x%016" PRIx64
                   " (%s-mode, satp 0x%016" PRIx64 ")\n",
                   trapCauseName(cause), cpu.trapValue, cpu.pc, privilegeLetter(cpu.privilege),
                   env_.csrs().satp());
    from_ = cpu.privilege;
    epc_ = cpu.pc;
  }

  // After env.takeTrap() or an interrupt taken: QEMU's -d int line.
  void taken(const CpuState &cpu, bool interrupt, Privilege from, uint64_t epc) {
    if (!options_.interrupts)
      return;
    const CsrFile &csrs = env_.csrs();
    bool toMachine = cpu.privilege == Privilege::Machine;
    uint64_t cause = toMachine ? csrs.mcause() : csrs.scause();
    uint64_t tval = toMachine ? csrs.mtval() : csrs.stval();
    uint64_t code = cause & ~kInterruptCauseBit;
    std::fprintf(options_.file,
                 "int: hart:%u, async:%d, cause:%016" PRIx64 ", epc:0x%016" PRIx64
                 ", tval:0x%016" PRIx64 ", desc=%s, %s->%s, handler 0x%016" PRIx64 "\n",
                 hart_, interrupt ? 1 : 0, cause, epc, tval,
                 interrupt ? interruptName(code) : trapCauseName(code), privilegeLetter(from),
                 privilegeLetter(cpu.privilege), cpu.pc);
  }

  Privilege from() const { return from_; }
  uint64_t epc() const { return epc_; }

private:
  const SystemLogOptions &options_;
  std::string describePhysical(uint64_t address) const {
    const PhysicalRegion *region = map_.find(address);
    if (region == nullptr)
      return "nothing is mapped there";
    switch (region->kind) {
    case PhysicalRegion::Kind::Mmio: return std::string("refused by the device ") + region->name;
    case PhysicalRegion::Kind::Rom: return "read-only memory " + region->name;
    case PhysicalRegion::Kind::Ram: break;
    }
    return "RAM (an atomic access there is misaligned or crosses a region)";
  }

  SystemEnv &env_;
  const PhysicalMap &map_;
  unsigned hart_;
  Privilege from_ = Privilege::Machine;
  uint64_t epc_ = 0;
};

} // namespace

const char *interruptName(uint64_t cause) {
  switch (cause) {
  case 1: return "supervisor software interrupt";
  case 3: return "machine software interrupt";
  case 5: return "supervisor timer interrupt";
  case 7: return "machine timer interrupt";
  case 9: return "supervisor external interrupt";
  case 11: return "machine external interrupt";
  }
  return "reserved interrupt";
}

namespace {

// One hart's loop, on its own thread, until a board event. `hartLog`: the
// hart's HartLogStream, where its -d lines go instead of the log's file
// (nullptr: with one hart, straight to the options' files).
HartRunCounts runHart(Board &board, unsigned hart, const SystemRunOptions &options, FILE *hartLog) {
  SystemEnv &env = board.env(hart);
  CpuState &cpu = board.cpu(hart);
  InterpreterOptions interpreterOptions = options.interpreter;
  if (hartLog != nullptr)
    interpreterOptions.log = hartLog;
  Interpreter<SystemEnv> interpreter(env, interpreterOptions);
  SystemLogOptions log = options.log;
  if (hartLog != nullptr)
    log.file = hartLog;
  Logger logger(log, env, board.map(), hart);
  env.setTranslationFlushHook([&](uint64_t vaddr, bool all) {
    if (log.mmu)
      all ? std::fprintf(log.file, "mmu: sfence.vma: every address\n")
          : std::fprintf(log.file, "mmu: sfence.vma: page 0x%016" PRIx64 "\n", vaddr);
    if (all)
      interpreter.invalidateAll();
    else
      interpreter.invalidateRange(vaddr & Softmmu::kPageMask, Softmmu::kPageSize);
  });

  HartRunCounts counts;
  uint64_t instretAtStart = cpu.instret;
  for (;;) {
    Privilege before = cpu.privilege;
    uint64_t pcBefore = cpu.pc;
    if (env.takePendingInterrupt()) {
      ++counts.interrupts;
      logger.taken(cpu, true, before, pcBefore);
    }
    StopReason stop = interpreter.run();
    if (stop == StopReason::Trap) {
      ++counts.exceptions;
      logger.exception(cpu);
      env.takeTrap();
      logger.taken(cpu, false, logger.from(), logger.epc());
      continue;
    }
    // An exit request: devices, power, the host. Board::raise sets the
    // event before the request, so clearing the request first never
    // loses an event.
    cpu.exitRequest.store(0, std::memory_order_release);
    if (board.event() != Board::Event::None)
      break;
    while (env.waitingForInterrupt() && board.event() == Board::Event::None) {
      ++counts.sleeps;
      // Woken by one of this hart's interrupt lines, or by the board
      // (power, quit); the timeout only bounds a sleep nothing else would end.
      env.waitForInterrupt(std::chrono::seconds(1));
    }
    if (board.event() != Board::Event::None)
      break;
  }
  env.setTranslationFlushHook({});
  counts.instructions = cpu.instret - instretAtStart;
  return counts;
}

} // namespace

SystemRunResult runBoard(Board &board, const SystemRunOptions &options) {
  const SystemLogOptions &log = options.log;
  if (log.guestErrors)
    board.setGuestErrorReporter([&log](const std::string &message) {
      std::fprintf(log.file, "guest_errors: %s\n", message.c_str());
    });

  unsigned harts = board.hartCount();
  // With more than one hart, each writes its -d lines through its own
  // stream ("hart H: ", whole lines); with one, straight to the log.
  std::mutex logMutex;
  std::vector<std::unique_ptr<HartLogStream>> streams;
  std::vector<FILE *> hartLogs(harts, nullptr);
  FILE *sharedLog = log.file != nullptr ? log.file : options.interpreter.log;
  if (harts > 1 && sharedLog != nullptr) {
    for (unsigned hart = 0; hart < harts; ++hart) {
      streams.push_back(std::make_unique<HartLogStream>(sharedLog, logMutex, hart));
      hartLogs[hart] = streams.back()->file(); // nullptr: straight to the log, unprefixed
    }
  }

  std::vector<HartRunCounts> counts(harts);
  std::vector<std::thread> threads;
  for (unsigned hart = 1; hart < harts; ++hart)
    threads.emplace_back(
        [&, hart] { counts[hart] = runHart(board, hart, options, hartLogs[hart]); });
  counts[0] = runHart(board, 0, options, hartLogs[0]);
  // Every hart saw the event (Board::raise reaches them all): wait for the
  // others before the board may go.
  for (std::thread &thread : threads)
    thread.join();
  streams.clear(); // their last lines

  if (log.guestErrors)
    board.setGuestErrorReporter({});
  SystemRunResult result;
  result.event = board.event();
  result.status = board.eventStatus();
  HartRunCounts total;
  for (const HartRunCounts &hart : counts)
    total += hart;
  result.instructions = total.instructions;
  result.interrupts = total.interrupts;
  result.exceptions = total.exceptions;
  result.sleeps = total.sleeps;
  result.harts = std::move(counts);
  return result;
}

} // namespace tiercel::system
