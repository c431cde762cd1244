// AVX-512 loops of the sparse products (see csr_kernels.h).
// gatherRows: per line, 4 independent accumulator chains (4 nonzeros in flight) over 32- or 16-lane chunks of the
//   batch, so the FMA latency is hidden; one broadcast + two loads + two FMAs per nonzero and 32 batch entries.
// gatherVector: 16 nonzeros at a time through vgatherdps (short lines scalar).
// sampledDots: each nonzero's batch dot product is left as a vector; 16 of them are reduced together by a
//   shuffle tree (45 shuffles/adds for 16 sums instead of 16 separate horizontal reductions).
#include "cpu/csr_kernels.h"

#if PRUNERL_X86_SIMD
// GCC 12 reports its own _mm512_undefined_ps() inside AVX-512 shuffles as uninitialised: a known false positive.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>

namespace prunerl::csr_detail {
namespace {

template <bool Indirect>
PRUNERL_TARGET_AVX512 inline float valueAt(const CompressedView& v, int64_t e) {
  return Indirect ? v.values[v.valueOf[e]] : v.values[e];
}

// Lanes [l, l + 16·NV) of line r into out (line r's row of the output).
template <bool Indirect, int NV>
PRUNERL_TARGET_AVX512 void gatherChunk(const CompressedView& v, const float* in, int64_t lanes, int64_t l, int64_t r,
                                       float* out) {
  constexpr int kChains = 4;
  __m512 acc[kChains][NV];
  for (int c = 0; c < kChains; ++c)
    for (int j = 0; j < NV; ++j) acc[c][j] = _mm512_setzero_ps();
  int64_t e = v.ptr[r];
  const int64_t e1 = v.ptr[r + 1];
  for (; e + kChains <= e1; e += kChains) {
    for (int c = 0; c < kChains; ++c) {
      const __m512 w = _mm512_set1_ps(valueAt<Indirect>(v, e + c));
      const float* x = in + static_cast<int64_t>(v.index[e + c]) * lanes + l;
      for (int j = 0; j < NV; ++j) acc[c][j] = _mm512_fmadd_ps(w, _mm512_loadu_ps(x + 16 * j), acc[c][j]);
    }
  }
  for (; e < e1; ++e) {
    const __m512 w = _mm512_set1_ps(valueAt<Indirect>(v, e));
    const float* x = in + static_cast<int64_t>(v.index[e]) * lanes + l;
    for (int j = 0; j < NV; ++j) acc[0][j] = _mm512_fmadd_ps(w, _mm512_loadu_ps(x + 16 * j), acc[0][j]);
  }
  for (int j = 0; j < NV; ++j)
    _mm512_storeu_ps(out + l + 16 * j,
                     _mm512_add_ps(_mm512_add_ps(acc[0][j], acc[1][j]), _mm512_add_ps(acc[2][j], acc[3][j])));
}

template <bool Indirect>
PRUNERL_TARGET_AVX512 void gatherRowsImpl(const CompressedView& v, const float* in, int64_t lanes, int64_t begin,
                                          int64_t end, float* out) {
  for (int64_t r = begin; r < end; ++r) {
    int64_t l = 0;
    for (; l + 32 <= lanes; l += 32) gatherChunk<Indirect, 2>(v, in, lanes, l, r, out + (r - begin) * lanes);
    if (l < lanes) gatherChunk<Indirect, 1>(v, in, lanes, l, r, out + (r - begin) * lanes);
  }
}

// values of entries [at, at + 16) (lanes outside m are zero).
template <bool Indirect>
PRUNERL_TARGET_AVX512 inline __m512 valuesAt(const CompressedView& v, int64_t at, __mmask16 m) {
  if (!Indirect) return _mm512_maskz_loadu_ps(m, v.values + at);
  const __m512i which = _mm512_maskz_loadu_epi32(m, v.valueOf + at);
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, which, v.values, 4);
}

// The column view at batch 1 (the input gradient): each value sits at values[valueOf[e]], so a vector step would
// gather the indices, then the values, then the inputs; scalar loads with four partial sums are faster (measured
// at 5120×640, 95% sparse: about 1.7× over the gathers). GCC would turn this loop back into gathers: not here.
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize")))
#endif
PRUNERL_TARGET_AVX512 void gatherVectorIndirect(const CompressedView& v, const float* in, int64_t begin, int64_t end,
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
PRUNERL_TARGET_AVX512 void gatherVectorImpl(const CompressedView& v, const float* in, int64_t begin, int64_t end,
                                            float* out) {
  for (int64_t r = begin; r < end; ++r) {
    int64_t e = v.ptr[r];
    const int64_t e1 = v.ptr[r + 1];
    if (e1 - e < 16) {  // a short line: a masked gather and a reduction would cost more than the loads
      float acc = 0.0f;
      for (; e < e1; ++e) acc += valueAt<Indirect>(v, e) * in[v.index[e]];
      out[r] = acc;
      continue;
    }
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    for (; e + 32 <= e1; e += 32) {
      const __m512i i0 = _mm512_loadu_si512(v.index + e), i1 = _mm512_loadu_si512(v.index + e + 16);
      acc0 = _mm512_fmadd_ps(valuesAt<Indirect>(v, e, 0xFFFF), _mm512_i32gather_ps(i0, in, 4), acc0);
      acc1 = _mm512_fmadd_ps(valuesAt<Indirect>(v, e + 16, 0xFFFF), _mm512_i32gather_ps(i1, in, 4), acc1);
    }
    for (; e < e1; e += 16) {
      const __mmask16 m = e1 - e >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << (e1 - e)) - 1u);
      const __m512i idx = _mm512_maskz_loadu_epi32(m, v.index + e);
      acc0 = _mm512_fmadd_ps(valuesAt<Indirect>(v, e, m), _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, in, 4), acc0);
    }
    out[r] = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
  }
}

