// PNG screenshots (see display_png.h).
#include "runtime/system/display_png.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <png.h>

namespace tiercel::system {

namespace {

llvm::Error pngError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

} // namespace

llvm::Error writePng(const std::string &path, const uint32_t *pixels, uint32_t width,
                     uint32_t height) {
  std::vector<uint8_t> rgb(size_t{width} * height * 3);
  for (size_t i = 0, count = size_t{width} * height; i < count; ++i) {
    rgb[3 * i + 0] = static_cast<uint8_t>(pixels[i] >> 16);
    rgb[3 * i + 1] = static_cast<uint8_t>(pixels[i] >> 8);
    rgb[3 * i + 2] = static_cast<uint8_t>(pixels[i]);
  }
  // A name of our own next to the target: rename() replaces it atomically.
  std::string temporary = path + ".tmp." + std::to_string(getpid());
  FILE *file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr)
    return pngError("cannot write the screenshot '" + path + "': " + std::strerror(errno));
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_RGB;
  image.flags = PNG_IMAGE_FLAG_FAST; // a screenshot is written often and read once
  bool written = png_image_write_to_stdio(&image, file, 0, rgb.data(),
                                          static_cast<png_int_32>(width * 3), nullptr) != 0;
  std::string why = written ? "" : image.message;
  png_image_free(&image);
  if (std::fclose(file) != 0 && written) {
    written = false;
    why = std::strerror(errno);
  }
  if (written && std::rename(temporary.c_str(), path.c_str()) != 0) {
    written = false;
    why = std::strerror(errno);
  }
  if (!written) {
    std::remove(temporary.c_str());
    return pngError("cannot write the screenshot '" + path + "': " + why);
  }
  return llvm::Error::success();
}

} // namespace tiercel::system
