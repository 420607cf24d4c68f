// Signal number translation (see gdb_signals.h).
#include "runtime/gdb/gdb_signals.h"

namespace tiercel::gdb {

namespace {

// GDB's number for Linux signals 1..31 (index = Linux number).
constexpr int kGdbForLinux[32] = {
    0,
    1,  // SIGHUP
    2,  // SIGINT
    3,  // SIGQUIT
    4,  // SIGILL
    5,  // SIGTRAP
    6,  // SIGABRT
    10, // SIGBUS
    8,  // SIGFPE
    9,  // SIGKILL
    30, // SIGUSR1
    11, // SIGSEGV
    31, // SIGUSR2
    13, // SIGPIPE
    14, // SIGALRM
    15, // SIGTERM
    kGdbSignalUnknown, // SIGSTKFLT: GDB has no name for it
    20, // SIGCHLD
    19, // SIGCONT
    17, // SIGSTOP
    18, // SIGTSTP
    21, // SIGTTIN
    22, // SIGTTOU
    16, // SIGURG
    24, // SIGXCPU
    25, // SIGXFSZ
    26, // SIGVTALRM
    27, // SIGPROF
    28, // SIGWINCH
    23, // SIGIO
    32, // SIGPWR
    12, // SIGSYS
};

// Real-time signals: GDB_SIGNAL_REALTIME_33..63 are 45..75, 32 is 77, 64 is 78.
constexpr int kGdbRealtime32 = 77;
constexpr int kGdbRealtime33 = 45;
constexpr int kGdbRealtime64 = 78;

} // namespace

int gdbSignalFromLinux(int linuxSignal) {
  if (linuxSignal >= 1 && linuxSignal < 32)
    return kGdbForLinux[linuxSignal];
  if (linuxSignal == 32)
    return kGdbRealtime32;
  if (linuxSignal >= 33 && linuxSignal <= 63)
    return kGdbRealtime33 + (linuxSignal - 33);
  if (linuxSignal == 64)
    return kGdbRealtime64;
  return kGdbSignalUnknown;
}

int linuxSignalFromGdb(int gdbSignal) {
  if (gdbSignal <= 0 || gdbSignal == kGdbSignalUnknown)
    return 0;
  for (int number = 1; number <= 64; ++number)
    if (gdbSignalFromLinux(number) == gdbSignal)
      return number;
  return 0;
}

} // namespace tiercel::gdb
