// Shared pieces of the system-mode hart tests: a physical map with RAM, ROM
// and a recording MMIO device; a builder of Sv39/Sv48 page tables written
// into that RAM; and a tiny assembler over the fuzz generator's encoders
// (tests/fuzz/rv_encoding.h) for programs the interpreter runs.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "machine/system/csr_file.h"
#include "machine/system/physical_map.h"
#include "machine/system/softmmu.h"
#include "tests/fuzz/rv_encoding.h"

namespace tiercel::system_test {

// A device window that records every access and keeps what is written
// (1-, 2-, 4- and 8-byte accesses, aligned); offsets at or above
// kDecodedBytes are refused, as a device refuses what it does not decode.
class RecordingDevice : public MmioDevice {
public:
  static constexpr uint64_t kWindowSize = 0x1000;
  static constexpr uint64_t kDecodedBytes = 0x100;

  struct Access {
    bool write;
    uint64_t offset;
    unsigned size;
    uint64_t value;
  };

  const char *name() const override { return "recorder"; }
  uint64_t windowSize() const override { return kWindowSize; }
  bool read(uint64_t offset, unsigned size, uint64_t &value) override {
    if (offset + size > kDecodedBytes)
      return false;
    value = 0;
    std::memcpy(&value, bytes + offset, size);
    accesses.push_back({false, offset, size, value});
    return true;
  }
  bool write(uint64_t offset, unsigned size, uint64_t value) override {
    if (offset + size > kDecodedBytes)
      return false;
    std::memcpy(bytes + offset, &value, size);
    accesses.push_back({true, offset, size, value});
    return true;
  }

  uint8_t bytes[kDecodedBytes] = {};
  std::vector<Access> accesses;
};

// RAM at kRamBase, a ROM page at kRomBase and the recorder at kDeviceBase.
struct TestMachine {
  static constexpr uint64_t kRamBase = 0x80000000;
  static constexpr uint64_t kRamSize = 16 << 20;
  static constexpr uint64_t kRomBase = 0x1000;
  static constexpr uint64_t kRomSize = 0x1000;
  static constexpr uint64_t kDeviceBase = 0x10000000;

  TestMachine() {
    ram.reset(new uint64_t[kRamSize / 8]());
    rom.reset(new uint64_t[kRomSize / 8]());
    llvm::cantFail(map.addMemory(PhysicalRegion::Kind::Ram, kRamBase, kRamSize,
                                 reinterpret_cast<uint8_t *>(ram.get()), "ram"));
    llvm::cantFail(map.addMemory(PhysicalRegion::Kind::Rom, kRomBase, kRomSize,
                                 reinterpret_cast<uint8_t *>(rom.get()), "rom"));
    llvm::cantFail(map.addDevice(kDeviceBase, device));
  }

  uint8_t *ramHost(uint64_t paddr) {
    return reinterpret_cast<uint8_t *>(ram.get()) + (paddr - kRamBase);
  }
  uint64_t read64(uint64_t paddr) {
    uint64_t value;
    std::memcpy(&value, ramHost(paddr), 8);
    return value;
  }
  void write64(uint64_t paddr, uint64_t value) { std::memcpy(ramHost(paddr), &value, 8); }
  void write32(uint64_t paddr, uint32_t value) { std::memcpy(ramHost(paddr), &value, 4); }

  std::unique_ptr<uint64_t[]> ram;
  std::unique_ptr<uint64_t[]> rom;
  RecordingDevice device;
  PhysicalMap map;
};

// Page tables in TestMachine's RAM: tables are taken from a pool starting at
// `pool`; map() creates the intermediate levels on the way.
class PageTableBuilder {
public:
  PageTableBuilder(TestMachine &machine, uint64_t pool, unsigned levels)
      : machine_(machine), next_(pool), levels_(levels) {
    root_ = allocate();
  }

  uint64_t root() const { return root_; }
  uint64_t satp() const {
    uint64_t mode = levels_ == 3 ? satp::kModeSv39 : satp::kModeSv48;
    return mode << satp::kModeShift | root_ >> 12;
  }

