// Magnitude pruning (contract in magnitude_prune.h): the reference sorts the candidates; the fast version finds the
// cut with a radix select on the bits of |w| (radix_select.h: three read passes, no copy, no sort) and prunes in a
// fourth pass over the same chunks, SIMD per level.
//
// Decisions the header leaves open:
//  - Candidates are the entries whose mask byte is non-zero; any non-zero byte means "kept". Kept bytes are left as
//    they are (not normalised to 1): the kernel writes only the entries it newly prunes (mask 0, weight +0), so a call
//    that prunes nothing changes nothing, and weights under an existing 0 in the mask are not touched either.
//  - round(sparsity·n) is std::llround (half away from zero, like JS Math.round for these non-negative values).
//  - The threshold of a group is |w| of the last entry it pruned (the largest pruned magnitude), 0 if it pruned none.
//  - NaN/Inf anywhere in the weights (masked or not) is a RangeError naming the tensor and index, raised before any
//    tensor is modified (in 'layer' scope too). kthSmallestAbs rejects NaN anywhere in values (NaN has no order)
//    but accepts ±Inf.
//
// Ties at the cut are pruned in index order: the select's last pass counts the ties per chunk, so chunk c prunes the
// first min(ties still needed before it, its own ties) of them and the parallel pass stays deterministic.
#include "ops/magnitude_prune.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>

#include "base/errors.h"
#include "base/simd.h"
#include "ops/radix_select.h"

#if PRUNERL_X86_SIMD
#include <immintrin.h>
#endif

namespace prunerl {
namespace {

// ---- argument checks ----------------------------------------------------------------------------------------------

std::string numberText(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  std::ostringstream s;
  s << v;
  return s.str();
}

void checkSparsity(double sparsity) {
  if (!(sparsity >= 0.0 && sparsity <= 1.0))
    throw RangeError("Expected a number in [0, 1] for sparsity but received number " + numberText(sparsity));
}

void checkTargets(const std::vector<PruneTarget>& targets) {
  for (size_t t = 0; t < targets.size(); ++t) {
    const PruneTarget& target = targets[t];
    const std::string index = "[" + std::to_string(t) + "]";
    if (target.size < 0) throw RangeError("Expected a size >= 0 for targets" + index + " but received " + std::to_string(target.size));
    if (target.size > 0 && target.weights == nullptr) throw TypeError("Expected weights for weights" + index + " but received null");
    if (target.size > 0 && target.mask == nullptr) throw TypeError("Expected a mask for masks" + index + " but received null");
  }
}

[[noreturn]] void throwNotFinite(float v, const std::string& name, int64_t index) {
  throw RangeError("Expected finite values in " + name + " but received " + numberText(v) + " at index " +
                   std::to_string(index));
}

[[noreturn]] void throwNaN(int64_t index) {
  throw RangeError("Expected values without NaN for values but received NaN at index " + std::to_string(index));
}

// The first NaN/Inf of targets[first..first+count) (caller knows there is one), reported under its weights[t] name.
[[noreturn]] void throwFirstNotFinite(const PruneTarget* targets, size_t count, size_t first) {
  for (size_t t = 0; t < count; ++t)
    for (int64_t i = 0; i < targets[t].size; ++i)
      if (!std::isfinite(targets[t].weights[i]))
        throwNotFinite(targets[t].weights[i], "weights[" + std::to_string(first + t) + "]", i);
  throw RangeError("Expected finite values in weights but received a non-finite value");
}

void checkRank(int64_t k, int64_t candidates) {
  if (candidates == 0) throw RangeError("Expected at least one included value for values but received none");
  if (k < 0 || k >= candidates)
    throw RangeError("Expected an integer in [0, " + std::to_string(candidates - 1) + "] for k but received " +
                     std::to_string(k));
}

int64_t pruneTarget(double sparsity, int64_t n) { return std::llround(sparsity * static_cast<double>(n)); }

// ---- reference ----------------------------------------------------------------------------------------------------

struct Entry {
  float magnitude;
  uint32_t tensor;
  int64_t index;
};

// Prunes targets[0..count) together; returns {threshold, pruned}.
std::pair<float, int64_t> pruneGroupReference(const PruneTarget* targets, size_t count, double sparsity) {
  int64_t n = 0, masked = 0;
  std::vector<Entry> candidates;
  for (size_t t = 0; t < count; ++t) {
    n += targets[t].size;
    for (int64_t i = 0; i < targets[t].size; ++i) {
      if (targets[t].mask[i] == 0)
        ++masked;
      else
        candidates.push_back({std::fabs(targets[t].weights[i]), static_cast<uint32_t>(t), i});
    }
  }
  const int64_t needed = pruneTarget(sparsity, n) - masked;
  if (needed <= 0) return {0.0f, 0};
  // By magnitude, then index order (tensor, element), so ties are pruned first-come.
  std::sort(candidates.begin(), candidates.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.magnitude, a.tensor, a.index) < std::tie(b.magnitude, b.tensor, b.index);
  });
  for (int64_t j = 0; j < needed; ++j) {
    const Entry& e = candidates[static_cast<size_t>(j)];
    targets[e.tensor].weights[e.index] = 0.0f;
    targets[e.tensor].mask[e.index] = 0;
  }
  return {candidates[static_cast<size_t>(needed - 1)].magnitude, needed};
}

