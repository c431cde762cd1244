// AVX-512 micro-kernels for the dense gemm (see gemm_kernels.h for the two problem forms).
// Panel kernel: a 12×32 tile of C' lives in 24 zmm accumulators; each depth step loads one 32-wide row of P (two
// vectors) and broadcasts 12 elements of R: 24 FMAs per 2 vector loads, so it runs at the FMA port's rate. Depth
// is blocked (kDepthBlock) so the P block a thread sweeps stays in L1/L2 while every row block reuses it; when P's
// rows are far apart (a weight matrix) each block is first copied into contiguous panels (packPanels).
// Dot kernel: up to 4×4 dot products along the contiguous depth, 16 lanes at a time, reduced at the end (1×8 for a
// single row: batch-1 forward passes, where streaming W from memory is the whole cost).
#include "cpu/gemm_kernels.h"

#if PRUNERL_X86_SIMD
// GCC 12 reports its own _mm512_undefined_ps() inside AVX-512 shuffles as uninitialised: a known false positive.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>

namespace prunerl::gemm_detail {
namespace {

constexpr int kRows = 12;
constexpr int kCols = 32;
// Depth per pass: P block 256×32 floats = 32 KiB. Transposed stores scatter, so they get longer passes.
constexpr int64_t kDepthBlock = 256;
constexpr int64_t kDepthBlockTransposed = 1024;
// P rows further apart than this are copied into contiguous panels first (see panelTilesAvx512).
constexpr int64_t kPackStride = 64;
constexpr int64_t kGroupCols = 256;

PRUNERL_TARGET_AVX512 inline __mmask16 firstLanes(int64_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
}

// One MR × (16·NV) tile over depth [k0, k1); `first` says whether this pass applies beta (later passes add).
// b points at P(k0, col0), rows ldb apart.
template <int MR, int NV>
PRUNERL_TARGET_AVX512 void panelTile(const PanelProblem& p, int64_t row0, int64_t col0, int64_t ncols, int64_t k0,
                                     int64_t k1, bool first, const float* b, int64_t ldb) {
  __m512 acc[MR][NV];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    #pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  const __mmask16 lastMask = firstLanes(ncols - 16 * (NV - 1));
  const int64_t rs = p.rowStride, ks = p.depthStride;
  const float* r = p.R + row0 * rs + k0 * ks;
  for (int64_t k = k0; k < k1; ++k) {
    __m512 bv[NV];
    #pragma GCC unroll 16
    for (int v = 0; v < NV - 1; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
    bv[NV - 1] = _mm512_maskz_loadu_ps(lastMask, b + 16 * (NV - 1));
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512 a = _mm512_set1_ps(r[i * rs]);
      #pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(a, bv[v], acc[i][v]);
    }
    r += ks;
    b += ldb;
  }

  const __m512 alpha = _mm512_set1_ps(p.alpha), beta = _mm512_set1_ps(p.beta);
  if (!p.transposedC) {
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      float* c = p.C + (row0 + i) * p.ldc + col0;
      #pragma GCC unroll 16
      for (int v = 0; v < NV; ++v) {
        const __mmask16 m = v == NV - 1 ? lastMask : static_cast<__mmask16>(0xFFFF);
        __m512 out = _mm512_mul_ps(alpha, acc[i][v]);
        if (!first)
          out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(m, c + 16 * v));
        else if (p.beta != 0.0f)
          out = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(m, c + 16 * v), out);
        _mm512_mask_storeu_ps(c + 16 * v, m, out);
      }
    }
    return;
  }
  alignas(64) float tile[MR][16 * NV];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    #pragma GCC unroll 16
    for (int v = 0; v < NV; ++v) _mm512_store_ps(&tile[i][16 * v], acc[i][v]);
  for (int64_t j = 0; j < ncols; ++j) {
    float* c = p.C + (col0 + j) * p.ldc + row0;
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
      c[i] = first ? scaleInto(tile[i][j], p.alpha, p.beta, c[i]) : c[i] + p.alpha * tile[i][j];
  }
}

template <int NV>
PRUNERL_TARGET_AVX512 void panelTileRows(const PanelProblem& p, int mr, int64_t row0, int64_t col0, int64_t ncols,
                                         int64_t k0, int64_t k1, bool first, const float* b, int64_t ldb) {
  switch (mr) {
    case 12: return panelTile<12, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 11: return panelTile<11, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 10: return panelTile<10, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 9: return panelTile<9, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 8: return panelTile<8, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 7: return panelTile<7, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 6: return panelTile<6, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 5: return panelTile<5, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 4: return panelTile<4, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 3: return panelTile<3, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    case 2: return panelTile<2, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
    default: return panelTile<1, NV>(p, row0, col0, ncols, k0, k1, first, b, ldb);
  }
}

