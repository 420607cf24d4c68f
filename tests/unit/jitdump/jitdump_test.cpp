// Jitdump writer tests: the file read back field by field (header, debug
// info before each load, code bytes, the close record), the PROT_EXEC marker
// perf record needs, the directory conventions, concurrent writers, and a
// failed write that must leave no half record behind.
#include "runtime/jitdump.h"

#include <elf.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jitdump/jitdump_reader.h"
#include "llvm/Support/FileSystem.h"

namespace tiercel {
namespace {

using jitdump_test::Dump;
using jitdump_test::readDump;
using jitdump_test::Record;

constexpr uint32_t kCodeLoad = 0, kDebugInfo = 2, kClose = 3;

uint64_t monotonicNow() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return uint64_t(now.tv_sec) * 1000000000u + uint64_t(now.tv_nsec);
}

// A fresh directory per test, removed with everything in it at the end.
class TempDir {
public:
  TempDir() {
    const char *base = std::getenv("TMPDIR");
    path_ = std::string(base && *base ? base : "/tmp") + "/tiercel-jitdump-test.XXXXXX";
    if (!mkdtemp(path_.data()))
      path_.clear();
  }
  ~TempDir() {
    if (!path_.empty())
      llvm::sys::fs::remove_directories(path_);
  }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

// The /proc/self/maps line that maps `path`, or "".
std::string mappingOf(const std::string &path) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.size() >= path.size() &&
        line.compare(line.size() - path.size(), path.size(), path) == 0)
      return line;
  return "";
}

const void *at(const std::vector<uint8_t> &code, size_t offset) { return code.data() + offset; }
uint64_t addressOf(const std::vector<uint8_t> &code, size_t offset) {
  return reinterpret_cast<uintptr_t>(code.data() + offset);
}

std::string bytesOf(const std::vector<uint8_t> &code) {
  return std::string(reinterpret_cast<const char *>(code.data()), code.size());
}

