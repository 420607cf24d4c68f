// tiercel-riscv64: runs a riscv64 Linux program on this host (user mode),
// with qemu-riscv64's command line. The exit status is the guest's.
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <thread>

#include "runtime/gdb/user_stub.h"
#include "runtime/user/process.h"
#include "runtime/user/run_loop.h"
#include "tools/tiercel-riscv64/options.h"

extern char **environ;

namespace {

constexpr const char *kTool = "tiercel-riscv64";
constexpr const char *kDefaultSysroot = "/usr/riscv64-linux-gnu";

int usageFailure(const std::string &message) {
  std::fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", kTool, message.c_str(),
               kTool);
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  using namespace tiercel;
  std::vector<std::string> args(argv, argv + argc);
  std::vector<std::string> environment;
  for (char **entry = environ; *entry; ++entry)
    environment.emplace_back(*entry);
  struct stat sysrootStat;
  std::string defaultSysroot =
      stat(kDefaultSysroot, &sysrootStat) == 0 && S_ISDIR(sysrootStat.st_mode) ? kDefaultSysroot
                                                                               : "";

  // Started by binfmt_misc with the P flag (tools/tiercel-binfmt): the kernel
  // passes [interpreter, program path, original argv[0], arguments...] and
  // says so in AT_FLAGS (linux/binfmts.h, AT_FLAGS_PRESERVE_ARGV0).
  constexpr unsigned long kPreserveArgv0 = 1ul << 0;
  if ((getauxval(AT_FLAGS) & kPreserveArgv0) != 0 && args.size() >= 3) {
    std::vector<std::string> rewritten = {args[0], "-0", args[2], args[1]};
    rewritten.insert(rewritten.end(), args.begin() + 3, args.end());
    args = std::move(rewritten);
  }
  // The O and C flags hand the program over open (AT_EXECFD).
  errno = 0;
  unsigned long execFd = getauxval(AT_EXECFD);
  bool haveExecFd = errno == 0;

  auto parsed = tools::parseCommandLine(args, environment, defaultSysroot);
  if (!parsed)
    return usageFailure(llvm::toString(parsed.takeError()));
  tools::CommandLine &line = *parsed;
  if (line.help) {
    std::fputs(tools::usageText().c_str(), stdout);
    return 0;
  }
  if (line.version) {
    std::printf("%s %s (Tiercel: RV64GC + Zba/Zbb/Zbs Linux user mode; tiers: interp, baseline)\n", kTool,
                TIERCEL_VERSION);
    return 0;
  }
  if (line.program.path.empty())
    return usageFailure("no program given");
  if (haveExecFd)
    line.program.fd = static_cast<int>(execFd);

  FILE *log = stderr;
  if (!line.logFile.empty()) {
    // qemu's -D: "%d" in the name becomes the process id (one log per process).
    std::string logPath;
    for (size_t i = 0; i < line.logFile.size(); ++i) {
      if (line.logFile.compare(i, 2, "%d") == 0) {
        logPath += std::to_string(getpid());
        ++i;
      } else {
        logPath += line.logFile[i];
      }
    }
    // A program a guest execve started shares its parent's log. Every
    // writer appends, so the parent does not write over its children's
    // lines from its own file offset.
    log = std::fopen(logPath.c_str(), line.execChild ? "ae" : "we");
    if (!log) {
      std::fprintf(stderr, "%s: cannot open log file %s: %s\n", kTool, logPath.c_str(),
                   std::strerror(errno));
      return 1;
    }
    fcntl(fileno(log), F_SETFL, fcntl(fileno(log), F_GETFL) | O_APPEND);
  }
  line.user.log = log;

  // -g: listen first, so a busy port is reported before anything else.
  std::unique_ptr<gdb::UserStub> gdbStub;
  if (line.gdbPort != 0) {
    auto stub = gdb::UserStub::listen(line.gdbPort);
    if (!stub) {
      std::fprintf(stderr, "%s: %s\n", kTool, llvm::toString(stub.takeError()).c_str());
      return 1;
    }
    gdbStub = std::move(*stub);
  }

  auto process = user::Process::create(line.user, line.program);
  if (!process) {
    std::fprintf(stderr, "%s: %s\n", kTool, llvm::toString(process.takeError()).c_str());
    return 1;
  }

