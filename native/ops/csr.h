// Compressed sparse row weights W[rows=out, cols=in] and the three products a sparse layer needs, each costing
// O(batch · nnz): forward Y = X·Wᵀ, input gradient dX = dY·W, weight gradient at the kept positions only (SDDMM).
#pragma once
#include <cstdint>
#include <vector>

namespace prunerl {

struct CsrMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<int32_t> rowPtr;  // rows + 1
  std::vector<int32_t> colIdx;  // nnz, increasing within a row
  std::vector<float> values;    // nnz
  // Column-major view of the same structure, for the input gradient; built by buildTranspose().
  std::vector<int32_t> colPtr;   // cols + 1
  std::vector<int32_t> rowIdx;   // nnz
  std::vector<int32_t> valueOf;  // nnz: index into values of the i-th column-major entry

  int64_t nnz() const { return static_cast<int64_t>(values.size()); }
  void buildTranspose();
};

// Keeps the entries whose mask byte is non-zero (their weight may be 0). mask == nullptr keeps every non-zero weight.
CsrMatrix csrFromDense(const float* W, const uint8_t* mask, int64_t rows, int64_t cols);
void csrToDense(const CsrMatrix& m, float* W);  // W[rows,cols], zero where not stored

// Y[b,o] = Σ_j W[o,col_j] · X[b,col_j]   (X: [batch,cols], Y: [batch,rows], overwritten)
void spmmReference(const CsrMatrix& W, const float* X, int64_t batch, float* Y);
void spmm(const CsrMatrix& W, const float* X, int64_t batch, float* Y);

// dX[b,i] = Σ_o dY[b,o] · W[o,i]   (dY: [batch,rows], dX: [batch,cols], overwritten)
void spmmInputGradReference(const CsrMatrix& W, const float* dY, int64_t batch, float* dX);
void spmmInputGrad(const CsrMatrix& W, const float* dY, int64_t batch, float* dX);

// dValues[j] = Σ_b dY[b,row_j] · X[b,col_j]   (the weight gradient at stored positions only)
void sddmmReference(const CsrMatrix& W, const float* dY, const float* X, int64_t batch, float* dValues);
void sddmm(const CsrMatrix& W, const float* dY, const float* X, int64_t batch, float* dValues);

// Both gradients of Y = X·Wᵀ at once: dX = dY·W (as spmmInputGrad) and dValues (as sddmm). The fast version walks
// the column view once: each column's X batch vector stays in registers while its entries meet the dY batch vectors
// of their rows, so X is read once per column instead of once per nonzero, and each thread transposes only its own
// columns of X.
void spmmBackwardReference(const CsrMatrix& W, const float* dY, const float* X, int64_t batch, float* dX,
                           float* dValues);
void spmmBackward(const CsrMatrix& W, const float* dY, const float* X, int64_t batch, float* dX, float* dValues);

}  // namespace prunerl
