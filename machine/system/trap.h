// Traps of one hart in system mode (privileged spec 3.1.6-3.1.9, 3.3.2,
// 4.1): entering the trap handler for an exception or an interrupt, with
// delegation to S-mode through medeleg/mideleg; mret and sret; choosing the
// interrupt to take; and the permission rules of wfi and sfence.vma.
//
// These work on the CpuState (pc, privilege) and the CsrFile; they know
// nothing of the softmmu. The caller (SystemEnv) refreshes whatever depends
// on the privilege and mstatus afterwards.
#pragma once

#include <cstdint>
#include <optional>

#include "machine/cpu_state.h"
#include "machine/system/csr_file.h"

namespace tiercel {

// mcause/scause bit 63: the trap is an interrupt (privileged spec 3.1.15).
inline constexpr uint64_t kInterruptCauseBit = uint64_t{1} << 63;

// Enters the trap handler: cause is an exception code or kInterruptCauseBit |
// interrupt number, cpu.pc the address xepc must hold. A trap goes to S-mode
// when the hart is not in M-mode and the cause's medeleg/mideleg bit is set,
// else to M-mode; xepc/xcause/xtval are written, xPIE = xIE, xIE = 0, xPP =
// the old privilege, and pc = xtvec's base, plus 4 * cause for an interrupt
// in vectored mode (privileged spec 3.1.7).
void enterTrap(CpuState &cpu, CsrFile &csrs, uint64_t cause, uint64_t tval);

// The interrupt to take now, if any (privileged spec 3.1.9): pending in mip
// and enabled in mie; an M-level one (not delegated) when the hart is below
// M or mstatus.MIE is set; a delegated one when the hart is below S, or in
// S with mstatus.SIE set (never in M). Interrupts for M-mode go first; within
// a level the order is MEI, MSI, MTI, SEI, SSI, STI.
std::optional<Interrupt> selectInterrupt(const CpuState &cpu, const CsrFile &csrs);

// WFI completes when an interrupt is pending and locally enabled (mip & mie),
// whatever the global enables and delegation say (privileged spec 3.3.3).
inline bool wfiWakeUp(const CsrFile &csrs) { return (csrs.mip() & csrs.mie()) != 0; }

// mret (M-mode only) and sret (S-mode unless mstatus.TSR, or M-mode):
// restore privilege and xIE from xPP/xPIE, set xPIE = 1, xPP = U, clear
// MPRV when the new privilege is below M, and jump to xepc (cpu.pc).
// false: illegal at the current privilege; nothing changed.
bool returnFromMachineTrap(CpuState &cpu, CsrFile &csrs);
bool returnFromSupervisorTrap(CpuState &cpu, CsrFile &csrs);

// wfi is illegal in U-mode (S-mode exists) and in S-mode while mstatus.TW is
// set: this hart never waits out a "bounded time" first (privileged spec
// 3.1.6.5). sfence.vma is illegal in U-mode and in S-mode while mstatus.TVM
// is set (3.1.6.5).
bool wfiAllowed(const CpuState &cpu, const CsrFile &csrs);
bool sfenceVmaAllowed(const CpuState &cpu, const CsrFile &csrs);

} // namespace tiercel
