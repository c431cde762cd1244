// Portable micro-kernels for the dense gemm (any CPU; the compiler vectorises the fixed-size inner loops with the
// baseline instruction set). Same blocking idea as the SIMD files, smaller tiles: 4×8 panel tiles, 4×4 dot tiles.
#include <algorithm>

#include "cpu/gemm_kernels.h"

namespace prunerl::gemm_detail {
namespace {

constexpr int kRows = 4;
constexpr int kCols = 8;
constexpr int64_t kDepthBlock = 256;

// Fixed 4×8 tile: constant trip counts so acc stays in registers.
void panelTileFull(const PanelProblem& p, int64_t row0, int64_t col0, int64_t k0, int64_t k1,
                   float (&acc)[kRows][kCols]) {
  for (int64_t k = k0; k < k1; ++k) {
    const float* b = p.P + k * p.ldp + col0;
    const float* r = p.R + row0 * p.rowStride + k * p.depthStride;
    for (int i = 0; i < kRows; ++i) {
      const float a = r[i * p.rowStride];
      for (int j = 0; j < kCols; ++j) acc[i][j] += a * b[j];
    }
  }
}

void panelTile(const PanelProblem& p, int64_t row0, int64_t mr, int64_t col0, int64_t nc, int64_t k0, int64_t k1,
               bool first) {
  float acc[kRows][kCols] = {};
  if (mr == kRows && nc == kCols) {
    panelTileFull(p, row0, col0, k0, k1, acc);
  } else {
    for (int64_t k = k0; k < k1; ++k) {
      const float* b = p.P + k * p.ldp + col0;
      for (int64_t i = 0; i < mr; ++i) {
        const float a = p.R[(row0 + i) * p.rowStride + k * p.depthStride];
        for (int64_t j = 0; j < nc; ++j) acc[i][j] += a * b[j];
      }
    }
  }
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t j = 0; j < nc; ++j) {
      float* c = p.transposedC ? &p.C[(col0 + j) * p.ldc + row0 + i] : &p.C[(row0 + i) * p.ldc + col0 + j];
      *c = first ? scaleInto(acc[i][j], p.alpha, p.beta, *c) : *c + p.alpha * acc[i][j];
    }
}

}  // namespace

void panelTilesPortable(const PanelProblem& p, int64_t rowBegin, int64_t rowEnd, int64_t colBegin, int64_t colEnd) {
  for (int64_t k0 = 0; k0 < p.depth; k0 += kDepthBlock) {
    const int64_t k1 = std::min(p.depth, k0 + kDepthBlock);
    for (int64_t c0 = colBegin; c0 < colEnd; c0 += kCols)
      for (int64_t r0 = rowBegin; r0 < rowEnd; r0 += kRows)
        panelTile(p, r0, std::min<int64_t>(kRows, rowEnd - r0), c0, std::min<int64_t>(kCols, colEnd - c0), k0, k1,
                  k0 == 0);
  }
}

void dotTilesPortable(const DotProblem& p, int64_t rowBegin, int64_t rowEnd, int64_t colBegin, int64_t colEnd) {
  constexpr int kLanes = 8;  // independent partial sums per dot product, so the loop vectorises
  for (int64_t i = rowBegin; i < rowEnd; ++i) {
    const float* a = p.A + i * p.lda;
    for (int64_t j = colBegin; j < colEnd; ++j) {
      const float* b = p.B + j * p.ldb;
      float part[kLanes] = {};
      int64_t k = 0;
      for (; k + kLanes <= p.depth; k += kLanes)
        for (int l = 0; l < kLanes; ++l) part[l] += a[k + l] * b[k + l];
      float acc = 0.0f;
      for (; k < p.depth; ++k) acc += a[k] * b[k];
      for (int l = 0; l < kLanes; ++l) acc += part[l];
      float* c = &p.C[i * p.ldc + j];
      *c = scaleInto(acc, p.alpha, p.beta, *c);
    }
  }
}

}  // namespace prunerl::gemm_detail
