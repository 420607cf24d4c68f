// ELF loading for user mode (see elf_loader.h). Segments are mapped as
// anonymous guest memory and filled from the file, then given their final
// protection; the file need not stay open and nothing depends on the file's
// offsets being congruent with addresses.
#include "runtime/user/elf_loader.h"

#include <cstring>
#include <vector>

#include "runtime/user/address_space.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/MemoryBuffer.h"

namespace tiercel::user {

namespace {

using ElfFile = llvm::object::ELFFile<llvm::object::ELF64LE>;
using Phdr = ElfFile::Elf_Phdr;

constexpr uint64_t kMaxInterpreterPath = 4096;

llvm::Error fail(const std::string &name, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), (name + ": " + what).str());
}

const char *machineName(unsigned machine) {
  switch (machine) {
  case llvm::ELF::EM_X86_64: return "x86-64";
  case llvm::ELF::EM_386: return "i386";
  case llvm::ELF::EM_AARCH64: return "aarch64";
  case llvm::ELF::EM_ARM: return "arm";
  case llvm::ELF::EM_PPC64: return "ppc64";
  case llvm::ELF::EM_S390: return "s390";
  case llvm::ELF::EM_MIPS: return "mips";
  case llvm::ELF::EM_LOONGARCH: return "loongarch";
  default: return "another machine";
  }
}

int segmentProt(uint32_t flags) {
  int prot = 0;
  if (flags & llvm::ELF::PF_R)
    prot |= kProtRead;
  if (flags & llvm::ELF::PF_W)
    prot |= kProtWrite;
  if (flags & llvm::ELF::PF_X)
    prot |= kProtExec;
  return prot;
}

// The checked view of one file: header fields, program headers and the
// PT_LOAD extent.
struct ParsedElf {
  uint16_t type = 0;
  uint64_t entry = 0;
  uint64_t phoff = 0;
  llvm::ArrayRef<Phdr> phdrs;
  uint64_t lowest = ~0ull; // page-aligned lowest p_vaddr of PT_LOAD
  uint64_t highest = 0;    // page-aligned highest p_vaddr + p_memsz
  uint64_t alignment = AddressSpace::kPageSize;
  std::string interpreter;
};

