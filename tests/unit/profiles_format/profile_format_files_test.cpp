// Profile files: atomic writes, errors naming the path, a reader racing the
// writer, and a profile of the size the runtime writes (100k blocks).
#include "profile_format_test_support.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace tiercel::profiles::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A fresh directory, removed (with its files) at the end of the test.
class TempDir {
public:
  TempDir() {
    const char *base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/tiercel-profile-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back(0);
    if (::mkdtemp(name.data()))
      path_ = name.data();
    else
      ADD_FAILURE() << "mkdtemp failed";
  }
  ~TempDir() {
    for (const std::string &entry : entries())
      ::unlink((path_ + "/" + entry).c_str());
    ::rmdir(path_.c_str());
  }
  const std::string &path() const { return path_; }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    if (DIR *dir = ::opendir(path_.c_str())) {
      while (dirent *entry = ::readdir(dir))
        if (std::string(entry->d_name) != "." && std::string(entry->d_name) != "..")
          names.push_back(entry->d_name);
      ::closedir(dir);
    }
    return names;
  }

private:
  std::string path_;
};

TEST(profiles_format, FileRoundTrip) {
  TempDir dir;
  std::string path = dir.path() + "/run.tprof";
  RunProfile original = richProfile();
  ASSERT_FALSE(bool(writeProfileFile(path, original)));
  llvm::Expected<RunProfile> read = readProfileFile(path);
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  expectSameProfile(original, *read);
  // No temporary file is left next to it.
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.tprof"});

  // Overwriting replaces the whole file.
  RunProfile second = smallProfile();
  ASSERT_FALSE(bool(writeProfileFile(path, second)));
  read = readProfileFile(path);
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  expectSameProfile(second, *read);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.tprof"});
}

TEST(profiles_format, UnwritablePathNamesIt) {
  TempDir dir;
  std::string missingDir = dir.path() + "/no-such-dir/run.tprof";
  llvm::Error error = writeProfileFile(missingDir, smallProfile());
  ASSERT_TRUE(bool(error));
  EXPECT_EQ(llvm::toString(std::move(error)),
            "cannot write profile " + missingDir + ": No such file or directory");

  // Under a regular file: fails even for root.
  std::string file = dir.path() + "/plain";
  std::ofstream(file) << "x";
  std::string underFile = file + "/run.tprof";
  error = writeProfileFile(underFile, smallProfile());
  ASSERT_TRUE(bool(error));
  EXPECT_EQ(llvm::toString(std::move(error)),
            "cannot write profile " + underFile + ": Not a directory");

  // Onto a directory: the rename fails and the temporary file is removed.
  std::string subdir = dir.path() + "/subdir";
  ASSERT_EQ(::mkdir(subdir.c_str(), 0755), 0);
  error = writeProfileFile(subdir, smallProfile());
  ASSERT_TRUE(bool(error));
  EXPECT_THAT(llvm::toString(std::move(error)),
              StartsWith("cannot write profile " + subdir + ": renaming " + subdir + ".tmp."));
  ::rmdir(subdir.c_str());
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"plain"});
}

TEST(profiles_format, UnreadablePathNamesIt) {
  TempDir dir;
  std::string missing = dir.path() + "/missing.tprof";
  llvm::Expected<RunProfile> read = readProfileFile(missing);
  ASSERT_FALSE(bool(read));
  EXPECT_EQ(llvm::toString(read.takeError()),
            "cannot read profile " + missing + ": No such file or directory");

  std::string corrupt = dir.path() + "/corrupt.tprof";
  std::vector<uint8_t> bytes = encodeProfile(smallProfile());
  bytes[bytes.size() / 2] ^= 0x40;
  std::ofstream(corrupt, std::ios::binary)
      .write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
  read = readProfileFile(corrupt);
  ASSERT_FALSE(bool(read));
  EXPECT_THAT(llvm::toString(read.takeError()), StartsWith(corrupt + ": corrupt profile: "));

  std::string empty = dir.path() + "/empty.tprof";
  std::ofstream(empty).close();
  read = readProfileFile(empty);
  ASSERT_FALSE(bool(read));
  EXPECT_EQ(llvm::toString(read.takeError()), empty + ": truncated profile: the file is empty");
}

// A reader polling the file while snapshots replace it only ever sees whole
// profiles.
TEST(profiles_format, ReaderNeverSeesAHalfWrittenFile) {
  TempDir dir;
  std::string path = dir.path() + "/live.tprof";
  RunProfile big = richProfile();
  for (unsigned i = 0; i < 2000; ++i) {
    BlockProfile block = big.blocks[0];
    block.startPc += 0x100 * (i + 1);
    block.endPc += 0x100 * (i + 1);
    block.hostCode.assign(400, uint8_t(i));
    big.blocks.push_back(block);
  }
  ASSERT_FALSE(bool(writeProfileFile(path, big)));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (unsigned i = 0; i < 40; ++i) {
      big.durationNs = i;
      if (llvm::Error error = writeProfileFile(path, big))
        ADD_FAILURE() << llvm::toString(std::move(error));
    }
    done = true;
  });
  unsigned reads = 0;
  while (!done || reads == 0) {
    llvm::Expected<RunProfile> read = readProfileFile(path);
    ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
    EXPECT_EQ(read->blocks.size(), big.blocks.size());
    ++reads;
  }
  writer.join();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"live.tprof"});
}

// The size the runtime snapshots from its background thread.
TEST(profiles_format, HundredThousandBlocks) {
  RunProfile profile = richProfile();
  profile.blocks.clear();
  for (uint64_t i = 0; i < 100000; ++i) {
    BlockProfile block;
    block.startPc = 0x10000 + i * 16;
    block.endPc = block.startPc + 16;
    block.guestCode.assign(16, uint8_t(i * 7));
    block.codeHash = guestCodeHash(block.guestCode.data(), block.guestCode.size());
    block.instructionCount = 4;
    block.executions = i * 1000 + 1;
    block.edges = {{EdgeKind::Taken, block.startPc + 64, i},
                   {EdgeKind::FallThrough, block.endPc, 1}};
    block.translatedAtNs = i * 1000;
    block.compileNs = 5000 + i % 97;
    block.translations = 1;
    block.hostAddress = 0x7f0000000000ull + i * 96;
    block.hostCode.assign(96, uint8_t(i));
    block.hostOffsets = {0, 20, 44, 70};
    profile.blocks.push_back(std::move(block));
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<uint8_t> file = encodeProfile(profile);
  auto encoded = std::chrono::steady_clock::now();
  RunProfile decoded = decodeOrFail(file);
  auto end = std::chrono::steady_clock::now();
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  std::printf("100k blocks: %zu bytes, encode %lld ms, decode %lld ms\n", file.size(),
              (long long)duration_cast<milliseconds>(encoded - start).count(),
              (long long)duration_cast<milliseconds>(end - encoded).count());
  ASSERT_EQ(decoded.blocks.size(), profile.blocks.size());
  expectSameProfile(profile, decoded);
}

} // namespace
} // namespace tiercel::profiles::test