// result[k] = Σ lanes of p[k], k < 16.
PRUNERL_TARGET_AVX512 inline __m512 reduce16(const __m512 (&p)[16]) {
  __m512 s[8], q[4];
  for (int i = 0; i < 8; ++i)  // per 128-bit lane: [a0+a2, b0+b2, a1+a3, b1+b3]
    s[i] = _mm512_add_ps(_mm512_unpacklo_ps(p[2 * i], p[2 * i + 1]), _mm512_unpackhi_ps(p[2 * i], p[2 * i + 1]));
  for (int i = 0; i < 4; ++i) {  // per 128-bit lane L: the lane-L sums of p[4i..4i+3]
    const __m512d a = _mm512_castps_pd(s[2 * i]), b = _mm512_castps_pd(s[2 * i + 1]);
    q[i] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(a, b)), _mm512_castpd_ps(_mm512_unpackhi_pd(a, b)));
  }
  const __m512 r0 = _mm512_add_ps(_mm512_shuffle_f32x4(q[0], q[1], 0x88), _mm512_shuffle_f32x4(q[0], q[1], 0xdd));
  const __m512 r1 = _mm512_add_ps(_mm512_shuffle_f32x4(q[2], q[3], 0x88), _mm512_shuffle_f32x4(q[2], q[3], 0xdd));
  return _mm512_add_ps(_mm512_shuffle_f32x4(r0, r1, 0x88), _mm512_shuffle_f32x4(r0, r1, 0xdd));
}

// Σ over lane vectors of a[l]·b[l]: LV vectors (a kept in registers by the caller), or `lanes` at run time (LV 0).
template <int LV>
PRUNERL_TARGET_AVX512 inline __m512 batchProduct(const __m512 (&a)[LV > 0 ? LV : 1], const float* aRow,
                                                 const float* b, int64_t lanes) {
  if (LV == 0) {
    __m512 p = _mm512_mul_ps(_mm512_loadu_ps(aRow), _mm512_loadu_ps(b));
    for (int64_t l = 16; l < lanes; l += 16) p = _mm512_fmadd_ps(_mm512_loadu_ps(aRow + l), _mm512_loadu_ps(b + l), p);
    return p;
  }
  __m512 p = _mm512_mul_ps(a[0], _mm512_loadu_ps(b));
#pragma GCC unroll 4
  for (int v = 1; v < LV; ++v) p = _mm512_fmadd_ps(a[v], _mm512_loadu_ps(b + 16 * v), p);
  return p;
}

// The entries of one row: its dY batch vector stays in registers; 16 dot products at a time share one reduction.
template <int LV>
PRUNERL_TARGET_AVX512 void rowDots(const float* aRow, const float* right, int64_t lanes, const int32_t* cols,
                                   int64_t n, float* out) {
  __m512 a[LV > 0 ? LV : 1];
  for (int v = 0; v < LV; ++v) a[v] = _mm512_loadu_ps(aRow + 16 * v);
  int64_t e = 0;
  for (; e + 16 <= n; e += 16) {
    __m512 p[16];
#pragma GCC unroll 16
    for (int u = 0; u < 16; ++u) p[u] = batchProduct<LV>(a, aRow, right + static_cast<int64_t>(cols[e + u]) * lanes, lanes);
    _mm512_storeu_ps(out + e, reduce16(p));
  }
  if (e < n) {
    __m512 p[16];
    for (int u = 0; u < 16; ++u)
      p[u] = e + u < n ? batchProduct<LV>(a, aRow, right + static_cast<int64_t>(cols[e + u]) * lanes, lanes)
                       : _mm512_setzero_ps();
    _mm512_mask_storeu_ps(out + e, static_cast<__mmask16>((1u << (n - e)) - 1u), reduce16(p));
  }
}

