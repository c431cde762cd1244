// Out-of-place transpose, dst[c·ldd + r] = src[r·lds + c]: the gemm packs a thin operand with it and the CSR
// kernels turn [batch, features] activations into [features, batch] so each nonzero meets a contiguous batch
// vector. Register blocks (16×16 zmm, 8×8 ymm) in the interior, a scalar loop on the ragged edges.
#include <algorithm>
#include <cstring>

#include "cpu/gemm_kernels.h"

#if PRUNERL_X86_SIMD
// GCC 12 reports its own _mm512_undefined_ps() inside AVX-512 shuffles as uninitialised: a known false positive.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#endif

namespace prunerl::gemm_detail {
namespace {

void transposeScalar(const float* src, int64_t r0, int64_t r1, int64_t c0, int64_t c1, int64_t lds, float* dst,
                     int64_t ldd) {
  for (int64_t r = r0; r < r1; ++r)
    for (int64_t c = c0; c < c1; ++c) dst[c * ldd + r] = src[r * lds + c];
}

// Rows a multiple of 4 KiB apart (1024, 3072, 5120 features) put their lines in one L1 set, and a register block
// reading or writing 8-16 such rows at once thrashes it (2-4× slower). Such a side goes through a small buffer
// instead, copied one row at a time. Tiles of kTile × kTile; blocks of B × B; ragged edges scalar.
constexpr int64_t kTile = 64, kTileStride = kTile + 16;

bool aliasesInL1(int64_t stride) { return stride % 1024 == 0; }

// Copies n floats (a multiple of B) in B-float pieces (kept inline: a libc call per short row costs more).
template <int B>
inline void copyRow(const float* from, float* to, int64_t n) {
  struct Piece {
    float v[B];
  };
  for (int64_t i = 0; i < n; i += B) *reinterpret_cast<Piece*>(to + i) = *reinterpret_cast<const Piece*>(from + i);
}

template <int B, typename BlockFn>
void transposeBlocked(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd,
                      BlockFn block) {
  alignas(64) float in[kTile * kTileStride], out[kTile * kTileStride];
  const bool stageIn = aliasesInL1(lds), stageOut = aliasesInL1(ldd);
  const int64_t fullRows = rows / B * B, fullCols = cols / B * B;
  for (int64_t r0 = 0; r0 < fullRows; r0 += kTile) {
    const int64_t r1 = std::min(fullRows, r0 + kTile);
    for (int64_t c0 = 0; c0 < fullCols; c0 += kTile) {
      const int64_t c1 = std::min(fullCols, c0 + kTile);
      const float* from = src + r0 * lds + c0;
      int64_t fromStride = lds;
      if (stageIn) {
        for (int64_t r = r0; r < r1; ++r) copyRow<B>(src + r * lds + c0, in + (r - r0) * kTileStride, c1 - c0);
        from = in, fromStride = kTileStride;
      }
      float* to = stageOut ? out : dst + c0 * ldd + r0;
      const int64_t toStride = stageOut ? kTileStride : ldd;
      for (int64_t c = 0; c < c1 - c0; c += B)
        for (int64_t r = 0; r < r1 - r0; r += B) block(from + r * fromStride + c, fromStride, to + c * toStride + r, toStride);
      if (stageOut)
        for (int64_t c = c0; c < c1; ++c) copyRow<B>(out + (c - c0) * kTileStride, dst + c * ldd + r0, r1 - r0);
    }
  }
  transposeScalar(src, fullRows, rows, 0, cols, lds, dst, ldd);
  transposeScalar(src, 0, fullRows, fullCols, cols, lds, dst, ldd);
}

#if PRUNERL_X86_SIMD
// 16×16 with half the shuffles of the classic unpack/shuffle/permute network: the first stage is done by the load
// unit (merge-masked 128-bit broadcasts put rows q, 4+q, 8+q, 12+q side by side in the four 128-bit lanes), leaving
// a 4×4 transpose inside each lane (32 in-lane shuffles instead of 64 shuffles, half of them across lanes).
PRUNERL_TARGET_AVX512 void transpose16x16(const float* src, int64_t lds, float* dst, int64_t ldd) {
  for (int j = 0; j < 4; ++j) {  // columns 4j..4j+3
    __m512 v[4];
    for (int q = 0; q < 4; ++q) {
      const float* p = src + q * lds + 4 * j;
      __m512 t = _mm512_broadcast_f32x4(_mm_loadu_ps(p));
      t = _mm512_mask_broadcast_f32x4(t, 0x00F0, _mm_loadu_ps(p + 4 * lds));
      t = _mm512_mask_broadcast_f32x4(t, 0x0F00, _mm_loadu_ps(p + 8 * lds));
      v[q] = _mm512_mask_broadcast_f32x4(t, 0xF000, _mm_loadu_ps(p + 12 * lds));
    }
    // Lane L of v[q] holds row 4L+q; transpose each lane's 4×4.
    const __m512 t0 = _mm512_unpacklo_ps(v[0], v[1]), t1 = _mm512_unpackhi_ps(v[0], v[1]);
    const __m512 t2 = _mm512_unpacklo_ps(v[2], v[3]), t3 = _mm512_unpackhi_ps(v[2], v[3]);
    _mm512_storeu_ps(dst + (4 * j) * ldd, _mm512_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)));
    _mm512_storeu_ps(dst + (4 * j + 1) * ldd, _mm512_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2)));
    _mm512_storeu_ps(dst + (4 * j + 2) * ldd, _mm512_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)));
    _mm512_storeu_ps(dst + (4 * j + 3) * ldd, _mm512_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2)));
  }
}

