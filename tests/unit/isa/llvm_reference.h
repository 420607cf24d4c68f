// LLVM's RISC-V MC disassembler as a reference for the decoder and the
// disassembler tests: decodes one word with riscv64 RV64GC + Zba/Zbb/Zbs
// and prints it in LLVM's canonical (no-aliases) syntax, with branch
// targets as absolute addresses.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "llvm/MC/MCInst.h"

namespace llvm {
class MCAsmInfo;
class MCContext;
class MCDisassembler;
class MCInstPrinter;
class MCInstrInfo;
class MCRegisterInfo;
class MCSubtargetInfo;
} // namespace llvm

namespace tiercel::test {

class LlvmReference {
public:
  LlvmReference();
  ~LlvmReference();

  // A non-empty error when the RISC-V target could not be created.
  const std::string &error() const { return error_; }

  // Decodes a 2- or 4-byte instruction (little-endian `bits`, `length`
  // bytes of it). nullopt when LLVM rejects it or decodes fewer bytes.
  std::optional<llvm::MCInst> decode(uint32_t bits, unsigned length, uint64_t pc) const;

  std::string print(const llvm::MCInst &inst, uint64_t pc) const;
  std::string_view opcodeName(const llvm::MCInst &inst) const;
  std::string registerName(unsigned reg) const;

private:
  std::string error_;
  std::unique_ptr<llvm::MCRegisterInfo> registers_;
  std::unique_ptr<llvm::MCAsmInfo> asmInfo_;
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget_;
  std::unique_ptr<llvm::MCInstrInfo> instrInfo_;
  std::unique_ptr<llvm::MCContext> context_;
  std::unique_ptr<llvm::MCDisassembler> disassembler_;
  std::unique_ptr<llvm::MCInstPrinter> printer_;
};

} // namespace tiercel::test
