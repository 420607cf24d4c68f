// The PLIC (see plic.h). Offsets from the RISC-V PLIC specification 1.0.0,
// chapter "Memory Map".
#include "devices/plic.h"

namespace tiercel::devices {

namespace {

constexpr uint64_t kPriorityBase = 0x0;
constexpr uint64_t kPendingBase = 0x1000;
constexpr uint64_t kEnableBase = 0x2000;
constexpr uint64_t kEnableStride = 0x80;
constexpr uint64_t kContextBase = 0x200000;
constexpr uint64_t kContextStride = 0x1000;
constexpr unsigned kWords = Plic::kSources / 32;

} // namespace

class Plic::SourceLine : public IrqLine {
public:
  SourceLine(Plic &plic, unsigned number) : plic_(plic), number_(number) {}
  void setLevel(bool high) override { plic_.setSourceLevel(number_, high); }

private:
  Plic &plic_;
  unsigned number_;
};

Plic::Plic(std::vector<IrqLine *> contextOutputs) {
  for (IrqLine *output : contextOutputs)
    contexts_.push_back(Context{output});
  for (unsigned number = 0; number < kSources; ++number)
    lines_.push_back(std::make_unique<SourceLine>(*this, number));
}

Plic::~Plic() = default;

IrqLine &Plic::source(unsigned number) { return *lines_.at(number); }

void Plic::setSourceLevel(unsigned number, bool high) {
  if (number == 0 || number >= kSources)
    return; // source 0 is "no interrupt"
  std::lock_guard lock(mutex_);
  lineHigh_[number] = high;
  // The gateway forwards a request when the line is high and the source
  // has no request in flight; a forwarded request stays pending until it
  // is claimed, even if the line drops first: the gateway cannot retract
  // it (PLIC specification 1.0.0, "Interrupt Gateways").
  if (high && !claimed_[number])
    pending_[number / 32] |= 1u << (number % 32);
  updateOutputs();
}

unsigned Plic::bestPending(const Context &context) const {
  unsigned best = 0;
  uint32_t bestPriority = context.threshold;
  for (unsigned word = 0; word < kWords; ++word) {
    uint32_t candidates = pending_[word] & context.enable[word];
    while (candidates != 0) {
      unsigned number = word * 32 + static_cast<unsigned>(__builtin_ctz(candidates));
      candidates &= candidates - 1;
      // Ties go to the lowest source number, found first.
      if (priority_[number] > bestPriority) {
        best = number;
        bestPriority = priority_[number];
      }
    }
  }
  return best;
}

void Plic::updateOutputs() {
  for (Context &context : contexts_) {
    bool level = bestPending(context) != 0;
    if (level != context.level) {
      context.level = level;
      if (context.output != nullptr)
        context.output->setLevel(level);
    }
  }
}

uint32_t Plic::claim(Context &context) {
  unsigned number = bestPending(context);
  if (number != 0) {
    pending_[number / 32] &= ~(1u << (number % 32));
    claimed_[number] = true;
  }
  return number;
}

void Plic::complete(Context &context, uint32_t number) {
  // A completion for a source not enabled in this context is ignored
  // (specification, "Interrupt Completion").
  if (number == 0 || number >= kSources || !(context.enable[number / 32] & (1u << (number % 32))))
    return;
  claimed_[number] = false;
  if (lineHigh_[number])
    pending_[number / 32] |= 1u << (number % 32);
}

bool Plic::read32(uint64_t offset, uint32_t &value) {
  value = 0;
  if (offset < kPendingBase) {
    uint64_t number = (offset - kPriorityBase) / 4;
    if (number < kSources)
      value = priority_[number];
    return true; // past the last source: reserved, reads zero
  }
  if (offset < kEnableBase) {
    uint64_t word = (offset - kPendingBase) / 4;
    if (word < kWords)
      value = pending_[word];
    return true;
  }
  if (offset < kContextBase) {
    uint64_t context = (offset - kEnableBase) / kEnableStride;
    uint64_t word = (offset - kEnableBase) % kEnableStride / 4;
    if (context < contexts_.size() && word < kWords)
      value = contexts_[context].enable[word];
    return true;
  }
  uint64_t context = (offset - kContextBase) / kContextStride;
  uint64_t reg = (offset - kContextBase) % kContextStride;
  if (context >= contexts_.size())
    return true;
  if (reg == 0) {
    value = contexts_[context].threshold;
  } else if (reg == 4) {
    value = claim(contexts_[context]);
    updateOutputs();
  }
  return true;
}

bool Plic::write32(uint64_t offset, uint32_t value) {
  if (offset < kPendingBase) {
    uint64_t number = (offset - kPriorityBase) / 4;
    if (number != 0 && number < kSources)
      priority_[number] = value & kMaxPriority;
  } else if (offset < kEnableBase) {
    // Pending bits are read-only.
  } else if (offset < kContextBase) {
    uint64_t context = (offset - kEnableBase) / kEnableStride;
    uint64_t word = (offset - kEnableBase) % kEnableStride / 4;
    if (context < contexts_.size() && word < kWords)
      contexts_[context].enable[word] = word == 0 ? value & ~1u : value; // source 0 does not exist
  } else {
    uint64_t context = (offset - kContextBase) / kContextStride;
    uint64_t reg = (offset - kContextBase) % kContextStride;
    if (context < contexts_.size()) {
      if (reg == 0)
        contexts_[context].threshold = value & kMaxPriority;
      else if (reg == 4)
        complete(contexts_[context], value);
    }
  }
  updateOutputs();
  return true;
}

bool Plic::read(uint64_t offset, unsigned size, uint64_t &value) {
  if ((size != 4 && size != 8) || offset % 4 != 0 || offset + size > kWindowSize)
    return false;
  std::lock_guard lock(mutex_);
  uint32_t low = 0, high = 0;
  read32(offset, low);
  if (size == 8)
    read32(offset + 4, high);
  value = uint64_t{high} << 32 | low;
  return true;
}

bool Plic::write(uint64_t offset, unsigned size, uint64_t value) {
  if ((size != 4 && size != 8) || offset % 4 != 0 || offset + size > kWindowSize)
    return false;
  std::lock_guard lock(mutex_);
  write32(offset, static_cast<uint32_t>(value));
  if (size == 8)
    write32(offset + 4, static_cast<uint32_t>(value >> 32));
  return true;
}

} // namespace tiercel::devices
