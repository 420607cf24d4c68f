// File-system syscalls. Paths are read from guest memory with a length
// limit and mapped by hostPathFor() (/proc/self/exe is the guest program);
// struct stat and struct statfs are converted to the riscv64 layouts
// (syscalls_structs.h); everything else has the same layout on both ABIs.
#include "runtime/user/syscalls_fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "runtime/user/process.h"
#include "runtime/user/syscalls_structs.h"
#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

int asInt(uint64_t value) { return static_cast<int>(static_cast<int64_t>(value)); }

// Linux's XATTR_NAME_MAX: a longer attribute name is -ERANGE.
constexpr size_t kXattrNameMax = 255;

int64_t readXattrName(SyscallContext &context, uint64_t address, std::string &name) {
  int64_t error = guestMemory(context).readString(address, name, kXattrNameMax);
  return error == -ENAMETOOLONG ? -ERANGE : error;
}

// Where an xattr syscall applies: a path followed or not, or a descriptor.
enum class XattrTarget { Path, LinkPath, Fd };

// getxattr/lgetxattr/fgetxattr(target, name, value, size).
int64_t getXattr(SyscallContext &context, const SyscallArgs &args, XattrTarget target) {
  std::string path, name;
  if (target != XattrTarget::Fd)
    if (int64_t error = readGuestPath(context, args.arg[0], path))
      return error;
  if (int64_t error = readXattrName(context, args.arg[1], name))
    return error;
  void *value = nullptr;
  if (!guestMemory(context).translate(args.arg[2], args.arg[3], true, value))
    return -EFAULT;
  switch (target) {
  case XattrTarget::Path:
    return hostResult(::syscall(SYS_getxattr, path.c_str(), name.c_str(), value, args.arg[3]));
  case XattrTarget::LinkPath:
    return hostResult(::syscall(SYS_lgetxattr, path.c_str(), name.c_str(), value, args.arg[3]));
  case XattrTarget::Fd: break;
  }
  return hostResult(::syscall(SYS_fgetxattr, asInt(args.arg[0]), name.c_str(), value, args.arg[3]));
}

// setxattr/lsetxattr/fsetxattr(target, name, value, size, flags).
int64_t setXattr(SyscallContext &context, const SyscallArgs &args, XattrTarget target) {
  std::string path, name;
  if (target != XattrTarget::Fd)
    if (int64_t error = readGuestPath(context, args.arg[0], path))
      return error;
  if (int64_t error = readXattrName(context, args.arg[1], name))
    return error;
  void *value = nullptr;
  if (!guestMemory(context).translate(args.arg[2], args.arg[3], false, value))
    return -EFAULT;
  int flags = asInt(args.arg[4]);
  switch (target) {
  case XattrTarget::Path:
    return hostResult(
        ::syscall(SYS_setxattr, path.c_str(), name.c_str(), value, args.arg[3], flags));
  case XattrTarget::LinkPath:
    return hostResult(
        ::syscall(SYS_lsetxattr, path.c_str(), name.c_str(), value, args.arg[3], flags));
  case XattrTarget::Fd: break;
  }
  return hostResult(
      ::syscall(SYS_fsetxattr, asInt(args.arg[0]), name.c_str(), value, args.arg[3], flags));
}

// listxattr/llistxattr/flistxattr(target, list, size).
int64_t listXattr(SyscallContext &context, const SyscallArgs &args, XattrTarget target) {
  std::string path;
  if (target != XattrTarget::Fd)
    if (int64_t error = readGuestPath(context, args.arg[0], path))
      return error;
  void *list = nullptr;
  if (!guestMemory(context).translate(args.arg[1], args.arg[2], true, list))
    return -EFAULT;
  switch (target) {
  case XattrTarget::Path:
    return hostResult(::syscall(SYS_listxattr, path.c_str(), list, args.arg[2]));
  case XattrTarget::LinkPath:
    return hostResult(::syscall(SYS_llistxattr, path.c_str(), list, args.arg[2]));
  case XattrTarget::Fd: break;
  }
  return hostResult(::syscall(SYS_flistxattr, asInt(args.arg[0]), list, args.arg[2]));
}

