// Block back ends (see block_backend.h).
#include "devices/block_backend.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tiercel::devices {

namespace {

llvm::Error ioError(const std::string &path, const char *what, int error) {
  return llvm::createStringError(std::error_code(error, std::generic_category()), "%s: %s: %s",
                                 path.c_str(), what, std::strerror(error));
}

} // namespace

llvm::Expected<std::unique_ptr<RawFileDisk>> RawFileDisk::open(const std::string &path,
                                                               bool readOnly) {
  int fd = ::open(path.c_str(), (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd < 0)
    return ioError(path, readOnly ? "cannot open" : "cannot open for writing", errno);
  auto fail = [&](const char *what, int error) -> llvm::Error {
    ::close(fd);
    return ioError(path, what, error);
  };
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return fail("cannot stat", errno);
  if (!S_ISREG(info.st_mode) && !S_ISBLK(info.st_mode))
    return fail("not a regular file or a block device", EINVAL);
  if (::flock(fd, (readOnly ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    int error = errno;
    return fail(error == EWOULDBLOCK ? "image is in use by another process (locked)"
                                     : "cannot lock",
                error);
  }
  off_t end = ::lseek(fd, 0, SEEK_END); // a block device's size as well as a file's
  if (end < 0)
    return fail("cannot find the size", errno);
  return std::unique_ptr<RawFileDisk>(
      new RawFileDisk(fd, path, static_cast<uint64_t>(end), readOnly));
}

RawFileDisk::~RawFileDisk() { ::close(fd_); }

llvm::Error RawFileDisk::transfer(bool writing, uint64_t offset, std::vector<iovec> buffers) {
  uint64_t total = 0;
  for (const iovec &buffer : buffers)
    total += buffer.iov_len;
  if (offset > size_ || total > size_ - offset)
    return ioError(path_, "access past the end of the image", EIO);
  size_t first = 0;
  while (first < buffers.size()) {
    if (buffers[first].iov_len == 0) {
      ++first;
      continue;
    }
    int count = static_cast<int>(std::min<size_t>(buffers.size() - first, IOV_MAX));
    ssize_t done = writing ? ::pwritev(fd_, &buffers[first], count, static_cast<off_t>(offset))
                           : ::preadv(fd_, &buffers[first], count, static_cast<off_t>(offset));
    if (done < 0) {
      if (errno == EINTR)
        continue;
      return ioError(path_, writing ? "write failed" : "read failed", errno);
    }
    if (done == 0) // the file shrank under us
      return ioError(path_, writing ? "write made no progress" : "unexpected end of file", EIO);
    offset += static_cast<uint64_t>(done);
    // Skip what was transferred; a short transfer resumes mid-buffer.
    auto left = static_cast<size_t>(done);
    while (left > 0) {
      size_t step = std::min(left, buffers[first].iov_len);
      buffers[first].iov_base = static_cast<uint8_t *>(buffers[first].iov_base) + step;
      buffers[first].iov_len -= step;
      left -= step;
      if (buffers[first].iov_len == 0)
        ++first;
    }
  }
  return llvm::Error::success();
}

llvm::Error RawFileDisk::read(uint64_t offset, const std::vector<iovec> &buffers) {
  return transfer(false, offset, buffers);
}

llvm::Error RawFileDisk::write(uint64_t offset, const std::vector<iovec> &buffers) {
  if (readOnly_)
    return ioError(path_, "write to a read-only image", EROFS);
  return transfer(true, offset, buffers);
}

llvm::Error RawFileDisk::flush() {
  if (readOnly_)
    return llvm::Error::success();
  while (::fdatasync(fd_) != 0) {
    if (errno != EINTR)
      return ioError(path_, "fdatasync failed", errno);
  }
  return llvm::Error::success();
}

} // namespace tiercel::devices
