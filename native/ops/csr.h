// Compressed sparse row weights W[rows=out, cols=in] and the three products a sparse layer needs, each costing
// O(batch · nnz): forward Y = X·Wᵀ, input gradient dX = dY·W, weight gradient at the kept positions only (SDDMM).
#pragma once
#include <cstdint>
#include <vector>

namespace prunerl {

// A CSR matrix as pointers into its device's memory (host memory on the CPU, GPU memory for a device-resident CUDA
// table): what the products take. The column view (colPtr, rowIdx, valueOf) is required by spmmInputGrad and
// spmmBackward; rowOrder/colOrder (lines by decreasing length, for GPU load balancing) may be null on the CPU.
struct CsrView {
  int64_t rows = 0, cols = 0, nnz = 0;
  const int32_t* rowPtr = nullptr;   // rows + 1
  const int32_t* colIdx = nullptr;   // nnz
  const float* values = nullptr;     // nnz
  const int32_t* colPtr = nullptr;   // cols + 1
  const int32_t* rowIdx = nullptr;   // nnz
  const int32_t* valueOf = nullptr;  // nnz
  const int32_t* rowOrder = nullptr;  // rows
  const int32_t* colOrder = nullptr;  // cols
};

struct CsrMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<int32_t> rowPtr;  // rows + 1
  std::vector<int32_t> colIdx;  // nnz, increasing within a row
  std::vector<float> values;    // nnz
  // Column-major view of the same structure, for the input gradient; built by buildTranspose().
  std::vector<int32_t> colPtr;   // cols + 1
  std::vector<int32_t> rowIdx;   // nnz
  std::vector<int32_t> valueOf;  // nnz: index into values of the i-th column-major entry

  int64_t nnz() const { return static_cast<int64_t>(colIdx.size()); }  // (values may live elsewhere: a LayerWeights keeps them on its device)
  void buildTranspose();
  // Host pointers to this matrix, its column view built first if missing (lazily, once per structure; not
  // thread-safe, as before); no line orders.
  CsrView view() const;
  operator CsrView() const { return view(); }
};

// The lines of a compressed structure (ptr has lines + 1 entries) by decreasing length, ties by index: the order in
// which GPU kernels visit rows so neighbouring warps get similar work (Sputnik's row swizzle).
std::vector<int32_t> linesByLength(const std::vector<int32_t>& ptr);

// Keeps the entries whose mask byte is non-zero (their weight may be 0). mask == nullptr keeps every non-zero weight.
CsrMatrix csrFromDense(const float* W, const uint8_t* mask, int64_t rows, int64_t cols);
void csrToDense(const CsrMatrix& m, float* W);  // W[rows,cols], zero where not stored

// Y[b,o] = Σ_j W[o,col_j] · X[b,col_j]   (X: [batch,cols], Y: [batch,rows], overwritten)
void spmmReference(const CsrView& W, const float* X, int64_t batch, float* Y);
void spmm(const CsrView& W, const float* X, int64_t batch, float* Y);

// dX[b,i] = Σ_o dY[b,o] · W[o,i]   (dY: [batch,rows], dX: [batch,cols], overwritten)
void spmmInputGradReference(const CsrView& W, const float* dY, int64_t batch, float* dX);
void spmmInputGrad(const CsrView& W, const float* dY, int64_t batch, float* dX);

// dValues[j] = Σ_b dY[b,row_j] · X[b,col_j]   (the weight gradient at stored positions only)
void sddmmReference(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dValues);
void sddmm(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dValues);

// Both gradients of Y = X·Wᵀ at once: dX = dY·W (as spmmInputGrad) and dValues (as sddmm). The fast version walks
// the column view once: each column's X batch vector stays in registers while its entries meet the dY batch vectors
// of their rows, so X is read once per column instead of once per nonzero, and each thread transposes only its own
// columns of X.
void spmmBackwardReference(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dX,
                           float* dValues);
void spmmBackward(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dX, float* dValues);

}  // namespace prunerl