// removexattr/lremovexattr/fremovexattr(target, name).
int64_t removeXattr(SyscallContext &context, const SyscallArgs &args, XattrTarget target) {
  std::string path, name;
  if (target != XattrTarget::Fd)
    if (int64_t error = readGuestPath(context, args.arg[0], path))
      return error;
  if (int64_t error = readXattrName(context, args.arg[1], name))
    return error;
  switch (target) {
  case XattrTarget::Path: return hostResult(::syscall(SYS_removexattr, path.c_str(), name.c_str()));
  case XattrTarget::LinkPath:
    return hostResult(::syscall(SYS_lremovexattr, path.c_str(), name.c_str()));
  case XattrTarget::Fd: break;
  }
  return hostResult(::syscall(SYS_fremovexattr, asInt(args.arg[0]), name.c_str()));
}

// A host call that fills `host` succeeded with `result` (or failed): copy
// the converted struct to the guest, or report the error.
template <class Host, class Convert>
int64_t writeConverted(SyscallContext &context, int64_t result, uint64_t guestAddress,
                       const Host &host, Convert convert) {
  if (result < 0)
    return result;
  return guestMemory(context).write(guestAddress, convert(host)) ? 0 : -EFAULT;
}

} // namespace

int64_t sysGetdents64(SyscallContext &context, const SyscallArgs &args) {
  // struct linux_dirent64 is the same on every Linux ABI.
  void *buffer = nullptr;
  if (!guestMemory(context).translate(args.arg[1], args.arg[2], true, buffer))
    return -EFAULT;
  return hostResult(
      ::syscall(SYS_getdents64, asInt(args.arg[0]), buffer, static_cast<unsigned>(args.arg[2])));
}

int64_t sysNewfstatat(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  struct stat host;
  int64_t result = hostResult(
      ::syscall(SYS_newfstatat, asInt(args.arg[0]), path.c_str(), &host, asInt(args.arg[3])));
  return writeConverted(context, result, args.arg[2], host, toGuestStat);
}

int64_t sysFstat(SyscallContext &context, const SyscallArgs &args) {
  struct stat host;
  int64_t result = hostResult(::syscall(SYS_fstat, asInt(args.arg[0]), &host));
  return writeConverted(context, result, args.arg[1], host, toGuestStat);
}

int64_t sysStatx(SyscallContext &context, const SyscallArgs &args) {
  // struct statx is architecture independent (256 bytes); a NULL path is
  // allowed with AT_EMPTY_PATH since Linux 6.11 and passed on as NULL.
  std::string path;
  const char *hostPath = nullptr;
  if (args.arg[1] != 0) {
    if (int64_t error = readGuestPath(context, args.arg[1], path))
      return error;
    hostPath = path.c_str();
  }
  void *buffer = nullptr;
  if (!guestMemory(context).translate(args.arg[4], 256, true, buffer))
    return -EFAULT;
  return hostResult(::syscall(SYS_statx, asInt(args.arg[0]), hostPath, asInt(args.arg[2]),
                              static_cast<unsigned>(args.arg[3]), buffer));
}

int64_t sysFaccessat(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(::syscall(SYS_faccessat, asInt(args.arg[0]), path.c_str(), asInt(args.arg[2])));
}

int64_t sysFaccessat2(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(::syscall(SYS_faccessat2, asInt(args.arg[0]), path.c_str(), asInt(args.arg[2]),
                              asInt(args.arg[3])));
}

int64_t sysReadlinkat(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = guestMemory(context).readString(args.arg[1], path))
    return error;
  int64_t size = static_cast<int64_t>(args.arg[3]);
  if (size <= 0)
    return -EINVAL;
  void *buffer = nullptr;
  if (!guestMemory(context).translate(args.arg[2], args.arg[3], true, buffer))
    return -EFAULT;
  // The guest's own executable, not the translator (readlink(2) does not
  // NUL-terminate and truncates silently).
  if (isProcSelfExe(path)) {
    const std::string &executable = context.process.executablePath();
    size_t length = std::min<size_t>(executable.size(), static_cast<size_t>(size));
    std::memcpy(buffer, executable.data(), length);
    return static_cast<int64_t>(length);
  }
  std::string hostPath = context.process.sysrootPath(path);
  return hostResult(
      ::syscall(SYS_readlinkat, asInt(args.arg[0]), hostPath.c_str(), buffer, args.arg[3]));
}

