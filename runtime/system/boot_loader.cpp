// Boot images into the virt board's RAM (see boot_loader.h).
#include "runtime/system/boot_loader.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "runtime/system/board.h"
#include "runtime/system/virt_fdt.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/MemoryBuffer.h"

namespace tiercel::system {

namespace {

using ElfFile = llvm::object::ELFFile<llvm::object::ELF64LE>;

constexpr uint64_t kKernelAlign = uint64_t{2} << 20; // RV64 kernels: 2 MiB
constexpr uint64_t kFdtAlign = uint64_t{2} << 20;
constexpr uint64_t kFdtLimit = uint64_t{3} << 30; // below 3 GiB, for 32-bit code
constexpr uint64_t kPage = 4096;

llvm::Error bootError(const char *format, auto... args) {
  char text[512];
  std::snprintf(text, sizeof text, format, args...);
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s",
                                 static_cast<const char *>(text));
}

uint64_t alignUp(uint64_t value, uint64_t align) { return (value + align - 1) & ~(align - 1); }
uint64_t alignDown(uint64_t value, uint64_t align) { return value & ~(align - 1); }

bool isElf(const BootFile &file) {
  return file.bytes.size() >= 4 && std::memcmp(file.bytes.data(),
                                               "\x7f"
                                               "ELF",
                                               4) == 0;
}

struct LoadedImage {
  AddressRange range;
  uint64_t entry = 0;
};

llvm::Expected<LoadedImage> loadRaw(Board &board, const BootFile &file, const char *role,
                                    uint64_t address) {
  uint64_t size = std::max<uint64_t>(file.bytes.size(), 1);
  uint8_t *host = board.ramPointer(address, size);
  if (host == nullptr)
    return bootError("%s %s (%zu bytes) does not fit in RAM at 0x%" PRIx64 " (RAM is 0x%" PRIx64
                     "..0x%" PRIx64 ", -m %" PRIu64 "M)",
                     role, file.name.c_str(), file.bytes.size(), address, board.ramBase(),
                     board.ramBase() + board.ramSize(), board.ramSize() >> 20);
  std::memcpy(host, file.bytes.data(), file.bytes.size());
  return LoadedImage{{address, address + file.bytes.size()}, address};
}

// PT_LOAD segments at their physical addresses (as QEMU's load_elf).
llvm::Expected<LoadedImage> loadElf(Board &board, const BootFile &file, const char *role) {
  llvm::StringRef data(reinterpret_cast<const char *>(file.bytes.data()), file.bytes.size());
  auto invalid = [&](const std::string &why) {
    return bootError("%s %s: %s", role, file.name.c_str(), why.c_str());
  };
  if (file.bytes.size() < llvm::ELF::EI_NIDENT ||
      file.bytes[llvm::ELF::EI_CLASS] != llvm::ELF::ELFCLASS64 ||
      file.bytes[llvm::ELF::EI_DATA] != llvm::ELF::ELFDATA2LSB)
    return invalid("not a 64-bit little-endian ELF file");
  llvm::Expected<ElfFile> elf = ElfFile::create(data);
  if (!elf)
    return invalid(llvm::toString(elf.takeError()));
  if (elf->getHeader().e_machine != llvm::ELF::EM_RISCV)
    return invalid("not a RISC-V ELF file");
  auto headers = elf->program_headers();
  if (!headers)
    return invalid(llvm::toString(headers.takeError()));
  LoadedImage image;
  image.range = {~uint64_t{0}, 0};
  uint64_t entry = elf->getHeader().e_entry;
  image.entry = entry;
  bool any = false;
  for (const auto &header : *headers) {
    if (header.p_type != llvm::ELF::PT_LOAD || header.p_memsz == 0)
      continue;
    uint64_t paddr = header.p_paddr, memsz = header.p_memsz, filesz = header.p_filesz;
    if (filesz > memsz || header.p_offset > file.bytes.size() ||
        filesz > file.bytes.size() - header.p_offset)
      return invalid("a segment lies outside the file (truncated or malformed)");
    uint8_t *host = board.ramPointer(paddr, memsz);
    if (host == nullptr)
      return bootError("%s %s: segment at 0x%" PRIx64 " (0x%" PRIx64
                       " bytes) is outside RAM (0x%" PRIx64 "..0x%" PRIx64 ")",
                       role, file.name.c_str(), paddr, memsz, board.ramBase(),
                       board.ramBase() + board.ramSize());
    std::memcpy(host, file.bytes.data() + header.p_offset, filesz);
    std::memset(host + filesz, 0, memsz - filesz);
    image.range.start = std::min(image.range.start, paddr);
    image.range.end = std::max(image.range.end, paddr + memsz);
    // An entry given as a virtual address inside this segment: its
    // physical counterpart.
    if (entry - header.p_vaddr < memsz)
      image.entry = paddr + (entry - header.p_vaddr);
    any = true;
  }
  if (!any)
    return invalid("no loadable segment");
  return image;
}

llvm::Expected<LoadedImage> loadImage(Board &board, const BootFile &file, const char *role,
                                      uint64_t rawAddress) {
  return isElf(file) ? loadElf(board, file, role) : loadRaw(board, file, role, rawAddress);
}

bool overlap(const AddressRange &a, const AddressRange &b) {
  return a.start < b.end && b.start < a.end;
}

} // namespace