TEST(JitDump, WritesHeaderRecordsAndClose) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/jit-" + std::to_string(getpid()) + ".dump";
  // Code blocks: plain buffers stand in for the code cache.
  std::vector<uint8_t> first = {0x48, 0x89, 0xf8, 0x48, 0x83, 0xe8, 0x01, 0x75, 0xfa, 0xc3};
  std::vector<uint8_t> second(300);
  for (size_t i = 0; i < second.size(); ++i)
    second[i] = uint8_t(i * 7 + 1);
  std::vector<uint8_t> third = {0x90, 0xc3};

  uint64_t before = monotonicNow();
  {
    auto dump = JitDump::openAt(path);
    ASSERT_TRUE(bool(dump)) << llvm::toString(dump.takeError());
    EXPECT_EQ((*dump)->path(), path);
    // The marker perf record logs: the dump file mapped executable.
    std::string marker = mappingOf(path);
    ASSERT_NE(marker, "") << "no mapping of " << path << " in /proc/self/maps";
    EXPECT_NE(marker.find(" r-xp "), std::string::npos) << marker;

    // Without line information: a load record only.
    (*dump)->addCode(first.data(), first.size(), "tiercel:t1:0x10078");
    // Lines given out of host order, one outside the code and a guest pc
    // above 4 GiB, which keeps its low 32 bits.
    JitDump::LineEntry lines[] = {
        {at(second, 100), 0x10008},
        {at(second, 0), 0x10000},
        {at(second, 40), 0x10004},
        {second.data() + second.size(), 0x99999}, // one past the end: dropped
        {at(second, 200), 0x1'2345'6780},
    };
    (*dump)->addCode(second.data(), second.size(), "block\nwith newline", lines,
                     "/path/to/guest.elf");
    // Nothing for an empty range, even with lines.
    (*dump)->addCode(third.data(), 0, "empty", lines, "x");
    // Lines but no source name.
    JitDump::LineEntry one[] = {{at(third, 0), 0x20000}};
    (*dump)->addCode(third.data(), third.size(), "t", one);
    // While open, the marker stays and the file reads back whole.
    Dump open;
    ASSERT_EQ(readDump(path, open), "");
    EXPECT_EQ(open.records.size(), 5u);
  }
  uint64_t after = monotonicNow();
  EXPECT_EQ(mappingOf(path), "") << "marker left mapped after the dump was closed";

  Dump dump;
  ASSERT_EQ(readDump(path, dump), "");
  EXPECT_EQ(dump.header.magic, 0x4A695444u);
  EXPECT_EQ(dump.header.version, 1u);
  EXPECT_EQ(dump.header.totalSize, 40u);
  EXPECT_EQ(dump.header.elfMach, uint32_t(EM_X86_64));
  EXPECT_EQ(dump.header.pad1, 0u);
  EXPECT_EQ(dump.header.pid, uint32_t(getpid()));
  EXPECT_EQ(dump.header.flags, 0u) << "timestamps are CLOCK_MONOTONIC, not the TSC";
  EXPECT_GE(dump.header.timestamp, before);
  EXPECT_LE(dump.header.timestamp, after);

  ASSERT_EQ(dump.records.size(), 6u);
  const Record &load1 = dump.records[0];
  EXPECT_EQ(load1.id, kCodeLoad);
  EXPECT_EQ(load1.totalSize, 56u + sizeof("tiercel:t1:0x10078") + first.size());
  EXPECT_EQ(load1.pid, uint32_t(getpid()));
  EXPECT_EQ(load1.tid, uint32_t(gettid()));
  EXPECT_EQ(load1.vma, addressOf(first, 0));
  EXPECT_EQ(load1.codeAddr, addressOf(first, 0));
  EXPECT_EQ(load1.codeSize, first.size());
  EXPECT_EQ(load1.name, "tiercel:t1:0x10078");
  EXPECT_EQ(load1.code, bytesOf(first));

  const Record &debug2 = dump.records[1];
  EXPECT_EQ(debug2.id, kDebugInfo);
  EXPECT_EQ(debug2.codeAddr, addressOf(second, 0));
  // Four in-range lines sorted by host address, then the closing entry at
  // the end of the code with the last line again.
  ASSERT_EQ(debug2.lines.size(), 5u);
  const uint64_t expectAddr[] = {addressOf(second, 0), addressOf(second, 40),
                                 addressOf(second, 100), addressOf(second, 200),
                                 addressOf(second, 300)};
  const uint32_t expectLine[] = {0x10000, 0x10004, 0x10008, 0x23456780, 0x23456780};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(debug2.lines[i].addr, expectAddr[i]) << i;
    EXPECT_EQ(debug2.lines[i].lineno, expectLine[i]) << i;
    EXPECT_EQ(debug2.lines[i].discrim, 0u) << i;
    EXPECT_EQ(debug2.lines[i].name, "/path/to/guest.elf") << i;
  }
  EXPECT_EQ(debug2.totalSize, 32u + 5 * (16 + sizeof("/path/to/guest.elf")));

  const Record &load2 = dump.records[2];
  EXPECT_EQ(load2.id, kCodeLoad);
  EXPECT_EQ(load2.codeAddr, addressOf(second, 0));
  EXPECT_EQ(load2.vma, addressOf(second, 0));
  EXPECT_EQ(load2.codeSize, second.size());
  EXPECT_EQ(load2.name, "block with newline");
  EXPECT_EQ(load2.code, bytesOf(second));
  // Debug info and its load are one unit, stamped together.
  EXPECT_EQ(debug2.timestamp, load2.timestamp);

  const Record &debug3 = dump.records[3];
  EXPECT_EQ(debug3.id, kDebugInfo);
  ASSERT_EQ(debug3.lines.size(), 2u);
  EXPECT_EQ(debug3.lines[0].addr, addressOf(third, 0));
  EXPECT_EQ(debug3.lines[0].lineno, 0x20000u);
  EXPECT_EQ(debug3.lines[0].name, "guest");
  EXPECT_EQ(debug3.lines[1].addr, addressOf(third, 2));
  EXPECT_EQ(debug3.lines[1].lineno, 0x20000u);
  const Record &load3 = dump.records[4];
  EXPECT_EQ(load3.name, "t");
  EXPECT_EQ(load3.code, bytesOf(third));

  const Record &close = dump.records[5];
  EXPECT_EQ(close.id, kClose);
  EXPECT_EQ(close.totalSize, 16u);

  // Distinct indices (perf names each image jitted-<pid>-<index>.so) and
  // timestamps that never go back, within the life of the writer.
  EXPECT_EQ(load1.codeIndex, 1u);
  EXPECT_EQ(load2.codeIndex, 2u);
  EXPECT_EQ(load3.codeIndex, 3u);
  uint64_t last = dump.header.timestamp;
  for (const Record &record : dump.records) {
    EXPECT_GE(record.timestamp, last);
    last = record.timestamp;
  }
  EXPECT_LE(last, after);
}

