// The perf jitdump writer (see jitdump.h). Field layouts are those of
// tools/perf/Documentation/jitdump-specification.txt, in host byte order (the
// magic tells a reader which order that is).
#include "runtime/jitdump.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <vector>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace tiercel {
namespace {

constexpr uint32_t kMagic = 0x4A695444; // "JiTD"
constexpr uint32_t kVersion = 1;
#if defined(__x86_64__)
constexpr uint32_t kElfMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kElfMachine = EM_AARCH64;
#else
#error "jitdump: unknown host ELF machine"
#endif

enum RecordId : uint32_t {
  JitCodeLoad = 0,
  JitCodeMove = 1, // not written: Tiercel never moves code
  JitCodeDebugInfo = 2,
  JitCodeClose = 3,
};

struct FileHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t totalSize;
  uint32_t elfMach;
  uint32_t pad1;
  uint32_t pid;
  uint64_t timestamp;
  uint64_t flags; // 0: timestamps are CLOCK_MONOTONIC, not the TSC
};
static_assert(sizeof(FileHeader) == 40);

struct RecordHeader {
  uint32_t id;
  uint32_t totalSize;
  uint64_t timestamp;
};
static_assert(sizeof(RecordHeader) == 16);

// Followed by the NUL-terminated name and the code bytes.
struct CodeLoad {
  RecordHeader header;
  uint32_t pid;
  uint32_t tid;
  uint64_t vma;
  uint64_t codeAddr;
  uint64_t codeSize;
  uint64_t codeIndex;
};
static_assert(sizeof(CodeLoad) == 56);

// Followed by nrEntry entries, each a DebugEntry and a NUL-terminated file name.
struct DebugInfo {
  RecordHeader header;
  uint64_t codeAddr;
  uint64_t nrEntry;
};
static_assert(sizeof(DebugInfo) == 32);

struct DebugEntry {
  uint64_t addr;
  uint32_t lineno;
  uint32_t discrim;
};
static_assert(sizeof(DebugEntry) == 16);

// `perf record -k mono` stamps samples with CLOCK_MONOTONIC; perf inject
// orders our records among them by these stamps.
uint64_t monotonicNanoseconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return uint64_t(now.tv_sec) * 1000000000u + uint64_t(now.tv_nsec);
}

template <typename T> void append(std::string &buffer, const T &value) {
  buffer.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

// The name with its terminating NUL. A NUL inside would cut it short, a
// newline would break perf's one-line-per-symbol output.
void appendName(std::string &buffer, std::string_view name) {
  for (char c : name)
    buffer += (c == '\n' || c == '\r' || c == '\0') ? ' ' : c;
  buffer += '\0';
}

template <typename T> void patch(std::string &buffer, size_t offset, const T &value) {
  std::memcpy(buffer.data() + offset, &value, sizeof(T));
}

llvm::Error openError(const std::string &path, const char *what, int error) {
  return llvm::createStringError("cannot %s the jitdump %s: %s", what, path.c_str(),
                                 std::strerror(error));
}

// perf's JVMTI agent convention: ${JITDUMPDIR:-${HOME:-.}}/.debug/jit/ and
// in it a fresh directory per run.
llvm::Expected<std::string> makeDefaultDirectory() {
  const char *base = std::getenv("JITDUMPDIR");
  if (!base || !*base)
    base = std::getenv("HOME");
  if (!base || !*base)
    base = ".";
  llvm::SmallString<256> parent(base);
  llvm::sys::path::append(parent, ".debug", "jit");
  if (std::error_code error = llvm::sys::fs::create_directories(parent))
    return llvm::createStringError("cannot create the jitdump directory %s: %s", parent.c_str(),
                                   error.message().c_str());
  char date[32];
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(date, sizeof(date), "tiercel-jit-%Y%m%d", &local);
  std::string pattern = std::string(parent.str()) + "/" + date + ".XXXXXXXX";
  if (!mkdtemp(pattern.data()))
    return llvm::createStringError("cannot create a jitdump directory in %s: %s", parent.c_str(),
                                   std::strerror(errno));
  return pattern;
}

} // namespace

llvm::Expected<std::unique_ptr<JitDump>> JitDump::open(const std::string &directory) {
  std::string dir = directory;
  if (dir.empty()) {
    auto made = makeDefaultDirectory();
    if (!made)
      return made.takeError();
    dir = std::move(*made);
  } else if (std::error_code error = llvm::sys::fs::create_directories(dir)) {
    return llvm::createStringError("cannot create the jitdump directory %s: %s", dir.c_str(),
                                   error.message().c_str());
  }
  return openAt(dir + "/jit-" + std::to_string(getpid()) + ".dump");
}

