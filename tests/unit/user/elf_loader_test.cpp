// ELF loader: valid minimal images (ET_EXEC and ET_DYN), and malformed or
// foreign files rejected with a message naming the problem: truncated,
// wrong class, byte order, machine or type, bogus program header and
// segment offsets, bad PT_INTERP, the quad-float ABI. Real cross-compiled
// files from the riscv64 sysroot are loaded and truncated at many lengths.
#include "runtime/user/elf_loader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "runtime/user/address_space.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/MemoryBuffer.h"

namespace tiercel::user {
namespace {

using namespace llvm::ELF;

constexpr uint64_t kCodeVaddr = 0x10000;
constexpr uint64_t kDataVaddr = 0x11000;

// A minimal riscv64 executable: header, two program headers (text at
// kCodeVaddr, data + bss at kDataVaddr), then 8 code bytes and 8 data bytes.
struct MiniElf {
  std::vector<uint8_t> bytes;

  Elf64_Ehdr &header() { return *reinterpret_cast<Elf64_Ehdr *>(bytes.data()); }
  Elf64_Phdr &phdr(int i) {
    return *reinterpret_cast<Elf64_Phdr *>(bytes.data() + sizeof(Elf64_Ehdr) +
                                           i * sizeof(Elf64_Phdr));
  }
  llvm::MemoryBufferRef ref() const {
    return llvm::MemoryBufferRef(
        llvm::StringRef(reinterpret_cast<const char *>(bytes.data()), bytes.size()), "mini");
  }

