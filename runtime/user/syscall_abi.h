// The riscv64 Linux syscall ABI as the user-mode runtime sees it: numbers
// are the asm-generic ones (include/uapi/asm-generic/unistd.h), arguments in
// a0..a5, number in a7, result (or -errno) in a0.
#pragma once

#include <cstdint>

namespace tiercel::user {

struct SyscallArgs {
  uint64_t number;
  uint64_t arg[6];
};

} // namespace tiercel::user
