// -dfilter: the guest address ranges the per-block logs (-d in_asm, out_asm,
// exec, cpu) are limited to. Empty: everything is logged.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace tiercel {

class LogFilter {
public:
  // [first, last], inclusive (a range may end at 2^64 - 1).
  void add(uint64_t first, uint64_t last) { ranges_.emplace_back(first, last); }
  bool empty() const { return ranges_.empty(); }

  // Whether a block covering [start, end) is logged: it overlaps a range.
  bool allows(uint64_t start, uint64_t end) const {
    if (ranges_.empty())
      return true;
    uint64_t last = end > start ? end - 1 : start;
    for (const auto &[first, rangeLast] : ranges_)
      if (start <= rangeLast && first <= last)
        return true;
    return false;
  }
  bool allows(uint64_t pc) const { return allows(pc, pc + 1); }

private:
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;
};

} // namespace tiercel
