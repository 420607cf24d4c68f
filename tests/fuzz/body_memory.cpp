// Memory categories of the fuzz body: loads and stores of every width,
// integer and FP, 32-bit and compressed, aligned and misaligned (user-mode
// Linux allows misaligned scalar accesses), AMOs and LR/SC on aligned
// addresses (ISA spec 8.4: misaligned AMOs may trap), and reloads of
// special values from the pool.
//
// Every access lands in the scratch buffer [0, 4096) or reads the pool.
// Addresses are expressed as offsets into the scratch buffer ("a" below);
// s10 holds scratch + 2048 and sp holds scratch + 0.
#include "tests/fuzz/body_generator.h"

#include <algorithm>

namespace tiercel::fuzz {
namespace {

constexpr int32_t kS10Offset = 2048; // s10 - scratch base
constexpr uint32_t kScratch = static_cast<uint32_t>(layout::kScratchSize);

unsigned widthOf(Opcode op) {
  switch (op) {
  case Opcode::Lb:
  case Opcode::Lbu:
  case Opcode::Sb: return 1;
  case Opcode::Lh:
  case Opcode::Lhu:
  case Opcode::Sh: return 2;
  case Opcode::Lw:
  case Opcode::Lwu:
  case Opcode::Sw:
  case Opcode::Flw:
  case Opcode::Fsw: return 4;
  default: return 8;
  }
}

bool isStore(Opcode op) {
  return op == Opcode::Sb || op == Opcode::Sh || op == Opcode::Sw || op == Opcode::Sd ||
         op == Opcode::Fsw || op == Opcode::Fsd;
}

bool isFloat(Opcode op) {
  return op == Opcode::Flw || op == Opcode::Fld || op == Opcode::Fsw || op == Opcode::Fsd;
}

// A scratch offset for a `width`-byte access. Accesses cluster in two hot
// windows (around s10 and at the bottom, where the sp-relative compressed
// forms reach) so that loads often read what earlier stores wrote.
uint32_t scratchOffset(Rng &rng, unsigned width, bool mayMisalign) {
  uint32_t a;
  switch (rng.below(10)) {
  case 0:
  case 1:
  case 2:
  case 3: a = 2048 - 128 + static_cast<uint32_t>(rng.below(256)); break;
  case 4:
  case 5:
  case 6: a = static_cast<uint32_t>(rng.below(512)); break;
  default: a = static_cast<uint32_t>(rng.below(kScratch)); break;
  }
  a = std::min(a, kScratch - width);
  if (!mayMisalign || rng.chance(60))
    a &= ~(width - 1);
  return a;
}

// The data register of a load/store: integer destinations never reserved,
// sources anything.
unsigned dataRegister(Rng &rng, Opcode op) {
  if (isFloat(op))
    return fpReg(rng);
  return isStore(op) ? srcX(rng) : destX(rng);
}

Insn access(Opcode op, unsigned data, unsigned base, int32_t offset) {
  return isStore(op) ? store(op, data, base, offset) : load(op, data, base, offset);
}

} // namespace

void addLoadStore(Rng &rng, Item &item) {
  static constexpr Opcode kOps[] = {Opcode::Lb,  Opcode::Lh,  Opcode::Lw,  Opcode::Ld,
                                    Opcode::Lbu, Opcode::Lhu, Opcode::Lwu, Opcode::Sb,
                                    Opcode::Sh,  Opcode::Sw,  Opcode::Sd,  Opcode::Flw,
                                    Opcode::Fld, Opcode::Fsw, Opcode::Fsd};
  Opcode op = rng.pick(kOps);
  unsigned width = widthOf(op);
  int32_t a = static_cast<int32_t>(scratchOffset(rng, width, true));
  unsigned data = dataRegister(rng, op);
  switch (rng.below(10)) {
  case 0:
  case 1: {
    // A temporary base: addi rb, s10, k; op data, o(rb).
    unsigned base = destXNonZero(rng);
    int32_t o = static_cast<int32_t>(rng.between(std::max(-2048, a - 4095), std::min(2047, a)));
    item.insns.push_back(intI(Opcode::Addi, base, reg::kS10, a - kS10Offset - o));
    item.insns.push_back(access(op, data, base, o));
    item.note = "temp base + access";
    break;
  }
  case 2: {
    // A temporary base from sp: c.addi4spn rb', sp, k; op data, o(rb').
    unsigned base = primeX(rng);
    int32_t k = 4 * static_cast<int32_t>(rng.between(1, 255));
    int32_t o = std::clamp(a - k, -2048, 2047);
    item.insns.push_back(cAddi4spn(base, static_cast<unsigned>(k)));
    item.insns.push_back(access(op, data, base, o));
    item.note = "c.addi4spn base + access";
    break;
  }
  default: item.insns.push_back(access(op, data, reg::kS10, a - kS10Offset)); break;
  }
}

void addCompressedMemory(Rng &rng, Item &item) {
  if (rng.chance(50)) {
    // sp-relative: c.lwsp/ldsp/fldsp/swsp/sdsp/fsdsp, optionally inside a
    // balanced c.addi16sp pair (sp is reserved, so it must come back).
    Opcode op =
        rng.pick({Opcode::Lw, Opcode::Ld, Opcode::Fld, Opcode::Sw, Opcode::Sd, Opcode::Fsd});
    unsigned width = op == Opcode::Lw || op == Opcode::Sw ? 4 : 8;
    unsigned maxOffset = width == 4 ? 252 : 504;
    unsigned offset = width * static_cast<unsigned>(rng.below(maxOffset / width + 1));
    unsigned reg;
    if (isStore(op))
      reg = op == Opcode::Fsd ? fpReg(rng) : srcX(rng);
    else
      reg = op == Opcode::Fld ? fpReg(rng) : destXNonZero(rng); // rd = 0 is reserved
    int32_t adjust = rng.chance(25) ? 16 * static_cast<int32_t>(rng.between(1, 31)) : 0;
    if (adjust)
      item.insns.push_back(cAddi16sp(adjust));
    item.insns.push_back(cSpLoadStore(op, reg, offset));
    if (adjust)
      item.insns.push_back(cAddi16sp(-adjust));
    item.note = adjust ? "c.addi16sp pair around sp access" : "sp access";
    return;
  }
  // Register-based: set a base in x8..x15, then c.lw/ld/fld/sw/sd/fsd.
  Opcode op = rng.pick({Opcode::Lw, Opcode::Ld, Opcode::Fld, Opcode::Sw, Opcode::Sd, Opcode::Fsd});
  unsigned width = op == Opcode::Lw || op == Opcode::Sw ? 4 : 8;
  unsigned maxOffset = width == 4 ? 124 : 248;
  unsigned base = primeX(rng);
  unsigned data = op == Opcode::Fld || op == Opcode::Fsd ? primeF(rng) : primeX(rng);
  if (rng.chance(30)) {
    unsigned k = 4 * static_cast<unsigned>(rng.between(1, 255));
    unsigned offset = width * static_cast<unsigned>(rng.below(maxOffset / width + 1));
    item.insns.push_back(cAddi4spn(base, k));
    item.insns.push_back(cLoadStore(op, data, base, offset));
  } else {
    int32_t a = static_cast<int32_t>(scratchOffset(rng, width, true));
    unsigned offsetLimit = std::min<unsigned>(maxOffset, static_cast<unsigned>(a));
    unsigned offset = width * static_cast<unsigned>(rng.below(offsetLimit / width + 1));
    item.insns.push_back(intI(Opcode::Addi, base, reg::kS10, a - kS10Offset - int32_t(offset)));
    item.insns.push_back(cLoadStore(op, data, base, offset));
  }
  item.note = "base' + compressed access";
}

void addAtomic(Rng &rng, Item &item) {
  static constexpr Opcode kAmoW[] = {Opcode::AmoswapW, Opcode::AmoaddW,  Opcode::AmoxorW,
                                     Opcode::AmoandW,  Opcode::AmoorW,   Opcode::AmominW,
                                     Opcode::AmomaxW,  Opcode::AmominuW, Opcode::AmomaxuW};
  static constexpr Opcode kAmoD[] = {Opcode::AmoswapD, Opcode::AmoaddD,  Opcode::AmoxorD,
                                     Opcode::AmoandD,  Opcode::AmoorD,   Opcode::AmominD,
                                     Opcode::AmomaxD,  Opcode::AmominuD, Opcode::AmomaxuD};
  bool doubleWord = rng.chance(50);
  unsigned width = doubleWord ? 8 : 4;
  int32_t a = static_cast<int32_t>(scratchOffset(rng, width, false));
  unsigned aqrl = static_cast<unsigned>(rng.below(4));
  // The address register: s10 itself (offset 2048), or a temporary.
  unsigned base = reg::kS10;
  if (a != kS10Offset || rng.chance(50)) {
    base = destXNonZero(rng);
    item.insns.push_back(intI(Opcode::Addi, base, reg::kS10, a - kS10Offset));
  }
  uint64_t kind = rng.below(100);
  if (kind < 60) {
    Opcode op = doubleWord ? rng.pick(kAmoD) : rng.pick(kAmoW);
    unsigned rd = destX(rng);
    item.insns.push_back(amo(op, rd, base, srcX(rng), aqrl));
    item.note = "AMO";
  } else if (kind < 92) {
    // LR; a few register-only instructions (a constrained LR/SC sequence,
    // ISA spec 8.3, so the SC succeeds everywhere); SC to the same address.
    unsigned loaded = destX(rng);
    while (loaded == base)
      loaded = destX(rng);
    item.insns.push_back(loadReserved(doubleWord ? Opcode::LrD : Opcode::LrW, loaded, base, aqrl));
    for (uint64_t n = rng.below(3); n > 0; --n) {
      unsigned rd = destX(rng);
      while (rd == base)
        rd = destX(rng);
      unsigned rs1 = srcX(rng);
      if (rng.chance(50)) {
        Opcode op = rng.pick({Opcode::Add, Opcode::Xor, Opcode::Sub, Opcode::And});
        item.insns.push_back(intR(op, rd, rs1, srcX(rng)));
      } else {
        item.insns.push_back(intI(Opcode::Addi, rd, rs1, imm12(rng)));
      }
    }
    unsigned status = destX(rng);
    unsigned value = srcX(rng);
    item.insns.push_back(amo(doubleWord ? Opcode::ScD : Opcode::ScW, status, base, value,
                             static_cast<unsigned>(rng.below(4))));
    item.note = "LR/SC pair";
  } else {
    // An SC with no reservation must fail, write 1 to rd and leave memory
    // alone (ISA spec 8.2: every SC, and nothing else, consumes the
    // reservation; no LR is pending at an item boundary).
    unsigned status = destX(rng);
    item.insns.push_back(
        amo(doubleWord ? Opcode::ScD : Opcode::ScW, status, base, srcX(rng), aqrl));
    item.note = "SC without reservation";
  }
}

void addPoolReload(Rng &rng, Item &item) {
  unsigned slot = static_cast<unsigned>(rng.below(32));
  switch (rng.below(3)) {
  case 0:
    item.insns.push_back(load(Opcode::Ld, destX(rng), reg::kSp, layout::kPoolFromSp + 8 * slot));
    break;
  case 1:
    item.insns.push_back(
        load(Opcode::Fld, fpReg(rng), reg::kSp, layout::kPoolFromSp + 256 + 8 * slot));
    break;
  default: {
    // flw NaN-boxes the low half of a pool double or integer.
    unsigned rd = fpReg(rng);
    item.insns.push_back(load(Opcode::Flw, rd, reg::kSp,
                              layout::kPoolFromSp + 8 * static_cast<int32_t>(rng.below(64))));
    break;
  }
  }
  item.note = "pool reload";
}

} // namespace tiercel::fuzz
