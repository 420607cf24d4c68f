// Builds the initial stack of a new guest process (see initial_stack.h).
#include "runtime/user/initial_stack.h"

#include <unistd.h>

#include <cstring>

#include "runtime/user/address_space.h"

namespace tiercel::user {

uint64_t riscvHwcap(bool compressed) {
  uint64_t hwcap =
      hwcapLetter('i') | hwcapLetter('m') | hwcapLetter('a') | hwcapLetter('f') | hwcapLetter('d');
  if (compressed)
    hwcap |= hwcapLetter('c');
  return hwcap;
}

llvm::Expected<InitialStack> buildInitialStack(AddressSpace &space, uint64_t stackTop,
                                               uint64_t stackSize, const StackInputs &inputs) {
  // Everything must fit in a quarter of the stack, as Linux's limit on
  // argument and environment size (fs/exec.c, bprm_stack_limits).
  uint64_t stringBytes = inputs.execfn.size() + 1;
  for (const std::string &s : inputs.argv)
    stringBytes += s.size() + 1;
  for (const std::string &s : inputs.envp)
    stringBytes += s.size() + 1;
  uint64_t auxvPairs = 18;
  uint64_t pointerWords = 1 + inputs.argv.size() + 1 + inputs.envp.size() + 1 + 2 * auxvPairs;
  uint64_t total = 8 + stringBytes + 16 + 16 + pointerWords * 8 + 16;
  if (total > stackSize / 4)
    return llvm::createStringError(
        "argument list too long: %llu bytes of arguments and environment (the limit is %llu)",
        static_cast<unsigned long long>(total), static_cast<unsigned long long>(stackSize / 4));
  if (!space.isAccessible(stackTop - total, total, true))
    return llvm::createStringError("the initial stack is not mapped");

  auto put = [&](uint64_t address, const void *data, size_t size) {
    std::memcpy(space.hostPointer(address), data, size);
  };
  auto putWord = [&](uint64_t address, uint64_t value) { put(address, &value, 8); };

  InitialStack result;
  // The end marker: a NULL pointer at the very top.
  uint64_t p = stackTop - 8;
  putWord(p, 0);
  auto pushString = [&](const std::string &s) {
    p -= s.size() + 1;
    put(p, s.c_str(), s.size() + 1);
    return p;
  };
  result.execfnAddress = pushString(inputs.execfn);
  // copy_strings copies the last string first, so argv[0] ends up lowest and
  // each list is contiguous in ascending order; envp lies above argv.
  std::vector<uint64_t> envAddresses(inputs.envp.size()), argAddresses(inputs.argv.size());
  for (size_t i = inputs.envp.size(); i-- > 0;)
    envAddresses[i] = pushString(inputs.envp[i]);
  for (size_t i = inputs.argv.size(); i-- > 0;)
    argAddresses[i] = pushString(inputs.argv[i]);

  p &= ~uint64_t{15}; // arch_align_stack without randomisation
  p -= 16;
  put(p, inputs.random, 16);
  result.randomAddress = p;

  uint64_t auxv[2 * 18];
  size_t n = 0;
  auto aux = [&](uint64_t key, uint64_t value) {
    auxv[n++] = key;
    auxv[n++] = value;
  };
  // The order of create_elf_tables (riscv defines no AT_PLATFORM; there is
  // no vDSO, so no AT_SYSINFO_EHDR).
  aux(kAtHwcap, inputs.hwcap);
  aux(kAtPagesz, AddressSpace::kPageSize);
  aux(kAtClktck, 100);
  aux(kAtPhdr, inputs.phdr);
  aux(kAtPhent, inputs.phent);
  aux(kAtPhnum, inputs.phnum);
  aux(kAtBase, inputs.base);
  aux(kAtFlags, 0);
  aux(kAtEntry, inputs.entry);
  aux(kAtUid, getuid());
  aux(kAtEuid, geteuid());
  aux(kAtGid, getgid());
  aux(kAtEgid, getegid());
  aux(kAtSecure, 0);
  aux(kAtRandom, result.randomAddress);
  aux(kAtExecfn, result.execfnAddress);
  aux(kAtNull, 0);
  uint64_t items = 1 + inputs.argv.size() + 1 + inputs.envp.size() + 1 + n;
  uint64_t sp = (p - items * 8) & ~uint64_t{15}; // STACK_ROUND
  result.sp = sp;

  uint64_t cursor = sp;
  putWord(cursor, inputs.argv.size());
  cursor += 8;
  result.argvAddress = cursor;
  for (uint64_t address : argAddresses) {
    putWord(cursor, address);
    cursor += 8;
  }
  putWord(cursor, 0);
  cursor += 8;
  result.envpAddress = cursor;
  for (uint64_t address : envAddresses) {
    putWord(cursor, address);
    cursor += 8;
  }
  putWord(cursor, 0);
  cursor += 8;
  result.auxvAddress = cursor;
  put(cursor, auxv, n * 8);
  return result;
}

} // namespace tiercel::user