llvm::Expected<std::unique_ptr<JitDump>> JitDump::openAt(const std::string &path) {
  // O_RDWR: the marker mapping needs a readable descriptor. No O_APPEND: we
  // pwrite at a known offset so that a failed record can be cut off again.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return openError(path, "open", errno);

  FileHeader header{};
  header.magic = kMagic;
  header.version = kVersion;
  header.totalSize = sizeof(FileHeader);
  header.elfMach = kElfMachine;
  header.pid = uint32_t(getpid());
  header.timestamp = monotonicNanoseconds();
  ssize_t written;
  do
    written = ::pwrite(fd, &header, sizeof(header), 0);
  while (written < 0 && errno == EINTR);
  if (written != ssize_t(sizeof(header))) {
    int error = written < 0 ? errno : ENOSPC;
    ::close(fd);
    return openError(path, "write the header of", error);
  }

  // perf record logs only executable mappings unless run with --data, so
  // the marker must be PROT_EXEC; it is never touched.
  long pageSize = sysconf(_SC_PAGESIZE);
  size_t markerSize = pageSize > 0 ? size_t(pageSize) : 4096;
  void *marker = ::mmap(nullptr, markerSize, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (marker == MAP_FAILED) {
    int error = errno;
    ::close(fd);
    return openError(path, "map (PROT_EXEC marker for perf record)", error);
  }
  return std::unique_ptr<JitDump>(
      new JitDump(fd, path, marker, markerSize, sizeof(header), int(header.pid)));
}

JitDump::~JitDump() {
  if (getpid() == ownerPid_) {
    std::string record;
    append(record, RecordHeader{JitCodeClose, sizeof(RecordHeader), 0});
    std::lock_guard<std::mutex> lock(writeMutex_);
    patch(record, offsetof(RecordHeader, timestamp), monotonicNanoseconds());
    writeRecords(record);
  }
  ::munmap(marker_, markerSize_);
  ::close(fd_);
}

void JitDump::reportOnce(const char *what, const char *detail) {
  if (!reportedError_.exchange(true))
    std::fprintf(stderr, "tiercel: warning: cannot %s the jitdump %s: %s\n", what, path_.c_str(),
                 detail);
}

void JitDump::addCode(const void *start, size_t size, std::string_view name,
                      std::span<const LineEntry> lines, std::string_view sourceName) {
  if (size == 0 || getpid() != ownerPid_)
    return;
  const uint64_t codeStart = reinterpret_cast<uintptr_t>(start);
  const uint64_t codeEnd = codeStart + size;

  // Rows in host address order, only those inside the code; rows at the same
  // address keep the caller's order (the index breaks ties, as
  // std::stable_sort trips a libstdc++ 12 deprecation warning under clang).
  struct Row {
    uint64_t address;
    size_t index;
    uint64_t guestPc;
  };
  std::vector<Row> rows;
  rows.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    uint64_t address = reinterpret_cast<uintptr_t>(lines[i].hostAddress);
    if (address >= codeStart && address < codeEnd)
      rows.push_back(Row{address, i, lines[i].guestPc});
  }
  std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
    return a.address != b.address ? a.address < b.address : a.index < b.index;
  });
  if (sourceName.empty())
    sourceName = "guest";

  std::string buffer;
  size_t debugSize = 0;
  if (!rows.empty()) {
    size_t entrySize = sizeof(DebugEntry) + sourceName.size() + 1;
    debugSize = sizeof(DebugInfo) + (rows.size() + 1) * entrySize;
  }
  size_t loadSize = sizeof(CodeLoad) + name.size() + 1 + size;
  if (debugSize > std::numeric_limits<uint32_t>::max() ||
      loadSize > std::numeric_limits<uint32_t>::max()) {
    // total_size is 32 bits; no block comes near this, so say so and go on.
    reportOnce("log a block in", "record larger than 4 GiB");
    return;
  }
  buffer.reserve(debugSize + loadSize);

  if (!rows.empty()) {
    DebugInfo info{};
    info.header = RecordHeader{JitCodeDebugInfo, uint32_t(debugSize), 0};
    info.codeAddr = codeStart;
    info.nrEntry = rows.size() + 1;
    append(buffer, info);
    for (const Row &row : rows) {
      append(buffer, DebugEntry{row.address, uint32_t(row.guestPc), 0});
      appendName(buffer, sourceName);
    }
    append(buffer, DebugEntry{codeEnd, uint32_t(rows.back().guestPc), 0});
    appendName(buffer, sourceName);
  }

  const size_t loadOffset = buffer.size();
  CodeLoad load{};
  load.header = RecordHeader{JitCodeLoad, uint32_t(loadSize), 0};
  load.pid = uint32_t(ownerPid_);
  load.tid = uint32_t(gettid());
  load.vma = codeStart;
  load.codeAddr = codeStart;
  load.codeSize = size;
  append(buffer, load);
  appendName(buffer, name);
  buffer.append(static_cast<const char *>(start), size);

  // Stamps and the index are set under the lock so that both grow in file
  // order, which is the order perf inject reads the records in.
  std::lock_guard<std::mutex> lock(writeMutex_);
  uint64_t now = monotonicNanoseconds();
  if (!rows.empty())
    patch(buffer, offsetof(RecordHeader, timestamp), now);
  patch(buffer, loadOffset + offsetof(RecordHeader, timestamp), now);
  patch(buffer, loadOffset + offsetof(CodeLoad, codeIndex), nextCodeIndex_);
  writeRecords(buffer);
  ++nextCodeIndex_;
}

void JitDump::writeRecords(const std::string &records) {
  if (broken_)
    return;
  const char *data = records.data();
  size_t left = records.size();
  uint64_t offset = fileSize_;
  while (left != 0) {
    ssize_t written = ::pwrite(fd_, data, left, off_t(offset));
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0) {
      reportOnce("write", written < 0 ? std::strerror(errno) : "short write");
      // A reader must never see half a record: everything after it would be
      // misread. If the file cannot be cut back, stop writing altogether.
      if (offset != fileSize_ && ::ftruncate(fd_, off_t(fileSize_)) != 0)
        broken_ = true;
      return;
    }
    data += written;
    left -= size_t(written);
    offset += uint64_t(written);
  }
  fileSize_ = offset;
}

} // namespace tiercel
