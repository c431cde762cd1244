// Row-wise reductions over Q-values [rows, cols]: greedy actions (argmax), bootstrap targets (max), the Q-value of
// the action taken (gather) and action distributions (softmax). A batch is 32 × a few actions (× 51 atoms for C51),
// so these are plain loops.
// NaN is treated as larger than every number, as torch.argmax / torch.max do: a row holding NaN reports its first
// NaN, so a diverged network is visible rather than silently choosing action 0.
#include "ops/rows.h"

#include <cmath>
#include <string>

#include "base/errors.h"

namespace prunerl {
namespace {

// Index of the first maximum of row[0, cols) (the first NaN if there is one); cols ≥ 1.
int64_t firstMax(const float* row, int64_t cols) {
  int64_t best = 0;
  if (std::isnan(row[0])) return 0;
  for (int64_t c = 1; c < cols; ++c) {
    if (std::isnan(row[c])) return c;
    if (row[c] > row[best]) best = c;
  }
  return best;
}

void requireColumns(int64_t cols) {
  if (cols < 1) throw RangeError("Expected at least one column for cols but received " + std::to_string(cols));
}

}  // namespace

void argmaxRows(const float* q, int64_t rows, int64_t cols, int32_t* out) {
  requireColumns(cols);
  for (int64_t r = 0; r < rows; ++r) out[r] = static_cast<int32_t>(firstMax(q + r * cols, cols));
}

void maxRows(const float* q, int64_t rows, int64_t cols, float* out) {
  requireColumns(cols);
  for (int64_t r = 0; r < rows; ++r) out[r] = q[r * cols + firstMax(q + r * cols, cols)];
}

void gatherRows(const float* q, const int32_t* index, int64_t rows, int64_t cols, float* out) {
  for (int64_t r = 0; r < rows; ++r) {
    if (index[r] < 0 || index[r] >= cols)
      throw RangeError("Expected an integer in [0, " + std::to_string(cols) + ") for index[" + std::to_string(r) +
                       "] (the column to take from row " + std::to_string(r) + ") but received " +
                       std::to_string(index[r]));
    out[r] = q[r * cols + index[r]];
  }
}

// exp(x − max) / Σ exp(x − max) in double, rounded once; the max subtracted so that no exp overflows.
void softmaxRows(const float* x, int64_t rows, int64_t cols, float* out) {
  requireColumns(cols);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    double maxX = row[0];
    for (int64_t c = 1; c < cols; ++c) maxX = std::fmax(maxX, static_cast<double>(row[c]));
    double sum = 0.0;
    for (int64_t c = 0; c < cols; ++c) sum += std::exp(static_cast<double>(row[c]) - maxX);
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = static_cast<float>(std::exp(static_cast<double>(row[c]) - maxX) / sum);
  }
}

}  // namespace prunerl
