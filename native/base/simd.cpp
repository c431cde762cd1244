#include "base/simd.h"

#include <atomic>
#include <cstdlib>

#include "base/errors.h"

namespace prunerl {
namespace {

SimdLevel detectBest() {
#if PRUNERL_X86_SIMD
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return SimdLevel::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::Avx2;
#endif
  return SimdLevel::Portable;
}

SimdLevel initialLevel() {
  SimdLevel best = detectBest();
  if (const char* env = std::getenv("PRUNERL_SIMD")) {
    try {
      SimdLevel wanted = parseSimdLevel(env);
      if (wanted < best) return wanted;
    } catch (const RangeError&) {
      // An unknown value is ignored rather than failing the load; the level stays the best available.
    }
  }
  return best;
}

std::atomic<int>& current() {
  static std::atomic<int> level{static_cast<int>(initialLevel())};
  return level;
}

}  // namespace

SimdLevel bestSimdLevel() {
  static const SimdLevel best = detectBest();
  return best;
}

SimdLevel simdLevel() { return static_cast<SimdLevel>(current().load(std::memory_order_relaxed)); }

void setSimdLevel(SimdLevel level) {
  if (level > bestSimdLevel())
    throw RangeError(std::string("Expected a SIMD level this CPU supports for level but received ") +
                     simdLevelName(level) + " (best here: " + simdLevelName(bestSimdLevel()) + ")");
  current().store(static_cast<int>(level));
}

const char* simdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Avx2: return "avx2";
    default: return "portable";
  }
}

SimdLevel parseSimdLevel(const std::string& name) {
  if (name == "portable") return SimdLevel::Portable;
  if (name == "avx2") return SimdLevel::Avx2;
  if (name == "avx512") return SimdLevel::Avx512;
  throw RangeError("Expected one of portable, avx2, avx512 for level but received " + name);
}

std::vector<SimdLevel> supportedSimdLevels() {
  std::vector<SimdLevel> out;
  for (int l = 0; l <= static_cast<int>(bestSimdLevel()); ++l) out.push_back(static_cast<SimdLevel>(l));
  return out;
}

}  // namespace prunerl
