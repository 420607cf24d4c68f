// The architectural state of one hart, defined once. Generated code, the
// LLVM struct type and the state dumpers all take their offsets from here.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "machine/reservation.h"

namespace tiercel {

// Privilege levels as encoded in mstatus.MPP (privileged spec 1.2).
enum class Privilege : uint8_t { User = 0, Supervisor = 1, Machine = 3 };

// Exception causes (privileged spec table 3.6, mcause with interrupt bit 0).
enum class TrapCause : uint64_t {
  InstructionAddressMisaligned = 0,
  InstructionAccessFault = 1,
  IllegalInstruction = 2,
  Breakpoint = 3,
  LoadAddressMisaligned = 4,
  LoadAccessFault = 5,
  StoreAddressMisaligned = 6,
  StoreAccessFault = 7,
  EcallFromU = 8,
  EcallFromS = 9,
  EcallFromM = 11,
  InstructionPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
};

// "load page fault" etc., as table 3.6 names them, for the logs of both
// modes. Causes the table does not list are reserved.
constexpr const char *trapCauseName(uint64_t cause) {
  switch (static_cast<TrapCause>(cause)) {
  case TrapCause::InstructionAddressMisaligned: return "instruction address misaligned";
  case TrapCause::InstructionAccessFault: return "instruction access fault";
  case TrapCause::IllegalInstruction: return "illegal instruction";
  case TrapCause::Breakpoint: return "breakpoint";
  case TrapCause::LoadAddressMisaligned: return "load address misaligned";
  case TrapCause::LoadAccessFault: return "load access fault";
  case TrapCause::StoreAddressMisaligned: return "store/AMO address misaligned";
  case TrapCause::StoreAccessFault: return "store/AMO access fault";
  case TrapCause::EcallFromU: return "environment call from U-mode";
  case TrapCause::EcallFromS: return "environment call from S-mode";
  case TrapCause::EcallFromM: return "environment call from M-mode";
  case TrapCause::InstructionPageFault: return "instruction page fault";
  case TrapCause::LoadPageFault: return "load page fault";
  case TrapCause::StorePageFault: return "store/AMO page fault";
  }
  return "reserved";
}

// fflags bits (ISA spec 11.2).
enum FpFlags : uint8_t {
  kFlagInexact = 1 << 0,   // NX
  kFlagUnderflow = 1 << 1, // UF
  kFlagOverflow = 1 << 2,  // OF
  kFlagDivByZero = 1 << 3, // DZ
  kFlagInvalid = 1 << 4,   // NV
};

// Rounding modes (ISA spec table 11.1). 5 and 6 are reserved; 7 in an
// instruction selects the dynamic mode in frm.
enum RoundingMode : uint8_t {
  kRoundNearestEven = 0, // RNE
  kRoundTowardZero = 1,  // RTZ
  kRoundDown = 2,        // RDN
  kRoundUp = 3,          // RUP
  kRoundNearestMax = 4,  // RMM
  kRoundDynamic = 7,
};

struct CpuState {
  uint64_t x[32];      // integer registers; x[0] is kept zero
  uint64_t f[32];      // FP registers; single-precision values are NaN-boxed
  uint64_t pc;         // valid at block boundaries and on every trap
  uint8_t fflags;      // accrued exception flags (fcsr[4:0])
  uint8_t frm;         // dynamic rounding mode (fcsr[7:5])
  Privilege privilege;
  uint8_t reservationValid; // LR/SC reservation held (ISA spec 8.2)
  uint32_t padding0;
  uint64_t reservationAddress;
  uint64_t reservationValue; // value LR read; SC fails if memory no longer holds it
                             // (and see reservationGeneration below)

  // Set by a trapping instruction (semantics/trap.h): cause and tval.
  uint64_t trapCause;
  uint64_t trapValue;

  // Non-zero asks the hart to leave generated code at the next block entry
  // (asynchronous signal, timer, exit, interrupt). Written by other threads.
  std::atomic<uint32_t> exitRequest;
  uint32_t padding1;

  // Retired instruction count, maintained at block granularity by the tiers.
  uint64_t instret;

  // User mode: host address of guest address 0 (guest + base = host).
  uint8_t *memoryBase;

  // Tier 1: added to a counter's address so that each thread bumps its own
  // copy (jit/code_cache.h, "Per-thread data views"); 0 for the first.
  int64_t counterOffset;

  // LR/SC (machine/reservation.h): the generation table of the harts that
  // share memory with this one, and the generation LR recorded.
  uint64_t *reservationTable = processReservationTable.words;
  uint64_t reservationGeneration;
};

static_assert(offsetof(CpuState, x) == 0);
static_assert(offsetof(CpuState, f) == 256);
static_assert(offsetof(CpuState, pc) == 512);
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));

} // namespace tiercel
