// futex(2) for guest threads. Guest memory is host memory (guest address +
// base), so every operation is the host's own on the translated words:
// waits, wakes, requeues, bitsets, WAKE_OP and the PI operations (their
// words hold tids, and guest tids are host tids). Timeouts have the same
// layout on riscv64 and x86-64. The call runs without the guest lock
// (syscall_table.cpp), so a waiting thread lets the others run.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/user/address_space.h"
#include "runtime/user/process.h"
#include "runtime/user/process_syscalls.h"
#include "runtime/user/syscalls_support.h"

namespace tiercel::user {

namespace {

struct FutexShape {
  bool timeoutPointer; // argument 4 is a struct timespec * (else val2)
  bool secondWord;     // uaddr2 is used
  bool writes;         // the kernel may write the word(s)
};

bool futexShape(int command, FutexShape &shape) {
  switch (command) {
  case FUTEX_WAIT:
  case FUTEX_WAIT_BITSET: shape = {true, false, false}; return true;
  case FUTEX_WAKE:
  case FUTEX_WAKE_BITSET: shape = {false, false, false}; return true;
  case FUTEX_REQUEUE:
  case FUTEX_CMP_REQUEUE: shape = {false, true, false}; return true;
  case FUTEX_WAKE_OP: shape = {false, true, true}; return true;
  case FUTEX_LOCK_PI:
  case FUTEX_LOCK_PI2: shape = {true, false, true}; return true;
  case FUTEX_UNLOCK_PI:
  case FUTEX_TRYLOCK_PI: shape = {false, false, true}; return true;
  case FUTEX_WAIT_REQUEUE_PI: shape = {true, true, true}; return true;
  case FUTEX_CMP_REQUEUE_PI: shape = {false, true, true}; return true;
  default: return false;
  }
}

// A futex word: 4-byte aligned (EINVAL), inside the guest range (EFAULT).
// Whether it is mapped is the host kernel's to find out (the guest's holes
// are PROT_NONE host pages: EFAULT, as on Linux).
int64_t futexWord(AddressSpace &space, uint64_t address, bool writes, uint32_t *&host) {
  if (address % 4 != 0)
    return -EINVAL;
  if (address >= AddressSpace::kGuestSize)
    return -EFAULT;
  if (writes)
    space.prepareHostWrite(address, 4); // a watched code page is read-only on the host
  host = reinterpret_cast<uint32_t *>(space.hostPointer(address));
  return 0;
}

} // namespace

int64_t sysFutex(SyscallContext &context, const SyscallArgs &args) {
  AddressSpace &space = context.process.addressSpace();
  int op = static_cast<int>(args.arg[1]);
  int command = op & FUTEX_CMD_MASK;
  FutexShape shape;
  if (!futexShape(command, shape))
    return -ENOSYS; // as Linux for an unknown command
  uint32_t *word = nullptr, *word2 = nullptr;
  if (int64_t error = futexWord(space, args.arg[0], shape.writes, word))
    return error;
  if (shape.secondWord) {
    if (int64_t error = futexWord(space, args.arg[4], shape.writes, word2))
      return error;
  }
  uint64_t fourth = args.arg[3]; // timeout pointer or val2
  void *timeout = nullptr;
  if (shape.timeoutPointer) {
    if (!guestMemory(context).translateOptional(fourth, 16, false, timeout))
      return -EFAULT;
  }
  return hostResult(::syscall(SYS_futex, word, op, static_cast<uint32_t>(args.arg[2]),
                              shape.timeoutPointer ? timeout
                                                   : reinterpret_cast<void *>(fourth),
                              word2, static_cast<uint32_t>(args.arg[5])));
}

} // namespace tiercel::user
