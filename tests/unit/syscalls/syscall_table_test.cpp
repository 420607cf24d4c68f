// The syscall table: every row's number equals the riscv64 uapi header's
// (asm-generic/unistd.h as shipped with the riscv64 cross libc), lookup
// finds each row and nothing else, rows are sorted, unique and complete.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "runtime/user/syscall_table.h"

namespace tiercel::user {
namespace {

// Parses "#define __NR_name 123" and "#define __NR3264_name 123" lines and
// resolves "#define __NR_x __NR3264_x" aliases.
std::map<std::string, uint32_t> parseUnistd(const std::string &path) {
  std::ifstream in(path);
  std::map<std::string, uint32_t> numbers, numbers3264;
  std::map<std::string, std::string> aliases;
  std::regex number(R"(^#define\s+__NR(3264)?_(\w+)\s+(\d+)\s*$)");
  std::regex alias(R"(^#define\s+__NR_(\w+)\s+__NR3264_(\w+)\s*$)");
  std::string line;
  std::smatch match;
  while (std::getline(in, line)) {
    if (std::regex_match(line, match, number)) {
      auto &table = match[1].matched ? numbers3264 : numbers;
      table[match[2]] = static_cast<uint32_t>(std::stoul(match[3]));
    } else if (std::regex_match(line, match, alias)) {
      aliases[match[1]] = match[2];
    }
  }
  for (auto &[name, target] : aliases)
    if (numbers3264.count(target))
      numbers[name] = numbers3264[target];
  return numbers;
}

TEST(SyscallTable, NumbersMatchTheRiscv64Header) {
  std::map<std::string, uint32_t> header = parseUnistd(TIERCEL_RISCV64_UNISTD_H);
  ASSERT_GT(header.size(), 250u) << "could not parse " << TIERCEL_RISCV64_UNISTD_H;
  // riscv64 leaves these out of asm-generic (no __ARCH_WANT_RENAMEAT etc.):
  // the header still lists them, the table must not.
  const std::set<std::string> notOnRiscv64 = {"renameat"};
  // Arch-specific numbers (arch/riscv/include/uapi/asm/unistd.h):
  // __NR_arch_specific_syscall (244) + 14 and + 15.
  const std::map<std::string, uint32_t> archSpecific = {{"riscv_hwprobe", 258},
                                                        {"riscv_flush_icache", 259}};
  for (const SyscallInfo &info : allSyscalls()) {
    SCOPED_TRACE(info.name);
    EXPECT_FALSE(notOnRiscv64.count(info.name));
    auto arch = archSpecific.find(info.name);
    if (arch != archSpecific.end()) {
      EXPECT_EQ(info.number, arch->second);
      continue;
    }
    auto it = header.find(info.name);
    ASSERT_NE(it, header.end()) << info.name << " is not a riscv64 syscall";
    EXPECT_EQ(info.number, it->second);
  }
}

TEST(SyscallTable, WellKnownNumbers) {
  const std::pair<uint32_t, const char *> expected[] = {
      {17, "getcwd"},     {25, "fcntl"},      {29, "ioctl"},          {56, "openat"},
      {57, "close"},      {61, "getdents64"}, {62, "lseek"},          {63, "read"},
      {64, "write"},      {78, "readlinkat"}, {79, "newfstatat"},     {80, "fstat"},
      {93, "exit"},       {94, "exit_group"}, {113, "clock_gettime"}, {160, "uname"},
      {214, "brk"},       {222, "mmap"},      {258, "riscv_hwprobe"}, {261, "prlimit64"},
      {276, "renameat2"}, {278, "getrandom"}, {291, "statx"},         {439, "faccessat2"},
  };
  for (auto [number, name] : expected) {
    const SyscallInfo *info = lookupSyscall(number);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_STREQ(info->name, name);
  }
}

TEST(SyscallTable, RowsAreSortedUniqueAndComplete) {
  std::set<std::string> names;
  uint32_t previous = 0;
  bool first = true;
  for (const SyscallInfo &info : allSyscalls()) {
    SCOPED_TRACE(info.name);
    if (!first)
      EXPECT_LT(previous, info.number);
    first = false;
    previous = info.number;
    EXPECT_TRUE(names.insert(info.name).second) << "duplicate name";
    EXPECT_NE(info.handler, nullptr);
    ASSERT_NE(info.argFormat, nullptr);
    std::string format = info.argFormat;
    EXPECT_LE(format.size(), 6u);
    EXPECT_EQ(format.find_first_not_of("duxpsafo"), std::string::npos) << format;
    EXPECT_EQ(lookupSyscall(info.number), &info);
  }
  EXPECT_GE(allSyscalls().size(), 180u);
}

TEST(SyscallTable, UnknownNumbersHaveNoRow) {
  for (uint64_t number : {38ull, 42ull, 244ull, 257ull, 1000ull, ~0ull, 1ull << 32})
    EXPECT_EQ(lookupSyscall(number), nullptr) << number;
  // x86-64 numbers must not leak in: 0 is read on x86-64 but io_setup on
  // riscv64 (not implemented).
  EXPECT_EQ(lookupSyscall(0), nullptr);
}

TEST(SyscallTable, ProcessHandlersAreListed) {
  for (const char *name : {"brk",
                           "mmap",
                           "munmap",
                           "mprotect",
                           "mremap",
                           "madvise",
                           "exit",
                           "exit_group",
                           "rt_sigaction",
                           "rt_sigprocmask",
                           "rt_sigreturn",
                           "rt_sigpending",
                           "rt_sigsuspend",
                           "sigaltstack",
                           "kill",
                           "tkill",
                           "tgkill",
                           "riscv_flush_icache",
                           "set_tid_address",
                           "set_robust_list"}) {
    bool found = false;
    for (const SyscallInfo &info : allSyscalls())
      found |= std::string(info.name) == name;
    EXPECT_TRUE(found) << name;
  }
}

} // namespace
} // namespace tiercel::user