llvm::Expected<BootFile> readBootFile(const std::string &path, const char *role) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return bootError("cannot read %s '%s': %s", role, path.c_str(),
                     buffer.getError().message().c_str());
  BootFile file;
  file.name = path;
  file.bytes.assign((*buffer)->getBufferStart(), (*buffer)->getBufferEnd());
  return file;
}

llvm::Expected<HtifSymbols> findHtifSymbols(const BootFile &file, const char *role) {
  HtifSymbols found;
  if (!isElf(file) || file.bytes.size() < llvm::ELF::EI_NIDENT ||
      file.bytes[llvm::ELF::EI_CLASS] != llvm::ELF::ELFCLASS64 ||
      file.bytes[llvm::ELF::EI_DATA] != llvm::ELF::ELFDATA2LSB)
    return found; // loadImage reports what is wrong with a bad ELF file
  llvm::StringRef data(reinterpret_cast<const char *>(file.bytes.data()), file.bytes.size());
  llvm::Expected<ElfFile> elf = ElfFile::create(data);
  if (!elf)
    return bootError("%s %s: %s", role, file.name.c_str(), llvm::toString(elf.takeError()).c_str());
  auto sections = elf->sections();
  if (!sections)
    return bootError("%s %s: %s", role, file.name.c_str(),
                     llvm::toString(sections.takeError()).c_str());
  for (const auto &section : *sections) {
    if (section.sh_type != llvm::ELF::SHT_SYMTAB)
      continue;
    auto symbols = elf->symbols(&section);
    if (!symbols)
      return bootError("%s %s: bad symbol table: %s", role, file.name.c_str(),
                       llvm::toString(symbols.takeError()).c_str());
    auto names = elf->getStringTableForSymtab(section);
    if (!names)
      return bootError("%s %s: bad symbol table: %s", role, file.name.c_str(),
                       llvm::toString(names.takeError()).c_str());
    for (const auto &symbol : *symbols) {
      auto name = symbol.getName(*names);
      if (!name) {
        llvm::consumeError(name.takeError());
        continue;
      }
      std::optional<uint64_t> *into = *name == "tohost"     ? &found.tohost
                                      : *name == "fromhost" ? &found.fromhost
                                                            : nullptr;
      if (into == nullptr || symbol.st_shndx == llvm::ELF::SHN_UNDEF)
        continue;
      if (symbol.st_size != 0 && symbol.st_size != 8)
        return bootError("%s %s: HTIF's `%s` must be 8 bytes, not %llu", role, file.name.c_str(),
                         name->str().c_str(), static_cast<unsigned long long>(symbol.st_size));
      *into = symbol.st_value;
    }
  }
  return found;
}

