// The control and status registers of one hart in system mode: the M, S and
// U CSRs of the privileged spec (v1.12/1.13, chapters 2-4) other than the FP
// CSRs fflags/frm/fcsr, which live in CpuState and are handled by the
// semantics (machine/semantics/system.h).
//
// The hart is RV64IMAFDC with S and U modes (misa read-only). What is here:
// - mstatus with sstatus as its restricted view: SD (computed), FS (gates the
//   FP unit: fpEnabled, markFpDirty), MPP/SPP, the interrupt-enable stack,
//   MPRV/SUM/MXR, TVM/TW/TSR; UXL = SXL = 64 bits; little-endian only
//   (UBE/SBE/MBE = 0); no V extension (VS = 0) and no custom state (XS = 0).
// - Traps: medeleg/mideleg, mie/mip with sie/sip as views masked by mideleg,
//   mtvec/stvec (direct and vectored), xscratch, xepc, xcause, xtval. The
//   trap behaviour itself (entry, mret/sret, interrupt selection) is in
//   trap.h.
// - mip: MSIP, MTIP, MEIP and SEIP have an input line each, driven from
//   outside (CLINT, PLIC: setInterruptLine, thread-safe); SSIP and STIP are
//   written by software (M-mode for STIP). mip.SEIP reads as the OR of the
//   line and a software-writable bit (privileged spec 3.1.9).
// - Counters: mcycle/minstret (one cycle per retired instruction, derived
//   from cpu.instret), mcountinhibit (CY, IR), cycle/time/instret gated by
//   mcounteren/scounteren. time comes from a callback the board provides
//   (no callback: the time CSR does not exist). The hpm counters and event
//   selectors 3..31 are the spec's legal "read-only zero" implementation.
// - menvcfg/senvcfg: FIOM only (no Zicbo*, Svpbmt, Sstc, Svadu: their bits
//   are read-only zero; stimecmp does not exist).
// - satp: Bare, Sv39 and Sv48; a write with another MODE has no effect
//   (privileged spec 4.1.11). The 16 ASID bits are kept but the softmmu
//   ignores ASIDs (softmmu.h).
// - PMP: pmpcfg0..15 (the even ones: RV64) and pmpaddr0..63 are WARL
//   registers that read back what was written (reserved bits cleared, the
//   reserved R=0/W=1 combination legalised to R=W=0, the lock bit honoured
//   for writes). PMP is NOT enforced: every physical access is allowed.
//   OpenSBI probes and programs these registers, so they must exist.
// - mvendorid = marchid = mimpid = mconfigptr = 0; mhartid from the board.
//   mseccfg, the debug/trigger CSRs and the H extension's CSRs do not exist
//   (illegal instruction; OpenSBI probes them with trap detection).
//
// Access rules (privileged spec 2.1): csr[9:8] is the lowest privilege that
// may access a CSR, csr[11:10] == 3 marks it read-only; satp is illegal in S
// while mstatus.TVM = 1; the unprivileged counters need their mcounteren
// bit in S and U and their scounteren bit too in U. A rule that fails is an
// illegal instruction: read/write return false.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>

#include "machine/cpu_state.h"

