// Command line of tiercel-system-riscv64: the qemu-system-riscv64 options
// the virt board supports, plus Tiercel's --tier. Options may be spelled
// -opt or --opt, with the value as the next argument or after '='.
// Options this tool knows from QEMU but does not implement yet (-drive,
// -device, -netdev, -machine spike, -smp N > 1, JIT tiers) are parsed and
// reported as "unimplemented: ..." by the caller, which exits 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace tiercel::tools {

struct SystemCommandLine {
  bool help = false;
  bool version = false;
  std::string machine = "virt";            // -machine/-M type
  std::string dumpDtb;                     // -machine virt,dumpdtb=FILE
  uint64_t ramBytes = uint64_t{128} << 20; // -m
  std::string bios = "default";            // -bios FILE|default|none
  std::string kernel, initrd, append, dtb;
  bool noReboot = false; // -no-reboot
  unsigned smp = 1;      // -smp
  std::string tier = "interp";
  std::string logFile; // -D
  bool logInt = false, logMmu = false, logGuestErrors = false, logUnimp = false;
  bool logInAsm = false, logExec = false, logCpu = false, logFpu = false, logStats = false;
  bool logHelp = false;                   // -d help
  std::vector<std::string> unimplemented; // options recognised but not implemented
};

llvm::Expected<SystemCommandLine> parseSystemCommandLine(const std::vector<std::string> &args);

// Parses a -m size: a number with an optional K/M/G/T suffix (no suffix:
// MiB, as QEMU), or "size=..." (QEMU's long form).
llvm::Expected<uint64_t> parseRamSize(const std::string &text);

std::string systemUsageText();
std::string systemLogItemsText();

} // namespace tiercel::tools
