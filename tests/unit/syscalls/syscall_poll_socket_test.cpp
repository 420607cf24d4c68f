// Readiness and socket handlers against a real Process: epoll events in the
// 16-byte riscv64 layout both ways, ppoll/pselect6 with guest fd sets and
// the pselect6 sigmask indirection, sendmsg/recvmsg with guest msghdr,
// iovecs and SCM_RIGHTS, and the write-back of msg_controllen/msg_flags.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/user/signals.h"
#include "syscall_test_support.h"

namespace tiercel::user {
namespace {

using SyscallPollSocket = SyscallFixture;

TEST_F(SyscallPollSocket, EpollUsesTheGuestLayout) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int64_t ep = call(nr::kEpollCreate1, {EPOLL_CLOEXEC});
  ASSERT_GE(ep, 0);
  // Guest struct epoll_event: events at 0, padding, data at 8.
  put<uint32_t>(0, EPOLLIN);
  put<uint32_t>(4, 0xdeadbeef); // padding: must be ignored
  put<uint64_t>(8, 0x0123456789abcdefull);
  ASSERT_EQ(call(nr::kEpollCtl, {uint64_t(ep), EPOLL_CTL_ADD, uint64_t(fds[0]), guest(0)}), 0);
  EXPECT_EQ(call(nr::kEpollPwait, {uint64_t(ep), guest(256), 4, 0, 0, 8}), 0);
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  std::memset(host(guest(256)), 0xAA, 64);
  ASSERT_EQ(call(nr::kEpollPwait, {uint64_t(ep), guest(256), 4, 1000, 0, 8}), 1);
  EXPECT_EQ(get<uint32_t>(guest(256)), uint32_t(EPOLLIN));
  EXPECT_EQ(get<uint64_t>(guest(256 + 8)), 0x0123456789abcdefull);
  EXPECT_EQ(get<uint8_t>(guest(256 + 16)), 0xAA) << "wrote a second event";
  EXPECT_EQ(call(nr::kEpollPwait, {uint64_t(ep), guest(256), 0, 0, 0, 8}), -EINVAL);
  EXPECT_EQ(call(nr::kEpollPwait, {uint64_t(ep), 0x1000, 4, 0, 0, 8}), -EFAULT);
  EXPECT_EQ(call(nr::kEpollCtl, {uint64_t(ep), EPOLL_CTL_MOD, uint64_t(fds[0]), 0x1000}), -EFAULT);
  EXPECT_EQ(call(nr::kEpollCtl, {uint64_t(ep), EPOLL_CTL_DEL, uint64_t(fds[0]), 0}), 0);
  close(int(ep));
  close(fds[0]);
  close(fds[1]);
}

TEST_F(SyscallPollSocket, PpollAndPselect6) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  struct pollfd poll = {fds[0], POLLIN, 0};
  put(0, poll);
  put<int64_t>(64, 0); // timespec {0, 0}
  put<int64_t>(72, 0);
  EXPECT_EQ(call(nr::kPpoll, {guest(0), 1, guest(64), 0, 8}), 0);
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  EXPECT_EQ(call(nr::kPpoll, {guest(0), 1, guest(64), 0, 8}), 1);
  EXPECT_EQ(get<struct pollfd>(guest(0)).revents, POLLIN);
  EXPECT_EQ(call(nr::kPpoll, {0x1000, 1, guest(64), 0, 8}), -EFAULT);

  // pselect6 with a read set and a sigmask argument {sigset *, size}.
  std::memset(host(guest(128)), 0, 128);
  uint64_t set = 1ull << fds[0];
  put(128, set);
  put<uint64_t>(512, 0);          // an empty guest sigset
  put<uint64_t>(600, guest(512)); // { ss = &sigset, ss_len = 8 }
  put<uint64_t>(608, 8);
  EXPECT_EQ(call(nr::kPselect6, {uint64_t(fds[0] + 1), guest(128), 0, 0, guest(64), guest(600)}),
            1);
  EXPECT_EQ(get<uint64_t>(guest(128)), set);
  put<uint64_t>(600, 0x1000); // the inner pointer is a guest address too
  EXPECT_EQ(call(nr::kPselect6, {uint64_t(fds[0] + 1), guest(128), 0, 0, guest(64), guest(600)}),
            -EFAULT);
  close(fds[0]);
  close(fds[1]);
}

