// A strict reader of jitdump files for the tests: parses the file header and
// every record as the jitdump specification lays them out, and fails with a
// message on anything a writer must not produce (bad sizes, records cut
// short, debug info not followed by the load of the same code, unknown ids).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tiercel::jitdump_test {

struct Header {
  uint32_t magic = 0, version = 0, totalSize = 0, elfMach = 0, pad1 = 0, pid = 0;
  uint64_t timestamp = 0, flags = 0;
};

struct Line {
  uint64_t addr = 0;
  uint32_t lineno = 0, discrim = 0;
  std::string name;
};

struct Record {
  uint32_t id = 0, totalSize = 0;
  uint64_t timestamp = 0;
  // JIT_CODE_LOAD
  uint32_t pid = 0, tid = 0;
  uint64_t vma = 0, codeAddr = 0, codeSize = 0, codeIndex = 0;
  std::string name;
  std::string code;
  // JIT_CODE_DEBUG_INFO (codeAddr above)
  std::vector<Line> lines;
};

struct Dump {
  Header header;
  std::vector<Record> records;
};

// Returns an empty string on success, else what is wrong.
std::string readDump(const std::string &path, Dump &dump);

} // namespace tiercel::jitdump_test
