// The CLINT (see clint.h). Layout: SiFive CLINT as QEMU's virt board maps it.
#include "devices/clint.h"

#include <algorithm>

namespace tiercel::devices {

namespace {

constexpr uint64_t kMsipBase = 0x0;
constexpr uint64_t kMtimecmpBase = 0x4000;
constexpr uint64_t kMtime = 0xbff8;
constexpr uint64_t kNsPerTick = 1'000'000'000 / Clint::kTimebaseHz;

// Replaces the `size` bytes at byte `shift` of `word` (a 4-byte half of a
// 64-bit register, or all of it).
uint64_t merge(uint64_t word, unsigned shift, unsigned size, uint64_t value) {
  if (size == 8)
    return value;
  uint64_t mask = 0xffffffffull << (8 * shift);
  return (word & ~mask) | ((value & 0xffffffffull) << (8 * shift));
}

} // namespace

Clint::Clint(const DeviceClock &clock, std::vector<HartLines> harts, std::function<void()> rearm)
    : clock_(clock), harts_(std::move(harts)), rearm_(std::move(rearm)), msip_(harts_.size(), 0),
      mtimecmp_(harts_.size(), ~uint64_t{0}), timerLevel_(harts_.size(), false),
      epochNs_(clock.nowNs()) {}

uint64_t Clint::mtimeAt(uint64_t nowNs) const {
  return (nowNs >= epochNs_ ? (nowNs - epochNs_) / kNsPerTick : 0) + mtimeBase_;
}

uint64_t Clint::mtime() const {
  std::lock_guard lock(mutex_);
  return mtimeAt(clock_.nowNs());
}

uint64_t Clint::nsWhenMtimeReaches(uint64_t ticks) const {
  if (ticks <= mtimeBase_)
    return epochNs_;
  uint64_t delta = ticks - mtimeBase_;
  if (delta > (kNoDeadline - epochNs_) / kNsPerTick)
    return kNoDeadline; // beyond the end of time (mtimecmp = -1 means "never")
  return epochNs_ + delta * kNsPerTick;
}

void Clint::updateTimerLines(uint64_t nowNs) {
  uint64_t now = mtimeAt(nowNs);
  for (size_t hart = 0; hart < harts_.size(); ++hart) {
    bool level = now >= mtimecmp_[hart];
    if (level != timerLevel_[hart]) {
      timerLevel_[hart] = level;
      if (harts_[hart].timerInterrupt != nullptr)
        harts_[hart].timerInterrupt->setLevel(level);
    }
  }
}

// The lock is held.
uint64_t Clint::earliestDeadline() const {
  uint64_t earliest = kNoDeadline;
  for (size_t hart = 0; hart < harts_.size(); ++hart)
    if (!timerLevel_[hart])
      earliest = std::min(earliest, nsWhenMtimeReaches(mtimecmp_[hart]));
  return earliest;
}

uint64_t Clint::nextDeadlineNs() {
  std::lock_guard lock(mutex_);
  return earliestDeadline();
}

void Clint::tick(uint64_t nowNs) {
  std::lock_guard lock(mutex_);
  updateTimerLines(nowNs);
}

bool Clint::read(uint64_t offset, unsigned size, uint64_t &value) {
  std::lock_guard lock(mutex_);
  uint64_t harts = harts_.size();
  if (offset < kMsipBase + 4 * harts) {
    if (size != 4 || offset % 4 != 0)
      return false;
    value = msip_[offset / 4];
    return true;
  }
  if (offset >= kMtimecmpBase && offset < kMtimecmpBase + 8 * harts) {
    unsigned shift = static_cast<unsigned>(offset % 8);
    if (!((size == 8 && shift == 0) || (size == 4 && shift % 4 == 0)))
      return false;
    uint64_t full = mtimecmp_[(offset - kMtimecmpBase) / 8];
    value = size == 8 ? full : (full >> (8 * shift)) & 0xffffffffull;
    return true;
  }
  if (offset == kMtime || offset == kMtime + 4) {
    unsigned shift = static_cast<unsigned>(offset - kMtime);
    if (!((size == 8 && shift == 0) || size == 4))
      return false;
    uint64_t full = mtimeAt(clock_.nowNs());
    value = size == 8 ? full : (full >> (8 * shift)) & 0xffffffffull;
    return true;
  }
  return false;
}

bool Clint::write(uint64_t offset, unsigned size, uint64_t value) {
  bool earlier = false;
  {
    std::lock_guard lock(mutex_);
    uint64_t harts = harts_.size();
    uint64_t now = clock_.nowNs();
    if (offset < kMsipBase + 4 * harts) {
      if (size != 4 || offset % 4 != 0)
        return false;
      size_t hart = offset / 4;
      uint32_t bit = value & 1; // the other 31 bits are hardwired to zero
      if (bit != msip_[hart]) {
        msip_[hart] = bit;
        if (harts_[hart].softwareInterrupt != nullptr)
          harts_[hart].softwareInterrupt->setLevel(bit != 0);
      }
      return true;
    }
    uint64_t before = earliestDeadline();
    if (offset >= kMtimecmpBase && offset < kMtimecmpBase + 8 * harts) {
      unsigned shift = static_cast<unsigned>(offset % 8);
      if (!((size == 8 && shift == 0) || (size == 4 && shift % 4 == 0)))
        return false;
      uint64_t &compare = mtimecmp_[(offset - kMtimecmpBase) / 8];
      compare = merge(compare, shift, size, value);
    } else if (offset == kMtime || offset == kMtime + 4) {
      unsigned shift = static_cast<unsigned>(offset - kMtime);
      if (!((size == 8 && shift == 0) || size == 4))
        return false;
      mtimeBase_ = merge(mtimeAt(now), shift, size, value);
      epochNs_ = now;
    } else {
      return false;
    }
    updateTimerLines(now);
    earlier = earliestDeadline() < before;
  }
  if (earlier && rearm_)
    rearm_();
  return true;
}

} // namespace tiercel::devices