  explicit MiniElf(uint16_t type = ET_EXEC) {
    size_t codeOffset = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
    bytes.assign(codeOffset + 16, 0);
    Elf64_Ehdr &h = header();
    std::memcpy(h.e_ident, ElfMagic, 4);
    h.e_ident[EI_CLASS] = ELFCLASS64;
    h.e_ident[EI_DATA] = ELFDATA2LSB;
    h.e_ident[EI_VERSION] = EV_CURRENT;
    h.e_type = type;
    h.e_machine = EM_RISCV;
    h.e_version = EV_CURRENT;
    h.e_entry = kCodeVaddr + codeOffset % 0x1000;
    h.e_phoff = sizeof(Elf64_Ehdr);
    h.e_ehsize = sizeof(Elf64_Ehdr);
    h.e_phentsize = sizeof(Elf64_Phdr);
    h.e_phnum = 2;
    h.e_flags = EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE;
    Elf64_Phdr &text = phdr(0);
    text.p_type = PT_LOAD;
    text.p_flags = PF_R | PF_X;
    text.p_offset = 0;
    text.p_vaddr = kCodeVaddr;
    text.p_filesz = text.p_memsz = codeOffset + 8;
    text.p_align = 0x1000;
    Elf64_Phdr &data = phdr(1);
    data.p_type = PT_LOAD;
    data.p_flags = PF_R | PF_W;
    data.p_offset = codeOffset + 8;
    data.p_vaddr = kDataVaddr + (codeOffset + 8) % 0x1000;
    data.p_filesz = 8;
    data.p_memsz = 0x2000; // bss
    data.p_align = 0x1000;
    std::memcpy(bytes.data() + codeOffset, "\x13\x00\x00\x00\x73\x00\x00\x00", 8); // nop; ecall
    std::memcpy(bytes.data() + codeOffset + 8, "DATADATA", 8);
  }
};

std::unique_ptr<AddressSpace> makeSpace() {
  auto space = AddressSpace::create();
  EXPECT_TRUE(bool(space));
  return std::move(*space);
}

std::string loadError(MiniElf &elf, ImageRole role = ImageRole::Program) {
  auto space = makeSpace();
  auto image = loadElfImage(*space, elf.ref(), "prog", role);
  if (image)
    return "";
  return llvm::toString(image.takeError());
}

TEST(ElfLoader, LoadsAStaticExecutable) {
  MiniElf elf;
  auto space = makeSpace();
  auto image = loadElfImage(*space, elf.ref(), "prog", ImageRole::Program);
  ASSERT_TRUE(bool(image)) << llvm::toString(image.takeError());
  EXPECT_EQ(image->loadBias, 0u);
  EXPECT_EQ(image->entry, elf.header().e_entry);
  EXPECT_EQ(image->phdrAddress, kCodeVaddr + sizeof(Elf64_Ehdr)); // inside the text PT_LOAD
  EXPECT_EQ(image->phdrCount, 2);
  EXPECT_EQ(image->phdrEntrySize, sizeof(Elf64_Phdr));
  EXPECT_TRUE(image->interpreter.empty());
  EXPECT_EQ(image->end, elf.phdr(1).p_vaddr + 0x2000);
  // Bytes copied, bss zero, protections as the segments say.
  EXPECT_EQ(std::memcmp(space->hostPointer(image->entry), "\x13\x00\x00\x00", 4), 0);
  EXPECT_EQ(std::memcmp(space->hostPointer(elf.phdr(1).p_vaddr), "DATADATA", 8), 0);
  EXPECT_EQ(space->hostPointer(elf.phdr(1).p_vaddr + 8)[0], 0);
  EXPECT_TRUE(space->isExecutable(image->entry, 4));
  EXPECT_FALSE(space->isAccessible(image->entry, 4, true));
  EXPECT_TRUE(space->isAccessible(elf.phdr(1).p_vaddr, 0x2000, true));
  EXPECT_FALSE(space->isExecutable(elf.phdr(1).p_vaddr, 4));
}

TEST(ElfLoader, PlacesPositionIndependentImages) {
  MiniElf pie(ET_DYN);
  // With an interpreter a PIE goes to ELF_ET_DYN_BASE...
  std::string interp = "/lib/ld-linux-riscv64-lp64d.so.1";
  size_t interpOffset = pie.bytes.size();
  pie.bytes.insert(pie.bytes.end(), interp.begin(), interp.end());
  pie.bytes.push_back(0);
  pie.header().e_phnum = 3;
  // Move the phdrs to the end of the file to make room for a third one.
  std::vector<uint8_t> phdrs(pie.bytes.begin() + sizeof(Elf64_Ehdr),
                             pie.bytes.begin() + sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr));
  while (pie.bytes.size() % 8)
    pie.bytes.push_back(0);
  size_t phoff = pie.bytes.size();
  pie.bytes.insert(pie.bytes.end(), phdrs.begin(), phdrs.end());
  pie.bytes.resize(pie.bytes.size() + sizeof(Elf64_Phdr));
  pie.header().e_phoff = phoff;
  auto *p = reinterpret_cast<Elf64_Phdr *>(pie.bytes.data() + phoff);
  p[0].p_filesz = p[0].p_memsz = pie.bytes.size(); // text covers the whole file
  p[1].p_offset = p[0].p_filesz;
  p[1].p_filesz = 0;
  p[1].p_vaddr = kDataVaddr + 0x1000;
  p[2].p_type = PT_INTERP;
  p[2].p_offset = interpOffset;
  p[2].p_filesz = interp.size() + 1;
  auto space = makeSpace();
  auto image = loadElfImage(*space, pie.ref(), "pie", ImageRole::Program);
  ASSERT_TRUE(bool(image)) << llvm::toString(image.takeError());
  EXPECT_EQ(image->interpreter, interp);
  EXPECT_EQ(image->loadBias + kCodeVaddr, kEtDynBase);
  EXPECT_EQ(image->entry, pie.header().e_entry + image->loadBias);

