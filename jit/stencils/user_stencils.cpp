// The tier-1 stencils for Linux user mode: the one semantics
// (machine/semantics/) compiled by clang at build time, one function per
// (opcode, variant), with operands read from holes (stencil_abi.h). This
// file is compiled to an object that is never linked into anything: the
// extractor (jit/stencil_extractor/) reads its code and relocations and
// generates the tables the translator copies and patches.
//
// Nothing here restates an instruction's behaviour: each stencil calls the
// exec<Name> function of the semantics with an operand view built from
// holes, and only decides what happens after it (continue to the next
// stencil, or leave the block with an exit word).
#include <atomic>
#include <utility>

#include "jit/stencils/stencil_abi.h"
#include "machine/semantics/semantics.h"
#include "runtime/user/generated_code_env.h"

using namespace tiercel;
using namespace tiercel::jit;

// ---- Holes ----
//
// Register and small holes are small objects (32-bit relocations in the
// medium code model), wide holes are large ones (movabs with a 64-bit
// relocation): the code model decides by the declared size.
#define TIERCEL_STENCIL_CODE_HOLE(Name)                                                            \
  extern "C" TIERCEL_STENCIL_CC uint64_t tiercel_hole_##Name(CpuState *, uint8_t *);

extern "C" {
alignas(8) extern char tiercel_hole_Rd[8];
alignas(8) extern char tiercel_hole_Rs1[8];
alignas(8) extern char tiercel_hole_Rs2[8];
alignas(8) extern char tiercel_hole_Rs3[8];
extern char tiercel_hole_Imm[8];
extern char tiercel_hole_Rm[8];
extern char tiercel_hole_Unretired[8];
extern char tiercel_hole_Count[8];
extern char tiercel_hole_ImmWide[1 << 20];
extern char tiercel_hole_Raw[1 << 20];
extern char tiercel_hole_Pc[1 << 20];
extern char tiercel_hole_NextPc[1 << 20];
extern char tiercel_hole_Instruction[1 << 20];
extern char tiercel_hole_ExitRecord[1 << 20];
extern uint64_t tiercel_hole_EdgeCounter;
extern uint64_t tiercel_hole_TakenCounter;
extern uint64_t tiercel_hole_NotTakenCounter;
extern char tiercel_hole_JumpCache[16];
extern JalrProfile tiercel_hole_JalrProfile;
}
TIERCEL_STENCIL_CODE_HOLE(Continue)
TIERCEL_STENCIL_CODE_HOLE(Taken)
TIERCEL_STENCIL_CODE_HOLE(NotTaken)
TIERCEL_STENCIL_CODE_HOLE(Target)
TIERCEL_STENCIL_CODE_HOLE(ExitRequest)

