// A SemanticsEnv for unit tests: a CpuState plus a small flat guest memory
// at a fixed guest address, with misaligned atomics and out-of-range
// accesses reported as the architecture says. Used by the data-driven
// instruction tests of every extension.
#pragma once

#include <cstring>
#include <map>
#include <vector>

#include "machine/semantics/common.h"

namespace tiercel::test {

class TestEnv {
public:
  static constexpr uint64_t kMemoryBase = 0x10000;
  static constexpr uint64_t kMemorySize = 0x10000;

  CpuState cpu{};
  std::vector<uint8_t> memory = std::vector<uint8_t>(kMemorySize);
  std::map<uint32_t, uint64_t> csrs; // CSRs other than fflags/frm/fcsr
  bool fpOn = true;
  bool fpDirty = false;
  unsigned csrReadCount = 0;  // env.csrRead calls, to check "does not read"
  unsigned csrWriteCount = 0; // env.csrWrite calls

  bool inRange(uint64_t addr, uint64_t size) const {
    return addr >= kMemoryBase && addr - kMemoryBase <= kMemorySize - size;
  }
  uint8_t *host(uint64_t addr) { return memory.data() + (addr - kMemoryBase); }

  bool fetchParcel(uint64_t addr, uint16_t &out) {
    if (!inRange(addr, 2)) {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::InstructionPageFault);
      cpu.trapValue = addr;
      return false;
    }
    std::memcpy(&out, host(addr), 2);
    return true;
  }
  template <class T> bool load(uint64_t addr, T &out) {
    if (!inRange(addr, sizeof(T))) {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::LoadPageFault);
      cpu.trapValue = addr;
      return false;
    }
    std::memcpy(&out, host(addr), sizeof(T));
    return true;
  }
  template <class T> bool store(uint64_t addr, T value) {
    if (!inRange(addr, sizeof(T))) {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::StorePageFault);
      cpu.trapValue = addr;
      return false;
    }
    std::memcpy(host(addr), &value, sizeof(T));
    return true;
  }
  template <class T> T *atomicPointer(uint64_t addr) {
    if (addr % sizeof(T) != 0) {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::StoreAddressMisaligned);
      cpu.trapValue = addr;
      return nullptr;
    }
    if (!inRange(addr, sizeof(T))) {
      cpu.trapCause = static_cast<uint64_t>(TrapCause::StorePageFault);
      cpu.trapValue = addr;
      return nullptr;
    }
    return reinterpret_cast<T *>(host(addr));
  }
  bool csrRead(uint32_t csr, uint64_t &out) {
    ++csrReadCount;
    auto it = csrs.find(csr);
    if (it == csrs.end())
      return false;
    out = it->second;
    return true;
  }
  bool csrWrite(uint32_t csr, uint64_t value) {
    ++csrWriteCount;
    auto it = csrs.find(csr);
    if (it == csrs.end())
      return false;
    it->second = value;
    return true;
  }
  bool fpEnabled() const { return fpOn; }
  void markFpDirty() { fpDirty = true; }
  ExecStatus executeMret(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeSret(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeWfi(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
  ExecStatus executeSfenceVma(const DecodedInstruction &insn) { return raiseIllegal(cpu, insn); }
};

static_assert(SemanticsEnv<TestEnv>);

} // namespace tiercel::test
