// Host disassembly through Capstone (see host_disassembler.h).
#include "jit/host_disassembler.h"

#include <capstone/capstone.h>

#include <cinttypes>
#include <cstdio>
#include <type_traits>

namespace tiercel::jit {

static_assert(std::is_same_v<csh, size_t>, "the header stores Capstone's handle as a size_t");

namespace {

// How many undecodable bytes formatBlock prints before eliding the rest.
constexpr size_t kUndecodedBytesShown = 16;

llvm::Error capstoneError(const char *what, cs_err err) {
  return llvm::createStringError("capstone: %s: %s", what, cs_strerror(err));
}

// One instruction buffer for the cs_disasm_iter loops, freed on scope exit.
class InstructionBuffer {
public:
  explicit InstructionBuffer(csh handle) : insn_(cs_malloc(handle)) {}
  ~InstructionBuffer() {
    if (insn_)
      cs_free(insn_, 1);
  }
  InstructionBuffer(const InstructionBuffer &) = delete;
  InstructionBuffer &operator=(const InstructionBuffer &) = delete;
  cs_insn *get() const { return insn_; }

private:
  cs_insn *insn_;
};

// Walks code[0, size) calling onInstruction(insn) per decoded instruction;
// returns the number of bytes left undecoded.
template <typename OnInstruction>
size_t decodeEach(csh handle, const uint8_t *code, size_t size, uint64_t address,
                  OnInstruction onInstruction) {
  if (size == 0)
    return 0;
  InstructionBuffer buffer(handle);
  if (!buffer.get())
    llvm::report_fatal_error("capstone: out of memory allocating an instruction");
  const uint8_t *cursor = code;
  size_t left = size;
  uint64_t pc = address;
  while (left != 0 && cs_disasm_iter(handle, &cursor, &left, &pc, buffer.get()))
    onInstruction(*buffer.get());
  return left;
}

} // namespace

llvm::Expected<std::unique_ptr<HostDisassembler>> HostDisassembler::create(bool attSyntax) {
  csh handle = 0;
  if (cs_err err = cs_open(CS_ARCH_X86, CS_MODE_64, &handle); err != CS_ERR_OK)
    return capstoneError("cannot open an x86-64 disassembler", err);
  // Ownership passes to the object now, so every later failure closes it.
  std::unique_ptr<HostDisassembler> disassembler(new HostDisassembler(handle));
  if (attSyntax) {
    if (cs_err err = cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT); err != CS_ERR_OK)
      return capstoneError("AT&T syntax is not available", err);
  }
  // Instruction details (operand lists) are not needed for text; leaving them
  // off keeps decoding fast. Skipdata stays off: see the header on why we
  // stop at the first undecodable byte instead of skipping it.
  return disassembler;
}

HostDisassembler::~HostDisassembler() {
  csh handle = handle_;
  cs_close(&handle);
}

std::vector<HostInstruction> HostDisassembler::disassemble(const uint8_t *code, size_t size,
                                                           uint64_t address,
                                                           size_t *undecodedBytes) const {
  std::vector<HostInstruction> instructions;
  size_t left = decodeEach(handle_, code, size, address, [&](const cs_insn &insn) {
    std::string text = insn.mnemonic;
    if (insn.op_str[0] != '\0') {
      text += ' ';
      text += insn.op_str;
    }
    instructions.push_back(
        HostInstruction{insn.address, static_cast<uint8_t>(insn.size), std::move(text)});
  });
  if (undecodedBytes)
    *undecodedBytes = left;
  return instructions;
}

size_t HostDisassembler::countInstructions(const uint8_t *code, size_t size,
                                           size_t *undecodedBytes) const {
  size_t count = 0;
  size_t left = decodeEach(handle_, code, size, 0, [&](const cs_insn &) { ++count; });
  if (undecodedBytes)
    *undecodedBytes = left;
  return count;
}

std::string HostDisassembler::formatBlock(const uint8_t *code, size_t size,
                                          uint64_t address) const {
  std::string out;
  char line[256];
  size_t left = decodeEach(handle_, code, size, address, [&](const cs_insn &insn) {
    int length;
    if (insn.op_str[0] != '\0')
      length = std::snprintf(line, sizeof(line), "0x%016" PRIx64 ":  %-6s %s\n", insn.address,
                             insn.mnemonic, insn.op_str);
    else
      length =
          std::snprintf(line, sizeof(line), "0x%016" PRIx64 ":  %s\n", insn.address, insn.mnemonic);
    // Capstone bounds mnemonic (32) and operands (160), so a line fits.
    out.append(line, static_cast<size_t>(length) < sizeof(line) ? length : sizeof(line) - 1);
  });
  if (left != 0) {
    size_t offset = size - left;
    std::snprintf(line, sizeof(line), "  ** %zu bytes not decoded at 0x%016" PRIx64 ":", left,
                  address + offset);
    out += line;
    for (size_t i = 0; i < left && i < kUndecodedBytesShown; ++i) {
      std::snprintf(line, sizeof(line), " %02x", code[offset + i]);
      out += line;
    }
    if (left > kUndecodedBytesShown)
      out += " ...";
    out += '\n';
  }
  return out;
}

} // namespace tiercel::jit
