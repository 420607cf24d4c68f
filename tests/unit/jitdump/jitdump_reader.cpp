// The test reader of jitdump files (see jitdump_reader.h).
#include "jitdump/jitdump_reader.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace tiercel::jitdump_test {
namespace {

// Bounds-checked little cursor over the file bytes.
class Cursor {
public:
  Cursor(const std::string &bytes, size_t begin, size_t end)
      : bytes_(bytes), offset_(begin), end_(end) {}

  template <typename T> bool read(T &value) {
    if (end_ - offset_ < sizeof(T))
      return false;
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return true;
  }
  bool readString(std::string &value) {
    const void *nul = std::memchr(bytes_.data() + offset_, 0, end_ - offset_);
    if (!nul)
      return false;
    size_t length = static_cast<const char *>(nul) - (bytes_.data() + offset_);
    value.assign(bytes_.data() + offset_, length);
    offset_ += length + 1;
    return true;
  }
  bool readBytes(size_t count, std::string &value) {
    if (end_ - offset_ < count)
      return false;
    value.assign(bytes_.data() + offset_, count);
    offset_ += count;
    return true;
  }
  size_t left() const { return end_ - offset_; }

private:
  const std::string &bytes_;
  size_t offset_;
  size_t end_;
};

std::string readLoad(Cursor &in, Record &record) {
  if (!in.read(record.pid) || !in.read(record.tid) || !in.read(record.vma) ||
      !in.read(record.codeAddr) || !in.read(record.codeSize) || !in.read(record.codeIndex))
    return "JIT_CODE_LOAD shorter than its fixed fields";
  if (!in.readString(record.name))
    return "JIT_CODE_LOAD name without NUL";
  if (in.left() != record.codeSize)
    return "JIT_CODE_LOAD total_size does not match code_size (" + std::to_string(in.left()) +
           " bytes left for " + std::to_string(record.codeSize) + ")";
  in.readBytes(record.codeSize, record.code);
  return "";
}

std::string readDebugInfo(Cursor &in, Record &record) {
  uint64_t count = 0;
  if (!in.read(record.codeAddr) || !in.read(count))
    return "JIT_CODE_DEBUG_INFO shorter than its fixed fields";
  for (uint64_t i = 0; i < count; ++i) {
    Line line;
    if (!in.read(line.addr) || !in.read(line.lineno) || !in.read(line.discrim) ||
        !in.readString(line.name))
      return "JIT_CODE_DEBUG_INFO entry " + std::to_string(i) + " runs past the record";
    record.lines.push_back(line);
  }
  if (in.left() != 0)
    return "JIT_CODE_DEBUG_INFO has " + std::to_string(in.left()) + " bytes after its entries";
  return "";
}

} // namespace

std::string readDump(const std::string &path, Dump &dump) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return "cannot open " + path;
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());

  Cursor headerIn(bytes, 0, bytes.size());
  Header &h = dump.header;
  if (!headerIn.read(h.magic) || !headerIn.read(h.version) || !headerIn.read(h.totalSize) ||
      !headerIn.read(h.elfMach) || !headerIn.read(h.pad1) || !headerIn.read(h.pid) ||
      !headerIn.read(h.timestamp) || !headerIn.read(h.flags))
    return "file shorter than the header";
  if (h.totalSize < 40 || h.totalSize > bytes.size())
    return "bad header total_size " + std::to_string(h.totalSize);

  size_t offset = h.totalSize;
  while (offset < bytes.size()) {
    Record record;
    Cursor prefix(bytes, offset, bytes.size());
    if (!prefix.read(record.id) || !prefix.read(record.totalSize) || !prefix.read(record.timestamp))
      return "record header cut short at offset " + std::to_string(offset);
    if (record.totalSize < 16 || record.totalSize > bytes.size() - offset)
      return "bad record total_size " + std::to_string(record.totalSize) + " at offset " +
             std::to_string(offset);
    Cursor in(bytes, offset + 16, offset + record.totalSize);
    std::string error;
    switch (record.id) {
    case 0: error = readLoad(in, record); break;
    case 2: error = readDebugInfo(in, record); break;
    case 3:
      if (in.left() != 0)
        error = "JIT_CODE_CLOSE with a payload";
      break;
    default: error = "unexpected record id " + std::to_string(record.id);
    }
    if (!error.empty())
      return error + " (record at offset " + std::to_string(offset) + ")";
    offset += record.totalSize;
    dump.records.push_back(std::move(record));
  }

  // perf inject keeps a debug record until the next load: they must pair.
  for (size_t i = 0; i < dump.records.size(); ++i) {
    const Record &record = dump.records[i];
    if (record.id != 2)
      continue;
    if (i + 1 == dump.records.size() || dump.records[i + 1].id != 0 ||
        dump.records[i + 1].codeAddr != record.codeAddr)
      return "JIT_CODE_DEBUG_INFO " + std::to_string(i) +
             " not followed by the JIT_CODE_LOAD of its code";
  }
  return "";
}

} // namespace tiercel::jitdump_test
