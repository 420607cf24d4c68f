// virtio-rng (see virtio_rng.h).
#include "devices/virtio_rng.h"

#include <cerrno>
#include <cstring>

#include <sys/random.h>

namespace tiercel::devices {

namespace {

// Fills the buffer from the host's entropy pool; getrandom() returns at
// most 32 MiB per call and may be interrupted, so loop.
llvm::Error fillRandom(uint8_t *at, size_t size) {
  while (size > 0) {
    ssize_t got = ::getrandom(at, size, 0);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                     "getrandom failed: %s", std::strerror(errno));
    }
    at += got;
    size -= static_cast<size_t>(got);
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error VirtioRng::processQueue(unsigned index, SplitVirtqueue &queue) {
  if (index != 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "virtio-rng has one queue, not %u", index);
  return queue.serveAvailable([](const DescriptorChain &chain) -> llvm::Expected<uint32_t> {
    for (const GuestBuffer &buffer : chain.writable)
      if (llvm::Error error = fillRandom(buffer.host, buffer.length))
        return std::move(error); // the host cannot give entropy: fail loudly
    return static_cast<uint32_t>(chain.writableBytes());
  });
}

} // namespace tiercel::devices