namespace tiercel {

// CSR numbers (privileged spec tables 2.2-2.5).
namespace csr {
inline constexpr uint32_t kCycle = 0xc00, kTime = 0xc01, kInstret = 0xc02, kHpmcounter3 = 0xc03,
                          kHpmcounter31 = 0xc1f;
inline constexpr uint32_t kSstatus = 0x100, kSie = 0x104, kStvec = 0x105, kScounteren = 0x106,
                          kSenvcfg = 0x10a, kSscratch = 0x140, kSepc = 0x141, kScause = 0x142,
                          kStval = 0x143, kSip = 0x144, kSatp = 0x180;
inline constexpr uint32_t kMvendorid = 0xf11, kMarchid = 0xf12, kMimpid = 0xf13, kMhartid = 0xf14,
                          kMconfigptr = 0xf15;
inline constexpr uint32_t kMstatus = 0x300, kMisa = 0x301, kMedeleg = 0x302, kMideleg = 0x303,
                          kMie = 0x304, kMtvec = 0x305, kMcounteren = 0x306, kMenvcfg = 0x30a,
                          kMcountinhibit = 0x320, kMhpmevent3 = 0x323, kMhpmevent31 = 0x33f,
                          kMscratch = 0x340, kMepc = 0x341, kMcause = 0x342, kMtval = 0x343,
                          kMip = 0x344;
inline constexpr uint32_t kPmpcfg0 = 0x3a0, kPmpcfg15 = 0x3af, kPmpaddr0 = 0x3b0,
                          kPmpaddr63 = 0x3ef;
inline constexpr uint32_t kMcycle = 0xb00, kMinstret = 0xb02, kMhpmcounter3 = 0xb03,
                          kMhpmcounter31 = 0xb1f;
} // namespace csr

// mstatus fields (privileged spec 3.1.6, RV64 layout).
namespace mstatus {
inline constexpr uint64_t kSie = 1u << 1, kMie = 1u << 3, kSpie = 1u << 5, kUbe = 1u << 6,
                          kMpie = 1u << 7, kSpp = 1u << 8, kVs = 3u << 9, kMpp = 3u << 11,
                          kFs = 3u << 13, kXs = 3u << 15, kMprv = 1u << 17, kSum = 1u << 18,
                          kMxr = 1u << 19, kTvm = 1u << 20, kTw = 1u << 21, kTsr = 1u << 22;
inline constexpr uint64_t kUxl = uint64_t{3} << 32, kSxl = uint64_t{3} << 34,
                          kSd = uint64_t{1} << 63;
inline constexpr unsigned kMppShift = 11, kFsShift = 13;
// FS values (privileged spec 3.1.6.6).
inline constexpr uint64_t kFsOff = 0, kFsInitial = 1, kFsClean = 2, kFsDirty = 3;
// The fields sstatus shows (privileged spec 4.1.1).
inline constexpr uint64_t kSstatusView =
    kSie | kSpie | kUbe | kSpp | kVs | kFs | kXs | kSum | kMxr | kUxl | kSd;
} // namespace mstatus

// Interrupt numbers: bit positions in mip/mie and the cause codes of
// interrupts (privileged spec 3.1.9, table 3.6).
enum class Interrupt : unsigned {
  SupervisorSoftware = 1,
  MachineSoftware = 3,
  SupervisorTimer = 5,
  MachineTimer = 7,
  SupervisorExternal = 9,
  MachineExternal = 11,
};
constexpr uint64_t interruptMask(Interrupt interrupt) {
  return uint64_t{1} << static_cast<unsigned>(interrupt);
}
namespace mip {
inline constexpr uint64_t kSsip = interruptMask(Interrupt::SupervisorSoftware),
                          kMsip = interruptMask(Interrupt::MachineSoftware),
                          kStip = interruptMask(Interrupt::SupervisorTimer),
                          kMtip = interruptMask(Interrupt::MachineTimer),
                          kSeip = interruptMask(Interrupt::SupervisorExternal),
                          kMeip = interruptMask(Interrupt::MachineExternal);
inline constexpr uint64_t kSupervisorInterrupts = kSsip | kStip | kSeip;
inline constexpr uint64_t kAllInterrupts = kSupervisorInterrupts | kMsip | kMtip | kMeip;
} // namespace mip

// satp fields (privileged spec 4.1.11, RV64).
namespace satp {
inline constexpr unsigned kModeShift = 60, kAsidShift = 44;
inline constexpr uint64_t kModeBare = 0, kModeSv39 = 8, kModeSv48 = 9;
inline constexpr uint64_t kPpnMask = (uint64_t{1} << 44) - 1;
inline constexpr uint64_t kAsidMask = uint64_t{0xffff} << kAsidShift;
constexpr uint64_t mode(uint64_t satp) { return satp >> kModeShift; }
} // namespace satp

// misa of this hart: MXL = 64, extensions I M A F D C S U (privileged spec 3.1.1).
inline constexpr uint64_t kMisa = uint64_t{2} << 62 | 1u << ('A' - 'A') | 1u << ('C' - 'A') |
                                  1u << ('D' - 'A') | 1u << ('F' - 'A') | 1u << ('I' - 'A') |
                                  1u << ('M' - 'A') | 1u << ('S' - 'A') | 1u << ('U' - 'A');

// Exceptions medeleg can delegate: all the standard ones except ecall from
// M-mode (bit 11), which can never be taken below M (privileged spec 3.1.8).
inline constexpr uint64_t kDelegableExceptions = 0xb3ff;

class CsrFile {
public:
  // The board's time counter (the CLINT's mtime, 10 MHz on virt).
  using TimeSource = std::function<uint64_t()>;

  static constexpr unsigned kPmpEntries = 64;

  explicit CsrFile(uint64_t hartId = 0, TimeSource time = {});
  CsrFile(const CsrFile &) = delete;
  CsrFile &operator=(const CsrFile &) = delete;

