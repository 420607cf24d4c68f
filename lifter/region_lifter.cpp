// Region -> LLVM IR (see region_lifter.h).
#include "lifter/region_lifter.h"

#include <cstddef>
#include <map>
#include <set>

#include "jit/stencils/stencil_abi.h"
#include "machine/semantics/system.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/MemoryBuffer.h"
#include "machine/isa/instruction_table.h"
#include "machine/semantics/common.h"

extern "C" const char tiercel_semantics_bitcode_start[];
extern "C" const char tiercel_semantics_bitcode_end[];

namespace tiercel::lifter {

llvm::MemoryBufferRef semanticsBitcode() {
  return llvm::MemoryBufferRef(
      llvm::StringRef(tiercel_semantics_bitcode_start,
                      static_cast<size_t>(tiercel_semantics_bitcode_end - tiercel_semantics_bitcode_start)),
      "tiercel-semantics.bc");
}

namespace {

// An access to fflags, frm or fcsr: state of CpuState's own, which the
// semantics handle without the environment (machine/semantics/system.h).
bool accessesFpCsr(const DecodedInstruction &insn) {
  if (!hasFlag(insn.opcode, kCsr))
    return false;
  uint32_t csr = static_cast<uint32_t>(insn.imm) & 0xfff;
  return csr == kCsrFflags || csr == kCsrFrm || csr == kCsrFcsr;
}

// Instructions whose semantics need the full environment (the other CSRs,
// privileged instructions) run through the runtime's helper, as in tier 1.
// The FP CSRs are lifted: glibc's math reads and restores fflags around
// quiet comparisons (frflags; flt.d; fsflags) in hot loops, and a helper
// call there would store and reload every register of the region.
bool needsFullEnvironment(const DecodedInstruction &insn) {
  return jit::stencilStrategyFor(insn.opcode) == jit::StencilStrategy::Helper &&
         !accessesFpCsr(insn);
}

const char *mnemonicName(Opcode op) {
  static const char *const kNames[] = {
#define INSTRUCTION(Name, Mnemonic, Encoding, Fmt, Ext, Flags) #Name,
#include "machine/isa/instructions.def"
#undef INSTRUCTION
      "Illegal",
  };
  return kNames[static_cast<size_t>(op)];
}

// A CpuState field the region copies in and may store back.
struct Field {
  uint32_t offset;
  uint32_t bytes;
};

// Formats whose rd is an integer register.
bool writesX(Format format) {
  return jit::writesIntegerRd(format) || format == Format::FToX || format == Format::Csr ||
         format == Format::CsrI;
}
// Formats whose rd is an FP register.
bool writesF(Format format) {
  switch (format) {
  case Format::FR:
  case Format::FR1:
  case Format::FR4:
  case Format::FRNoRm:
  case Format::FLoad:
  case Format::XToF:
  case Format::FMvFromX: return true;
  default: return false;
  }
}

enum StatusValue : uint32_t {
  kContinue = static_cast<uint32_t>(ExecStatus::Continue),
  kJump = static_cast<uint32_t>(ExecStatus::Jump),
  kTrap = static_cast<uint32_t>(ExecStatus::Trap),
  kFlushCode = static_cast<uint32_t>(ExecStatus::FlushCode),
  kResync = static_cast<uint32_t>(ExecStatus::Resync),
};

class Lifter {
public:
  Lifter(llvm::LLVMContext &context, const Region &region, const LiftOptions &options)
      : context_(context), region_(region), options_(options), builder_(context) {}

  llvm::Expected<std::unique_ptr<llvm::Module>> lift(const std::string &name);

private:
  llvm::Error loadSemantics();
  llvm::Function *semanticsFunction(const std::string &name);
  void collectFields();
  llvm::Value *fieldPointer(llvm::Value *base, uint32_t offset);
  llvm::Type *fieldType(const Field &field);
  void copyIn(const std::vector<Field> &fields);
  void writeBack(const std::vector<Field> &fields, bool isVolatile);
  void storeCpu(uint32_t offset, llvm::Value *value, bool isVolatile = false);
  llvm::Value *loadShadow(uint32_t offset, llvm::Type *type);
  void storeShadow(uint32_t offset, llvm::Value *value);
  llvm::Value *constant(uint64_t value) { return builder_.getInt64(value); }
  std::vector<llvm::Value *> operands(const DecodedInstruction &insn);