template <int LV>
PRUNERL_TARGET_AVX512 void sampledDotsRows(const int32_t* rowPtr, const int32_t* colIdx, const float* left,
                                           const float* right, int64_t lanes, int64_t begin, int64_t end,
                                           float* dValues) {
  for (int64_t r = begin; r < end; ++r)
    rowDots<LV>(left + (r - begin) * lanes, right, lanes, colIdx + rowPtr[r], rowPtr[r + 1] - rowPtr[r],
                dValues + rowPtr[r]);
}

PRUNERL_TARGET_AVX512 void sampledDotsImpl(const int32_t* rowPtr, const int32_t* colIdx, const float* left,
                                           const float* right, int64_t lanes, int64_t begin, int64_t end,
                                           float* dValues) {
  switch (lanes) {
    case 16: return sampledDotsRows<1>(rowPtr, colIdx, left, right, lanes, begin, end, dValues);
    case 32: return sampledDotsRows<2>(rowPtr, colIdx, left, right, lanes, begin, end, dValues);
    case 48: return sampledDotsRows<3>(rowPtr, colIdx, left, right, lanes, begin, end, dValues);
    case 64: return sampledDotsRows<4>(rowPtr, colIdx, left, right, lanes, begin, end, dValues);
    default: return sampledDotsRows<0>(rowPtr, colIdx, left, right, lanes, begin, end, dValues);
  }
}

// The fused backward over columns r of the column view, for lanes = 16·NV (batch <= 32): column r's Xᵀ vector
// (own) stays in registers; per entry one dYᵀ row load feeds both the dXᵀ accumulation (two chains) and a batch
// dot product with X, 16 of which share one reduction and one scatter into dValues (the entries' CSR positions).
template <int NV>
PRUNERL_TARGET_AVX512 void gatherAndDotsImpl(const CompressedView& v, const float* in, const float* own,
                                             int64_t begin, int64_t end, float* out, float* dValues) {
  constexpr int64_t lanes = 16 * NV;
  for (int64_t r = begin; r < end; ++r) {
    __m512 x[NV], acc[2][NV];
    for (int j = 0; j < NV; ++j) {
      x[j] = _mm512_loadu_ps(own + (r - begin) * lanes + 16 * j);
      acc[0][j] = acc[1][j] = _mm512_setzero_ps();
    }
    int64_t e = v.ptr[r];
    const int64_t e1 = v.ptr[r + 1];
    for (; e < e1; e += 16) {
      const int64_t n = std::min<int64_t>(16, e1 - e);
      __m512 p[16];
#pragma GCC unroll 16
      for (int u = 0; u < 16; ++u) {
        if (u < n) {
          const float* d = in + static_cast<int64_t>(v.index[e + u]) * lanes;
          const __m512 w = _mm512_set1_ps(v.values[v.valueOf[e + u]]);
          const __m512 d0 = _mm512_loadu_ps(d);
          acc[u & 1][0] = _mm512_fmadd_ps(w, d0, acc[u & 1][0]);
          p[u] = _mm512_mul_ps(d0, x[0]);
          for (int j = 1; j < NV; ++j) {
            const __m512 dj = _mm512_loadu_ps(d + 16 * j);
            acc[u & 1][j] = _mm512_fmadd_ps(w, dj, acc[u & 1][j]);
            p[u] = _mm512_fmadd_ps(dj, x[j], p[u]);
          }
        } else {
          p[u] = _mm512_setzero_ps();
        }
      }
      alignas(64) float sums[16];
      _mm512_store_ps(sums, reduce16(p));
      for (int64_t u = 0; u < n; ++u) dValues[v.valueOf[e + u]] = sums[u];
    }
    for (int j = 0; j < NV; ++j)
      _mm512_storeu_ps(out + (r - begin) * lanes + 16 * j, _mm512_add_ps(acc[0][j], acc[1][j]));
  }
}

PRUNERL_TARGET_AVX512 void gatherAndDotsDispatch(const CompressedView& v, const float* in, const float* own,
                                                 int64_t lanes, int64_t begin, int64_t end, float* out,
                                                 float* dValues) {
  if (lanes == 16) return gatherAndDotsImpl<1>(v, in, own, begin, end, out, dValues);
  return gatherAndDotsImpl<2>(v, in, own, begin, end, out, dValues);  // lanes == 32 (maxFusedLanes)
}

}  // namespace

CsrKernels csrKernelsAvx512() {
  return CsrKernels{
      16,
      [](const CompressedView& v, const float* in, int64_t lanes, int64_t b, int64_t e, float* out) {
        v.valueOf ? gatherRowsImpl<true>(v, in, lanes, b, e, out) : gatherRowsImpl<false>(v, in, lanes, b, e, out);
      },
      [](const CompressedView& v, const float* in, int64_t b, int64_t e, float* out) {
        v.valueOf ? gatherVectorIndirect(v, in, b, e, out) : gatherVectorImpl<false>(v, in, b, e, out);
      },
      sampledDotsImpl,
      gatherAndDotsDispatch,
      32,
  };
}

}  // namespace prunerl::csr_detail

#endif  // PRUNERL_X86_SIMD
