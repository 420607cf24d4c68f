// The CSRs of one hart (see csr_file.h for what exists and why).
#include "machine/system/csr_file.h"

#include <utility>

namespace tiercel {

namespace {

// mstatus fields an M-mode write may change; sstatus's share of them
// (privileged spec 3.1.6, 4.1.1). UXL/SXL are fixed at 64 bits, the
// endianness bits at little, VS/XS at Off.
constexpr uint64_t kMstatusWritable = mstatus::kSie | mstatus::kMie | mstatus::kSpie |
                                      mstatus::kMpie | mstatus::kSpp | mstatus::kMpp |
                                      mstatus::kFs | mstatus::kMprv | mstatus::kSum |
                                      mstatus::kMxr | mstatus::kTvm | mstatus::kTw | mstatus::kTsr;
constexpr uint64_t kSstatusWritable =
    mstatus::kSie | mstatus::kSpie | mstatus::kSpp | mstatus::kFs | mstatus::kSum | mstatus::kMxr;
constexpr uint64_t kXlen64 = 2;
constexpr uint64_t kMstatusFixed = kXlen64 << 32 | kXlen64 << 34; // UXL, SXL

// mie: the six standard interrupts. mideleg: the supervisor ones (M-level
// interrupts are never delegated).
constexpr uint64_t kMieWritable = mip::kAllInterrupts;
constexpr uint64_t kMidelegWritable = mip::kSupervisorInterrupts;
// mip bits software writes: SSIP and STIP (no Sstc), and SEIP's software bit.
constexpr uint64_t kMipWritable = mip::kSsip | mip::kStip | mip::kSeip;
constexpr uint64_t kInterruptLines = mip::kMsip | mip::kMtip | mip::kMeip | mip::kSeip;

// mcounteren/scounteren/mcountinhibit: CY, TM, IR (hpm counters are zero).
constexpr uint64_t kCounterEnableWritable = 0b111;
constexpr uint64_t kCountInhibitWritable = 0b101; // CY, IR (bit 1 is reserved)
constexpr uint64_t kCycleBit = 1, kInstretBit = 4;

// menvcfg/senvcfg: FIOM only (privileged spec 3.1.18, 4.1.10).
constexpr uint64_t kEnvcfgWritable = 1;

// pmpcfg entry bits (privileged spec 3.7.1).
constexpr uint8_t kPmpRead = 1, kPmpWrite = 2, kPmpLock = 0x80;
constexpr uint8_t kPmpAddressMatch = 0x18, kPmpTor = 0x08;
constexpr uint8_t kPmpcfgWritable = 0x9f; // bits 5 and 6 are reserved
// pmpaddr holds bits 55:2 of an address on RV64.
constexpr uint64_t kPmpaddrMask = (uint64_t{1} << 54) - 1;

bool inRange(uint32_t number, uint32_t first, uint32_t last) {
  return number >= first && number <= last;
}

} // namespace

CsrFile::CsrFile(uint64_t hartId, TimeSource time) : hartId_(hartId), time_(std::move(time)) {
  reset();
}

void CsrFile::reset() {
  mstatus_ = kMstatusFixed;
  medeleg_ = mideleg_ = mie_ = 0;
  softwarePending_ = 0;
  mtvec_ = stvec_ = mscratch_ = sscratch_ = 0;
  mepc_ = sepc_ = mcause_ = scause_ = mtval_ = stval_ = 0;
  mcounteren_ = scounteren_ = menvcfg_ = senvcfg_ = 0;
  satp_ = 0;
  cycleOffset_ = instretOffset_ = 0;
  mcountinhibit_ = cycleFrozen_ = instretFrozen_ = 0;
  pmpcfg_.fill(0);
  pmpaddr_.fill(0);
}

void CsrFile::setInterruptLine(Interrupt interrupt, bool high) {
  uint64_t bit = interruptMask(interrupt) & kInterruptLines;
  if (high)
    interruptLines_.fetch_or(bit, std::memory_order_acq_rel);
  else
    interruptLines_.fetch_and(~bit, std::memory_order_acq_rel);
}

// ---- Counters ----

// cycle/time/instret from S need mcounteren, from U both enables
// (privileged spec 3.1.11, 4.1.5).
bool CsrFile::counterAccessible(uint32_t number, Privilege privilege) const {
  uint64_t bit = uint64_t{1} << (number - csr::kCycle);
  if (privilege == Privilege::Machine)
    return true;
  if ((mcounteren_ & bit) == 0)
    return false;
  return privilege == Privilege::Supervisor || (scounteren_ & bit) != 0;
}

uint64_t CsrFile::cycleValue(const CpuState &cpu) const {
  return (mcountinhibit_ & kCycleBit) != 0 ? cycleFrozen_ : cpu.instret + cycleOffset_;
}

uint64_t CsrFile::instretValue(const CpuState &cpu) const {
  return (mcountinhibit_ & kInstretBit) != 0 ? instretFrozen_ : cpu.instret + instretOffset_;
}

void CsrFile::writeMcountinhibit(const CpuState &cpu, uint64_t value) {
  uint64_t next = value & kCountInhibitWritable;
  uint64_t changed = next ^ mcountinhibit_;
  if ((changed & kCycleBit) != 0) {
    if ((next & kCycleBit) != 0)
      cycleFrozen_ = cpu.instret + cycleOffset_;
    else
      cycleOffset_ = cycleFrozen_ - cpu.instret;
  }
  if ((changed & kInstretBit) != 0) {
    if ((next & kInstretBit) != 0)
      instretFrozen_ = cpu.instret + instretOffset_;
    else
      instretOffset_ = instretFrozen_ - cpu.instret;
  }
  mcountinhibit_ = next;
}

// ---- mip ----

// SSIP and STIP take the written value. SEIP's software bit is changed
// only where the write differs from what mip read as: csrs/csrc on mip is
// a read-modify-write here (machine/semantics/system.h), and the read ORs
// in the PLIC's line, which must not be latched into the software bit
// (privileged spec 3.1.9 has csrrs/csrrc use the software bit alone; this
// is the closest an environment that sees only the final value can get).
void CsrFile::writeMip(uint64_t value) {
  uint64_t current = mip();
  uint64_t software =
      (softwarePending_ & ~(mip::kSsip | mip::kStip)) | (value & (mip::kSsip | mip::kStip));
  if (((value ^ current) & mip::kSeip) != 0)
    software = (software & ~mip::kSeip) | (value & mip::kSeip);
  softwarePending_ = software & kMipWritable;
}

// ---- PMP ----

// pmpaddr[i] is locked by its own entry, and by entry i+1 when that one is
// a locked TOR range (privileged spec 3.7.1.2).
bool CsrFile::pmpAddressLocked(unsigned entry) const {
  if ((pmpcfg_[entry] & kPmpLock) != 0)
    return true;
  if (entry + 1 < kPmpEntries) {
    uint8_t next = pmpcfg_[entry + 1];
    return (next & kPmpLock) != 0 && (next & kPmpAddressMatch) == kPmpTor;
  }
  return false;
}

// ---- Reads ----

bool CsrFile::read(uint32_t number, const CpuState &cpu, uint64_t &value) const {
  Privilege privilege = cpu.privilege;
  if (static_cast<unsigned>(privilege) < ((number >> 8) & 3))
    return false;
  switch (number) {
  // Unprivileged counters.
  case csr::kCycle:
    if (!counterAccessible(number, privilege))
      return false;
    value = cycleValue(cpu);
    return true;
  case csr::kTime:
    if (!time_ || !counterAccessible(number, privilege))
      return false;
    value = time_();
    return true;
  case csr::kInstret:
    if (!counterAccessible(number, privilege))
      return false;
    value = instretValue(cpu);
    return true;

  // Supervisor.
  case csr::kSstatus: value = mstatus() & mstatus::kSstatusView; return true;
  case csr::kSie: value = mie_ & mideleg_; return true;
  case csr::kStvec: value = stvec_; return true;
  case csr::kScounteren: value = scounteren_; return true;
  case csr::kSenvcfg: value = senvcfg_; return true;
  case csr::kSscratch: value = sscratch_; return true;
  case csr::kSepc: value = sepc_; return true;
  case csr::kScause: value = scause_; return true;
  case csr::kStval: value = stval_; return true;
  case csr::kSip: value = mip() & mideleg_; return true;
  case csr::kSatp:
    if (privilege == Privilege::Supervisor && (mstatus_ & mstatus::kTvm) != 0)
      return false;
    value = satp_;
    return true;

  // Machine information.
  case csr::kMvendorid:
  case csr::kMarchid:
  case csr::kMimpid:
  case csr::kMconfigptr: value = 0; return true;
  case csr::kMhartid: value = hartId_; return true;

  // Machine trap setup and handling.
  case csr::kMstatus: value = mstatus(); return true;
  case csr::kMisa: value = kMisa; return true;
  case csr::kMedeleg: value = medeleg_; return true;
  case csr::kMideleg: value = mideleg_; return true;
  case csr::kMie: value = mie_; return true;
  case csr::kMtvec: value = mtvec_; return true;
  case csr::kMcounteren: value = mcounteren_; return true;
  case csr::kMenvcfg: value = menvcfg_; return true;
  case csr::kMcountinhibit: value = mcountinhibit_; return true;
  case csr::kMscratch: value = mscratch_; return true;
  case csr::kMepc: value = mepc_; return true;
  case csr::kMcause: value = mcause_; return true;
  case csr::kMtval: value = mtval_; return true;
  case csr::kMip: value = mip(); return true;

  // Machine counters.
  case csr::kMcycle: value = cycleValue(cpu); return true;
  case csr::kMinstret: value = instretValue(cpu); return true;
  default: break;
  }
  // hpmcounter3..31: zero, behind the (read-only zero) counter enables.
  if (inRange(number, csr::kHpmcounter3, csr::kHpmcounter31)) {
    if (!counterAccessible(number, privilege))
      return false;
    value = 0;
    return true;
  }
  if (inRange(number, csr::kMhpmcounter3, csr::kMhpmcounter31) ||
      inRange(number, csr::kMhpmevent3, csr::kMhpmevent31)) {
    value = 0;
    return true;
  }
  // pmpcfg: on RV64 only the even-numbered registers exist, 8 entries each.
  if (inRange(number, csr::kPmpcfg0, csr::kPmpcfg15)) {
    unsigned index = number - csr::kPmpcfg0;
    if (index % 2 != 0)
      return false;
    value = 0;
    for (unsigned byte = 0; byte < 8; ++byte)
      value |= static_cast<uint64_t>(pmpcfg_[index * 4 + byte]) << (8 * byte);
    return true;
  }
  if (inRange(number, csr::kPmpaddr0, csr::kPmpaddr63)) {
    value = pmpaddr_[number - csr::kPmpaddr0];
    return true;
  }
  return false;
}

// ---- Writes ----

bool CsrFile::write(uint32_t number, const CpuState &cpu, uint64_t value) {
  Privilege privilege = cpu.privilege;
  if (static_cast<unsigned>(privilege) < ((number >> 8) & 3) || (number >> 10) == 3)
    return false;
  switch (number) {
  case csr::kSstatus:
    mstatus_ = (mstatus_ & ~kSstatusWritable) | (value & kSstatusWritable);
    return true;
  case csr::kSie: mie_ = (mie_ & ~mideleg_) | (value & mideleg_); return true;
  case csr::kStvec:
    // MODE >= 2 is reserved: such a write keeps the old mode (WARL).
    stvec_ = (value & ~uint64_t{3}) | ((value & 3) < 2 ? value & 3 : stvec_ & 3);
    return true;
  case csr::kScounteren: scounteren_ = value & kCounterEnableWritable; return true;
  case csr::kSenvcfg: senvcfg_ = value & kEnvcfgWritable; return true;
  case csr::kSscratch: sscratch_ = value; return true;
  case csr::kSepc: sepc_ = value & ~uint64_t{1}; return true;
  case csr::kScause: scause_ = value; return true;
  case csr::kStval: stval_ = value; return true;
  case csr::kSip:
    // Only SSIP is writable through sip, and only when delegated (4.1.3).
    if ((mideleg_ & mip::kSsip) != 0)
      softwarePending_ = (softwarePending_ & ~mip::kSsip) | (value & mip::kSsip);
    return true;
  case csr::kSatp: {
    if (privilege == Privilege::Supervisor && (mstatus_ & mstatus::kTvm) != 0)
      return false;
    uint64_t mode = satp::mode(value);
    if (mode == satp::kModeBare || mode == satp::kModeSv39 || mode == satp::kModeSv48)
      satp_ = value;
    return true;
  }

  case csr::kMstatus: {
    uint64_t next = (mstatus_ & ~kMstatusWritable) | (value & kMstatusWritable);
    // MPP = 2 (the H extension's encoding) is not a mode here: keep the old one.
    if (((value & mstatus::kMpp) >> mstatus::kMppShift) == 2)
      next = (next & ~mstatus::kMpp) | (mstatus_ & mstatus::kMpp);
    mstatus_ = next;
    return true;
  }
  case csr::kMisa: return true; // read-only WARL: writes are ignored
  case csr::kMedeleg: medeleg_ = value & kDelegableExceptions; return true;
  case csr::kMideleg: mideleg_ = value & kMidelegWritable; return true;
  case csr::kMie: mie_ = value & kMieWritable; return true;
  case csr::kMtvec:
    mtvec_ = (value & ~uint64_t{3}) | ((value & 3) < 2 ? value & 3 : mtvec_ & 3);
    return true;
  case csr::kMcounteren: mcounteren_ = value & kCounterEnableWritable; return true;
  case csr::kMenvcfg: menvcfg_ = value & kEnvcfgWritable; return true;
  case csr::kMcountinhibit: writeMcountinhibit(cpu, value); return true;
  case csr::kMscratch: mscratch_ = value; return true;
  case csr::kMepc: mepc_ = value & ~uint64_t{1}; return true;
  case csr::kMcause: mcause_ = value; return true;
  case csr::kMtval: mtval_ = value; return true;
  case csr::kMip: writeMip(value); return true;

  // A counter write replaces the increment of the writing instruction
  // (privileged spec 2.1, "the write is done instead of the increment"):
  // the next instruction reads the written value.
  case csr::kMcycle:
    if ((mcountinhibit_ & kCycleBit) != 0)
      cycleFrozen_ = value;
    else
      cycleOffset_ = value - (cpu.instret + 1);
    return true;
  case csr::kMinstret:
    if ((mcountinhibit_ & kInstretBit) != 0)
      instretFrozen_ = value;
    else
      instretOffset_ = value - (cpu.instret + 1);
    return true;
  default: break;
  }
  if (inRange(number, csr::kMhpmcounter3, csr::kMhpmcounter31) ||
      inRange(number, csr::kMhpmevent3, csr::kMhpmevent31))
    return true; // read-only zero
  if (inRange(number, csr::kPmpcfg0, csr::kPmpcfg15)) {
    unsigned index = number - csr::kPmpcfg0;
    if (index % 2 != 0)
      return false;
    for (unsigned byte = 0; byte < 8; ++byte) {
      uint8_t &entry = pmpcfg_[index * 4 + byte];
      if ((entry & kPmpLock) != 0)
        continue; // locked until reset
      uint8_t next = static_cast<uint8_t>(value >> (8 * byte)) & kPmpcfgWritable;
      if ((next & kPmpRead) == 0)
        next &= static_cast<uint8_t>(~kPmpWrite); // R=0 W=1 is reserved
      entry = next;
    }
    return true;
  }
  if (inRange(number, csr::kPmpaddr0, csr::kPmpaddr63)) {
    unsigned entry = number - csr::kPmpaddr0;
    if (!pmpAddressLocked(entry))
      pmpaddr_[entry] = value & kPmpaddrMask;
    return true;
  }
  return false;
}

} // namespace tiercel