  void liftBlock(size_t index);
  std::vector<uint64_t> successorsInRegion(const RegionBlock &block) const;
  void chooseChecks();
  void storeInstret(llvm::Value *unretired);
  void branchToExit(llvm::Value *target);
  void branchToStop(llvm::Value *status, uint64_t unretired);
  void branchToRequest(uint64_t pc, llvm::BasicBlock *continueTo);
  // An edge to `target`: a branch inside the region or an exit.
  void emitEdge(uint64_t target);
  llvm::BasicBlock *newBlock(const char *name) {
    return llvm::BasicBlock::Create(context_, name, function_);
  }
  llvm::MDNode *weights(uint64_t first, uint64_t second);

  llvm::LLVMContext &context_;
  const Region &region_;
  const LiftOptions &options_;
  llvm::IRBuilder<> builder_;
  std::unique_ptr<llvm::Module> semantics_;
  std::unique_ptr<llvm::Module> module_;
  llvm::Function *function_ = nullptr;
  llvm::Value *cpu_ = nullptr;
  llvm::Value *base_ = nullptr;
  llvm::Value *shadow_ = nullptr;
  llvm::FunctionType *codeType_ = nullptr;
  std::map<uint64_t, llvm::BasicBlock *> blocks_; // region blocks by pc
  std::set<uint64_t> returnSites_;                // pcs after an in-region call
  std::set<uint64_t> checked_; // blocks that check for exit requests (see chooseChecks)
  std::vector<Field> allFields_;   // copied in
  std::vector<Field> written_;     // stored back at exits
  std::vector<Field> writtenRegs_; // what a precise sync stores: registers, fflags
  // The shared exits (created on first use) and their phis.
  llvm::BasicBlock *exit_ = nullptr, *stop_ = nullptr, *request_ = nullptr;
  llvm::PHINode *exitTarget_ = nullptr, *stopStatus_ = nullptr, *stopUnretired_ = nullptr,
                *requestPc_ = nullptr;
};

llvm::Error Lifter::loadSemantics() {
  auto module = llvm::getOwningLazyBitcodeModule(
      llvm::MemoryBuffer::getMemBuffer(semanticsBitcode(), /*RequiresNullTerminator=*/false),
      context_);
  if (!module)
    return module.takeError();
  semantics_ = std::move(*module);
  return llvm::Error::success();
}

// The declaration in the region's module of a semantics function, typed as
// the bitcode defines it; the link supplies the body.
llvm::Function *Lifter::semanticsFunction(const std::string &name) {
  if (llvm::Function *declared = module_->getFunction(name))
    return declared;
  llvm::Function *defined = semantics_->getFunction(name);
  if (defined == nullptr)
    return nullptr;
  return llvm::Function::Create(defined->getFunctionType(), llvm::GlobalValue::ExternalLinkage,
                                name, module_.get());
}

void Lifter::collectFields() {
  for (unsigned reg = 1; reg < 32; ++reg)
    allFields_.push_back({static_cast<uint32_t>(offsetof(CpuState, x) + 8 * reg), 8});
  for (unsigned reg = 0; reg < 32; ++reg)
    allFields_.push_back({static_cast<uint32_t>(offsetof(CpuState, f) + 8 * reg), 8});
  const Field fflags{offsetof(CpuState, fflags), 1}, frm{offsetof(CpuState, frm), 1};
  const Field reservation[] = {{offsetof(CpuState, reservationValid), 1},
                               {offsetof(CpuState, reservationAddress), 8},
                               {offsetof(CpuState, reservationValue), 8},
                               {offsetof(CpuState, reservationGeneration), 8}};
  const Field instret{offsetof(CpuState, instret), 8};
  // Read by LR/SC/AMOs, never written by guest code.
  const Field reservationTable{offsetof(CpuState, reservationTable), 8};
  allFields_.push_back(fflags);
  allFields_.push_back(frm);
  for (const Field &field : reservation)
    allFields_.push_back(field);
  allFields_.push_back(instret);
  allFields_.push_back(reservationTable);

  bool helper = false, floating = false, atomic = false, fpCsr = false;
  std::set<unsigned> x, f;
  for (const RegionBlock &block : region_.blocks) {
    for (const DecodedInstruction &insn : block.instructions) {
      const InstructionSpec &spec = specOf(insn.opcode);
      helper |= needsFullEnvironment(insn);
      floating |= (spec.flags & kFloat) != 0;
      fpCsr |= accessesFpCsr(insn);
      atomic |= (spec.flags & kAtomic) != 0;
      if (writesX(spec.format) && insn.rd != 0)
        x.insert(insn.rd);
      if (writesF(spec.format))
        f.insert(insn.rd);
    }
  }
  if (helper) {
    // A CSR instruction may change anything: every field goes back.
    written_ = allFields_;
    writtenRegs_.assign(allFields_.begin(), allFields_.begin() + 63);
    writtenRegs_.push_back(fflags); // the handler's ucontext holds fcsr
    return;
  }
  for (unsigned reg : x)
    writtenRegs_.push_back({static_cast<uint32_t>(offsetof(CpuState, x) + 8 * reg), 8});
  for (unsigned reg : f)
    writtenRegs_.push_back({static_cast<uint32_t>(offsetof(CpuState, f) + 8 * reg), 8});
  if (floating || fpCsr)
    writtenRegs_.push_back(fflags); // the handler's ucontext holds fcsr
  if (fpCsr)
    writtenRegs_.push_back(frm);
  written_ = writtenRegs_;
  if (atomic)
    for (const Field &field : reservation)
      written_.push_back(field);
  written_.push_back(instret);
}

llvm::Value *Lifter::fieldPointer(llvm::Value *base, uint32_t offset) {
  return builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), base, offset);
}

