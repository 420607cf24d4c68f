// The SemanticsEnv of Linux user mode (machine/semantics/common.h): guest
// memory is the host reservation (guest + base = host), so a load or store
// is a range check against the Sv39 user limit plus one host access. An
// access to an unmapped or protected page faults on the host and is turned
// into a guest SIGSEGV by the host fault handler (host_signals.h); only
// addresses at or above the limit are caught here. Misaligned plain
// accesses are allowed (Linux emulates them for user programs); misaligned
// atomics are a SIGBUS. Instruction fetch checks the guest's exec
// permission. The only CSRs are the unprivileged counters (privileged spec
// 2.2 / ISA spec "Zicntr"): cycle, time (10 MHz, the virt board's
// timebase) and instret. Extensions switched off with -cpu decode as
// illegal (instructionEnabled, consulted by the interpreter at decode time).
#pragma once

#include <time.h>

#include <cstdint>
#include <cstring>

#include "machine/semantics/common.h"
#include "runtime/user/address_space.h"
#include "runtime/user/process.h"

namespace tiercel::user {

inline constexpr uint32_t kCsrCycle = 0xc00;
inline constexpr uint32_t kCsrTime = 0xc01;
inline constexpr uint32_t kCsrInstret = 0xc02;
inline constexpr uint64_t kTimebaseHz = 10'000'000;

class UserEnv {
public:
  UserEnv(CpuState &cpu, const AddressSpace &space, const CpuExtensions &extensions = {})
      : cpu(cpu), space_(space), base_(space.base()), extensions_(extensions),
        allEnabled_(extensions.c && extensions.zba && extensions.zbb && extensions.zbs) {
    cpu.memoryBase = base_;
  }

  CpuState &cpu;

  bool fetchParcel(uint64_t addr, uint16_t &out) {
    // Translation time only: cache the last executable range.
    if (addr < execStart_ || addr + 2 > execEnd_) {
      if (!space_.isExecutable(addr, 2)) {
        recordFault(TrapCause::InstructionPageFault, addr);
        return false;
      }
      uint64_t page = addr & ~(AddressSpace::kPageSize - 1);
      execStart_ = page;
      execEnd_ = page + AddressSpace::kPageSize;
      if (addr + 2 > execEnd_) { // the parcel straddles two pages, both executable
        execStart_ = execEnd_ = 0;
      }
    }
    std::memcpy(&out, base_ + addr, 2);
    return true;
  }
  // Decode-time check: compressed encodings need C, the bit-manipulation
  // instructions their Zb* extension.
  bool instructionEnabled(const DecodedInstruction &insn) const {
    if (allEnabled_) [[likely]]
      return true;
    if (insn.length == 2 && !extensions_.c)
      return false;
    switch (specOf(insn.opcode).extension) {
    case Extension::Zba: return extensions_.zba;
    case Extension::Zbb: return extensions_.zbb;
    case Extension::Zbs: return extensions_.zbs;
    default: return true;
    }
  }

  // Forgets the fetch permission cache (after munmap/mprotect).
  void resetFetchCache() { execStart_ = execEnd_ = 0; }

  template <class T> bool load(uint64_t addr, T &out) {
    if (addr >= AddressSpace::kGuestSize) [[unlikely]] {
      recordFault(TrapCause::LoadPageFault, addr);
      return false;
    }
    std::memcpy(&out, base_ + addr, sizeof(T));
    return true;
  }
  template <class T> bool store(uint64_t addr, T value) {
    if (addr >= AddressSpace::kGuestSize) [[unlikely]] {
      recordFault(TrapCause::StorePageFault, addr);
      return false;
    }
    std::memcpy(base_ + addr, &value, sizeof(T));
    return true;
  }
  template <class T> T *atomicPointer(uint64_t addr) {
    if (addr % sizeof(T) != 0) [[unlikely]] {
      recordFault(TrapCause::StoreAddressMisaligned, addr);
      return nullptr;
    }
    if (addr >= AddressSpace::kGuestSize) [[unlikely]] {
      recordFault(TrapCause::StorePageFault, addr);
      return nullptr;
    }
    return reinterpret_cast<T *>(base_ + addr);
  }

  bool csrRead(uint32_t csr, uint64_t &out) {
    switch (csr) {
    case kCsrCycle:
    case kCsrInstret:
      // One cycle per instruction: a deterministic cycle counter.
      out = cpu.instret;
      return true;
    case kCsrTime: {
      timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      out = uint64_t(now.tv_sec) * kTimebaseHz +
            uint64_t(now.tv_nsec) / (1'000'000'000 / kTimebaseHz);
      return true;
    }
    default: return false;
    }
  }
  // The counters are read-only in U-mode; nothing else exists.
  bool csrWrite(uint32_t, uint64_t) { return false; }

  bool fpEnabled() const { return true; }
  void markFpDirty() {}

  ExecStatus executeMret(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeSret(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeWfi(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeSfenceVma(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }

private:
  void recordFault(TrapCause cause, uint64_t addr) {
    cpu.trapCause = static_cast<uint64_t>(cause);
    cpu.trapValue = addr;
  }

  const AddressSpace &space_;
  uint8_t *base_;
  CpuExtensions extensions_;
  bool allEnabled_;
  uint64_t execStart_ = 0;
  uint64_t execEnd_ = 0;
};

static_assert(SemanticsEnv<UserEnv>);

} // namespace tiercel::user
