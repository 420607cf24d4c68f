// The shape of one generated fuzz program: its fixed memory layout, the
// body "items" it is built from, and the entry point that turns a seed and
// a length into the bytes of an executable plus a listing.
//
// Memory layout (static, non-PIE, identical in every emulator):
//
//   kTextBase   ELF header and program headers, then at kCodeStart:
//               prologue | body items | epilogue
//   kDataBase   +0     value pool: 32 integer values, then 32 FP values
//                      (the prologue loads every register from here)
//               +1024  dump area, written by the epilogue (kDumpSize bytes):
//                      x1..x31, f0..f31, fcsr (zero-extended), 8 bytes each
//               +2048  scratch buffer, kScratchSize bytes, random contents
//
// Reserved registers (random instructions never write them):
//   sp  (x2)  = scratch base, for the c.*sp loads/stores and the epilogue
//   s10 (x26) = scratch base + 2048, the base of every 12-bit-offset access
//   s11 (x27) = counter of the bounded backward loops
// They may be read as sources; their values are the same everywhere.
//
// The program writes the dump area and then the scratch buffer to stdout
// (two write(1, ...) calls) and ends with exit_group(0). run_fuzz.py decodes
// that output; keep its layout constants in step with these.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/fuzz/rng.h"
#include "tests/fuzz/rv_encoding.h"

namespace tiercel::fuzz {

namespace layout {
inline constexpr uint64_t kTextBase = 0x10000;
inline constexpr uint64_t kCodeStart = kTextBase + 0x100; // entry point
inline constexpr uint64_t kDataBase = 0x1000000;
inline constexpr uint64_t kPoolOffset = 0;
inline constexpr uint64_t kPoolSize = 512; // 32 x values, 32 f values
inline constexpr uint64_t kDumpOffset = 1024;
inline constexpr uint64_t kDumpSize = 31 * 8 + 32 * 8 + 8; // x1..x31, f0..f31, fcsr
inline constexpr uint64_t kScratchOffset = 2048;
inline constexpr uint64_t kScratchSize = 4096;
inline constexpr uint64_t kDataSize = kScratchOffset + kScratchSize;
inline constexpr uint64_t kScratchBase = kDataBase + kScratchOffset; // sp
inline constexpr uint64_t kScratchMiddle = kScratchBase + 2048;      // s10
// Offsets of the pool and the dump as seen from sp (negative, within 12 bits).
inline constexpr int32_t kPoolFromSp = -static_cast<int32_t>(kScratchOffset - kPoolOffset);
inline constexpr int32_t kDumpFromSp = -static_cast<int32_t>(kScratchOffset - kDumpOffset);
// The code must end below the data segment.
inline constexpr uint64_t kMaxCodeBytes = kDataBase - kCodeStart - 0x1000;
} // namespace layout

// Forward control transfers whose target is chosen after layout: the item
// holds a placeholder that resolveFixups() re-encodes.
enum class FixupKind : uint8_t {
  None,
  Branch,           // b<cond> rs1, rs2, target
  CompressedBranch, // c.beqz / c.bnez rs1', target
  Jal,              // jal rd, target
  CompressedJ,      // c.j target
  AuipcJalr,        // auipc rs1, hi; jalr rd, lo(rs1)
  AuipcAddiJr,      // auipc rs1, hi; addi rs1, rs1, lo; c.jr rs1 (c.jalr when rd = ra)
};

struct Fixup {
  FixupKind kind = FixupKind::None;
  unsigned index = 0;          // first instruction of the item that is patched
  Opcode op = Opcode::Illegal; // condition of Branch / CompressedBranch
  unsigned rd = 0, rs1 = 0, rs2 = 0;
};

// One unit of the body: a single instruction or a group that must run as a
// whole (address setup + access, LR ... SC, a counted loop). Branch targets
// are always item boundaries, so no branch lands inside a group.
struct Item {
  std::vector<Insn> insns;
  std::string note; // what the item is, for the listing
  Fixup fixup;

  uint64_t size() const {
    uint64_t bytes = 0;
    for (const Insn &insn : insns)
      bytes += insn.length;
    return bytes;
  }
};

struct GeneratedProgram {
  std::vector<uint8_t> code; // loaded at layout::kCodeStart
  std::vector<uint8_t> data; // loaded at layout::kDataBase, layout::kDataSize bytes
  std::string listing;       // one line per instruction, items annotated
  unsigned bodyInstructions = 0;
  std::vector<uint64_t> itemAddresses; // address of each body item
  uint64_t bodyEnd = 0;                // address of the epilogue
};

using OpcodeSet = std::bitset<kOpcodeCount>;

// Builds the program for (seed, length). The body holds at least `length`
// instructions. Item k of the body depends only on (seed, k), so a shorter
// length yields a prefix of the same body (run_fuzz.py --minimize uses it).
// Items that would hold an `excluded` opcode are drawn again from their own
// stream, so excluding changes those items only, and the offsets of the
// branches that jump over them (tiercel-fuzz-gen
// --exclude, used to step around a known bug of a reference emulator).
GeneratedProgram generateProgram(uint64_t seed, unsigned length, const OpcodeSet &excluded = {});

// Writes `program` as a static riscv64 ELF64 executable (elf_writer.cpp).
std::vector<uint8_t> buildElf(const GeneratedProgram &program);

} // namespace tiercel::fuzz
