// The initial process stack as Linux builds it for a new riscv64 program
// (fs/exec.c copy_strings, fs/binfmt_elf.c create_elf_tables): strings at
// the top (argv, envp, then the executable name for AT_EXECFN), the 16
// AT_RANDOM bytes, and below them, at a 16-byte aligned sp: argc, argv[],
// NULL, envp[], NULL, auxv pairs ending with AT_NULL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace tiercel::user {

class AddressSpace;

// auxv keys (include/uapi/linux/auxvec.h).
enum AuxvKey : uint64_t {
  kAtNull = 0,
  kAtPhdr = 3,
  kAtPhent = 4,
  kAtPhnum = 5,
  kAtPagesz = 6,
  kAtBase = 7,
  kAtFlags = 8,
  kAtEntry = 9,
  kAtUid = 11,
  kAtEuid = 12,
  kAtGid = 13,
  kAtEgid = 14,
  kAtHwcap = 16,
  kAtClktck = 17,
  kAtSecure = 23,
  kAtRandom = 25,
  kAtExecfn = 31,
};

// AT_HWCAP bits of a riscv64 hart: one bit per single-letter extension,
// bit ('x' - 'a') (arch/riscv/kernel/cpufeature.c).
constexpr uint64_t hwcapLetter(char letter) { return uint64_t{1} << (letter - 'a'); }
uint64_t riscvHwcap(bool compressed);

struct StackInputs {
  std::vector<std::string> argv;
  std::vector<std::string> envp;
  std::string execfn; // AT_EXECFN: the program path as given
  uint64_t phdr = 0;  // AT_PHDR of the program
  uint64_t phent = 56;
  uint64_t phnum = 0;
  uint64_t base = 0;  // AT_BASE: the interpreter's load bias (0 if none)
  uint64_t entry = 0; // AT_ENTRY: the program's entry (not the interpreter's)
  uint64_t hwcap = 0;
  uint8_t random[16] = {}; // AT_RANDOM bytes (the caller fills them from getrandom)
};

struct InitialStack {
  uint64_t sp = 0;
  uint64_t argvAddress = 0;
  uint64_t envpAddress = 0;
  uint64_t auxvAddress = 0;
  uint64_t randomAddress = 0;
  uint64_t execfnAddress = 0;
};

// Writes the stack below `stackTop` (which must be mapped writable for as
// far as it needs). Fails with E2BIG-like message when it does not fit.
llvm::Expected<InitialStack> buildInitialStack(AddressSpace &space, uint64_t stackTop,
                                               uint64_t stackSize, const StackInputs &inputs);

} // namespace tiercel::user
