// tiercel-riscv64: runs a riscv64 Linux program on this host (user mode),
// with qemu-riscv64's command line. The exit status is the guest's.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>

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

  FILE *log = stderr;
  if (!line.logFile.empty()) {
    log = std::fopen(line.logFile.c_str(), "w");
    if (!log) {
      std::fprintf(stderr, "%s: cannot open log file %s: %s\n", kTool, line.logFile.c_str(),
                   std::strerror(errno));
      return 1;
    }
  }
  line.user.log = log;

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
      uint64_t instructions = running->cpu().instret;
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
                        "--tier=baseline or tiered");
  baseline.log = log;
  baseline.logInAsm = line.logInAsm;
  baseline.logOutAsm = line.logOutAsm;
  baseline.logExec = line.logExec;
  baseline.logCpu = line.logCpu;
  baseline.disassembly = interp.disassembly;
  if (!line.profilePath.empty() && !line.counters && options.tier == user::Tier::Baseline)
    return usageFailure("-profile needs tier 1's counters: drop --no-counters");
  if (line.profileIntervalSeconds > 0 && line.profilePath.empty())
    return usageFailure("-profile-interval needs -profile FILE");
  options.profile.path = line.profilePath;
  options.profile.intervalSeconds = line.profileIntervalSeconds;
  options.profile.commandLine = args;
  options.profile.tiercelVersion = TIERCEL_VERSION;
  int status = user::runProcess(*running, options);
  std::fflush(nullptr);
  // The guest is done: skip destructors of the address space and caches.
  _exit(status);
}
