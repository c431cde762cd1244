// The CUDA backend as seen from plain C++: every function here takes and returns HOST memory (copy in, run on the
// GPU, copy out), which is what the Node-API bindings, the tests and the benchmarks need. The kernels themselves work
// on device pointers (the *_device.h headers). This header includes no CUDA header, so cuda_binding.cpp compiles with
// the host compiler alone; it is only included where PRUNERL_WITH_CUDA is defined.
//
// Semantics are those of the CPU kernel of the same name (native/cpu/*.h): same shapes, same results up to float
// rounding (GEMM and sparse products accumulate in float in a different order; Adam, RMSprop, ReLU and pruning are
// bit-identical). Errors: prunerl::TypeError / RangeError for bad arguments, prunerl::CudaError (a std::runtime_error)
// for anything the CUDA runtime reports. Nothing aborts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ops/conv2d.h"
#include "ops/csr.h"
#include "ops/device_ops.h"
#include "ops/embedding_product.h"
#include "ops/gemm.h"
#include "ops/magnitude_prune.h"
#include "ops/optim.h"
#include "ops/pool2d.h"
#include "ops/quantile_huber.h"
#include "ops/value_head.h"

namespace prunerl::cuda {

// The device name of this backend's tables (DeviceOps::device): the same sources build the real backend and, in
// namespace cuda_emulated, the emulated one.
#ifdef PRUNERL_CUDA_EMULATED
inline constexpr const char* kDeviceName = "cuda-emulated";
#else
inline constexpr const char* kDeviceName = "cuda";
#endif

struct DeviceInfo {
  int index = 0;
  std::string name;
  int computeMajor = 0, computeMinor = 0;
  int64_t memoryBytes = 0;
  int multiprocessors = 0;
};

struct RuntimeInfo {
  int deviceCount = 0;      // 0 when there is no driver or no device; never throws
  int runtimeVersion = 0;   // CUDA runtime linked in (e.g. 13000)
  int driverVersion = 0;    // 0 without a driver
  std::string reason;       // why deviceCount is 0 (empty otherwise)
  std::vector<DeviceInfo> devices;
};

// Probes the runtime once per call: cudaGetDeviceCount, which returns an error (not a crash) without a driver.
RuntimeInfo probe();
// Throws CudaError "no CUDA device available: <reason>" when probe().deviceCount == 0.
void requireDevice();

// C = alpha·op(A)·op(B) + beta·C (gemm.h), host pointers.
void gemm(const GemmArgs& g);
// Y[batch,out] = X·(W ⊙ mask)ᵀ; mask == nullptr: plain X·Wᵀ.
void linearForward(const float* X, const float* W, const uint8_t* mask, int64_t batch, int64_t in, int64_t out,
                   float* Y);

// csr.h products, host pointers.
void spmm(const CsrView& W, const float* X, int64_t batch, float* Y);
void spmmInputGrad(const CsrView& W, const float* dY, int64_t batch, float* dX);
void sddmm(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dValues);
void spmmBackward(const CsrView& W, const float* dY, const float* X, int64_t batch, float* dX, float* dValues);

// conv2d.h's lowering, pool2d.h, the bias and residual ops of elementwise.h, host pointers (conv2d.cu, pool2d.cu,
// elementwise.cu). maxPool2dBackward checks argmax on the host first (the CPU's RangeError).
void im2col(const float* x, const Conv2dShape& s, float* patches);
void col2im(const float* dPatches, const Conv2dShape& s, float* dx);
void maxPool2dForward(const float* x, const Pool2dShape& s, float* y, int32_t* argmax);
void maxPool2dBackward(const float* dy, const int32_t* argmax, int64_t outSize, int64_t inSize, float* dx);
void biasAdd(float* y, const float* bias, int64_t rows, int64_t cols);
void biasGrad(const float* dy, int64_t rows, int64_t cols, float* db);
void addInPlace(float* y, const float* x, int64_t n);

// losses.h's MSE and weighted cross-entropy (losses.cu), rows.h's reductions (rows.cu), host pointers; the CPU's
// argument errors (at least one row/column; gatherRows' index range, checked on the host).
double mseLoss(const float* pred, const float* target, int64_t n, float* grad);
double softmaxCrossEntropyWeighted(const float* logits, const float* target, const float* weights, int64_t rows,
                                   int64_t atoms, float* grad, float* perRow);
void argmaxRows(const float* q, int64_t rows, int64_t cols, int32_t* out);
void maxRows(const float* q, int64_t rows, int64_t cols, float* out);
void gatherRows(const float* q, const int32_t* index, int64_t rows, int64_t cols, float* out);

// embedding_product.h, host pointers (embedding_product.cu).
void embeddingProduct(const float* state, const float* emb, const EmbeddingShape& s, float* out);
void embeddingProductBackward(const float* dOut, const float* state, const float* emb, const EmbeddingShape& s,
                              float* dState, float* dEmb);
// quantile_huber.h, host pointers (quantile_huber.cu): bit-identical to the CPU.
double quantileHuberLoss(const float* pred, const float* taus, const float* target, const float* weights,
                         const QuantileHuberShape& s, double kappa, float* grad, float* perSample);

// value_head.h, host pointers (value_head.cu; loss is a host double here): bit-identical to the CPU (on a GPU the
// softmax's exp and log are CUDA's).
void duelingQ(const float* out, const ValueHeadShape& s, float* q);
void duelingQBackward(const float* dQ, const ValueHeadShape& s, float* dOut);
void duelingLogits(const float* out, const ValueHeadShape& s, float* logits);
void duelingLogitsBackward(const float* dLogits, const ValueHeadShape& s, float* dOut);
void c51Probabilities(const float* logits, int64_t rows, int64_t atoms, float* p);
void c51Expectation(const float* p, int64_t rows, const ValueHeadShape& s, float* q);
void tdTarget(const float* rewards, const float* discounts, const float* dones, const float* nextValue, int64_t batch,
              float* y);
void c51Project(const float* pNext, const int32_t* greedy, const float* rewards, const float* discounts,
                const float* dones, const ValueHeadShape& s, float* m);
void tdLoss(const float* taken, const float* y, const float* weights, const int32_t* actions, const ValueHeadShape& s,
            TdLossKind kind, float* perSample, float* dQ, double* loss);
void c51Loss(const float* logits, const float* m, const float* weights, const int32_t* actions, const ValueHeadShape& s,
             float* dLogits, float* perSample, double* loss);
void applyMask(float* w, const uint8_t* mask, int64_t n);
void sgdStep(float* p, const float* g, int64_t n, float lr);

// losses.h / optim.h / elementwise.h, host pointers.
double huberLoss(const float* pred, const float* target, int64_t n, float delta, float* grad);
void adamStep(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c, int64_t step);
void rmspropStep(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n, const RmspropConfig& c);
void reluForward(const float* x, int64_t n, float* y);
void reluBackward(const float* y, const float* dy, int64_t n, float* dx);

// magnitude_prune.h, host pointers (weights and masks are copied to the device, pruned there, copied back).
PruneResult magnitudePrune(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope);
float kthSmallestAbs(const float* values, int64_t n, int64_t k);

// Kernel timing on device-resident data (bench_kernels.cu), for bench/cuda.js.
struct BenchRequest {
  std::string op;  // gemm | spmm | sddmm | prune
  int64_t m = 0, n = 0, k = 0;  // gemm: C[m,n] = A[m,k]·B[n,k]ᵀ; spmm/sddmm: batch m, W [n, k]; prune: n weights
  double sparsity = 0.0;
  int iterations = 20;
  uint64_t seed = 1;
};
struct BenchResult {
  double ms = 0.0;     // per call, CUDA events
  double flops = 0.0;  // useful floating-point operations per call
  double bytes = 0.0;  // compulsory memory traffic per call
  int64_t nnz = 0;     // spmm/sddmm: stored entries
};
BenchResult benchmark(const BenchRequest& request);

// These functions as a DeviceOps table (device_ops.cu), which native/napi binds as `cuda.*`.
const DeviceOps& deviceOps();

}  // namespace prunerl::cuda
