// Reservation generations: what lets SC fail after another hart wrote to the
// reservation set, even when the value written back is the one LR read (the
// ABA case a plain compare-exchange on the value cannot see). ISA spec 8.2.
// Used by machine/semantics/atomic.h.
//
// One 64-bit generation per slot of a process-wide table, a slot per 64-byte
// line of guest memory (the reservation granule) hashed by line number. The
// low bit is a lock:
//   LR   waits until its slot is unlocked, records the even generation, then
//        reads memory.
//   SC   locks the slot only if it still holds the recorded generation (one
//        compare-exchange: lock and check together), compare-exchanges the
//        value, and unlocks with generation + 2 if it stored (else as it was).
//   AMO  locks the slot whatever it holds, does its host atomic, and unlocks
//        with generation + 2.
// So between an LR and its SC, any SC or AMO of another hart to the same line
// (or to a line of the same slot: a spurious failure, which the spec allows)
// moves the generation and the SC fails; a plain store that changes the value
// makes the value compare-exchange fail. What is left: plain stores that
// write a value and then the old value back between LR and SC are not seen
// (they would need every store instrumented). Reservations are per process:
// memory shared between guest processes (MAP_SHARED, fork) has its value
// compare-exchange only.
//
// The table is reached through CpuState::reservationTable (cpu_state.h), so
// generated code needs no external symbol: the interpreter, the tier-1
// stencils and the tier-2 bitcode all compile the code below unchanged.
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace tiercel {

inline constexpr unsigned kReservationLineBits = 6; // 64-byte reservation granule
inline constexpr uint64_t kReservationSlots = 4096;
// Slots one host cache line apart, so harts on different slots never share
// a line of the table.
inline constexpr uint64_t kReservationSlotStride = 64 / sizeof(uint64_t);

struct alignas(64) ReservationTable {
  uint64_t words[kReservationSlots * kReservationSlotStride];
};

// The table every hart of this process uses (zero-initialised: all slots at
// generation 0, unlocked).
inline ReservationTable processReservationTable;

// The generation word of the slot of `address` in `table`.
[[gnu::always_inline]] inline uint64_t *reservationSlot(uint64_t *table, uint64_t address) {
  return table + ((address >> kReservationLineBits) % kReservationSlots) * kReservationSlotStride;
}

[[gnu::always_inline]] inline void reservationSpinPause() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// LR: the slot's generation once no SC or AMO holds it (even).
[[gnu::always_inline]] inline uint64_t reservationGeneration(uint64_t *slot) {
  uint64_t generation = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  while ((generation & 1) != 0) {
    reservationSpinPause();
    generation = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  }
  return generation;
}

// SC: locks the slot if it still holds `generation`; false if any SC or AMO
// has been through it since (or holds it now).
[[gnu::always_inline]] inline bool reservationLockIfUnchanged(uint64_t *slot, uint64_t generation) {
  uint64_t expected = generation;
  return __atomic_compare_exchange_n(slot, &expected, generation + 1, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}

// AMO: locks the slot whatever its generation; returns that generation.
[[gnu::always_inline]] inline uint64_t reservationLock(uint64_t *slot) {
  for (;;) {
    uint64_t generation = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if ((generation & 1) == 0 &&
        __atomic_compare_exchange_n(slot, &generation, generation + 1, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED))
      return generation;
    reservationSpinPause();
  }
}

// Unlocks a slot locked at `generation`: + 2 when memory changed (every
// reservation of the line breaks), unchanged when it did not.
[[gnu::always_inline]] inline void reservationUnlock(uint64_t *slot, uint64_t generation,
                                                     bool changed) {
  __atomic_store_n(slot, generation + (changed ? 2 : 0), __ATOMIC_RELEASE);
}

} // namespace tiercel