llvm::Type *Lifter::fieldType(const Field &field) {
  return field.bytes == 1 ? builder_.getInt8Ty() : builder_.getInt64Ty();
}

llvm::Value *Lifter::loadShadow(uint32_t offset, llvm::Type *type) {
  return builder_.CreateLoad(type, fieldPointer(shadow_, offset));
}

void Lifter::storeShadow(uint32_t offset, llvm::Value *value) {
  builder_.CreateStore(value, fieldPointer(shadow_, offset));
}

void Lifter::storeCpu(uint32_t offset, llvm::Value *value, bool isVolatile) {
  builder_.CreateStore(value, fieldPointer(cpu_, offset), isVolatile);
}

void Lifter::copyIn(const std::vector<Field> &fields) {
  for (const Field &field : fields) {
    llvm::Type *type = fieldType(field);
    storeShadow(field.offset, builder_.CreateLoad(type, fieldPointer(cpu_, field.offset)));
  }
}

void Lifter::writeBack(const std::vector<Field> &fields, bool isVolatile) {
  for (const Field &field : fields)
    storeCpu(field.offset, loadShadow(field.offset, fieldType(field)), isVolatile);
}

std::vector<llvm::Value *> Lifter::operands(const DecodedInstruction &insn) {
  return {shadow_,
          base_,
          constant(insn.pc),
          constant(static_cast<uint64_t>(insn.imm)),
          constant(insn.raw),
          constant(insn.rd),
          constant(insn.rs1),
          constant(insn.rs2),
          constant(insn.rs3),
          constant(insn.rm),
          constant(insn.nextPc())};
}

llvm::MDNode *Lifter::weights(uint64_t first, uint64_t second) {
  if (!options_.branchWeights || first + second == 0)
    return nullptr;
  // branch_weights are 32-bit: scale large counts down together.
  while (first > UINT32_MAX || second > UINT32_MAX) {
    first >>= 1;
    second >>= 1;
  }
  return llvm::MDBuilder(context_).createBranchWeights(static_cast<uint32_t>(first) + 1,
                                                       static_cast<uint32_t>(second) + 1);
}

