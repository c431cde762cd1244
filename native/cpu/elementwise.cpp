// ReLU, its backward, bias add / bias gradient and the residual add, run between layers on every forward and
// backward pass. Each is a streaming loop, written 16 lanes at a time for AVX-512 (masked tails), 8 for AVX2 and
// plainly for the portable path; all three give identical results (no rounding differs: max, select and one add
// per element). Arrays of more than about kGrain elements are split across threads.
// biasGrad sums each column in double, rows in order within a thread's contiguous block and blocks in order, so
// its result does not depend on the SIMD level and is exact to float rounding even over many rows (conv layers sum
// batch·height·width rows).
#include "ops/elementwise.h"

#include <algorithm>
#include <vector>

#include "base/simd.h"
#include "base/thread_pool.h"

#if PRUNERL_X86_SIMD
#include <immintrin.h>
#endif

namespace prunerl {
namespace {

constexpr int64_t kGrain = 16384;

// `x > 0 ? x : 0` maps NaN and −0 to +0, exactly as max(x, 0) does in the vector instructions below.
inline float relu(float x) { return x > 0.0f ? x : 0.0f; }

// One kernel per op and level over a contiguous range; the public functions pick the level and split the work.
struct ElementwiseKernels {
  void (*relu)(const float* x, int64_t n, float* y);
  void (*reluBackward)(const float* y, const float* dy, int64_t n, float* dx);
  void (*add)(float* y, const float* x, int64_t n);  // y += x; biasAdd calls it once per row
};

void reluPortable(const float* x, int64_t n, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = relu(x[i]);
}
void reluBackwardPortable(const float* y, const float* dy, int64_t n, float* dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}
void addPortable(float* y, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += x[i];
}

#if PRUNERL_X86_SIMD
PRUNERL_TARGET_AVX2 void reluAvx2(const float* x, int64_t n, float* y) {
  const __m256 zero = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_max_ps(_mm256_loadu_ps(x + i), zero));
  for (; i < n; ++i) y[i] = relu(x[i]);
}
PRUNERL_TARGET_AVX2 void reluBackwardAvx2(const float* y, const float* dy, int64_t n, float* dx) {
  const __m256 zero = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 positive = _mm256_cmp_ps(_mm256_loadu_ps(y + i), zero, _CMP_GT_OQ);
    _mm256_storeu_ps(dx + i, _mm256_and_ps(positive, _mm256_loadu_ps(dy + i)));
  }
  for (; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}
PRUNERL_TARGET_AVX2 void addAvx2(float* y, const float* x, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_loadu_ps(x + i)));
  for (; i < n; ++i) y[i] += x[i];
}

PRUNERL_TARGET_AVX512 inline __mmask16 firstLanes(int64_t left) {
  return left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1u);
}
PRUNERL_TARGET_AVX512 void reluAvx512(const float* x, int64_t n, float* y) {
  const __m512 zero = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = firstLanes(n - i);
    _mm512_mask_storeu_ps(y + i, k, _mm512_maskz_max_ps(k, _mm512_maskz_loadu_ps(k, x + i), zero));
  }
}
PRUNERL_TARGET_AVX512 void reluBackwardAvx512(const float* y, const float* dy, int64_t n, float* dx) {
  const __m512 zero = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = firstLanes(n - i);
    const __mmask16 positive = _mm512_mask_cmp_ps_mask(k, _mm512_maskz_loadu_ps(k, y + i), zero, _CMP_GT_OQ);
    _mm512_mask_storeu_ps(dx + i, k, _mm512_maskz_loadu_ps(positive, dy + i));
  }
}
PRUNERL_TARGET_AVX512 void addAvx512(float* y, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = firstLanes(n - i);
    _mm512_mask_storeu_ps(y + i, k, _mm512_add_ps(_mm512_maskz_loadu_ps(k, y + i), _mm512_maskz_loadu_ps(k, x + i)));
  }
}

// Column sums in double over rows [r0, r1): the inner loop over columns is what the compiler vectorises.
PRUNERL_TARGET_AVX512 void columnSumsAvx512(const float* dy, int64_t r0, int64_t r1, int64_t cols, double* acc) {
  for (int64_t r = r0; r < r1; ++r)
    for (int64_t c = 0; c < cols; ++c) acc[c] += static_cast<double>(dy[r * cols + c]);
}
PRUNERL_TARGET_AVX2 void columnSumsAvx2(const float* dy, int64_t r0, int64_t r1, int64_t cols, double* acc) {
  for (int64_t r = r0; r < r1; ++r)
    for (int64_t c = 0; c < cols; ++c) acc[c] += static_cast<double>(dy[r * cols + c]);
}
#endif

void columnSumsPortable(const float* dy, int64_t r0, int64_t r1, int64_t cols, double* acc) {
  for (int64_t r = r0; r < r1; ++r)
    for (int64_t c = 0; c < cols; ++c) acc[c] += static_cast<double>(dy[r * cols + c]);
}

ElementwiseKernels kernels(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return {reluAvx512, reluBackwardAvx512, addAvx512};
  if (level == SimdLevel::Avx2) return {reluAvx2, reluBackwardAvx2, addAvx2};
#endif
  return {reluPortable, reluBackwardPortable, addPortable};
}

using ColumnSums = void (*)(const float*, int64_t, int64_t, int64_t, double*);

ColumnSums columnSums(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return columnSumsAvx512;
  if (level == SimdLevel::Avx2) return columnSumsAvx2;
#endif
  return columnSumsPortable;
}

// Rows per thread chunk so that a chunk holds about kGrain elements.
int64_t rowGrain(int64_t cols) { return std::max<int64_t>(1, kGrain / std::max<int64_t>(cols, 1)); }

}  // namespace

void reluForward(const float* x, int64_t n, float* y) {
  const auto k = kernels(simdLevel()).relu;
  parallelFor(n, kGrain, [&](int64_t b, int64_t e) { k(x + b, e - b, y + b); });
}

void reluBackward(const float* y, const float* dy, int64_t n, float* dx) {
  const auto k = kernels(simdLevel()).reluBackward;
  parallelFor(n, kGrain, [&](int64_t b, int64_t e) { k(y + b, dy + b, e - b, dx + b); });
}

void addInPlace(float* y, const float* x, int64_t n) {
  const auto k = kernels(simdLevel()).add;
  parallelFor(n, kGrain, [&](int64_t b, int64_t e) { k(y + b, x + b, e - b); });
}

void biasAdd(float* y, const float* bias, int64_t rows, int64_t cols) {
  const auto k = kernels(simdLevel()).add;
  parallelFor(rows, rowGrain(cols), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) k(y + r * cols, bias, cols);
  });
}

void biasGrad(const float* dy, int64_t rows, int64_t cols, float* db) {
  const ColumnSums sums = columnSums(simdLevel());
  // One row of partial sums per chunk, added in chunk order afterwards (deterministic for a given thread count).
  std::vector<double> partial(static_cast<size_t>(threadCount() * std::max<int64_t>(cols, 1)), 0.0);
  const int chunks = parallelChunks(rows, rowGrain(cols), [&](int chunk, int64_t r0, int64_t r1) {
    sums(dy, r0, r1, cols, partial.data() + chunk * cols);
  });
  for (int64_t c = 0; c < cols; ++c) {
    double total = 0.0;
    for (int chunk = 0; chunk < chunks; ++chunk) total += partial[chunk * cols + c];
    db[c] = static_cast<float>(total);
  }
}

}  // namespace prunerl
