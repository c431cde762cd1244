// Max pooling, NHWC, with the winner's flat index kept for the backward scatter.
// In NHWC the channels of a pixel are contiguous, so each window is pooled a vector of channels at a time
// (16 with AVX-512, 8 with AVX2) with compare-and-blend; the portable path is the same rule in plain C++.
// Windows are clipped to the image, which is what treating padding as −∞ means; padding < kernel guarantees every
// clipped window keeps at least one real pixel.
#include "ops/pool2d.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

#include "base/errors.h"
#include "base/simd.h"
#include "base/thread_pool.h"

#if PRUNERL_X86_SIMD
#include <immintrin.h>
#endif

namespace prunerl {
namespace {

void requirePositive(int64_t v, const char* field) {
  if (v < 1) {
    std::ostringstream m;
    m << "Expected a positive integer for " << field << " but received " << v;
    throw RangeError(m.str());
  }
}

// One clipped window: `first` is the flat index of its top-left pixel's channel 0, `rows`×`cols` its pixels,
// `rowStep` the distance between image rows (width·channels). Output pointers are at the window's pixel.
struct Window {
  int64_t first, rows, cols, rowStep, channels;
};

// The rule, for channels [cBegin, channels): scanning rows then columns visits flat indices in increasing order,
// and only a strictly larger value replaces the best, so ties go to the first (smallest) index. A NaN beats a
// number (the first NaN wins), so a NaN input shows in the output instead of being silently dropped.
// Revisiting the first pixel is harmless under this rule, so no loop needs to skip it.
// Channels are the inner loop: independent running maxima the CPU can overlap (and a compiler may vectorise),
// updated without branches because on real data who wins is unpredictable.
void poolWindowPortable(const float* __restrict x, const Window& w, int64_t cBegin, float* __restrict y,
                        int32_t* __restrict argmax) {
  for (int64_t c = cBegin; c < w.channels; ++c) {
    y[c] = x[w.first + c];
    argmax[c] = static_cast<int32_t>(w.first + c);
  }
  for (int64_t r = 0; r < w.rows; ++r)
    for (int64_t q = 0; q < w.cols; ++q) {
      const int64_t base = w.first + r * w.rowStep + q * w.channels;
      for (int64_t c = cBegin; c < w.channels; ++c) {
        const float v = x[base + c], best = y[c];
        const bool wins = (v > best) | ((v != v) & (best == best));
        y[c] = wins ? v : best;
        argmax[c] = wins ? static_cast<int32_t>(base + c) : argmax[c];
      }
    }
}

#if PRUNERL_X86_SIMD
PRUNERL_TARGET_AVX2 void poolWindowAvx2(const float* x, const Window& w, float* y, int32_t* argmax) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  int64_t c0 = 0;
  for (; c0 + 8 <= w.channels; c0 += 8) {
    __m256 best = _mm256_loadu_ps(x + w.first + c0);
    __m256i where = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(w.first + c0)), lane);
    for (int64_t r = 0; r < w.rows; ++r)
      for (int64_t q = 0; q < w.cols; ++q) {
        const int64_t i = w.first + r * w.rowStep + q * w.channels + c0;
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 nanBeatsNumber =
            _mm256_and_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q), _mm256_cmp_ps(best, best, _CMP_ORD_Q));
        const __m256 wins = _mm256_or_ps(_mm256_cmp_ps(v, best, _CMP_GT_OQ), nanBeatsNumber);
        best = _mm256_blendv_ps(best, v, wins);
        const __m256i index = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(i)), lane);
        where = _mm256_castps_si256(
            _mm256_blendv_ps(_mm256_castsi256_ps(where), _mm256_castsi256_ps(index), wins));
      }
    _mm256_storeu_ps(y + c0, best);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(argmax + c0), where);
  }
  poolWindowPortable(x, w, c0, y, argmax);
}

PRUNERL_TARGET_AVX512 void poolWindowAvx512(const float* x, const Window& w, float* y, int32_t* argmax) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (int64_t c0 = 0; c0 < w.channels; c0 += 16) {
    // The last block masks off channels past the end; masked lanes are never stored.
    const __mmask16 live = w.channels - c0 >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << (w.channels - c0)) - 1);
    __m512 best = _mm512_maskz_loadu_ps(live, x + w.first + c0);
    __m512i where = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(w.first + c0)), lane);
    for (int64_t r = 0; r < w.rows; ++r)
      for (int64_t q = 0; q < w.cols; ++q) {
        const int64_t i = w.first + r * w.rowStep + q * w.channels + c0;
        const __m512 v = _mm512_maskz_loadu_ps(live, x + i);
        const __mmask16 wins = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) |
                               (_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q) & _mm512_cmp_ps_mask(best, best, _CMP_ORD_Q));
        best = _mm512_mask_mov_ps(best, wins, v);
        where = _mm512_mask_mov_epi32(where, wins, _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(i)), lane));
      }
    _mm512_mask_storeu_ps(y + c0, live, best);
    _mm512_mask_storeu_epi32(argmax + c0, live, where);
  }
}
#endif

