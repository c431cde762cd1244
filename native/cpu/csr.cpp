// CSR structure (from/to dense, the column-major view) and the plain reference products, accumulated in double.
// The fast products are in csr_ops.cpp.
#include <algorithm>
#include <numeric>
#include <vector>

#include "base/errors.h"
#include "ops/csr.h"

namespace prunerl {

void CsrMatrix::buildTranspose() {
  const int64_t n = nnz();
  colPtr.assign(static_cast<size_t>(cols + 1), 0);
  rowIdx.resize(static_cast<size_t>(n));
  valueOf.resize(static_cast<size_t>(n));
  for (int64_t e = 0; e < n; ++e) ++colPtr[colIdx[e] + 1];
  for (int64_t c = 0; c < cols; ++c) colPtr[c + 1] += colPtr[c];
  // Counting sort by column; rows are visited in order, so row indices increase within each column.
  std::vector<int32_t> next(colPtr.begin(), colPtr.end() - 1);
  for (int64_t r = 0; r < rows; ++r)
    for (int32_t e = rowPtr[r]; e < rowPtr[r + 1]; ++e) {
      const int32_t at = next[colIdx[e]]++;
      rowIdx[at] = static_cast<int32_t>(r);
      valueOf[at] = e;
    }
}

CsrView CsrMatrix::view() const {
  if (colPtr.size() != static_cast<size_t>(cols + 1) || valueOf.size() != colIdx.size())
    const_cast<CsrMatrix*>(this)->buildTranspose();  // lazily, once per structure (not thread-safe, as documented)
  CsrView v;
  v.rows = rows, v.cols = cols, v.nnz = nnz();
  v.rowPtr = rowPtr.data(), v.colIdx = colIdx.data(), v.values = values.data();
  v.colPtr = colPtr.data(), v.rowIdx = rowIdx.data(), v.valueOf = valueOf.data();
  return v;
}

std::vector<int32_t> linesByLength(const std::vector<int32_t>& ptr) {
  std::vector<int32_t> order(ptr.empty() ? 0 : ptr.size() - 1);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return ptr[a + 1] - ptr[a] > ptr[b + 1] - ptr[b];
  });
  return order;
}

CsrMatrix csrFromDense(const float* W, const uint8_t* mask, int64_t rows, int64_t cols) {
  require(rows >= 0 && cols >= 0, "Expected non-negative rows and cols for a CSR matrix");
  require(rows * cols < (int64_t{1} << 31), "Expected a CSR matrix with fewer than 2^31 entries");
  CsrMatrix m;
  m.rows = rows, m.cols = cols;
  m.rowPtr.resize(static_cast<size_t>(rows + 1));
  m.rowPtr[0] = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const int64_t i = r * cols + c;
      if (mask ? mask[i] != 0 : W[i] != 0.0f) {
        m.colIdx.push_back(static_cast<int32_t>(c));
        m.values.push_back(W[i]);
      }
    }
    m.rowPtr[r + 1] = static_cast<int32_t>(m.colIdx.size());
  }
  return m;
}

void csrToDense(const CsrMatrix& m, float* W) {
  for (int64_t i = 0; i < m.rows * m.cols; ++i) W[i] = 0.0f;
  for (int64_t r = 0; r < m.rows; ++r)
    for (int32_t e = m.rowPtr[r]; e < m.rowPtr[r + 1]; ++e) W[r * m.cols + m.colIdx[e]] = m.values[e];
}

void spmmReference(const CsrView& W, const float* X, int64_t batch, float* Y) {
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t r = 0; r < W.rows; ++r) {
      double acc = 0.0;
      for (int32_t e = W.rowPtr[r]; e < W.rowPtr[r + 1]; ++e)
        acc += static_cast<double>(W.values[e]) * X[b * W.cols + W.colIdx[e]];
      Y[b * W.rows + r] = static_cast<float>(acc);
    }
}

void spmmInputGradReference(const CsrView& W, const float* dY, int64_t batch, float* dX) {
  std::vector<double> acc(static_cast<size_t>(batch * W.cols), 0.0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t r = 0; r < W.rows; ++r)
      for (int32_t e = W.rowPtr[r]; e < W.rowPtr[r + 1]; ++e)
        acc[b * W.cols + W.colIdx[e]] += static_cast<double>(W.values[e]) * dY[b * W.rows + r];
  for (size_t i = 0; i < acc.size(); ++i) dX[i] = static_cast<float>(acc[i]);
}

void sddmmReference(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dValues) {
  for (int64_t r = 0; r < W.rows; ++r)
    for (int32_t e = W.rowPtr[r]; e < W.rowPtr[r + 1]; ++e) {
      double acc = 0.0;
      for (int64_t b = 0; b < batch; ++b)
        acc += static_cast<double>(dY[b * W.rows + r]) * X[b * W.cols + W.colIdx[e]];
      dValues[e] = static_cast<float>(acc);
    }
}

void spmmBackwardReference(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dX,
                           float* dValues) {
  spmmInputGradReference(W, dY, batch, dX);
  sddmmReference(W, dY, X, batch, dValues);
}

}  // namespace prunerl
