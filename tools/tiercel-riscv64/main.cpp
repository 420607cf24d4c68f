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
    std::printf("%s %s (Tiercel: RV64GC + Zba/Zbb/Zbs Linux user mode; tiers: interp)\n", kTool,
                TIERCEL_VERSION);
    return 0;
  }
  if (line.tier != "interp") {
    if (line.tier == "baseline" || line.tier == "tiered" || line.tier == "llvm")
      return usageFailure("--tier=" + line.tier +
                          " is not available yet; the only tier so far is --tier=interp");
    return usageFailure("unknown tier '" + line.tier + "' (the only tier so far is interp)");
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
  running->setBeforeExit([running, start, summary, log] {
    std::fflush(log);
    if (summary) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      uint64_t instructions = running->cpu().instret;
      double mips = seconds > 0 ? double(instructions) / seconds / 1e6 : 0;
      std::fprintf(stderr,
                   "%s: %" PRIu64 " guest instructions in %.3f s (%.1f MIPS, tier interp)\n", kTool,
                   instructions, seconds, mips);
    }
  });

  InterpreterOptions options;
  options.log = log;
  options.logInAsm = line.logInAsm;
  options.logExec = line.logExec;
  options.logCpu = line.logCpu;
  options.oneInsnPerBlock = line.oneInsnPerBlock;
  options.disassembly.abiNames = !line.numericRegisterNames;
  int status = user::runProcess(*running, options);
  std::fflush(nullptr);
  // The guest is done: skip destructors of the address space and caches.
  _exit(status);
}
