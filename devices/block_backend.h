// Where a block device's sectors live: the host end of virtio-blk. A back
// end is a flat array of bytes addressed by offset; the device model does
// the request parsing and the range checks against sizeBytes().
//
// RawFileDisk: a raw image file (`-drive file=disk.img,format=raw`) read
// and written with preadv/pwritev straight between the file and guest
// memory; flush is fdatasync. Opening it takes an flock on the image
// (shared when read-only, exclusive otherwise), so two emulators cannot
// write one image at the same time, as QEMU's image locking does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sys/uio.h>

#include "llvm/Support/Error.h"

namespace tiercel::devices {

class BlockBackend {
public:
  virtual ~BlockBackend() = default;
  virtual uint64_t sizeBytes() const = 0;
  virtual bool readOnly() const = 0;
  // Fill / store the buffers from / at byte `offset`; all of it or an error.
  virtual llvm::Error read(uint64_t offset, const std::vector<iovec> &buffers) = 0;
  virtual llvm::Error write(uint64_t offset, const std::vector<iovec> &buffers) = 0;
  // Everything written so far is on stable storage.
  virtual llvm::Error flush() = 0;
};

class RawFileDisk : public BlockBackend {
public:
  // Errors: the file cannot be opened (or, unless read-only, opened for
  // writing), is not a regular file or block device, or is locked by
  // another process.
  static llvm::Expected<std::unique_ptr<RawFileDisk>> open(const std::string &path, bool readOnly);
  ~RawFileDisk() override;
  RawFileDisk(const RawFileDisk &) = delete;
  RawFileDisk &operator=(const RawFileDisk &) = delete;

  uint64_t sizeBytes() const override { return size_; }
  bool readOnly() const override { return readOnly_; }
  llvm::Error read(uint64_t offset, const std::vector<iovec> &buffers) override;
  llvm::Error write(uint64_t offset, const std::vector<iovec> &buffers) override;
  llvm::Error flush() override;
  const std::string &path() const { return path_; }

private:
  RawFileDisk(int fd, std::string path, uint64_t size, bool readOnly)
      : fd_(fd), path_(std::move(path)), size_(size), readOnly_(readOnly) {}
  llvm::Error transfer(bool writing, uint64_t offset, std::vector<iovec> buffers);

  int fd_;
  std::string path_;
  uint64_t size_;
  bool readOnly_;
};

} // namespace tiercel::devices
