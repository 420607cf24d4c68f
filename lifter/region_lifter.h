// Lifts a region (region.h) to one LLVM function over the semantics
// bitcode (semantics_bitcode.cpp): a call per guest instruction to its
// tiercel_sem_<Name> function, with constant operands, which LLVM inlines.
//
// The function has the tier-1 block signature and convention
// (jit/stencils/stencil_abi.h: preserve_none, CPU state and memory base as
// the first two arguments, an exit word returned), so the dispatcher enters
// it like a block and it can tail-call tier-1 blocks and other regions.
//
// - Guest state lives in a private copy of the CpuState (an alloca), loaded
//   at entry; LLVM's SROA turns its fields into SSA values, so guest
//   registers stay in host registers across the region. Only the fields the
//   region can write are stored back, at each exit. The private copy cannot
//   alias guest memory (both arguments are noalias), which is what lets
//   loads and stores of the guest move freely around register values.
// - Blocks of the region are basic blocks; edges between them are branches
//   (with the tier-1 edge counts as branch_weights); a jalr first compares
//   its target with its hot targets that are in the region.
// - Every other edge leaves: state written back, cpu.pc set, then a probe
//   of the per-hart jump cache (a tail call to the block found) or a return
//   to the dispatcher with ExitCode::Resync.
// - Exit requests are checked at each block entry, as in tier 1.
// - Instructions that need the full environment (CSRs) call the runtime's
//   helper as tier 1's CallSemantics does, with the state synced around.
// - Precise state for host faults: before each guest memory access the
//   region stores the instruction's pc to cpu.pc (volatile); with
//   `preciseFaults` it also stores every register it has changed and the
//   exact instret, so a guest SIGSEGV handler sees exact state.
#pragma once

#include <memory>
#include <string>

#include "lifter/region.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

namespace tiercel::lifter {

struct LiftOptions {
  bool branchWeights = true;     // --fdo-branch-weights: tier-1 edge counts as branch_weights
  bool speculateIndirect = true; // --fdo-indirect: hot jalr targets in the region as guarded jumps
  bool predictReturns = true;    // --fdo-returns: a jalr tries the region's return sites
  bool preciseFaults = false;    // sync registers before every guest memory access
  const void *jumpCache = nullptr;     // JumpCacheEntry[kJumpCacheEntries]
  const void *helper = nullptr;        // tiercel_jit_execute_instruction
};

// The embedded semantics bitcode (semantics_bitcode.cmake).
llvm::MemoryBufferRef semanticsBitcode();

// Builds the module holding `functionName`, in `context`. The region must
// stay alive as long as the code (helper calls point at its instructions).
llvm::Expected<std::unique_ptr<llvm::Module>> liftRegion(llvm::LLVMContext &context,
                                                         const Region &region,
                                                         const LiftOptions &options,
                                                         const std::string &functionName);

} // namespace tiercel::lifter
