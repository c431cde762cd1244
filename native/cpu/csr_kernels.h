// Internal to csr_ops.cpp: the per-SIMD-level loops of the sparse products. Activations arrive transposed to
// [features, lanes] (lanes = batch rounded up to the vector width, pad lanes zero), so every nonzero multiplies
// one contiguous batch vector.
//
// A "compressed view" is (ptr, index, values, valueOf): entries e in [ptr[r], ptr[r+1]) of line r have partner
// index[e] and value values[valueOf ? valueOf[e] : e]. The row view (rowPtr, colIdx, values, null) gives the
// forward product; the column view (colPtr, rowIdx, values, valueOf) gives the input gradient.
#pragma once
#include <cstdint>

#include "base/simd.h"

namespace prunerl::csr_detail {

struct CompressedView {
  const int32_t* ptr = nullptr;
  const int32_t* index = nullptr;
  const float* values = nullptr;
  const int32_t* valueOf = nullptr;  // null: entry e's value is values[e]
};

struct CsrKernels {
  int lanes;  // vector width in floats: the batch is padded to a multiple of this
  // out[(r − begin)·lanes + l] = Σ_e value(e) · in[index[e]·lanes + l] for lines r in [begin, end), l < lanes.
  void (*gatherRows)(const CompressedView& v, const float* in, int64_t lanes, int64_t begin, int64_t end,
                     float* out);
  // out[r] = Σ_e value(e) · in[index[e]] for lines r in [begin, end): the batch-1 case.
  void (*gatherVector)(const CompressedView& v, const float* in, int64_t begin, int64_t end, float* out);
  // dValues[e] = Σ_l left[(r − begin)·lanes + l] · right[colIdx[e]·lanes + l] for the entries of rows r in
  // [begin, end).
  void (*sampledDots)(const int32_t* rowPtr, const int32_t* colIdx, const float* left, const float* right,
                      int64_t lanes, int64_t begin, int64_t end, float* dValues);
  // Both gradients over lines r in [begin, end) of the column view v (lines = columns of W, partners = rows):
  //   out[(r − begin)·lanes + l] = Σ_e value(e) · in[index[e]·lanes + l]            (dXᵀ, as gatherRows)
  //   dValues[valueOf[e]]       = Σ_l in[index[e]·lanes + l] · own[(r − begin)·lanes + l]   (as sampledDots)
  // in = dYᵀ [rows, lanes], own = this range's Xᵀ [end − begin, lanes]. Null where the level has no fused loop for
  // these lanes (lanesFused); the caller then runs gatherRows and sampledDots separately.
  void (*gatherAndDots)(const CompressedView& v, const float* in, const float* own, int64_t lanes, int64_t begin,
                        int64_t end, float* out, float* dValues);
  int64_t maxFusedLanes;  // gatherAndDots handles lanes <= this (0: not at all)
};

CsrKernels csrKernelsPortable();
#if PRUNERL_X86_SIMD
CsrKernels csrKernelsAvx2();
CsrKernels csrKernelsAvx512();
#endif

}  // namespace prunerl::csr_detail
