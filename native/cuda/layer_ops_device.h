// The between-layer ops on device pointers (every pointer on the device, the default stream), with the semantics of
// the op headers they implement: conv2d.h's lowering, pool2d.h, elementwise.h's bias and residual ops, losses.h's
// MSE and weighted softmax cross-entropy, rows.h's reductions, embedding_product.h. The host entry points of
// cuda_api.h wrap them (copy in, run, copy out); a device-resident Network would call them directly.
#pragma once
#include <cstdint>

#include "ops/conv2d.h"
#include "ops/embedding_product.h"
#include "ops/pool2d.h"

namespace prunerl::cuda {

// conv2d.cu: patches[P, Kp] = im2col(x); dx = col2im(dPatches) (overwritten), each dx entry summed over its windows
// in the CPU's order (oy, then ox, ascending), so both are bit-identical to the CPU.
void im2colDevice(const float* x, const Conv2dShape& s, float* patches);
void col2imDevice(const float* dPatches, const Conv2dShape& s, float* dx);

// pool2d.cu: y and argmax (first winner, NaN beats a number), bit-identical; dx[argmax[j]] += dy[j] (dx overwritten)
// with float atomics: a pixel that wins several overlapping windows sums them in launch order (the CPU's j order in
// the emulator, unordered on a GPU).
void maxPool2dForwardDevice(const float* x, const Pool2dShape& s, float* y, int32_t* argmax);
void maxPool2dBackwardDevice(const float* dy, const int32_t* argmax, int64_t outSize, int64_t inSize, float* dx);

// elementwise.cu: y[r, c] += bias[c]; db[c] = Σ_r dy[r, c] (in double, 8 row groups summed in order); y += x.
void biasAddDevice(float* y, const float* bias, int64_t rows, int64_t cols);
void biasGradDevice(const float* dy, int64_t rows, int64_t cols, float* db);
void addInPlaceDevice(float* y, const float* x, int64_t n);

// losses.cu: grad as the CPU's (each element in double, rounded once); the per-block (MSE) or per-row (cross-entropy)
// partial sums land in `partials` (double, blocksForLoss(n) or rows entries) for the host to add in order.
int64_t mseBlocks(int64_t n);
void mseLossDevice(const float* pred, const float* target, int64_t n, float* grad, double* partials);
void softmaxCrossEntropyWeightedDevice(const float* logits, const float* target, const float* weights, int64_t rows,
                                       int64_t atoms, float* grad, float* perRow, double* weightedRows);

// rows.cu: first maximum (first NaN) per row; its value; q[r, index[r]] (indices already checked).
void argmaxRowsDevice(const float* q, int64_t rows, int64_t cols, int32_t* out);
void maxRowsDevice(const float* q, int64_t rows, int64_t cols, float* out);
void gatherRowsDevice(const float* q, const int32_t* index, int64_t rows, int64_t cols, float* out);

// embedding_product.cu: bit-identical to the CPU (and so to the TypeScript reference).
void embeddingProductDevice(const float* state, const float* emb, const EmbeddingShape& s, float* out);
void embeddingProductBackwardDevice(const float* dOut, const float* state, const float* emb, const EmbeddingShape& s,
                                    float* dState, float* dEmb);

}  // namespace prunerl::cuda
