// A real Process (the tiny riscv64 program built by this directory's CMake)
// with a scratch area of guest memory, for running syscall handlers the way
// the run loop does: through lookupSyscall() with guest addresses.
#pragma once

#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>

#include "runtime/user/address_space.h"
#include "runtime/user/process.h"
#include "runtime/user/syscall_table.h"
#include "llvm/Support/Error.h"

namespace tiercel::user {

class SyscallFixture : public ::testing::Test {
protected:
  static constexpr uint64_t kScratchPages = 8;
  static constexpr uint64_t kPage = AddressSpace::kPageSize;

  void SetUp() override { createProcess(UserOptions()); }

  void createProcess(const UserOptions &options) {
    ProgramSpec spec;
    spec.path = TIERCEL_SYSCALL_TEST_GUEST;
    spec.argv = {"tiny_guest"};
    auto created = Process::create(options, spec);
    ASSERT_TRUE(static_cast<bool>(created)) << llvm::toString(created.takeError());
    process = std::move(*created);
    // One page more than needed, then unmapped again: the scratch area is
    // followed by a hole, so tests can run buffers and strings off its end.
    int64_t address = space().map(0, (kScratchPages + 1) * kPage, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_GT(address, 0);
    scratch = static_cast<uint64_t>(address);
    ASSERT_EQ(space().unmap(scratch + kScratchPages * kPage, kPage), 0);
  }

  AddressSpace &space() { return process->addressSpace(); }
  uint8_t *host(uint64_t guest) { return space().hostPointer(guest); }

  // Guest address `offset` bytes into the scratch area.
  uint64_t guest(uint64_t offset) const { return scratch + offset; }

  uint64_t putString(uint64_t offset, const std::string &text) {
    std::memcpy(host(guest(offset)), text.c_str(), text.size() + 1);
    return guest(offset);
  }
  template <class T> void put(uint64_t offset, const T &value) {
    std::memcpy(host(guest(offset)), &value, sizeof(T));
  }
  template <class T> T get(uint64_t guestAddress) {
    T value;
    std::memcpy(&value, host(guestAddress), sizeof(T));
    return value;
  }

  int64_t call(uint64_t number, std::initializer_list<uint64_t> arguments = {}) {
    SyscallArgs args = {number, {0, 0, 0, 0, 0, 0}};
    size_t i = 0;
    for (uint64_t argument : arguments)
      args.arg[i++] = argument;
    const SyscallInfo *info = lookupSyscall(number);
    EXPECT_NE(info, nullptr) << "no syscall " << number;
    if (!info)
      return -38; // ENOSYS
    SyscallContext context{process->cpu(), *process};
    return info->handler(context, args);
  }

  std::unique_ptr<Process> process;
  uint64_t scratch = 0;
};

// riscv64 syscall numbers used by the tests (asm-generic/unistd.h).
namespace nr {
inline constexpr uint64_t kGetcwd = 17, kEventfd2 = 19, kEpollCreate1 = 20, kEpollCtl = 21,
                          kEpollPwait = 22, kIoctl = 29, kUnlinkat = 35, kStatfs = 43, kOpenat = 56,
                          kClose = 57, kPipe2 = 59, kGetdents64 = 61, kLseek = 62, kRead = 63,
                          kWrite = 64, kReadv = 65, kWritev = 66, kPselect6 = 72, kPpoll = 73,
                          kReadlinkat = 78, kNewfstatat = 79, kFstat = 80, kFcntl = 25,
                          kUname = 160, kSocketpair = 199, kSendmsg = 211, kRecvmsg = 212,
                          kRiscvHwprobe = 258, kPrlimit64 = 261, kGetrandom = 278,
                          kClockGettime = 113;
} // namespace nr

inline constexpr uint64_t kAtFdcwd = static_cast<uint64_t>(-100);

} // namespace tiercel::user
