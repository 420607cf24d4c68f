// Per-hart log streams (see hart_log.h): glibc's fopencookie, line buffered,
// so a line normally arrives in one write() call.
#include "runtime/system/hart_log.h"

namespace tiercel::system {

HartLogStream::HartLogStream(FILE *target, std::mutex &targetMutex, unsigned hart)
    : target_(target), targetMutex_(targetMutex), prefix_("hart " + std::to_string(hart) + ": ") {
  cookie_io_functions_t functions{};
  functions.write = &HartLogStream::write;
  file_ = fopencookie(this, "w", functions);
  if (file_ != nullptr)
    setvbuf(file_, nullptr, _IOLBF, BUFSIZ);
}

HartLogStream::~HartLogStream() {
  if (file_ != nullptr)
    std::fclose(file_); // flushes into write()
  emitLines(true);
}

ssize_t HartLogStream::write(void *cookie, const char *data, size_t size) {
  auto *self = static_cast<HartLogStream *>(cookie);
  self->pending_.append(data, size);
  self->emitLines(false);
  return static_cast<ssize_t>(size);
}

void HartLogStream::emitLines(bool all) {
  size_t end = pending_.rfind('\n');
  if (all && !pending_.empty() && end != pending_.size() - 1) {
    pending_.push_back('\n');
    end = pending_.size() - 1;
  }
  if (end == std::string::npos)
    return;
  // Every complete line, prefixed, in one locked write.
  std::string out;
  size_t start = 0;
  while (start <= end) {
    size_t newline = pending_.find('\n', start);
    out += prefix_;
    out.append(pending_, start, newline + 1 - start);
    start = newline + 1;
  }
  pending_.erase(0, end + 1);
  std::lock_guard lock(targetMutex_);
  std::fwrite(out.data(), 1, out.size(), target_);
}

} // namespace tiercel::system
