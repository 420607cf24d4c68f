// The virt board's device tree, built with libfdt as QEMU's virt machine
// builds its own (hw/riscv/virt.c, create_fdt), so OpenSBI's generic
// platform and Linux find every device by the compatible strings they
// already know. What differs from QEMU 7.2's tree is only what this board
// does not have: no PCIe host, no flash, no fw_cfg, no PMU node, and an
// ISA string without H, Zbc, Zihintpause and Sstc.
//
// /chosen is filled separately (setChosen), so a tree given with -dtb gets
// the same bootargs and initrd properties.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace tiercel::system {

// The padded size of the tree in guest memory (QEMU's FDT_MAX_SIZE): OpenSBI
// edits the tree in place (reserved-memory nodes), so it needs room to grow.
inline constexpr uint32_t kFdtPaddedSize = 0x100000;

// What the tree says about each hart.
inline constexpr const char *kIsaString = "rv64imafdc_zicsr_zifencei_zba_zbb_zbs";

struct VirtTreeSettings {
  uint64_t ramBase = 0;
  uint64_t ramSize = 0;
  unsigned harts = 1;           // cpu@0 .. cpu@(harts - 1)
  std::vector<uint8_t> rngSeed; // /chosen/rng-seed; empty: none
  // A simple-framebuffer node (/chosen/framebuffer@BASE, the binding's
  // place for a framebuffer firmware set up), or none.
  struct FramebufferNode {
    uint64_t base = 0, size = 0;
    uint32_t width = 0, height = 0, stride = 0;
    std::string format; // "x8r8g8b8"
  };
  std::optional<FramebufferNode> framebuffer;
};

// Phandles (QEMU's numbering for one hart: cpu 1, its interrupt controller
// 2, PLIC 3, the finisher 4; with more harts each takes the next two).
inline constexpr uint32_t virtCpuPhandle(unsigned hart) { return 1 + 2 * hart; }
inline constexpr uint32_t virtIntcPhandle(unsigned hart) { return 2 + 2 * hart; }
inline constexpr uint32_t virtPlicPhandle(unsigned harts) { return 1 + 2 * harts; }
inline constexpr uint32_t virtTestPhandle(unsigned harts) { return 2 + 2 * harts; }

// The board's tree, padded to kFdtPaddedSize, without bootargs or initrd.
llvm::Expected<std::vector<uint8_t>> buildVirtDeviceTree(const VirtTreeSettings &settings);

// A tree read from a file (-dtb): checked and padded like a built one.
llvm::Expected<std::vector<uint8_t>> openDeviceTree(std::vector<uint8_t> blob,
                                                    const std::string &name);

struct ChosenSettings {
  std::string bootargs;                                // empty: no bootargs property
  std::optional<std::pair<uint64_t, uint64_t>> initrd; // [start, end)
};

// Sets /chosen's bootargs and linux,initrd-start/end (64-bit cells),
// creating /chosen when the tree has none.
llvm::Error setChosen(std::vector<uint8_t> &tree, const ChosenSettings &settings);

} // namespace tiercel::system
