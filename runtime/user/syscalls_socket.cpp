// Socket syscalls. Guest sockets are host sockets; addresses, options and
// control messages have identical layouts on both ABIs (static_asserts in
// syscalls_structs.cpp), so the work is translating each guest pointer,
// including those inside struct msghdr and its iovec array, and writing the
// kernel's updates of msg_namelen/msg_controllen/msg_flags back.
#include "runtime/user/syscalls_socket.h"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

int asInt(uint64_t value) { return static_cast<int>(static_cast<int64_t>(value)); }

// Linux's UIO_MAXIOV bounds sendmmsg/recvmmsg vectors too.
constexpr uint64_t kMaxMessages = 1024;

static_assert(sizeof(struct mmsghdr) == 64 && offsetof(struct mmsghdr, msg_len) == 56);

// A guest msghdr rebuilt with host pointers.
struct HostMessage {
  struct msghdr header;
  std::vector<struct iovec> iovecs;
};

// `receiving`: the kernel writes the name, the buffers and the control data.
int64_t translateMessage(const GuestMemory &memory, uint64_t address, bool receiving,
                         HostMessage &message) {
  struct msghdr guest;
  if (!memory.read(address, guest))
    return -EFAULT;
  message.header = guest;
  uint64_t name = reinterpret_cast<uint64_t>(guest.msg_name);
  if (!memory.translateOptional(name, guest.msg_namelen, receiving, message.header.msg_name))
    return -EFAULT;
  if (int64_t error = translateIovecs(memory, reinterpret_cast<uint64_t>(guest.msg_iov),
                                      guest.msg_iovlen, receiving, message.iovecs))
    return error;
  message.header.msg_iov = message.iovecs.data();
  uint64_t control = reinterpret_cast<uint64_t>(guest.msg_control);
  if (!memory.translateOptional(control, guest.msg_controllen, receiving,
                                message.header.msg_control))
    return -EFAULT;
  return 0;
}

// After recvmsg: the kernel updated the lengths and flags in the host copy.
bool writeBackMessage(const GuestMemory &memory, uint64_t address, const struct msghdr &host) {
  struct msghdr guest;
  if (!memory.read(address, guest))
    return false;
  guest.msg_namelen = host.msg_namelen;
  guest.msg_controllen = host.msg_controllen;
  guest.msg_flags = host.msg_flags;
  return memory.write(address, guest);
}

// An optional (sockaddr *, socklen_t *) pair the kernel fills in.
bool translateAddressOut(const GuestMemory &memory, uint64_t address, uint64_t lengthAddress,
                         void *&hostAddress, void *&hostLength) {
  hostAddress = hostLength = nullptr;
  if (address == 0)
    return true;
  if (!memory.translate(lengthAddress, sizeof(socklen_t), true, hostLength))
    return false;
  int length;
  std::memcpy(&length, hostLength, sizeof(length));
  if (length < 0)
    return false;
  return memory.translate(address, static_cast<uint64_t>(length), true, hostAddress);
}

int64_t acceptWith(SyscallContext &context, const SyscallArgs &args, int flags) {
  void *address = nullptr, *length = nullptr;
  if (!translateAddressOut(guestMemory(context), args.arg[1], args.arg[2], address, length))
    return -EFAULT;
  return hostResult(::syscall(SYS_accept4, asInt(args.arg[0]), address, length, flags));
}

template <class Call>
int64_t withAddressOut(SyscallContext &context, const SyscallArgs &args, Call call) {
  void *address = nullptr, *length = nullptr;
  if (args.arg[1] == 0)
    return -EFAULT;
  if (!translateAddressOut(guestMemory(context), args.arg[1], args.arg[2], address, length))
    return -EFAULT;
  return hostResult(call(address, length));
}

} // namespace

int64_t sysSocket(SyscallContext &, const SyscallArgs &args) {
  return hostResult(
      ::syscall(SYS_socket, asInt(args.arg[0]), asInt(args.arg[1]), asInt(args.arg[2])));
}

int64_t sysSocketpair(SyscallContext &context, const SyscallArgs &args) {
  void *pair = nullptr;
  if (!guestMemory(context).translate(args.arg[3], 2 * sizeof(int), true, pair))
    return -EFAULT;
  return hostResult(
      ::syscall(SYS_socketpair, asInt(args.arg[0]), asInt(args.arg[1]), asInt(args.arg[2]), pair));
}

int64_t sysBind(SyscallContext &context, const SyscallArgs &args) {
  void *address = nullptr;
  if (!guestMemory(context).translate(args.arg[1], static_cast<uint32_t>(args.arg[2]), false,
                                      address))
    return -EFAULT;
  return hostResult(::syscall(SYS_bind, asInt(args.arg[0]), address, asInt(args.arg[2])));
}

int64_t sysListen(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_listen, asInt(args.arg[0]), asInt(args.arg[1])));
}

int64_t sysAccept(SyscallContext &context, const SyscallArgs &args) {
  return acceptWith(context, args, 0);
}

int64_t sysAccept4(SyscallContext &context, const SyscallArgs &args) {
  return acceptWith(context, args, asInt(args.arg[3]));
}

int64_t sysConnect(SyscallContext &context, const SyscallArgs &args) {
  void *address = nullptr;
  if (!guestMemory(context).translate(args.arg[1], static_cast<uint32_t>(args.arg[2]), false,
                                      address))
    return -EFAULT;
  return hostResult(::syscall(SYS_connect, asInt(args.arg[0]), address, asInt(args.arg[2])));
}

int64_t sysGetsockname(SyscallContext &context, const SyscallArgs &args) {
  return withAddressOut(context, args, [&](void *address, void *length) {
    return ::syscall(SYS_getsockname, asInt(args.arg[0]), address, length);
  });
}

