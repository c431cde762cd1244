// Dense gemm: the plain reference and the fast driver that maps every (transA, transB) case onto the SIMD
// micro-kernels of gemm_kernels.h (see there for the panel and dot forms).
//
//   no transB      C = op(A)·B: R = op(A) (broadcast, any layout), P = B (rows contiguous along N).
//                  Used by dX = dY·W and dW = dYᵀ·X.
//   transA+transB  the transposed problem Cᵀ = B·A: R = B, P = A, C stored transposed.
//   transB only    the layer forward Y = X·Wᵀ. The operand cheaper to transpose becomes P (for a batch of 32
//                  against a weight matrix, X: C is then stored transposed); when one side is thin (≤ kDotMaxThin,
//                  e.g. batch 1), dot products along K instead, so W is streamed exactly once and no lane idles.
// Threads split the larger tile dimension into contiguous ranges in one parallel region; each thread transposes the
// P columns it needs itself. Each C entry is computed by one thread in a fixed order, so results do not depend on
// timing. Problems under ~2^20 multiply-adds stay on the calling thread.
#include "ops/gemm.h"

#include <algorithm>
#include <memory>
#include <numeric>

#include "base/aligned_buffer.h"
#include "base/thread_pool.h"
#include "cpu/gemm_kernels.h"

