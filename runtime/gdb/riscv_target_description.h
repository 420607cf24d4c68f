// GDB's view of a riscv64 hart: its register numbering (gdb/riscv-tdep.h)
// and the target description XML the stub sends in qXfer:features:read,
// with the standard feature names GDB's riscv_gdbarch_init checks for
// (org.gnu.gdb.riscv.cpu, .fpu, .csr, .virtual) and the register names it
// accepts in them.
#pragma once

#include <string>

namespace tiercel::gdb {

// GDB's riscv register numbers.
inline constexpr unsigned kRegX0 = 0;      // x0..x31: 0..31
inline constexpr unsigned kRegPc = 32;
inline constexpr unsigned kRegF0 = 33;     // f0..f31: 33..64
inline constexpr unsigned kRegFirstCsr = 65; // CSR n: 65 + n
inline constexpr unsigned kRegFflags = kRegFirstCsr + 0x001;
inline constexpr unsigned kRegFrm = kRegFirstCsr + 0x002;
inline constexpr unsigned kRegFcsr = kRegFirstCsr + 0x003;
inline constexpr unsigned kRegCycle = kRegFirstCsr + 0xc00;
inline constexpr unsigned kRegTime = kRegFirstCsr + 0xc01;
inline constexpr unsigned kRegInstret = kRegFirstCsr + 0xc02;
inline constexpr unsigned kRegPriv = kRegFirstCsr + 4096; // org.gnu.gdb.riscv.virtual

// The description of an RV64GC hart in user mode: x and f registers, pc,
// the FP CSRs, the unprivileged counters, and priv.
std::string riscv64UserTargetXml();

} // namespace tiercel::gdb
