// The τ-embedding product (ops/embedding_product.h): the plain reference loops, and the fast version, which runs
// the same per-element operations split over the batch across threads, with the feature loop left to the
// compiler's vectoriser (restrict pointers; the double accumulation widens to packed doubles). Same operations in
// the same order per element, so both are bit-identical to each other and to the TypeScript reference.
#include "ops/embedding_product.h"

#include <algorithm>

#include "base/thread_pool.h"

namespace prunerl {
namespace {

// float(dState + dOut·emb) with the product exact in double: a fused multiply-add of doubles gives the same result.
inline float accumulate(float sum, float a, float b) {
  return static_cast<float>(static_cast<double>(sum) + static_cast<double>(a) * static_cast<double>(b));
}

void forwardRows(const float* __restrict state, const float* __restrict emb, const EmbeddingShape& s, int64_t b0,
                 int64_t b1, float* __restrict out) {
  const int64_t N = s.quantiles, D = s.features;
  for (int64_t b = b0; b < b1; ++b) {
    const float* st = state + b * D;
    for (int64_t j = 0; j < N; ++j) {
      const float* e = emb + (b * N + j) * D;
      float* o = out + (b * N + j) * D;
      for (int64_t d = 0; d < D; ++d) o[d] = st[d] * e[d];
    }
  }
}

void backwardRows(const float* __restrict dOut, const float* __restrict state, const float* __restrict emb,
                  const EmbeddingShape& s, int64_t b0, int64_t b1, float* __restrict dState, float* __restrict dEmb) {
  const int64_t N = s.quantiles, D = s.features;
  for (int64_t b = b0; b < b1; ++b) {
    const float* st = state + b * D;
    float* ds = dState + b * D;
    std::fill(ds, ds + D, 0.0f);
    for (int64_t j = 0; j < N; ++j) {
      const int64_t row = (b * N + j) * D;
      const float* g = dOut + row;
      const float* e = emb + row;
      float* de = dEmb + row;
      for (int64_t d = 0; d < D; ++d) {
        ds[d] = accumulate(ds[d], g[d], e[d]);
        de[d] = g[d] * st[d];
      }
    }
  }
}

// States per task: about 16K floats of output each, so small batches stay on one thread.
int64_t grainOf(const EmbeddingShape& s) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, s.quantiles * s.features)); }

}  // namespace

void embeddingProductReference(const float* state, const float* emb, const EmbeddingShape& s, float* out) {
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t j = 0; j < s.quantiles; ++j)
      for (int64_t d = 0; d < s.features; ++d)
        out[(b * s.quantiles + j) * s.features + d] = state[b * s.features + d] * emb[(b * s.quantiles + j) * s.features + d];
}

void embeddingProduct(const float* state, const float* emb, const EmbeddingShape& s, float* out) {
  parallelFor(s.batch, grainOf(s), [&](int64_t b0, int64_t b1) { forwardRows(state, emb, s, b0, b1, out); });
}

void embeddingProductBackwardReference(const float* dOut, const float* state, const float* emb,
                                       const EmbeddingShape& s, float* dState, float* dEmb) {
  const int64_t N = s.quantiles, D = s.features;
  for (int64_t i = 0; i < s.batch * D; ++i) dState[i] = 0.0f;
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t d = 0; d < D; ++d) {
        const int64_t k = (b * N + j) * D + d;
        dState[b * D + d] = accumulate(dState[b * D + d], dOut[k], emb[k]);
        dEmb[k] = dOut[k] * state[b * D + d];
      }
}

void embeddingProductBackward(const float* dOut, const float* state, const float* emb, const EmbeddingShape& s,
                              float* dState, float* dEmb) {
  parallelFor(s.batch, grainOf(s),
              [&](int64_t b0, int64_t b1) { backwardRows(dOut, state, emb, s, b0, b1, dState, dEmb); });
}

}  // namespace prunerl
