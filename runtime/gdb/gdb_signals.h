// GDB's signal numbers (gdb/signals.def, the numbers of the remote
// protocol) against Linux's. They agree for 1..6, 8, 9, 11, 13..15 and
// differ elsewhere (SIGBUS is 7 on Linux, 10 for GDB).
#pragma once

namespace tiercel::gdb {

inline constexpr int kGdbSignalInt = 2;
inline constexpr int kGdbSignalTrap = 5;
inline constexpr int kGdbSignalUnknown = 143;

// A Linux signal number (1..64) as GDB numbers it; kGdbSignalUnknown if
// GDB has none for it.
int gdbSignalFromLinux(int linuxSignal);
// The inverse; 0 for a GDB signal Linux does not have.
int linuxSignalFromGdb(int gdbSignal);

} // namespace tiercel::gdb
