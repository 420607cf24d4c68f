// Register and memory values for the fuzz programs. Uniformly random bits
// almost never hit the corners where implementations differ, so the pool
// favours them: integer extremes, FP zeros, infinities, quiet and signalling
// NaNs, subnormals, values next to the integer conversion limits, halves for
// the rounding modes, NaN-boxed singles and singles that are not NaN-boxed
// (ISA spec 12.2: those read as the canonical NaN).
#include "tests/fuzz/body_generator.h"

#include <cstring>

namespace tiercel::fuzz {
namespace {

constexpr uint64_t kBox = 0xffffffff00000000ull; // NaN-boxing of a single (ISA spec 12.2)

constexpr uint64_t kIntegerSpecials[] = {
    0,
    1,
    ~0ull,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0x000000007fffffffull,
    0x0000000080000000ull,
    0x00000000ffffffffull,
    0xffffffff80000000ull,
    0xffffffff7fffffffull,
    0x0000000100000000ull,
    0x8000000000000001ull,
    0x00000000000000ffull,
    0x000000000000ff80ull,
    0xffffffffffff8000ull,
    0x0101010101010101ull,
    0x8080808080808080ull,
    0x3ff0000000000000ull, // 1.0 as a double
    0xffffffff3f800000ull, // 1.0f NaN-boxed
};

// Doubles (ISA spec 12, IEEE 754 binary64 bit patterns).
constexpr uint64_t kDoubleSpecials[] = {
    0x0000000000000000ull, // +0
    0x8000000000000000ull, // -0
    0x7ff0000000000000ull, // +inf
    0xfff0000000000000ull, // -inf
    0x7ff8000000000000ull, // canonical qNaN
    0xfff8000000000001ull, // negative qNaN with payload
    0x7ff0000000000001ull, // sNaN
    0x7ff4000000000000ull, // sNaN
    0x0000000000000001ull, // smallest subnormal
    0x000fffffffffffffull, // largest subnormal
    0x8000000000000001ull, // negative subnormal
    0x0010000000000000ull, // smallest normal
    0x7fefffffffffffffull, // largest finite
    0xffefffffffffffffull, // most negative finite
    0x3ff0000000000000ull, // 1.0
    0xbff0000000000000ull, // -1.0
    0x3fe0000000000000ull, // 0.5
    0xbfe0000000000000ull, // -0.5
    0x3ff8000000000000ull, // 1.5
    0x4004000000000000ull, // 2.5
    0xc004000000000000ull, // -2.5
    0x41dfffffffc00000ull, // 2^31 - 1
    0x41e0000000000000ull, // 2^31
    0xc1e0000000000000ull, // -2^31
    0xc1e0000000200000ull, // -2^31 - 1
    0x41efffffffe00000ull, // 2^32 - 1
    0x41f0000000000000ull, // 2^32
    0x43e0000000000000ull, // 2^63
    0xc3e0000000000000ull, // -2^63
    0x43f0000000000000ull, // 2^64
    0x43dfffffffffffffull, // largest double below 2^63
    0x36a0000000000000ull, // 2^-149: rounds to the smallest single subnormal
    0x47efffffe0000000ull, // FLT_MAX as a double
    0x47effffff0000000ull, // just above FLT_MAX: overflows to single or not by mode
};

// Singles (binary32 bit patterns), NaN-boxed when they are used.
constexpr uint32_t kSingleSpecials[] = {
    0x00000000, // +0
    0x80000000, // -0
    0x7f800000, // +inf
    0xff800000, // -inf
    0x7fc00000, // canonical qNaN
    0xffc00001, // negative qNaN with payload
    0x7f800001, // sNaN
    0x7fa00000, // sNaN
    0x00000001, // smallest subnormal
    0x007fffff, // largest subnormal
    0x80000001, // negative subnormal
    0x00800000, // smallest normal
    0x7f7fffff, // largest finite
    0xff7fffff, // most negative finite
    0x3f800000, // 1.0
    0xbf800000, // -1.0
    0x3f000000, // 0.5
    0xbf000000, // -0.5
    0x3fc00000, // 1.5
    0x40200000, // 2.5
    0xc0200000, // -2.5
    0x4f000000, // 2^31
    0xcf000000, // -2^31
    0x4f800000, // 2^32
    0x5f000000, // 2^63
    0xdf000000, // -2^63
    0x5f800000, // 2^64
    0x4effffff, // largest single below 2^31
};

// A double of moderate magnitude: sign, exponent near 0 (2^-40 .. 2^70),
// random mantissa, so that sums and products stay finite and inexact.
uint64_t moderateDouble(Rng &rng) {
  uint64_t sign = rng.below(2) << 63;
  uint64_t exponent = static_cast<uint64_t>(1023 + rng.between(-40, 70));
  return sign | exponent << 52 | (rng.next() & 0x000fffffffffffffull);
}

uint32_t moderateSingle(Rng &rng) {
  uint32_t sign = static_cast<uint32_t>(rng.below(2)) << 31;
  uint32_t exponent = static_cast<uint32_t>(127 + rng.between(-30, 66));
  return sign | exponent << 23 | (static_cast<uint32_t>(rng.next()) & 0x7fffff);
}

} // namespace

uint64_t interestingInteger(Rng &rng) {
  switch (rng.below(8)) {
  case 0:
  case 1: return rng.pick(kIntegerSpecials);
  case 2: return static_cast<uint64_t>(rng.between(-64, 64));
  case 3: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(rng.next())));
  case 4: return rng.next() & 0xffffffffull;
  case 5: return 1ull << rng.below(64);
  default: return rng.next();
  }
}

uint64_t interestingFloatBits(Rng &rng) {
  switch (rng.below(10)) {
  case 0:
  case 1:
  case 2: return rng.pick(kDoubleSpecials);
  case 3: return moderateDouble(rng);
  case 4:
  case 5:
  case 6: return kBox | rng.pick(kSingleSpecials);
  case 7: return kBox | moderateSingle(rng);
  case 8: {
    // A single that is not properly NaN-boxed: the upper half is not all ones.
    uint64_t upper = rng.pick({0ull, 0x7fffffffull, 0xfffffffeull, rng.next() & 0xffffffffull});
    if (upper == 0xffffffffull)
      upper = 0;
    uint32_t low = rng.chance(50) ? rng.pick(kSingleSpecials) : moderateSingle(rng);
    return upper << 32 | low;
  }
  default: return rng.next();
  }
}

void fillScratch(Rng &rng, uint8_t *scratch, uint64_t size) {
  for (uint64_t offset = 0; offset + 8 <= size; offset += 8) {
    uint64_t value;
    switch (rng.below(4)) {
    case 0: value = interestingInteger(rng); break;
    case 1: value = interestingFloatBits(rng); break;
    default: value = rng.next(); break;
    }
    std::memcpy(scratch + offset, &value, 8); // the host is little-endian, as riscv64 is
  }
}

} // namespace tiercel::fuzz
