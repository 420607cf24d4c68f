// The -d cpu state dump (non-template, shared by every interpreter instantiation).
#include <cinttypes>

#include "machine/interpreter/cpu_log.h"
#include "machine/isa/disassembler.h"

namespace tiercel {

void logCpuState(FILE *log, const CpuState &cpu, bool withFloat) {
  static constexpr const char *kPrivilegeNames[] = {"U", "S", "?", "M"};
  std::fprintf(log, " pc       %016" PRIx64 "  priv %s  fflags %02x  frm %u  instret %" PRIu64 "\n",
               cpu.pc, kPrivilegeNames[static_cast<unsigned>(cpu.privilege) & 3], cpu.fflags,
               cpu.frm, cpu.instret);
  for (unsigned reg = 0; reg < 32; ++reg)
    std::fprintf(log, " x%-2u/%-4s %016" PRIx64 "%s", reg, integerRegisterName(reg), cpu.x[reg],
                 reg % 4 == 3 ? "\n" : "");
  if (!withFloat)
    return;
  for (unsigned reg = 0; reg < 32; ++reg)
    std::fprintf(log, " f%-2u/%-4s %016" PRIx64 "%s", reg, floatRegisterName(reg), cpu.f[reg],
                 reg % 4 == 3 ? "\n" : "");
}

} // namespace tiercel
