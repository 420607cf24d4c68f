// The perf JIT map writer (see perf_map.h).
#include "runtime/perf_map.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace tiercel {

llvm::Expected<std::unique_ptr<PerfMap>> PerfMap::open() {
  return openAt("/tmp/perf-" + std::to_string(getpid()) + ".map");
}

llvm::Expected<std::unique_ptr<PerfMap>> PerfMap::openAt(const std::string &path) {
  // O_APPEND makes each write(2) land whole at the end, so concurrent add()
  // calls cannot overwrite each other's lines.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return llvm::createStringError("cannot open the perf map %s: %s", path.c_str(),
                                   std::strerror(errno));
  return std::unique_ptr<PerfMap>(new PerfMap(fd, path));
}

PerfMap::~PerfMap() { ::close(fd_); }

void PerfMap::add(const void *start, size_t size, std::string_view name) {
  if (size == 0)
    return;
  char prefix[64];
  int prefixLength = std::snprintf(prefix, sizeof(prefix), "%" PRIxPTR " %zx ",
                                   reinterpret_cast<uintptr_t>(start), size);
  std::string line(prefix, static_cast<size_t>(prefixLength));
  line.reserve(line.size() + name.size() + 1);
  for (char c : name)
    line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';

  const char *data = line.data();
  size_t left = line.size();
  while (left != 0) {
    ssize_t written = ::write(fd_, data, left);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0) {
      if (!reportedWriteError_.exchange(true)) {
        std::fprintf(stderr, "tiercel: warning: cannot write the perf map %s: %s\n", path_.c_str(),
                     written < 0 ? std::strerror(errno) : "short write");
      }
      return;
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
}

} // namespace tiercel
