// Trap entry, trap return and interrupt selection (see trap.h).
#include "machine/system/trap.h"

namespace tiercel {

namespace {

constexpr uint64_t kModeVectored = 1;

uint64_t trapVector(uint64_t tvec, bool interrupt, uint64_t code) {
  uint64_t base = tvec & ~uint64_t{3};
  if (interrupt && (tvec & 3) == kModeVectored)
    return base + 4 * code;
  return base;
}

// Highest-priority interrupt of `candidates` (privileged spec 3.1.9).
std::optional<Interrupt> highestPriority(uint64_t candidates) {
  constexpr Interrupt kOrder[] = {Interrupt::MachineExternal,    Interrupt::MachineSoftware,
                                  Interrupt::MachineTimer,       Interrupt::SupervisorExternal,
                                  Interrupt::SupervisorSoftware, Interrupt::SupervisorTimer};
  for (Interrupt interrupt : kOrder)
    if ((candidates & interruptMask(interrupt)) != 0)
      return interrupt;
  return std::nullopt;
}

} // namespace

void enterTrap(CpuState &cpu, CsrFile &csrs, uint64_t cause, uint64_t tval) {
  bool interrupt = (cause & kInterruptCauseBit) != 0;
  uint64_t code = cause & ~kInterruptCauseBit;
  uint64_t delegated = interrupt ? csrs.mideleg() : csrs.medeleg();
  bool toSupervisor =
      cpu.privilege != Privilege::Machine && code < 64 && ((delegated >> code) & 1) != 0;
  uint64_t status = csrs.mstatus();
  if (toSupervisor) {
    csrs.setSupervisorTrapRegisters(cpu.pc, cause, tval);
    status &= ~(mstatus::kSpie | mstatus::kSpp);
    if ((status & mstatus::kSie) != 0)
      status |= mstatus::kSpie;
    if (cpu.privilege == Privilege::Supervisor)
      status |= mstatus::kSpp;
    status &= ~mstatus::kSie;
    cpu.privilege = Privilege::Supervisor;
    csrs.setMstatus(status);
    cpu.pc = trapVector(csrs.stvec(), interrupt, code);
  } else {
    csrs.setMachineTrapRegisters(cpu.pc, cause, tval);
    status &= ~(mstatus::kMpie | mstatus::kMpp);
    if ((status & mstatus::kMie) != 0)
      status |= mstatus::kMpie;
    status |= static_cast<uint64_t>(cpu.privilege) << mstatus::kMppShift;
    status &= ~mstatus::kMie;
    cpu.privilege = Privilege::Machine;
    csrs.setMstatus(status);
    cpu.pc = trapVector(csrs.mtvec(), interrupt, code);
  }
}

std::optional<Interrupt> selectInterrupt(const CpuState &cpu, const CsrFile &csrs) {
  uint64_t pending = csrs.mip() & csrs.mie();
  if (pending == 0)
    return std::nullopt;
  uint64_t status = csrs.mstatus();
  uint64_t machineLevel = pending & ~csrs.mideleg();
  bool machineEnabled = cpu.privilege != Privilege::Machine || (status & mstatus::kMie) != 0;
  if (machineEnabled && machineLevel != 0)
    return highestPriority(machineLevel);
  uint64_t supervisorLevel = pending & csrs.mideleg();
  bool supervisorEnabled =
      cpu.privilege == Privilege::User ||
      (cpu.privilege == Privilege::Supervisor && (status & mstatus::kSie) != 0);
  if (supervisorEnabled && supervisorLevel != 0)
    return highestPriority(supervisorLevel);
  return std::nullopt;
}

bool returnFromMachineTrap(CpuState &cpu, CsrFile &csrs) {
  if (cpu.privilege != Privilege::Machine)
    return false;
  uint64_t status = csrs.mstatus();
  auto previous = static_cast<Privilege>((status & mstatus::kMpp) >> mstatus::kMppShift);
  status &= ~(mstatus::kMie | mstatus::kMpp);
  if ((status & mstatus::kMpie) != 0)
    status |= mstatus::kMie;
  status |= mstatus::kMpie; // MPP = U (0)
  if (previous != Privilege::Machine)
    status &= ~mstatus::kMprv;
  csrs.setMstatus(status);
  cpu.privilege = previous;
  cpu.pc = csrs.mepc();
  return true;
}

bool returnFromSupervisorTrap(CpuState &cpu, CsrFile &csrs) {
  uint64_t status = csrs.mstatus();
  if (cpu.privilege == Privilege::User ||
      (cpu.privilege == Privilege::Supervisor && (status & mstatus::kTsr) != 0))
    return false;
  Privilege previous = (status & mstatus::kSpp) != 0 ? Privilege::Supervisor : Privilege::User;
  status &= ~(mstatus::kSie | mstatus::kSpp | mstatus::kMprv);
  if ((status & mstatus::kSpie) != 0)
    status |= mstatus::kSie;
  status |= mstatus::kSpie;
  csrs.setMstatus(status);
  cpu.privilege = previous;
  cpu.pc = csrs.sepc();
  return true;
}

bool wfiAllowed(const CpuState &cpu, const CsrFile &csrs) {
  switch (cpu.privilege) {
  case Privilege::Machine: return true;
  case Privilege::Supervisor: return (csrs.mstatus() & mstatus::kTw) == 0;
  default: return false;
  }
}

bool sfenceVmaAllowed(const CpuState &cpu, const CsrFile &csrs) {
  switch (cpu.privilege) {
  case Privilege::Machine: return true;
  case Privilege::Supervisor: return (csrs.mstatus() & mstatus::kTvm) == 0;
  default: return false;
  }
}

} // namespace tiercel