// ---- the prune pass, per SIMD level -------------------------------------------------------------------------------
// Prunes the candidates of w[0..n) with absKey < cut, and the first `ties` (decremented) with absKey == cut.

using PrunePieceFn = int64_t (*)(float* w, uint8_t* mask, int64_t n, uint32_t cut, int64_t& ties);

int64_t pruneScalar(float* w, uint8_t* mask, int64_t n, uint32_t cut, int64_t& ties) {
  int64_t pruned = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (mask[i] == 0) continue;
    const uint32_t key = absKey(w[i]);
    if (key < cut || (key == cut && ties > 0)) {
      if (key == cut) --ties;
      w[i] = 0.0f;
      mask[i] = 0;
      ++pruned;
    }
  }
  return pruned;
}

// Branch-free loops the compiler vectorises (kept out of line so they stay loops, not unrolled blocks).
__attribute__((noinline)) int64_t pruneBelowPortable(float* __restrict w, uint8_t* __restrict mask, int64_t n,
                                                     uint32_t cut) {
  int64_t pruned = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, w + i, sizeof bits);
    const uint32_t keep = ((mask[i] == 0) | ((bits & 0x7fffffffu) >= cut)) ? ~0u : 0u;
    bits &= keep;
    std::memcpy(w + i, &bits, sizeof bits);
    mask[i] &= static_cast<uint8_t>(keep);
    pruned += keep == 0;
  }
  return pruned;
}

__attribute__((noinline)) bool hasTiePortable(const float* __restrict w, const uint8_t* __restrict mask, int64_t n,
                                              uint32_t cut) {
  uint32_t any = 0;
  for (int64_t i = 0; i < n; ++i) any |= ((absKey(w[i]) == cut) & (mask[i] != 0)) ? 1u : 0u;
  return any != 0;
}

// While ties remain to be pruned, blocks holding one go scalar; after the last, the rest is one vectorised loop.
int64_t prunePortable(float* w, uint8_t* mask, int64_t n, uint32_t cut, int64_t& ties) {
  constexpr int64_t kBlock = 64;
  int64_t pruned = 0, i = 0;
  for (; ties > 0 && i + kBlock <= n; i += kBlock) {
    if (hasTiePortable(w + i, mask + i, kBlock, cut))
      pruned += pruneScalar(w + i, mask + i, kBlock, cut, ties);
    else
      pruned += pruneBelowPortable(w + i, mask + i, kBlock, cut);
  }
  if (ties > 0) return pruned + pruneScalar(w + i, mask + i, n - i, cut, ties);
  return pruned + pruneBelowPortable(w + i, mask + i, n - i, cut);
}

#if PRUNERL_X86_SIMD
// Byte masks for 8 lanes: bit j of the index set -> byte j all ones.
constexpr std::array<uint64_t, 256> makeLaneByteMasks() {
  std::array<uint64_t, 256> table{};
  for (int bits = 0; bits < 256; ++bits)
    for (int j = 0; j < 8; ++j)
      if ((bits >> j) & 1) table[static_cast<size_t>(bits)] |= uint64_t{0xff} << (8 * j);
  return table;
}
constexpr std::array<uint64_t, 256> kLaneByteMasks = makeLaneByteMasks();

