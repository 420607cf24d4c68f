// The SemanticsEnv of system mode (machine/semantics/common.h): one hart's
// CpuState with its CSRs (csr_file.h), its softmmu (softmmu.h) over the
// board's physical map, and its trap logic (trap.h). The reference
// interpreter runs system-mode code on it unchanged
// (Interpreter<SystemEnv>), and the run loop drives it through the calls
// at the end of the class.
//
// The run loop's contract:
//   env.reset(resetPc);                       // M-mode, at the reset vector
//   for (;;) {
//     env.takePendingInterrupt();             // at every block boundary
//     StopReason stop = interpreter.run();
//     if (stop == StopReason::Trap) env.takeTrap();
//     else if (stop == StopReason::ExitRequest) {
//       cpu.exitRequest = 0;                   // then: devices, power, signals
//       if (env.waitingForInterrupt()) env.waitForInterrupt(timeout);
//     }
//   }
// - Interrupt lines: interruptLine(Interrupt::MachineTimer) etc. are the
//   IrqLines the CLINT and PLIC drive. A rising line raises cpu.exitRequest
//   (so generated code comes back to the run loop) and wakes a waiting hart.
//   An instruction that makes a pending interrupt takeable (a CSR write,
//   mret, sret) raises cpu.exitRequest too; such instructions also end their
//   block (ExecStatus::Resync), so the interrupt is taken right after them.
// - wfi: when no interrupt is pending and enabled in mie, it completes
//   (cpu.pc = next instruction), sets waitingForInterrupt() and raises
//   cpu.exitRequest; the run loop may then sleep in waitForInterrupt().
//   Resuming without sleeping is also correct (wfi may be a no-op).
// - Translation state: a block of decoded code is valid for
//   (pc, translationFlags()): privilege and, below M-mode, satp's MODE and
//   root page (no ASIDs). Instructions that change it return Resync (CSR
//   writes to mstatus/satp/..., mret, sret, sfence.vma). Page-table changes
//   that keep satp are announced by sfence.vma: the TranslationFlushHook
//   is called with the address (or all = true) so the run loop can drop
//   decoded blocks of that page (Interpreter::invalidateRange/All); all is
//   also true for one address inside a superpage code has been fetched
//   through, since the address names that whole leaf;
//   without the hook, blocks decoded from a page that has been remapped
//   stay in use.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>

#include "machine/semantics/common.h"
#include "machine/system/csr_file.h"
#include "machine/system/device_interface.h"
#include "machine/system/physical_map.h"
#include "machine/system/softmmu.h"
#include "machine/system/trap.h"

namespace tiercel {

struct SystemEnvOptions {
  uint64_t hartId = 0;
  CsrFile::TimeSource readTime; // the time CSR (mtime); empty: no time CSR
};

class SystemEnv {
public:
  // Called on sfence.vma: one 4 KiB page (all = false) or everything.
  using TranslationFlushHook = std::function<void(uint64_t vaddr, bool all)>;

  // The hart starts as after reset(cpu.pc). `map` outlives the env.
  SystemEnv(CpuState &cpu, const PhysicalMap &map, SystemEnvOptions options = {});
  SystemEnv(const SystemEnv &) = delete;
  SystemEnv &operator=(const SystemEnv &) = delete;

  CpuState &cpu;

  // ---- SemanticsEnv ----

  bool fetchParcel(uint64_t addr, uint16_t &out) {
    Softmmu::TlbEntry &slot = mmu_.entry(fetchIndex_, addr);
    if (slot.tag[static_cast<unsigned>(AccessType::Fetch)] == Softmmu::fastTag(addr, 2))
        [[likely]] {
      std::memcpy(&out, reinterpret_cast<const void *>(addr + slot.addend), 2);
      return true;
    }
    return fetchSlow(addr, out);
  }

  template <class T> bool load(uint64_t addr, T &out) {
    Softmmu::TlbEntry &slot = mmu_.entry(dataIndex_, addr);
    if (slot.tag[static_cast<unsigned>(AccessType::Read)] == Softmmu::fastTag(addr, sizeof(T)))
        [[likely]] {
      std::memcpy(&out, reinterpret_cast<const void *>(addr + slot.addend), sizeof(T));
      return true;
    }
    uint64_t value;
    if (!loadSlow(addr, sizeof(T), value))
      return false;
    out = static_cast<T>(value);
    return true;
  }

  template <class T> bool store(uint64_t addr, T value) {
    Softmmu::TlbEntry &slot = mmu_.entry(dataIndex_, addr);
    if (slot.tag[static_cast<unsigned>(AccessType::Write)] == Softmmu::fastTag(addr, sizeof(T)))
        [[likely]] {
      std::memcpy(reinterpret_cast<void *>(addr + slot.addend), &value, sizeof(T));
      return true;
    }
    return storeSlow(addr, sizeof(T), static_cast<uint64_t>(value));
  }

  template <class T> T *atomicPointer(uint64_t addr) {
    Softmmu::TlbEntry &slot = mmu_.entry(dataIndex_, addr);
    if (slot.tag[static_cast<unsigned>(AccessType::Write)] == Softmmu::fastTag(addr, sizeof(T)))
        [[likely]]
      return reinterpret_cast<T *>(addr + slot.addend);
    return reinterpret_cast<T *>(atomicSlow(addr, sizeof(T)));
  }

