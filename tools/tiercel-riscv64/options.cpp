// Option parsing for tiercel-riscv64 (see options.h). One table lists every
// option with its QEMU_* variable and its help line; parsing and --help both
// come from it.
#include "tools/tiercel-riscv64/options.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"

namespace tiercel::tools {

namespace {

enum class OptionId {
  Help,
  Version,
  Sysroot,
  StackSize,
  Cpu,
  SetEnv,
  UnsetEnv,
  Argv0,
  Log,
  LogFile,
  Strace,
  OneInsnPerTb,
  Tier,
  Summary,
  DisassemblerStyle,
  TbSize,
  NoCounters,
  PerfMap,
  Lockstep,
  Accel,
  Profile,
  ProfileInterval,
  JitDump,
  LogFilter,
  Gdb,
  HotThreshold,
  Region,
  JitThreads,
  OptLevel,
  JitNice,
  Fdo,
  FdoBranchWeights,
  FdoIndirect,
  FdoReturns,
  ExecChild,
};

struct OptionSpec {
  OptionId id;
  const char *name;        // without leading dashes
  const char *argument;    // nullptr: a flag
  const char *environment; // QEMU_* variable, or nullptr
  const char *help;
};

constexpr OptionSpec kOptions[] = {
    {OptionId::Help, "help", nullptr, nullptr, "print this help and exit"},
    {OptionId::Help, "h", nullptr, nullptr, "same as -help"},
    {OptionId::Version, "version", nullptr, nullptr, "print the version and exit"},
    {OptionId::Sysroot, "L", "path", "QEMU_LD_PREFIX",
     "riscv64 sysroot for the dynamic loader and libraries (default /usr/riscv64-linux-gnu)"},
    {OptionId::StackSize, "s", "size", "QEMU_STACK_SIZE",
     "guest stack size in bytes, k/M/G suffixes allowed (default 8M)"},
    {OptionId::Cpu, "cpu", "model", "QEMU_CPU",
     "rv64[,ext=on|off]... with ext among c, zba, zbb, zbs ('-cpu help' lists them)"},
    {OptionId::SetEnv, "E", "var=value", "QEMU_SET_ENV",
     "set a variable in the guest environment (QEMU_SET_ENV: a comma list)"},
    {OptionId::UnsetEnv, "U", "var", "QEMU_UNSET_ENV",
     "remove a variable from the guest environment (QEMU_UNSET_ENV: a comma list)"},
    {OptionId::Argv0, "0", "argv0", "QEMU_ARGV0",
     "the guest's argv[0] (default: the program path)"},
    {OptionId::Log, "d", "items", "QEMU_LOG",
     "log items, comma separated: in_asm, exec, cpu, unimp, strace ('-d help' lists them)"},
    {OptionId::LogFile, "D", "logfile", "QEMU_LOG_FILENAME",
     "write the -d and -strace log here (default stderr); %d becomes the process id"},
    {OptionId::LogFilter, "dfilter", "ranges", nullptr,
     "limit the per-block logs (in_asm, out_asm, exec, cpu) to guest addresses in RANGES: "
     "comma separated START..LAST, START+LENGTH or END-LENGTH"},
    {OptionId::Strace, "strace", nullptr, "QEMU_STRACE", "log every guest syscall with its result"},
    {OptionId::OneInsnPerTb, "one-insn-per-tb", nullptr, "QEMU_ONE_INSN_PER_TB",
     "translate one guest instruction per block"},
    {OptionId::OneInsnPerTb, "singlestep", nullptr, nullptr, "same as -one-insn-per-tb"},
    {OptionId::Tier, "tier", "tier", "TIERCEL_TIER",
     "execution tier: interp (the reference interpreter), baseline (tier 1, the copy-and-patch "
     "JIT), tiered (tier 1, hot regions compiled by LLVM in the background; the default), llvm "
     "(every block's region compiled by LLVM before it first runs, for testing)"},
    {OptionId::HotThreshold, "hot-threshold", "n", "TIERCEL_HOT_THRESHOLD",
     "tiered: a tier-1 block that ran N times starts a tier-2 region (default 1000)"},
    {OptionId::Region, "region", "shape", "TIERCEL_REGION",
     "tier-2 region formation: block (the hot block), trace (its hottest path), loop (every "
     "block reached by edges that are not cold, the default)"},
    {OptionId::JitThreads, "jit-threads", "n", "TIERCEL_JIT_THREADS",
     "tier-2 compile threads (default: half the host's cores, at least 1)"},
    {OptionId::OptLevel, "opt-level", "n", "TIERCEL_OPT_LEVEL",
     "tier-2 LLVM optimisation level, 0..3 (default 2)"},
    {OptionId::JitNice, "jit-nice", "n", "TIERCEL_JIT_NICE",
     "tier-2 compile threads run N nice levels below the guest threads, 0..19 (default 10): when "
     "guest threads keep every core busy, compiling takes little of their time"},
    {OptionId::Fdo, "fdo", "on|off", nullptr,
     "tier 2: every profile-directed technique on or off (branch weights, indirect targets, "
     "return prediction)"},
    {OptionId::FdoBranchWeights, "fdo-branch-weights", "on|off", nullptr,
     "tier 2: tier-1 edge counts as LLVM branch_weights (default on)"},
    {OptionId::FdoIndirect, "fdo-indirect", "on|off", nullptr,
     "tier 2: a jalr tries its profiled hot targets inside the region first (default on)"},
    {OptionId::FdoReturns, "fdo-returns", "on|off", nullptr,
     "tier 2: a jalr tries the region's return sites (pcs after its calls) first (default on)"},
    {OptionId::TbSize, "tb-size", "size", nullptr,
     "tier-1 code cache size, k/M/G suffixes allowed, plain numbers in MiB as in qemu (default "
     "256M)"},
    {OptionId::PerfMap, "perfmap", nullptr, nullptr,
     "tier 1: write /tmp/perf-PID.map so perf report names each block by its guest pc"},
    {OptionId::JitDump, "jitdump", nullptr, nullptr,
     "tier 1: write perf's jitdump (~/.debug/jit/.../jit-PID.dump, or under $JITDUMPDIR) with "
     "each block's code and guest pcs as line numbers, for perf record -k mono + perf inject "
     "--jit"},
    {OptionId::Gdb, "g", "port", "QEMU_GDB",
     "wait for GDB to connect on this TCP port before the program runs (gdb: target remote "
     ":PORT)"},
    {OptionId::Lockstep, "lockstep", nullptr, nullptr,
     "tier 1 checked against the reference semantics after every instruction; the first "
     "divergence is printed and ends the run (status 125)"},
    {OptionId::Accel, "accel", "tcg[,tb-size=N]", nullptr,
     "qemu's spelling of -tb-size: tcg is tier 1; tb-size in MiB"},
    {OptionId::Profile, "profile", "file", "TIERCEL_PROFILE",
     "write the run's profile here at exit (normal exit, guest crash, SIGINT/SIGTERM); "
     "inspect it with tiercel-prof"},
    {OptionId::ProfileInterval, "profile-interval", "seconds", nullptr,
     "with -profile, also rewrite the profile every SECONDS while the guest runs (live view)"},
    {OptionId::NoCounters, "no-counters", nullptr, nullptr,
     "tier 1 without its block, edge and jalr-target counters (for measurement)"},
    {OptionId::ExecChild, "exec-child", nullptr, nullptr,
     "set by Tiercel when a guest execve runs a riscv64 program: the -D log is appended to, "
     "and -profile FILE is written to FILE.PID"},
    {OptionId::Summary, "summary", nullptr, "TIERCEL_SUMMARY",
     "at exit, print one line to stderr: guest instructions, wall time, MIPS"},
    {OptionId::DisassemblerStyle, "M", "style", nullptr,
     "disassembly style of the logs: 'numeric' prints x0..x31/f0..f31, 'abi' (default) a0, sp..."},
};

struct LogItem {
  const char *name;
  const char *help;
};
constexpr LogItem kLogItems[] = {
    {"in_asm", "guest code of each block when it is translated"},
    {"out_asm", "host code of each tier-1 block when it is translated (Capstone)"},
    {"nochain", "tier 1: do not chain blocks (every block returns to the dispatcher)"},
    {"exec", "the pc of each block as it runs"},
    {"cpu", "the registers at each block entry"},
    {"fpu", "with cpu (implied): the FP registers too"},
    {"int", "every trap the guest takes (other than ecall) and every signal delivered to it"},
    {"guest_errors",
     "illegal instructions, bad memory accesses and misaligned jumps the guest makes"},
    {"page", "the guest memory map at start and after every mmap/munmap/mprotect/mremap/brk"},
    {"tier", "tier events: each translation, tier-2 region queued, compiled or dropped, "
             "invalidation and code cache flush"},
    {"op_opt", "tier 2: the optimized LLVM IR of each region it compiles"},
    {"stats", "run statistics at exit (and on SIGUSR1 while the guest does not handle it)"},
    {"mmu", "system mode only (user mode has no MMU): accepted, logs nothing"},
    {"unimp", "unimplemented syscalls and syscall features"},
    {"strace", "every syscall (same as -strace)"},
};

const char *kExtensions[] = {"c", "zba", "zbb", "zbs"};

llvm::Error usageError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

llvm::Expected<uint64_t> parseSize(llvm::StringRef text) {
  uint64_t multiplier = 1;
  if (!text.empty()) {
    switch (text.back()) {
    case 'k':
    case 'K': multiplier = 1ull << 10; break;
    case 'm':
    case 'M': multiplier = 1ull << 20; break;
    case 'g':
    case 'G': multiplier = 1ull << 30; break;
    default: break;
    }
    if (multiplier != 1)
      text = text.drop_back();
  }
  uint64_t value;
  if (text.getAsInteger(0, value) || value == 0 || value > (1ull << 40) / multiplier)
    return usageError("invalid size '" + text + "'");
  return value * multiplier;
}

llvm::Error applyCpu(CommandLine &line, llvm::StringRef model) {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  model.split(parts, ',');
  llvm::StringRef base = parts[0];
  if (base != "rv64" && base != "any" && base != "max" && base != "rv64gc")
    return usageError("unknown -cpu model '" + base +
                      "' (use rv64; '-cpu help' lists the options)");
  for (llvm::StringRef part : llvm::ArrayRef(parts).drop_front()) {
    auto [name, value] = part.split('=');
    bool on;
    if (value == "on" || value == "true" || value == "yes")
      on = true;
    else if (value == "off" || value == "false" || value == "no")
      on = false;
    else
      return usageError("-cpu: '" + part + "' must be ext=on or ext=off");
    user::CpuExtensions &ext = line.user.extensions;
    bool *flag = name == "c"     ? &ext.c
                 : name == "zba" ? &ext.zba
                 : name == "zbb" ? &ext.zbb
                 : name == "zbs" ? &ext.zbs
                                 : nullptr;
    if (!flag)
      return usageError("-cpu: unknown extension '" + name +
                        "' (c, zba, zbb, zbs can be switched)");
    *flag = on;
  }
  return llvm::Error::success();
}

// qemu's tb-size is in MiB; a k/M/G suffix gives the unit explicitly.
llvm::Error applyTbSize(CommandLine &line, llvm::StringRef value) {
  bool hasSuffix = !value.empty() && !llvm::isDigit(value.back());
  auto size = parseSize(value);
  if (!size)
    return size.takeError();
  line.codeCacheBytes = hasSuffix ? *size : *size << 20;
  if (line.codeCacheBytes < (1u << 20) || line.codeCacheBytes > (768u << 20))
    return usageError("-tb-size: " + value + " is outside 1M..768M");
  return llvm::Error::success();
}

llvm::Error applyLog(CommandLine &line, llvm::StringRef items) {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  items.split(parts, ',', -1, false);
  for (llvm::StringRef item : parts) {
    if (item == "in_asm")
      line.logInAsm = true;
    else if (item == "out_asm")
      line.logOutAsm = true;
    else if (item == "nochain")
      line.noChain = true;
    else if (item == "exec")
      line.logExec = true;
    else if (item == "cpu")
      line.logCpu = true;
    else if (item == "fpu")
      line.logCpu = line.logFpu = true;
    else if (item == "int")
      line.user.logInterrupts = true;
    else if (item == "guest_errors")
      line.user.logGuestErrors = true;
    else if (item == "page")
      line.user.logPage = true;
    else if (item == "tier")
      line.logTier = true;
    else if (item == "stats")
      line.logStats = true;
    else if (item == "mmu")
      ; // nothing to log without an MMU
    else if (item == "op_opt")
      line.logOpOpt = true;
    else if (item == "unimp")
      line.user.logUnimplemented = true;
    else if (item == "strace")
      line.user.strace = true;
    else
      return usageError("-d: unknown log item '" + item + "' ('-d help' lists them)");
  }
  return llvm::Error::success();
}

// -dfilter as qemu spells it: 0x1000..0x1fff (inclusive), 0x1000+0x100
// (start and length), 0x1100-0x100 (end and length, the end included).
llvm::Error applyLogFilter(CommandLine &line, llvm::StringRef ranges) {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  ranges.split(parts, ',', -1, false);
  if (parts.empty())
    return usageError("-dfilter: no address range given");
  for (llvm::StringRef part : parts) {
    auto bad = [&] {
      return usageError("-dfilter: bad range '" + part +
                        "' (expected START..LAST, START+LENGTH or END-LENGTH)");
    };
    uint64_t a, b;
    size_t dots = part.find("..");
    if (dots != llvm::StringRef::npos) {
      if (part.substr(0, dots).getAsInteger(0, a) || part.substr(dots + 2).getAsInteger(0, b) ||
          b < a)
        return bad();
      line.logFilter.add(a, b);
      continue;
    }
    size_t op = part.find_first_of("+-", 1);
    if (op == llvm::StringRef::npos || part.substr(0, op).getAsInteger(0, a) ||
        part.substr(op + 1).getAsInteger(0, b) || b == 0)
      return bad();
    if (part[op] == '+') {
      if (a + (b - 1) < a)
        return bad();
      line.logFilter.add(a, a + (b - 1));
    } else {
      if (b - 1 > a)
        return bad();
      line.logFilter.add(a - (b - 1), a);
    }
  }
  return llvm::Error::success();
}

void setEnv(std::vector<std::string> &env, llvm::StringRef assignment) {
  llvm::StringRef name = assignment.split('=').first;
  for (std::string &entry : env)
    if (llvm::StringRef(entry).split('=').first == name) {
      entry = assignment.str();
      return;
    }
  env.push_back(assignment.str());
}

void unsetEnv(std::vector<std::string> &env, llvm::StringRef name) {
  std::erase_if(env, [&](const std::string &entry) {
    return llvm::StringRef(entry).split('=').first == name;
  });
}

// Applies one option; `help`/`version` of -cpu and -d are reported through
// an error-free path by setting line.help with a special text.
llvm::Error apply(CommandLine &line, OptionId id, llvm::StringRef value, bool fromEnvironment,
                  std::optional<std::string> &argv0) {
  switch (id) {
  case OptionId::Help: line.help = true; break;
  case OptionId::Version: line.version = true; break;
  case OptionId::Sysroot: line.user.sysroot = value.rtrim('/').str(); break;
  case OptionId::StackSize: {
    auto size = parseSize(value);
    if (!size)
      return size.takeError();
    line.user.stackSize = *size;
    break;
  }
  case OptionId::Cpu: return applyCpu(line, value);
  case OptionId::SetEnv:
    if (fromEnvironment) {
      llvm::SmallVector<llvm::StringRef, 8> parts;
      value.split(parts, ',', -1, false);
      for (llvm::StringRef part : parts) {
        if (!part.contains('='))
          return usageError("QEMU_SET_ENV: '" + part + "' is not var=value");
        setEnv(line.program.envp, part);
      }
    } else {
      if (!value.contains('='))
        return usageError("-E: '" + value + "' is not var=value");
      setEnv(line.program.envp, value);
    }
    break;
  case OptionId::UnsetEnv:
    if (fromEnvironment) {
      llvm::SmallVector<llvm::StringRef, 8> parts;
      value.split(parts, ',', -1, false);
      for (llvm::StringRef part : parts)
        unsetEnv(line.program.envp, part);
    } else {
      unsetEnv(line.program.envp, value);
    }
    break;
  case OptionId::Argv0: argv0 = value.str(); break;
  case OptionId::Log: return applyLog(line, value);
  case OptionId::LogFile: line.logFile = value.str(); break;
  case OptionId::LogFilter: return applyLogFilter(line, value);
  case OptionId::Strace: line.user.strace = true; break;
  case OptionId::OneInsnPerTb: line.oneInsnPerBlock = true; break;
  case OptionId::Tier:
    if (value != "interp" && value != "baseline" && value != "tiered" && value != "llvm")
      return usageError("unknown tier '" + value + "' (expected interp, baseline, tiered or llvm)");
    line.tier = value.str();
    break;
  case OptionId::TbSize: return applyTbSize(line, value);
  case OptionId::Accel: {
    llvm::SmallVector<llvm::StringRef, 4> parts;
    value.split(parts, ',');
    if (parts[0] != "tcg")
      return usageError("-accel: unknown accelerator '" + parts[0] + "' (only tcg, tier 1)");
    for (llvm::StringRef part : llvm::ArrayRef(parts).drop_front()) {
      auto [key, size] = part.split('=');
      if (key != "tb-size")
        return usageError("-accel tcg: unknown property '" + key + "' (only tb-size)");
      if (llvm::Error error = applyTbSize(line, size))
        return error;
    }
    break;
  }
  case OptionId::Profile:
    if (value.empty())
      return usageError("-profile: empty file name");
    line.profilePath = value.str();
    break;
  case OptionId::ProfileInterval: {
    double seconds;
    if (value.getAsDouble(seconds) || !(seconds >= 0.01 && seconds <= 86400))
      return usageError("-profile-interval: '" + value +
                        "' is not a number of seconds in 0.01..86400");
    line.profileIntervalSeconds = seconds;
    break;
  }
  case OptionId::NoCounters: line.counters = false; break;
  case OptionId::PerfMap: line.perfMap = true; break;
  case OptionId::JitDump: line.jitDump = true; break;
  case OptionId::Gdb: {
    unsigned port;
    if (value.getAsInteger(10, port) || port == 0 || port > 65535)
      return usageError("-g: '" + value + "' is not a TCP port number (1..65535)");
    line.gdbPort = static_cast<uint16_t>(port);
    break;
  }
  case OptionId::Lockstep: line.lockstep = true; break;
  case OptionId::HotThreshold: {
    uint64_t threshold;
    if (value.getAsInteger(10, threshold) || threshold == 0)
      return usageError("--hot-threshold: '" + value + "' is not a positive count");
    line.hotThreshold = threshold;
    break;
  }
  case OptionId::Region:
    if (value != "block" && value != "trace" && value != "loop")
      return usageError("--region: unknown shape '" + value + "' (expected block, trace or loop)");
    line.region = value.str();
    break;
  case OptionId::JitThreads: {
    unsigned threads;
    if (value.getAsInteger(10, threads) || threads == 0 || threads > 64)
      return usageError("--jit-threads: '" + value + "' is not a thread count in 1..64");
    line.jitThreads = threads;
    break;
  }
  case OptionId::OptLevel: {
    unsigned level;
    if (value.getAsInteger(10, level) || level > 3)
      return usageError("--opt-level: '" + value + "' is not a level in 0..3");
    line.optLevel = level;
    break;
  }
  case OptionId::JitNice: {
    unsigned nice;
    if (value.getAsInteger(10, nice) || nice > 19)
      return usageError("--jit-nice: '" + value + "' is not a nice increment in 0..19");
    line.jitNice = nice;
    break;
  }
  case OptionId::Fdo:
  case OptionId::FdoBranchWeights:
  case OptionId::FdoIndirect:
  case OptionId::FdoReturns: {
    if (value != "on" && value != "off")
      return usageError("--fdo options take on or off, not '" + value + "'");
    bool on = value == "on";
    if (id == OptionId::Fdo || id == OptionId::FdoBranchWeights)
      line.fdoBranchWeights = on;
    if (id == OptionId::Fdo || id == OptionId::FdoIndirect)
      line.fdoIndirect = on;
    if (id == OptionId::Fdo || id == OptionId::FdoReturns)
      line.fdoReturns = on;
    break;
  }
  case OptionId::Summary: line.summary = true; break;
  case OptionId::ExecChild: line.execChild = true; break;
  case OptionId::DisassemblerStyle:
    if (value == "numeric")
      line.numericRegisterNames = true;
    else if (value == "abi")
      line.numericRegisterNames = false;
    else
      return usageError("-M: unknown style '" + value + "' (expected numeric or abi)");
    break;
  }
  return llvm::Error::success();
}

std::string absolutePath(llvm::StringRef path) {
  llvm::SmallString<256> absolute(path);
  if (llvm::sys::fs::make_absolute(absolute))
    return path.str();
  return absolute.str().str();
}

const OptionSpec *findOption(llvm::StringRef name) {
  for (const OptionSpec &spec : kOptions)
    if (name == spec.name)
      return &spec;
  return nullptr;
}

} // namespace

std::string usageText() {
  std::string text =
      "usage: tiercel-riscv64 [options] program [arguments...]\n"
      "Runs a riscv64 (RV64GC) Linux program on this host, like qemu-riscv64.\n"
      "Options may be spelled -opt or --opt; values follow as the next argument or after '='.\n\n";
  for (const OptionSpec &spec : kOptions) {
    std::string left = std::string("  -") + spec.name;
    if (spec.argument)
      left += std::string(" ") + spec.argument;
    if (left.size() < 24)
      left.resize(24, ' ');
    else
      left += "  ";
    text += left + spec.help;
    if (spec.environment)
      text += std::string(" [") + spec.environment + "]";
    text += "\n";
  }
  text += "\n-d items:\n";
  for (const LogItem &item : kLogItems)
    text += std::string("  ") + item.name +
            std::string(std::max<size_t>(14 - std::string(item.name).size(), 1), ' ') + item.help +
            "\n";
  text += "\n-cpu rv64 extensions that can be switched off:";
  for (const char *ext : kExtensions)
    text += std::string(" ") + ext;
  text += "\n\nThe exit status is the guest's; a guest killed by a signal ends tiercel-riscv64 "
          "with the same signal.\n";
  return text;
}

llvm::Expected<CommandLine> parseCommandLine(const std::vector<std::string> &args,
                                             const std::vector<std::string> &environment,
                                             const std::string &defaultSysroot) {
  CommandLine line;
  line.program.envp = environment;
  std::optional<std::string> argv0;

  // QEMU_* variables first; command-line options override them.
  for (const std::string &entry : environment) {
    auto [name, value] = llvm::StringRef(entry).split('=');
    for (const OptionSpec &spec : kOptions) {
      if (!spec.environment || name != spec.environment)
        continue;
      if (llvm::Error error = apply(line, spec.id, value, true, argv0))
        return error;
    }
  }

  size_t index = 1;
  for (; index < args.size(); ++index) {
    llvm::StringRef arg = args[index];
    if (arg == "--") {
      ++index;
      break;
    }
    if (!arg.starts_with("-") || arg == "-")
      break;
    llvm::StringRef body = arg.drop_front(arg.starts_with("--") ? 2 : 1);
    auto [name, inlineValue] = body.split('=');
    bool hasInlineValue = body.contains('=');
    const OptionSpec *spec = findOption(name);
    if (!spec)
      return usageError("unknown option '" + arg + "'");
    llvm::StringRef value;
    if (spec->argument) {
      if (hasInlineValue) {
        value = inlineValue;
      } else if (index + 1 < args.size()) {
        value = args[++index];
      } else {
        return usageError("option '" + arg + "' needs an argument (" + spec->argument + ")");
      }
      if ((spec->id == OptionId::Cpu || spec->id == OptionId::Log) && value == "help") {
        line.help = true;
        continue;
      }
    } else if (hasInlineValue) {
      return usageError("option '-" + name + "' takes no argument");
    }
    if (llvm::Error error = apply(line, spec->id, value, false, argv0))
      return error;
    // A guest execve passes on how to run, not what this program was given.
    switch (spec->id) {
    case OptionId::Help:
    case OptionId::Version:
    case OptionId::SetEnv:
    case OptionId::UnsetEnv:
    case OptionId::Argv0:
    case OptionId::Gdb:
    case OptionId::ExecChild: break;
    case OptionId::Sysroot:
    case OptionId::LogFile:
    case OptionId::Profile:
      // Paths as this process meant them, whatever the child's cwd.
      line.user.execOptions.push_back("-" + name.str() + "=" + absolutePath(value));
      break;
    default:
      line.user.execOptions.push_back("-" + name.str() +
                                      (spec->argument ? "=" + value.str() : std::string()));
    }
  }

  if (line.user.sysroot.empty() && !defaultSysroot.empty())
    line.user.sysroot = defaultSysroot;
  if (index < args.size()) {
    line.program.path = args[index];
    for (size_t i = index; i < args.size(); ++i)
      line.program.argv.push_back(args[i]);
    if (argv0)
      line.program.argv[0] = *argv0;
  }
  return line;
}

} // namespace tiercel::tools