// The shared ways out. Every exit of a kind branches to one block with
// its own values as phi inputs, so the write-back of the state exists once
// per kind, not once per instruction (which made the IR, and the compile
// time, grow with the product of instructions and registers).

void Lifter::storeInstret(llvm::Value *unretired) {
  uint32_t offset = offsetof(CpuState, instret);
  storeCpu(offset, builder_.CreateSub(loadShadow(offset, builder_.getInt64Ty()), unretired));
}

// Leaves through the jump cache (a tail call to the block found there) or
// back to the dispatcher. Phi: the target pc.
void Lifter::branchToExit(llvm::Value *target) {
  if (exit_ == nullptr) {
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    exit_ = newBlock("exit");
    builder_.SetInsertPoint(exit_);
    exitTarget_ = builder_.CreatePHI(builder_.getInt64Ty(), 4, "target");
    llvm::Value *target = exitTarget_;
    writeBack(written_, false);
    storeCpu(offsetof(CpuState, pc), target);
    if (options_.jumpCache == nullptr) {
      builder_.CreateRet(constant(static_cast<uint64_t>(jit::ExitCode::Resync)));
    } else {
      // The jump cache: entry (pc >> 1) & mask, {pc, code}.
      llvm::Value *index = builder_.CreateAnd(builder_.CreateLShr(target, 1),
                                              constant(jit::kJumpCacheEntries - 1));
      llvm::Value *table = builder_.CreateIntToPtr(
          constant(reinterpret_cast<uintptr_t>(options_.jumpCache)), builder_.getPtrTy());
      llvm::Value *entry = builder_.CreateInBoundsGEP(
          builder_.getInt8Ty(), table,
          builder_.CreateMul(index, constant(sizeof(jit::JumpCacheEntry))));
      // One 16-byte load, as the tier-1 probe (jit::jumpCacheLoad): other
      // threads fill the cache while this one reads it.
      llvm::Type *wordType = llvm::FixedVectorType::get(builder_.getInt64Ty(), 2);
      llvm::Value *word = builder_.CreateAlignedLoad(wordType, entry, llvm::Align(16),
                                                     /*isVolatile=*/true, "jump_cache_entry");
      llvm::Value *cachedPc = builder_.CreateExtractElement(word, uint64_t{0});
      llvm::BasicBlock *hit = newBlock("cache_hit");
      llvm::BasicBlock *miss = newBlock("cache_miss");
      builder_.CreateCondBr(builder_.CreateICmpEQ(cachedPc, target), hit, miss);
      builder_.SetInsertPoint(hit);
      llvm::Value *code = builder_.CreateIntToPtr(builder_.CreateExtractElement(word, uint64_t{1}),
                                                  builder_.getPtrTy());
      llvm::CallInst *call = builder_.CreateCall(codeType_, code, {cpu_, base_});
      call->setCallingConv(llvm::CallingConv::PreserveNone);
      call->setTailCallKind(llvm::CallInst::TCK_MustTail);
      builder_.CreateRet(call);
      builder_.SetInsertPoint(miss);
      builder_.CreateRet(constant(static_cast<uint64_t>(jit::ExitCode::Resync)));
    }
  }
  exitTarget_->addIncoming(target, builder_.GetInsertBlock());
  builder_.CreateBr(exit_);
}