  bool csrRead(uint32_t number, uint64_t &out) { return csrs_.read(number, cpu, out); }
  bool csrWrite(uint32_t number, uint64_t value);

  bool fpEnabled() const { return csrs_.fpEnabled(); }
  void markFpDirty() { csrs_.markFpDirty(); }

  template <class Insn> ExecStatus executeMret(const Insn &insn) {
    if (!returnFromMachineTrap(cpu, csrs_))
      return raiseIllegal(cpu, insn);
    privilegeChanged();
    return ExecStatus::Resync;
  }
  template <class Insn> ExecStatus executeSret(const Insn &insn) {
    if (!returnFromSupervisorTrap(cpu, csrs_))
      return raiseIllegal(cpu, insn);
    privilegeChanged();
    return ExecStatus::Resync;
  }
  template <class Insn> ExecStatus executeWfi(const Insn &insn) {
    if (!wfiAllowed(cpu, csrs_))
      return raiseIllegal(cpu, insn);
    if (wfiWakeUp(csrs_))
      return ExecStatus::Continue;
    waiting_ = true;
    cpu.exitRequest.store(1, std::memory_order_release);
    cpu.pc = insn.nextPc();
    return ExecStatus::Resync;
  }
  // sfence.vma rs1, rs2: rs1 = x0 flushes every address, else the page of
  // x[rs1]; rs2 (the ASID) is ignored (softmmu.h).
  template <class Insn> ExecStatus executeSfenceVma(const Insn &insn) {
    if (!sfenceVmaAllowed(cpu, csrs_))
      return raiseIllegal(cpu, insn);
    if (insn.rs1 == 0)
      flushTranslations(0, true);
    else
      flushTranslations(readX(cpu, insn.rs1), false);
    cpu.pc = insn.nextPc();
    return ExecStatus::Resync;
  }

  // Key of decoded code (Interpreter: translation flags): the privilege,
  // and below M-mode satp's MODE and root page number.
  uint64_t translationFlags() const { return translationFlags_; }

  // ---- Run loop ----

  // Power-on state: M-mode at `resetPc`, CSRs reset, TLB empty, no
  // reservation, not waiting.
  void reset(uint64_t resetPc);

  // At a block boundary (cpu.pc = the next instruction): enters the handler
  // of the interrupt trap.h's selectInterrupt picks, if any.
  bool takePendingInterrupt();
  // After StopReason::Trap: enters the handler for cpu.trapCause/trapValue
  // with xepc = cpu.pc (the trapping instruction).
  void takeTrap();

  // wfi ran and no interrupt has woken the hart since.
  bool waitingForInterrupt() const { return waiting_; }
  // Sleeps until an interrupt is pending and enabled in mie, wake() is
  // called, or `timeout` passes. True when an interrupt woke the hart
  // (waitingForInterrupt() is then false).
  bool waitForInterrupt(std::chrono::nanoseconds timeout);
  // Ends a waitForInterrupt early (power off, reset, host signal).
  void wake();

  // The hart's MSIP, MTIP, MEIP and SEIP inputs (any thread).
  IrqLine &interruptLine(Interrupt interrupt);
  void setInterruptLevel(Interrupt interrupt, bool high);

  void setTranslationFlushHook(TranslationFlushHook hook) { flushHook_ = std::move(hook); }

  CsrFile &csrs() { return csrs_; }
  const CsrFile &csrs() const { return csrs_; }
  Softmmu &mmu() { return mmu_; }
  // The MMU state loads and stores use now.
  MmuIndex dataIndex() const { return dataIndex_; }
  MmuIndex fetchIndex() const { return fetchIndex_; }
  const MmuContext &mmuContext() const { return context_; }

private:
  class HartIrqLine : public IrqLine {
  public:
    HartIrqLine(SystemEnv &env, Interrupt interrupt) : env_(env), interrupt_(interrupt) {}
    void setLevel(bool high) override { env_.setInterruptLevel(interrupt_, high); }

  private:
    SystemEnv &env_;
    Interrupt interrupt_;
  };

  bool fetchSlow(uint64_t addr, uint16_t &out);
  bool loadSlow(uint64_t addr, unsigned size, uint64_t &value);
  bool storeSlow(uint64_t addr, unsigned size, uint64_t value);
  uint8_t *atomicSlow(uint64_t addr, unsigned size);
  void recordFault(const MemoryFault &fault);

  // Recomputes what depends on privilege, mstatus and satp (MMU indices,
  // context, translation flags) and raises cpu.exitRequest if an
  // interrupt has become takeable.
  void privilegeChanged();
  void flushTranslations(uint64_t vaddr, bool all);

  CsrFile csrs_;
  Softmmu mmu_;
  MmuIndex dataIndex_ = MmuIndex::Machine;
  MmuIndex fetchIndex_ = MmuIndex::Machine;
  MmuContext context_;
  uint64_t translationFlags_ = 0;
  bool waiting_ = false;
  TranslationFlushHook flushHook_;

  std::unique_ptr<HartIrqLine> lines_[4]; // MSIP, MTIP, SEIP, MEIP
  std::mutex waitMutex_;
  std::condition_variable waitCondition_;
  bool woken_ = false; // guarded by waitMutex_
};

static_assert(SemanticsEnv<SystemEnv>);

} // namespace tiercel