namespace prunerl {

void gemmReference(const GemmArgs& g) {
  for (int64_t i = 0; i < g.M; ++i) {
    for (int64_t j = 0; j < g.N; ++j) {
      double acc = 0.0;
      for (int64_t p = 0; p < g.K; ++p) {
        float a = g.transA ? g.A[p * g.lda + i] : g.A[i * g.lda + p];
        float b = g.transB ? g.B[j * g.ldb + p] : g.B[p * g.ldb + j];
        acc += static_cast<double>(a) * b;
      }
      float* c = &g.C[i * g.ldc + j];
      *c = g.alpha * static_cast<float>(acc) + (g.beta == 0.0f ? 0.0f : g.beta * *c);
    }
  }
}

namespace gemm_detail {

float* threadScratch(int slot, int64_t floats) {
  constexpr int kSlots = 6;
  thread_local std::unique_ptr<AlignedBuffer> buffers[kSlots];
  auto& buffer = buffers[slot];
  const size_t bytes = static_cast<size_t>(std::max<int64_t>(floats, 16)) * sizeof(float);
  if (!buffer || buffer->bytes() < bytes) buffer = std::make_unique<AlignedBuffer>(bytes + bytes / 2);
  return static_cast<float*>(buffer->data());
}

PanelKernel panelKernel(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return {12, 32, panelTilesAvx512};
  if (level == SimdLevel::Avx2) return {6, 16, panelTilesAvx2};
#endif
  return {4, 8, panelTilesPortable};
}

DotTilesFn dotKernel(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return dotTilesAvx512;
  if (level == SimdLevel::Avx2) return dotTilesAvx2;
#endif
  return dotTilesPortable;
}

}  // namespace gemm_detail

namespace {

using namespace gemm_detail;

// Below this many multiply-adds a problem runs on the calling thread: a parallel region costs a few microseconds
// (more on a busy machine), about what 2^20 multiply-adds take on one core.
constexpr int64_t kMinParallelWork = 1 << 20;
// Per-thread chunks are at least this much work.
constexpr int64_t kChunkWork = 1 << 19;
// transB with min(M, N) at most this: dot products (a panel would leave most vector lanes idle).
constexpr int64_t kDotMaxThin = 4;
// The SIMD kernels' depth pass when C is stored transposed (each pass scatters C once).
constexpr int64_t kTransposedDepthPass = 1024;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

void scaleC(const GemmArgs& g) {
  for (int64_t i = 0; i < g.M; ++i)
    for (int64_t j = 0; j < g.N; ++j) {
      float* c = &g.C[i * g.ldc + j];
      *c = g.beta == 0.0f ? 0.0f : g.beta * *c;
    }
}

// P given as a matrix to transpose: P(p, j) = src[j·lds + p], j < cols of the problem, p < depth.
struct TransposedP {
  const float* src = nullptr;
  int64_t lds = 0;
};

// Tiles [r0, r1) × [c0, c1) of p. With a TransposedP, this thread first transposes the P columns it needs into its
// own scratch: threads never read each other's packed data (on a VM the other core's cache can be far away).
void panelSlice(const PanelProblem& p, const PanelKernel& kernel, SimdLevel level, const TransposedP* pack,
                int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  if (!pack) {
    kernel.tiles(p, r0, r1, c0, c1);
    return;
  }
  PanelProblem local = p;  // the sub-problem of columns [c0, c1), so the packed panel starts at column 0
  local.cols = c1 - c0;
  local.C = p.transposedC ? p.C + c0 * p.ldc : p.C + c0;
  local.ldp = ceilDiv(local.cols, 16) * 16;
  float* panel = threadScratch(0, p.depth * local.ldp);
  transpose(level, pack->src + c0 * pack->lds, local.cols, p.depth, pack->lds, panel, local.ldp);
  local.P = panel;
  kernel.tiles(local, r0, r1, 0, local.cols);
}

void runPanel(const PanelProblem& p, SimdLevel level, const TransposedP* pack = nullptr) {
  const PanelKernel kernel = panelKernel(level);
  const int64_t work = p.rows * p.cols * p.depth;
  if (work < kMinParallelWork || threadCount() == 1) {
    panelSlice(p, kernel, level, pack, 0, p.rows, 0, p.cols);
    return;
  }
  // Row ranges of a transposed C' are columns of C: keep them whole cache lines (16 floats) so that two threads
  // never write the same line.
  const int64_t rowUnit = p.transposedC ? std::lcm<int64_t>(kernel.rowBlock, 16) : kernel.rowBlock;
  const int64_t rowUnits = ceilDiv(p.rows, rowUnit), colPanels = ceilDiv(p.cols, kernel.colBlock);
  // Split columns when there are enough panels (threads then read disjoint parts of P), else rows.
  if (colPanels >= rowUnits || colPanels >= 4 * threadCount()) {
    const int64_t perPanel = std::max<int64_t>(1, p.rows * kernel.colBlock * p.depth);
    parallelFor(colPanels, ceilDiv(kChunkWork, perPanel), [&](int64_t b, int64_t e) {
      panelSlice(p, kernel, level, pack, 0, p.rows, b * kernel.colBlock, std::min(p.cols, e * kernel.colBlock));
    });
  } else {
    const int64_t perUnit = std::max<int64_t>(1, rowUnit * p.cols * p.depth);
    parallelFor(rowUnits, ceilDiv(kChunkWork, perUnit), [&](int64_t b, int64_t e) {
      panelSlice(p, kernel, level, pack, b * rowUnit, std::min(p.rows, e * rowUnit), 0, p.cols);
    });
  }
}

void runDot(const DotProblem& p, SimdLevel level) {
  const DotTilesFn tiles = dotKernel(level);
  const int64_t work = p.rows * p.cols * p.depth;
  if (work < kMinParallelWork || threadCount() == 1) {
    tiles(p, 0, p.rows, 0, p.cols);
    return;
  }
  // Tiles are 4×4: split the longer side in multiples of 4.
  if (p.cols >= p.rows) {
    const int64_t units = ceilDiv(p.cols, 4);
    parallelFor(units, ceilDiv(kChunkWork, 4 * p.rows * p.depth),
                [&](int64_t b, int64_t e) { tiles(p, 0, p.rows, b * 4, std::min(p.cols, e * 4)); });
  } else {
    const int64_t units = ceilDiv(p.rows, 4);
    parallelFor(units, ceilDiv(kChunkWork, 4 * p.cols * p.depth),
                [&](int64_t b, int64_t e) { tiles(p, b * 4, std::min(p.rows, e * 4), 0, p.cols); });
  }
}

}  // namespace

void gemm(const GemmArgs& g) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) {
    scaleC(g);
    return;
  }
  const SimdLevel level = simdLevel();
  PanelProblem p;
  p.alpha = g.alpha, p.beta = g.beta, p.C = g.C, p.ldc = g.ldc, p.depth = g.K;

  if (!g.transB) {  // C = op(A)·B
    p.rows = g.M, p.cols = g.N;
    p.R = g.A, p.rowStride = g.transA ? 1 : g.lda, p.depthStride = g.transA ? g.lda : 1;
    p.P = g.B, p.ldp = g.ldb;
    runPanel(p, level);
    return;
  }
  if (g.transA) {  // Cᵀ = B·A, with A stored [K, M]
    p.rows = g.N, p.cols = g.M, p.transposedC = true;
    p.R = g.B, p.rowStride = g.ldb, p.depthStride = 1;
    p.P = g.A, p.ldp = g.lda;
    runPanel(p, level);
    return;
  }
  if (std::min(g.M, g.N) <= kDotMaxThin) {
    DotProblem d;
    d.rows = g.M, d.cols = g.N, d.depth = g.K;
    d.A = g.A, d.lda = g.lda, d.B = g.B, d.ldb = g.ldb, d.C = g.C, d.ldc = g.ldc, d.alpha = g.alpha, d.beta = g.beta;
    runDot(d, level);
    return;
  }
  // C = A·Bᵀ: one operand is transposed into [K, ·] panels. Packing A costs its transpose plus scattered
  // (transposed) stores of C once per depth pass; packing B costs its transpose.
  const int64_t packACost = g.M * g.K / 2 + g.M * g.N * ceilDiv(g.K, kTransposedDepthPass);
  const bool packA = packACost < g.N * g.K / 2;
  p.depthStride = 1;
  TransposedP pack;
  if (packA) {  // Cᵀ[N, M] = B · Aᵀ
    p.rows = g.N, p.cols = g.M, p.transposedC = true, p.R = g.B, p.rowStride = g.ldb;
    pack.src = g.A, pack.lds = g.lda;
  } else {      // C[M, N] = A · Bᵀ
    p.rows = g.M, p.cols = g.N, p.R = g.A, p.rowStride = g.lda;
    pack.src = g.B, pack.lds = g.ldb;
  }
  runPanel(p, level, &pack);
}

void linearForward(const float* X, const float* W, const float* bias, int64_t batch, int64_t in, int64_t out,
                   float* Y) {
  GemmArgs g;
  g.transB = true;
  g.M = batch, g.N = out, g.K = in;
  g.A = X, g.lda = in, g.B = W, g.ldb = in, g.C = Y, g.ldc = out;
  gemm(g);
  if (bias)
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t o = 0; o < out; ++o) Y[b * out + o] += bias[o];
}

}  // namespace prunerl
