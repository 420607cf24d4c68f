// A small deterministic random source for the fuzz program generator.
//
// The generator must produce the same program for the same seed on every
// host and standard library, so it cannot use <random>'s distributions
// (their algorithms are unspecified). SplitMix64 is tiny, fast and fully
// specified; ranges use a plain modulo, whose bias is irrelevant here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace tiercel::fuzz {

// Combines two values into a well-mixed seed (one SplitMix64 step over both).
constexpr uint64_t mixSeed(uint64_t a, uint64_t b) {
  uint64_t z = a * 0x9e3779b97f4a7c15ull + b + 0x632be59bd9b4e019ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class Rng {
public:
  explicit Rng(uint64_t seed) : state(seed) {}

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n); 0 when n is 0.
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }

  // Uniform in [lo, hi], both inclusive.
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability percent/100.
  bool chance(unsigned percent) { return below(100) < percent; }

  template <typename T> T pick(std::initializer_list<T> choices) {
    return choices.begin()[below(choices.size())];
  }
  template <typename T, size_t N> const T &pick(const T (&choices)[N]) { return choices[below(N)]; }

  // An independent stream derived from this one (used for sub-structures so
  // that their size does not shift the parent's stream).
  Rng fork() { return Rng(mixSeed(next(), 0x5eedull)); }

private:
  uint64_t state;
};

} // namespace tiercel::fuzz
