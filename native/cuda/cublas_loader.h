// cuBLAS, loaded at run time (dlopen) when the machine has it: the build machine's toolkit ships no cuBLAS (and so no
// headers or import library), the GPU machines do. gemm.cu asks cublasGemm first and runs its own kernel when this
// returns false, so the own kernel stays the fallback and the reference.
#pragma once
#include <string>

#include "ops/gemm.h"

namespace prunerl::cuda {

struct CublasLibrary {
  bool found = false;
  std::string path;    // the soname that loaded (libcublas.so.13, …), empty when none did
  std::string reason;  // why cuBLAS is not used (one line), empty when it is found
};

// Looks for libcublas once per process (libcublas.so.13, .12, then libcublas.so) and resolves the few entry points
// used; PRUNERL_CUBLAS=0 skips it. Never throws.
const CublasLibrary& cublasLibrary();

// C = alpha·op(A)·op(B) + beta·C (gemm.h, row-major, every pointer on the device, the default stream) through
// cublasSgemm. False, having done nothing, when cuBLAS is absent or cannot take the call (sizes beyond int, K = 0);
// throws CudaError when cuBLAS reports a failure.
bool cublasGemm(const GemmArgs& g);

}  // namespace prunerl::cuda
