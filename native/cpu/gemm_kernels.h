// Internal to gemm.cpp and csr.cpp: the two problem forms the SIMD micro-kernels understand, and a transpose.
//
// Panel form (broadcast kernel, the workhorse):  C'[rows, cols] = alpha · R[rows, depth] · P[depth, cols] + beta · C'
//   R(i, p) = R[i·rowStride + p·depthStride]  (any layout: one element is broadcast at a time)
//   P(p, j) = P[p·ldp + j]                    (unit stride along cols: loaded as vectors)
//   C'(i, j) = C[i·ldc + j], or C[j·ldc + i] when transposedC (the driver solved the transposed problem).
// gemm.cpp maps every (transA, transB) case onto this form, transposing the smaller operand into P when needed.
//
// Dot form (for a thin dimension, where a panel would waste vector lanes):
//   C[i, j] = alpha · Σ_p A[i·lda + p] · B[j·ldb + p] + beta · C[i, j]   (both operands contiguous along depth)
#pragma once
#include <cstdint>

#include "base/simd.h"

namespace prunerl::gemm_detail {

struct PanelProblem {
  int64_t rows = 0, cols = 0, depth = 0;
  const float* R = nullptr;
  int64_t rowStride = 0, depthStride = 0;
  const float* P = nullptr;
  int64_t ldp = 0;
  float* C = nullptr;
  int64_t ldc = 0;
  bool transposedC = false;
  float alpha = 1.0f, beta = 0.0f;
};

struct DotProblem {
  int64_t rows = 0, cols = 0, depth = 0;
  const float* A = nullptr;
  int64_t lda = 0;
  const float* B = nullptr;
  int64_t ldb = 0;
  float* C = nullptr;
  int64_t ldc = 0;
  float alpha = 1.0f, beta = 0.0f;
};

// Computes the C' entries in [rowBegin, rowEnd) × [colBegin, colEnd) completely (all of depth). rowBegin must be a
// multiple of the kernel's rowBlock (the driver partitions in those units) so tiles stay aligned.
using PanelTilesFn = void (*)(const PanelProblem& p, int64_t rowBegin, int64_t rowEnd, int64_t colBegin,
                              int64_t colEnd);
using DotTilesFn = void (*)(const DotProblem& p, int64_t rowBegin, int64_t rowEnd, int64_t colBegin,
                            int64_t colEnd);

struct PanelKernel {
  int rowBlock;   // rows per micro-tile
  int colBlock;   // cols per micro-tile (a multiple of the vector width)
  PanelTilesFn tiles;
};

void panelTilesPortable(const PanelProblem&, int64_t, int64_t, int64_t, int64_t);
void dotTilesPortable(const DotProblem&, int64_t, int64_t, int64_t, int64_t);
#if PRUNERL_X86_SIMD
void panelTilesAvx2(const PanelProblem&, int64_t, int64_t, int64_t, int64_t);
void dotTilesAvx2(const DotProblem&, int64_t, int64_t, int64_t, int64_t);
void panelTilesAvx512(const PanelProblem&, int64_t, int64_t, int64_t, int64_t);
void dotTilesAvx512(const DotProblem&, int64_t, int64_t, int64_t, int64_t);
#endif

PanelKernel panelKernel(SimdLevel level);
DotTilesFn dotKernel(SimdLevel level);

// dst[c·ldd + r] = src[r·lds + c] for r < rows, c < cols (dst and src must not overlap). Blocked, SIMD at `level`.
void transpose(SimdLevel level, const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd);

// Final store of one accumulated value: alpha·acc (+ beta·old unless beta == 0, so NaNs in C are not propagated).
inline float scaleInto(float acc, float alpha, float beta, float old) {
  return beta == 0.0f ? alpha * acc : alpha * acc + beta * old;
}

}  // namespace prunerl::gemm_detail

namespace prunerl::gemm_detail {

// A 64-byte aligned scratch buffer of at least `floats` floats, owned by the calling thread and reused across calls
// (contents are not preserved when it grows). Slots keep concurrent users apart: the gemm packs into slot 0, the
// CSR kernels use slots 1 and 2 (and 5, the fused backward's third buffer), the masked matmul slot 3, the
// micro-kernels (on every thread) slot 4.
float* threadScratch(int slot, int64_t floats);

}  // namespace prunerl::gemm_detail