using PoolWindowFn = void (*)(const float*, const Window&, float*, int32_t*);

void poolWindowPortableAll(const float* x, const Window& w, float* y, int32_t* argmax) {
  poolWindowPortable(x, w, 0, y, argmax);
}

PoolWindowFn poolWindowForLevel(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return poolWindowAvx512;
  if (level == SimdLevel::Avx2) return poolWindowAvx2;
#endif
  return poolWindowPortableAll;
}

// The pooled outputs of one output row (b, oy).
void poolRow(PoolWindowFn poolWindow, const float* x, const Pool2dShape& s, int64_t b, int64_t oy, float* y,
             int32_t* argmax) {
  const int64_t C = s.channels;
  const int64_t y0 = std::max<int64_t>(0, oy * s.stride - s.padding);
  const int64_t y1 = std::min<int64_t>(s.height, oy * s.stride - s.padding + s.kernel);
  for (int64_t ox = 0; ox < s.outWidth(); ++ox) {
    const int64_t x0 = std::max<int64_t>(0, ox * s.stride - s.padding);
    const int64_t x1 = std::min<int64_t>(s.width, ox * s.stride - s.padding + s.kernel);
    const Window w{((b * s.height + y0) * s.width + x0) * C, y1 - y0, x1 - x0, s.width * C, C};
    poolWindow(x, w, y + ox * C, argmax + ox * C);
  }
}

}  // namespace

void validatePool2d(const Pool2dShape& s) {
  requirePositive(s.batch, "batch");
  requirePositive(s.height, "height");
  requirePositive(s.width, "width");
  requirePositive(s.channels, "channels");
  requirePositive(s.kernel, "kernel");
  requirePositive(s.stride, "stride");
  std::ostringstream m;
  if (s.padding < 0 || s.padding >= s.kernel) {
    m << "Expected an integer in [0, kernel − 1 = " << s.kernel - 1 << "] for padding but received " << s.padding;
    throw RangeError(m.str());
  }
  if (s.kernel > s.height + 2 * s.padding || s.kernel > s.width + 2 * s.padding) {
    m << "Expected kernel ≤ height + 2·padding and ≤ width + 2·padding (" << s.height + 2 * s.padding << ", "
      << s.width + 2 * s.padding << ") for kernel but received " << s.kernel;
    throw RangeError(m.str());
  }
  // argmax holds flat indices into x as int32.
  const int64_t limit = std::numeric_limits<int32_t>::max();
  int64_t size = 1;
  for (int64_t d : {s.batch, s.height, s.width, s.channels}) {
    if (size > limit / d)
      throw RangeError("Expected the input x (batch·height·width·channels) to have fewer than 2^31 elements but the "
                       "shape asks for more");
    size *= d;
  }
}

void maxPool2dForward(const float* x, const Pool2dShape& s, float* y, int32_t* argmax) {
  const PoolWindowFn poolWindow = poolWindowForLevel(simdLevel());
  const int64_t OH = s.outHeight(), rowSize = s.outWidth() * s.channels;
  // Rows write disjoint outputs, so any split gives identical results; split only when a chunk has real work.
  const int64_t grain = std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(1, rowSize * s.kernel * s.kernel));
  parallelFor(s.batch * OH, grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      poolRow(poolWindow, x, s, r / OH, r % OH, y + r * rowSize, argmax + r * rowSize);
  });
}

void maxPool2dBackward(const float* dy, const int32_t* argmax, int64_t outSize, int64_t inSize, float* dx) {
  // argmax entries are in [0, inSize): the binding checks a caller's; a Network's come from its own forward.
  // Sequential: overlapping windows (stride < kernel) can share a winner, so a parallel scatter would race.
  std::memset(dx, 0, sizeof(float) * inSize);
  for (int64_t j = 0; j < outSize; ++j) dx[argmax[j]] += dy[j];
}

}  // namespace prunerl
