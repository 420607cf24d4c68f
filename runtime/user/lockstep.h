// --lockstep: tier 1 checked against the reference semantics one guest
// instruction at a time. Tier 1 then translates one instruction per block
// with chaining off; before each block runs, the reference (the
// interpreter's semantics, compiled for the user-mode environment) executes
// the same instruction on a copy of the CPU state, logging every byte it
// stores; the stores are undone, the tier-1 block runs on the real state,
// and the two results are compared: every register, pc, fcsr, the LR/SC
// reservation, instret, the trap cause and value, and the bytes the
// reference stored. The first divergence is printed (pc, instruction, both
// states) and ends the process with status 125.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "machine/cpu_state.h"
#include "machine/isa/decoded_instruction.h"
#include "runtime/user/user_env.h"

namespace tiercel::user {

class LockstepChecker {
public:
  // TIERCEL_LOCKSTEP_INJECT=N in the environment flips a bit of x1 in
  // tier 1's state after the N-th instruction: a self-test proving that the
  // checker reports a divergence (tests/e2e).
  LockstepChecker(UserEnv &env, FILE *report);

  // Runs the reference on a copy of the state for the instruction at
  // cpu.pc and leaves memory as it was. Returns false when the instruction
  // cannot be fetched (tier 1 raises that fault itself; nothing to compare).
  bool prepare();
  // Compares tier 1's result (env.cpu now) with the reference's; on a
  // divergence reports it and exits.
  void check();

  // The instruction being checked, for host faults inside the reference.
  uint64_t currentPc() const { return pc_; }
  uint64_t instructionsChecked() const { return checked_; }

private:
  struct StoreRecord {
    uint64_t address;
    uint8_t size;
    uint8_t before[8];
    uint8_t after[8];
  };
  struct ReferenceEnv;
  [[noreturn]] void diverged(const char *what);

  UserEnv &env_;
  FILE *report_;
  alignas(CpuState) unsigned char shadowStorage_[sizeof(CpuState)];
  DecodedInstruction insn_;
  uint64_t pc_ = 0;
  bool skipRd_ = false;  // the instruction reads the clock (rdtime)
  bool trapped_ = false; // the reference trapped
  std::vector<StoreRecord> stores_;
  // The reference's reservation generations (machine/reservation.h): its SC
  // or AMO moves a slot here, not in the table tier 1 then uses. Primed
  // with the slot of x[rs1] before each instruction.
  std::unique_ptr<ReservationTable> referenceReservations_ = std::make_unique<ReservationTable>();
  uint64_t checked_ = 0;
  uint64_t injectAt_ = 0; // 0: never
};

} // namespace tiercel::user