// An instruction did not continue: Trap (cause, value and pc in the
// private copy), FlushCode or Resync (pc holds the next pc; the
// instruction retired). Phis: the status and the instructions of the block
// from the one that stopped on (all counted in instret at block entry).
void Lifter::branchToStop(llvm::Value *status, uint64_t unretired) {
  if (stop_ == nullptr) {
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    stop_ = newBlock("stop");
    builder_.SetInsertPoint(stop_);
    stopStatus_ = builder_.CreatePHI(builder_.getInt32Ty(), 4, "status");
    stopUnretired_ = builder_.CreatePHI(builder_.getInt64Ty(), 4, "unretired");
    writeBack(written_, false);
    llvm::Value *trapped = builder_.CreateICmpEQ(stopStatus_, builder_.getInt32(kTrap));
    storeInstret(builder_.CreateSelect(trapped, stopUnretired_,
                                       builder_.CreateSub(stopUnretired_, constant(1))));
    storeCpu(offsetof(CpuState, pc), loadShadow(offsetof(CpuState, pc), builder_.getInt64Ty()));
    llvm::BasicBlock *trap = newBlock("stop_trap");
    llvm::BasicBlock *other = newBlock("stop_other");
    builder_.CreateCondBr(trapped, trap, other);
    builder_.SetInsertPoint(trap);
    for (uint32_t offset : {uint32_t(offsetof(CpuState, trapCause)), uint32_t(offsetof(CpuState, trapValue))})
      storeCpu(offset, loadShadow(offset, builder_.getInt64Ty()));
    builder_.CreateRet(constant(static_cast<uint64_t>(jit::ExitCode::Trap)));
    builder_.SetInsertPoint(other);
    llvm::Value *flush = builder_.CreateICmpEQ(stopStatus_, builder_.getInt32(kFlushCode));
    builder_.CreateRet(builder_.CreateSelect(flush, constant(static_cast<uint64_t>(jit::ExitCode::FlushCode)),
                                             constant(static_cast<uint64_t>(jit::ExitCode::Resync))));
  }
  stopStatus_->addIncoming(status, builder_.GetInsertBlock());
  stopUnretired_->addIncoming(constant(unretired), builder_.GetInsertBlock());
  builder_.CreateBr(stop_);
}

// An exit request at a block entry: leave before the block runs. Phi: its pc.
void Lifter::branchToRequest(uint64_t pc, llvm::BasicBlock *continueTo) {
  if (request_ == nullptr) {
    llvm::IRBuilderBase::InsertPointGuard guard(builder_);
    request_ = newBlock("exit_request");
    builder_.SetInsertPoint(request_);
    requestPc_ = builder_.CreatePHI(builder_.getInt64Ty(), 4, "pc");
    writeBack(written_, false);
    storeCpu(offsetof(CpuState, pc), requestPc_);
    builder_.CreateRet(constant(static_cast<uint64_t>(jit::ExitCode::ExitRequest)));
  }
  // A volatile load: it must happen every time, but unlike an atomic one
  // it does not stop LLVM from reasoning about the other fields.
  llvm::Value *request = builder_.CreateLoad(
      builder_.getInt32Ty(), fieldPointer(cpu_, offsetof(CpuState, exitRequest)), /*volatile*/ true);
  requestPc_->addIncoming(constant(pc), builder_.GetInsertBlock());
  builder_.CreateCondBr(builder_.CreateICmpNE(request, builder_.getInt32(0)), request_, continueTo,
                        llvm::MDBuilder(context_).createBranchWeights(1, 1 << 20));
}

void Lifter::emitEdge(uint64_t target) {
  auto inside = blocks_.find(target);
  if (inside != blocks_.end()) {
    builder_.CreateBr(inside->second);
    return;
  }
  branchToExit(constant(target));
}

// The region's own edges out of a block, as liftBlock will emit them.
std::vector<uint64_t> Lifter::successorsInRegion(const RegionBlock &block) const {
  std::vector<uint64_t> targets = directSuccessors(block);
  if (block.terminated && block.instructions.back().opcode == Opcode::Jalr) {
    if (options_.speculateIndirect)
      for (const auto &[pc, hits] : block.indirectTargets)
        targets.push_back(pc);
    if (options_.predictReturns)
      targets.insert(targets.end(), returnSites_.begin(), returnSites_.end());
  }
  std::vector<uint64_t> inside;
  for (uint64_t target : targets)
    if (blocks_.count(target) != 0)
      inside.push_back(target);
  return inside;
}

