// cuBLAS by dlopen (cublas_loader.h). The prototypes below are NVIDIA's documented cuBLAS v2 API (cublas_api.h:
// cublasCreate_v2, cublasSetStream_v2, cublasSgemm_v2; cublasStatus_t 0 = CUBLAS_STATUS_SUCCESS; cublasOperation_t
// 0 = N, 1 = T), declared here because no cuBLAS header exists on the build machine.
// Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, and a row-major matrix read column-major is its
// transpose: so cublasSgemm(op_B, op_A, N, M, K, B, A, C) with the leading dimensions as they are.
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>

#include "cuda/cublas_loader.h"
#include "cuda/cuda_check.h"

namespace prunerl::cuda {
namespace {

using CublasHandle = void*;
using CublasCreate = int (*)(CublasHandle*);
using CublasSetStream = int (*)(CublasHandle, cudaStream_t);
using CublasSgemm = int (*)(CublasHandle, int transa, int transb, int m, int n, int k, const float* alpha,
                            const float* A, int lda, const float* B, int ldb, const float* beta, float* C, int ldc);

struct Loaded {
  CublasLibrary library;
  CublasCreate create = nullptr;
  CublasSetStream setStream = nullptr;
  CublasSgemm sgemm = nullptr;
  CublasHandle handle = nullptr;  // created on the first product (it needs a device); kept for the process
  std::string handleError;       // why cublasCreate failed, if it did (then the own kernel runs)
  std::mutex mutex;              // one product at a time through the shared handle
};

Loaded& loaded() {
  static Loaded* const state = [] {
    auto* s = new Loaded();  // never freed: the handle must outlive every Network, and cuBLAS may be unloaded late
#ifdef PRUNERL_CUDA_EMULATED
    s->library.reason = "the CUDA emulator computes in host memory, which cuBLAS cannot read";
    return s;
#endif
    const char* env = std::getenv("PRUNERL_CUBLAS");
    if (env != nullptr && std::string(env) == "0") {
      s->library.reason = "disabled by PRUNERL_CUBLAS=0";
      return s;
    }
    std::string tried;
    for (const char* name : {"libcublas.so.13", "libcublas.so.12", "libcublas.so"}) {
      void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (lib == nullptr) {
        tried += (tried.empty() ? "" : ", ") + std::string(name);
        continue;
      }
      s->create = reinterpret_cast<CublasCreate>(dlsym(lib, "cublasCreate_v2"));
      s->setStream = reinterpret_cast<CublasSetStream>(dlsym(lib, "cublasSetStream_v2"));
      s->sgemm = reinterpret_cast<CublasSgemm>(dlsym(lib, "cublasSgemm_v2"));
      if (s->create == nullptr || s->setStream == nullptr || s->sgemm == nullptr) {
        s->library.reason = std::string(name) + " lacks cublasCreate_v2, cublasSetStream_v2 or cublasSgemm_v2";
        return s;
      }
      s->library.found = true;
      s->library.path = name;
      return s;
    }
    s->library.reason = "not found (tried " + tried + "); our own GEMM kernel runs instead";
    return s;
  }();
  return *state;
}

bool fitsInt(int64_t v) { return v >= 0 && v <= INT_MAX; }

}  // namespace

const CublasLibrary& cublasLibrary() { return loaded().library; }

bool cublasGemm(const GemmArgs& g) {
  Loaded& s = loaded();
  if (!s.library.found) return false;
  if (g.K == 0 || !fitsInt(g.M) || !fitsInt(g.N) || !fitsInt(g.K) || !fitsInt(g.lda) || !fitsInt(g.ldb) ||
      !fitsInt(g.ldc) || g.lda < 1 || g.ldb < 1 || g.ldc < 1)
    return false;
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.handle == nullptr) {
    if (!s.handleError.empty()) return false;
    // cublasCreate allocates: during a capture it would fail and leave this process on our kernel for good.
    cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
    if (cudaStreamIsCapturing(cudaStreamPerThread, &capturing) == cudaSuccess && capturing != cudaStreamCaptureStatusNone)
      throw CudaError("cuBLAS's handle is made on the first product, which cannot happen inside a CUDA graph capture: "
                      "run the captured work once before capturing it");
    int status = s.create(&s.handle);
    // Our kernels run on the per-thread default stream (--default-stream=per-thread), and a CUDA graph can capture
    // only that; cuBLAS, built without it, would launch on the legacy stream, which breaks a capture. The handle
    // resolves cudaStreamPerThread at each call, to the calling thread's stream.
    if (status == 0) status = s.setStream(s.handle, cudaStreamPerThread);
    if (status != 0) {
      s.handle = nullptr;
      s.handleError = "cublasCreate/cublasSetStream failed with status " + std::to_string(status);
      return false;
    }
  }
  const int status = s.sgemm(s.handle, g.transB ? 1 : 0, g.transA ? 1 : 0, static_cast<int>(g.N), static_cast<int>(g.M),
                             static_cast<int>(g.K), &g.alpha, g.B, static_cast<int>(g.ldb), g.A, static_cast<int>(g.lda),
                             &g.beta, g.C, static_cast<int>(g.ldc));
  if (status != 0) throw CudaError("cuBLAS error in cublasSgemm_v2: status " + std::to_string(status));
  return true;
}

}  // namespace prunerl::cuda
