// A small seeded generator for weight initialisation (xoshiro128** seeded through splitmix64).
// Explicit seeds only: the same seed gives the same network on every machine.
#pragma once
#include <cstdint>

namespace prunerl {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : state_) {
      seed += 0x9E3779B97F4A7C15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      s = static_cast<uint32_t>((z ^ (z >> 31)) >> 16);
    }
    if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;
  }

  uint32_t next() {
    const uint32_t result = rotl(state_[1] * 5, 7) * 9;
    const uint32_t t = state_[1] << 9;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 11);
    return result;
  }

  // Uniform in [0, 1) with 24 random bits (every float32 in the range is reachable on a 2^-24 grid).
  float uniform() { return static_cast<float>(next() >> 8) * (1.0f / 16777216.0f); }
  float uniform(float low, float high) { return low + (high - low) * uniform(); }

 private:
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  uint32_t state_[4];
};

}  // namespace prunerl
