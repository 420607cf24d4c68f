// The SemanticsEnv of Linux user mode (machine/semantics/common.h). Guest
// memory goes through UserMemory (user_memory.h), shared with the tier-1
// stencils. Instruction fetch checks the guest's exec
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
#include "runtime/user/user_memory.h"

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

  // Guest memory: the same code the tier-1 stencils run (user_memory.h).
  template <class T> bool load(uint64_t addr, T &out) { return memory().load(addr, out); }
  template <class T> bool store(uint64_t addr, T value) { return memory().store(addr, value); }
  template <class T> T *atomicPointer(uint64_t addr) { return memory().template atomicPointer<T>(addr); }

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
  UserMemory memory() { return UserMemory{cpu, base_}; }
  void recordFault(TrapCause cause, uint64_t addr) { memory().recordFault(cause, addr); }

  const AddressSpace &space_;
  uint8_t *base_;
  CpuExtensions extensions_;
  bool allEnabled_;
  uint64_t execStart_ = 0;
  uint64_t execEnd_ = 0;
};

static_assert(SemanticsEnv<UserEnv>);
static_assert(kUserAddressLimit == AddressSpace::kGuestSize);

} // namespace tiercel::user
