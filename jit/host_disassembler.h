// Host (x86-64) disassembly of generated code, for `-d out_asm`-style logs
// and for the golden host-instruction counts of tier 1. It wraps one Capstone
// handle; Capstone's headers stay out of this header so users of the
// disassembler do not need its include path.
//
// Undecodable bytes are never dropped silently: x86 has no way to resynchronise
// after a byte it cannot decode, so decoding stops at the first such byte and
// the rest of the range is reported as not decoded (formatBlock prints it, the
// other calls return its length through an optional out-parameter).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace tiercel::jit {

struct HostInstruction {
  uint64_t address; // where the instruction is (or would be) mapped
  uint8_t size;     // encoded length in bytes (x86: at most 15)
  std::string text; // "mov rax, qword ptr [r12 + 8]"; branch targets absolute
};

// Not safe for concurrent use of one object (Capstone keeps per-handle error
// state); make one per thread that logs.
class HostDisassembler {
public:
  // Intel syntax by default, as QEMU's out_asm prints; AT&T on request.
  static llvm::Expected<std::unique_ptr<HostDisassembler>> create(bool attSyntax = false);
  ~HostDisassembler();
  HostDisassembler(const HostDisassembler &) = delete;
  HostDisassembler &operator=(const HostDisassembler &) = delete;

  // Decodes code[0, size) as if mapped at `address` (relative branch targets
  // are shown absolute from it). Stops at the first byte Capstone cannot
  // decode; *undecodedBytes (if given) receives the length left over, 0 when
  // the whole range decoded.
  std::vector<HostInstruction> disassemble(const uint8_t *code, size_t size, uint64_t address,
                                           size_t *undecodedBytes = nullptr) const;

  // Number of instructions in code[0, size) (up to the first undecodable
  // byte, whose remaining length goes to *undecodedBytes as above). Does not
  // build text, so it is cheap enough for golden-count tests over all stencils.
  size_t countInstructions(const uint8_t *code, size_t size,
                           size_t *undecodedBytes = nullptr) const;

  // QEMU `-d out_asm` style text, one line per instruction:
  //   "0x%016llx:  %-6s %s\n" (address, mnemonic, operands; no trailing
  //   blanks when there are no operands)
  // followed, if bytes are left that cannot be decoded, by
  //   "  ** <N> bytes not decoded at 0x%016llx: xx xx xx ...\n"
  // (the first 16 of them in hex, then "..."). Empty for size 0.
  std::string formatBlock(const uint8_t *code, size_t size, uint64_t address) const;

private:
  explicit HostDisassembler(size_t handle) : handle_(handle) {}

  size_t handle_; // Capstone's csh (a size_t); opaque here
};

} // namespace tiercel::jit
