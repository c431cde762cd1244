// The value-based learner's head, target and loss ops (ops/value_head.h) on device pointers: every pointer, `loss`
// included, is device memory, and each launcher is kernel launches on the default stream and nothing else (no
// allocation, no copy, no synchronisation, no host read), so a device-resident learner can capture them in a CUDA
// graph. Results are those of the CPU kernels (cpu/value_head.cpp), bit for bit; on a GPU the softmax's exp and log
// are CUDA's (value_head.cu). Shapes are the contract's, checked by the caller (the bindings, the learner).
#pragma once
#include <cstdint>

#include "ops/value_head.h"

namespace prunerl::cuda {

void duelingQDevice(const float* out, const ValueHeadShape& s, float* q);
void duelingQBackwardDevice(const float* dQ, const ValueHeadShape& s, float* dOut);
void duelingLogitsDevice(const float* out, const ValueHeadShape& s, float* logits);
void duelingLogitsBackwardDevice(const float* dLogits, const ValueHeadShape& s, float* dOut);
void c51ProbabilitiesDevice(const float* logits, int64_t rows, int64_t atoms, float* p);
void c51ExpectationDevice(const float* p, int64_t rows, const ValueHeadShape& s, float* q);
void tdTargetDevice(const float* rewards, const float* discounts, const float* dones, const float* nextValue,
                    int64_t batch, float* y);
void c51ProjectDevice(const float* pNext, const int32_t* greedy, const float* rewards, const float* discounts,
                      const float* dones, const ValueHeadShape& s, float* m);
// One block (256 threads): the batch loss is added in sample order by one thread, so it is the CPU's to the bit.
void tdLossDevice(const float* taken, const float* y, const float* weights, const int32_t* actions,
                  const ValueHeadShape& s, TdLossKind kind, float* perSample, float* dQ, double* loss);
void c51LossDevice(const float* logits, const float* m, const float* weights, const int32_t* actions,
                   const ValueHeadShape& s, float* dLogits, float* perSample, double* loss);
void applyMaskDevice(float* w, const uint8_t* mask, int64_t n);
void sgdStepDevice(float* p, const float* g, int64_t n, float lr);

}  // namespace prunerl::cuda
