// A extension: LR/SC and AMOs (ISA spec chapter 8).
//
// LR/SC use a real reservation kept in CpuState: LR records the address, the
// access width (in reservationValid, 0 = no reservation), the value it read
// and the generation of the line's reservation slot (machine/reservation.h).
// SC succeeds only if the reservation is held for the same address and
// width, the slot still holds that generation (no SC or AMO of any hart has
// written the line since: no ABA), and an atomic compare-exchange from the
// reserved value to the new value succeeds (no plain store changed it). SC
// always clears the reservation (ISA spec 8.2).
//
// AMOs are single host atomic read-modify-writes on env.atomicPointer with a
// memory order taken from aq/rl (ISA spec 8.4), done with the line's slot
// locked so that they move its generation. Misaligned LR raises a load
// address-misaligned exception, misaligned SC/AMO a store/AMO one (ISA spec
// 8.1, privileged spec 3.7: AMOs raise store/AMO exceptions).
#pragma once

#include <cstdint>
#include <type_traits>

#include "machine/semantics/alu.h"

namespace tiercel {

// aq/rl of an LR/SC/AMO as a C++ memory order (insn.rm bit 1 = aq, bit 0 = rl).
template <class Insn>
TIERCEL_SEMANTICS int atomicOrdering(const Insn &insn) {
  switch (insn.rm & 3) {
  case 0: return __ATOMIC_RELAXED;
  case 1: return __ATOMIC_RELEASE;
  case 2: return __ATOMIC_ACQUIRE;
  default: return __ATOMIC_SEQ_CST;
  }
}

// Calls `body` with the memory order of insn as a compile-time constant, so
// each __atomic builtin below is emitted with a fixed order.
template <class Body, class Insn>
TIERCEL_SEMANTICS auto withAtomicOrdering(const Insn &insn, Body body) {
  switch (insn.rm & 3) {
  case 0: return body(std::integral_constant<int, __ATOMIC_RELAXED>{});
  case 1: return body(std::integral_constant<int, __ATOMIC_RELEASE>{});
  case 2: return body(std::integral_constant<int, __ATOMIC_ACQUIRE>{});
  default: return body(std::integral_constant<int, __ATOMIC_SEQ_CST>{});
  }
}

// The failure order of a compare-exchange may not contain a release part.
constexpr int compareExchangeFailureOrder(int order) {
  return order == __ATOMIC_SEQ_CST                                ? __ATOMIC_SEQ_CST
         : order == __ATOMIC_ACQUIRE || order == __ATOMIC_ACQ_REL ? __ATOMIC_ACQUIRE
                                                                  : __ATOMIC_RELAXED;
}

// A 32-bit memory value widened to a register: every .W result is
// sign-extended (ISA spec 8.4).
template <class T> TIERCEL_SEMANTICS uint64_t atomicResult(T value) {
  if constexpr (sizeof(T) == 4)
    return signExtend32(static_cast<uint32_t>(value));
  else
    return static_cast<uint64_t>(value);
}

// ---- LR/SC (ISA spec 8.2) ----

template <class T, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus loadReserved(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint64_t address = readX(cpu, insn.rs1);
  if (address % sizeof(T) != 0) [[unlikely]]
    return raiseTrap(cpu, insn, TrapCause::LoadAddressMisaligned, address);
  // LR.aqrl orders earlier accesses too (ISA spec 8.2: rl only with aq).
  if ((insn.rm & 1) != 0)
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
  // An aligned load of T is single-copy atomic; LR is a load for faults.
  // The generation is read before the value (acquire): a write by an SC or
  // AMO that the value read misses moves it later.
  uint64_t generation = reservationGeneration(reservationSlot(cpu.reservationTable, address));
  T value;
  if (!env.template load<T>(address, value)) [[unlikely]]
    return trapRecorded(cpu, insn);
  if ((insn.rm & 2) != 0)
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
  cpu.reservationValid = sizeof(T);
  cpu.reservationAddress = address;
  cpu.reservationValue = value;
  cpu.reservationGeneration = generation;
  writeX(cpu, insn.rd, atomicResult(value));
  return ExecStatus::Continue;
}

template <class T, class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus storeConditional(Env &env, const Insn &insn) {
  CpuState &cpu = env.cpu;
  uint64_t address = readX(cpu, insn.rs1);
  if (address % sizeof(T) != 0) [[unlikely]]
    return raiseTrap(cpu, insn, TrapCause::StoreAddressMisaligned, address);
  bool reserved = cpu.reservationValid == sizeof(T) && cpu.reservationAddress == address;
  cpu.reservationValid = 0;
  if (!reserved) {
    // Fails without touching memory; rd = non-zero failure code 1.
    writeX(cpu, insn.rd, 1);
    return ExecStatus::Continue;
  }
  T *pointer = env.template atomicPointer<T>(address);
  if (pointer == nullptr) [[unlikely]]
    return trapRecorded(cpu, insn);
  uint64_t *slot = reservationSlot(cpu.reservationTable, address);
  uint64_t generation = cpu.reservationGeneration;
  if (!reservationLockIfUnchanged(slot, generation)) {
    writeX(cpu, insn.rd, 1); // another hart's SC or AMO wrote the line
    return ExecStatus::Continue;
  }
  T expected = static_cast<T>(cpu.reservationValue);
  T desired = static_cast<T>(readX(cpu, insn.rs2));
  bool stored = withAtomicOrdering(insn, [&](auto order) {
    return __atomic_compare_exchange_n(pointer, &expected, desired, false, order.value,
                                       compareExchangeFailureOrder(order.value));
  });
  reservationUnlock(slot, generation, stored);
  writeX(cpu, insn.rd, stored ? 0 : 1);
  return ExecStatus::Continue;
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execLrW(Env &env, const Insn &insn) {
  return loadReserved<uint32_t>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execLrD(Env &env, const Insn &insn) {
  return loadReserved<uint64_t>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execScW(Env &env, const Insn &insn) {
  return storeConditional<uint32_t>(env, insn);
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execScD(Env &env, const Insn &insn) {
  return storeConditional<uint64_t>(env, insn);
}

// ---- AMOs (ISA spec 8.4) ----

// rd = old memory value; memory = op(old, x[rs2]), atomically. `T` is the
// memory type (signed for amomin/amomax so the builtins compare signed).
template <class T, class Env, class Op, class Insn>
TIERCEL_SEMANTICS ExecStatus atomicMemoryOperation(Env &env, const Insn &insn,
                                                   Op op) {
  using Unsigned = std::make_unsigned_t<T>;
  CpuState &cpu = env.cpu;
  uint64_t address = readX(cpu, insn.rs1);
  if (address % sizeof(T) != 0) [[unlikely]]
    return raiseTrap(cpu, insn, TrapCause::StoreAddressMisaligned, address);
  Unsigned *pointer = env.template atomicPointer<Unsigned>(address);
  if (pointer == nullptr) [[unlikely]]
    return trapRecorded(cpu, insn);
  T operand = static_cast<T>(readX(cpu, insn.rs2));
  uint64_t *slot = reservationSlot(cpu.reservationTable, address);
  uint64_t generation = reservationLock(slot);
  T old = withAtomicOrdering(
      insn, [&](auto order) { return op(reinterpret_cast<T *>(pointer), operand, order.value); });
  reservationUnlock(slot, generation, true);
  writeX(cpu, insn.rd, atomicResult(static_cast<Unsigned>(old)));
  return ExecStatus::Continue;
}

// The operations, over a pointer to the memory type.
struct AmoSwap {
  template <class T> TIERCEL_SEMANTICS T operator()(T *p, T v, int order) const {
    return __atomic_exchange_n(p, v, order);
  }
};
struct AmoAdd {
  template <class T> TIERCEL_SEMANTICS T operator()(T *p, T v, int order) const {
    return __atomic_fetch_add(p, v, order);
  }
};
struct AmoXor {
  template <class T> TIERCEL_SEMANTICS T operator()(T *p, T v, int order) const {
    return __atomic_fetch_xor(p, v, order);
  }
};
struct AmoAnd {
  template <class T> TIERCEL_SEMANTICS T operator()(T *p, T v, int order) const {
    return __atomic_fetch_and(p, v, order);
  }
};
struct AmoOr {
  template <class T> TIERCEL_SEMANTICS T operator()(T *p, T v, int order) const {
    return __atomic_fetch_or(p, v, order);
  }
};
// clang's __atomic_fetch_min/max compare signed or unsigned by the pointee type.
struct AmoMin {
  template <class T> TIERCEL_SEMANTICS T operator()(T *p, T v, int order) const {
    return __atomic_fetch_min(p, v, order);
  }
};
struct AmoMax {
  template <class T> TIERCEL_SEMANTICS T operator()(T *p, T v, int order) const {
    return __atomic_fetch_max(p, v, order);
  }
};

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoswapW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint32_t>(env, insn, AmoSwap{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoaddW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint32_t>(env, insn, AmoAdd{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoxorW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint32_t>(env, insn, AmoXor{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoandW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint32_t>(env, insn, AmoAnd{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoorW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint32_t>(env, insn, AmoOr{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmominW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<int32_t>(env, insn, AmoMin{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmomaxW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<int32_t>(env, insn, AmoMax{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmominuW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint32_t>(env, insn, AmoMin{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmomaxuW(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint32_t>(env, insn, AmoMax{});
}

template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoswapD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint64_t>(env, insn, AmoSwap{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoaddD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint64_t>(env, insn, AmoAdd{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoxorD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint64_t>(env, insn, AmoXor{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoandD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint64_t>(env, insn, AmoAnd{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmoorD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint64_t>(env, insn, AmoOr{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmominD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<int64_t>(env, insn, AmoMin{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmomaxD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<int64_t>(env, insn, AmoMax{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmominuD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint64_t>(env, insn, AmoMin{});
}
template <class Env, class Insn>
TIERCEL_SEMANTICS ExecStatus execAmomaxuD(Env &env, const Insn &insn) {
  return atomicMemoryOperation<uint64_t>(env, insn, AmoMax{});
}

} // namespace tiercel
