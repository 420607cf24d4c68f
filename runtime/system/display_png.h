// PNG screenshots of the framebuffer (-display png:FILE, screendump=FILE),
// written with libpng's simplified API (png_image: no setjmp error paths).
// The file appears whole: it is written next to its name and renamed over
// it, so a reader polling for it never sees half a picture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace tiercel::system {

// `pixels`: width * height pixels, row after row, 0xXXRRGGBB (the X byte is
// ignored); written as 8-bit RGB.
llvm::Error writePng(const std::string &path, const uint32_t *pixels, uint32_t width,
                     uint32_t height);

} // namespace tiercel::system
