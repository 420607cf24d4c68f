// The contract between the tier-1 stencils (compiled from the one semantics
// by clang at build time), the extractor that turns them into tables, and
// the translator that copies and patches them at run time.
//
// Generated code runs with the preserve_none convention: the CPU state in
// r12 and the guest memory base in r13, passed unchanged from stencil to
// stencil by tail calls, so they stay pinned for the whole block. A block
// returns to the dispatcher with an exit word (ExitCode below, or the
// address of the block's ExitRecord for exits the dispatcher may chain).
//
// Holes. A stencil reads its operands from the addresses of external
// symbols named `tiercel_hole_<name>`; the extractor lists the relocations
// against them and the translator patches in each instruction's values:
//  - register holes hold 8 * (register number + 1), declared 8-aligned, so
//    `cpu.x[rs1]` folds into one displacement; the + 1 keeps the value
//    non-zero, as the compiler assumes of every declared object's address
//    (with a zero hole it would fold `rd != 0` to true);
//  - no other hole may be compared with zero by the code that reads it
//    unless its values are never zero (Imm is biased, Count and Unretired
//    are at least 1, Rm is a hole only for the static modes 1-4);
//  - small holes hold values in [0, 2^31) (32-bit relocations); signed
//    immediates are biased by kImmediateBias to stay in that range;
//  - wide holes hold any 64-bit value (movabs);
//  - code holes are jump targets (the next stencil, a chained block);
//  - data holes are addresses in the code cache's data area (counters,
//    the jump cache), reached rip-relatively.
#pragma once

#include <cstdint>

#include "machine/cpu_state.h"
#include "machine/isa/instruction_table.h"

#define TIERCEL_STENCIL_CC __attribute__((preserve_none))

