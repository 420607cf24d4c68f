// LlvmReference: owns the MC objects of the RISC-V target (see header).
#include "llvm_reference.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInstPrinter.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"

extern "C" void LLVMInitializeRISCVTargetInfo();
extern "C" void LLVMInitializeRISCVTargetMC();
extern "C" void LLVMInitializeRISCVDisassembler();

namespace tiercel::test {

namespace {
constexpr const char *kTriple = "riscv64-unknown-linux-gnu";
constexpr const char *kFeatures = "+m,+a,+f,+d,+c,+zicsr,+zifencei,+zba,+zbb,+zbs";
} // namespace

LlvmReference::LlvmReference() {
  LLVMInitializeRISCVTargetInfo();
  LLVMInitializeRISCVTargetMC();
  LLVMInitializeRISCVDisassembler();
  const llvm::Triple triple(kTriple);
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(kTriple, error_);
  if (!target)
    return;
  registers_.reset(target->createMCRegInfo(kTriple));
  llvm::MCTargetOptions options;
  asmInfo_.reset(target->createMCAsmInfo(*registers_, kTriple, options));
  subtarget_.reset(target->createMCSubtargetInfo(kTriple, "", kFeatures));
  instrInfo_.reset(target->createMCInstrInfo());
  if (!registers_ || !asmInfo_ || !subtarget_ || !instrInfo_) {
    error_ = "cannot create the RISC-V MC objects";
    return;
  }
  context_ =
      std::make_unique<llvm::MCContext>(triple, asmInfo_.get(), registers_.get(), subtarget_.get());
  disassembler_.reset(target->createMCDisassembler(*subtarget_, *context_));
  printer_.reset(target->createMCInstPrinter(triple, 0, *asmInfo_, *instrInfo_, *registers_));
  if (!disassembler_ || !printer_) {
    error_ = "cannot create the RISC-V disassembler or printer";
    return;
  }
  // Canonical forms only, so both sides print the instruction itself.
  if (!printer_->applyTargetSpecificCLOption("no-aliases"))
    error_ = "the RISC-V printer does not accept no-aliases";
  printer_->setPrintBranchImmAsAddress(true);
}

LlvmReference::~LlvmReference() = default;

std::optional<llvm::MCInst> LlvmReference::decode(uint32_t bits, unsigned length,
                                                  uint64_t pc) const {
  const uint8_t bytes[4] = {static_cast<uint8_t>(bits), static_cast<uint8_t>(bits >> 8),
                            static_cast<uint8_t>(bits >> 16), static_cast<uint8_t>(bits >> 24)};
  llvm::MCInst inst;
  uint64_t size = 0;
  auto status = disassembler_->getInstruction(inst, size, llvm::ArrayRef<uint8_t>(bytes, length),
                                              pc, llvm::nulls());
  if (status != llvm::MCDisassembler::Success || size != length)
    return std::nullopt;
  return inst;
}

std::string LlvmReference::print(const llvm::MCInst &inst, uint64_t pc) const {
  std::string text;
  llvm::raw_string_ostream os(text);
  printer_->printInst(&inst, pc, "", *subtarget_, os);
  os.flush();
  return text;
}

std::string_view LlvmReference::opcodeName(const llvm::MCInst &inst) const {
  llvm::StringRef name = instrInfo_->getName(inst.getOpcode());
  return std::string_view(name.data(), name.size());
}

std::string LlvmReference::registerName(unsigned reg) const {
  std::string text;
  llvm::raw_string_ostream os(text);
  printer_->printRegName(os, llvm::MCRegister(reg));
  os.flush();
  return text;
}

} // namespace tiercel::test
