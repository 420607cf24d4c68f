// Puts the boot images into a board's RAM, the way QEMU's virt and spike
// machines do (hw/riscv/boot.c), and writes the reset vector that starts them:
// - firmware (-bios): a raw binary at the start of RAM (0x80000000), or an
//   ELF file at its segments' physical addresses; the reset vector jumps to
//   it with a0 = hart id, a1 = the device tree, a2 = fw_dynamic_info whose
//   next_addr is the kernel's entry (0 without a kernel).
// - kernel (-kernel): with firmware, a raw image (Linux's Image) goes to the
//   first 2 MiB boundary after the firmware (0x80200000 for OpenSBI);
//   without firmware (-bios none) the kernel is the firmware and goes to
//   0x80000000. An ELF kernel is loaded at its physical addresses either way.
// - the device tree: the board's (Board::buildDeviceTree) or -dtb's, with /chosen
//   filled in, at a 2 MiB boundary below min(end of RAM, 3 GiB), in a
//   1 MiB window it may grow into.
// - initrd (-initrd): at the top of RAM, page-aligned, just below the tree.
// Images that overlap each other or do not fit in RAM are errors, named.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace tiercel::system {

class Board;

struct BootFile {
  std::string name; // the path, for messages
  std::vector<uint8_t> bytes;
};

// Reads a whole file; `role` ("kernel", ...) names it in the error.
llvm::Expected<BootFile> readBootFile(const std::string &path, const char *role);

struct BootImages {
  std::optional<BootFile> firmware; // none: -bios none
  std::optional<BootFile> kernel;
  std::optional<BootFile> initrd;
  std::optional<BootFile> deviceTree; // -dtb; none: the board's own
  std::string bootargs;               // -append
  std::vector<uint8_t> rngSeed;       // /chosen/rng-seed of the board's tree
};

struct AddressRange {
  uint64_t start = 0;
  uint64_t end = 0; // exclusive
};

struct BootLayout {
  uint64_t startAddress = 0; // where the reset vector jumps (firmware entry)
  uint64_t kernelEntry = 0;  // fw_dynamic_info.next_addr; 0 without a kernel
  std::optional<AddressRange> firmware, kernel, initrd;
  AddressRange deviceTree;
  std::vector<uint8_t> deviceTreeBlob; // as written to RAM (padded)
};

// The HTIF words of a program (the spike board, devices/htif.h): the values
// of its ELF symbols `tohost` and `fromhost`. A raw image has neither; a
// symbol of a size other than 8 (or 0, unsized) is an error, as in QEMU.
struct HtifSymbols {
  std::optional<uint64_t> tohost, fromhost;
};
llvm::Expected<HtifSymbols> findHtifSymbols(const BootFile &file, const char *role);

// Loads everything and writes the reset vector. The board is fresh.
llvm::Expected<BootLayout> loadBootImages(Board &board, const BootImages &images);

} // namespace tiercel::system