  // Maps vaddr at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, ...) to paddr
  // with `flags` (pte::k*; V is added). Returns the PTE's physical address.
  uint64_t map(uint64_t vaddr, uint64_t paddr, unsigned level, uint64_t flags) {
    uint64_t table = root_;
    for (unsigned current = levels_ - 1; current > level; --current) {
      uint64_t slot = table + vpn(vaddr, current) * 8;
      uint64_t entry = machine_.read64(slot);
      if ((entry & pte::kValid) == 0) {
        uint64_t child = allocate();
        entry = (child >> 12) << pte::kPpnShift | pte::kValid;
        machine_.write64(slot, entry);
      }
      table = ((entry >> pte::kPpnShift) & pte::kPpnMask) << 12;
    }
    uint64_t slot = table + vpn(vaddr, level) * 8;
    machine_.write64(slot, (paddr >> 12) << pte::kPpnShift | flags | pte::kValid);
    return slot;
  }

  // The physical address of the PTE at `level` on vaddr's walk (the tables
  // above it must exist).
  uint64_t pteAddress(uint64_t vaddr, unsigned level) {
    uint64_t table = root_;
    for (unsigned current = levels_ - 1; current > level; --current) {
      uint64_t entry = machine_.read64(table + vpn(vaddr, current) * 8);
      table = ((entry >> pte::kPpnShift) & pte::kPpnMask) << 12;
    }
    return table + vpn(vaddr, level) * 8;
  }

private:
  static uint64_t vpn(uint64_t vaddr, unsigned level) { return (vaddr >> (12 + 9 * level)) & 511; }
  uint64_t allocate() {
    uint64_t table = next_;
    next_ += 4096;
    std::memset(machine_.ramHost(table), 0, 4096);
    return table;
  }

  TestMachine &machine_;
  uint64_t next_;
  unsigned levels_;
  uint64_t root_;
};

// Writes instruction words into RAM from `address` on.
class Assembler {
public:
  Assembler(TestMachine &machine, uint64_t address) : machine_(machine), pc_(address) {}

  uint64_t pc() const { return pc_; }
  void emit(uint32_t word) {
    machine_.write32(pc_, word);
    pc_ += 4;
  }
  void emit(const fuzz::Insn &insn) { emit(insn.bits); }

  // rd = target (pc-relative: auipc + addi).
  void la(unsigned rd, uint64_t target) {
    for (const fuzz::Insn &insn : fuzz::loadAddress(rd, target, pc_))
      emit(insn);
  }
  // rd = value, for 0 <= value < 2^31 (lui + addi).
  void li(unsigned rd, uint64_t value) {
    for (const fuzz::Insn &insn : fuzz::loadImmediate(rd, value))
      emit(insn);
  }
  void csrw(unsigned csrNumber, unsigned rs1) { emit(fuzz::csr(Opcode::Csrrw, 0, csrNumber, rs1)); }
  void csrr(unsigned rd, unsigned csrNumber) { emit(fuzz::csr(Opcode::Csrrs, rd, csrNumber, 0)); }
  void csrs(unsigned csrNumber, unsigned rs1) { emit(fuzz::csr(Opcode::Csrrs, 0, csrNumber, rs1)); }
  void csrc(unsigned csrNumber, unsigned rs1) { emit(fuzz::csr(Opcode::Csrrc, 0, csrNumber, rs1)); }
  // Branch/jump to an absolute target.
  void branch(Opcode op, unsigned rs1, unsigned rs2, uint64_t target) {
    emit(fuzz::branch(op, rs1, rs2, static_cast<int32_t>(target - pc_)));
  }
  void jump(uint64_t target) { emit(fuzz::jal(0, static_cast<int32_t>(target - pc_))); }

  // The privileged instructions (privileged spec 3.3, 4.2.1), not in the
  // fuzz encoder.
  static constexpr uint32_t kMret = 0x30200073, kSret = 0x10200073, kWfi = 0x10500073;
  static uint32_t sfenceVma(unsigned rs1, unsigned rs2) {
    return 0x12000073 | rs2 << 20 | rs1 << 15;
  }

private:
  TestMachine &machine_;
  uint64_t pc_;
};

// Register numbers used by the programs (ABI names).
namespace reg {
inline constexpr unsigned kZero = 0, kRa = 1, kSp = 2, kT0 = 5, kT1 = 6, kT2 = 7, kS0 = 8, kS1 = 9,
                          kA0 = 10, kA1 = 11, kA2 = 12, kA3 = 13, kS2 = 18, kS3 = 19, kS4 = 20,
                          kS5 = 21, kS6 = 22, kS7 = 23, kS8 = 24, kT3 = 28, kT6 = 31;
}

} // namespace tiercel::system_test