namespace {

#define TIERCEL_STENCIL_INLINE [[gnu::always_inline]] inline

TIERCEL_STENCIL_INLINE uint64_t holeValue(const char *hole) {
  return reinterpret_cast<uintptr_t>(hole);
}
// 8 * (register number + 1) -> register number, kept 64 bits wide so that
// cpu.x[reg] folds back into a displacement of the hole (8-aligned). The
// +1: the compiler takes a declared object's address to be non-null, so
// with a plain 8 * reg it would fold `rd != 0` (writeX) to true.
TIERCEL_STENCIL_INLINE uint64_t registerHole(const char *hole) {
  return (holeValue(hole) - 8) >> 3;
}

// The operands of one instruction as the semantics read them
// (machine/semantics/common.h): every field is a hole or a constant.
using StencilOperands = WideOperands;

template <Opcode Op, StencilVariant Variant> TIERCEL_STENCIL_INLINE StencilOperands operands() {
  StencilOperands insn;
  insn.pc = holeValue(tiercel_hole_Pc);
  insn.next = holeValue(tiercel_hole_NextPc);
  insn.raw = holeValue(tiercel_hole_Raw);
  if constexpr (hasWideImmediate(Op))
    insn.imm = static_cast<int64_t>(holeValue(tiercel_hole_ImmWide));
  else
    insn.imm = static_cast<int64_t>(holeValue(tiercel_hole_Imm)) - kImmediateBias;
  if constexpr (Variant == StencilVariant::RdZero) {
    insn.rd = 0;
  } else {
    insn.rd = registerHole(tiercel_hole_Rd);
    if constexpr (Variant == StencilVariant::RdNonZero)
      __builtin_assume(insn.rd != 0);
  }
  if constexpr (Variant == StencilVariant::Rs1Zero) {
    insn.rs1 = 0;
    __builtin_assume(insn.rd != 0);
  } else {
    insn.rs1 = registerHole(tiercel_hole_Rs1);
  }
  insn.rs2 = registerHole(tiercel_hole_Rs2);
  insn.rs3 = registerHole(tiercel_hole_Rs3);
  if constexpr (Variant == StencilVariant::RmNearest)
    insn.rm = kRoundNearestEven;
  else if constexpr (Variant == StencilVariant::RmDynamic)
    insn.rm = kRoundDynamic;
  else
    insn.rm = holeValue(tiercel_hole_Rm);
  return insn;
}

// The environment: guest memory as the interpreter does it; CSR and
// privileged instructions are never compiled as stencils
// (StencilStrategy::Helper).
using StencilEnv = user::GeneratedCodeEnv;

// An instruction did not continue: retire what ran (the block added its
// whole count at entry) and tell the dispatcher why.
TIERCEL_STENCIL_INLINE uint64_t leaveBlock(CpuState *cpu, ExecStatus status) {
  uint64_t unretired = holeValue(tiercel_hole_Unretired) - (status == ExecStatus::Trap ? 0 : 1);
  cpu->instret -= unretired;
  switch (status) {
  case ExecStatus::Trap: return static_cast<uint64_t>(ExitCode::Trap);
  case ExecStatus::FlushCode: return static_cast<uint64_t>(ExitCode::FlushCode);
  default: return static_cast<uint64_t>(ExitCode::Resync);
  }
}

// The running thread's copy of a counter (jit/code_cache.h, "Per-thread
// data views"): one load of the offset, then the add.
template <typename T> TIERCEL_STENCIL_INLINE T &threadCopy(const CpuState *cpu, T &shared) {
  return *reinterpret_cast<T *>(reinterpret_cast<uintptr_t>(&shared) + cpu->counterOffset);
}
TIERCEL_STENCIL_INLINE void bump(const CpuState *cpu, uint64_t &counter) {
  ++threadCopy(cpu, counter);
}

} // namespace

namespace tiercel::jit {

// One stencil per (opcode, variant) with hasStencil(op, variant).
template <Opcode Op, StencilVariant Variant>
TIERCEL_STENCIL_CC uint64_t stencil(CpuState *cpu, uint8_t *base) {
  StencilOperands insn = operands<Op, Variant>();
  if constexpr (stencilStrategyFor(Op) == StencilStrategy::Branch) {
    // The condition is the semantics' own predicate (control.h); the
    // successors are the block's two exits.
    constexpr auto taken = [] {
      if constexpr (Op == Opcode::Beq) return &branchTakenBeq<StencilOperands>;
      else if constexpr (Op == Opcode::Bne) return &branchTakenBne<StencilOperands>;
      else if constexpr (Op == Opcode::Blt) return &branchTakenBlt<StencilOperands>;
      else if constexpr (Op == Opcode::Bge) return &branchTakenBge<StencilOperands>;
      else if constexpr (Op == Opcode::Bltu) return &branchTakenBltu<StencilOperands>;
      else return &branchTakenBgeu<StencilOperands>;
    }();
    if (taken(*cpu, insn)) {
      if constexpr (Variant == StencilVariant::Counted)
        bump(cpu, tiercel_hole_TakenCounter);
      [[clang::musttail]] return tiercel_hole_Taken(cpu, base);
    }
    if constexpr (Variant == StencilVariant::Counted)
      bump(cpu, tiercel_hole_NotTakenCounter);
    [[clang::musttail]] return tiercel_hole_NotTaken(cpu, base);
  } else {
    StencilEnv env{*cpu, base};
    constexpr auto execute = execFunctionFor<StencilEnv, StencilOperands>(Op);
    ExecStatus status = execute(env, insn);
    // jal and jalr return Jump with cpu.pc set: their block continues with
    // its exit stencil (Jump or Indirect).
    if (status == ExecStatus::Continue || ((Op == Opcode::Jal || Op == Opcode::Jalr) &&
                                           status == ExecStatus::Jump)) [[likely]]
      [[clang::musttail]] return tiercel_hole_Continue(cpu, base);
    return leaveBlock(cpu, status);
  }
}

} // namespace tiercel::jit

// ---- Special stencils ----

