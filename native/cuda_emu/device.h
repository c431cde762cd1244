// Device-side CUDA on the host: the qualifiers, threadIdx/blockIdx/blockDim/gridDim, __shared__, __syncthreads,
// warp shuffles, votes and __syncwarp, atomics, and the float intrinsics prunerl's kernels use.
//
// Semantics kept (scheduler.cpp runs a block's threads as fibers):
//  - __syncthreads is a real barrier of the block's live threads; reaching it from only some of them (divergence),
//    or a warp collective that not every lane named in its mask reaches, fails the launch (cudaErrorLaunchFailure)
//    instead of hanging or silently passing.
//  - A shuffle or vote sees what every lane of the mask holds at that instruction: each lane deposits its value and
//    waits until the whole mask has arrived, then all read the exchange (a warp-level barrier + exchange).
//  - __shared__ variables are one instance per block: blocks run one after another and the storage is refilled with
//    0xFF bytes (NaN, -1) before each block, as shared memory starts undefined; reads of unwritten shared memory
//    therefore show up as wrong results.
//  - Atomics are atomic (fibers switch only at barriers and collectives; ThreadSanitizer sees them as atomics).
//  - __fmul_rn and friends round once each: the emulated sources are compiled with -ffp-contract=off.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "cuda_emu/runtime_api.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
// One instance per block (see above): static storage, all of it in one section so the scheduler can refill it with
// 0xFF before each block.
#define __shared__ __attribute__((section("prunerl_cuda_shared"))) static

namespace prunerl::cuda_emu {

struct alignas(16) float4 {
  float x, y, z, w;
};
struct alignas(8) float2 {
  float x, y;
};
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

// What the running fiber sees as its coordinates. The scheduler points this at the fiber's before resuming it; a
// plain global (launches are serialised process-wide), so reading threadIdx costs one load.
struct ThreadCoordinates {
  uint3 threadIndex, blockIndex;
  dim3 blockSize, gridSize;
};
extern const ThreadCoordinates* currentCoordinates;

// Warp collectives and barriers, implemented by the scheduler.
enum class WarpOp { ShuffleIndex, ShuffleXor, ShuffleUp, ShuffleDown, Ballot, Any, All, Sync };
uint64_t warpCollective(WarpOp op, unsigned mask, uint64_t value, int argument, int width);
void syncthreads();

template <typename T>
uint64_t toBits(T v) {
  static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "warp shuffles move values of at most 8 bytes");
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}
template <typename T>
T fromBits(uint64_t bits) {
  T v;
  std::memcpy(&v, &bits, sizeof(T));
  return v;
}

}  // namespace prunerl::cuda_emu

#define threadIdx (::prunerl::cuda_emu::currentCoordinates->threadIndex)
#define blockIdx (::prunerl::cuda_emu::currentCoordinates->blockIndex)
#define blockDim (::prunerl::cuda_emu::currentCoordinates->blockSize)
#define gridDim (::prunerl::cuda_emu::currentCoordinates->gridSize)
constexpr int warpSize = 32;

inline void __syncthreads() { ::prunerl::cuda_emu::syncthreads(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) {
  ::prunerl::cuda_emu::warpCollective(::prunerl::cuda_emu::WarpOp::Sync, mask, 0, 0, 32);
}

template <typename T>
T __shfl_sync(unsigned mask, T var, int srcLane, int width = 32) {
  using namespace ::prunerl::cuda_emu;
  return fromBits<T>(warpCollective(WarpOp::ShuffleIndex, mask, toBits(var), srcLane, width));
}
template <typename T>
T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = 32) {
  using namespace ::prunerl::cuda_emu;
  return fromBits<T>(warpCollective(WarpOp::ShuffleXor, mask, toBits(var), laneMask, width));
}
template <typename T>
T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = 32) {
  using namespace ::prunerl::cuda_emu;
  return fromBits<T>(warpCollective(WarpOp::ShuffleUp, mask, toBits(var), static_cast<int>(delta), width));
}
template <typename T>
T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = 32) {
  using namespace ::prunerl::cuda_emu;
  return fromBits<T>(warpCollective(WarpOp::ShuffleDown, mask, toBits(var), static_cast<int>(delta), width));
}
inline unsigned __ballot_sync(unsigned mask, int predicate) {
  using namespace ::prunerl::cuda_emu;
  return static_cast<unsigned>(warpCollective(WarpOp::Ballot, mask, predicate != 0, 0, 32));
}
inline int __any_sync(unsigned mask, int predicate) {
  using namespace ::prunerl::cuda_emu;
  return static_cast<int>(warpCollective(WarpOp::Any, mask, predicate != 0, 0, 32));
}
inline int __all_sync(unsigned mask, int predicate) {
  using namespace ::prunerl::cuda_emu;
  return static_cast<int>(warpCollective(WarpOp::All, mask, predicate != 0, 0, 32));
}

