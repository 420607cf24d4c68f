// The virt board's framebuffer: guest-visible memory holding a 32-bit
// x8r8g8b8 picture (a little-endian word 0x00RRGGBB per pixel), described
// to the guest by a "simple-framebuffer" device-tree node as if firmware had
// set the display up (Linux: CONFIG_FB_SIMPLE, then fbcon draws the virtual
// terminals on it).
//
// Why a simple framebuffer and not virtio-gpu: Linux drives it with no
// driver of ours beyond the memory and a node, the guest's writes are plain
// RAM stores (the softmmu's fast path, no MMIO exit per pixel), and it is a
// fraction of the code. What it lacks, a guest-driven mode change and damage
// rectangles, is made up for on the host: the window scales, and
// FramebufferTracker finds the changed rows by comparing with a copy at the
// display's refresh rate (no redraw when nothing changed).
//
// The memory outlives the boards (one per run, like a disk image), so a
// guest reboot keeps the picture, as a real screen does.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "llvm/Support/Error.h"

namespace tiercel::devices {

class Framebuffer {
public:
  static constexpr uint32_t kBytesPerPixel = 4;
  static constexpr const char *kFormat = "x8r8g8b8"; // the simple-framebuffer binding's name
  static constexpr uint32_t kDefaultWidth = 640, kDefaultHeight = 480;
  static constexpr uint32_t kMinSide = 16, kMaxSide = 4096;

  // Black pixels, width x height; `maxBytes` bounds the memory (the board's
  // window for it). Errors: a side out of [16, 4096] or too much memory.
  static llvm::Expected<std::unique_ptr<Framebuffer>> create(uint32_t width, uint32_t height,
                                                             uint64_t maxBytes);
  ~Framebuffer();
  Framebuffer(const Framebuffer &) = delete;
  Framebuffer &operator=(const Framebuffer &) = delete;

  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  uint32_t stride() const { return width_ * kBytesPerPixel; } // bytes per row
  // The guest window: stride * height rounded up to whole pages.
  uint64_t memoryBytes() const { return memoryBytes_; }
  uint8_t *memory() const { return memory_; }
  // Pixel (x, y) as 0x00RRGGBB. The guest writes concurrently: a reader may
  // see a row half old, half new; the next look sees the rest.
  uint32_t pixel(uint32_t x, uint32_t y) const;
  // A copy of the whole picture, row after row, 0x00RRGGBB per pixel.
  std::vector<uint32_t> snapshot() const;

private:
  Framebuffer(uint32_t width, uint32_t height, uint64_t memoryBytes, uint8_t *memory)
      : width_(width), height_(height), memoryBytes_(memoryBytes), memory_(memory) {}

  uint32_t width_, height_;
  uint64_t memoryBytes_;
  uint8_t *memory_; // mmap'ed
};

// Dirty tracking for a display: keeps a copy of the picture and, at each
// refresh(), finds the rows that differ from it (row granularity: fbcon
// draws whole glyph rows), copies them and bumps the generation. One
// consumer thread calls refresh() and reads the copy.
class FramebufferTracker {
public:
  struct Damage {
    bool changed = false;
    uint32_t firstRow = 0, endRow = 0; // rows [firstRow, endRow) changed
  };

  explicit FramebufferTracker(const Framebuffer &framebuffer);
  Damage refresh();
  // The copy as of the last refresh(): width * height pixels, 0xXXRRGGBB
  // (the X byte is whatever the guest wrote there: ignore it).
  const uint32_t *pixels() const { return copy_.data(); }
  // Starts at 0, +1 at every refresh() that found a change.
  uint64_t generation() const { return generation_; }

private:
  const Framebuffer &framebuffer_;
  std::vector<uint32_t> copy_;
  uint64_t generation_ = 0;
  bool first_ = true; // the first refresh() always reports the whole picture
};

} // namespace tiercel::devices