namespace tiercel::jit {

// The entry of a translated block (and of every stencil).
using GeneratedCode = uint64_t(TIERCEL_STENCIL_CC *)(CpuState *cpu, uint8_t *memoryBase);

// Exit words below kFirstExitRecord; anything else is an ExitRecord address.
enum class ExitCode : uint64_t {
  Trap = 1,        // an instruction trapped: cpu.pc/trapCause/trapValue set
  FlushCode = 2,   // fence.i: cpu.pc = next pc; drop translations
  Resync = 3,      // translation state may have changed: cpu.pc = next pc
  ExitRequest = 4, // cpu.exitRequest seen at a block entry: cpu.pc = that block
};
inline constexpr uint64_t kFirstExitRecord = 4096;

// Signed immediates are patched as imm + kImmediateBias so the hole value
// is non-negative (the small code model assumes symbols in [0, 2^31)).
inline constexpr int64_t kImmediateBias = int64_t{1} << 30;

// The direct-mapped jump cache probed inline by jalr stencils and tier-2
// exits, shared by the guest threads. An entry is written and read as ONE
// 16-byte access (jumpCacheStore, jumpCacheLoad): guest threads that run
// in parallel fill it while others probe it, and a torn read (one entry's
// pc with another's code) would run the wrong block. Aligned 16-byte SSE
// accesses are single-copy atomic on every x86-64 processor with AVX
// (Intel SDM vol. 3A 9.1.1; AMD APM vol. 2 7.3.2); the run loop lets
// threads run in parallel only on such a host.
struct alignas(16) JumpCacheEntry {
  uint64_t pc;          // guest pc; an odd value never matches
  GeneratedCode code;   // the block's entry
};
using JumpCacheWord = uint64_t __attribute__((vector_size(16)));
inline void jumpCacheStore(JumpCacheEntry &entry, uint64_t pc, const void *code) {
  JumpCacheWord word = {pc, reinterpret_cast<uint64_t>(code)};
  *reinterpret_cast<volatile JumpCacheWord *>(&entry) = word;
}
inline JumpCacheWord jumpCacheLoad(const JumpCacheEntry &entry) {
  return *reinterpret_cast<const volatile JumpCacheWord *>(&entry);
}
inline constexpr unsigned kJumpCacheBits = 12;
inline constexpr uint64_t kJumpCacheEntries = uint64_t{1} << kJumpCacheBits;
inline constexpr uint64_t jumpCacheIndex(uint64_t pc) {
  return (pc >> 1) & (kJumpCacheEntries - 1);
}

// Target histogram of one jalr, updated by the jalr stencil when counters
// are on: the first kJalrProfileSlots distinct targets seen get a counter,
// the rest are counted together. All zero when allocated, so that every
// thread's copy starts valid (jit/code_cache.h, "Per-thread data views"):
// a slot is free while its target and count are both 0 (a jump to pc 0
// counted in a free slot takes it for target 0, which is what it is).
inline constexpr unsigned kJalrProfileSlots = 4;
struct JalrProfile {
  uint64_t target[kJalrProfileSlots];
  uint64_t count[kJalrProfileSlots];
  uint64_t other;
};

// The holes, once. Kind decides how the extractor checks and the
// translator patches a relocation against it.
enum class HoleKind : uint8_t { Register, Small, Wide, Code, Data };

#define TIERCEL_STENCIL_HOLES(X)                                                                   \
  X(Rd, Register)          /* 8 * (rd + 1) */                                                      \
  X(Rs1, Register)         /* 8 * (rs1 + 1) */                                                     \
  X(Rs2, Register)         /* 8 * (rs2 + 1) */                                                     \
  X(Rs3, Register)         /* 8 * (rs3 + 1) */                                                     \
  X(Imm, Small)            /* imm + kImmediateBias */                                              \
  X(ImmWide, Wide)         /* imm (lui, auipc: up to 32 significant bits) */                       \
  X(Rm, Small)             /* rounding-mode field */                                               \
  X(Raw, Wide)             /* the encoding, for tval */                                            \
  X(Pc, Wide)              /* guest pc of the instruction */                                       \
  X(NextPc, Wide)          /* guest pc after it */                                                 \
  X(Unretired, Small)      /* instructions of the block from this one on */                       \
  X(Count, Small)          /* instructions in the block */                                         \
  X(Instruction, Wide)     /* address of the DecodedInstruction (helper calls) */                  \
  X(ExitRecord, Wide)      /* address of this exit's ExitRecord */                                 \
  X(Continue, Code)        /* the next stencil */                                                  \
  X(Taken, Code)           /* a branch's taken successor */                                        \
  X(NotTaken, Code)        /* a branch's fall-through successor */                                 \
  X(Target, Code)          /* a direct exit's successor (chained block or exit stub) */            \
  X(ExitRequest, Code)     /* the block's ExitRequestStub */                                       \
  X(EdgeCounter, Data)     /* a direct exit's counter */                                           \
  X(TakenCounter, Data)    /* a branch's taken-edge counter */                                     \
  X(NotTakenCounter, Data) /* a branch's fall-through counter */                                   \
  X(JumpCache, Data)       /* the JumpCacheEntry array */                                          \
  X(JalrProfile, Data)     /* this jalr's JalrProfile */

enum class Hole : uint8_t {
#define TIERCEL_HOLE_ENUM(Name, Kind) Name,
  TIERCEL_STENCIL_HOLES(TIERCEL_HOLE_ENUM)
#undef TIERCEL_HOLE_ENUM
};

inline constexpr HoleKind kHoleKinds[] = {
#define TIERCEL_HOLE_KIND(Name, Kind) HoleKind::Kind,
    TIERCEL_STENCIL_HOLES(TIERCEL_HOLE_KIND)
#undef TIERCEL_HOLE_KIND
};
inline constexpr unsigned kHoleCount = sizeof(kHoleKinds) / sizeof(kHoleKinds[0]);

// Stencil variants of one instruction. The translator picks the most
// specific one that exists for the opcode (stencilVariantFor).
enum class StencilVariant : uint8_t {
  Plain,     // every operand from holes (rd = x0 checked at run time)
  RdNonZero, // integer rd is not x0: the write needs no check
  RdZero,    // integer rd is x0: the write is dropped at compile time
  RmNearest, // static rm = RNE: the FP fast path with no mode check
  RmDynamic, // rm = DYN: the mode comes from frm at run time
  Counted,   // a branch that also bumps its edge counters
  Rs1Zero,   // rs1 = x0 and rd != x0 (li, neg, snez...): x0 folds to 0
};
inline constexpr unsigned kStencilVariantCount = 7;

// Stencils that belong to no instruction, defined as extern "C"
// stencil_special_<Name> in the stencil source.
enum class SpecialStencil : uint8_t {
  BlockEntry,        // exit-request check, instret += count
  ExitRequestStub,   // cpu.pc = Pc; return ExitCode::ExitRequest
  Jump,              // a direct exit: jump to Target (a block or an ExitStub)
  JumpCounted,       // the same, bumping EdgeCounter
  ExitStub,          // cpu.pc = Pc; return ExitRecord (an unchained exit)
  Indirect,          // after jalr: probe the jump cache, else return ExitRecord
  IndirectCounted,   // the same, recording the target in JalrProfile
  CallSemantics,     // run Instruction through the full environment's semantics
};
inline constexpr unsigned kSpecialStencilCount = 8;

// The helper CallSemantics calls (C calling convention). Returns an
// ExecStatus; the runtime defines it for the environment it runs.
// `unretired` is the instruction's Unretired hole: the block already
// counted it and the ones after it in cpu.instret, which the helper takes
// back while the instruction runs, so a read of instret/cycle is exact.
extern "C" uint64_t tiercel_jit_execute_instruction(CpuState *cpu, const void *instruction,
                                                    uint64_t unretired);

// How tier 1 translates an opcode.
enum class StencilStrategy : uint8_t {
  Instruction, // a stencil per variant, running the semantics inline
  Branch,      // a fused compare-and-branch stencil (Plain and Counted)
  Helper,      // the CallSemantics stencil: a call to the semantics compiled
               // for the full environment (CSRs, privileged instructions)
};

constexpr StencilStrategy stencilStrategyFor(Opcode op) {
  if (hasFlag(op, kConditionalBranch))
    return StencilStrategy::Branch;
  if (hasFlag(op, kCsr) || specOf(op).extension == Extension::Privileged)
    return StencilStrategy::Helper;
  return StencilStrategy::Instruction;
}

// Formats whose rd is an integer register written with writeX.
constexpr bool writesIntegerRd(Format format) {
  switch (format) {
  case Format::R:
  case Format::I:
  case Format::Shift64:
  case Format::Shift32:
  case Format::Unary:
  case Format::Load:
  case Format::U:
  case Format::J:
  case Format::Jalr:
  case Format::Lr:
  case Format::Amo:
  case Format::FCmp:
  case Format::FMvToX: return true;
  default: return false;
  }
}

constexpr bool hasRoundingMode(Format format) {
  return format == Format::FR || format == Format::FR1 || format == Format::FR4 ||
         format == Format::FToX || format == Format::XToF;
}

// Register-immediate and register-register computations with rs1 = x0 are
// common (li, neg, snez); their x0 read folds away in a specialised stencil.
constexpr bool hasRs1ZeroVariant(Format format) { return format == Format::I || format == Format::R; }

// lui and auipc carry 32 significant immediate bits: a wide hole.
constexpr bool hasWideImmediate(Opcode op) { return op == Opcode::Lui || op == Opcode::Auipc; }

// Whether stencil<op, variant> exists.
constexpr bool hasStencil(Opcode op, StencilVariant variant) {
  switch (stencilStrategyFor(op)) {
  case StencilStrategy::Helper: return false;
  case StencilStrategy::Branch:
    return variant == StencilVariant::Plain || variant == StencilVariant::Counted;
  case StencilStrategy::Instruction: break;
  }
  Format format = specOf(op).format;
  if (writesIntegerRd(format))
    return variant == StencilVariant::RdNonZero || variant == StencilVariant::RdZero ||
           (variant == StencilVariant::Rs1Zero && hasRs1ZeroVariant(format));
  if (hasRoundingMode(format))
    return variant == StencilVariant::Plain || variant == StencilVariant::RmNearest ||
           variant == StencilVariant::RmDynamic;
  return variant == StencilVariant::Plain;
}

// The variant the translator uses for an instruction (counted: profiling
// counters are on).
constexpr StencilVariant stencilVariantFor(Opcode op, unsigned rd, unsigned rs1, unsigned rm,
                                           bool counted) {
  if (stencilStrategyFor(op) == StencilStrategy::Branch)
    return counted ? StencilVariant::Counted : StencilVariant::Plain;
  Format format = specOf(op).format;
  if (writesIntegerRd(format)) {
    if (rd == 0)
      return StencilVariant::RdZero;
    return rs1 == 0 && hasRs1ZeroVariant(format) ? StencilVariant::Rs1Zero
                                                 : StencilVariant::RdNonZero;
  }
  if (hasRoundingMode(format)) {
    if (rm == kRoundNearestEven)
      return StencilVariant::RmNearest;
    if (rm == kRoundDynamic)
      return StencilVariant::RmDynamic;
  }
  return StencilVariant::Plain;
}

} // namespace tiercel::jit
