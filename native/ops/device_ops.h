// The ops every device implements, as one table of function pointers per device: the CPU's (always built), its
// plain references, CUDA's and the CUDA emulator's (when built). native/napi binds each op once over these tables
// (napi/device_ops_binding.cpp), and native/model (Network, layers, optimizers, the learner) calls every op through
// the table it was given (chosen once per Network/Learner), so a device is a table of the same contracts, not a
// second API. Each entry has the semantics of the op header it comes from (gemm.h, csr.h, conv2d.h, pool2d.h,
// elementwise.h, losses.h, rows.h, optim.h, magnitude_prune.h, embedding_product.h, value_head.h); CUDA's entries take host pointers and copy
// (cuda/cuda_api.h). A device without a kernel for an op holds nullptr there: the bindings refuse that op on that
// device by name (missingOp below), and nothing calls a null entry.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "ops/conv2d.h"
#include "ops/csr.h"
#include "ops/device_graphs.h"
#include "ops/device_memory.h"
#include "ops/embedding_product.h"
#include "ops/quantile_huber.h"
#include "ops/value_head.h"
#include "ops/gemm.h"
#include "ops/magnitude_prune.h"
#include "ops/optim.h"
#include "ops/pool2d.h"
#include "ops/value_head.h"

namespace prunerl {

struct DeviceOps {
  const char* device;  // "cpu", "cpu-reference", "cuda", "cuda-emulated"
  // Where the entries' pointers point (device_memory.h): host memory for the CPU tables and the copying CUDA tables
  // that kernels.* bind; GPU memory for the device-resident CUDA tables a Network runs on.
  const DeviceMemory* memory = &hostMemory();
  // Record-and-replay of launches (device_graphs.h): the resident CUDA tables; null elsewhere.
  const DeviceGraphs* graphs = nullptr;
  // gemm.h, csr.h: the products of a weight layer.
  void (*gemm)(const GemmArgs& g);
  // Y[batch,out] = X·(W ⊙ mask)ᵀ; mask == nullptr: X·Wᵀ
  void (*linearForward)(const float* X, const float* W, const uint8_t* mask, int64_t batch, int64_t in, int64_t out,
                        float* Y);
  void (*spmm)(const CsrView& W, const float* X, int64_t batch, float* Y);
  void (*spmmInputGrad)(const CsrView& W, const float* dY, int64_t batch, float* dX);
  void (*sddmm)(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dValues);
  void (*spmmBackward)(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dX, float* dValues);
  // conv2d.h: the patch lowering of a convolution (the product itself is the layer's gemm/spmm).
  void (*im2col)(const float* x, const Conv2dShape& s, float* patches);
  void (*col2im)(const float* dPatches, const Conv2dShape& s, float* dx);
  // pool2d.h
  void (*maxPool2dForward)(const float* x, const Pool2dShape& s, float* y, int32_t* argmax);
  void (*maxPool2dBackward)(const float* dy, const int32_t* argmax, int64_t outSize, int64_t inSize, float* dx);
  // elementwise.h
  void (*reluForward)(const float* x, int64_t n, float* y);
  void (*reluBackward)(const float* y, const float* dy, int64_t n, float* dx);
  void (*biasAdd)(float* y, const float* bias, int64_t rows, int64_t cols);
  void (*biasGrad)(const float* dy, int64_t rows, int64_t cols, float* db);
  void (*addInPlace)(float* y, const float* x, int64_t n);
  // losses.h
  double (*huberLoss)(const float* pred, const float* target, int64_t n, float delta, float* grad);
  double (*mseLoss)(const float* pred, const float* target, int64_t n, float* grad);
  double (*softmaxCrossEntropyWeighted)(const float* logits, const float* target, const float* weights, int64_t rows,
                                        int64_t atoms, float* grad, float* perRow);
  // rows.h
  void (*argmaxRows)(const float* q, int64_t rows, int64_t cols, int32_t* out);
  void (*maxRows)(const float* q, int64_t rows, int64_t cols, float* out);
  void (*gatherRows)(const float* q, const int32_t* index, int64_t rows, int64_t cols, float* out);
  // optim.h
  // The step (optim.h AdamStepState: the 1-based count after this update and its bias corrections) is read from the
  // table's memory, so a recorded update (a CUDA graph) replays with what the host wrote there before each replay.
  void (*adamStep)(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c,
                   const AdamStepState* step);
  void (*rmspropStep)(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n,
                      const RmspropConfig& c);
  // magnitude_prune.h
  PruneResult (*magnitudePrune)(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope);
  // The k-th smallest |values[i]| (0-based) over all n values.
  float (*kthSmallestAbs)(const float* values, int64_t n, int64_t k);
  // embedding_product.h: IQN's τ-embedding product (no Network needs it; the IQN network calls it between three).
  void (*embeddingProduct)(const float* state, const float* emb, const EmbeddingShape& s, float* out);
  void (*embeddingProductBackward)(const float* dOut, const float* state, const float* emb, const EmbeddingShape& s,
                                   float* dState, float* dEmb);
  // quantile_huber.h: IQN's quantile Huber loss; returns the batch loss, overwrites grad [B, N] and perSample [B].
  double (*quantileHuberLoss)(const float* pred, const float* taus, const float* target, const float* weights,
                              const QuantileHuberShape& s, double kappa, float* grad, float* perSample);
  // value_head.h: the learner's head, target and loss arithmetic and a step's mask and SGD loops, so a device-resident
  // learner never leaves the device. `loss` is one double on the op's device.
  void (*duelingQ)(const float* out, const ValueHeadShape& s, float* q);
  void (*duelingQBackward)(const float* dQ, const ValueHeadShape& s, float* dOut);
  void (*duelingLogits)(const float* out, const ValueHeadShape& s, float* logits);
  void (*duelingLogitsBackward)(const float* dLogits, const ValueHeadShape& s, float* dOut);
  void (*c51Probabilities)(const float* logits, int64_t rows, int64_t atoms, float* p);
  void (*c51Expectation)(const float* p, int64_t rows, const ValueHeadShape& s, float* q);
  void (*tdTarget)(const float* rewards, const float* discounts, const float* dones, const float* nextValue,
                   int64_t batch, float* y);
  void (*c51Project)(const float* pNext, const int32_t* greedy, const float* rewards, const float* discounts,
                     const float* dones, const ValueHeadShape& s, float* m);
  void (*tdLoss)(const float* taken, const float* y, const float* weights, const int32_t* actions,
                 const ValueHeadShape& s, TdLossKind kind, float* perSample, float* dQ, double* loss);
  void (*c51Loss)(const float* logits, const float* m, const float* weights, const int32_t* actions,
                  const ValueHeadShape& s, float* dLogits, float* perSample, double* loss);
  void (*applyMask)(float* w, const uint8_t* mask, int64_t n);
  void (*sgdStep)(float* p, const float* g, int64_t n, float lr);
};

// The name of the first op a Network or Learner needs that `ops` lacks (a null entry), or nullptr when it has them
// all. The bindings call it before building a model on a device, so a missing kernel is a one-line error naming
// the op and the device, never a null call.
inline const char* missingModelOp(const DeviceOps& ops) {
  const std::pair<bool, const char*> present[] = {
      {ops.gemm != nullptr, "gemm"},
      {ops.spmm != nullptr, "spmm"},
      {ops.spmmInputGrad != nullptr, "spmmInputGrad"},
      {ops.sddmm != nullptr, "sddmm"},
      {ops.spmmBackward != nullptr, "spmmBackward"},
      {ops.im2col != nullptr, "im2col"},
      {ops.col2im != nullptr, "col2im"},
      {ops.maxPool2dForward != nullptr, "maxPool2dForward"},
      {ops.maxPool2dBackward != nullptr, "maxPool2dBackward"},
      {ops.reluForward != nullptr, "reluForward"},
      {ops.reluBackward != nullptr, "reluBackward"},
      {ops.biasAdd != nullptr, "biasAdd"},
      {ops.biasGrad != nullptr, "biasGrad"},
      {ops.addInPlace != nullptr, "addInPlace"},
      {ops.argmaxRows != nullptr, "argmaxRows"},
      {ops.maxRows != nullptr, "maxRows"},
      {ops.gatherRows != nullptr, "gatherRows"},
      {ops.adamStep != nullptr, "adamStep"},
      {ops.rmspropStep != nullptr, "rmspropStep"},
      {ops.magnitudePrune != nullptr, "magnitudePrune"},
      {ops.duelingQ != nullptr, "duelingQ"},
      {ops.duelingQBackward != nullptr, "duelingQBackward"},
      {ops.duelingLogits != nullptr, "duelingLogits"},
      {ops.duelingLogitsBackward != nullptr, "duelingLogitsBackward"},
      {ops.c51Probabilities != nullptr, "c51Probabilities"},
      {ops.c51Expectation != nullptr, "c51Expectation"},
      {ops.tdTarget != nullptr, "tdTarget"},
      {ops.c51Project != nullptr, "c51Project"},
      {ops.tdLoss != nullptr, "tdLoss"},
      {ops.c51Loss != nullptr, "c51Loss"},
      {ops.applyMask != nullptr, "applyMask"},
      {ops.sgdStep != nullptr, "sgdStep"},
  };
  for (const auto& [has, name] : present)
    if (!has) return name;
  return nullptr;
}

// native/cpu/device_ops.cpp: the fast CPU kernels, and the plain references where an op has one. Ops with a single
// CPU implementation (no separate reference) use it in both tables: linearForward, im2col, col2im, maxPool2d*, relu,
// biasAdd, biasGrad, addInPlace, the losses, the row reductions and value_head.h's ops.
const DeviceOps& cpuOps();
const DeviceOps& cpuReferenceOps();

}  // namespace prunerl
