// The system-mode environment's slow paths and run-loop calls (see
// system_env.h).
#include "machine/system/system_env.h"

namespace tiercel {

namespace {

// lines_[] slots of the four interrupts that have an input line.
int lineSlot(Interrupt interrupt) {
  switch (interrupt) {
  case Interrupt::MachineSoftware: return 0;
  case Interrupt::MachineTimer: return 1;
  case Interrupt::SupervisorExternal: return 2;
  case Interrupt::MachineExternal: return 3;
  default: return -1;
  }
}

} // namespace

SystemEnv::SystemEnv(CpuState &cpu, const PhysicalMap &map, SystemEnvOptions options)
    : cpu(cpu), csrs_(options.hartId, std::move(options.readTime)), mmu_(map) {
  for (Interrupt interrupt : {Interrupt::MachineSoftware, Interrupt::MachineTimer,
                              Interrupt::SupervisorExternal, Interrupt::MachineExternal})
    lines_[lineSlot(interrupt)] = std::make_unique<HartIrqLine>(*this, interrupt);
  reset(cpu.pc);
}

void SystemEnv::reset(uint64_t resetPc) {
  csrs_.reset();
  mmu_.flushAll();
  cpu.privilege = Privilege::Machine;
  cpu.pc = resetPc;
  cpu.reservationValid = 0;
  cpu.memoryBase = nullptr; // no flat guest memory in system mode
  waiting_ = false;
  privilegeChanged();
}

// ---- Memory slow paths ----

void SystemEnv::recordFault(const MemoryFault &fault) {
  cpu.trapCause = static_cast<uint64_t>(fault.cause);
  cpu.trapValue = fault.tval;
}

bool SystemEnv::fetchSlow(uint64_t addr, uint16_t &out) {
  MemoryFault fault;
  if (mmu_.fetch(addr, out, fetchIndex_, context_, fault))
    return true;
  recordFault(fault);
  return false;
}

bool SystemEnv::loadSlow(uint64_t addr, unsigned size, uint64_t &value) {
  MemoryFault fault;
  if (mmu_.load(addr, size, value, dataIndex_, context_, fault))
    return true;
  recordFault(fault);
  return false;
}

bool SystemEnv::storeSlow(uint64_t addr, unsigned size, uint64_t value) {
  MemoryFault fault;
  if (mmu_.store(addr, size, value, dataIndex_, context_, fault))
    return true;
  recordFault(fault);
  return false;
}

uint8_t *SystemEnv::atomicSlow(uint64_t addr, unsigned size) {
  MemoryFault fault;
  uint8_t *pointer = mmu_.atomicPointer(addr, size, dataIndex_, context_, fault);
  if (pointer == nullptr)
    recordFault(fault);
  return pointer;
}

// ---- CSRs ----

bool SystemEnv::csrWrite(uint32_t number, uint64_t value) {
  uint64_t oldSatp = csrs_.satp();
  uint64_t oldStatus = csrs_.mstatus();
  if (!csrs_.write(number, cpu, value))
    return false;
  // The TLB is not tagged with satp or MXR: a change drops the translated
  // entries (satp's change would not need it with ASID-tagged entries).
  if (csrs_.satp() != oldSatp || ((csrs_.mstatus() ^ oldStatus) & mstatus::kMxr) != 0)
    mmu_.flushTranslated();
  privilegeChanged();
  return true;
}

// ---- Translation state ----

void SystemEnv::privilegeChanged() {
  uint64_t status = csrs_.mstatus();
  Privilege effective = cpu.privilege;
  if (effective == Privilege::Machine && (status & mstatus::kMprv) != 0)
    effective = static_cast<Privilege>((status & mstatus::kMpp) >> mstatus::kMppShift);
  bool sum = (status & mstatus::kSum) != 0;
  dataIndex_ = Softmmu::indexFor(effective, sum);
  fetchIndex_ = Softmmu::indexFor(cpu.privilege, false);
  context_.satp = csrs_.satp();
  context_.mxr = (status & mstatus::kMxr) != 0;

  translationFlags_ = static_cast<uint64_t>(cpu.privilege);
  uint64_t mode = satp::mode(context_.satp);
  if (cpu.privilege != Privilege::Machine && mode != satp::kModeBare)
    translationFlags_ |= mode << 2 | (context_.satp & satp::kPpnMask) << 6;

  if (selectInterrupt(cpu, csrs_).has_value())
    cpu.exitRequest.store(1, std::memory_order_release);
}

void SystemEnv::flushTranslations(uint64_t vaddr, bool all) {
  if (all)
    mmu_.flushTranslated();
  else
    mmu_.flushPage(vaddr);
  // sfence.vma rs1 covers the whole leaf that maps x[rs1] (privileged spec
  // 4.2.1). Decoded code is dropped by 4 KiB virtual page, so if the address
  // lies in a superpage code has been fetched through, every page of it
  // must go: drop all decoded code. (The TLB escalates in flushPage.)
  bool allCode = all || mmu_.inSuperpageFetched(vaddr);
  if (allCode)
    mmu_.forgetSuperpageFetches();
  if (flushHook_)
    flushHook_(vaddr, allCode);
}

// ---- Traps and interrupts ----

bool SystemEnv::takePendingInterrupt() {
  std::optional<Interrupt> interrupt = selectInterrupt(cpu, csrs_);
  if (!interrupt.has_value())
    return false;
  enterTrap(cpu, csrs_, kInterruptCauseBit | static_cast<uint64_t>(*interrupt), 0);
  waiting_ = false;
  privilegeChanged();
  return true;
}

void SystemEnv::takeTrap() {
  enterTrap(cpu, csrs_, cpu.trapCause, cpu.trapValue);
  privilegeChanged();
}

IrqLine &SystemEnv::interruptLine(Interrupt interrupt) {
  int slot = lineSlot(interrupt);
  // Only MSIP, MTIP, SEIP and MEIP are wired to devices.
  if (slot < 0)
    __builtin_trap();
  return *lines_[slot];
}

void SystemEnv::setInterruptLevel(Interrupt interrupt, bool high) {
  csrs_.setInterruptLine(interrupt, high);
  if (!high)
    return;
  cpu.exitRequest.store(1, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(waitMutex_); // no wake-up lost between check and wait
  }
  waitCondition_.notify_all();
}

void SystemEnv::wake() {
  {
    std::lock_guard<std::mutex> lock(waitMutex_);
    woken_ = true;
  }
  waitCondition_.notify_all();
}

bool SystemEnv::waitForInterrupt(std::chrono::nanoseconds timeout) {
  std::unique_lock<std::mutex> lock(waitMutex_);
  waitCondition_.wait_for(lock, timeout, [&] { return woken_ || wfiWakeUp(csrs_); });
  woken_ = false;
  if (!wfiWakeUp(csrs_))
    return false;
  waiting_ = false;
  return true;
}

} // namespace tiercel
