// The physical address map (see physical_map.h).
#include "machine/system/physical_map.h"

#include <algorithm>

namespace tiercel {

namespace {

llvm::Error mapError(const std::string &name, uint64_t base, uint64_t size, const char *why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "physical map: %s at 0x%llx (0x%llx bytes): %s", name.c_str(),
                                 static_cast<unsigned long long>(base),
                                 static_cast<unsigned long long>(size), why);
}

} // namespace

llvm::Error PhysicalMap::add(PhysicalRegion region) {
  if (region.size == 0 || region.base + region.size - 1 < region.base)
    return mapError(region.name, region.base, region.size, "empty or wraps around");
  for (const PhysicalRegion &other : regions_)
    if (region.base <= other.base + (other.size - 1) && other.base <= region.base + (region.size - 1))
      return mapError(region.name, region.base, region.size,
                      ("overlaps " + other.name).c_str());
  auto at = std::upper_bound(regions_.begin(), regions_.end(), region.base,
                             [](uint64_t base, const PhysicalRegion &r) { return base < r.base; });
  regions_.insert(at, std::move(region));
  return llvm::Error::success();
}

llvm::Error PhysicalMap::addMemory(PhysicalRegion::Kind kind, uint64_t base, uint64_t size,
                                   uint8_t *host, const std::string &name) {
  if (kind == PhysicalRegion::Kind::Mmio)
    return mapError(name, base, size, "memory must be RAM or ROM");
  if (host == nullptr)
    return mapError(name, base, size, "no host memory behind it");
  PhysicalRegion region;
  region.kind = kind;
  region.base = base;
  region.size = size;
  region.host = host;
  region.name = name;
  return add(std::move(region));
}

llvm::Error PhysicalMap::addDevice(uint64_t base, MmioDevice &device) {
  PhysicalRegion region;
  region.kind = PhysicalRegion::Kind::Mmio;
  region.base = base;
  region.size = device.windowSize();
  region.device = &device;
  region.name = device.name();
  return add(std::move(region));
}

const PhysicalRegion *PhysicalMap::find(uint64_t address) const {
  auto after = std::upper_bound(regions_.begin(), regions_.end(), address,
                                [](uint64_t value, const PhysicalRegion &r) { return value < r.base; });
  if (after == regions_.begin())
    return nullptr;
  const PhysicalRegion &region = *std::prev(after);
  return region.contains(address) ? &region : nullptr;
}

bool PhysicalMap::readDevice(uint64_t address, unsigned size, uint64_t &value) const {
  const PhysicalRegion *region = find(address);
  if (region == nullptr || region->kind != PhysicalRegion::Kind::Mmio || size > region->size ||
      address - region->base > region->size - size)
    return false;
  return region->device->read(address - region->base, size, value);
}

bool PhysicalMap::writeDevice(uint64_t address, unsigned size, uint64_t value) const {
  const PhysicalRegion *region = find(address);
  if (region == nullptr || region->kind != PhysicalRegion::Kind::Mmio || size > region->size ||
      address - region->base > region->size - size)
    return false;
  return region->device->write(address - region->base, size, value);
}

uint8_t *PhysicalMap::ramRange(uint64_t address, uint64_t size) const {
  const PhysicalRegion *region = find(address);
  if (region == nullptr || region->kind != PhysicalRegion::Kind::Ram)
    return nullptr;
  uint64_t offset = address - region->base;
  if (size > region->size - offset) // offset < region->size, so this cannot wrap
    return nullptr;
  return region->host + offset;
}

} // namespace tiercel
