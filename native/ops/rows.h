// Row-wise reductions over a [rows, cols] matrix (Q-values over actions).
#pragma once
#include <cstdint>

namespace prunerl {

void argmaxRows(const float* q, int64_t rows, int64_t cols, int32_t* out);  // first index of the max
void maxRows(const float* q, int64_t rows, int64_t cols, float* out);
void gatherRows(const float* q, const int32_t* index, int64_t rows, int64_t cols, float* out);  // q[r, index[r]]
void softmaxRows(const float* x, int64_t rows, int64_t cols, float* out);

}  // namespace prunerl