TEST_F(SyscallPollSocket, TemporarySigmaskIsRestoredAfterTheWait) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  SignalState &state = process->signals();
  state.blocked = sigBit(SIGUSR2);
  struct pollfd poll = {fds[0], POLLIN, 0};
  put(0, poll);
  put<int64_t>(64, 0);
  put<int64_t>(72, 0);
  put<uint64_t>(512, sigBit(SIGUSR1) | sigBit(SIGKILL));
  sigset_t hostBefore, hostAfter;
  pthread_sigmask(SIG_SETMASK, nullptr, &hostBefore);
  EXPECT_EQ(call(nr::kPpoll, {guest(0), 1, guest(64), guest(512), 8}), 0);
  pthread_sigmask(SIG_SETMASK, nullptr, &hostAfter);
  EXPECT_EQ(state.blocked, sigBit(SIGUSR2)) << "the guest's own mask is back";
  EXPECT_FALSE(state.hasSavedMask);
  EXPECT_EQ(std::memcmp(&hostBefore, &hostAfter, 8), 0) << "host thread mask unchanged";
  EXPECT_EQ(call(nr::kPpoll, {guest(0), 1, guest(64), guest(512), 16}), -EINVAL);
  EXPECT_EQ(call(nr::kPpoll, {guest(0), 1, guest(64), 0x1000, 8}), -EFAULT);
  EXPECT_EQ(state.blocked, sigBit(SIGUSR2));
  // epoll_pwait takes the same path.
  int64_t ep = call(nr::kEpollCreate1, {0});
  ASSERT_GE(ep, 0);
  EXPECT_EQ(call(nr::kEpollPwait, {uint64_t(ep), guest(256), 4, 0, guest(512), 8}), 0);
  EXPECT_EQ(state.blocked, sigBit(SIGUSR2));
  EXPECT_FALSE(state.hasSavedMask);
  close(int(ep));
  close(fds[0]);
  close(fds[1]);
}

TEST_F(SyscallPollSocket, SendmsgRecvmsgWithRights) {
  ASSERT_EQ(call(nr::kSocketpair, {AF_UNIX, SOCK_STREAM, 0, guest(0)}), 0);
  int a = get<int>(guest(0)), b = get<int>(guest(4));
  int pipeFds[2];
  ASSERT_EQ(pipe(pipeFds), 0);

  // Guest layout, all pointers guest addresses: payload, iovec, control, msghdr.
  putString(1024, "hello");
  struct iovec iov = {reinterpret_cast<void *>(guest(1024)), 5};
  put(1100, iov);
  alignas(struct cmsghdr) uint8_t control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr shape = {};
  shape.msg_control = control;
  shape.msg_controllen = sizeof control;
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&shape);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &pipeFds[0], sizeof(int));
  std::memcpy(host(guest(1200)), control, sizeof control);
  struct msghdr message = {};
  message.msg_iov = reinterpret_cast<struct iovec *>(guest(1100));
  message.msg_iovlen = 1;
  message.msg_control = reinterpret_cast<void *>(guest(1200));
  message.msg_controllen = sizeof control;
  put(1300, message);
  ASSERT_EQ(call(nr::kSendmsg, {uint64_t(a), guest(1300), 0}), 5);

  struct iovec in = {reinterpret_cast<void *>(guest(2048)), 16};
  put(2100, in);
  std::memset(host(guest(2200)), 0, 64);
  struct msghdr receive = {};
  receive.msg_iov = reinterpret_cast<struct iovec *>(guest(2100));
  receive.msg_iovlen = 1;
  receive.msg_control = reinterpret_cast<void *>(guest(2200));
  receive.msg_controllen = 64;
  put(2300, receive);
  ASSERT_EQ(call(nr::kRecvmsg, {uint64_t(b), guest(2300), 0}), 5);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(host(guest(2048))), 5), "hello");
  struct msghdr after = get<struct msghdr>(guest(2300));
  EXPECT_EQ(after.msg_controllen, CMSG_SPACE(sizeof(int))) << "msg_controllen written back";
  EXPECT_EQ(after.msg_iov, receive.msg_iov) << "guest pointers left as they were";
  struct cmsghdr received = get<struct cmsghdr>(guest(2200));
  EXPECT_EQ(received.cmsg_type, SCM_RIGHTS);
  int passed = get<int>(guest(2200 + CMSG_LEN(0)));
  EXPECT_GE(passed, 0);
  ASSERT_EQ(write(pipeFds[1], "z", 1), 1);
  char c = 0;
  EXPECT_EQ(read(passed, &c, 1), 1);
  EXPECT_EQ(c, 'z');

  // A msghdr whose iovec points outside guest memory.
  iov.iov_base = reinterpret_cast<void *>(0x1000);
  put(1100, iov);
  EXPECT_EQ(call(nr::kSendmsg, {uint64_t(a), guest(1300), 0}), -EFAULT);
  close(passed);
  close(pipeFds[0]);
  close(pipeFds[1]);
  close(a);
  close(b);
}

} // namespace
} // namespace tiercel::user
