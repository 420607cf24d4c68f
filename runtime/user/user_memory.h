// Guest memory access in Linux user mode, shared by the interpreter's
// UserEnv and the tier-1 stencils so both tiers implement it once: guest
// memory is the host reservation (guest + base = host), so an access is a
// range check against the Sv39 user limit plus one host access. Unmapped or
// protected pages fault on the host and become a guest SIGSEGV through the
// host fault handler; only addresses at or above the limit are caught here.
// Misaligned plain accesses are performed (Linux emulates them for user
// programs); misaligned atomics are a SIGBUS (store address misaligned).
#pragma once

#include <cstdint>
#include <cstring>

#include "machine/cpu_state.h"

namespace tiercel::user {

// Linux riscv64 Sv39 TASK_SIZE (AddressSpace::kGuestSize).
inline constexpr uint64_t kUserAddressLimit = uint64_t{1} << 38;

struct UserMemory {
  CpuState &cpu;
  uint8_t *base;

  template <class T> [[gnu::always_inline]] bool load(uint64_t addr, T &out) {
    if (addr >= kUserAddressLimit) [[unlikely]] {
      recordFault(TrapCause::LoadPageFault, addr);
      return false;
    }
    std::memcpy(&out, base + addr, sizeof(T));
    return true;
  }
  template <class T> [[gnu::always_inline]] bool store(uint64_t addr, T value) {
    if (addr >= kUserAddressLimit) [[unlikely]] {
      recordFault(TrapCause::StorePageFault, addr);
      return false;
    }
    std::memcpy(base + addr, &value, sizeof(T));
    return true;
  }
  template <class T> [[gnu::always_inline]] T *atomicPointer(uint64_t addr) {
    if (addr % sizeof(T) != 0) [[unlikely]] {
      recordFault(TrapCause::StoreAddressMisaligned, addr);
      return nullptr;
    }
    if (addr >= kUserAddressLimit) [[unlikely]] {
      recordFault(TrapCause::StorePageFault, addr);
      return nullptr;
    }
    return reinterpret_cast<T *>(base + addr);
  }
  [[gnu::always_inline]] void recordFault(TrapCause cause, uint64_t addr) {
    cpu.trapCause = static_cast<uint64_t>(cause);
    cpu.trapValue = addr;
  }
};

} // namespace tiercel::user