PRUNERL_TARGET_AVX2 int64_t pruneAvx2(float* w, uint8_t* mask, int64_t n, uint32_t cut, int64_t& ties) {
  const __m256i absMask = _mm256_set1_epi32(0x7fffffff);
  const __m256i cutV = _mm256_set1_epi32(static_cast<int>(cut));  // keys are < 2^31: signed compares are exact
  const __m256i laneBits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  int64_t pruned = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i key = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i)), absMask);
    uint64_t maskBytes;
    std::memcpy(&maskBytes, mask + i, 8);
    const __m256i inc = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(maskBytes)));
    const __m256i kept = _mm256_xor_si256(_mm256_cmpeq_epi32(inc, _mm256_setzero_si256()), _mm256_set1_epi32(-1));
    unsigned bits = static_cast<unsigned>(
        _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(kept, _mm256_cmpgt_epi32(cutV, key)))));
    if (ties > 0) {
      unsigned equal = static_cast<unsigned>(
          _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(kept, _mm256_cmpeq_epi32(key, cutV)))));
      for (; equal != 0 && ties > 0; equal &= equal - 1, --ties) bits |= equal & (0u - equal);
    }
    if (bits == 0) continue;
    const __m256i lanes = _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(static_cast<int>(bits)), laneBits), laneBits);
    _mm256_maskstore_ps(w + i, lanes, _mm256_setzero_ps());
    maskBytes &= ~kLaneByteMasks[bits];
    std::memcpy(mask + i, &maskBytes, 8);
    pruned += __builtin_popcount(bits);
  }
  return pruned + pruneScalar(w + i, mask + i, n - i, cut, ties);
}

PRUNERL_TARGET_AVX512 int64_t pruneAvx512(float* w, uint8_t* mask, int64_t n, uint32_t cut, int64_t& ties) {
  const __m512i absMask = _mm512_set1_epi32(0x7fffffff);
  const __m512i cutV = _mm512_set1_epi32(static_cast<int>(cut));
  int64_t pruned = 0, i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i key = _mm512_and_si512(_mm512_loadu_si512(w + i), absMask);
    const __m128i maskBytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(mask + i));
    const __mmask16 kept = _mm_test_epi8_mask(maskBytes, maskBytes);
    unsigned bits = _mm512_mask_cmplt_epu32_mask(kept, key, cutV);
    if (ties > 0) {
      unsigned equal = _mm512_mask_cmpeq_epu32_mask(kept, key, cutV);
      for (; equal != 0 && ties > 0; equal &= equal - 1, --ties) bits |= equal & (0u - equal);
    }
    if (bits == 0) continue;
    _mm512_mask_storeu_ps(w + i, static_cast<__mmask16>(bits), _mm512_setzero_ps());
    _mm_mask_storeu_epi8(mask + i, static_cast<__mmask16>(bits), _mm_setzero_si128());
    pruned += __builtin_popcount(bits);
  }
  return pruned + pruneScalar(w + i, mask + i, n - i, cut, ties);
}
#endif

PrunePieceFn prunePieceFor(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return pruneAvx512;
  if (level == SimdLevel::Avx2) return pruneAvx2;
#endif
  return prunePortable;
}

// ---- fast group prune ---------------------------------------------------------------------------------------------

std::vector<AbsSegment> segmentsOf(const PruneTarget* targets, size_t count) {
  std::vector<AbsSegment> segments;
  for (size_t t = 0; t < count; ++t) segments.push_back({targets[t].weights, targets[t].mask, targets[t].size});
  return segments;
}

