// The physical address map of a system-mode board: RAM and ROM backed by
// host memory, and device windows (machine/system/device_interface.h).
// The softmmu resolves a physical address here on a TLB miss; the board
// builds it once at start and it does not change while harts run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llvm/Support/Error.h"
#include "machine/system/device_interface.h"

namespace tiercel {

struct PhysicalRegion {
  enum class Kind : uint8_t { Ram, Rom, Mmio };
  Kind kind = Kind::Ram;
  uint64_t base = 0;
  uint64_t size = 0;
  uint8_t *host = nullptr;       // Ram, Rom: host memory of [base, base + size)
  MmioDevice *device = nullptr;  // Mmio
  std::string name;

  bool contains(uint64_t address) const { return address - base < size; }
};

class PhysicalMap {
public:
  // Errors: an empty or wrapping region, a region overlapping another, a
  // RAM/ROM region without host memory, an MMIO region without a device.
  llvm::Error addMemory(PhysicalRegion::Kind kind, uint64_t base, uint64_t size, uint8_t *host,
                        const std::string &name);
  llvm::Error addDevice(uint64_t base, MmioDevice &device);

  // The region holding `address`, or nullptr (nothing there: an access
  // fault for the guest).
  const PhysicalRegion *find(uint64_t address) const;
  const std::vector<PhysicalRegion> &regions() const { return regions_; } // by base

  // Device access at a physical address: false when nothing decodes it
  // (no region, not an MMIO region, the access crosses the window's end,
  // or the device refuses it).
  bool readDevice(uint64_t address, unsigned size, uint64_t &value) const;
  bool writeDevice(uint64_t address, unsigned size, uint64_t value) const;

  // Device DMA (virtio rings and buffers): the host memory behind guest
  // physical [address, address + size) when all of it lies in one RAM
  // region, else nullptr (outside RAM, across a region's end, ROM, MMIO,
  // or a range that wraps). size 0 is a range inside RAM like any other.
  // The pointer stays valid as long as the map (which does not change
  // while harts run). Writes through it bypass the softmmu.
  uint8_t *ramRange(uint64_t address, uint64_t size) const;

private:
  llvm::Error add(PhysicalRegion region);
  std::vector<PhysicalRegion> regions_;
};

} // namespace tiercel
