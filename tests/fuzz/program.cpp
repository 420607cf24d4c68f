// Builds one fuzz program: initial values, prologue, body items, forward
// branch targets, epilogue; then lays the code out, self-checks every word
// against the project's decoder and writes the listing. Layout and register
// conventions are described in program.h.
#include "tests/fuzz/program.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "machine/isa/decoder.h"
#include "machine/isa/disassembler.h"
#include "tests/fuzz/body_generator.h"

namespace tiercel::fuzz {
namespace {

// Independent random streams per part of the program, so that item k of the
// body depends on (seed, k) only.
constexpr uint64_t kStreamValues = 1, kStreamScratch = 2, kStreamTargets = 3, kStreamBody = 4;

// Forward targets are chosen among the next few item boundaries, so that
// branches skip little and most of the body still runs.
constexpr unsigned kMaxSkip = 12;

struct Section {
  std::string name;
  std::vector<Item> items;
};

Item single(Insn insn, std::string note = {}) {
  Item item;
  item.insns.push_back(insn);
  item.note = std::move(note);
  return item;
}

// sp = scratch base, s10 = scratch + 2048, frm = random mode, fflags = 0,
// then every other register from the pool (s11 too: loops set it anyway).
std::vector<Item> buildPrologue(unsigned frm) {
  std::vector<Item> items;
  HiLo sp = splitHiLo(static_cast<int64_t>(layout::kScratchBase));
  items.push_back(single(upper(Opcode::Lui, reg::kSp, sp.hi20), "sp = scratch base"));
  items.push_back(single(intI(Opcode::Addi, reg::kSp, reg::kSp, sp.lo12)));
  items.push_back(single(intI(Opcode::Addi, reg::kS10, reg::kSp, 2047), "s10 = scratch + 2048"));
  items.push_back(single(intI(Opcode::Addi, reg::kS10, reg::kS10, 1)));
  items.push_back(single(intI(Opcode::Addi, reg::kT0, reg::kZero, static_cast<int32_t>(frm)),
                         "fsrm " + std::to_string(frm) + "; fsflags zero"));
  items.push_back(single(csr(Opcode::Csrrw, reg::kZero, kCsrFrm, reg::kT0)));
  items.push_back(single(csr(Opcode::Csrrw, reg::kZero, kCsrFflags, reg::kZero)));
  for (unsigned f = 0; f < 32; ++f)
    items.push_back(single(load(Opcode::Fld, f, reg::kSp, layout::kPoolFromSp + 256 + 8 * f),
                           f == 0 ? "f0..f31 from the pool" : ""));
  for (unsigned x = 1; x < 32; ++x) {
    if (x == reg::kSp || x == reg::kS10)
      continue;
    items.push_back(single(load(Opcode::Ld, x, reg::kSp, layout::kPoolFromSp + 8 * x),
                           x == 1 ? "x registers from the pool" : ""));
  }
  return items;
}

// Dumps x1..x31, f0..f31 and fcsr below the scratch buffer, writes the dump
// and the scratch buffer to stdout and exits with status 0.
std::vector<Item> buildEpilogue() {
  std::vector<Item> items;
  const int32_t dump = layout::kDumpFromSp;
  for (unsigned x = 1; x < 32; ++x)
    items.push_back(single(store(Opcode::Sd, x, reg::kSp, dump + 8 * static_cast<int32_t>(x - 1)),
                           x == 1 ? "dump x1..x31" : ""));
  for (unsigned f = 0; f < 32; ++f)
    items.push_back(
        single(store(Opcode::Fsd, f, reg::kSp, dump + 248 + 8 * static_cast<int32_t>(f)),
               f == 0 ? "dump f0..f31" : ""));
  items.push_back(single(csr(Opcode::Csrrs, reg::kT0, kCsrFcsr, reg::kZero), "dump fcsr"));
  items.push_back(single(store(Opcode::Sd, reg::kT0, reg::kSp, dump + 504)));
  auto syscall = [&](const char *note, std::initializer_list<Insn> setup, int32_t number) {
    bool first = true;
    for (const Insn &insn : setup) {
      items.push_back(single(insn, first ? note : ""));
      first = false;
    }
    items.push_back(single(intI(Opcode::Addi, reg::kA7, reg::kZero, number)));
    items.push_back(single(ecall()));
  };
  syscall("write(1, dump, 512)",
          {intI(Opcode::Addi, reg::kA0, reg::kZero, 1),
           intI(Opcode::Addi, reg::kA1, reg::kSp, dump),
           intI(Opcode::Addi, reg::kA2, reg::kZero, static_cast<int32_t>(layout::kDumpSize))},
          64);
  syscall("write(1, scratch, 4096)",
          {intI(Opcode::Addi, reg::kA0, reg::kZero, 1), intI(Opcode::Addi, reg::kA1, reg::kSp, 0),
           upper(Opcode::Lui, reg::kA2, static_cast<uint32_t>(layout::kScratchSize >> 12))},
          64);
  syscall("exit_group(0)", {intI(Opcode::Addi, reg::kA0, reg::kZero, 0)}, 94);
  return items;
}

[[noreturn]] void fixupFailure(const char *what, size_t item) {
  std::fprintf(stderr, "tiercel-fuzz-gen: internal error: %s (body item %zu)\n", what, item);
  std::abort();
}

// Picks each forward target among the next kMaxSkip boundaries that the
// instruction can reach and re-encodes the placeholder. `boundary[k]` is
// the address of body item k; boundary[items.size()] is the epilogue.
void resolveFixups(uint64_t seed, std::vector<Item> &items, const std::vector<uint64_t> &boundary) {
  for (size_t i = 0; i < items.size(); ++i) {
    Item &item = items[i];
    if (item.fixup.kind == FixupKind::None)
      continue;
    const Fixup &fx = item.fixup;
    uint64_t from = boundary[i];
    for (unsigned k = 0; k < fx.index; ++k)
      from += item.insns[k].length;
    int64_t reach = 0;
    switch (fx.kind) {
    case FixupKind::Branch: reach = 4094; break;
    case FixupKind::CompressedBranch: reach = 254; break;
    case FixupKind::Jal: reach = (1 << 20) - 2; break;
    case FixupKind::CompressedJ: reach = 2046; break;
    default: reach = 1ll << 30; break;
    }
    std::vector<int64_t> offsets;
    for (size_t j = i + 1; j <= items.size() && j <= i + kMaxSkip; ++j) {
      int64_t offset = static_cast<int64_t>(boundary[j] - from);
      if (offset <= reach)
        offsets.push_back(offset);
    }
    if (offsets.empty())
      fixupFailure("no reachable forward target", i);
    Rng rng(mixSeed(mixSeed(seed, kStreamTargets), i));
    int64_t offset = offsets[rng.below(offsets.size())];
    int32_t off32 = static_cast<int32_t>(offset);
    // jalr clears bit 0 of its target (ISA spec 2.5.1): an odd address must
    // land on the even one.
    int64_t indirect = offset + (rng.chance(25) ? 1 : 0);
    std::vector<Insn> &insns = item.insns;
    switch (fx.kind) {
    case FixupKind::Branch: insns[fx.index] = branch(fx.op, fx.rs1, fx.rs2, off32); break;
    case FixupKind::CompressedBranch: insns[fx.index] = cBranch(fx.op, fx.rs1, off32); break;
    case FixupKind::Jal: insns[fx.index] = jal(fx.rd, off32); break;
    case FixupKind::CompressedJ: insns[fx.index] = cJ(off32); break;
    case FixupKind::AuipcJalr: {
      HiLo parts = splitHiLo(indirect);
      insns[fx.index] = upper(Opcode::Auipc, fx.rs1, parts.hi20);
      insns[fx.index + 1] = jalr(fx.rd, fx.rs1, parts.lo12);
      break;
    }
    case FixupKind::AuipcAddiJr: {
      HiLo parts = splitHiLo(indirect);
      insns[fx.index] = upper(Opcode::Auipc, fx.rs1, parts.hi20);
      insns[fx.index + 1] = intI(Opcode::Addi, fx.rs1, fx.rs1, parts.lo12);
      insns[fx.index + 2] = fx.rd == reg::kRa ? cJalr(fx.rs1) : cJr(fx.rs1);
      break;
    }
    case FixupKind::None: break;
    }
    item.note += " -> +" + std::to_string(offset);
  }
}

void appendLine(std::string &out, const char *format, ...) __attribute__((format(printf, 2, 3)));
void appendLine(std::string &out, const char *format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  out += buffer;
}

} // namespace

GeneratedProgram generateProgram(uint64_t seed, unsigned length, const OpcodeSet &excluded) {
  GeneratedProgram program;
  ExclusionScope exclusion(excluded);

  // Data: the value pool, an empty dump area, the scratch buffer.
  program.data.assign(layout::kDataSize, 0);
  Rng values(mixSeed(seed, kStreamValues));
  for (unsigned i = 0; i < 32; ++i) {
    uint64_t x = interestingInteger(values);
    uint64_t f = interestingFloatBits(values);
    std::memcpy(&program.data[layout::kPoolOffset + 8 * i], &x, 8);
    std::memcpy(&program.data[layout::kPoolOffset + 256 + 8 * i], &f, 8);
  }
  unsigned frm = static_cast<unsigned>(values.below(5));
  Rng scratch(mixSeed(seed, kStreamScratch));
  fillScratch(scratch, &program.data[layout::kScratchOffset], layout::kScratchSize);

  // Code.
  Section sections[3];
  sections[0] = {"prologue", buildPrologue(frm)};
  sections[1].name = "body";
  for (unsigned count = 0; count < length;) {
    Rng rng(mixSeed(mixSeed(seed, kStreamBody), sections[1].items.size()));
    sections[1].items.push_back(generateItem(rng, true));
    count += static_cast<unsigned>(sections[1].items.back().insns.size());
  }
  sections[2] = {"epilogue", buildEpilogue()};

  uint64_t bodyStart = layout::kCodeStart;
  for (const Item &item : sections[0].items)
    bodyStart += item.size();
  std::vector<uint64_t> boundary{bodyStart};
  for (const Item &item : sections[1].items)
    boundary.push_back(boundary.back() + item.size());
  resolveFixups(seed, sections[1].items, boundary);
  program.itemAddresses.assign(boundary.begin(), boundary.end() - 1);
  program.bodyEnd = boundary.back();

  // Emit, self-check and list.
  uint64_t pc = layout::kCodeStart;
  DisassemblyOptions numeric{false, true};
  appendLine(program.listing, "# tiercel-fuzz-gen --seed %llu --length %u\n",
             static_cast<unsigned long long>(seed), length);
  for (const Section &section : sections) {
    appendLine(program.listing, "# ---- %s ----\n", section.name.c_str());
    for (size_t i = 0; i < section.items.size(); ++i) {
      const Item &item = section.items[i];
      if (&section == &sections[1])
        appendLine(program.listing, "# [%zu] %s\n", i, item.note.c_str());
      else if (!item.note.empty())
        appendLine(program.listing, "# %s\n", item.note.c_str());
      for (const Insn &insn : item.insns) {
        selfCheck(insn, pc);
        for (unsigned b = 0; b < insn.length; ++b)
          program.code.push_back(static_cast<uint8_t>(insn.bits >> (8 * b)));
        program.listing += formatInstructionLine(decode(insn.bits, pc), numeric);
        program.listing += '\n';
        if (&section == &sections[1])
          ++program.bodyInstructions;
        pc += insn.length;
      }
    }
  }
  if (program.code.size() > layout::kMaxCodeBytes) {
    std::fprintf(stderr, "tiercel-fuzz-gen: --length %u makes the code too large\n", length);
    std::exit(1);
  }
  return program;
}

} // namespace tiercel::fuzz