  // ...an interpreter goes top-down below the mmap base.
  MiniElf loader(ET_DYN);
  space->setMmapBase(0x3000000000);
  auto loaded = loadElfImage(*space, loader.ref(), "ld.so", ImageRole::Interpreter);
  ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
  EXPECT_LT(loaded->start, 0x3000000000u);
  EXPECT_GT(loaded->start, 0x2f00000000u);
  EXPECT_EQ(loaded->start % 0x1000, 0u);
}

TEST(ElfLoader, RejectsTruncatedFiles) {
  MiniElf elf;
  for (size_t size : {0, 3, 4, 16, 63}) {
    MiniElf cut = elf;
    cut.bytes.resize(size);
    std::string error = loadError(cut);
    EXPECT_FALSE(error.empty()) << size;
    EXPECT_NE(error.find("prog: "), std::string::npos) << error;
  }
  MiniElf cut = elf;
  cut.bytes.resize(40);
  EXPECT_NE(loadError(cut).find("truncated"), std::string::npos);
}

TEST(ElfLoader, RejectsForeignFiles) {
  MiniElf text;
  std::memcpy(text.bytes.data(), "#!/bin", 6);
  EXPECT_NE(loadError(text).find("not an ELF file"), std::string::npos);

  MiniElf elf32;
  elf32.header().e_ident[EI_CLASS] = ELFCLASS32;
  EXPECT_NE(loadError(elf32).find("32-bit"), std::string::npos);

  MiniElf bigEndian;
  bigEndian.header().e_ident[EI_DATA] = ELFDATA2MSB;
  EXPECT_NE(loadError(bigEndian).find("big-endian"), std::string::npos);

  MiniElf x86;
  x86.header().e_machine = EM_X86_64;
  std::string error = loadError(x86);
  EXPECT_NE(error.find("x86-64"), std::string::npos) << error;
  EXPECT_NE(error.find("not riscv64"), std::string::npos) << error;

  MiniElf object;
  object.header().e_type = ET_REL;
  EXPECT_NE(loadError(object).find("not an executable"), std::string::npos);

  MiniElf quad;
  quad.header().e_flags = EF_RISCV_FLOAT_ABI_QUAD;
  EXPECT_NE(loadError(quad).find("quad-float"), std::string::npos);

  MiniElf rve;
  rve.header().e_flags |= EF_RISCV_RVE;
  EXPECT_NE(loadError(rve).find("RV64E"), std::string::npos);

  MiniElf soft; // soft-float programs run on an RV64GC hart
  soft.header().e_flags = 0;
  EXPECT_EQ(loadError(soft), "");
}

TEST(ElfLoader, RejectsBogusProgramHeaders) {
  MiniElf farPhdrs;
  farPhdrs.header().e_phoff = 0x100000;
  EXPECT_NE(loadError(farPhdrs).find("malformed"), std::string::npos);

  MiniElf wrapPhdrs;
  wrapPhdrs.header().e_phoff = ~uint64_t{0} - 7;
  EXPECT_NE(loadError(wrapPhdrs).find("malformed"), std::string::npos);

  MiniElf manyPhdrs;
  manyPhdrs.header().e_phnum = 0xffff;
  EXPECT_NE(loadError(manyPhdrs).find("malformed"), std::string::npos);

  MiniElf entrySize;
  entrySize.header().e_phentsize = 40;
  EXPECT_NE(loadError(entrySize).find("e_phentsize"), std::string::npos);

  MiniElf none;
  none.header().e_phnum = 0;
  EXPECT_NE(loadError(none).find("no program headers"), std::string::npos);

  MiniElf noLoad;
  noLoad.phdr(0).p_type = PT_NOTE;
  noLoad.phdr(1).p_type = PT_NOTE;
  EXPECT_NE(loadError(noLoad).find("PT_LOAD"), std::string::npos);
}

TEST(ElfLoader, RejectsBogusSegments) {
  MiniElf outside;
  outside.phdr(1).p_offset = 0x7fffffffffffffff;
  EXPECT_NE(loadError(outside).find("outside the file"), std::string::npos);

  MiniElf tooLong;
  tooLong.phdr(1).p_filesz = tooLong.phdr(1).p_memsz = 0x100000;
  EXPECT_NE(loadError(tooLong).find("outside the file"), std::string::npos);

  MiniElf fileBiggerThanMemory;
  fileBiggerThanMemory.phdr(1).p_memsz = 4;
  EXPECT_NE(loadError(fileBiggerThanMemory).find("p_filesz > p_memsz"), std::string::npos);

  MiniElf highAddress;
  highAddress.phdr(1).p_vaddr = uint64_t{1} << 40;
  EXPECT_NE(loadError(highAddress).find("address space"), std::string::npos);

  MiniElf wrapping;
  wrapping.phdr(1).p_vaddr = 0x10000;
  wrapping.phdr(1).p_memsz = ~uint64_t{0};
  EXPECT_NE(loadError(wrapping).find("address space"), std::string::npos);

  MiniElf badInterp;
  badInterp.phdr(1).p_type = PT_INTERP; // points at "DATADATA": no NUL
  EXPECT_NE(loadError(badInterp).find("PT_INTERP"), std::string::npos);

  MiniElf interpOutside;
  interpOutside.phdr(1).p_type = PT_INTERP;
  interpOutside.phdr(1).p_offset = 1 << 20;
  EXPECT_NE(loadError(interpOutside).find("PT_INTERP"), std::string::npos);
}

// A real riscv64 file from Debian's cross sysroot (skipped if absent).
std::vector<uint8_t> readSysrootFile(const char *path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(ElfLoader, LoadsAndSurvivesTruncationsOfARealLoader) {
  auto bytes = readSysrootFile("/usr/riscv64-linux-gnu/lib/ld-linux-riscv64-lp64d.so.1");
  if (bytes.empty())
    GTEST_SKIP() << "no riscv64 sysroot";
  {
    auto space = makeSpace();
    llvm::MemoryBufferRef ref(llvm::StringRef(reinterpret_cast<char *>(bytes.data()), bytes.size()),
                              "ld.so");
    auto image = loadElfImage(*space, ref, "ld.so", ImageRole::Interpreter);
    ASSERT_TRUE(bool(image)) << llvm::toString(image.takeError());
    EXPECT_TRUE(space->isExecutable(image->entry, 4));
  }
  // Every truncation is either loadable or a clean error; never a crash.
  for (size_t size = 0; size < bytes.size(); size += 1 + size / 3) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + size);
    llvm::MemoryBufferRef ref(llvm::StringRef(reinterpret_cast<char *>(cut.data()), cut.size()),
                              "cut");
    llvm::Error validation = validateElf(ref, "cut");
    bool rejected = bool(validation);
    llvm::consumeError(std::move(validation));
    if (size < sizeof(Elf64_Ehdr))
      EXPECT_TRUE(rejected) << size;
    auto space = makeSpace();
    auto image = loadElfImage(*space, ref, "cut", ImageRole::Interpreter);
    if (!image)
      llvm::consumeError(image.takeError());
  }
  // Random byte corruption of the header and program headers.
  uint32_t seed = 12345;
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> corrupt = bytes;
    for (int k = 0; k < 4; ++k) {
      seed = seed * 1103515245 + 12345;
      corrupt[(seed >> 8) % 512] = uint8_t(seed >> 24);
    }
    llvm::MemoryBufferRef ref(
        llvm::StringRef(reinterpret_cast<char *>(corrupt.data()), corrupt.size()), "corrupt");
    auto space = makeSpace();
    auto image = loadElfImage(*space, ref, "corrupt", ImageRole::Interpreter);
    if (!image)
      llvm::consumeError(image.takeError());
  }
}

TEST(ElfLoader, MissingFileIsAnError) {
  auto space = makeSpace();
  auto image = loadElfFile(*space, "/nonexistent/tiercel-program", ImageRole::Program);
  ASSERT_FALSE(bool(image));
  std::string error = llvm::toString(image.takeError());
  EXPECT_NE(error.find("/nonexistent/tiercel-program"), std::string::npos) << error;
}

} // namespace
} // namespace tiercel::user