  // Power-on state (privileged spec 3.4): M-mode fields cleared, FS = Off,
  // nothing delegated or enabled, satp Bare, counters from zero. The
  // interrupt input lines keep their levels (they belong to the devices).
  void reset();

  // A CSR instruction's access at cpu.privilege (cpu.instret counts the
  // instructions retired before it). false: illegal instruction.
  bool read(uint32_t number, const CpuState &cpu, uint64_t &value) const;
  bool write(uint32_t number, const CpuState &cpu, uint64_t value);

  // ---- Interrupt inputs (any thread) ----
  // Level of the MSIP, MTIP, MEIP or SEIP input (the CLINT's and PLIC's
  // lines). Other interrupts have no input line.
  void setInterruptLine(Interrupt interrupt, bool high);
  // mip as the hart sees it now: input lines | software-written bits.
  uint64_t mip() const {
    return interruptLines_.load(std::memory_order_acquire) | softwarePending_;
  }

  // ---- Raw state for trap entry, the softmmu and the environment ----
  // mstatus with SD computed. setMstatus takes legal values only (the trap
  // code's), without the WARL legalisation of a CSR write.
  uint64_t mstatus() const {
    uint64_t fs = (mstatus_ & mstatus::kFs) >> mstatus::kFsShift;
    return fs == mstatus::kFsDirty ? mstatus_ | mstatus::kSd : mstatus_;
  }
  void setMstatus(uint64_t value) { mstatus_ = value & ~mstatus::kSd; }
  bool fpEnabled() const { return (mstatus_ & mstatus::kFs) != 0; }
  void markFpDirty() { mstatus_ |= mstatus::kFs; }

  uint64_t medeleg() const { return medeleg_; }
  uint64_t mideleg() const { return mideleg_; }
  uint64_t mie() const { return mie_; }
  uint64_t mtvec() const { return mtvec_; }
  uint64_t stvec() const { return stvec_; }
  uint64_t mepc() const { return mepc_; }
  uint64_t sepc() const { return sepc_; }
  uint64_t mcause() const { return mcause_; }
  uint64_t scause() const { return scause_; }
  uint64_t mtval() const { return mtval_; }
  uint64_t stval() const { return stval_; }
  uint64_t satp() const { return satp_; }
  void setMachineTrapRegisters(uint64_t epc, uint64_t cause, uint64_t tval) {
    mepc_ = epc & ~uint64_t{1};
    mcause_ = cause;
    mtval_ = tval;
  }
  void setSupervisorTrapRegisters(uint64_t epc, uint64_t cause, uint64_t tval) {
    sepc_ = epc & ~uint64_t{1};
    scause_ = cause;
    stval_ = tval;
  }
  uint8_t pmpcfg(unsigned entry) const { return pmpcfg_[entry]; }
  uint64_t pmpaddr(unsigned entry) const { return pmpaddr_[entry]; }

private:
  bool counterAccessible(uint32_t number, Privilege privilege) const;
  uint64_t cycleValue(const CpuState &cpu) const;
  uint64_t instretValue(const CpuState &cpu) const;
  void writeMip(uint64_t value);
  void writeMcountinhibit(const CpuState &cpu, uint64_t value);
  bool pmpAddressLocked(unsigned entry) const;

  uint64_t hartId_;
  TimeSource time_;

  uint64_t mstatus_ = 0; // SD is computed on read
  uint64_t medeleg_ = 0, mideleg_ = 0;
  uint64_t mie_ = 0;
  std::atomic<uint64_t> interruptLines_{0}; // MSIP MTIP MEIP SEIP inputs
  uint64_t softwarePending_ = 0;            // SSIP, STIP, software SEIP
  uint64_t mtvec_ = 0, stvec_ = 0;
  uint64_t mscratch_ = 0, sscratch_ = 0;
  uint64_t mepc_ = 0, sepc_ = 0;
  uint64_t mcause_ = 0, scause_ = 0;
  uint64_t mtval_ = 0, stval_ = 0;
  uint64_t mcounteren_ = 0, scounteren_ = 0;
  uint64_t menvcfg_ = 0, senvcfg_ = 0;
  uint64_t satp_ = 0;
  // mcycle = cpu.instret + cycleOffset_ while counting, cycleFrozen_ while
  // mcountinhibit.CY is set; likewise minstret.
  uint64_t cycleOffset_ = 0, instretOffset_ = 0;
  uint64_t mcountinhibit_ = 0;
  uint64_t cycleFrozen_ = 0, instretFrozen_ = 0;
  std::array<uint8_t, kPmpEntries> pmpcfg_{};
  std::array<uint64_t, kPmpEntries> pmpaddr_{};
};

} // namespace tiercel
