// Elementwise and bias ops used between layers.
#pragma once
#include <cstdint>

namespace prunerl {

void reluForward(const float* x, int64_t n, float* y);                    // y may alias x
void reluBackward(const float* y, const float* dy, int64_t n, float* dx);  // dx = dy where y > 0 (y: the output)
void biasAdd(float* y, const float* bias, int64_t rows, int64_t cols);      // y[r,c] += bias[c]
void biasGrad(const float* dy, int64_t rows, int64_t cols, float* db);      // db[c] = Σ_r dy[r,c] (overwritten)
void addInPlace(float* y, const float* x, int64_t n);                       // y += x (residual connections)

}  // namespace prunerl
