// Perf JIT map tests: the exact "%lx %lx %s" lines perf expects, appended and
// visible on disk after each add(), and the /tmp/perf-<pid>.map path.
#include "runtime/perf_map.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tiercel {
namespace {

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string tempPath(const char *tag) {
  const char *dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/tiercel-perf-map-test-" +
         std::to_string(getpid()) + "-" + tag + ".map";
}

TEST(PerfMap, WritesPerfLinesAndFlushesEachOne) {
  std::string path = tempPath("lines");
  auto map = PerfMap::openAt(path);
  ASSERT_TRUE(bool(map)) << llvm::toString(map.takeError());
  EXPECT_EQ((*map)->path(), path);
  EXPECT_EQ(readFile(path), "");

  (*map)->add(reinterpret_cast<const void *>(0x7f0012345000), 0x40, "tiercel:t1:0x10078");
  // Visible before anything is closed: perf may read while we run.
  EXPECT_EQ(readFile(path), "7f0012345000 40 tiercel:t1:0x10078\n");
  (*map)->add(reinterpret_cast<const void *>(0x1000), 0, "empty is skipped");
  (*map)->add(reinterpret_cast<const void *>(0xabc), 0x1234, "name with spaces\nand newline");
  EXPECT_EQ(readFile(path), "7f0012345000 40 tiercel:t1:0x10078\n"
                            "abc 1234 name with spaces and newline\n");
  map->reset();
  // The file stays for perf after the map is gone.
  EXPECT_EQ(readFile(path), "7f0012345000 40 tiercel:t1:0x10078\n"
                            "abc 1234 name with spaces and newline\n");
  std::remove(path.c_str());
}

TEST(PerfMap, ReopenTruncates) {
  std::string path = tempPath("truncate");
  {
    auto map = PerfMap::openAt(path);
    ASSERT_TRUE(bool(map)) << llvm::toString(map.takeError());
    (*map)->add(reinterpret_cast<const void *>(0x10), 1, "old");
  }
  auto map = PerfMap::openAt(path);
  ASSERT_TRUE(bool(map)) << llvm::toString(map.takeError());
  EXPECT_EQ(readFile(path), "");
  std::remove(path.c_str());
}

TEST(PerfMap, ConcurrentAddsKeepLinesWhole) {
  std::string path = tempPath("threads");
  auto map = PerfMap::openAt(path);
  ASSERT_TRUE(bool(map)) << llvm::toString(map.takeError());
  constexpr int kThreads = 4, kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i)
        (*map)->add(reinterpret_cast<const void *>(uintptr_t(t) << 32 | uintptr_t(i) << 8), 0x10,
                    "block_" + std::to_string(t) + "_" + std::to_string(i));
    });
  for (std::thread &thread : threads)
    thread.join();
  std::istringstream lines(readFile(path));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    unsigned long start = 0, size = 0;
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lx %lx block_%d_%d", &start, &size, &t, &i), 4) << line;
    EXPECT_EQ(start, (uintptr_t(t) << 32 | uintptr_t(i) << 8)) << line;
    EXPECT_EQ(size, 0x10u);
    ++count;
  }
  EXPECT_EQ(count, kThreads * kPerThread);
  std::remove(path.c_str());
}

TEST(PerfMap, OpenUsesPidPath) {
  std::string expected = "/tmp/perf-" + std::to_string(getpid()) + ".map";
  auto map = PerfMap::open();
  ASSERT_TRUE(bool(map)) << llvm::toString(map.takeError());
  EXPECT_EQ((*map)->path(), expected);
  (*map)->add(reinterpret_cast<const void *>(0xdead000), 0x20, "pid_map");
  EXPECT_EQ(readFile(expected), "dead000 20 pid_map\n");
  map->reset();
  EXPECT_EQ(std::remove(expected.c_str()), 0);
}

TEST(PerfMap, UnopenablePathIsAnError) {
  auto map = PerfMap::openAt("/nonexistent-dir-for-tiercel/x.map");
  ASSERT_FALSE(bool(map));
  std::string message = llvm::toString(map.takeError());
  EXPECT_NE(message.find("/nonexistent-dir-for-tiercel/x.map"), std::string::npos) << message;
}

} // namespace
} // namespace tiercel
