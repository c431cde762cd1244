// CSR products on device pointers (the semantics of cpu/csr.h). Activations are kept feature-major inside these
// kernels: Xt[cols, batch], Yt[rows, batch], so the threads of a warp read consecutive batch entries of one feature
// (coalesced, float4 when batch % 4 == 0); transposeDevice converts from and to the row-major [batch, features].
#pragma once
#include <cstdint>

namespace prunerl::cuda {

struct DeviceCsr {
  int rows = 0, cols = 0, nnz = 0;
  const int32_t* rowPtr = nullptr;    // rows + 1
  const int32_t* colIdx = nullptr;    // nnz
  const float* values = nullptr;      // nnz
  const int32_t* rowOrder = nullptr;  // rows, by non-zeros descending (row swizzle: neighbouring warps get similar work)
};

// out[c, r] = in[r, c]; in is [rows, cols].
void transposeDevice(const float* in, int64_t rows, int64_t cols, float* out);
// Yt[r, b] = Σ_e values[e]·Xt[colIdx[e], b] over row r's entries (Y = X·Wᵀ, feature-major).
void spmmDevice(const DeviceCsr& W, const float* Xt, int batch, float* Yt);
// dValues[e] = Σ_b dYt[row_e, b]·Xt[colIdx[e], b]   (SDDMM, the weight gradient at stored positions only)
void sddmmDevice(const DeviceCsr& W, const float* dYt, const float* Xt, int batch, float* dValues);
// out[j] = values[index[j]] (the values of Wᵀ's CSR in its order, from W's values and the transpose's valueOf).
void gatherDevice(const float* values, const int32_t* index, int64_t n, float* out);

}  // namespace prunerl::cuda
