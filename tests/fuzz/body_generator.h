// Random body items for the fuzz programs: operand pickers and one
// generator per instruction category. Every generator appends one valid
// item; none writes a reserved register (program.h) and every memory
// access stays inside the scratch buffer or reads the value pool.
//
// Split by category: body_integer.cpp (ALU, M, Zb*, compressed ALU),
// body_memory.cpp (loads/stores, atomics), body_fp.cpp (F/D and the FP
// CSRs), body_control.cpp (branches, jumps, loops, fences and the
// category mix in generateItem).
#pragma once

#include <cstdint>

#include "tests/fuzz/program.h"
#include "tests/fuzz/rng.h"

namespace tiercel::fuzz {

// ---- Operands (body_integer.cpp) ----
bool isReserved(unsigned xreg);  // sp, s10, s11
unsigned destX(Rng &rng);        // writable x register; occasionally x0
unsigned destXNonZero(Rng &rng); // writable x register other than x0
unsigned srcX(Rng &rng);         // any x register, reserved ones included
unsigned primeX(Rng &rng);       // x8..x15 (none of them is reserved)
unsigned fpReg(Rng &rng);        // f0..f31
unsigned primeF(Rng &rng);       // f8..f15
int32_t imm12(Rng &rng);         // biased towards edges and small values
int32_t imm6(Rng &rng);          // -32..31
unsigned roundingMode(Rng &rng); // a static mode 0..4 or dyn (7); never 5/6
// A random 64-bit integer / FP register value with special values favoured
// (values.cpp). FP values include NaN-boxed and non-NaN-boxed singles.
uint64_t interestingInteger(Rng &rng);
uint64_t interestingFloatBits(Rng &rng);
void fillScratch(Rng &rng, uint8_t *scratch, uint64_t size);

// ---- Categories ----
void addIntegerRegister(Rng &rng, Item &item);  // R-type RV64I/M/Zba/Zbb/Zbs
void addIntegerImmediate(Rng &rng, Item &item); // I-type, shifts, unary, lui/auipc
void addCompressedAlu(Rng &rng, Item &item);    // c.addi ... c.add
void addLoadStore(Rng &rng, Item &item);        // 32-bit loads/stores off s10 or a temp base
void addCompressedMemory(Rng &rng, Item &item); // c.lw ... c.fsdsp
void addAtomic(Rng &rng, Item &item);           // AMOs, LR/SC pairs, a lone SC
void addPoolReload(Rng &rng, Item &item);       // ld/fld/flw of a special value
void addFpArithmetic(Rng &rng, Item &item);     // fadd ... fmadd, fsqrt, fcvt.s.d
void addFpOther(Rng &rng, Item &item);          // sign, min/max, compare, class, cvt, mv
void addFpCsr(Rng &rng, Item &item);            // fflags/frm/fcsr reads and writes

// One body item. With allowControl false (loop bodies) no branch, jump or
// loop is produced. Items holding an opcode excluded by the innermost live
// ExclusionScope are drawn again from the same stream.
Item generateItem(Rng &rng, bool allowControl);

// Opcodes generateItem must not produce while this object lives (one
// generateProgram call; the categories need no parameter for it).
class ExclusionScope {
public:
  explicit ExclusionScope(const OpcodeSet &excluded);
  ~ExclusionScope();
  ExclusionScope(const ExclusionScope &) = delete;
  ExclusionScope &operator=(const ExclusionScope &) = delete;

private:
  const OpcodeSet *previous;
};

} // namespace tiercel::fuzz