// transposeBlocked for B = 16, with inline copies. Only the destination is staged: with this kernel, reading 16
// aliasing source rows costs less than copying them, but writing 16 aliasing rows does not.
PRUNERL_TARGET_AVX512 void transposeAvx512(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst,
                                           int64_t ldd) {
  alignas(64) float out[kTile * kTileStride];
  const bool stageOut = aliasesInL1(ldd);
  const int64_t fullRows = rows / 16 * 16, fullCols = cols / 16 * 16;
  for (int64_t r0 = 0; r0 < fullRows; r0 += kTile) {
    const int64_t r1 = std::min(fullRows, r0 + kTile);
    for (int64_t c0 = 0; c0 < fullCols; c0 += kTile) {
      const int64_t c1 = std::min(fullCols, c0 + kTile);
      float* to = stageOut ? out : dst + c0 * ldd + r0;
      const int64_t toStride = stageOut ? kTileStride : ldd;
      for (int64_t r = r0; r < r1; r += 16)  // 16 source rows at a time
        for (int64_t c = c0; c < c1; c += 16)
          transpose16x16(src + r * lds + c, lds, to + (c - c0) * toStride + (r - r0), toStride);
      if (stageOut)
        for (int64_t c = c0; c < c1; ++c)
          for (int64_t r = r0; r < r1; r += 16)
            _mm512_storeu_ps(dst + c * ldd + r, _mm512_load_ps(out + (c - c0) * kTileStride + (r - r0)));
    }
  }
  transposeScalar(src, fullRows, rows, 0, cols, lds, dst, ldd);
  transposeScalar(src, 0, fullRows, fullCols, cols, lds, dst, ldd);
}

PRUNERL_TARGET_AVX2 void transpose8x8(const float* src, int64_t lds, float* dst, int64_t ldd) {
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * lds);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
    t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
  }
  for (int i = 0; i < 8; ++i) _mm256_storeu_ps(dst + i * ldd, t[i]);
}
#endif

void transpose8x8Portable(const float* src, int64_t lds, float* dst, int64_t ldd) {
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 8; ++c) dst[c * ldd + r] = src[r * lds + c];
}

}  // namespace

void transpose(SimdLevel level, const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return transposeAvx512(src, rows, cols, lds, dst, ldd);
  if (level == SimdLevel::Avx2) return transposeBlocked<8>(src, rows, cols, lds, dst, ldd, transpose8x8);
#endif
  transposeBlocked<8>(src, rows, cols, lds, dst, ldd, transpose8x8Portable);
}

}  // namespace prunerl::gemm_detail
