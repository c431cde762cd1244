// IQN's τ-embedding product (Dabney et al. 2018, Eq. 4's φ(s) ⊙ ψ(τ)): each state's features times each of the
// N quantile embeddings sampled for it, and the gradients back to both. Shapes (row-major):
//   state [B, D]   emb, out, dOut, dEmb [B·N, D]   dState [B, D]
//   forward   out[b·N + j, d]  = state[b, d] · emb[b·N + j, d]
//   backward  dState[b, d]     = Σ_j dOut[b·N + j, d] · emb[b·N + j, d]     (j in order; see below)
//             dEmb[b·N + j, d] = dOut[b·N + j, d] · state[b, d]
// Rounding is that of src/agents/iqn/cosine_embedding.ts, the TypeScript reference, so results are bit-identical to
// it: each product of two floats is exact in double; dState adds it to the float running sum in double and rounds
// the sum to float after every j (a Float32Array store). ψ(τ) itself (ReLU(Linear(cos(π·i·τ)))) stays a Network
// of its own: its weights are pruned, stored as CSR at high sparsity and stepped by the optimizer like any layer.
#pragma once
#include <cstdint>

namespace prunerl {

struct EmbeddingShape {
  int64_t batch = 0, quantiles = 0, features = 0;  // B, N, D
};

void embeddingProductReference(const float* state, const float* emb, const EmbeddingShape& s, float* out);
void embeddingProduct(const float* state, const float* emb, const EmbeddingShape& s, float* out);  // threaded over B

// dState and dEmb are overwritten.
void embeddingProductBackwardReference(const float* dOut, const float* state, const float* emb,
                                       const EmbeddingShape& s, float* dState, float* dEmb);
void embeddingProductBackward(const float* dOut, const float* state, const float* emb, const EmbeddingShape& s,
                              float* dState, float* dEmb);

}  // namespace prunerl
