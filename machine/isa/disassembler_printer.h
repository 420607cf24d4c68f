// Internal to the disassembler: the text builder shared by the canonical
// printer (disassembler.cpp) and the pseudo-instruction printer
// (disassembler_aliases.cpp). Not part of the public API.
#pragma once

#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>

#include "machine/isa/disassembler.h"

namespace tiercel::detail {

// Builds "mnemonic op1, op2, ..." one operand at a time.
class AsmPrinter {
public:
  AsmPrinter(const DecodedInstruction &insn, const DisassemblyOptions &options)
      : insn_(insn), options_(options) {}

  AsmPrinter &mnemonic(std::string_view name) {
    text_.append(name);
    return *this;
  }
  AsmPrinter &suffix(std::string_view s) {
    text_.append(s);
    return *this;
  }
  AsmPrinter &x(unsigned reg) { return operand(integerRegisterName(reg, options_.abiNames)); }
  AsmPrinter &f(unsigned reg) { return operand(floatRegisterName(reg, options_.abiNames)); }
  AsmPrinter &imm(int64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%" PRId64, value);
    return operand(buf);
  }
  AsmPrinter &hex(uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
    return operand(buf);
  }
  // A pc-relative target, printed as the absolute address.
  AsmPrinter &target(int64_t offset) { return hex(insn_.pc + static_cast<uint64_t>(offset)); }
  // offset(base); the offset is omitted when `withOffset` is false: "(a0)".
  AsmPrinter &memory(int64_t offset, unsigned base, bool withOffset = true) {
    std::string s;
    if (withOffset)
      s = std::to_string(offset);
    s += '(';
    s += integerRegisterName(base, options_.abiNames);
    s += ')';
    return operand(s);
  }
  AsmPrinter &csr(unsigned number) {
    if (auto name = csrName(number))
      return operand(*name);
    return hex(number);
  }
  AsmPrinter &operand(std::string_view op) {
    text_.append(first_ ? " " : ", ");
    first_ = false;
    text_.append(op);
    return *this;
  }

  std::string take() { return std::move(text_); }

private:
  const DecodedInstruction &insn_;
  const DisassemblyOptions &options_;
  std::string text_;
  bool first_ = true;
};

// Prints `insn` as a pseudo-instruction if objdump would; returns false
// when the canonical form should be printed instead.
bool printAlias(const DecodedInstruction &insn, const DisassemblyOptions &options,
                std::string &out);

} // namespace tiercel::detail
