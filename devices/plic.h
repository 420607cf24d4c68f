// The platform-level interrupt controller (RISC-V PLIC specification 1.0.0)
// as QEMU's virt board lays it out at 0xc000000: interrupt sources 1..N with
// priorities 0..7, two contexts per hart (context 2h is hart h's M-mode
// external interrupt, 2h + 1 its S-mode one), per-context enables,
// thresholds and claim/complete.
//
// Sources are level-triggered through a gateway: a high line makes the
// source pending unless it has a request in flight; a pending request stays
// until it is claimed, even if the line drops meanwhile (the gateway cannot
// retract it); after a claim the gateway holds the source until the
// completion, and if the line is still high then it is pending again. A
// context's output line (MEIP/SEIP of its hart) is high while some enabled
// source pending in it has a priority above the context's threshold.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "machine/system/device_interface.h"

namespace tiercel::devices {

class Plic : public MmioDevice {
public:
  static constexpr unsigned kSources = 96;    // source 0 does not exist; 1..95 are usable
  static constexpr uint32_t kMaxPriority = 7; // 3 priority bits
  static constexpr uint64_t kWindowSize = 0x600000;

  // `contextOutputs[c]` is context c's interrupt line to its hart; there
  // are 2 per hart. They outlive the PLIC.
  explicit Plic(std::vector<IrqLine *> contextOutputs);
  ~Plic() override;

  const char *name() const override { return "plic"; }
  uint64_t windowSize() const override { return kWindowSize; }
  // 32-bit registers; an 8-byte access covers two of them (low first).
  bool read(uint64_t offset, unsigned size, uint64_t &value) override;
  bool write(uint64_t offset, unsigned size, uint64_t value) override;

  // The line of source `number` (1..kSources-1), for a device to drive.
  IrqLine &source(unsigned number);
  unsigned contexts() const { return static_cast<unsigned>(contexts_.size()); }

private:
  struct Context {
    IrqLine *output;
    uint32_t enable[kSources / 32] = {};
    uint32_t threshold = 0;
    bool level = false;
  };
  class SourceLine;

  bool read32(uint64_t offset, uint32_t &value);
  bool write32(uint64_t offset, uint32_t value);
  void setSourceLevel(unsigned number, bool high);
  uint32_t claim(Context &context);
  void complete(Context &context, uint32_t number);
  unsigned bestPending(const Context &context) const; // 0 if none
  void updateOutputs();

  std::mutex mutex_;
  uint32_t priority_[kSources] = {};
  uint32_t pending_[kSources / 32] = {};
  bool lineHigh_[kSources] = {};
  bool claimed_[kSources] = {}; // held by the gateway until completion
  std::vector<Context> contexts_;
  std::vector<std::unique_ptr<SourceLine>> lines_;
};

} // namespace tiercel::devices
