// Kernel timing on device-resident data for bench/cuda.js: the inputs are generated on the host once (seeded),
// uploaded, and each kernel is timed with CUDA events over `iterations` calls after a warm-up, so the numbers are the
// kernels' own, without the host copies of the cuda_api.h wrappers. The sparse products run on feature-major
// activations (what a device-resident network keeps), so their transposes are not part of the time.
//   gemm    C[m,n] = A[m,k]·B[n,k]ᵀ        (the layer forward: m = batch, n = out, k = in)
//   spmm    Y = X·Wᵀ, W [n = rows, k = cols] CSR at `sparsity`, batch m
//   sddmm   the weight gradient at W's entries, same shapes
//   prune   magnitudePruneDevice of n weights to `sparsity` (layer scope); weights are restored between calls,
//           outside the timed region
#include <cuda_runtime.h>

#include <algorithm>
#include <random>
#include <vector>

#include "base/errors.h"
#include "cuda/csr_device.h"
#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/gemm_device.h"
#include "cuda/prune_device.h"

namespace prunerl::cuda {
namespace {

std::vector<float> uniform(std::mt19937_64& rng, int64_t n) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

// Times fn() `iterations` times (after one warm-up call), with `between()` run untimed before each call.
template <typename Fn, typename Between>
double millisecondsPerCall(int iterations, Fn fn, Between between) {
  cudaEvent_t start, stop;
  checkCuda(cudaEventCreate(&start), "cudaEventCreate");
  checkCuda(cudaEventCreate(&stop), "cudaEventCreate");
  double total = 0.0;
  try {
    between();
    fn();
    checkCuda(cudaDeviceSynchronize(), "warm-up");
    for (int i = 0; i < iterations; ++i) {
      between();
      checkCuda(cudaEventRecord(start), "cudaEventRecord");
      fn();
      checkCuda(cudaEventRecord(stop), "cudaEventRecord");
      checkCuda(cudaEventSynchronize(stop), "cudaEventSynchronize");
      float ms = 0.0f;
      checkCuda(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
      total += ms;
    }
  } catch (...) {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    throw;
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return total / iterations;
}

// A random CSR [rows, cols] keeping each entry with probability 1 − sparsity.
struct RandomCsr {
  std::vector<int32_t> rowPtr, colIdx, order;
  std::vector<float> values;
};
RandomCsr randomCsr(std::mt19937_64& rng, int64_t rows, int64_t cols, double sparsity) {
  RandomCsr m;
  std::bernoulli_distribution keep(1.0 - sparsity);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  m.rowPtr.push_back(0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c)
      if (keep(rng)) m.colIdx.push_back(static_cast<int32_t>(c)), m.values.push_back(value(rng));
    m.rowPtr.push_back(static_cast<int32_t>(m.colIdx.size()));
  }
  for (int64_t r = 0; r < rows; ++r) m.order.push_back(static_cast<int32_t>(r));
  std::stable_sort(m.order.begin(), m.order.end(), [&](int32_t a, int32_t b) {
    return m.rowPtr[a + 1] - m.rowPtr[a] > m.rowPtr[b + 1] - m.rowPtr[b];
  });
  return m;
}

}  // namespace

BenchResult benchmark(const BenchRequest& q) {
  requireDevice();
  std::mt19937_64 rng(q.seed);
  BenchResult out;
  if (q.op == "gemm") {
    const DeviceBuffer<float> a(uniform(rng, q.m * q.k).data(), q.m * q.k), b(uniform(rng, q.n * q.k).data(), q.n * q.k);
    DeviceBuffer<float> c(q.m * q.n);
    GemmArgs g;
    g.transB = true, g.M = q.m, g.N = q.n, g.K = q.k;
    g.A = a.data(), g.lda = q.k, g.B = b.data(), g.ldb = q.k, g.C = c.data(), g.ldc = q.n;
    out.ms = millisecondsPerCall(q.iterations, [&] { gemmDevice(g); }, [] {});
    out.flops = 2.0 * q.m * q.n * q.k;
    out.bytes = 4.0 * (q.m * q.k + q.n * q.k + q.m * q.n);
  } else if (q.op == "spmm" || q.op == "sddmm") {
    const RandomCsr h = randomCsr(rng, q.n, q.k, q.sparsity);
    const int64_t nnz = static_cast<int64_t>(h.values.size());
    const DeviceBuffer<int32_t> rowPtr(h.rowPtr.data(), q.n + 1), colIdx(h.colIdx.data(), nnz), order(h.order.data(), q.n);
    const DeviceBuffer<float> values(h.values.data(), nnz);
    DeviceCsr w;
    w.rows = static_cast<int>(q.n), w.cols = static_cast<int>(q.k), w.nnz = static_cast<int>(nnz);
    w.rowPtr = rowPtr.data(), w.colIdx = colIdx.data(), w.values = values.data(), w.rowOrder = order.data();
    const DeviceBuffer<float> xt(uniform(rng, q.k * q.m).data(), q.k * q.m), dyt(uniform(rng, q.n * q.m).data(), q.n * q.m);
    DeviceBuffer<float> yt(q.n * q.m), dValues(nnz);
    const int batch = static_cast<int>(q.m);
    if (q.op == "spmm")
      out.ms = millisecondsPerCall(q.iterations, [&] { spmmDevice(w, xt.data(), batch, yt.data()); }, [] {});
    else
      out.ms = millisecondsPerCall(q.iterations, [&] { sddmmDevice(w, dyt.data(), xt.data(), batch, dValues.data()); }, [] {});
    out.nnz = nnz;
    out.flops = 2.0 * nnz * q.m;
    // Compulsory traffic: the structure and values once, each dense operand once.
    out.bytes = 8.0 * nnz + 4.0 * (q.n + 1) + 4.0 * q.m * (q.k + q.n);
  } else if (q.op == "prune") {
    const std::vector<float> w = uniform(rng, q.n);
    const DeviceBuffer<float> original(w.data(), q.n);
    DeviceBuffer<float> weights(q.n);
    DeviceBuffer<uint8_t> mask(q.n);
    const std::vector<PruneTarget> targets{{weights.data(), mask.data(), q.n}};
    const auto reset = [&] {
      checkCuda(cudaMemcpy(weights.data(), original.data(), weights.bytes(), cudaMemcpyDeviceToDevice), "cudaMemcpy");
      checkCuda(cudaMemset(mask.data(), 1, mask.bytes()), "cudaMemset");
    };
    out.ms = millisecondsPerCall(q.iterations, [&] { magnitudePruneDevice(targets, q.sparsity, PruneScope::Layer); }, reset);
    out.bytes = 5.0 * q.n;  // one read of the weights and the mask (the kernel makes four passes)
  } else {
    throw RangeError("Expected one of gemm, spmm, sddmm, prune for op but received string '" + q.op + "'");
  }
  return out;
}

}  // namespace prunerl::cuda