// MR × NR dot products over the whole depth.
template <int MR, int NR>
PRUNERL_TARGET_AVX512 void dotTile(const DotProblem& p, int64_t row0, int64_t col0) {
  __m512 acc[MR][NR];
  #pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    #pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_setzero_ps();
  const float* a = p.A + row0 * p.lda;
  const float* b = p.B + col0 * p.ldb;
  int64_t k = 0;
  for (; k + 16 <= p.depth; k += 16) {
    __m512 bv[NR];
    #pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) bv[j] = _mm512_loadu_ps(b + j * p.ldb + k);
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512 av = _mm512_loadu_ps(a + i * p.lda + k);
      #pragma GCC unroll 16
      for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_fmadd_ps(av, bv[j], acc[i][j]);
    }
  }
  if (k < p.depth) {
    const __mmask16 m = firstLanes(p.depth - k);
    __m512 bv[NR];
    #pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) bv[j] = _mm512_maskz_loadu_ps(m, b + j * p.ldb + k);
    #pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512 av = _mm512_maskz_loadu_ps(m, a + i * p.lda + k);
      #pragma GCC unroll 16
      for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_fmadd_ps(av, bv[j], acc[i][j]);
    }
  }
  #pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    #pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) {
      float* c = p.C + (row0 + i) * p.ldc + col0 + j;
      *c = scaleInto(_mm512_reduce_add_ps(acc[i][j]), p.alpha, p.beta, *c);
    }
}

template <int MR>
PRUNERL_TARGET_AVX512 void dotTileCols(const DotProblem& p, int nr, int64_t row0, int64_t col0) {
  switch (nr) {
    case 4: return dotTile<MR, 4>(p, row0, col0);
    case 3: return dotTile<MR, 3>(p, row0, col0);
    case 2: return dotTile<MR, 2>(p, row0, col0);
    default: return dotTile<MR, 1>(p, row0, col0);
  }
}

// Copies P(k0..k1, c0..c1) into panels of kCols columns, each [k1 - k0][kCols] (a partial last panel keeps its
// stride; its unused lanes are never read).
PRUNERL_TARGET_AVX512 void packPanels(const PanelProblem& p, int64_t k0, int64_t k1, int64_t c0, int64_t c1,
                                      float* out) {
  const int64_t depth = k1 - k0;
  for (int64_t k = k0; k < k1; ++k) {
    const float* src = p.P + k * p.ldp;
    for (int64_t c = c0, panel = 0; c < c1; c += kCols, ++panel) {
      float* dst = out + panel * depth * kCols + (k - k0) * kCols;
      const int64_t n = std::min<int64_t>(kCols, c1 - c);
      _mm512_storeu_ps(dst, _mm512_maskz_loadu_ps(firstLanes(n), src + c));
      _mm512_storeu_ps(dst + 16, _mm512_maskz_loadu_ps(firstLanes(n - 16 > 0 ? n - 16 : 0), src + c + 16));
    }
  }
}

}  // namespace

// Depth blocks outermost, so a P block is reused by every row block while it is in cache. When P's rows are far
// apart (B is a weight matrix [K, N]), each block of up to kGroupCols columns is first copied into contiguous panels:
// row-by-row reads the prefetchers follow, instead of one distant row per depth step.
PRUNERL_TARGET_AVX512 void panelTilesAvx512(const PanelProblem& p, int64_t rowBegin, int64_t rowEnd,
                                            int64_t colBegin, int64_t colEnd) {
  const int64_t depthBlock = p.transposedC ? kDepthBlockTransposed : kDepthBlock;
  const bool pack = p.ldp > kPackStride && rowEnd - rowBegin > kRows;
  float* packed = pack ? threadScratch(4, depthBlock * kGroupCols) : nullptr;
  for (int64_t k0 = 0; k0 < p.depth; k0 += depthBlock) {
    const int64_t k1 = std::min(p.depth, k0 + depthBlock);
    for (int64_t g0 = colBegin; g0 < colEnd; g0 += kGroupCols) {
      const int64_t g1 = std::min(colEnd, g0 + kGroupCols);
      if (pack) packPanels(p, k0, k1, g0, g1, packed);
      for (int64_t c0 = g0; c0 < g1; c0 += kCols) {
        const int64_t nc = std::min<int64_t>(kCols, g1 - c0);
        const float* b = pack ? packed + (c0 - g0) * (k1 - k0) : p.P + k0 * p.ldp + c0;
        const int64_t ldb = pack ? kCols : p.ldp;
        for (int64_t r0 = rowBegin; r0 < rowEnd; r0 += kRows) {
          const int mr = static_cast<int>(std::min<int64_t>(kRows, rowEnd - r0));
          if (nc > 16)
            panelTileRows<2>(p, mr, r0, c0, nc, k0, k1, k0 == 0, b, ldb);
          else
            panelTileRows<1>(p, mr, r0, c0, nc, k0, k1, k0 == 0, b, ldb);
        }
      }
    }
  }
}

PRUNERL_TARGET_AVX512 void dotTilesAvx512(const DotProblem& p, int64_t rowBegin, int64_t rowEnd, int64_t colBegin,
                                          int64_t colEnd) {
  for (int64_t r0 = rowBegin; r0 < rowEnd; r0 += 4) {
    const int mr = static_cast<int>(std::min<int64_t>(4, rowEnd - r0));
    if (mr == 1) {  // a single row (batch 1): 8 weight rows in flight keep more of the memory stream busy
      int64_t c0 = colBegin;
      for (; c0 + 8 <= colEnd; c0 += 8) dotTile<1, 8>(p, r0, c0);
      for (; c0 < colEnd; c0 += 4) dotTileCols<1>(p, static_cast<int>(std::min<int64_t>(4, colEnd - c0)), r0, c0);
      continue;
    }
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
