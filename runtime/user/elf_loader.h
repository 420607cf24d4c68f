// Loads riscv64 Linux ELF images into a guest address space, as Linux's
// fs/binfmt_elf.c does: static (ET_EXEC), static-pie and dynamic (ET_DYN,
// with PT_INTERP naming the dynamic loader). Parsing goes through LLVM's
// Object library; every offset and size in the file is checked against the
// file before use, so a malformed file is an llvm::Error, never a crash.
#pragma once

#include <cstdint>
#include <string>

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

namespace tiercel::user {

class AddressSpace;

// Where Linux puts a PIE that has an interpreter (ELF_ET_DYN_BASE: two
// thirds of the user range, arch/riscv/include/asm/elf.h).
inline constexpr uint64_t kEtDynBase = ((1ull << 38) / 3 * 2) & ~0xfffull;

enum class ImageRole : uint8_t {
  Program,     // the executable itself: ET_EXEC at its address, a PIE with an
               // interpreter at kEtDynBase, a static-pie top-down like mmap
  Interpreter, // the dynamic loader: ET_DYN at an mmap address
};

struct LoadedImage {
  uint64_t loadBias = 0;      // added to every p_vaddr (0 for ET_EXEC)
  uint64_t entry = 0;         // e_entry + loadBias
  uint64_t phdrAddress = 0;   // guest address of the program headers (AT_PHDR)
  uint16_t phdrCount = 0;     // AT_PHNUM
  uint16_t phdrEntrySize = 0; // AT_PHENT
  uint64_t start = 0;         // lowest mapped address
  uint64_t end = 0;           // end of the highest segment's memory (brk start)
  std::string interpreter;    // PT_INTERP as written in the file; empty if none
};

// Checks the header (magic, ELFCLASS64, little endian, EM_RISCV, ET_EXEC or
// ET_DYN, a supported float ABI) and the program headers without mapping
// anything. `name` is used in error messages.
llvm::Error validateElf(llvm::MemoryBufferRef buffer, const std::string &name);

// Validates, then maps the PT_LOAD segments and copies their file bytes.
llvm::Expected<LoadedImage> loadElfImage(AddressSpace &space, llvm::MemoryBufferRef buffer,
                                         const std::string &name, ImageRole role);

// Reads the file at `path` (or from `fd` when it is not -1; `path` then
// only names it in messages) and loads it.
llvm::Expected<LoadedImage> loadElfFile(AddressSpace &space, const std::string &path,
                                        ImageRole role, int fd = -1);

} // namespace tiercel::user
