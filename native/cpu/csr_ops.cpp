// Fast CSR products. For a batch of 4 or more the activations are transposed into [features, lanes] scratch
// (lanes = batch rounded up to the vector width), so each nonzero is one broadcast FMA over a contiguous batch vector
// (forward, input gradient) or one batch dot product (SDDMM); results are transposed back. Smaller batches gather
// single elements instead. The input gradient walks the column-major view (a gather per input feature, never a
// scatter).
// Threads: one parallel region per call, and each thread owns a whole slice end to end (its own transposes in its
// own scratch, its own outputs): either by batch rows (vector-width multiples) or by lines (rows or columns) of
// about equal nonzero counts, each thread then transposing the whole input itself. Reading data
// another core has just written costs more than redoing the transpose (on a VM the two vCPUs may be far apart).
// The split depends only on the sizes and the thread count, so results are deterministic.
#include <algorithm>
#include <cassert>
#include <cstring>

#include "base/thread_pool.h"
#include "ops/csr.h"
#include "cpu/csr_kernels.h"
#include "cpu/gemm_kernels.h"

namespace prunerl {
namespace {

using namespace csr_detail;
using gemm_detail::threadScratch;
using gemm_detail::transpose;

// Below this much work (multiply-adds plus moved elements) a product stays on the calling thread.
constexpr int64_t kMinParallelWork = 1 << 18;
// A scalar gather step costs about this many vector lanes of work (for the threading threshold).
constexpr int64_t kScalarCost = 8;
// The fixed work of one nonzero (index, value, address), in halves of a transposed element (measured per thread at
// 3072→384 and 5120→640, batch 32: splitting the batch wins from about 1.5 elements per nonzero).
constexpr int64_t kEntryCostHalves = 3;
// A transposed input larger than this (bytes) no longer stays in a core's L2 beside the streamed weights; then, at
// densities up to 1/kSparseDensityInverse, the gathers slow down more than halving the batch costs (measured per
// thread, 5120→640, batch 32: the batch split ~5% faster at 90% sparsity and ~8% at 95%, 20-40% slower at 50-80%).
constexpr int64_t kCachedLanesBytes = 512 << 10;
constexpr int64_t kSparseDensityInverse = 8;
// Batches smaller than this gather single elements (one pass per batch row) instead of transposing.
constexpr int64_t kMinTransposedBatch = 4;

CsrKernels kernelsFor(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return csrKernelsAvx512();
  if (level == SimdLevel::Avx2) return csrKernelsAvx2();
#endif
  return csrKernelsPortable();
}

int64_t roundUp(int64_t n, int64_t to) { return (n + to - 1) / to * to; }

// Where chunk c of `chunks` starts when lines [0, lines) are split into ranges of about equal entries + lines
// (ptr: the compressed pointer array): the first line whose cumulative cost reaches chunk c's share.
int64_t lineBoundary(const int32_t* ptr, int64_t lines, int c, int chunks) {
  if (c >= chunks) return lines;
  const auto cost = [&](int64_t r) { return ptr[r] + r; };
  const int64_t target = cost(lines) * c / chunks;
  int64_t lo = 0, hi = lines;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    if (cost(mid) < target) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// How many threads a product of this much work (multiply-adds and moved elements) gets.
int chunksFor(int64_t work) { return work < kMinParallelWork ? 1 : threadCount(); }

// dst[f·lanes + b] = src[b·lds + f] for f < features, b < batch; pad lanes [batch, lanes) zero.
void toLanes(SimdLevel level, const float* src, int64_t batch, int64_t features, int64_t lds, int64_t lanes,
             float* dst) {
  transpose(level, src, batch, features, lds, dst, lanes);
  if (lanes > batch)
    for (int64_t f = 0; f < features; ++f) std::memset(dst + f * lanes + batch, 0, (lanes - batch) * sizeof(float));
}

// out[b, line] = Σ over the line's entries of value · in[b, partner]; in: [batch, partners], out: [batch, lines].
void lineProducts(const CompressedView& view, int64_t lines, int64_t partners, const float* in, int64_t batch,
                  float* out) {
  const SimdLevel level = simdLevel();
  const CsrKernels k = kernelsFor(level);
  const int64_t nnz = view.ptr[lines];
  if (batch < kMinTransposedBatch) {
    const int chunks = chunksFor(kScalarCost * batch * (nnz + lines));
    parallelChunks(chunks, 1, [&](int c, int64_t, int64_t) {
      const int64_t l0 = lineBoundary(view.ptr, lines, c, chunks);
      const int64_t l1 = lineBoundary(view.ptr, lines, c + 1, chunks);
      for (int64_t b = 0; b < batch; ++b) k.gatherVector(view, in + b * partners, l0, l1, out + b * lines);
    });
    return;
  }
  const int chunks = chunksFor(roundUp(batch, k.lanes) * (nnz + partners + lines));
  const int64_t vectors = (batch + k.lanes - 1) / k.lanes;
  // Splitting the batch saves each thread half the input transpose (and half its cache footprint), splitting lines
  // saves it half the per-entry work (index, value, address: a few elements' worth of transposing each): pick the
  // larger saving.
  const int64_t fullLanesBytes = partners * roundUp(batch, k.lanes) * static_cast<int64_t>(sizeof(float));
  const bool uncachedAndSparse =
      fullLanesBytes > kCachedLanesBytes && nnz * kSparseDensityInverse <= partners * lines;
  const bool splitBatch =
      vectors >= chunks && (2 * partners * batch > kEntryCostHalves * nnz || uncachedAndSparse);
  parallelChunks(chunks, 1, [&](int c, int64_t, int64_t) {
    int64_t b0 = 0, b1 = batch, l0 = 0, l1 = lines;
    if (splitBatch) {
      b0 = std::min(batch, vectors * c / chunks * k.lanes);
      b1 = std::min(batch, vectors * (c + 1) / chunks * k.lanes);
    } else {
      l0 = lineBoundary(view.ptr, lines, c, chunks);
      l1 = lineBoundary(view.ptr, lines, c + 1, chunks);
    }
    if (b0 >= b1 || l0 >= l1) return;
    const int64_t lanes = roundUp(b1 - b0, k.lanes);
    float* inT = threadScratch(1, partners * lanes);
    float* outT = threadScratch(2, (l1 - l0) * lanes);
    toLanes(level, in + b0 * partners, b1 - b0, partners, partners, lanes, inT);
    k.gatherRows(view, inT, lanes, l0, l1, outT);
    transpose(level, outT, l1 - l0, b1 - b0, lanes, out + b0 * lines + l0, lines);
  });
}

}  // namespace

void spmm(const CsrView& W, const float* X, int64_t batch, float* Y) {
  if (batch <= 0 || W.rows <= 0) return;
  const CompressedView view{W.rowPtr, W.colIdx, W.values, nullptr};
  lineProducts(view, W.rows, W.cols, X, batch, Y);
}

void spmmInputGrad(const CsrView& W, const float* dY, int64_t batch, float* dX) {
  if (batch <= 0 || W.cols <= 0) return;
  assert(W.colPtr && W.rowIdx && W.valueOf);  // the column view (CsrMatrix::view() builds it)
  const CompressedView view{W.colPtr, W.rowIdx, W.values, W.valueOf};
  lineProducts(view, W.cols, W.rows, dY, batch, dX);
}

void sddmm(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dValues) {
  const int64_t nnz = W.nnz, rows = W.rows, cols = W.cols;
  if (nnz == 0) return;
  const int32_t* rowPtr = W.rowPtr;
  const int32_t* colIdx = W.colIdx;
  if (batch <= 0) {
    std::fill(dValues, dValues + nnz, 0.0f);
    return;
  }
  const SimdLevel level = simdLevel();
  const CsrKernels k = kernelsFor(level);
  if (batch < kMinTransposedBatch) {
    const int chunks = chunksFor(kScalarCost * batch * nnz);
    parallelChunks(chunks, 1, [&](int c, int64_t, int64_t) {
      const int64_t r0 = lineBoundary(rowPtr, rows, c, chunks), r1 = lineBoundary(rowPtr, rows, c + 1, chunks);
      for (int64_t e = rowPtr[r0]; e < rowPtr[r1]; ++e) dValues[e] = 0.0f;
      for (int64_t b = 0; b < batch; ++b) {
        const float* dy = dY + b * rows;
        const float* x = X + b * cols;
        for (int64_t r = r0; r < r1; ++r)
          for (int64_t e = rowPtr[r], end = rowPtr[r + 1]; e < end; ++e) dValues[e] += dy[r] * x[colIdx[e]];
      }
    });
    return;
  }
  // Rows split by nonzeros; each thread transposes its rows of dY and the whole of X.
  const int64_t lanes = roundUp(batch, k.lanes);
  const int chunks = chunksFor(lanes * (nnz + cols + rows));
  parallelChunks(chunks, 1, [&](int c, int64_t, int64_t) {
    const int64_t r0 = lineBoundary(rowPtr, rows, c, chunks), r1 = lineBoundary(rowPtr, rows, c + 1, chunks);
    if (r0 >= r1) return;
    float* dYt = threadScratch(1, (r1 - r0) * lanes);
    float* Xt = threadScratch(2, cols * lanes);
    toLanes(level, dY + r0, batch, r1 - r0, rows, lanes, dYt);
    toLanes(level, X, batch, cols, cols, lanes, Xt);
    k.sampledDots(rowPtr, colIdx, dYt, Xt, lanes, r0, r1, dValues);
  });
}

void spmmBackward(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dX, float* dValues) {
  const int64_t rows = W.rows, cols = W.cols;
  const SimdLevel level = simdLevel();
  const CsrKernels k = kernelsFor(level);
  const int64_t lanes = roundUp(batch, k.lanes);
  if (batch < kMinTransposedBatch || !k.gatherAndDots || lanes > k.maxFusedLanes || W.nnz == 0 || cols <= 0) {
    spmmInputGrad(W, dY, batch, dX);
    sddmm(W, dY, X, batch, dValues);
    return;
  }
  assert(W.colPtr && W.rowIdx && W.valueOf);  // the column view (CsrMatrix::view() builds it)
  const CompressedView view{W.colPtr, W.rowIdx, W.values, W.valueOf};
  // Columns split by nonzeros: each thread owns its columns of dX and their entries of dValues, transposes all of
  // dY (small: [rows, lanes]) and only its own columns of X.
  // Threaded at the same size as each of the two products it replaces: below that, a parallel region costs more
  // than it saves (measured: 1024→128 at 5% density, batch 32, was 1.5× slower on two threads than on one).
  const int chunks = chunksFor(lanes * (W.nnz + cols + rows));
  parallelChunks(chunks, 1, [&](int c, int64_t, int64_t) {
    const int64_t c0 = lineBoundary(view.ptr, cols, c, chunks), c1 = lineBoundary(view.ptr, cols, c + 1, chunks);
    if (c0 >= c1) return;
    float* dYt = threadScratch(1, rows * lanes);
    float* Xt = threadScratch(2, (c1 - c0) * lanes);
    float* dXt = threadScratch(5, (c1 - c0) * lanes);
    toLanes(level, dY, batch, rows, rows, lanes, dYt);
    toLanes(level, X + c0, batch, c1 - c0, cols, lanes, Xt);
    k.gatherAndDots(view, dYt, Xt, lanes, c0, c1, dXt, dValues);
    transpose(level, dXt, c1 - c0, batch, lanes, dX + c0, cols);
  });
}

}  // namespace prunerl
