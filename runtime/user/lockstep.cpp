// The lockstep checker (see lockstep.h).
#include "runtime/user/lockstep.h"

#include <cinttypes>
#include <cstdlib>
#include <cstring>

#include "machine/interpreter/cpu_log.h"
#include "machine/semantics/fetch.h"
#include "machine/isa/disassembler.h"
#include "machine/semantics/semantics.h"

namespace tiercel::user {

// The reference's environment: the user-mode environment on the shadow
// state, with every store logged (old and new bytes) so it can be undone.
struct LockstepChecker::ReferenceEnv {
  CpuState &cpu;
  UserEnv &real;
  std::vector<StoreRecord> &stores;

  UserMemory memory() { return UserMemory{cpu, cpu.memoryBase}; }
  template <class T> bool load(uint64_t addr, T &out) { return memory().load(addr, out); }
  template <class T> bool store(uint64_t addr, T value) {
    if (addr < kUserAddressLimit)
      remember(addr, sizeof(T));
    return memory().store(addr, value);
  }
  template <class T> T *atomicPointer(uint64_t addr) {
    T *pointer = memory().template atomicPointer<T>(addr);
    if (pointer != nullptr)
      remember(addr, sizeof(T));
    return pointer;
  }
  void remember(uint64_t addr, size_t size) {
    StoreRecord record{};
    record.address = addr;
    record.size = static_cast<uint8_t>(size);
    std::memcpy(record.before, cpu.memoryBase + addr, size);
    stores.push_back(record);
  }
  bool csrRead(uint32_t csr, uint64_t &out) {
    // The counters read the shadow's instret, like the real env reads its own.
    if (csr == kCsrCycle || csr == kCsrInstret) {
      out = cpu.instret;
      return true;
    }
    return real.csrRead(csr, out);
  }
  bool csrWrite(uint32_t csr, uint64_t value) { return real.csrWrite(csr, value); }
  bool fpEnabled() const { return true; }
  void markFpDirty() {}
  ExecStatus executeMret(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeSret(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeWfi(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeSfenceVma(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
};

LockstepChecker::LockstepChecker(UserEnv &env, FILE *report) : env_(env), report_(report) {
  if (const char *inject = std::getenv("TIERCEL_LOCKSTEP_INJECT"))
    injectAt_ = std::strtoull(inject, nullptr, 10);
}

bool LockstepChecker::prepare() {
  CpuState &cpu = env_.cpu;
  auto &shadow = *reinterpret_cast<CpuState *>(shadowStorage_);
  std::memcpy(static_cast<void *>(&shadow), static_cast<const void *>(&cpu), sizeof(CpuState));
  pc_ = cpu.pc;
  stores_.clear();
  uint64_t savedCause = cpu.trapCause, savedValue = cpu.trapValue;
  bool fetched = fetchInstruction(env_, pc_, insn_);
  cpu.trapCause = savedCause; // a failed fetch is tier 1's to report
  cpu.trapValue = savedValue;
  if (!fetched)
    return false;
  skipRd_ = hasFlag(insn_.opcode, kCsr) && (insn_.imm & 0xfff) == kCsrTime;
  shadow.reservationTable = referenceReservations_->words;
  uint64_t atomicAddress = cpu.x[insn_.rs1];
  *reservationSlot(shadow.reservationTable, atomicAddress) =
      __atomic_load_n(reservationSlot(cpu.reservationTable, atomicAddress), __ATOMIC_RELAXED);

  ReferenceEnv reference{shadow, env_, stores_};
  ExecStatus status = execFunctionFor<ReferenceEnv>(insn_.opcode)(reference, insn_);
  trapped_ = status == ExecStatus::Trap;
  switch (status) {
  case ExecStatus::Continue: shadow.pc = insn_.nextPc(); [[fallthrough]];
  case ExecStatus::Jump:
  case ExecStatus::FlushCode:
  case ExecStatus::Resync: ++shadow.instret; break;
  case ExecStatus::Trap: break;
  }
  // Keep what the reference stored, then put memory back for tier 1.
  for (StoreRecord &record : stores_)
    std::memcpy(record.after, cpu.memoryBase + record.address, record.size);
  for (auto it = stores_.rbegin(); it != stores_.rend(); ++it)
    std::memcpy(cpu.memoryBase + it->address, it->before, it->size);
  return true;
}

void LockstepChecker::check() {
  CpuState &cpu = env_.cpu;
  const auto &shadow = *reinterpret_cast<const CpuState *>(shadowStorage_);
  ++checked_;
  if (checked_ == injectAt_)
    cpu.x[1] ^= 1;
  for (unsigned i = 1; i < 32; ++i)
    if (cpu.x[i] != shadow.x[i] && !(skipRd_ && i == insn_.rd))
      diverged("x registers");
  for (unsigned i = 0; i < 32; ++i)
    if (cpu.f[i] != shadow.f[i])
      diverged("f registers");
  if (cpu.pc != shadow.pc)
    diverged("pc");
  if (cpu.fflags != shadow.fflags || cpu.frm != shadow.frm)
    diverged("fcsr");
  if (cpu.reservationValid != shadow.reservationValid ||
      (cpu.reservationValid && (cpu.reservationAddress != shadow.reservationAddress ||
                                cpu.reservationValue != shadow.reservationValue ||
                                cpu.reservationGeneration != shadow.reservationGeneration)))
    diverged("LR/SC reservation");
  if (cpu.instret != shadow.instret)
    diverged("instret");
  if (trapped_ && (cpu.trapCause != shadow.trapCause || cpu.trapValue != shadow.trapValue))
    diverged("trap cause or value");
  for (const StoreRecord &record : stores_)
    if (std::memcmp(cpu.memoryBase + record.address, record.after, record.size) != 0)
      diverged("memory written");
}

void LockstepChecker::diverged(const char *what) {
  const CpuState &cpu = env_.cpu;
  const auto &shadow = *reinterpret_cast<const CpuState *>(shadowStorage_);
  std::fprintf(report_,
               "tiercel-riscv64: lockstep: tier 1 diverges from the reference in %s after "
               "%" PRIu64 " instructions\n%s\n",
               what, checked_, formatInstructionLine(insn_, DisassemblyOptions{}).c_str());
  for (const StoreRecord &record : stores_) {
    uint64_t reference = 0, tier1 = 0;
    std::memcpy(&reference, record.after, record.size);
    std::memcpy(&tier1, cpu.memoryBase + record.address, record.size);
    std::fprintf(report_, "  store of %u bytes at 0x%" PRIx64 ": reference 0x%" PRIx64
                          ", tier 1 0x%" PRIx64 "\n",
                 record.size, record.address, reference, tier1);
  }
  std::fprintf(report_, "reference state:\n");
  logCpuState(report_, shadow);
  std::fprintf(report_, "tier-1 state:\n");
  logCpuState(report_, cpu);
  std::fprintf(report_, "  trap cause/value: reference %" PRIu64 "/0x%" PRIx64
                        ", tier 1 %" PRIu64 "/0x%" PRIx64 "; instret reference %" PRIu64
                        ", tier 1 %" PRIu64 "\n",
               shadow.trapCause, shadow.trapValue, cpu.trapCause, cpu.trapValue, shadow.instret,
               cpu.instret);
  std::fflush(report_);
  std::_Exit(125);
}

} // namespace tiercel::user
