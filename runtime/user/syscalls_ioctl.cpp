// ioctl for user mode: a table of the requests known to be safe to pass to
// the host, each with the direction and size of the structure its argument
// points to. riscv64 and x86-64 both use the asm-generic tty ioctl numbers
// (asm-generic/ioctls.h) and the same termios/termio/termios2/winsize
// layouts, so the request passes through once the pointer is translated.
// Anything else is refused with -ENOTTY and reported by `-d unimp`.
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <asm/termios.h>
#include <linux/fs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>

#include "runtime/user/syscalls_file_io.h"
#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

// How an ioctl uses its third argument.
enum class IoctlArg : uint8_t {
  Value, // an integer (or unused): passed on unchanged
  In,    // points to `size` bytes the kernel reads
  Out,   // points to `size` bytes the kernel writes
};

struct IoctlInfo {
  uint32_t request;
  IoctlArg arg;
  uint32_t size;
};

// The kernel's struct termio (asm-generic/termios.h): 4 unsigned shorts,
// c_line and 8 control characters, padded to 18 bytes.
constexpr uint32_t kTermioSize = 18;

// Sizes of the kernel structures as riscv64 lays them out (checked against
// the host's below).
constexpr uint32_t kTermiosSize = 36;  // struct termios, NCCS == 19
constexpr uint32_t kTermios2Size = 44; // struct termios2
constexpr uint32_t kWinsizeSize = 8;   // struct winsize
static_assert(sizeof(struct termios) == kTermiosSize);
static_assert(sizeof(struct termios2) == kTermios2Size);
static_assert(sizeof(struct winsize) == kWinsizeSize);

// Request numbers as in the riscv64 asm-generic/ioctls.h; the host header
// must agree or a request would mean something else on the host.
static_assert(TCGETS == 0x5401 && TCSETS == 0x5402 && TCSETSW == 0x5403 && TCSETSF == 0x5404);
static_assert(TIOCGWINSZ == 0x5413 && TIOCSWINSZ == 0x5414 && FIONREAD == 0x541B);
static_assert(FIONBIO == 0x5421 && FIONCLEX == 0x5450 && FIOCLEX == 0x5451);
static_assert(TCGETS2 == 0x802C542A && TIOCGPTN == 0x80045430 && TIOCSPTLCK == 0x40045431);

constexpr std::array kIoctls = {
    IoctlInfo{TCGETS, IoctlArg::Out, kTermiosSize},
    IoctlInfo{TCSETS, IoctlArg::In, kTermiosSize},
    IoctlInfo{TCSETSW, IoctlArg::In, kTermiosSize},
    IoctlInfo{TCSETSF, IoctlArg::In, kTermiosSize},
    IoctlInfo{TCGETA, IoctlArg::Out, kTermioSize},
    IoctlInfo{TCSETA, IoctlArg::In, kTermioSize},
    IoctlInfo{TCSETAW, IoctlArg::In, kTermioSize},
    IoctlInfo{TCSETAF, IoctlArg::In, kTermioSize},
    IoctlInfo{TCSBRK, IoctlArg::Value, 0},
    IoctlInfo{TCXONC, IoctlArg::Value, 0},
    IoctlInfo{TCFLSH, IoctlArg::Value, 0},
    IoctlInfo{TIOCEXCL, IoctlArg::Value, 0},
    IoctlInfo{TIOCNXCL, IoctlArg::Value, 0},
    IoctlInfo{TIOCSCTTY, IoctlArg::Value, 0},
    IoctlInfo{TIOCGPGRP, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TIOCSPGRP, IoctlArg::In, sizeof(int)},
    IoctlInfo{TIOCOUTQ, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TIOCSTI, IoctlArg::In, 1},
    IoctlInfo{TIOCGWINSZ, IoctlArg::Out, kWinsizeSize},
    IoctlInfo{TIOCSWINSZ, IoctlArg::In, kWinsizeSize},
    IoctlInfo{TIOCMGET, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TIOCMBIS, IoctlArg::In, sizeof(int)},
    IoctlInfo{TIOCMBIC, IoctlArg::In, sizeof(int)},
    IoctlInfo{TIOCMSET, IoctlArg::In, sizeof(int)},
    IoctlInfo{TIOCGSOFTCAR, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TIOCSSOFTCAR, IoctlArg::In, sizeof(int)},
    IoctlInfo{FIONREAD, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TIOCPKT, IoctlArg::In, sizeof(int)},
    IoctlInfo{FIONBIO, IoctlArg::In, sizeof(int)},
    IoctlInfo{TIOCNOTTY, IoctlArg::Value, 0},
    IoctlInfo{TIOCSETD, IoctlArg::In, sizeof(int)},
    IoctlInfo{TIOCGETD, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TCSBRKP, IoctlArg::Value, 0},
    IoctlInfo{TIOCSBRK, IoctlArg::Value, 0},
    IoctlInfo{TIOCCBRK, IoctlArg::Value, 0},
    IoctlInfo{TIOCGSID, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TCGETS2, IoctlArg::Out, kTermios2Size},
    IoctlInfo{TCSETS2, IoctlArg::In, kTermios2Size},
    IoctlInfo{TCSETSW2, IoctlArg::In, kTermios2Size},
    IoctlInfo{TCSETSF2, IoctlArg::In, kTermios2Size},
    IoctlInfo{TIOCGPTN, IoctlArg::Out, sizeof(unsigned)},
    IoctlInfo{TIOCSPTLCK, IoctlArg::In, sizeof(int)},
    IoctlInfo{TIOCGPKT, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TIOCGPTLCK, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TIOCGEXCL, IoctlArg::Out, sizeof(int)},
    IoctlInfo{TIOCGPTPEER, IoctlArg::Value, 0},
    IoctlInfo{TIOCVHANGUP, IoctlArg::Value, 0},
    IoctlInfo{FIONCLEX, IoctlArg::Value, 0},
    IoctlInfo{FIOCLEX, IoctlArg::Value, 0},
    IoctlInfo{FIOASYNC, IoctlArg::In, sizeof(int)},
    IoctlInfo{FIOQSIZE, IoctlArg::Out, sizeof(int64_t)},
    // Reflink copies (cp --reflink=auto tries it first; -EOPNOTSUPP etc.
    // make it fall back to a plain copy).
    IoctlInfo{FICLONE, IoctlArg::Value, 0},
    IoctlInfo{FICLONERANGE, IoctlArg::In, sizeof(struct file_clone_range)},
};
static_assert(sizeof(struct file_clone_range) == 32);

const IoctlInfo *findIoctl(uint32_t request) {
  for (const IoctlInfo &info : kIoctls)
    if (info.request == request)
      return &info;
  return nullptr;
}

} // namespace

int64_t sysIoctl(SyscallContext &context, const SyscallArgs &args) {
  int fd = static_cast<int>(args.arg[0]);
  // The kernel takes the request as an unsigned int.
  uint32_t request = static_cast<uint32_t>(args.arg[1]);
  const IoctlInfo *info = findIoctl(request);
  if (!info)
    return reportUnimplemented(context, "ioctl", "request", request, -ENOTTY);
  if (info->arg == IoctlArg::Value)
    return hostResult(::syscall(SYS_ioctl, fd, static_cast<unsigned long>(request), args.arg[2]));
  void *host = nullptr;
  bool write = info->arg == IoctlArg::Out;
  if (!guestMemory(context).translate(args.arg[2], info->size, write, host))
    return -EFAULT;
  return hostResult(::syscall(SYS_ioctl, fd, static_cast<unsigned long>(request), host));
}

} // namespace tiercel::user
