// A -d log stream for one hart of a multi-hart board: a stdio FILE (what
// the run loop's loggers and the interpreter's in_asm/exec/cpu logs write
// with fprintf) whose every line reaches the shared log as one write, with
// "hart H: " in front. Lines of several hart threads then never interleave
// mid-line, and each says whose it is; a line written in pieces (the -d cpu
// register dump) is kept until its newline. With one hart the run loop
// writes to the log directly and there is no prefix (the single-hart
// format is unchanged).
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

namespace tiercel::system {

class HartLogStream {
public:
  // Lines go to `target` (which outlives the stream) under `targetMutex`,
  // which every stream of the same target shares.
  HartLogStream(FILE *target, std::mutex &targetMutex, unsigned hart);
  // Writes what is left (a last line without its newline gets one).
  ~HartLogStream();
  HartLogStream(const HartLogStream &) = delete;
  HartLogStream &operator=(const HartLogStream &) = delete;

  // The stream to write to; nullptr if it could not be made (then
  // writes should go to the target directly).
  FILE *file() const { return file_; }

private:
  static ssize_t write(void *cookie, const char *data, size_t size);
  void emitLines(bool all);

  FILE *target_;
  std::mutex &targetMutex_;
  std::string prefix_;
  std::string pending_; // bytes since the last newline
  FILE *file_ = nullptr;
};

} // namespace tiercel::system
