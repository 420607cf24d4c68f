// Option parsing for tiercel-system-riscv64 (see options.h). One table lists
// every option with its help line; parsing and --help both come from it.
#include "tools/tiercel-system-riscv64/options.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace tiercel::tools {

namespace {

enum class OptionId {
  Help,
  Version,
  Machine,
  Memory,
  Bios,
  Kernel,
  Initrd,
  Append,
  Dtb,
  Nographic,
  Serial,
  NoReboot,
  Smp,
  Log,
  LogFile,
  Tier,
  Unimplemented, // QEMU options for devices this board does not have yet
};

struct OptionSpec {
  OptionId id;
  const char *name;     // without leading dashes
  const char *argument; // nullptr: a flag
  const char *help;
};

constexpr OptionSpec kOptions[] = {
    {OptionId::Help, "help", nullptr, "print this help and exit"},
    {OptionId::Help, "h", nullptr, "same as -help"},
    {OptionId::Version, "version", nullptr, "print the version and exit"},
    {OptionId::Machine, "machine", "virt[,dumpdtb=FILE]",
     "the board: virt (QEMU's riscv64 virt machine); dumpdtb writes its device tree to FILE and "
     "exits"},
    {OptionId::Machine, "M", "virt[,dumpdtb=FILE]", "same as -machine"},
    {OptionId::Memory, "m", "size",
     "guest RAM at 0x80000000, K/M/G suffixes allowed, plain numbers in MiB (default 128M)"},
    {OptionId::Bios, "bios", "file|default|none",
     "the M-mode firmware: a raw binary loaded at 0x80000000 or an ELF file; default: Debian's "
     "OpenSBI (fw_dynamic); none: the kernel is started in M-mode at 0x80000000"},
    {OptionId::Kernel, "kernel", "file",
     "the kernel: a raw image (Linux's Image) at the first 2 MiB boundary after the firmware, or "
     "an ELF file at its addresses"},
    {OptionId::Initrd, "initrd", "file", "initial RAM disk, placed at the top of RAM"},
    {OptionId::Append, "append", "args", "the kernel command line (/chosen/bootargs)"},
    {OptionId::Dtb, "dtb", "file", "use this device tree instead of the board's"},
    {OptionId::Nographic, "nographic", nullptr,
     "no display: the console is the UART on stdin/stdout (always the case for now)"},
    {OptionId::Serial, "serial", "mon:stdio|stdio", "the UART's host end (stdin/stdout)"},
    {OptionId::NoReboot, "no-reboot", nullptr,
     "exit when the guest reboots (default: reboot the board)"},
    {OptionId::Smp, "smp", "1", "number of harts: 1 (more are not implemented yet)"},
    {OptionId::Log, "d", "items",
     "log items, comma separated: int, mmu, guest_errors, unimp, in_asm, exec, cpu, fpu, stats "
     "('-d help' lists them)"},
    {OptionId::LogFile, "D", "logfile", "write the -d log here (default stderr)"},
    {OptionId::Tier, "tier", "tier",
     "execution tier: interp (the reference interpreter, the only one in system mode so far)"},
    {OptionId::Unimplemented, "drive", "spec", "(not implemented yet)"},
    {OptionId::Unimplemented, "device", "spec", "(not implemented yet)"},
    {OptionId::Unimplemented, "netdev", "spec", "(not implemented yet)"},
};

struct LogItem {
  const char *name;
  bool SystemCommandLine::*flag;
  const char *help;
};

constexpr LogItem kLogItems[] = {
    {"int", &SystemCommandLine::logInt, "every exception and interrupt taken (QEMU's format)"},
    {"mmu", &SystemCommandLine::logMmu, "page faults with satp, and sfence.vma flushes"},
    {"guest_errors", &SystemCommandLine::logGuestErrors,
     "guest accesses to unmapped physical memory or that a device refused"},
    {"unimp", &SystemCommandLine::logUnimp,
     "illegal instructions, unknown CSRs included (the firmware probes some)"},
    {"in_asm", &SystemCommandLine::logInAsm, "each block's guest code when it is decoded"},
    {"exec", &SystemCommandLine::logExec, "each block's pc as it runs"},
    {"cpu", &SystemCommandLine::logCpu, "the registers at each block entry"},
    {"fpu", &SystemCommandLine::logFpu, "the FP registers in the -d cpu dump"},
    {"stats", &SystemCommandLine::logStats,
     "at exit: instructions, run time, MIPS, traps, wfi sleeps"},
};

llvm::Error optionError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

const OptionSpec *findOption(llvm::StringRef name) {
  for (const OptionSpec &spec : kOptions)
    if (name == spec.name)
      return &spec;
  return nullptr;
}

llvm::Error parseLogItems(SystemCommandLine &line, llvm::StringRef items) {
  llvm::SmallVector<llvm::StringRef, 8> names;
  items.split(names, ',', -1, false);
  for (llvm::StringRef name : names) {
    if (name == "help") {
      line.logHelp = true;
      continue;
    }
    bool found = false;
    for (const LogItem &item : kLogItems)
      if (name == item.name) {
        line.*item.flag = true;
        found = true;
      }
    if (!found)
      return optionError("-d: unknown log item '" + name.str() + "' ('-d help' lists them)");
  }
  return llvm::Error::success();
}

llvm::Error parseMachine(SystemCommandLine &line, llvm::StringRef value) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  value.split(parts, ',');
  llvm::StringRef type = parts.empty() ? "" : parts[0];
  type.consume_front("type="); // QEMU's long form
  if (type == "spike") {
    line.unimplemented.push_back("-machine spike");
    return llvm::Error::success();
  }
  if (type != "virt")
    return optionError("-machine: unknown machine '" + type.str() + "' (this tool has: virt)");
  line.machine = type.str();
  for (size_t i = 1; i < parts.size(); ++i) {
    llvm::StringRef property = parts[i];
    if (property.consume_front("dumpdtb=") && !property.empty())
      line.dumpDtb = property.str();
    else
      return optionError("-machine: unknown property '" + parts[i].str() +
                         "' (virt has: dumpdtb=FILE)");
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<uint64_t> parseRamSize(const std::string &text) {
  llvm::StringRef value(text);
  value.consume_front("size=");
  auto bad = [&] { return optionError("-m: bad size '" + text + "' (e.g. 128M, 1G)"); };
  if (value.empty())
    return bad();
  uint64_t multiplier = uint64_t{1} << 20; // QEMU: plain numbers are MiB
  char suffix = static_cast<char>(llvm::toUpper(value.back()));
  if (!llvm::isDigit(value.back())) {
    value = value.drop_back();
    value.consume_back("i"); // "128Mi" is not QEMU's, but unambiguous
    switch (suffix) {
    case 'B': multiplier = 1; break;
    case 'K': multiplier = uint64_t{1} << 10; break;
    case 'M': multiplier = uint64_t{1} << 20; break;
    case 'G': multiplier = uint64_t{1} << 30; break;
    case 'T': multiplier = uint64_t{1} << 40; break;
    default: return bad();
    }
  }
  uint64_t number;
  if (value.getAsInteger(10, number) || number == 0 || number > (~uint64_t{0} >> 1) / multiplier)
    return bad();
  uint64_t bytes = number * multiplier;
  if (bytes % 4096 != 0)
    return optionError("-m: " + text + " is not a multiple of 4 KiB");
  if (bytes < (uint64_t{2} << 20))
    return optionError("-m: " + text + " is too small (at least 2M)");
  if (bytes > (uint64_t{64} << 30))
    return optionError("-m: " + text + " is too large (at most 64G)");
  return bytes;
}

llvm::Expected<SystemCommandLine> parseSystemCommandLine(const std::vector<std::string> &args) {
  SystemCommandLine line;
  for (size_t index = 1; index < args.size(); ++index) {
    llvm::StringRef arg = args[index];
    if (!arg.starts_with("-") || arg == "-")
      return optionError("unexpected argument '" + arg.str() +
                         "' (the kernel is given with -kernel)");
    llvm::StringRef name = arg.drop_front(arg.starts_with("--") ? 2 : 1);
    std::optional<std::string> inlineValue;
    if (size_t equals = name.find('='); equals != llvm::StringRef::npos) {
      inlineValue = name.substr(equals + 1).str();
      name = name.substr(0, equals);
    }
    const OptionSpec *spec = findOption(name);
    if (spec == nullptr)
      return optionError("unknown option '" + arg.str() + "'");
    std::string value;
    if (spec->argument != nullptr) {
      if (inlineValue) {
        value = *inlineValue;
      } else {
        if (index + 1 >= args.size())
          return optionError("option '-" + std::string(spec->name) + "' needs an argument (" +
                             spec->argument + ")");
        value = args[++index];
      }
    } else if (inlineValue) {
      return optionError("option '-" + std::string(spec->name) + "' takes no argument");
    }
    switch (spec->id) {
    case OptionId::Help: line.help = true; break;
    case OptionId::Version: line.version = true; break;
    case OptionId::Machine:
      if (llvm::Error error = parseMachine(line, value))
        return std::move(error);
      break;
    case OptionId::Memory: {
      auto bytes = parseRamSize(value);
      if (!bytes)
        return bytes.takeError();
      line.ramBytes = *bytes;
      break;
    }
    case OptionId::Bios: line.bios = value; break;
    case OptionId::Kernel: line.kernel = value; break;
    case OptionId::Initrd: line.initrd = value; break;
    case OptionId::Append: line.append = value; break;
    case OptionId::Dtb: line.dtb = value; break;
    case OptionId::Nographic: break;
    case OptionId::Serial:
      if (value != "mon:stdio" && value != "stdio")
        line.unimplemented.push_back("-serial " + value + " (only mon:stdio and stdio)");
      break;
    case OptionId::NoReboot: line.noReboot = true; break;
    case OptionId::Smp: {
      // "N" or "cpus=N[,...]": only the hart count matters here.
      llvm::StringRef count = llvm::StringRef(value).split(',').first;
      count.consume_front("cpus=");
      unsigned harts;
      if (count.getAsInteger(10, harts) || harts == 0)
        return optionError("-smp: bad hart count '" + value + "'");
      line.smp = harts;
      if (harts != 1)
        line.unimplemented.push_back("-smp " + std::to_string(harts));
      break;
    }
    case OptionId::Log:
      if (llvm::Error error = parseLogItems(line, value))
        return std::move(error);
      break;
    case OptionId::LogFile: line.logFile = value; break;
    case OptionId::Tier:
      if (value != "interp" && value != "baseline" && value != "tiered" && value != "llvm")
        return optionError("unknown tier '" + value +
                           "' (interp, baseline, tiered, llvm; system mode runs interp)");
      line.tier = value;
      if (value != "interp")
        line.unimplemented.push_back("tier " + value + " in system mode");
      break;
    case OptionId::Unimplemented:
      line.unimplemented.push_back("-" + std::string(spec->name) + " " + value);
      break;
    }
  }
  return line;
}

std::string systemUsageText() {
  std::string text =
      "usage: tiercel-system-riscv64 -machine virt [options]\n"
      "Emulates QEMU's riscv64 virt board (one RV64GC hart with M/S/U modes, Sv39/Sv48) and\n"
      "boots firmware and a kernel on it, like qemu-system-riscv64.\n\n"
      "Options:\n";
  for (const OptionSpec &spec : kOptions) {
    if (spec.id == OptionId::Unimplemented)
      continue;
    std::string left = "  -" + std::string(spec.name);
    if (spec.argument != nullptr)
      left += " " + std::string(spec.argument);
    text += left;
    text += left.size() < 28 ? std::string(28 - left.size(), ' ') : "\n" + std::string(28, ' ');
    text += spec.help;
    text += "\n";
  }
  text += "\nConsole keys (escape Ctrl-A): C-a x quits, C-a h lists the keys, C-a C-a sends C-a.\n"
          "Exit status: the guest's power-off code (0 for a clean power-off), 0 after C-a x,\n"
          "128+N after signal N.\n";
  return text;
}

std::string systemLogItemsText() {
  std::string text = "Log items (-d item,...):\n";
  for (const LogItem &item : kLogItems) {
    std::string name = "  " + std::string(item.name);
    text += name + std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') + item.help + "\n";
  }
  return text;
}

} // namespace tiercel::tools
