// IQN's τ-embedding product on the GPU (ops/embedding_product.h), bit-identical to the CPU and so to the TypeScript
// reference: products of two floats rounded once (__fmul_rn), and dState summed over the N quantiles in order, each
// step in double (the float product is exact there) and rounded to float, as the reference's Float32Array store.
//   forward   one thread per out entry (b·N + j, d)
//   backward  one thread per (b, d): walks j in order for dState, and writes its column of dEmb on the way
#include <cuda_runtime.h>

#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/launch_config.h"
#include "cuda/layer_ops_device.h"

namespace prunerl::cuda {
namespace {

__global__ void embeddingProductKernel(const float* __restrict__ state, const float* __restrict__ emb, int64_t N,
                                       int64_t D, int64_t total, float* __restrict__ out) {
  PRUNERL_FOR_EACH_ELEMENT(i, total) {
    const int64_t d = i % D, b = i / (N * D);
    out[i] = __fmul_rn(state[b * D + d], emb[i]);
  }
}

__global__ void embeddingProductBackwardKernel(const float* __restrict__ dOut, const float* __restrict__ state,
                                               const float* __restrict__ emb, int64_t N, int64_t D, int64_t total,
                                               float* __restrict__ dState, float* __restrict__ dEmb) {
  PRUNERL_FOR_EACH_ELEMENT(i, total) {
    const int64_t b = i / D, d = i % D;
    const float st = state[i];
    float sum = 0.0f;
    for (int64_t j = 0; j < N; ++j) {
      const int64_t at = (b * N + j) * D + d;
      const float g = dOut[at];
      sum = static_cast<float>(__dadd_rn(static_cast<double>(sum),
                                         __dmul_rn(static_cast<double>(g), static_cast<double>(emb[at]))));
      dEmb[at] = __fmul_rn(g, st);
    }
    dState[i] = sum;
  }
}

}  // namespace

void embeddingProductDevice(const float* state, const float* emb, const EmbeddingShape& s, float* out) {
  const int64_t total = s.batch * s.quantiles * s.features;
  if (total == 0) return;
  embeddingProductKernel<<<elementBlocks(total), kElementThreads>>>(state, emb, s.quantiles, s.features, total, out);
  checkLaunch("embeddingProductKernel");
}

void embeddingProductBackwardDevice(const float* dOut, const float* state, const float* emb, const EmbeddingShape& s,
                                    float* dState, float* dEmb) {
  const int64_t total = s.batch * s.features;
  if (total == 0) return;
  embeddingProductBackwardKernel<<<elementBlocks(total), kElementThreads>>>(dOut, state, emb, s.quantiles,
                                                                            s.features, total, dState, dEmb);
  checkLaunch("embeddingProductBackwardKernel");
}

void embeddingProduct(const float* state, const float* emb, const EmbeddingShape& s, float* out) {
  requireDevice();
  const int64_t big = s.batch * s.quantiles * s.features;
  if (big == 0) return;
  const DeviceBuffer<float> ds(state, s.batch * s.features), de(emb, big);
  DeviceBuffer<float> dout(big);
  embeddingProductDevice(ds.data(), de.data(), s, dout.data());
  dout.download(out);
}

void embeddingProductBackward(const float* dOut, const float* state, const float* emb, const EmbeddingShape& s,
                              float* dState, float* dEmb) {
  requireDevice();
  const int64_t big = s.batch * s.quantiles * s.features;
  if (big == 0) return;
  const DeviceBuffer<float> dd(dOut, big), ds(state, s.batch * s.features), de(emb, big);
  DeviceBuffer<float> dstate(s.batch * s.features), demb(big);
  embeddingProductBackwardDevice(dd.data(), ds.data(), de.data(), s, dstate.data(), demb.data());
  dstate.download(dState), demb.download(dEmb);
}

}  // namespace prunerl::cuda
