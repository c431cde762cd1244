// CSR SpMM and SDDMM kernels in the manner of Sputnik (Gale et al., SC'20), written for our layout: one warp per
// sparse row, rows visited in order of decreasing length (row swizzle, so the warps resident together finish
// together), the row's indices and values read 32 at a time with one coalesced load per lane and broadcast by warp
// shuffles, the dense operand read feature-major with float4 loads when the batch allows. Accumulates in float.
#include <cuda_runtime.h>

#include <algorithm>

#include "cuda/csr_device.h"
#include "cuda/cuda_check.h"

namespace prunerl::cuda {
namespace {

constexpr int kWarp = 32, kWarpsPerBlock = 4;
constexpr unsigned kFull = 0xffffffffu;

template <int V>
struct Vec;
template <>
struct Vec<1> {
  using T = float;
  static __device__ float load(const float* p) { return __ldg(p); }
};
template <>
struct Vec<4> {
  using T = float4;
  static __device__ float4 load(const float* p) { return __ldg(reinterpret_cast<const float4*>(p)); }
};
__device__ inline void fma(float& acc, float w, float x) { acc += w * x; }
__device__ inline void fma(float4& acc, float w, float4 x) {
  acc.x += w * x.x, acc.y += w * x.y, acc.z += w * x.z, acc.w += w * x.w;
}
__device__ inline float dot(float a, float b) { return a * b; }
__device__ inline float dot(float4 a, float4 b) { return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w; }
__device__ inline void store(float* p, float v) { *p = v; }
__device__ inline void store(float* p, float4 v) { *reinterpret_cast<float4*>(p) = v; }

// grid: (ceil(rows / kWarpsPerBlock), ceil(batch / (32·V))); lane l owns batch entries [b0, b0 + V).
template <int V>
__global__ void __launch_bounds__(kWarp* kWarpsPerBlock)
    spmmRows(DeviceCsr W, const float* __restrict__ Xt, int batch, float* __restrict__ Yt) {
  const int lane = threadIdx.x % kWarp;
  const int slot = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarp;
  if (slot >= W.rows) return;  // the whole warp leaves together
  const int r = W.rowOrder[slot];
  const int b0 = (blockIdx.y * kWarp + lane) * V;
  const bool active = b0 < batch;
  typename Vec<V>::T acc = {};
  const int begin = W.rowPtr[r], end = W.rowPtr[r + 1];
  for (int e0 = begin; e0 < end; e0 += kWarp) {
    const int e = e0 + lane;
    const float myValue = e < end ? __ldg(W.values + e) : 0.0f;
    const int myCol = e < end ? __ldg(W.colIdx + e) : 0;
    const int count = min(kWarp, end - e0);
    for (int j = 0; j < count; ++j) {
      const float w = __shfl_sync(kFull, myValue, j);
      const int c = __shfl_sync(kFull, myCol, j);
      if (active) fma(acc, w, Vec<V>::load(Xt + static_cast<int64_t>(c) * batch + b0));
    }
  }
  if (active) store(Yt + static_cast<int64_t>(r) * batch + b0, acc);
}

// A group of `width` lanes (a power of two ≤ 32) computes one entry's dot product over the batch; a warp handles
// 32 / width entries of its row at a time.
template <int V>
__global__ void __launch_bounds__(kWarp* kWarpsPerBlock)
    sddmmRows(DeviceCsr W, const float* __restrict__ dYt, const float* __restrict__ Xt, int batch, int width,
              float* __restrict__ dValues) {
  const int lane = threadIdx.x % kWarp;
  const int slot = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarp;
  if (slot >= W.rows) return;
  const int r = W.rowOrder[slot];
  const int group = lane / width, inGroup = lane % width, groups = kWarp / width;
  const float* dy = dYt + static_cast<int64_t>(r) * batch;
  const int begin = W.rowPtr[r], end = W.rowPtr[r + 1];
  for (int e0 = begin; e0 < end; e0 += groups) {  // warp-uniform trip count: every lane reaches the shuffles
    const int e = e0 + group;
    float partial = 0.0f;
    if (e < end) {
      const float* x = Xt + static_cast<int64_t>(__ldg(W.colIdx + e)) * batch;
      for (int b = inGroup * V; b < batch; b += width * V) partial += dot(Vec<V>::load(dy + b), Vec<V>::load(x + b));
    }
    for (int offset = width / 2; offset > 0; offset /= 2) partial += __shfl_xor_sync(kFull, partial, offset, width);
    if (e < end && inGroup == 0) dValues[e] = partial;
  }
}

// 32×32 tiles through shared memory (padded against bank conflicts); block 32×8.
__global__ void transposeTiles(const float* __restrict__ in, int64_t rows, int64_t cols, float* __restrict__ out) {
  __shared__ float tile[32][33];
  const int64_t c = blockIdx.x * int64_t{32} + threadIdx.x;
  for (int k = threadIdx.y; k < 32; k += 8) {
    const int64_t r = blockIdx.y * int64_t{32} + k;
    if (r < rows && c < cols) tile[k][threadIdx.x] = in[r * cols + c];
  }
  __syncthreads();
  const int64_t r = blockIdx.y * int64_t{32} + threadIdx.x;
  for (int k = threadIdx.y; k < 32; k += 8) {
    const int64_t cc = blockIdx.x * int64_t{32} + k;
    if (r < rows && cc < cols) out[cc * rows + r] = tile[threadIdx.x][k];
  }
}

__global__ void gatherValues(const float* __restrict__ values, const int32_t* __restrict__ index, int64_t n,
                             float* __restrict__ out) {
  for (int64_t j = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; j < n; j += int64_t{gridDim.x} * blockDim.x)
    out[j] = values[index[j]];
}

unsigned blocksFor(int64_t n, int threads) {
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>((n + threads - 1) / threads, 65535)));
}

}  // namespace