  auto start = std::chrono::steady_clock::now();
  user::Process *running = process->get();
  bool summary = line.summary;
  std::string tier = line.tier;
  running->setBeforeExit([running, start, summary, log, tier] {
    std::fflush(log);
    if (summary) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      uint64_t instructions = running->instructionsRetired(); // every thread's
      double mips = seconds > 0 ? double(instructions) / seconds / 1e6 : 0;
      std::fprintf(stderr,
                   "%s: %" PRIu64 " guest instructions in %.3f s (%.1f MIPS, tier %s)\n", kTool,
                   instructions, seconds, mips, tier.c_str());
      if (running->tierSummary)
        std::fprintf(stderr, "%s: %s\n", kTool, running->tierSummary().c_str());
    }
  });

  user::RunOptions options;
  options.tier = line.tier == "interp" ? user::Tier::Interpreter : user::Tier::Baseline;
  InterpreterOptions &interp = options.interpreter;
  interp.log = log;
  interp.logInAsm = line.logInAsm;
  interp.logExec = line.logExec;
  interp.logCpu = line.logCpu;
  interp.logFpu = line.logFpu;
  interp.logFilter = line.logFilter;
  interp.oneInsnPerBlock = line.oneInsnPerBlock;
  interp.disassembly.abiNames = !line.numericRegisterNames;
  user::BaselineOptions &baseline = options.baseline;
  baseline.codeCacheBytes = line.codeCacheBytes;
  baseline.counters = line.counters;
  baseline.chaining = !line.noChain && !line.logExec && !line.logCpu;
  baseline.oneInsnPerBlock = line.oneInsnPerBlock;
  baseline.perfMap = line.perfMap;
  baseline.jitDump = line.jitDump;
  baseline.guestPath = line.program.path;
  baseline.lockstep = line.lockstep;
  if (line.lockstep && options.tier == user::Tier::Interpreter)
    return usageFailure("--lockstep checks tier 1 against the interpreter: use it with "
                        "--tier=baseline");
  // Tier 2 runs on top of tier 1; lockstep, one instruction per block and
  // unchained logs (-d exec, cpu, nochain) want every block in tier 1.
  bool tier1Only = line.lockstep || line.oneInsnPerBlock || !baseline.chaining;
  baseline.tier2 = (line.tier == "tiered" || line.tier == "llvm") && !tier1Only;
  if (line.tier == "llvm" && tier1Only)
    return usageFailure("--tier=llvm cannot run with --lockstep, -one-insn-per-tb, -d exec, -d cpu "
                        "or -d nochain (they need every block in tier 1)");
  if (line.tier == "tiered" && !line.counters)
    baseline.tier2 = false; // no counters, no hotness: tier 1 alone
  user::RegionTierOptions &tier2 = baseline.tier2Options;
  tier2.atFirstSight = line.tier == "llvm";
  tier2.hotThreshold = line.hotThreshold;
  tier2.shape = line.region == "block"   ? user::RegionShape::Block
                : line.region == "trace" ? user::RegionShape::Trace
                                         : user::RegionShape::Loop;
  tier2.threads = line.jitThreads != 0 ? line.jitThreads
                                       : std::max(1u, std::thread::hardware_concurrency() / 2);
  tier2.optLevel = line.optLevel;
  tier2.jitNice = line.jitNice;
  tier2.branchWeights = line.fdoBranchWeights;
  tier2.speculateIndirect = line.fdoIndirect;
  tier2.predictReturns = line.fdoReturns;
  tier2.signalActions = running->signalActions();
  if (line.logOpOpt)
    tier2.optimizedIrLog = log;
  baseline.log = log;
  baseline.logInAsm = line.logInAsm;
  baseline.logOutAsm = line.logOutAsm;
  baseline.logExec = line.logExec;
  baseline.logCpu = line.logCpu;
  baseline.logFpu = line.logFpu;
  baseline.logTier = line.logTier;
  baseline.logFilter = line.logFilter;
  baseline.disassembly = interp.disassembly;
  if (!line.profilePath.empty() && !line.counters && options.tier == user::Tier::Baseline)
    return usageFailure("-profile needs tier 1's counters: drop --no-counters");
  if (line.profileIntervalSeconds > 0 && line.profilePath.empty())
    return usageFailure("-profile-interval needs -profile FILE");
  options.logStats = line.logStats;
  options.profile.path = line.profilePath;
  if (line.execChild && !line.profilePath.empty())
    options.profile.path += "." + std::to_string(getpid()); // not its parent's file
  options.profile.intervalSeconds = line.profileIntervalSeconds;
  options.profile.commandLine = args;
  options.profile.tiercelVersion = TIERCEL_VERSION;
  if (gdbStub != nullptr) {
    // Waits for GDB: the program's first instruction is its first stop.
    if (llvm::Error error = gdbStub->attach(*running)) {
      std::fprintf(stderr, "%s: %s\n", kTool, llvm::toString(std::move(error)).c_str());
      return 1;
    }
    options.debugger = gdbStub.get();
  }
  options.exitWithoutTeardown = true; // _exit below
  int status = user::runProcess(*running, options);
  std::fflush(nullptr);
  // The guest is done: skip destructors of the address space and caches.
  _exit(status);
}