int64_t sysMkdirat(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(
      ::syscall(SYS_mkdirat, asInt(args.arg[0]), path.c_str(), static_cast<mode_t>(args.arg[2])));
}

int64_t sysMknodat(SyscallContext &context, const SyscallArgs &args) {
  // dev_t uses the same new_encode_dev() encoding on both ABIs.
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(::syscall(SYS_mknodat, asInt(args.arg[0]), path.c_str(),
                              static_cast<mode_t>(args.arg[2]),
                              static_cast<unsigned>(args.arg[3])));
}

int64_t sysUnlinkat(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(::syscall(SYS_unlinkat, asInt(args.arg[0]), path.c_str(), asInt(args.arg[2])));
}

// riscv64 has no renameat (asm-generic leaves it out without
// __ARCH_WANT_RENAMEAT); glibc's rename() uses renameat2 with flags 0.
int64_t sysRenameat2(SyscallContext &context, const SyscallArgs &args) {
  std::string oldPath, newPath;
  if (int64_t error = readGuestPath(context, args.arg[1], oldPath))
    return error;
  if (int64_t error = readGuestPath(context, args.arg[3], newPath))
    return error;
  return hostResult(::syscall(SYS_renameat2, asInt(args.arg[0]), oldPath.c_str(),
                              asInt(args.arg[2]), newPath.c_str(),
                              static_cast<unsigned>(args.arg[4])));
}

int64_t sysSymlinkat(SyscallContext &context, const SyscallArgs &args) {
  // The link's contents are stored verbatim, so the target is not mapped.
  std::string target, linkPath;
  if (int64_t error = guestMemory(context).readString(args.arg[0], target))
    return error;
  if (int64_t error = readGuestPath(context, args.arg[2], linkPath))
    return error;
  return hostResult(::syscall(SYS_symlinkat, target.c_str(), asInt(args.arg[1]), linkPath.c_str()));
}

int64_t sysLinkat(SyscallContext &context, const SyscallArgs &args) {
  std::string oldPath, newPath;
  if (int64_t error = readGuestPath(context, args.arg[1], oldPath))
    return error;
  if (int64_t error = readGuestPath(context, args.arg[3], newPath))
    return error;
  return hostResult(::syscall(SYS_linkat, asInt(args.arg[0]), oldPath.c_str(), asInt(args.arg[2]),
                              newPath.c_str(), asInt(args.arg[4])));
}

int64_t sysFchmod(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_fchmod, asInt(args.arg[0]), static_cast<mode_t>(args.arg[1])));
}

int64_t sysFchmodat(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(
      ::syscall(SYS_fchmodat, asInt(args.arg[0]), path.c_str(), static_cast<mode_t>(args.arg[2])));
}

int64_t sysFchown(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_fchown, asInt(args.arg[0]), static_cast<uid_t>(args.arg[1]),
                              static_cast<gid_t>(args.arg[2])));
}

int64_t sysFchownat(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(::syscall(SYS_fchownat, asInt(args.arg[0]), path.c_str(),
                              static_cast<uid_t>(args.arg[2]), static_cast<gid_t>(args.arg[3]),
                              asInt(args.arg[4])));
}

int64_t sysUtimensat(SyscallContext &context, const SyscallArgs &args) {
  // A NULL path means the descriptor itself (futimens); NULL times means now.
  std::string path;
  const char *hostPath = nullptr;
  if (args.arg[1] != 0) {
    if (int64_t error = readGuestPath(context, args.arg[1], path))
      return error;
    hostPath = path.c_str();
  }
  void *times = nullptr;
  if (!guestMemory(context).translateOptional(args.arg[2], 2 * sizeof(struct timespec), false,
                                              times))
    return -EFAULT;
  return hostResult(
      ::syscall(SYS_utimensat, asInt(args.arg[0]), hostPath, times, asInt(args.arg[3])));
}

