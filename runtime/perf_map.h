// The Linux perf JIT map: /tmp/perf-<pid>.map lists generated code as
// "START SIZE name" lines (hex start and size, format "%lx %lx %s\n", see
// tools/perf/Documentation/jit-interface.txt in the kernel tree) so that
// `perf report` and `perf top` name samples that land in the code cache.
//
// perf reads the file while the process runs or after it exits, so each
// add() is one write(2) straight to the file (no user-space buffer) and the
// file is left in place when the map is destroyed.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "llvm/Support/Error.h"

namespace tiercel {

// add() may be called from several threads (the file is opened O_APPEND and
// each line goes out in one write, so lines never interleave).
class PerfMap {
public:
  // /tmp/perf-<getpid()>.map, truncated if a process with our pid left one.
  static llvm::Expected<std::unique_ptr<PerfMap>> open();
  // The same at any path (tests).
  static llvm::Expected<std::unique_ptr<PerfMap>> openAt(const std::string &path);
  ~PerfMap();
  PerfMap(const PerfMap &) = delete;
  PerfMap &operator=(const PerfMap &) = delete;

  // Appends "START SIZE name\n". Nothing for size 0 (perf has no use for an
  // empty range). Newlines in the name become blanks so one entry stays one
  // line. A failed write is reported on stderr once, as the map is a
  // diagnostic aid and must not stop the run.
  void add(const void *start, size_t size, std::string_view name);

  const std::string &path() const { return path_; }

private:
  PerfMap(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_;
  std::string path_;
  std::atomic<bool> reportedWriteError_{false};
};

} // namespace tiercel
