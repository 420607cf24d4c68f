// Writes a generated fuzz program as a minimal static riscv64 Linux ELF64
// executable: the ELF header, two program headers and the two segments,
// no section headers (the loader needs none). Field meanings follow the
// System V gABI ("ELF header", "Program header") and the RISC-V ELF psABI
// (EM_RISCV, e_flags).
//
//   PT_LOAD R+X  file offset 0, at layout::kTextBase: headers, then the code
//                at layout::kCodeStart (the entry point)
//   PT_LOAD RW   page-aligned file offset, at layout::kDataBase: pool, dump
//                area, scratch buffer
#include <cstdlib>

#include "tests/fuzz/program.h"

namespace tiercel::fuzz {
namespace {

constexpr uint64_t kPageSize = 0x1000;
constexpr uint16_t kElfHeaderSize = 64, kProgramHeaderSize = 56;
constexpr uint16_t kEtExec = 2, kEmRiscv = 243;
constexpr uint32_t kPtLoad = 1, kPfX = 1, kPfW = 2, kPfR = 4;
// EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE: compressed code, lp64d.
constexpr uint32_t kElfFlags = 0x1 | 0x4;

class ByteWriter {
public:
  explicit ByteWriter(std::vector<uint8_t> &out) : out(out) {}
  void u8(uint8_t v) { out.push_back(v); }
  void u16(uint16_t v) { little(v, 2); }
  void u32(uint32_t v) { little(v, 4); }
  void u64(uint64_t v) { little(v, 8); }

private:
  void little(uint64_t v, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i)
      out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> &out;
};

void programHeader(ByteWriter &w, uint32_t flags, uint64_t offset, uint64_t vaddr, uint64_t size) {
  w.u32(kPtLoad);
  w.u32(flags);
  w.u64(offset);
  w.u64(vaddr); // p_vaddr
  w.u64(vaddr); // p_paddr
  w.u64(size);  // p_filesz
  w.u64(size);  // p_memsz
  w.u64(kPageSize);
}

} // namespace

std::vector<uint8_t> buildElf(const GeneratedProgram &program) {
  const uint64_t codeOffset = layout::kCodeStart - layout::kTextBase;
  const uint64_t textSize = codeOffset + program.code.size();
  const uint64_t dataOffset = (textSize + kPageSize - 1) & ~(kPageSize - 1);
  static_assert(layout::kDataBase % kPageSize == 0, "data must start on a page");
  static_assert(kElfHeaderSize + 2 * kProgramHeaderSize <= layout::kCodeStart - layout::kTextBase,
                "headers must fit before the code");

  std::vector<uint8_t> out;
  ByteWriter w(out);
  // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV, padding.
  for (int b : {0x7f, int('E'), int('L'), int('F'), 2, 1, 1, 0})
    w.u8(static_cast<uint8_t>(b));
  for (int i = 0; i < 8; ++i)
    w.u8(0);
  w.u16(kEtExec);
  w.u16(kEmRiscv);
  w.u32(1);                  // e_version
  w.u64(layout::kCodeStart); // e_entry
  w.u64(kElfHeaderSize);     // e_phoff
  w.u64(0);                  // e_shoff: no section headers
  w.u32(kElfFlags);
  w.u16(kElfHeaderSize);
  w.u16(kProgramHeaderSize);
  w.u16(2);  // e_phnum
  w.u16(64); // e_shentsize
  w.u16(0);  // e_shnum
  w.u16(0);  // e_shstrndx
  programHeader(w, kPfR | kPfX, 0, layout::kTextBase, textSize);
  programHeader(w, kPfR | kPfW, dataOffset, layout::kDataBase, program.data.size());

  out.resize(codeOffset, 0);
  out.insert(out.end(), program.code.begin(), program.code.end());
  out.resize(dataOffset, 0);
  out.insert(out.end(), program.data.begin(), program.data.end());
  return out;
}

} // namespace tiercel::fuzz
