// The per-hart log streams of multi-hart runs (runtime/system/hart_log.h):
// every line reaches the shared log whole and prefixed with its hart, also
// when it is written in pieces and several hart threads log at once; a last
// line without a newline is not lost.
#include "runtime/system/hart_log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace tiercel::system {
namespace {

std::string contentsOf(FILE *file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    text.append(buffer, got);
  return text;
}

std::vector<std::string> linesOf(const std::string &text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  EXPECT_EQ(start, text.size()) << "the log ends in the middle of a line";
  return lines;
}

TEST(HartLogStreamTest, PiecesBecomeOnePrefixedLine) {
  FILE *target = std::tmpfile();
  ASSERT_NE(target, nullptr);
  std::mutex mutex;
  {
    HartLogStream stream(target, mutex, 3);
    ASSERT_NE(stream.file(), nullptr);
    std::fprintf(stream.file(), " pc %016x", 0x1000);
    std::fprintf(stream.file(), "  priv %s\n", "M");
    std::fprintf(stream.file(), "two\nlines\n");
    std::fprintf(stream.file(), "unfinished");
  }
  EXPECT_EQ(
      contentsOf(target),
      "hart 3:  pc 0000000000001000  priv M\nhart 3: two\nhart 3: lines\nhart 3: unfinished\n");
  std::fclose(target);
}

TEST(HartLogStreamTest, ThreadsNeverInterleaveMidLine) {
  FILE *target = std::tmpfile();
  ASSERT_NE(target, nullptr);
  std::mutex mutex;
  constexpr unsigned kHarts = 4, kLines = 2000;
  {
    std::vector<std::unique_ptr<HartLogStream>> streams;
    for (unsigned hart = 0; hart < kHarts; ++hart)
      streams.push_back(std::make_unique<HartLogStream>(target, mutex, hart));
    std::vector<std::thread> threads;
    for (unsigned hart = 0; hart < kHarts; ++hart)
      threads.emplace_back([&, hart] {
        FILE *out = streams[hart]->file();
        for (unsigned line = 0; line < kLines; ++line) {
          // One line in three writes, as the -d cpu dump does.
          std::fprintf(out, "from %u", hart);
          std::fprintf(out, " line %u ", line);
          std::fprintf(out, "%s\n",
                       std::string(40 + line % 50, 'a' + static_cast<char>(hart)).c_str());
        }
      });
    for (std::thread &thread : threads)
      thread.join();
  }
  std::map<unsigned, unsigned> next; // per hart: the line number expected next
  for (const std::string &line : linesOf(contentsOf(target))) {
    unsigned hart = 0, number = 0, from = 0;
    char rest[128] = {};
    ASSERT_EQ(
        std::sscanf(line.c_str(), "hart %u: from %u line %u %127s", &hart, &from, &number, rest), 4)
        << line;
    EXPECT_EQ(hart, from) << line;
    EXPECT_EQ(number, next[hart]) << line; // each hart's lines in order
    next[hart] = number + 1;
    EXPECT_EQ(std::string(rest), std::string(40 + number % 50, 'a' + static_cast<char>(hart)));
  }
  for (unsigned hart = 0; hart < kHarts; ++hart)
    EXPECT_EQ(next[hart], kLines) << hart;
  std::fclose(target);
}

} // namespace
} // namespace tiercel::system