namespace {

// The exit request leaves through a tail call to the block's
// ExitRequestStub, so the entry ends in the jump to the next stencil, which
// the translator drops: no taken jump on the hot path.
TIERCEL_STENCIL_INLINE TIERCEL_STENCIL_CC uint64_t blockEntry(CpuState *cpu, uint8_t *base) {
  if (cpu->exitRequest.load(std::memory_order_relaxed) != 0) [[unlikely]]
    [[clang::musttail]] return tiercel_hole_ExitRequest(cpu, base);
  cpu->instret += holeValue(tiercel_hole_Count);
  [[clang::musttail]] return tiercel_hole_Continue(cpu, base);
}

template <bool kCounted> TIERCEL_STENCIL_INLINE TIERCEL_STENCIL_CC uint64_t indirect(CpuState *cpu, uint8_t *base) {
  uint64_t target = cpu->pc;
  if constexpr (kCounted) {
    JalrProfile &profile = threadCopy(cpu, tiercel_hole_JalrProfile);
    unsigned slot = 0;
    while (slot < kJalrProfileSlots && profile.target[slot] != target)
      ++slot;
    if (slot < kJalrProfileSlots)
      ++profile.count[slot];
    else
      ++profile.other; // the dispatcher gives new targets a free slot
  }
  auto *entry = reinterpret_cast<const JumpCacheEntry *>(
      holeValue(tiercel_hole_JumpCache) + jumpCacheIndex(target) * sizeof(JumpCacheEntry));
  JumpCacheWord word = jumpCacheLoad(*entry); // one 16-byte load: never torn
  if (word[0] == target)
    [[clang::musttail]] return reinterpret_cast<GeneratedCode>(word[1])(cpu, base);
  return holeValue(tiercel_hole_ExitRecord);
}

} // namespace

extern "C" {

TIERCEL_STENCIL_CC uint64_t stencil_special_BlockEntry(CpuState *cpu, uint8_t *base) {
  [[clang::musttail]] return blockEntry(cpu, base);
}
TIERCEL_STENCIL_CC uint64_t stencil_special_ExitRequestStub(CpuState *cpu, uint8_t *) {
  cpu->pc = holeValue(tiercel_hole_Pc);
  return static_cast<uint64_t>(ExitCode::ExitRequest);
}
TIERCEL_STENCIL_CC uint64_t stencil_special_Jump(CpuState *cpu, uint8_t *base) {
  [[clang::musttail]] return tiercel_hole_Target(cpu, base);
}
TIERCEL_STENCIL_CC uint64_t stencil_special_JumpCounted(CpuState *cpu, uint8_t *base) {
  bump(cpu, tiercel_hole_EdgeCounter);
  [[clang::musttail]] return tiercel_hole_Target(cpu, base);
}
TIERCEL_STENCIL_CC uint64_t stencil_special_ExitStub(CpuState *cpu, uint8_t *) {
  cpu->pc = holeValue(tiercel_hole_Pc);
  return holeValue(tiercel_hole_ExitRecord);
}
TIERCEL_STENCIL_CC uint64_t stencil_special_Indirect(CpuState *cpu, uint8_t *base) {
  [[clang::musttail]] return indirect<false>(cpu, base);
}
TIERCEL_STENCIL_CC uint64_t stencil_special_IndirectCounted(CpuState *cpu, uint8_t *base) {
  [[clang::musttail]] return indirect<true>(cpu, base);
}
TIERCEL_STENCIL_CC uint64_t stencil_special_CallSemantics(CpuState *cpu, uint8_t *base) {
  auto status = static_cast<ExecStatus>(
      tiercel_jit_execute_instruction(cpu, reinterpret_cast<const void *>(tiercel_hole_Instruction),
                                      holeValue(tiercel_hole_Unretired)));
  if (status == ExecStatus::Continue) [[likely]]
    [[clang::musttail]] return tiercel_hole_Continue(cpu, base);
  return leaveBlock(cpu, status);
}

} // extern "C"

// ---- Instantiation: every stencil<op, variant> that exists ----

namespace {

using StencilFunction = uint64_t(TIERCEL_STENCIL_CC *)(CpuState *, uint8_t *);

template <size_t Index> constexpr StencilFunction stencilAt() {
  constexpr Opcode op = static_cast<Opcode>(Index / kStencilVariantCount);
  constexpr StencilVariant variant = static_cast<StencilVariant>(Index % kStencilVariantCount);
  if constexpr (hasStencil(op, variant))
    return &stencil<op, variant>;
  else
    return nullptr;
}

template <size_t... Index> constexpr auto makeStencilList(std::index_sequence<Index...>) {
  return std::array<StencilFunction, sizeof...(Index)>{{stencilAt<Index>()...}};
}

} // namespace

// Referenced so every stencil is instantiated; the extractor ignores it.
extern "C" [[gnu::used]] const std::array<StencilFunction, kOpcodeCount * kStencilVariantCount>
    tiercel_stencil_list = makeStencilList(std::make_index_sequence<kOpcodeCount * kStencilVariantCount>{});