int64_t sysGetcwd(SyscallContext &context, const SyscallArgs &args) {
  void *buffer = nullptr;
  if (!guestMemory(context).translate(args.arg[0], args.arg[1], true, buffer))
    return -EFAULT;
  return hostResult(::syscall(SYS_getcwd, buffer, args.arg[1]));
}

int64_t sysChdir(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[0], path))
    return error;
  return hostResult(::syscall(SYS_chdir, path.c_str()));
}

int64_t sysFchdir(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_fchdir, asInt(args.arg[0])));
}

int64_t sysUmask(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_umask, static_cast<mode_t>(args.arg[0])));
}

int64_t sysStatfs(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[0], path))
    return error;
  struct statfs host;
  int64_t result = hostResult(::syscall(SYS_statfs, path.c_str(), &host));
  return writeConverted(context, result, args.arg[1], host, toGuestStatfs);
}

int64_t sysFstatfs(SyscallContext &context, const SyscallArgs &args) {
  struct statfs host;
  int64_t result = hostResult(::syscall(SYS_fstatfs, asInt(args.arg[0]), &host));
  return writeConverted(context, result, args.arg[1], host, toGuestStatfs);
}

int64_t sysGetxattr(SyscallContext &context, const SyscallArgs &args) {
  return getXattr(context, args, XattrTarget::Path);
}
int64_t sysLgetxattr(SyscallContext &context, const SyscallArgs &args) {
  return getXattr(context, args, XattrTarget::LinkPath);
}
int64_t sysFgetxattr(SyscallContext &context, const SyscallArgs &args) {
  return getXattr(context, args, XattrTarget::Fd);
}
int64_t sysSetxattr(SyscallContext &context, const SyscallArgs &args) {
  return setXattr(context, args, XattrTarget::Path);
}
int64_t sysLsetxattr(SyscallContext &context, const SyscallArgs &args) {
  return setXattr(context, args, XattrTarget::LinkPath);
}
int64_t sysFsetxattr(SyscallContext &context, const SyscallArgs &args) {
  return setXattr(context, args, XattrTarget::Fd);
}
int64_t sysListxattr(SyscallContext &context, const SyscallArgs &args) {
  return listXattr(context, args, XattrTarget::Path);
}
int64_t sysLlistxattr(SyscallContext &context, const SyscallArgs &args) {
  return listXattr(context, args, XattrTarget::LinkPath);
}
int64_t sysFlistxattr(SyscallContext &context, const SyscallArgs &args) {
  return listXattr(context, args, XattrTarget::Fd);
}
int64_t sysRemovexattr(SyscallContext &context, const SyscallArgs &args) {
  return removeXattr(context, args, XattrTarget::Path);
}
int64_t sysLremovexattr(SyscallContext &context, const SyscallArgs &args) {
  return removeXattr(context, args, XattrTarget::LinkPath);
}
int64_t sysFremovexattr(SyscallContext &context, const SyscallArgs &args) {
  return removeXattr(context, args, XattrTarget::Fd);
}

int64_t sysInotifyInit1(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_inotify_init1, asInt(args.arg[0])));
}

int64_t sysInotifyAddWatch(SyscallContext &context, const SyscallArgs &args) {
  std::string path;
  if (int64_t error = readGuestPath(context, args.arg[1], path))
    return error;
  return hostResult(::syscall(SYS_inotify_add_watch, asInt(args.arg[0]), path.c_str(),
                              static_cast<uint32_t>(args.arg[2])));
}

int64_t sysInotifyRmWatch(SyscallContext &, const SyscallArgs &args) {
  return hostResult(::syscall(SYS_inotify_rm_watch, asInt(args.arg[0]), asInt(args.arg[1])));
}

} // namespace tiercel::user
