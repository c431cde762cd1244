// AVX2 + FMA micro-kernels for the dense gemm (see gemm_kernels.h): a 6×16 panel tile in 12 ymm accumulators
// (12 FMAs per 2 vector loads and 6 broadcasts) and 4×4 dot products along the contiguous depth.
#include "cpu/gemm_kernels.h"

#if PRUNERL_X86_SIMD
#include <immintrin.h>

#include <algorithm>

namespace prunerl::gemm_detail {
namespace {

constexpr int kRows = 6;
constexpr int kCols = 16;
constexpr int64_t kDepthBlock = 256;
constexpr int64_t kDepthBlockTransposed = 1024;

// Lane mask for the first n (≤ 8) lanes, for maskload/maskstore.
PRUNERL_TARGET_AVX2 inline __m256i firstLanes(int64_t n) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::min<int64_t>(n, 8))), iota);
}

template <int MR, int NV>
PRUNERL_TARGET_AVX2 void panelTile(const PanelProblem& p, int64_t row0, int64_t col0, int64_t ncols, int64_t k0,
                                   int64_t k1, bool first) {
  __m256 acc[MR][NV];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    #pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_ps();
  const __m256i lastMask = firstLanes(ncols - 8 * (NV - 1));
  const int64_t rs = p.rowStride, ks = p.depthStride;
  const float* r = p.R + row0 * rs + k0 * ks;
  const float* b = p.P + k0 * p.ldp + col0;
  for (int64_t k = k0; k < k1; ++k) {
    __m256 bv[NV];
    #pragma GCC unroll 16
    for (int v = 0; v < NV - 1; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
    bv[NV - 1] = _mm256_maskload_ps(b + 8 * (NV - 1), lastMask);
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m256 a = _mm256_broadcast_ss(r + i * rs);
      #pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(a, bv[v], acc[i][v]);
    }
    r += ks;
    b += p.ldp;
  }

  const __m256 alpha = _mm256_set1_ps(p.alpha), beta = _mm256_set1_ps(p.beta);
  const __m256i all = _mm256_set1_epi32(-1);
  if (!p.transposedC) {
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      float* c = p.C + (row0 + i) * p.ldc + col0;
      #pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) {
        const __m256i m = v == NV - 1 ? lastMask : all;
        __m256 out = _mm256_mul_ps(alpha, acc[i][v]);
        if (!first)
          out = _mm256_add_ps(out, _mm256_maskload_ps(c + 8 * v, m));
        else if (p.beta != 0.0f)
          out = _mm256_fmadd_ps(beta, _mm256_maskload_ps(c + 8 * v, m), out);
        _mm256_maskstore_ps(c + 8 * v, m, out);
      }
    }
    return;
  }
  alignas(32) float tile[MR][8 * NV];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    #pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) _mm256_store_ps(&tile[i][8 * v], acc[i][v]);
  for (int64_t j = 0; j < ncols; ++j) {
    float* c = p.C + (col0 + j) * p.ldc + row0;
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
      c[i] = first ? scaleInto(tile[i][j], p.alpha, p.beta, c[i]) : c[i] + p.alpha * tile[i][j];
  }
}

template <int NV>
PRUNERL_TARGET_AVX2 void panelTileRows(const PanelProblem& p, int mr, int64_t row0, int64_t col0, int64_t ncols,
                                       int64_t k0, int64_t k1, bool first) {
  switch (mr) {
    case 6: return panelTile<6, NV>(p, row0, col0, ncols, k0, k1, first);
    case 5: return panelTile<5, NV>(p, row0, col0, ncols, k0, k1, first);
    case 4: return panelTile<4, NV>(p, row0, col0, ncols, k0, k1, first);
    case 3: return panelTile<3, NV>(p, row0, col0, ncols, k0, k1, first);
    case 2: return panelTile<2, NV>(p, row0, col0, ncols, k0, k1, first);
    default: return panelTile<1, NV>(p, row0, col0, ncols, k0, k1, first);
  }
}

PRUNERL_TARGET_AVX2 inline float sum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