// ---- atomics (relaxed, as CUDA's; they return the old value) ----------------------------------------------------
template <typename T>
T prunerlAtomicFetchAdd(T* address, T value) {
  return __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
}
inline int atomicAdd(int* a, int v) { return prunerlAtomicFetchAdd(a, v); }
inline unsigned atomicAdd(unsigned* a, unsigned v) { return prunerlAtomicFetchAdd(a, v); }
inline unsigned long long atomicAdd(unsigned long long* a, unsigned long long v) { return prunerlAtomicFetchAdd(a, v); }
inline float atomicAdd(float* a, float v) {
  uint32_t old = __atomic_load_n(reinterpret_cast<uint32_t*>(a), __ATOMIC_RELAXED);
  for (;;) {
    float f;
    std::memcpy(&f, &old, 4);
    const float sum = f + v;
    uint32_t next;
    std::memcpy(&next, &sum, 4);
    if (__atomic_compare_exchange_n(reinterpret_cast<uint32_t*>(a), &old, next, false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED))
      return f;
  }
}
template <typename T>
T prunerlAtomicUpdate(T* address, T value, bool takeMin) {
  T old = __atomic_load_n(address, __ATOMIC_RELAXED);
  while ((takeMin ? value < old : value > old) &&
         !__atomic_compare_exchange_n(address, &old, value, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
  return old;
}
inline int atomicMin(int* a, int v) { return prunerlAtomicUpdate(a, v, true); }
inline unsigned atomicMin(unsigned* a, unsigned v) { return prunerlAtomicUpdate(a, v, true); }
inline unsigned long long atomicMin(unsigned long long* a, unsigned long long v) { return prunerlAtomicUpdate(a, v, true); }
inline int atomicMax(int* a, int v) { return prunerlAtomicUpdate(a, v, false); }
inline unsigned atomicMax(unsigned* a, unsigned v) { return prunerlAtomicUpdate(a, v, false); }
inline unsigned long long atomicMax(unsigned long long* a, unsigned long long v) { return prunerlAtomicUpdate(a, v, false); }
inline int atomicExch(int* a, int v) { return __atomic_exchange_n(a, v, __ATOMIC_RELAXED); }
inline unsigned atomicExch(unsigned* a, unsigned v) { return __atomic_exchange_n(a, v, __ATOMIC_RELAXED); }
inline int atomicCAS(int* a, int compare, int v) {
  __atomic_compare_exchange_n(a, &compare, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
  return compare;
}
inline unsigned atomicCAS(unsigned* a, unsigned compare, unsigned v) {
  __atomic_compare_exchange_n(a, &compare, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
  return compare;
}
inline unsigned long long atomicCAS(unsigned long long* a, unsigned long long compare, unsigned long long v) {
  __atomic_compare_exchange_n(a, &compare, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
  return compare;
}
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

// ---- float and bit intrinsics -------------------------------------------------------------------------------------
// One IEEE operation each, round to nearest even; never fused (the emulated sources build with -ffp-contract=off).
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return std::sqrt(a); }
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline unsigned __float_as_uint(float f) { return ::prunerl::cuda_emu::fromBits<unsigned>(::prunerl::cuda_emu::toBits(f)); }
inline float __uint_as_float(unsigned u) { return ::prunerl::cuda_emu::fromBits<float>(::prunerl::cuda_emu::toBits(u)); }
inline int __float_as_int(float f) { return ::prunerl::cuda_emu::fromBits<int>(::prunerl::cuda_emu::toBits(f)); }
inline float __int_as_float(int i) { return ::prunerl::cuda_emu::fromBits<float>(::prunerl::cuda_emu::toBits(i)); }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(unsigned x) { return x == 0 ? 32 : __builtin_clz(x); }
inline int __ffs(unsigned x) { return __builtin_ffs(static_cast<int>(x)); }
template <typename T>
T __ldg(const T* p) {
  return *p;
}
// CUDA's min/max overloads for mixed integer widths, as one template.
template <typename A, typename B>
std::common_type_t<A, B> min(A a, B b) {
  return b < a ? b : a;
}
template <typename A, typename B>
std::common_type_t<A, B> max(A a, B b) {
  return a < b ? b : a;
}