TEST(JitDump, ConcurrentWritersKeepDebugInfoNextToItsLoad) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/jit-concurrent.dump";
  constexpr int kThreads = 4, kBlocks = 200;
  std::vector<std::vector<uint8_t>> code(kThreads * kBlocks);
  for (size_t i = 0; i < code.size(); ++i)
    code[i].assign(16 + i % 50, uint8_t(i));
  {
    auto dump = JitDump::openAt(path);
    ASSERT_TRUE(bool(dump)) << llvm::toString(dump.takeError());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int b = 0; b < kBlocks; ++b) {
          const std::vector<uint8_t> &block = code[t * kBlocks + b];
          JitDump::LineEntry lines[] = {{block.data(), uint64_t(0x10000 + 4 * b)},
                                        {block.data() + 8, uint64_t(0x10004 + 4 * b)}};
          std::string name = "t" + std::to_string(t) + "b" + std::to_string(b);
          if (b % 2)
            (*dump)->addCode(block.data(), block.size(), name, lines, "guest.elf");
          else
            (*dump)->addCode(block.data(), block.size(), name);
        }
      });
    for (std::thread &thread : threads)
      thread.join();
  }
  Dump dump;
  // The reader also checks that each debug record is followed by its load.
  ASSERT_EQ(readDump(path, dump), "");
  std::set<uint64_t> indices;
  std::set<std::string> names;
  size_t debugRecords = 0;
  for (const Record &record : dump.records) {
    if (record.id == kDebugInfo)
      ++debugRecords;
    if (record.id != kCodeLoad)
      continue;
    indices.insert(record.codeIndex);
    names.insert(record.name);
    // The bytes belong to the block the name says.
    size_t t = std::stoul(record.name.substr(1));
    size_t b = std::stoul(record.name.substr(record.name.find('b') + 1));
    EXPECT_EQ(record.code, bytesOf(code[t * kBlocks + b])) << record.name;
  }
  EXPECT_EQ(indices.size(), size_t(kThreads * kBlocks));
  EXPECT_EQ(names.size(), size_t(kThreads * kBlocks));
  EXPECT_EQ(debugRecords, size_t(kThreads * kBlocks / 2));
  EXPECT_EQ(dump.records.back().id, kClose);
}

TEST(JitDump, OpenCreatesTheDirectoryAndNamesTheFileForPerf) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string nested = dir.path() + "/a/b";
  auto dump = JitDump::open(nested);
  ASSERT_TRUE(bool(dump)) << llvm::toString(dump.takeError());
  EXPECT_EQ((*dump)->path(), nested + "/jit-" + std::to_string(getpid()) + ".dump");
  EXPECT_TRUE(llvm::sys::fs::exists((*dump)->path()));
}

TEST(JitDump, DefaultDirectoryFollowsPerfsConvention) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  ASSERT_EQ(setenv("JITDUMPDIR", dir.path().c_str(), 1), 0);
  auto dump = JitDump::open();
  unsetenv("JITDUMPDIR");
  ASSERT_TRUE(bool(dump)) << llvm::toString(dump.takeError());
  // <JITDUMPDIR>/.debug/jit/tiercel-jit-YYYYMMDD.XXXXXXXX/jit-<pid>.dump
  std::string prefix = dir.path() + "/.debug/jit/tiercel-jit-";
  const std::string &path = (*dump)->path();
  ASSERT_EQ(path.compare(0, prefix.size(), prefix), 0) << path;
  std::string rest = path.substr(prefix.size());
  std::string suffix = "/jit-" + std::to_string(getpid()) + ".dump";
  ASSERT_EQ(rest.size(), 8 + 1 + 8 + suffix.size()) << path;
  EXPECT_EQ(rest[8], '.');
  EXPECT_EQ(rest.substr(17), suffix);
  // Each run gets its own directory.
  ASSERT_EQ(setenv("JITDUMPDIR", dir.path().c_str(), 1), 0);
  auto again = JitDump::open();
  unsetenv("JITDUMPDIR");
  ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
  EXPECT_NE((*again)->path(), path);
}

