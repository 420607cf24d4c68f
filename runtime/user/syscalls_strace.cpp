// -strace formatting of syscalls and results (see syscalls_strace.h).
#include "runtime/user/syscalls_strace.h"

#include <fcntl.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

// Longest string argument printed before "..." (strace's default is 32).
constexpr size_t kStringPrintLimit = 64;

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof(text), "0x%" PRIx64, value);
  return text;
}

std::string quoted(const std::string &raw) {
  std::string out = "\"";
  for (size_t i = 0; i < raw.size() && i < kStringPrintLimit; ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20 || c >= 0x7f) {
        char escaped[8];
        std::snprintf(escaped, sizeof(escaped), "\\%03o", c);
        out += escaped;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
  if (raw.size() > kStringPrintLimit)
    out += "...";
  return out;
}

std::string formatArgument(SyscallContext &context, char kind, uint64_t value) {
  switch (kind) {
  case 'd': return std::to_string(static_cast<int64_t>(value));
  case 'u': return std::to_string(value);
  case 'x': return hex(value);
  case 'p': return value == 0 ? "NULL" : hex(value);
  case 's': {
    if (value == 0)
      return "NULL";
    std::string text;
    if (guestMemory(context).readString(value, text, kGuestPathMax) != 0)
      return hex(value);
    return quoted(text);
  }
  case 'a':
    return static_cast<int>(value) == AT_FDCWD ? "AT_FDCWD"
                                               : std::to_string(static_cast<int>(value));
  case 'f': return formatOpenFlags(value);
  case 'o': {
    char text[24];
    std::snprintf(text, sizeof(text), "0%" PRIo64, value);
    return text;
  }
  default: return hex(value);
  }
}

struct FlagName {
  uint64_t bit;
  const char *name;
};

// asm-generic/fcntl.h, which x86-64 shares (syscalls_structs.cpp checks it).
constexpr FlagName kOpenFlags[] = {
    {O_CREAT, "O_CREAT"},
    {O_EXCL, "O_EXCL"},
    {O_NOCTTY, "O_NOCTTY"},
    {O_TRUNC, "O_TRUNC"},
    {O_APPEND, "O_APPEND"},
    {O_NONBLOCK, "O_NONBLOCK"},
    {O_DSYNC, "O_DSYNC"},
    {O_ASYNC, "O_ASYNC"},
    {O_DIRECT, "O_DIRECT"},
    {0100000, "O_LARGEFILE"},
    {O_DIRECTORY, "O_DIRECTORY"},
    {O_NOFOLLOW, "O_NOFOLLOW"},
    {O_NOATIME, "O_NOATIME"},
    {O_CLOEXEC, "O_CLOEXEC"},
    {O_SYNC & ~O_DSYNC, "O_SYNC"},
    {O_PATH, "O_PATH"},
    {O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE"},
};

} // namespace

std::string formatOpenFlags(uint64_t flags) {
  static const char *const kAccessModes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
  std::string out = kAccessModes[flags & O_ACCMODE];
  uint64_t rest = flags & ~uint64_t(O_ACCMODE);
  for (const FlagName &flag : kOpenFlags) {
    if (rest & flag.bit) {
      out += '|';
      out += flag.name;
      rest &= ~flag.bit;
    }
  }
  if (rest)
    out += "|" + hex(rest);
  return out;
}

std::string formatSyscallCall(SyscallContext &context, const SyscallArgs &args) {
  const SyscallInfo *info = lookupSyscall(args.number);
  std::string out;
  if (!info) {
    out = "unknown_syscall_" + std::to_string(args.number) + "(";
    for (int i = 0; i < 6; ++i)
      out += (i ? "," : "") + hex(args.arg[i]);
    return out + ")";
  }
  out = std::string(info->name) + "(";
  for (size_t i = 0; info->argFormat[i]; ++i) {
    if (i)
      out += ',';
    out += formatArgument(context, info->argFormat[i], args.arg[i]);
  }
  return out + ")";
}

std::string formatSyscallResult(int64_t result) {
  // Linux reserves -4095..-1 for errors (MAX_ERRNO); larger "negative"
  // values are addresses or offsets.
  if (result < 0 && result >= -4095) {
    int error = static_cast<int>(-result);
    return " = -1 errno=" + std::to_string(error) + " (" + std::strerror(error) + ")";
  }
  if (result < 0)
    return " = " + hex(static_cast<uint64_t>(result));
  return " = " + std::to_string(result);
}

} // namespace tiercel::user
