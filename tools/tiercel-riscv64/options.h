// Command line of tiercel-riscv64: qemu-riscv64's options (and their QEMU_*
// environment variables) plus Tiercel's own (--tier, --summary). Options
// may be spelled -opt or --opt, with the value as the next argument or
// after '='. Parsing stops at the first argument that is not an option: the
// guest program; everything after it belongs to the guest.
#pragma once

#include <string>
#include <vector>

#include "machine/interpreter/interpreter.h"
#include "runtime/user/process.h"
#include "llvm/Support/Error.h"

namespace tiercel::tools {

struct CommandLine {
  user::UserOptions user;
  user::ProgramSpec program;
  bool help = false;
  bool version = false;
  bool summary = false;
  bool execChild = false; // --exec-child: started by a guest execve
  bool oneInsnPerBlock = false;
  bool numericRegisterNames = false; // -M numeric
  std::string tier = "tiered";
  size_t codeCacheBytes = size_t{256} << 20; // -tb-size
  bool counters = true;                      // --no-counters clears it
  bool perfMap = false;                      // -perfmap
  bool jitDump = false;                      // -jitdump
  bool lockstep = false;                     // --lockstep
  std::string profilePath;                   // -profile
  uint16_t gdbPort = 0;                      // -g: 0 = no GDB stub
  double profileIntervalSeconds = 0;         // -profile-interval
  std::string logFile;   // -D
  bool logInAsm = false; // -d in_asm
  bool logExec = false;  // -d exec
  bool logCpu = false;   // -d cpu
  bool logFpu = false;   // -d fpu
  bool logTier = false;  // -d tier
  bool logStats = false; // -d stats
  bool logOpOpt = false; // -d op_opt
  LogFilter logFilter;   // -dfilter
  bool logOutAsm = false; // -d out_asm
  bool noChain = false;   // -d nochain
  // Tier 2 (--tier=tiered and llvm).
  uint64_t hotThreshold = 1000; // --hot-threshold
  std::string region = "loop";  // --region
  unsigned jitThreads = 0;      // --jit-threads; 0: sized for the machine
  unsigned optLevel = 2;        // --opt-level
  unsigned jitNice = 10;        // --jit-nice
  bool fdoBranchWeights = true; // --fdo-branch-weights (and --fdo)
  bool fdoIndirect = true;      // --fdo-indirect (and --fdo)
  bool fdoReturns = true;       // --fdo-returns (and --fdo)
};

// Parses argv (argv[0] is the tool) with the QEMU_* variables found in
// `environment` (the host's, "NAME=value"), which also becomes the guest's
// environment after -E/-U and QEMU_SET_ENV/QEMU_UNSET_ENV are applied.
// `defaultSysroot` is used when neither -L nor QEMU_LD_PREFIX is given.
llvm::Expected<CommandLine> parseCommandLine(const std::vector<std::string> &args,
                                             const std::vector<std::string> &environment,
                                             const std::string &defaultSysroot);

// The --help text: every option with one line each.
std::string usageText();

} // namespace tiercel::tools