void transposeDevice(const float* in, int64_t rows, int64_t cols, float* out) {
  if (rows == 0 || cols == 0) return;
  if (rows == 1 || cols == 1) {  // the same bytes; async on the launch stream, so a CUDA graph can capture it
    checkCuda(cudaMemcpyAsync(out, in, static_cast<size_t>(rows * cols) * sizeof(float), cudaMemcpyDeviceToDevice,
                              cudaStreamPerThread),
              "cudaMemcpyAsync (transpose)");
    return;
  }
  const dim3 grid(static_cast<unsigned>((cols + 31) / 32), static_cast<unsigned>((rows + 31) / 32));
  transposeTiles<<<grid, dim3(32, 8)>>>(in, rows, cols, out);
  checkLaunch("transposeTiles");
}

void spmmDevice(const DeviceCsr& W, const float* Xt, int batch, float* Yt) {
  if (W.rows == 0 || batch == 0) return;
  const bool vec = batch % 4 == 0;
  const int perBlock = kWarp * (vec ? 4 : 1);
  const dim3 grid((W.rows + kWarpsPerBlock - 1) / kWarpsPerBlock, (batch + perBlock - 1) / perBlock);
  if (vec)
    spmmRows<4><<<grid, kWarp * kWarpsPerBlock>>>(W, Xt, batch, Yt);
  else
    spmmRows<1><<<grid, kWarp * kWarpsPerBlock>>>(W, Xt, batch, Yt);
  checkLaunch("spmmRows");
}

void sddmmDevice(const DeviceCsr& W, const float* dYt, const float* Xt, int batch, float* dValues) {
  if (W.rows == 0 || W.nnz == 0) return;
  const bool vec = batch % 4 == 0;
  const int steps = (batch + (vec ? 3 : 0)) / (vec ? 4 : 1);  // vector loads per entry
  int width = 1;
  while (width < steps && width < kWarp) width *= 2;
  const unsigned grid = static_cast<unsigned>((W.rows + kWarpsPerBlock - 1) / kWarpsPerBlock);
  if (vec)
    sddmmRows<4><<<grid, kWarp * kWarpsPerBlock>>>(W, dYt, Xt, batch, width, dValues);
  else
    sddmmRows<1><<<grid, kWarp * kWarpsPerBlock>>>(W, dYt, Xt, batch, width, dValues);
  checkLaunch("sddmmRows");
}

void gatherDevice(const float* values, const int32_t* index, int64_t n, float* out) {
  if (n == 0) return;
  gatherValues<<<blocksFor(n, 256), 256>>>(values, index, n, out);
  checkLaunch("gatherValues");
}

}  // namespace prunerl::cuda
