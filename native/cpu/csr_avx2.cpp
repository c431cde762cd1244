// AVX2 + FMA loops of the sparse products (see csr_kernels.h); the same structure as csr_avx512.cpp with 8-lane
// vectors: 4 accumulator chains per line in gatherRows, vgatherdps for batch 1, an hadd tree reducing 8 dots.
#include "cpu/csr_kernels.h"

#if PRUNERL_X86_SIMD
#include <immintrin.h>

#include <algorithm>

namespace prunerl::csr_detail {
namespace {

template <bool Indirect>
PRUNERL_TARGET_AVX2 inline float valueAt(const CompressedView& v, int64_t e) {
  return Indirect ? v.values[v.valueOf[e]] : v.values[e];
}

template <bool Indirect, int NV>
PRUNERL_TARGET_AVX2 void gatherChunk(const CompressedView& v, const float* in, int64_t lanes, int64_t l, int64_t r,
                                     float* out) {
  constexpr int kChains = 4;
  __m256 acc[kChains][NV];
  for (int c = 0; c < kChains; ++c)
    for (int j = 0; j < NV; ++j) acc[c][j] = _mm256_setzero_ps();
  int64_t e = v.ptr[r];
  const int64_t e1 = v.ptr[r + 1];
  for (; e + kChains <= e1; e += kChains) {
    for (int c = 0; c < kChains; ++c) {
      const __m256 w = _mm256_set1_ps(valueAt<Indirect>(v, e + c));
      const float* x = in + static_cast<int64_t>(v.index[e + c]) * lanes + l;
      for (int j = 0; j < NV; ++j) acc[c][j] = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + 8 * j), acc[c][j]);
    }
  }
  for (; e < e1; ++e) {
    const __m256 w = _mm256_set1_ps(valueAt<Indirect>(v, e));
    const float* x = in + static_cast<int64_t>(v.index[e]) * lanes + l;
    for (int j = 0; j < NV; ++j) acc[0][j] = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + 8 * j), acc[0][j]);
  }
  for (int j = 0; j < NV; ++j)
    _mm256_storeu_ps(out + l + 8 * j,
                     _mm256_add_ps(_mm256_add_ps(acc[0][j], acc[1][j]), _mm256_add_ps(acc[2][j], acc[3][j])));
}

template <bool Indirect>
PRUNERL_TARGET_AVX2 void gatherRowsImpl(const CompressedView& v, const float* in, int64_t lanes, int64_t begin,
                                        int64_t end, float* out) {
  for (int64_t r = begin; r < end; ++r) {
    int64_t l = 0;
    for (; l + 16 <= lanes; l += 16) gatherChunk<Indirect, 2>(v, in, lanes, l, r, out + (r - begin) * lanes);
    if (l < lanes) gatherChunk<Indirect, 1>(v, in, lanes, l, r, out + (r - begin) * lanes);
  }
}

PRUNERL_TARGET_AVX2 inline float sum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// The column view at batch 1 (the input gradient): each value sits at values[valueOf[e]], so a vector step would
// gather the indices, then the values, then the inputs; scalar loads with four partial sums are faster (measured
// at 5120×640, 95% sparse: about 1.7× over the gathers). GCC would turn this loop back into gathers: not here.
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize")))
#endif
PRUNERL_TARGET_AVX2 void gatherVectorIndirect(const CompressedView& v, const float* in, int64_t begin, int64_t end,
                                           float* out) {
  for (int64_t r = begin; r < end; ++r) {
    float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    int64_t e = v.ptr[r];
    const int64_t e1 = v.ptr[r + 1];
    for (; e + 4 <= e1; e += 4)
      for (int k = 0; k < 4; ++k) acc[k] += v.values[v.valueOf[e + k]] * in[v.index[e + k]];
    for (; e < e1; ++e) acc[0] += v.values[v.valueOf[e]] * in[v.index[e]];
    out[r] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  }
}

template <bool Indirect>
PRUNERL_TARGET_AVX2 void gatherVectorImpl(const CompressedView& v, const float* in, int64_t begin, int64_t end,
                                          float* out) {
  for (int64_t r = begin; r < end; ++r) {
    int64_t e = v.ptr[r];
    const int64_t e1 = v.ptr[r + 1];
    __m256 acc = _mm256_setzero_ps();
    for (; e + 8 <= e1; e += 8) {
      const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v.index + e));
      const __m256 w = Indirect ? _mm256_i32gather_ps(
                                      v.values, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v.valueOf + e)), 4)
                                : _mm256_loadu_ps(v.values + e);
      acc = _mm256_fmadd_ps(w, _mm256_i32gather_ps(in, idx, 4), acc);
    }
    float tail = 0.0f;
    for (; e < e1; ++e) tail += valueAt<Indirect>(v, e) * in[v.index[e]];
    out[r] = sum8(acc) + tail;
  }
}

// result[k] = Σ lanes of p[k], k < 8.
PRUNERL_TARGET_AVX2 inline __m256 reduce8(const __m256 (&p)[8]) {
  const __m256 a = _mm256_hadd_ps(_mm256_hadd_ps(p[0], p[1]), _mm256_hadd_ps(p[2], p[3]));
  const __m256 b = _mm256_hadd_ps(_mm256_hadd_ps(p[4], p[5]), _mm256_hadd_ps(p[6], p[7]));
  return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
}

PRUNERL_TARGET_AVX2 void sampledDotsImpl(const int32_t* rowPtr, const int32_t* colIdx, const float* left,
                                         const float* right, int64_t lanes, int64_t begin, int64_t end,
                                         float* dValues) {
  int64_t r = begin;
  const int64_t eEnd = rowPtr[end];
  for (int64_t e = rowPtr[begin]; e < eEnd; e += 8) {
    const int64_t n = std::min<int64_t>(8, eEnd - e);
    __m256 p[8];
    for (int u = 0; u < 8; ++u) {
      if (u >= n) {
        p[u] = _mm256_setzero_ps();
        continue;
      }
      while (e + u >= rowPtr[r + 1]) ++r;
      const float* a = left + (r - begin) * lanes;
      const float* b = right + static_cast<int64_t>(colIdx[e + u]) * lanes;
      __m256 s = _mm256_mul_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b));
      for (int64_t l = 8; l < lanes; l += 8) s = _mm256_fmadd_ps(_mm256_loadu_ps(a + l), _mm256_loadu_ps(b + l), s);
      p[u] = s;
    }
    alignas(32) float sums[8];
    _mm256_store_ps(sums, reduce8(p));
    for (int64_t u = 0; u < n; ++u) dValues[e + u] = sums[u];
  }
}

}  // namespace

CsrKernels csrKernelsAvx2() {
  return CsrKernels{
      8,
      [](const CompressedView& v, const float* in, int64_t lanes, int64_t b, int64_t e, float* out) {
        v.valueOf ? gatherRowsImpl<true>(v, in, lanes, b, e, out) : gatherRowsImpl<false>(v, in, lanes, b, e, out);
      },
      [](const CompressedView& v, const float* in, int64_t b, int64_t e, float* out) {
        v.valueOf ? gatherVectorIndirect(v, in, b, e, out) : gatherVectorImpl<false>(v, in, b, e, out);
      },
      sampledDotsImpl,
      nullptr,  // no fused backward at this level yet: spmmBackward runs the two products separately
      0,
  };
}

}  // namespace prunerl::csr_detail

#endif  // PRUNERL_X86_SIMD
