// The framebuffer memory and its dirty tracking (see framebuffer.h).
#include "devices/framebuffer.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tiercel::devices {

namespace {

constexpr uint64_t kPageSize = 4096;

llvm::Error framebufferError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

} // namespace

llvm::Expected<std::unique_ptr<Framebuffer>> Framebuffer::create(uint32_t width, uint32_t height,
                                                                 uint64_t maxBytes) {
  if (width < kMinSide || width > kMaxSide || height < kMinSide || height > kMaxSide)
    return framebufferError("framebuffer size " + std::to_string(width) + "x" +
                            std::to_string(height) + " is out of range (each side " +
                            std::to_string(kMinSide) + ".." + std::to_string(kMaxSide) + ")");
  uint64_t bytes = uint64_t{width} * height * kBytesPerPixel;
  uint64_t rounded = (bytes + kPageSize - 1) & ~(kPageSize - 1);
  if (rounded > maxBytes)
    return framebufferError("framebuffer size " + std::to_string(width) + "x" +
                            std::to_string(height) + " needs " + std::to_string(rounded >> 10) +
                            " KiB, more than the board's " + std::to_string(maxBytes >> 20) +
                            " MiB window");
  void *memory = mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED)
    return framebufferError("cannot allocate the framebuffer: " + std::string(strerror(errno)));
  return std::unique_ptr<Framebuffer>(
      new Framebuffer(width, height, rounded, static_cast<uint8_t *>(memory)));
}

Framebuffer::~Framebuffer() { munmap(memory_, memoryBytes_); }

uint32_t Framebuffer::pixel(uint32_t x, uint32_t y) const {
  uint32_t value;
  std::memcpy(&value, memory_ + uint64_t{y} * stride() + uint64_t{x} * kBytesPerPixel, 4);
  return value & 0xffffff;
}

std::vector<uint32_t> Framebuffer::snapshot() const {
  std::vector<uint32_t> pixels(uint64_t{width_} * height_);
  std::memcpy(pixels.data(), memory_, pixels.size() * kBytesPerPixel);
  for (uint32_t &pixel : pixels)
    pixel &= 0xffffff; // the x8 byte is the guest's to scribble on
  return pixels;
}

FramebufferTracker::FramebufferTracker(const Framebuffer &framebuffer)
    : framebuffer_(framebuffer), copy_(uint64_t{framebuffer.width()} * framebuffer.height(), 0) {}

FramebufferTracker::Damage FramebufferTracker::refresh() {
  Damage damage;
  uint32_t width = framebuffer_.width(), height = framebuffer_.height();
  size_t rowBytes = size_t{width} * Framebuffer::kBytesPerPixel;
  const uint8_t *source = framebuffer_.memory();
  for (uint32_t row = 0; row < height; ++row) {
    uint32_t *copyRow = copy_.data() + size_t{row} * width;
    const uint8_t *guestRow = source + size_t{row} * framebuffer_.stride();
    if (!first_ && std::memcmp(copyRow, guestRow, rowBytes) == 0)
      continue;
    std::memcpy(copyRow, guestRow, rowBytes);
    if (!damage.changed)
      damage.firstRow = row;
    damage.changed = true;
    damage.endRow = row + 1;
  }
  first_ = false;
  if (damage.changed)
    ++generation_;
  return damage;
}

} // namespace tiercel::devices
