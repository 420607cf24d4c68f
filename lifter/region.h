// A region: the unit tier 2 compiles. Several guest blocks with their
// decoded instructions and the tier-1 profile of each (execution count,
// edge counts, jalr targets), formed by the runtime (runtime/user/
// region_former.h) and lifted to one LLVM function (region_lifter.h).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "machine/isa/decoded_instruction.h"
#include "machine/isa/instruction_table.h"

namespace tiercel::lifter {

struct RegionBlock {
  uint64_t pc = 0;
  uint64_t endPc = 0;      // first byte after the last instruction
  bool terminated = false; // the last instruction ends the block; else it falls through to endPc
  std::vector<DecodedInstruction> instructions;
  // Tier-1 profile. A conditional branch's edges are `taken` and
  // `fallThrough`; a block with one successor counts it in `taken`.
  uint64_t executions = 0;
  uint64_t taken = 0;
  uint64_t fallThrough = 0;
  std::vector<std::pair<uint64_t, uint64_t>> indirectTargets; // jalr: (target pc, count)
};

// Where control goes after a block, as far as its code says without running
// it: both edges of a conditional branch, a jal's target, the next pc of a
// block cut short. None for jalr, and none after ecall, ebreak, fence.i or
// a privileged instruction, which always leave the region.
inline std::vector<uint64_t> directSuccessors(const RegionBlock &block) {
  if (!block.terminated)
    return {block.endPc};
  const DecodedInstruction &end = block.instructions.back();
  if (hasFlag(end.opcode, kConditionalBranch))
    return {end.pc + static_cast<uint64_t>(end.imm), end.nextPc()};
  if (end.opcode == Opcode::Jal)
    return {end.pc + static_cast<uint64_t>(end.imm)};
  return {};
}

struct Region {
  uint64_t entryPc = 0;
  std::vector<RegionBlock> blocks; // blocks[0] starts at entryPc; pcs are distinct
  uint64_t instructionCount() const {
    uint64_t count = 0;
    for (const RegionBlock &block : blocks)
      count += block.instructions.size();
    return count;
  }
};

} // namespace tiercel::lifter