template <int MR, int NR>
PRUNERL_TARGET_AVX2 void dotTile(const DotProblem& p, int64_t row0, int64_t col0) {
  __m256 acc[MR][NR];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    #pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) acc[i][j] = _mm256_setzero_ps();
  const float* a = p.A + row0 * p.lda;
  const float* b = p.B + col0 * p.ldb;
  int64_t k = 0;
  for (; k + 8 <= p.depth; k += 8) {
    __m256 bv[NR];
    #pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) bv[j] = _mm256_loadu_ps(b + j * p.ldb + k);
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m256 av = _mm256_loadu_ps(a + i * p.lda + k);
      #pragma GCC unroll 16
      for (int j = 0; j < NR; ++j) acc[i][j] = _mm256_fmadd_ps(av, bv[j], acc[i][j]);
    }
  }
  if (k < p.depth) {
    const __m256i m = firstLanes(p.depth - k);
    __m256 bv[NR];
    #pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) bv[j] = _mm256_maskload_ps(b + j * p.ldb + k, m);
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m256 av = _mm256_maskload_ps(a + i * p.lda + k, m);
      #pragma GCC unroll 16
      for (int j = 0; j < NR; ++j) acc[i][j] = _mm256_fmadd_ps(av, bv[j], acc[i][j]);
    }
  }
  #pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    #pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) {
      float* c = p.C + (row0 + i) * p.ldc + col0 + j;
      *c = scaleInto(sum8(acc[i][j]), p.alpha, p.beta, *c);
    }
}

template <int MR>
PRUNERL_TARGET_AVX2 void dotTileCols(const DotProblem& p, int nr, int64_t row0, int64_t col0) {
  switch (nr) {
    case 4: return dotTile<MR, 4>(p, row0, col0);
    case 3: return dotTile<MR, 3>(p, row0, col0);
    case 2: return dotTile<MR, 2>(p, row0, col0);
    default: return dotTile<MR, 1>(p, row0, col0);
  }
}

}  // namespace

PRUNERL_TARGET_AVX2 void panelTilesAvx2(const PanelProblem& p, int64_t rowBegin, int64_t rowEnd, int64_t colBegin,
                                        int64_t colEnd) {
  const int64_t depthBlock = p.transposedC ? kDepthBlockTransposed : kDepthBlock;
  for (int64_t k0 = 0; k0 < p.depth; k0 += depthBlock) {
    const int64_t k1 = std::min(p.depth, k0 + depthBlock);
    for (int64_t c0 = colBegin; c0 < colEnd; c0 += kCols) {
      const int64_t nc = std::min<int64_t>(kCols, colEnd - c0);
      for (int64_t r0 = rowBegin; r0 < rowEnd; r0 += kRows) {
        const int mr = static_cast<int>(std::min<int64_t>(kRows, rowEnd - r0));
        if (nc > 8)
          panelTileRows<2>(p, mr, r0, c0, nc, k0, k1, k0 == 0);
        else
          panelTileRows<1>(p, mr, r0, c0, nc, k0, k1, k0 == 0);
      }
    }
  }
}

PRUNERL_TARGET_AVX2 void dotTilesAvx2(const DotProblem& p, int64_t rowBegin, int64_t rowEnd, int64_t colBegin,
                                      int64_t colEnd) {
  for (int64_t r0 = rowBegin; r0 < rowEnd; r0 += 4) {
    const int mr = static_cast<int>(std::min<int64_t>(4, rowEnd - r0));
    for (int64_t c0 = colBegin; c0 < colEnd; c0 += 4) {
      const int nr = static_cast<int>(std::min<int64_t>(4, colEnd - c0));
      switch (mr) {
        case 4: dotTileCols<4>(p, nr, r0, c0); break;
        case 3: dotTileCols<3>(p, nr, r0, c0); break;
        case 2: dotTileCols<2>(p, nr, r0, c0); break;
        default: dotTileCols<1>(p, nr, r0, c0); break;
      }
    }
  }
}

}  // namespace prunerl::gemm_detail

#endif  // PRUNERL_X86_SIMD