TEST(JitDump, OpenFailsWithAClearError) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/missing/jit-1.dump";
  auto dump = JitDump::openAt(path);
  ASSERT_FALSE(bool(dump));
  std::string message = llvm::toString(dump.takeError());
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;

  // A directory that cannot be created (a file is in the way).
  std::string file = dir.path() + "/plain";
  std::ofstream(file) << "x";
  auto under = JitDump::open(file + "/sub");
  ASSERT_FALSE(bool(under));
  message = llvm::toString(under.takeError());
  EXPECT_NE(message.find("cannot create the jitdump directory"), std::string::npos) << message;
}

// A forked child shares the file but not the parent's write offset: it must
// not write at all, not even the close record when it destroys the writer.
TEST(JitDump, ForkedChildWritesNothing) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/jit-fork.dump";
  std::vector<uint8_t> code(32, 0x90);
  auto dump = JitDump::openAt(path);
  ASSERT_TRUE(bool(dump)) << llvm::toString(dump.takeError());
  (*dump)->addCode(code.data(), code.size(), "parent before");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    JitDump::LineEntry lines[] = {{code.data(), 0x10000}};
    (*dump)->addCode(code.data(), code.size(), "child", lines, "guest.elf");
    dump->reset();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  (*dump)->addCode(code.data(), code.size(), "parent after");
  dump->reset();

  Dump read;
  ASSERT_EQ(readDump(path, read), "");
  ASSERT_EQ(read.records.size(), 3u);
  EXPECT_EQ(read.records[0].name, "parent before");
  EXPECT_EQ(read.records[1].name, "parent after");
  EXPECT_EQ(read.records[1].pid, uint32_t(getpid()));
  EXPECT_EQ(read.records[2].id, kClose);
}

// A write that fails half way (here: the file size limit) must not leave a
// partial record, is reported once, and later records that fit still land.
TEST(JitDump, FailedWriteLeavesNoPartialRecord) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string path = dir.path() + "/jit-limit.dump";
  std::vector<uint8_t> small(8, 0x90), big(20000, 0xcc);

  auto dump = JitDump::openAt(path);
  ASSERT_TRUE(bool(dump)) << llvm::toString(dump.takeError());
  (*dump)->addCode(small.data(), small.size(), "before");

  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  // Past the limit write(2) fails with EFBIG once SIGXFSZ is ignored.
  auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limit = saved;
  limit.rlim_cur = 8192;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  testing::internal::CaptureStderr();
  JitDump::LineEntry lines[] = {{big.data(), 0x10000}};
  (*dump)->addCode(big.data(), big.size(), "too big", lines, "guest.elf");
  (*dump)->addCode(big.data(), big.size(), "too big again");
  (*dump)->addCode(small.data(), small.size(), "after");
  std::string warnings = testing::internal::GetCapturedStderr();
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, oldHandler);

  EXPECT_NE(warnings.find("tiercel: warning: cannot write the jitdump " + path), std::string::npos)
      << warnings;
  EXPECT_EQ(warnings.find("warning", warnings.find("warning") + 1), std::string::npos)
      << "reported more than once: " << warnings;

  dump->reset();
  Dump read;
  ASSERT_EQ(readDump(path, read), "");
  ASSERT_EQ(read.records.size(), 3u);
  EXPECT_EQ(read.records[0].name, "before");
  EXPECT_EQ(read.records[1].name, "after");
  EXPECT_EQ(read.records[1].code, bytesOf(small));
  EXPECT_EQ(read.records[2].id, kClose);
}

} // namespace
} // namespace tiercel