// Exit requests (signals, the tier-up ticker, a watched code page written)
// must be seen in bounded time, as tier 1 sees them at every block entry.
// A region checks at its entry (regions and blocks may tail-call each other
// in a cycle) and at the target of every back edge of a depth-first walk,
// so every cycle inside it passes a check; straight-line code and unrolled
// loop bodies pay nothing.
void Lifter::chooseChecks() {
  std::map<uint64_t, const RegionBlock *> byPc;
  for (const RegionBlock &block : region_.blocks)
    byPc[block.pc] = &block;
  enum class Mark : uint8_t { New, OnStack, Done };
  std::map<uint64_t, Mark> marks;
  for (const RegionBlock &block : region_.blocks)
    marks[block.pc] = Mark::New;
  checked_.insert(region_.entryPc);
  // Iterative DFS: (block, its successors, the next one to visit).
  struct Frame {
    uint64_t pc;
    std::vector<uint64_t> successors;
    size_t next;
  };
  std::vector<Frame> stack;
  stack.push_back({region_.entryPc, successorsInRegion(*byPc.at(region_.entryPc)), 0});
  marks[region_.entryPc] = Mark::OnStack;
  while (!stack.empty()) {
    Frame &top = stack.back();
    if (top.next == top.successors.size()) {
      marks[top.pc] = Mark::Done;
      stack.pop_back();
      continue;
    }
    uint64_t target = top.successors[top.next++];
    if (marks[target] == Mark::OnStack) {
      checked_.insert(target); // a back edge
    } else if (marks[target] == Mark::New) {
      marks[target] = Mark::OnStack;
      stack.push_back({target, successorsInRegion(*byPc.at(target)), 0});
    }
  }
  // Blocks the walk did not reach keep their check.
  for (const auto &[pc, mark] : marks)
    if (mark == Mark::New)
      checked_.insert(pc);
}