int64_t sysGetpeername(SyscallContext &context, const SyscallArgs &args) {
  return withAddressOut(context, args, [&](void *address, void *length) {
    return ::syscall(SYS_getpeername, asInt(args.arg[0]), address, length);
  });
}

int64_t sysSendto(SyscallContext &context, const SyscallArgs &args) {
  GuestMemory memory = guestMemory(context);
  void *buffer = nullptr, *address = nullptr;
  if (!memory.translate(args.arg[1], args.arg[2], false, buffer) ||
      !memory.translateOptional(args.arg[4], static_cast<uint32_t>(args.arg[5]), false, address))
    return -EFAULT;
  return hostResult(::syscall(SYS_sendto, asInt(args.arg[0]), buffer, args.arg[2],
                              asInt(args.arg[3]), address, asInt(args.arg[5])));
}

int64_t sysRecvfrom(SyscallContext &context, const SyscallArgs &args) {
  GuestMemory memory = guestMemory(context);
  void *buffer = nullptr, *address = nullptr, *length = nullptr;
  if (!memory.translate(args.arg[1], args.arg[2], true, buffer) ||
      !translateAddressOut(memory, args.arg[4], args.arg[5], address, length))
    return -EFAULT;
  return hostResult(::syscall(SYS_recvfrom, asInt(args.arg[0]), buffer, args.arg[2],
                              asInt(args.arg[3]), address, length));
}

int64_t sysSetsockopt(SyscallContext &context, const SyscallArgs &args) {
  void *value = nullptr;
  if (!guestMemory(context).translateOptional(args.arg[3], static_cast<uint32_t>(args.arg[4]),
                                              false, value))
    return -EFAULT;
  return hostResult(::syscall(SYS_setsockopt, asInt(args.arg[0]), asInt(args.arg[1]),
                              asInt(args.arg[2]), value, asInt(args.arg[4])));
}

int64_t sysGetsockopt(SyscallContext &context, const SyscallArgs &args) {
  void *value = nullptr, *length = nullptr;
  if (args.arg[3] != 0 &&
      !translateAddressOut(guestMemory(context), args.arg[3], args.arg[4], value, length))
    return -EFAULT;
  if (args.arg[3] == 0 &&
      !guestMemory(context).translateOptional(args.arg[4], sizeof(socklen_t), true, length))
    return -EFAULT;
  return hostResult(::syscall(SYS_getsockopt, asInt(args.arg[0]), asInt(args.arg[1]),
                              asInt(args.arg[2]), value, length));
}

int64_t sysShutdown(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_shutdown, asInt(args.arg[0]), asInt(args.arg[1])));
}

int64_t sysSendmsg(SyscallContext &context, const SyscallArgs &args) {
  HostMessage message;
  if (int64_t error = translateMessage(guestMemory(context), args.arg[1], false, message))
    return error;
  return hostResult(
      ::syscall(SYS_sendmsg, asInt(args.arg[0]), &message.header, asInt(args.arg[2])));
}

int64_t sysRecvmsg(SyscallContext &context, const SyscallArgs &args) {
  GuestMemory memory = guestMemory(context);
  HostMessage message;
  if (int64_t error = translateMessage(memory, args.arg[1], true, message))
    return error;
  int64_t result =
      hostResult(::syscall(SYS_recvmsg, asInt(args.arg[0]), &message.header, asInt(args.arg[2])));
  if (result >= 0 && !writeBackMessage(memory, args.arg[1], message.header))
    return -EFAULT;
  return result;
}

// sendmmsg/recvmmsg: struct mmsghdr is { struct msghdr; unsigned msg_len; }.
static int64_t multiMessage(SyscallContext &context, const SyscallArgs &args, bool receiving) {
  GuestMemory memory = guestMemory(context);
  uint64_t vector = args.arg[1];
  uint64_t count = static_cast<uint32_t>(args.arg[2]);
  if (count > kMaxMessages)
    count = kMaxMessages;
  std::vector<HostMessage> messages(count);
  std::vector<struct mmsghdr> hosts(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t guest = vector + i * sizeof(struct mmsghdr);
    if (int64_t error = translateMessage(memory, guest, receiving, messages[i]))
      return error;
    hosts[i].msg_hdr = messages[i].header;
    hosts[i].msg_len = 0;
  }
  int64_t done;
  if (receiving) {
    void *timeout = nullptr;
    if (!memory.translateOptional(args.arg[4], sizeof(struct timespec), true, timeout))
      return -EFAULT;
    done = hostResult(::syscall(SYS_recvmmsg, asInt(args.arg[0]), hosts.data(), count,
                                asInt(args.arg[3]), timeout));
  } else {
    done = hostResult(
        ::syscall(SYS_sendmmsg, asInt(args.arg[0]), hosts.data(), count, asInt(args.arg[3])));
  }
  for (int64_t i = 0; i < done; ++i) {
    uint64_t guest = vector + uint64_t(i) * sizeof(struct mmsghdr);
    if (receiving && !writeBackMessage(memory, guest, hosts[i].msg_hdr))
      return -EFAULT;
    if (!memory.write(guest + offsetof(struct mmsghdr, msg_len), hosts[i].msg_len))
      return -EFAULT;
  }
  return done;
}

int64_t sysSendmmsg(SyscallContext &context, const SyscallArgs &args) {
  return multiMessage(context, args, false);
}

int64_t sysRecvmmsg(SyscallContext &context, const SyscallArgs &args) {
  return multiMessage(context, args, true);
}

} // namespace tiercel::user
