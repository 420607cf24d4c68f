// -smp and -accel (see smp_options.h).
#include "tools/tiercel-system-riscv64/smp_options.h"

#include <optional>
#include <vector>

#include "tools/tiercel-system-riscv64/options.h"

namespace tiercel::tools {

namespace {

llvm::Error optionError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

constexpr unsigned kMaxHarts = kMaxSmpHarts;

// A hart count: digits only, 1 to kMaxHarts.
llvm::Expected<unsigned> parseHartCount(llvm::StringRef text, const std::string &option) {
  unsigned harts = 0;
  if (text.empty() || text.getAsInteger(10, harts))
    return optionError(option + ": bad hart count '" + text.str() + "' (a number, 1 to " +
                       std::to_string(kMaxHarts) + ")");
  if (harts == 0 || harts > kMaxHarts)
    return optionError(option + ": " + text.str() + " harts is out of range (1 to " +
                       std::to_string(kMaxHarts) + ")");
  return harts;
}

} // namespace

llvm::Error parseSmp(SystemCommandLine &line, llvm::StringRef value) {
  const std::string option = "-smp " + value.str();
  if (value == "help") {
    line.smpHelp = true;
    return llvm::Error::success();
  }
  if (value.empty())
    return optionError("-smp: no hart count (-smp N)");
  std::vector<OptionPair> pairs = splitOptionList(value);
  std::optional<unsigned> cpus, maxCpus;
  for (size_t index = 0; index < pairs.size(); ++index) {
    const OptionPair &pair = pairs[index];
    if (index == 0 && !pair.hasValue) { // "-smp 4": QEMU's implied cpus=
      auto harts = parseHartCount(pair.key, option);
      if (!harts)
        return harts.takeError();
      cpus = *harts;
    } else if (pair.key == "cpus" || pair.key == "maxcpus") {
      auto harts = parseHartCount(pair.value, option);
      if (!harts)
        return harts.takeError();
      (pair.key == "cpus" ? cpus : maxCpus) = *harts;
    } else if (pair.key == "sockets" || pair.key == "dies" || pair.key == "clusters" ||
               pair.key == "cores" || pair.key == "threads" || pair.key == "books" ||
               pair.key == "drawers") {
      line.unimplemented.push_back("-smp " + pair.key +
                                   "= (a topology; give the hart count, "
                                   "-smp N)");
    } else {
      return optionError(option + ": unknown key '" + pair.key +
                         "' (-smp [cpus=]N[,maxcpus=N], N from 1 to " + std::to_string(kMaxHarts) +
                         ")");
    }
  }
  if (!cpus && !maxCpus)
    return optionError(option + ": no hart count (-smp N)");
  if (!cpus)
    cpus = maxCpus; // QEMU: cpus defaults to maxcpus
  if (maxCpus && *maxCpus != *cpus)
    line.unimplemented.push_back("-smp maxcpus=" + std::to_string(*maxCpus) +
                                 " other than cpus (hart hotplug)");
  line.smp = *cpus;
  return llvm::Error::success();
}

llvm::Error parseAccel(SystemCommandLine &line, llvm::StringRef value) {
  std::vector<OptionPair> pairs = splitOptionList(value);
  if (value.empty() || pairs.empty() || pairs[0].hasValue)
    return optionError("-accel " + value.str() + ": no accelerator (this tool has: tcg)");
  llvm::StringRef type = pairs[0].key;
  if (type != "tcg")
    return optionError("-accel " + value.str() + ": unknown accelerator '" + type.str() +
                       "' (this tool has: tcg)");
  for (size_t index = 1; index < pairs.size(); ++index) {
    const OptionPair &pair = pairs[index];
    if (pair.key != "thread")
      return optionError("-accel " + value.str() + ": unknown property '" + pair.key +
                         "' (tcg has: thread=multi)");
    if (pair.value == "single")
      line.unimplemented.push_back("-accel tcg,thread=single (every hart has a host thread "
                                   "of its own: thread=multi)");
    else if (pair.value != "multi")
      return optionError("-accel " + value.str() + ": thread expects 'multi' or 'single', not '" +
                         pair.value + "'");
  }
  line.accel = value.str();
  return llvm::Error::success();
}

void checkSmpMachine(SystemCommandLine &line) {
  if (line.smp > 1 && line.machine != "virt")
    line.unimplemented.push_back("-smp " + std::to_string(line.smp) + " on -machine " +
                                 line.machine);
}

std::string systemSmpHelpText() {
  return "-smp [cpus=]N[,maxcpus=N]: N harts (1 to " + std::to_string(kMaxHarts) +
         ") on -machine virt, each with mhartid = its index,\n"
         "its own CSRs, TLB and decoded-code cache, and its own host thread (as QEMU's\n"
         "-accel tcg,thread=multi). Every hart starts at the reset vector in M-mode with\n"
         "a0 = mhartid; OpenSBI cold-boots on one of them and holds the others until\n"
         "the OS starts them (SBI HSM). The CLINT has an msip and an mtimecmp per hart, the PLIC\n"
         "two contexts per hart (M and S), and the device tree lists every hart.\n"
         "-machine spike has one hart.\n";
}

} // namespace tiercel::tools