void Lifter::liftBlock(size_t index) {
  const RegionBlock &block = region_.blocks[index];
  llvm::BasicBlock *head = blocks_.at(block.pc);
  builder_.SetInsertPoint(head);
  llvm::BasicBlock *body = newBlock("body");
  if (checked_.count(block.pc) != 0)
    branchToRequest(block.pc, body);
  else
    builder_.CreateBr(body);

  builder_.SetInsertPoint(body);
  const uint64_t count = block.instructions.size();
  uint32_t instretOffset = offsetof(CpuState, instret);
  storeShadow(instretOffset,
              builder_.CreateAdd(loadShadow(instretOffset, builder_.getInt64Ty()), constant(count)));

  for (uint64_t k = 0; k < count; ++k) {
    const DecodedInstruction &insn = block.instructions[k];
    const InstructionSpec &spec = specOf(insn.opcode);
    const bool last = k + 1 == count;
    const uint64_t unretired = count - k; // this instruction and the ones after it

    if (hasFlag(insn.opcode, kConditionalBranch)) {
      llvm::Function *condition =
          semanticsFunction(std::string("tiercel_cond_") + mnemonicName(insn.opcode));
      llvm::Value *taken = builder_.CreateICmpNE(
          builder_.CreateZExt(builder_.CreateCall(condition, operands(insn)), builder_.getInt32Ty()),
          builder_.getInt32(0));
      llvm::BasicBlock *takenBlock = newBlock("taken");
      llvm::BasicBlock *notTakenBlock = newBlock("not_taken");
      builder_.CreateCondBr(taken, takenBlock, notTakenBlock,
                            weights(block.taken, block.fallThrough));
      builder_.SetInsertPoint(takenBlock);
      emitEdge(insn.pc + static_cast<uint64_t>(insn.imm));
      builder_.SetInsertPoint(notTakenBlock);
      emitEdge(insn.nextPc());
      return;
    }

    llvm::Value *status = nullptr;
    if (needsFullEnvironment(insn)) {
      // The runtime's helper on the real CpuState, everything synced.
      writeBack(allFields_, false);
      storeCpu(offsetof(CpuState, pc), constant(insn.pc));
      llvm::FunctionType *helperType = llvm::FunctionType::get(
          builder_.getInt64Ty(), {builder_.getPtrTy(), builder_.getPtrTy(), builder_.getInt64Ty()},
          false);
      llvm::Value *helper = builder_.CreateIntToPtr(
          constant(reinterpret_cast<uintptr_t>(options_.helper)), builder_.getPtrTy());
      llvm::Value *decoded = builder_.CreateIntToPtr(constant(reinterpret_cast<uintptr_t>(&insn)),
                                                     builder_.getPtrTy());
      status = builder_.CreateTrunc(
          builder_.CreateCall(helperType, helper, {cpu_, decoded, constant(unretired)}),
          builder_.getInt32Ty());
      copyIn(allFields_);
      for (uint32_t offset : {uint32_t(offsetof(CpuState, pc)), uint32_t(offsetof(CpuState, trapCause)),
                              uint32_t(offsetof(CpuState, trapValue))})
        storeShadow(offset, builder_.CreateLoad(builder_.getInt64Ty(), fieldPointer(cpu_, offset)));
    } else {
      if ((spec.flags & (kLoad | kStore | kAtomic)) != 0) {
        // A host fault here must find this pc (and, precise, the state).
        storeCpu(offsetof(CpuState, pc), constant(insn.pc), /*volatile*/ true);
        if (options_.preciseFaults) {
          writeBack(writtenRegs_, true);
          storeCpu(instretOffset,
                   builder_.CreateSub(loadShadow(instretOffset, builder_.getInt64Ty()),
                                      constant(unretired)),
                   true);
        }
      }
      llvm::Function *semantics =
          semanticsFunction(std::string("tiercel_sem_") + mnemonicName(insn.opcode));
      status = builder_.CreateCall(semantics, operands(insn));
    }

    const bool jumps = insn.opcode == Opcode::Jal || insn.opcode == Opcode::Jalr;
    llvm::BasicBlock *next = newBlock(jumps ? "jump" : "next");
    llvm::BasicBlock *stop = newBlock("not_continue");
    llvm::Value *expected = builder_.getInt32(jumps ? kJump : kContinue);
    builder_.CreateCondBr(builder_.CreateICmpEQ(status, expected), next, stop,
                          llvm::MDBuilder(context_).createBranchWeights(1 << 20, 1));
    builder_.SetInsertPoint(stop);
    branchToStop(status, unretired);
    builder_.SetInsertPoint(next);

    if (insn.opcode == Opcode::Jal) {
      emitEdge(insn.pc + static_cast<uint64_t>(insn.imm));
      return;
    }
    if (insn.opcode == Opcode::Jalr) {
      // The target is in the private pc.
      llvm::Value *target = loadShadow(offsetof(CpuState, pc), builder_.getInt64Ty());
      std::vector<uint64_t> guesses;
      if (options_.speculateIndirect)
        for (const auto &[pc, hits] : block.indirectTargets)
          if (blocks_.count(pc) != 0)
            guesses.push_back(pc);
      if (options_.predictReturns)
        for (uint64_t site : returnSites_)
          if (blocks_.count(site) != 0 &&
              std::find(guesses.begin(), guesses.end(), site) == guesses.end())
            guesses.push_back(site);
      for (uint64_t guess : guesses) {
        llvm::BasicBlock *miss = newBlock("guess_miss");
        builder_.CreateCondBr(builder_.CreateICmpEQ(target, constant(guess)), blocks_.at(guess),
                              miss);
        builder_.SetInsertPoint(miss);
      }
      branchToExit(target);
      return;
    }
    if (last) {
      // A terminator that continued (ecall does not: it traps) or a block
      // cut at the length cap or a page end.
      emitEdge(block.terminated ? insn.nextPc() : block.endPc);
    }
  }
}

