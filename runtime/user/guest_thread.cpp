// Guest threads: register hand-over on the execution CpuState and the
// futex clean-up at thread exit (see guest_thread.h).
#include "runtime/user/guest_thread.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "runtime/user/address_space.h"
#include "runtime/user/process.h"

namespace tiercel::user {

namespace {

thread_local GuestThread *tCurrentThread = nullptr;

// Linux's ROBUST_LIST_LIMIT: a corrupt (cyclic) list ends the walk.
constexpr unsigned kRobustListLimit = 2048;

// Linux wakes with a shared futex op; the guest may wait with either kind
// (their keys differ on private memory), and a spare wake-up is harmless.
void wakeOne(uint32_t *host) {
  ::syscall(SYS_futex, host, FUTEX_WAKE, 1, nullptr, nullptr, 0);
  ::syscall(SYS_futex, host, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

// The 4-byte futex word at a guest address, or nullptr if not writable.
uint32_t *futexWord(AddressSpace &space, uint64_t address) {
  if (address % 4 != 0 || !space.isAccessible(address, 4, true))
    return nullptr;
  return reinterpret_cast<uint32_t *>(space.hostPointer(address));
}

// handle_futex_death: the word still names the dead thread as its owner.
void releaseRobustFutex(AddressSpace &space, uint64_t address, int tid) {
  uint32_t *word = futexWord(space, address);
  if (word == nullptr)
    return;
  std::atomic_ref<uint32_t> value(*word);
  uint32_t current = value.load();
  while ((current & FUTEX_TID_MASK) == static_cast<uint32_t>(tid)) {
    uint32_t replacement = (current & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (value.compare_exchange_weak(current, replacement)) {
      if (current & FUTEX_WAITERS)
        wakeOne(word);
      return;
    }
  }
}

bool readGuest(AddressSpace &space, uint64_t address, uint64_t &value) {
  if (!space.isAccessible(address, 8, false))
    return false;
  std::memcpy(&value, space.hostPointer(address), 8);
  return true;
}

} // namespace

void copyRegisters(const CpuState &from, CpuState &to) {
  std::memcpy(to.x, from.x, sizeof to.x);
  std::memcpy(to.f, from.f, sizeof to.f);
  to.pc = from.pc;
  to.fflags = from.fflags;
  to.frm = from.frm;
  to.trapCause = from.trapCause;
  to.trapValue = from.trapValue;
  to.reservationValid = 0;
  to.privilege = from.privilege;
  to.memoryBase = from.memoryBase;
}

GuestThread *currentGuestThread() { return tCurrentThread; }
void setCurrentGuestThread(GuestThread *thread) { tCurrentThread = thread; }

void releaseThreadFutexes(Process &process, GuestThread &thread) {
  AddressSpace &space = process.addressSpace();
  // struct robust_list_head { robust_list *next; long futex_offset;
  // robust_list *list_op_pending; }: 24 bytes on riscv64.
  uint64_t head = thread.robustList, next = 0, offset = 0, pending = 0;
  if (head != 0 && readGuest(space, head, next) && readGuest(space, head + 8, offset) &&
      readGuest(space, head + 16, pending)) {
    unsigned walked = 0;
    // Bit 0 of each pointer flags a PI futex; the word is handled alike.
    for (uint64_t entry = next & ~uint64_t{1}; entry != head && walked < kRobustListLimit;
         ++walked) {
      uint64_t following = 0;
      if (!readGuest(space, entry, following))
        break;
      if (entry != (pending & ~uint64_t{1}))
        releaseRobustFutex(space, entry + offset, thread.tid);
      entry = following & ~uint64_t{1};
    }
    if (pending != 0)
      releaseRobustFutex(space, (pending & ~uint64_t{1}) + offset, thread.tid);
  }
  if (uint32_t *word = futexWord(space, thread.clearChildTid)) {
    std::atomic_ref<uint32_t>(*word).store(0);
    wakeOne(word);
  }
}

} // namespace tiercel::user