// Prunes the targets behind `select` (its first pass done, all finite) together; returns {threshold, pruned}.
std::pair<float, int64_t> pruneGroup(const PruneTarget* targets, const AbsRadixSelect& select, double sparsity) {
  const int64_t needed = pruneTarget(sparsity, select.size()) - (select.size() - select.candidates());
  if (needed <= 0) return {0.0f, 0};
  const AbsSelection cut = select.select(needed - 1);

  const int chunks = select.chunkCount();
  std::vector<int64_t> tieBudget(static_cast<size_t>(chunks)), prunedByChunk(static_cast<size_t>(chunks), 0);
  int64_t tiesLeft = needed - cut.below;
  for (int c = 0; c < chunks; ++c) {
    tieBudget[static_cast<size_t>(c)] = std::min(tiesLeft, cut.tiesByChunk[static_cast<size_t>(c)]);
    tiesLeft -= tieBudget[static_cast<size_t>(c)];
  }
  const PrunePieceFn prunePiece = prunePieceFor(simdLevel());
  select.forEachChunk([&](int c) {
    int64_t ties = tieBudget[static_cast<size_t>(c)], pruned = 0;
    select.forEachPiece(c, [&](size_t s, int64_t lo, int64_t hi) {
      pruned += prunePiece(targets[s].weights + lo, targets[s].mask + lo, hi - lo, cut.key, ties);
    });
    prunedByChunk[static_cast<size_t>(c)] = pruned;
  });
  int64_t pruned = 0;
  for (int64_t p : prunedByChunk) pruned += p;
  return {keyToFloat(cut.key), pruned};
}

}  // namespace

PruneResult magnitudePruneReference(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope) {
  checkSparsity(sparsity);
  checkTargets(targets);
  for (size_t t = 0; t < targets.size(); ++t)
    for (int64_t i = 0; i < targets[t].size; ++i)
      if (!std::isfinite(targets[t].weights[i])) throwNotFinite(targets[t].weights[i], "weights[" + std::to_string(t) + "]", i);

  PruneResult result;
  if (scope == PruneScope::Global) {
    const auto [threshold, pruned] = pruneGroupReference(targets.data(), targets.size(), sparsity);
    result.thresholds.assign(targets.size(), threshold);
    result.pruned = pruned;
  } else {
    for (const PruneTarget& target : targets) {
      const auto [threshold, pruned] = pruneGroupReference(&target, 1, sparsity);
      result.thresholds.push_back(threshold);
      result.pruned += pruned;
    }
  }
  return result;
}

PruneResult magnitudePrune(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope) {
  checkSparsity(sparsity);
  checkTargets(targets);
  PruneResult result;
  if (scope == PruneScope::Global) {
    const AbsRadixSelect select(segmentsOf(targets.data(), targets.size()));
    if (select.maxKey() >= kInfKey) throwFirstNotFinite(targets.data(), targets.size(), 0);
    const auto [threshold, pruned] = pruneGroup(targets.data(), select, sparsity);
    result.thresholds.assign(targets.size(), threshold);
    result.pruned = pruned;
    return result;
  }
  // Every tensor's first pass (which also finds NaN/Inf) runs before any tensor is modified.
  std::vector<AbsRadixSelect> selects;
  selects.reserve(targets.size());
  for (size_t t = 0; t < targets.size(); ++t) {
    selects.emplace_back(segmentsOf(&targets[t], 1));
    if (selects.back().maxKey() >= kInfKey) throwFirstNotFinite(&targets[t], 1, t);
  }
  for (size_t t = 0; t < targets.size(); ++t) {
    const auto [threshold, pruned] = pruneGroup(&targets[t], selects[t], sparsity);
    result.thresholds.push_back(threshold);
    result.pruned += pruned;
  }
  return result;
}

float kthSmallestAbsReference(const float* values, const uint8_t* include, int64_t n, int64_t k) {
  if (n < 0) throw RangeError("Expected a size >= 0 for values but received " + std::to_string(n));
  std::vector<float> magnitudes;
  for (int64_t i = 0; i < n; ++i) {
    if (std::isnan(values[i])) throwNaN(i);
    if (include == nullptr || include[i] != 0) magnitudes.push_back(std::fabs(values[i]));
  }
  checkRank(k, static_cast<int64_t>(magnitudes.size()));
  std::sort(magnitudes.begin(), magnitudes.end());
  return magnitudes[static_cast<size_t>(k)];
}

float kthSmallestAbs(const float* values, const uint8_t* include, int64_t n, int64_t k) {
  if (n < 0) throw RangeError("Expected a size >= 0 for values but received " + std::to_string(n));
  if (n > 0 && values == nullptr) throw TypeError("Expected values for values but received null");
  const AbsRadixSelect select({{values, include, n}});
  if (select.maxKey() > kInfKey)
    for (int64_t i = 0; i < n; ++i)
      if (std::isnan(values[i])) throwNaN(i);
  checkRank(k, select.candidates());
  return keyToFloat(select.select(k).key);
}

}  // namespace prunerl
