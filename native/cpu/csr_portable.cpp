// Portable loops of the sparse products (see csr_kernels.h): 8-lane chunks with constant trip counts, which the
// compiler vectorises with the baseline instruction set.
#include "cpu/csr_kernels.h"

#include <cstdint>

namespace prunerl::csr_detail {
namespace {

constexpr int kLanes = 8;

inline float valueAt(const CompressedView& v, int64_t e) { return v.values[v.valueOf ? v.valueOf[e] : e]; }

void gatherRows(const CompressedView& v, const float* in, int64_t lanes, int64_t begin, int64_t end, float* out) {
  for (int64_t r = begin; r < end; ++r)
    for (int64_t l = 0; l < lanes; l += kLanes) {
      float acc[kLanes] = {};
      for (int64_t e = v.ptr[r]; e < v.ptr[r + 1]; ++e) {
        const float w = valueAt(v, e);
        const float* x = in + static_cast<int64_t>(v.index[e]) * lanes + l;
        for (int j = 0; j < kLanes; ++j) acc[j] += w * x[j];
      }
      for (int j = 0; j < kLanes; ++j) out[(r - begin) * lanes + l + j] = acc[j];
    }
}

void gatherVector(const CompressedView& v, const float* in, int64_t begin, int64_t end, float* out) {
  for (int64_t r = begin; r < end; ++r) {
    float acc = 0.0f;
    for (int64_t e = v.ptr[r]; e < v.ptr[r + 1]; ++e) acc += valueAt(v, e) * in[v.index[e]];
    out[r] = acc;
  }
}

void sampledDots(const int32_t* rowPtr, const int32_t* colIdx, const float* left, const float* right, int64_t lanes,
                 int64_t begin, int64_t end, float* dValues) {
  for (int64_t r = begin; r < end; ++r) {
    const float* a = left + (r - begin) * lanes;
    for (int64_t e = rowPtr[r]; e < rowPtr[r + 1]; ++e) {
      const float* b = right + static_cast<int64_t>(colIdx[e]) * lanes;
      float part[kLanes] = {};
      for (int64_t l = 0; l < lanes; l += kLanes)
        for (int j = 0; j < kLanes; ++j) part[j] += a[l + j] * b[l + j];
      float acc = 0.0f;
      for (int j = 0; j < kLanes; ++j) acc += part[j];
      dValues[e] = acc;
    }
  }
}

// Both backward products per column (see csr_kernels.h): own's batch vector meets each entry's dY batch vector.
void gatherAndDots(const CompressedView& v, const float* in, const float* own, int64_t lanes, int64_t begin,
                   int64_t end, float* out, float* dValues) {
  for (int64_t r = begin; r < end; ++r) {
    float* o = out + (r - begin) * lanes;
    const float* x = own + (r - begin) * lanes;
    for (int64_t l = 0; l < lanes; ++l) o[l] = 0.0f;
    for (int64_t e = v.ptr[r]; e < v.ptr[r + 1]; ++e) {
      const float w = valueAt(v, e);
      const float* d = in + static_cast<int64_t>(v.index[e]) * lanes;
      float part[kLanes] = {};
      for (int64_t l = 0; l < lanes; l += kLanes)
        for (int j = 0; j < kLanes; ++j) {
          o[l + j] += w * d[l + j];
          part[j] += d[l + j] * x[l + j];
        }
      float acc = 0.0f;
      for (int j = 0; j < kLanes; ++j) acc += part[j];
      dValues[v.valueOf[e]] = acc;
    }
  }
}

}  // namespace

CsrKernels csrKernelsPortable() {
  return CsrKernels{kLanes, gatherRows, gatherVector, sampledDots, gatherAndDots, INT64_MAX};
}

}  // namespace prunerl::csr_detail