llvm::Expected<ParsedElf> parse(llvm::MemoryBufferRef buffer, const std::string &name) {
  llvm::StringRef bytes = buffer.getBuffer();
  if (bytes.size() < 4 || std::memcmp(bytes.data(), llvm::ELF::ElfMagic, 4) != 0)
    return fail(name, "not an ELF file (no \\x7fELF magic); tiercel-riscv64 runs riscv64 Linux "
                      "ELF programs");
  if (bytes.size() < sizeof(llvm::ELF::Elf64_Ehdr))
    return fail(name, "truncated ELF file (" + llvm::Twine(bytes.size()) +
                          " bytes, shorter than the ELF header)");
  auto cls = static_cast<uint8_t>(bytes[llvm::ELF::EI_CLASS]);
  auto data = static_cast<uint8_t>(bytes[llvm::ELF::EI_DATA]);
  if (cls != llvm::ELF::ELFCLASS64)
    return fail(name, cls == llvm::ELF::ELFCLASS32
                          ? "is a 32-bit ELF file; tiercel-riscv64 runs 64-bit riscv64 programs"
                          : "invalid ELF class");
  if (data != llvm::ELF::ELFDATA2LSB)
    return fail(name, "is a big-endian ELF file; riscv64 Linux programs are little endian");

  auto fileOrError = ElfFile::create(bytes);
  if (!fileOrError)
    return fail(name, "malformed ELF file: " + llvm::toString(fileOrError.takeError()));
  const ElfFile &file = *fileOrError;
  const auto &header = file.getHeader();
  if (header.e_machine != llvm::ELF::EM_RISCV)
    return fail(name, llvm::Twine("is an ELF file for ") + machineName(header.e_machine) +
                          " (e_machine " + llvm::Twine(unsigned(header.e_machine)) +
                          "), not riscv64");
  ParsedElf parsed;
  parsed.type = header.e_type;
  if (parsed.type != llvm::ELF::ET_EXEC && parsed.type != llvm::ELF::ET_DYN)
    return fail(name, "is not an executable ELF file (e_type " + llvm::Twine(parsed.type) +
                          "; expected ET_EXEC or ET_DYN)");
  uint32_t flags = header.e_flags;
  if (flags & llvm::ELF::EF_RISCV_RVE)
    return fail(name, "uses the RV64E base ISA (EF_RISCV_RVE), which is not supported");
  // The hart is RV64GC: soft, single and double float ABIs all run on it;
  // the quad-float ABI needs the Q extension, which it lacks.
  if ((flags & llvm::ELF::EF_RISCV_FLOAT_ABI) == llvm::ELF::EF_RISCV_FLOAT_ABI_QUAD)
    return fail(name, "uses the quad-float ABI (lp64q), which needs the Q extension; "
                      "tiercel-riscv64 emulates RV64GC");
  parsed.entry = header.e_entry;
  parsed.phoff = header.e_phoff;
  if (header.e_phnum == 0)
    return fail(name, "has no program headers");
  if (header.e_phoff % 8 != 0)
    return fail(name, "malformed ELF file: misaligned program headers (e_phoff 0x" +
                          llvm::Twine::utohexstr(header.e_phoff) + ")");
  auto phdrsOrError = file.program_headers();
  if (!phdrsOrError)
    return fail(name, "malformed ELF file: " + llvm::toString(phdrsOrError.takeError()));
  parsed.phdrs = *phdrsOrError;

  uint64_t fileSize = bytes.size();
  bool anyLoad = false;
  for (const Phdr &phdr : parsed.phdrs) {
    uint64_t offset = phdr.p_offset, fileBytes = phdr.p_filesz;
    if (phdr.p_type == llvm::ELF::PT_INTERP) {
      if (fileBytes == 0 || fileBytes > kMaxInterpreterPath || offset > fileSize ||
          fileBytes > fileSize - offset)
        return fail(name, "malformed ELF file: PT_INTERP lies outside the file");
      llvm::StringRef path(bytes.data() + offset, fileBytes);
      if (path.back() != '\0' || path.drop_back().contains('\0'))
        return fail(name, "malformed ELF file: PT_INTERP is not a NUL-terminated path");
      parsed.interpreter = path.drop_back().str();
      continue;
    }
    if (phdr.p_type != llvm::ELF::PT_LOAD)
      continue;
    anyLoad = true;
    uint64_t vaddr = phdr.p_vaddr, memBytes = phdr.p_memsz;
    if (offset > fileSize || fileBytes > fileSize - offset)
      return fail(name, "malformed ELF file: a PT_LOAD segment (offset 0x" +
                            llvm::Twine::utohexstr(offset) + ", size 0x" +
                            llvm::Twine::utohexstr(fileBytes) + ") lies outside the file (" +
                            llvm::Twine(fileSize) + " bytes)");
    if (fileBytes > memBytes)
      return fail(name, "malformed ELF file: a PT_LOAD segment has p_filesz > p_memsz");
    if (vaddr >= AddressSpace::kGuestSize || memBytes > AddressSpace::kGuestSize - vaddr)
      return fail(name, "a PT_LOAD segment (0x" + llvm::Twine::utohexstr(vaddr) +
                            ") lies outside the riscv64 user address space");
    uint64_t align = phdr.p_align;
    if (align > 1 && (align & (align - 1)) == 0 && align <= (1ull << 30))
      parsed.alignment = std::max(parsed.alignment, align);
    parsed.lowest = std::min(parsed.lowest, pageAlignDown(vaddr));
    parsed.highest = std::max(parsed.highest, pageAlignUp(vaddr + memBytes));
  }
  if (!anyLoad)
    return fail(name, "has no loadable (PT_LOAD) segment");
  return parsed;
}

} // namespace

llvm::Error validateElf(llvm::MemoryBufferRef buffer, const std::string &name) {
  auto parsed = parse(buffer, name);
  return parsed ? llvm::Error::success() : parsed.takeError();
}

