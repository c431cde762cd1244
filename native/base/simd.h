// Which vector instruction set the CPU kernels use, chosen at run time.
// Fast kernels are compiled in several variants (portable, AVX2+FMA, AVX-512) with per-function target
// attributes, and dispatch on simdLevel(). Tests force each level in turn to compare every variant with the
// reference. PRUNERL_SIMD=portable|avx2|avx512 caps the level at start-up.
#pragma once
#include <string>
#include <vector>

namespace prunerl {

enum class SimdLevel { Portable = 0, Avx2 = 1, Avx512 = 2 };

SimdLevel simdLevel();                      // the level in use
SimdLevel bestSimdLevel();                  // the best this CPU supports
void setSimdLevel(SimdLevel level);         // throws RangeError if the CPU lacks it
const char* simdLevelName(SimdLevel level);
SimdLevel parseSimdLevel(const std::string& name);  // throws RangeError naming the allowed values
std::vector<SimdLevel> supportedSimdLevels();

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define PRUNERL_X86_SIMD 1
#define PRUNERL_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define PRUNERL_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#else
#define PRUNERL_X86_SIMD 0
#endif

}  // namespace prunerl
