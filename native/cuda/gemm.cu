// Dense SGEMM, row-major, C[M,N] = alpha·op(A)[M,K]·op(B)[K,N] + beta·C, with the semantics of cpu/gemm.h.
// Our own tiled kernel (this toolkit ships no cuBLAS): a 64×64 tile of C per block of 16×16 threads, each thread a
// 4×4 register tile, K in steps of 16 through shared memory. The loads follow the operand's memory order (a
// template per transA/transB case) so every tile load is coalesced. Accumulates in float.
// Not tuned (no double buffering, no tensor cores); bench/cuda.js measures it against nothing but itself so far.
// gemmDevice runs cuBLAS instead when libcublas loads at run time (cublas_loader.cu; PRUNERL_CUBLAS=0 keeps this one).
#include <cuda_runtime.h>

#include <algorithm>

#include "cuda/cublas_loader.h"
#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/gemm_device.h"
#include "cuda/value_head_device.h"

namespace prunerl::cuda {
namespace {

constexpr int kTileM = 64, kTileN = 64, kTileK = 16, kThreads = 256;

// op(A)[i, p] and op(B)[p, j] for the four layouts; out-of-range entries read as 0.
template <bool TransA>
__device__ float loadA(const float* A, int64_t lda, int M, int K, int i, int p) {
  if (i >= M || p >= K) return 0.0f;
  return TransA ? A[static_cast<int64_t>(p) * lda + i] : A[static_cast<int64_t>(i) * lda + p];
}
template <bool TransB>
__device__ float loadB(const float* B, int64_t ldb, int K, int N, int p, int j) {
  if (p >= K || j >= N) return 0.0f;
  return TransB ? B[static_cast<int64_t>(j) * ldb + p] : B[static_cast<int64_t>(p) * ldb + j];
}

template <bool TransA, bool TransB>
__global__ void __launch_bounds__(kThreads) sgemmTiled(int M, int N, int K, float alpha, const float* __restrict__ A,
                                                       int64_t lda, const float* __restrict__ B, int64_t ldb,
                                                       float beta, float* __restrict__ C, int64_t ldc) {
  __shared__ float As[kTileK][kTileM + 4];  // As[p][i]
  __shared__ float Bs[kTileK][kTileN + 4];  // Bs[p][j]
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int i0 = blockIdx.y * kTileM, j0 = blockIdx.x * kTileN;
  float acc[4][4] = {};
  for (int p0 = 0; p0 < K; p0 += kTileK) {
    // 1024 entries per operand tile, 4 per thread; the fast-moving index is the one contiguous in memory.
    for (int t = threadIdx.x; t < kTileM * kTileK; t += kThreads) {
      const int ii = TransA ? t % kTileM : t / kTileK, pa = TransA ? t / kTileM : t % kTileK;
      As[pa][ii] = loadA<TransA>(A, lda, M, K, i0 + ii, p0 + pa);
      const int jj = TransB ? t / kTileK : t % kTileN, pb = TransB ? t % kTileK : t / kTileN;
      Bs[pb][jj] = loadB<TransB>(B, ldb, K, N, p0 + pb, j0 + jj);
    }
    __syncthreads();
#pragma unroll
    for (int p = 0; p < kTileK; ++p) {
      float a[4], b[4];
#pragma unroll
      for (int r = 0; r < 4; ++r) a[r] = As[p][ty + 16 * r];
#pragma unroll
      for (int c = 0; c < 4; ++c) b[c] = Bs[p][tx + 16 * c];
#pragma unroll
      for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int c = 0; c < 4; ++c) acc[r][c] += a[r] * b[c];
    }
    __syncthreads();
  }
#pragma unroll
  for (int r = 0; r < 4; ++r) {
    const int i = i0 + ty + 16 * r;
    if (i >= M) continue;
#pragma unroll
    for (int c = 0; c < 4; ++c) {
      const int j = j0 + tx + 16 * c;
      if (j >= N) continue;
      float* out = &C[static_cast<int64_t>(i) * ldc + j];
      *out = alpha * acc[r][c] + (beta == 0.0f ? 0.0f : beta * *out);  // beta = 0 overwrites (NaN not propagated)
    }
  }
}

int64_t storedElements(bool trans, int64_t rows, int64_t cols, int64_t ld) {
  const int64_t outer = trans ? cols : rows;  // op(X) is [rows, cols]; X itself is [cols, rows] when transposed
  return outer == 0 ? 0 : outer * ld;
}

}  // namespace

void gemmDevice(const GemmArgs& g) {
  if (g.M == 0 || g.N == 0) return;
  if (cublasGemm(g)) return;  // cuBLAS when the machine has it (cublas_loader.h); else our kernel below
  const dim3 grid(static_cast<unsigned>((g.N + kTileN - 1) / kTileN), static_cast<unsigned>((g.M + kTileM - 1) / kTileM));
  const int M = static_cast<int>(g.M), N = static_cast<int>(g.N), K = static_cast<int>(g.K);
  if (!g.transA && !g.transB)
    sgemmTiled<false, false><<<grid, kThreads>>>(M, N, K, g.alpha, g.A, g.lda, g.B, g.ldb, g.beta, g.C, g.ldc);
  else if (!g.transA && g.transB)
    sgemmTiled<false, true><<<grid, kThreads>>>(M, N, K, g.alpha, g.A, g.lda, g.B, g.ldb, g.beta, g.C, g.ldc);
  else if (g.transA && !g.transB)
    sgemmTiled<true, false><<<grid, kThreads>>>(M, N, K, g.alpha, g.A, g.lda, g.B, g.ldb, g.beta, g.C, g.ldc);
  else
    sgemmTiled<true, true><<<grid, kThreads>>>(M, N, K, g.alpha, g.A, g.lda, g.B, g.ldb, g.beta, g.C, g.ldc);
  checkLaunch("sgemmTiled");
}

void gemm(const GemmArgs& g) {
  requireDevice();
  if (g.M == 0 || g.N == 0) return;
  DeviceBuffer<float> A(g.A, storedElements(g.transA, g.M, g.K, g.lda));
  DeviceBuffer<float> B(g.B, storedElements(g.transB, g.K, g.N, g.ldb));
  DeviceBuffer<float> C(g.M * g.ldc);
  if (g.beta != 0.0f) C.upload(g.C);
  GemmArgs d = g;
  d.A = A.data(), d.B = B.data(), d.C = C.data();
  gemmDevice(d);
  C.download(g.C);
}

void linearForward(const float* X, const float* W, const uint8_t* mask, int64_t batch, int64_t in, int64_t out,
                   float* Y) {
  requireDevice();
  DeviceBuffer<float> x(X, batch * in), w(W, out * in), y(batch * out);
  if (mask != nullptr) {
    DeviceBuffer<uint8_t> m(mask, out * in);
    applyMaskDevice(w.data(), m.data(), out * in);  // value_head.cu: w[i] = mask[i] ? w[i] : 0
  }
  GemmArgs g;
  g.transB = true;
  g.M = batch, g.N = out, g.K = in;
  g.A = x.data(), g.lda = in, g.B = w.data(), g.ldb = in, g.C = y.data(), g.ldc = out;
  gemmDevice(g);
  y.download(Y);
}

}  // namespace prunerl::cuda
