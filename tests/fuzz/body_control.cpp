// Control-flow categories of the fuzz body and the category mix.
//
// Forward transfers (conditional branches, jal, c.j, c.beqz/c.bnez, and
// jalr / c.jr / c.jalr through an auipc-computed address) get their target
// after layout (program.cpp resolveFixups): always a later item boundary or
// the epilogue, so every program terminates. Backward control flow exists
// only as a counted loop on the reserved counter s11 (1..5 iterations, now
// and then a hot one of up to 2001), so loop-back branches are taken and not
// taken.
#include "tests/fuzz/body_generator.h"

#include <cstdio>
#include <cstdlib>

namespace tiercel::fuzz {
namespace {

void addBranch(Rng &rng, Item &item) {
  Opcode op =
      rng.pick({Opcode::Beq, Opcode::Bne, Opcode::Blt, Opcode::Bge, Opcode::Bltu, Opcode::Bgeu});
  unsigned rs1 = srcX(rng);
  unsigned rs2 = rng.chance(10) ? rs1 : srcX(rng);
  item.insns.push_back(branch(op, rs1, rs2, 0));
  item.fixup = Fixup{FixupKind::Branch, 0, op, 0, rs1, rs2};
  item.note = "forward branch";
}

void addCompressedBranch(Rng &rng, Item &item) {
  Opcode op = rng.chance(50) ? Opcode::Beq : Opcode::Bne;
  unsigned rs1 = primeX(rng);
  item.insns.push_back(cBranch(op, rs1, 0));
  item.fixup = Fixup{FixupKind::CompressedBranch, 0, op, 0, rs1, 0};
  item.note = "forward c.beqz/c.bnez";
}

void addJal(Rng &rng, Item &item) {
  unsigned rd = rng.pick({reg::kZero, reg::kRa, destXNonZero(rng)});
  item.insns.push_back(jal(rd, 0));
  item.fixup = Fixup{FixupKind::Jal, 0, Opcode::Jal, rd, 0, 0};
  item.note = "forward jal";
}

void addCompressedJ(Rng &, Item &item) {
  item.insns.push_back(cJ(0));
  item.fixup = Fixup{FixupKind::CompressedJ, 0, Opcode::Jal, 0, 0, 0};
  item.note = "forward c.j";
}

void addIndirectJump(Rng &rng, Item &item) {
  unsigned temp = destXNonZero(rng);
  item.insns.push_back(upper(Opcode::Auipc, temp, 0));
  if (rng.chance(50)) {
    unsigned rd = destX(rng); // may equal temp: jalr reads rs1 before writing rd
    item.insns.push_back(jalr(rd, temp, 0));
    item.fixup = Fixup{FixupKind::AuipcJalr, 0, Opcode::Jalr, rd, temp, 0};
    item.note = "forward auipc + jalr";
  } else {
    bool link = rng.chance(50);
    item.insns.push_back(intI(Opcode::Addi, temp, temp, 0));
    item.insns.push_back(link ? cJalr(temp) : cJr(temp));
    item.fixup =
        Fixup{FixupKind::AuipcAddiJr, 0, Opcode::Jalr, link ? reg::kRa : reg::kZero, temp, 0};
    item.note = link ? "forward auipc + addi + c.jalr" : "forward auipc + addi + c.jr";
  }
}

// counter = n; L: body; counter -= 1; branch back to L while the condition
// holds. `bge s11, x0` runs one extra iteration (it exits at -1). One loop
// in twenty is hot (hundreds of iterations) so that tiers which count
// executions and optimize hot code get to do it.
void addLoop(Rng &rng, Item &item) {
  bool hot = rng.chance(5);
  int32_t iterations = static_cast<int32_t>(hot ? rng.between(100, 2000) : rng.between(1, 4));
  if (!hot && rng.chance(50))
    item.insns.push_back(cLi(reg::kS11, iterations));
  else
    item.insns.push_back(intI(Opcode::Addi, reg::kS11, reg::kZero, iterations));
  uint64_t bodyStart = item.size();
  Rng bodyRng = rng.fork();
  for (int64_t n = rng.between(1, 5); n > 0; --n) {
    Item inner = generateItem(bodyRng, false);
    item.insns.insert(item.insns.end(), inner.insns.begin(), inner.insns.end());
  }
  if (rng.chance(50))
    item.insns.push_back(cAddi(reg::kS11, -1));
  else
    item.insns.push_back(intI(Opcode::Addi, reg::kS11, reg::kS11, -1));
  int32_t back = -static_cast<int32_t>(item.size() - bodyStart);
  switch (rng.below(4)) {
  case 0: item.insns.push_back(branch(Opcode::Bne, reg::kS11, reg::kZero, back)); break;
  case 1: item.insns.push_back(branch(Opcode::Blt, reg::kZero, reg::kS11, back)); break;
  case 2: item.insns.push_back(branch(Opcode::Bltu, reg::kZero, reg::kS11, back)); break;
  default: item.insns.push_back(branch(Opcode::Bge, reg::kS11, reg::kZero, back)); break;
  }
  item.note = std::string(hot ? "hot" : "counted") + " loop (" + std::to_string(iterations) + ")";
}

void addFence(Rng &rng, Item &item) {
  switch (rng.below(3)) {
  case 0: {
    unsigned pred = 1 + static_cast<unsigned>(rng.below(15));
    item.insns.push_back(fence(0, pred, 1 + static_cast<unsigned>(rng.below(15))));
    break;
  }
  case 1: item.insns.push_back(fence(8, 3, 3)); break; // fence.tso
  default: item.insns.push_back(fenceI()); break;
  }
}

struct Category {
  unsigned weight;
  void (*generate)(Rng &, Item &);
  bool control;
};

constexpr Category kCategories[] = {
    {28, addIntegerRegister, false},
    {24, addIntegerImmediate, false},
    {18, addCompressedAlu, false},
    {18, addLoadStore, false},
    {10, addCompressedMemory, false},
    {8, addAtomic, false},
    {6, addPoolReload, false},
    {22, addFpArithmetic, false},
    {22, addFpOther, false},
    {6, addFpCsr, false},
    {2, addFence, false},
    {12, addBranch, true},
    {4, addCompressedBranch, true},
    {3, addJal, true},
    {2, addCompressedJ, true},
    {3, addIndirectJump, true},
    {5, addLoop, true},
};

const OpcodeSet *excluded = nullptr; // set by ExclusionScope

bool holdsExcluded(const Item &item) {
  if (!excluded)
    return false;
  for (const Insn &insn : item.insns)
    if (excluded->test(static_cast<size_t>(insn.expect.opcode)))
      return true;
  return false;
}

Item drawItem(Rng &rng, bool allowControl) {
  unsigned total = 0;
  for (const Category &c : kCategories)
    if (allowControl || !c.control)
      total += c.weight;
  uint64_t roll = rng.below(total);
  for (const Category &c : kCategories) {
    if (!allowControl && c.control)
      continue;
    if (roll < c.weight) {
      Item item;
      c.generate(rng, item);
      return item;
    }
    roll -= c.weight;
  }
  __builtin_unreachable();
}

} // namespace

ExclusionScope::ExclusionScope(const OpcodeSet &set) : previous(excluded) { excluded = &set; }
ExclusionScope::~ExclusionScope() { excluded = previous; }

Item generateItem(Rng &rng, bool allowControl) {
  for (unsigned attempt = 0; attempt < 10000; ++attempt) {
    Item item = drawItem(rng, allowControl);
    if (!holdsExcluded(item))
      return item;
  }
  std::fprintf(stderr, "tiercel-fuzz-gen: the --exclude list leaves no instruction mix to draw\n");
  std::exit(1);
}

} // namespace tiercel::fuzz
