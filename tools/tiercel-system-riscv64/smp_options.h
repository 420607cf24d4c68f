// The hart options of tiercel-system-riscv64, in QEMU's syntax (the rest
// of the command line is options.h):
//
//   -smp [cpus=]N[,maxcpus=N]   N harts (1 to 8) on -machine virt; spike has one
//   -smp help                   describes it
//   -accel tcg[,thread=multi]   accepted: every hart runs on its own host
//                               thread, as QEMU's multi-threaded TCG
//
// -accel tcg,thread=single (all harts on one thread) and the -smp topology
// keys (sockets, cores, threads, ...) are "unimplemented"; other
// accelerators are errors.
#pragma once

#include <string>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace tiercel::tools {

struct SystemCommandLine;

// The most harts -smp takes (runtime/system/board.h's board::kMaxHarts;
// main.cpp checks they agree).
inline constexpr unsigned kMaxSmpHarts = 8;

llvm::Error parseSmp(SystemCommandLine &line, llvm::StringRef value);
llvm::Error parseAccel(SystemCommandLine &line, llvm::StringRef value);
// Once every option is in: -smp N > 1 needs -machine virt.
void checkSmpMachine(SystemCommandLine &line);

std::string systemSmpHelpText();

} // namespace tiercel::tools