llvm::Expected<LoadedImage> loadElfImage(AddressSpace &space, llvm::MemoryBufferRef buffer,
                                         const std::string &name, ImageRole role) {
  auto parsedOrError = parse(buffer, name);
  if (!parsedOrError)
    return parsedOrError.takeError();
  const ParsedElf &elf = *parsedOrError;
  uint64_t span = elf.highest - elf.lowest;

  // Where the image goes (binfmt_elf.c load_elf_binary / load_elf_interp).
  uint64_t bias = 0;
  if (elf.type == llvm::ELF::ET_DYN) {
    uint64_t base;
    if (role == ImageRole::Program && !elf.interpreter.empty()) {
      base = kEtDynBase & ~(elf.alignment - 1);
      if (!space.isFree(base, span)) {
        auto found = space.findFreeRange(span, elf.alignment);
        if (!found)
          return fail(name, "no room in the guest address space for the program");
        base = *found;
      }
    } else {
      auto found = space.findFreeRange(span, elf.alignment);
      if (!found)
        return fail(name, "no room in the guest address space for the image");
      base = *found;
    }
    bias = base - elf.lowest;
  } else if (!space.isFree(elf.lowest, span)) {
    return fail(name, "its segments overlap memory that is already mapped");
  }

  // Map every segment writable, fill it, then apply the final protections.
  // A page shared by two segments (possible with small alignments) is
  // mapped once and gets both segments' permissions.
  struct Range {
    uint64_t start, end;
    int prot;
  };
  std::vector<Range> ranges;
  for (const Phdr &phdr : elf.phdrs) {
    if (phdr.p_type != llvm::ELF::PT_LOAD || phdr.p_memsz == 0)
      continue;
    ranges.push_back(Range{pageAlignDown(phdr.p_vaddr + bias),
                           pageAlignUp(phdr.p_vaddr + bias + phdr.p_memsz),
                           segmentProt(phdr.p_flags)});
  }
  for (const Range &range : ranges) {
    uint64_t start = range.start, end = range.end;
    while (start < end && space.isMapped(start))
      start += AddressSpace::kPageSize;
    while (end > start && space.isMapped(end - AddressSpace::kPageSize))
      end -= AddressSpace::kPageSize;
    if (start < end && !space.mapFixedAnonymous(start, end - start, kProtRead | kProtWrite))
      return fail(name, "cannot map a segment at 0x" + llvm::Twine::utohexstr(start));
  }
  for (const Phdr &phdr : elf.phdrs) {
    if (phdr.p_type != llvm::ELF::PT_LOAD || phdr.p_filesz == 0)
      continue;
    std::memcpy(space.hostPointer(phdr.p_vaddr + bias), buffer.getBufferStart() + phdr.p_offset,
                phdr.p_filesz);
  }
  for (const Range &range : ranges)
    if (int64_t error = space.protect(range.start, range.end - range.start, range.prot))
      return fail(name, "cannot protect a segment: " + llvm::Twine(std::strerror(int(-error))));
  for (size_t i = 0; i < ranges.size(); ++i)
    for (size_t j = i + 1; j < ranges.size(); ++j) {
      uint64_t lo = std::max(ranges[i].start, ranges[j].start);
      uint64_t hi = std::min(ranges[i].end, ranges[j].end);
      if (lo < hi)
        space.protect(lo, hi - lo, ranges[i].prot | ranges[j].prot);
    }

  LoadedImage image;
  image.loadBias = bias;
  image.entry = elf.entry + bias;
  image.start = elf.lowest + bias;
  image.end = 0;
  for (const Phdr &phdr : elf.phdrs)
    if (phdr.p_type == llvm::ELF::PT_LOAD)
      image.end = std::max<uint64_t>(image.end, phdr.p_vaddr + phdr.p_memsz + bias);
  image.phdrCount = static_cast<uint16_t>(elf.phdrs.size());
  image.phdrEntrySize = sizeof(Phdr);
  // AT_PHDR: PT_PHDR if present, else the PT_LOAD that covers e_phoff.
  for (const Phdr &phdr : elf.phdrs)
    if (phdr.p_type == llvm::ELF::PT_PHDR)
      image.phdrAddress = phdr.p_vaddr + bias;
  if (image.phdrAddress == 0) {
    for (const Phdr &phdr : elf.phdrs)
      if (phdr.p_type == llvm::ELF::PT_LOAD && elf.phoff >= phdr.p_offset &&
          elf.phoff - phdr.p_offset < phdr.p_filesz)
        image.phdrAddress = phdr.p_vaddr + (elf.phoff - phdr.p_offset) + bias;
  }
  image.interpreter = elf.interpreter;
  return image;
}

llvm::Expected<LoadedImage> loadElfFile(AddressSpace &space, const std::string &path,
                                        ImageRole role, int fd) {
  // binfmt_misc's O flag hands the file over open (AT_EXECFD): it may be
  // executable but not readable by path.
  auto bufferOrError =
      fd >= 0 ? llvm::MemoryBuffer::getOpenFile(fd, path, /*FileSize=*/-1,
                                                /*RequiresNullTerminator=*/false)
              : llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!bufferOrError)
    return fail(path, "cannot read: " + bufferOrError.getError().message());
  return loadElfImage(space, (*bufferOrError)->getMemBufferRef(), path, role);
}

} // namespace tiercel::user