llvm::Expected<BootLayout> loadBootImages(Board &board, const BootImages &images) {
  BootLayout layout;
  uint64_t ramBase = board.ramBase(), ramEnd = board.ramBase() + board.ramSize();

  // Firmware, then the kernel after it.
  uint64_t kernelAddress = ramBase;
  if (images.firmware) {
    auto firmware = loadImage(board, *images.firmware, "firmware", ramBase);
    if (!firmware)
      return firmware.takeError();
    layout.firmware = firmware->range;
    layout.startAddress = firmware->entry;
    kernelAddress = alignUp(firmware->range.end, kKernelAlign);
  } else {
    layout.startAddress = ramBase;
  }
  if (images.kernel) {
    auto kernel = loadImage(board, *images.kernel, "kernel", kernelAddress);
    if (!kernel)
      return kernel.takeError();
    if (layout.firmware && overlap(*layout.firmware, kernel->range))
      return bootError("kernel %s (0x%" PRIx64 "..0x%" PRIx64 ") overlaps the firmware (0x%" PRIx64
                       "..0x%" PRIx64 ")",
                       images.kernel->name.c_str(), kernel->range.start, kernel->range.end,
                       layout.firmware->start, layout.firmware->end);
    layout.kernel = kernel->range;
    layout.kernelEntry = kernel->entry;
    if (!images.firmware)
      layout.startAddress = kernel->entry; // the kernel is the firmware
  }

  // The device tree near the top of RAM.
  std::vector<uint8_t> tree;
  if (images.deviceTree) {
    auto opened = openDeviceTree(images.deviceTree->bytes, images.deviceTree->name);
    if (!opened)
      return opened.takeError();
    tree = std::move(*opened);
  } else {
    auto built = board.buildDeviceTree(images.rngSeed);
    if (!built)
      return built.takeError();
    tree = std::move(*built);
  }
  uint64_t top = ramBase < kFdtLimit ? std::min(ramEnd, kFdtLimit) : ramEnd;
  uint64_t lowest = std::max(layout.firmware ? layout.firmware->end : ramBase,
                             layout.kernel ? layout.kernel->end : ramBase);
  if (top < ramBase + tree.size() || alignDown(top - tree.size(), kFdtAlign) < lowest)
    return bootError("no room for the device tree (%zu bytes) in RAM above the loaded images "
                     "(they end at 0x%" PRIx64 "); give more memory with -m",
                     tree.size(), lowest);
  layout.deviceTree.start = alignDown(top - tree.size(), kFdtAlign);
  layout.deviceTree.end = layout.deviceTree.start + tree.size();

  if (images.initrd) {
    uint64_t size = images.initrd->bytes.size();
    uint64_t end = layout.deviceTree.start;
    if (size > end - lowest || alignDown(end - size, kPage) < alignUp(lowest, kPage))
      return bootError("initrd %s (%" PRIu64 " bytes) does not fit in RAM between the kernel "
                       "(ends at 0x%" PRIx64 ") and the device tree (0x%" PRIx64
                       "); give more memory with -m",
                       images.initrd->name.c_str(), size, lowest, end);
    uint64_t start = alignDown(end - size, kPage);
    std::memcpy(board.ramPointer(start, size), images.initrd->bytes.data(), size);
    layout.initrd = AddressRange{start, start + size};
  }

  ChosenSettings chosen;
  chosen.bootargs = images.bootargs;
  if (layout.initrd)
    chosen.initrd = std::make_pair(layout.initrd->start, layout.initrd->end);
  if (llvm::Error error = setChosen(tree, chosen))
    return std::move(error);
  std::memcpy(board.ramPointer(layout.deviceTree.start, tree.size()), tree.data(), tree.size());
  layout.deviceTreeBlob = std::move(tree);

  board.writeResetVector(layout.startAddress, layout.deviceTree.start, layout.kernelEntry);
  return layout;
}

} // namespace tiercel::system
