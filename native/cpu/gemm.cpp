#include "cpu/gemm.h"

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

// Placeholder until the blocked SIMD kernel lands: same numbers as the reference.
void gemm(const GemmArgs& g) { gemmReference(g); }

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
