// Guest image identity and symbols for profiles (see guest_images.h).
#include "runtime/user/guest_images.h"

#include <algorithm>

#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/MemoryBuffer.h"

namespace tiercel::user {

namespace {

using Elf = llvm::object::ELF64LE;

std::string buildIdOf(const llvm::object::ELFFile<Elf> &file) {
  auto headers = file.program_headers();
  if (!headers) {
    llvm::consumeError(headers.takeError());
    return "";
  }
  for (const Elf::Phdr &header : *headers) {
    if (header.p_type != llvm::ELF::PT_NOTE)
      continue;
    llvm::Error error = llvm::Error::success();
    for (const Elf::Note &note : file.notes(header, error)) {
      if (note.getType() != llvm::ELF::NT_GNU_BUILD_ID || note.getName() != "GNU")
        continue;
      std::string hex;
      static const char digits[] = "0123456789abcdef";
      for (uint8_t byte : note.getDesc(header.p_align)) {
        hex += digits[byte >> 4];
        hex += digits[byte & 15];
      }
      llvm::consumeError(std::move(error));
      return hex;
    }
    llvm::consumeError(std::move(error));
  }
  return "";
}

} // namespace

profiles::GuestImage describeGuestImage(const std::string &path, uint64_t loadBias,
                                        uint64_t start, uint64_t end) {
  profiles::GuestImage image;
  image.path = path;
  image.loadBias = loadBias;
  image.start = start;
  image.end = end;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return image;
  llvm::StringRef bytes = (*buffer)->getBuffer();
  image.contentHash =
      profiles::guestCodeHash(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  auto object = llvm::object::ELF64LEObjectFile::create((*buffer)->getMemBufferRef());
  if (!object) {
    llvm::consumeError(object.takeError());
    return image;
  }
  image.buildId = buildIdOf(object->getELFFile());
  auto collect = [&](auto symbols) {
    for (const llvm::object::ELFSymbolRef &symbol : symbols) {
      if (symbol.getELFType() != llvm::ELF::STT_FUNC && symbol.getELFType() != llvm::ELF::STT_GNU_IFUNC)
        continue;
      auto name = symbol.getName();
      auto address = symbol.getAddress();
      if (!name || !address || name->empty() || *address == 0) {
        if (!name)
          llvm::consumeError(name.takeError());
        if (!address)
          llvm::consumeError(address.takeError());
        continue;
      }
      image.symbols.push_back({*address + loadBias, symbol.getSize(), name->str()});
    }
  };
  collect(object->symbols());
  if (image.symbols.empty()) {
    auto dynamic = object->getDynamicSymbolIterators();
    collect(llvm::make_range(dynamic.begin(), dynamic.end()));
  }
  // By address; of aliases at one address keep one (a sized one, first name).
  std::sort(image.symbols.begin(), image.symbols.end(),
            [](const profiles::Symbol &a, const profiles::Symbol &b) {
              if (a.address != b.address)
                return a.address < b.address;
              if ((a.size != 0) != (b.size != 0))
                return a.size != 0;
              // memcpy before __memcpy.
              size_t aUnderscores = a.name.find_first_not_of('_');
              size_t bUnderscores = b.name.find_first_not_of('_');
              if (aUnderscores != bUnderscores)
                return aUnderscores < bUnderscores;
              return a.name < b.name;
            });
  image.symbols.erase(std::unique(image.symbols.begin(), image.symbols.end(),
                                  [](const profiles::Symbol &a, const profiles::Symbol &b) {
                                    return a.address == b.address;
                                  }),
                      image.symbols.end());
  return image;
}

} // namespace tiercel::user
