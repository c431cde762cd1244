// Dense matrix multiply, row-major: C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C.
// op(A) is A ([M,K], lda ≥ K) or Aᵀ (A stored [K,M], lda ≥ M); the same for B. beta = 0 overwrites C (NaNs in C
// are not propagated). The layer ops use: forward Y = X·Wᵀ (transB), input gradient dX = dY·W, weight gradient
// dW = dYᵀ·X (transA).
#pragma once
#include <cstdint>

namespace prunerl {

struct GemmArgs {
  bool transA = false, transB = false;
  int64_t M = 0, N = 0, K = 0;
  float alpha = 1.0f;
  const float* A = nullptr;
  int64_t lda = 0;
  const float* B = nullptr;
  int64_t ldb = 0;
  float beta = 0.0f;
  float* C = nullptr;
  int64_t ldc = 0;
};

void gemmReference(const GemmArgs& g);  // plain triple loop, the numerical truth
void gemm(const GemmArgs& g);           // blocked, vectorised (run-time SIMD level), multithreaded

// Y[batch,out] = X[batch,in] · W[out,in]ᵀ (+ bias[out] when bias is not null).
void linearForward(const float* X, const float* W, const float* bias, int64_t batch, int64_t in, int64_t out,
                   float* Y);

}  // namespace prunerl