llvm::Expected<std::unique_ptr<llvm::Module>> Lifter::lift(const std::string &name) {
  if (llvm::Error error = loadSemantics())
    return std::move(error);
  module_ = std::make_unique<llvm::Module>(name, context_);
  module_->setDataLayout(semantics_->getDataLayout());
  module_->setTargetTriple(semantics_->getTargetTriple());

  llvm::Type *ptr = builder_.getPtrTy();
  codeType_ = llvm::FunctionType::get(builder_.getInt64Ty(), {ptr, ptr}, false);
  function_ = llvm::Function::Create(codeType_, llvm::GlobalValue::ExternalLinkage, name,
                                     module_.get());
  function_->setCallingConv(llvm::CallingConv::PreserveNone);
  function_->addFnAttr(llvm::Attribute::NoUnwind);
  function_->addParamAttr(0, llvm::Attribute::NoAlias);
  function_->addParamAttr(1, llvm::Attribute::NoAlias);
  cpu_ = function_->getArg(0);
  base_ = function_->getArg(1);

  collectFields();
  for (size_t i = 0; i < region_.blocks.size(); ++i) {
    const RegionBlock &block = region_.blocks[i];
    if (block.instructions.empty())
      return llvm::createStringError("region block 0x%llx has no instructions",
                                     static_cast<unsigned long long>(block.pc));
    if (!blocks_.emplace(block.pc, nullptr).second)
      return llvm::createStringError("region block 0x%llx appears twice",
                                     static_cast<unsigned long long>(block.pc));
    const DecodedInstruction &end = block.instructions.back();
    if ((end.opcode == Opcode::Jal || end.opcode == Opcode::Jalr) && end.rd != 0)
      returnSites_.insert(end.nextPc());
  }
  if (region_.blocks.empty() || region_.blocks.front().pc != region_.entryPc)
    return llvm::createStringError("a region starts with its entry block");
  // The entry block's tier-1 count as the function's entry count, which
  // makes the branch weights absolute (hot/cold placement, inlining).
  if (options_.branchWeights && region_.blocks.front().executions != 0)
    function_->setEntryCount(region_.blocks.front().executions);

  llvm::BasicBlock *entry = llvm::BasicBlock::Create(context_, "entry", function_);
  builder_.SetInsertPoint(entry);
  shadow_ = builder_.CreateAlloca(llvm::ArrayType::get(builder_.getInt8Ty(), sizeof(CpuState)));
  llvm::cast<llvm::AllocaInst>(shadow_)->setAlignment(llvm::Align(16));
  storeShadow(offsetof(CpuState, x), constant(0)); // x0
  copyIn(allFields_);
  for (const RegionBlock &block : region_.blocks) {
    char label[32];
    std::snprintf(label, sizeof label, "guest_%llx", static_cast<unsigned long long>(block.pc));
    blocks_[block.pc] = llvm::BasicBlock::Create(context_, label, function_);
  }
  builder_.CreateBr(blocks_.at(region_.entryPc));
  chooseChecks();
  for (size_t i = 0; i < region_.blocks.size(); ++i)
    liftBlock(i);

  // Unused return sites are not an error; unknown semantics are.
  for (llvm::Function &function : *module_)
    if (function.isDeclaration() && function.getName().starts_with("tiercel_"))
      if (semantics_->getFunction(function.getName()) == nullptr)
        return llvm::createStringError("no semantics for %s", function.getName().str().c_str());

  if (llvm::Linker::linkModules(*module_, std::move(semantics_), llvm::Linker::LinkOnlyNeeded))
    return llvm::createStringError("linking the semantics bitcode failed");
  // The semantics are private to this region (every region links its own
  // copy; inlined, they disappear), and compiled for the host CPU the JIT
  // targets rather than the baseline the bitcode was built for.
  for (llvm::Function &function : *module_) {
    if (&function != function_ && !function.isDeclaration())
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
    function.removeFnAttr("target-cpu");
    function.removeFnAttr("target-features");
    function.removeFnAttr("tune-cpu");
  }
  for (llvm::GlobalVariable &global : module_->globals())
    if (!global.isDeclaration())
      global.setLinkage(llvm::GlobalValue::InternalLinkage);
  std::string problems;
  llvm::raw_string_ostream stream(problems);
  if (llvm::verifyModule(*module_, &stream))
    return llvm::createStringError("the lifted region is not valid IR: %s", problems.c_str());
  return std::move(module_);
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::Module>> liftRegion(llvm::LLVMContext &context,
                                                         const Region &region,
                                                         const LiftOptions &options,
                                                         const std::string &functionName) {
  return Lifter(context, region, options).lift(functionName);
}

} // namespace tiercel::lifter
