// Radix select of the k-th smallest |w| and magnitude pruning in place, on the GPU; the algorithm of
// cpu/radix_select.h. |w|'s bits with the sign cleared order like |w|, so the 31-bit key is cut into three digits
// (11 | 10 | 10 bits) and each pass histograms one digit of the candidates (mask byte != 0) whose higher digits
// equal the answer's so far; a one-block kernel then picks the digit holding rank k. After three read passes the
// cut key is known without a sort and without the weights leaving the device.
//
// Pruning then needs, in index order, every candidate below the cut and the first (needed − below) equal to it:
//   pruneBelowCut  fixed chunks of kChunk entries, one block each: prunes key < cut, counts the ties per chunk;
//   scanTies       one block: exclusive prefix of the tie counts over all chunks (segment order, then chunk order);
//   pruneTies      one warp per chunk: chunks whose ties start before the budget prune theirs in index order
//                  (ballot + popcount ranks). With continuous weights that is one chunk.
// So ties are pruned exactly as the CPU prunes them and the result is bit-identical to the CPU kernel.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "base/errors.h"
#include "ops/radix_select.h"
#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/prune_device.h"

namespace prunerl::cuda {
namespace {

using u64 = unsigned long long;
constexpr u64 kNone = ~u64{0};
constexpr int kHistThreads = 256, kPickThreads = 1024, kTopBuckets = 2048, kChunk = 4096, kChunkThreads = 256;

// The selection of one group (a tensor, or all tensors for 'global'), in device memory.
struct SelectState {
  u64 firstBad;      // smallest group index of a rejected value (NaN/Inf when pruning, NaN for kth), kNone if none
  unsigned prefix;   // the digits chosen so far; after three picks, the cut key
  int skip;          // 1: nothing to prune
  long long rank;    // rank still to find inside the current prefix
  long long below;   // candidates with a smaller key than the prefix's bucket
  long long needed;  // entries to prune (prune mode)
};

__device__ inline unsigned keyOf(float v) { return __float_as_uint(v) & 0x7fffffffu; }

// Pass 0: top 11 bits of every candidate (and the rejected values); passes 1, 2: the next 10 bits of the candidates
// matching the prefix. Grid-stride; per-block shared histogram, then one global atomic per non-empty bucket.
template <int Pass>
__global__ void __launch_bounds__(kHistThreads)
    histogramPass(const float* __restrict__ w, const uint8_t* __restrict__ mask, int64_t n, int64_t base,
                  unsigned rejectFrom, SelectState* st, u64* __restrict__ hist) {
  constexpr int shift = Pass == 0 ? 20 : (Pass == 1 ? 10 : 0);
  constexpr unsigned digitMask = Pass == 0 ? 0x7ffu : 0x3ffu;
  constexpr unsigned prefixMask = Pass == 1 ? 0x7ff00000u : 0x7ffffc00u;
  constexpr int buckets = Pass == 0 ? kTopBuckets : 1024;
  __shared__ unsigned local[buckets];
  if (Pass > 0 && st->skip) return;
  const unsigned prefix = Pass > 0 ? st->prefix : 0u;
  for (int b = threadIdx.x; b < buckets; b += blockDim.x) local[b] = 0;
  __syncthreads();
  u64 firstBad = kNone;
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n; i += int64_t{gridDim.x} * blockDim.x) {
    const unsigned key = keyOf(w[i]);
    if (Pass == 0 && key >= rejectFrom && firstBad == kNone) firstBad = static_cast<u64>(base + i);
    const bool candidate = mask == nullptr || mask[i] != 0;
    if (candidate && (Pass == 0 || (key & prefixMask) == prefix)) atomicAdd(&local[(key >> shift) & digitMask], 1u);
  }
  if (Pass == 0 && firstBad != kNone) atomicMin(&st->firstBad, firstBad);
  __syncthreads();
  for (int b = threadIdx.x; b < buckets; b += blockDim.x)
    if (local[b] != 0) atomicAdd(&hist[b], u64{local[b]});
}

// Inclusive scan of one value per thread across a block of kPickThreads (Hillis–Steele in shared memory).
__device__ long long blockInclusiveScan(long long v, long long* scratch) {
  scratch[threadIdx.x] = v;
  __syncthreads();
  for (int offset = 1; offset < kPickThreads; offset *= 2) {
    const long long add = threadIdx.x >= offset ? scratch[threadIdx.x - offset] : 0;
    __syncthreads();
    scratch[threadIdx.x] += add;
    __syncthreads();
  }
  return scratch[threadIdx.x];
}

// One block: finds the bucket holding st->rank, narrows the prefix, and clears the histogram for the next pass.
// The first pick turns the candidate count into the rank: in prune mode (target >= 0, target = round(sparsity·n))
// needed = target − masked = target − (n − candidates) entries go, so the rank is needed − 1 (none: skip); in kth
// mode (target < 0) the rank is k.
__global__ void __launch_bounds__(kPickThreads)
    pickDigit(u64* hist, int buckets, int shift, bool first, long long target, long long n, long long k,
              SelectState* st) {
  __shared__ long long scratch[kPickThreads];
  __shared__ long long rankShared;
  __shared__ int skipShared;
  const int per = buckets / kPickThreads;
  long long counts[2] = {0, 0}, mine = 0;
  for (int j = 0; j < per; ++j) mine += counts[j] = static_cast<long long>(hist[threadIdx.x * per + j]);
  const long long inclusive = blockInclusiveScan(mine, scratch);
  if (threadIdx.x == kPickThreads - 1) {
    skipShared = st->skip;
    rankShared = st->rank;
    if (first) {
      if (target >= 0) {  // prune mode; `inclusive` is the candidate count here
        st->needed = target - (n - inclusive);
        if (st->needed <= 0) st->skip = skipShared = 1;
        rankShared = st->needed - 1;
      } else {
        rankShared = k;
      }
    }
  }
  __syncthreads();
  if (!skipShared) {
    const long long rank = rankShared;
    long long running = inclusive - mine;
    if (running <= rank && rank < inclusive) {
      for (int j = 0; j < per; ++j) {
        if (rank < running + counts[j]) {
          st->below += running;
          st->rank = rank - running;
          st->prefix |= static_cast<unsigned>(threadIdx.x * per + j) << shift;
          break;
        }
        running += counts[j];
      }
    }
  }
  __syncthreads();
  for (int j = 0; j < per; ++j) hist[threadIdx.x * per + j] = 0;
}

__global__ void __launch_bounds__(kChunkThreads)
    pruneBelowCut(float* __restrict__ w, uint8_t* __restrict__ mask, int64_t n, const SelectState* st,
                  u64* __restrict__ tieCounts) {
  __shared__ unsigned ties;
  if (st->skip) return;
  const unsigned cut = st->prefix;
  if (threadIdx.x == 0) ties = 0;
  __syncthreads();
  const int64_t begin = blockIdx.x * int64_t{kChunk}, end = min(n, begin + kChunk);
  unsigned mine = 0;
  for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) {
    if (mask[i] == 0) continue;
    const unsigned key = keyOf(w[i]);
    if (key < cut) {
      w[i] = 0.0f;
      mask[i] = 0;
    } else if (key == cut) {
      ++mine;
    }
  }
  if (mine) atomicAdd(&ties, mine);
  __syncthreads();
  if (threadIdx.x == 0) tieCounts[blockIdx.x] = ties;
}

// One block: tieStart[c] = Σ_{c' < c} tieCounts[c'].
__global__ void __launch_bounds__(kPickThreads) scanTies(const u64* tieCounts, int64_t chunks, u64* tieStart) {
  __shared__ long long scratch[kPickThreads];
  const int64_t per = (chunks + kPickThreads - 1) / kPickThreads;
  const int64_t lo = min(chunks, static_cast<int64_t>(threadIdx.x) * per), hi = min(chunks, lo + per);
  long long mine = 0;
  for (int64_t c = lo; c < hi; ++c) mine += static_cast<long long>(tieCounts[c]);
  long long running = blockInclusiveScan(mine, scratch) - mine;
  for (int64_t c = lo; c < hi; ++c) {
    tieStart[c] = static_cast<u64>(running);
    running += static_cast<long long>(tieCounts[c]);
  }
}

// One warp per chunk.
__global__ void pruneTies(float* __restrict__ w, uint8_t* __restrict__ mask, int64_t n, const SelectState* st,
                          const u64* __restrict__ tieCounts, const u64* __restrict__ tieStart) {
  if (st->skip) return;
  const long long budget = st->needed - st->below;
  long long running = static_cast<long long>(tieStart[blockIdx.x]);
  if (running >= budget || tieCounts[blockIdx.x] == 0) return;
  const unsigned cut = st->prefix;
  const int lane = threadIdx.x;
  const int64_t begin = blockIdx.x * int64_t{kChunk}, end = min(n, begin + kChunk);
  for (int64_t base = begin; base < end && running < budget; base += 32) {  // `running` is warp-uniform
    const int64_t i = base + lane;
    const bool tie = i < end && mask[i] != 0 && keyOf(w[i]) == cut;
    const unsigned ballot = __ballot_sync(0xffffffffu, tie);
    if (tie && running + __popc(ballot & ((1u << lane) - 1u)) < budget) {
      w[i] = 0.0f;
      mask[i] = 0;
    }
    running += __popc(ballot);
  }
}

unsigned histBlocks(int64_t n) {
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>((n + kHistThreads - 1) / kHistThreads, 1024)));
}
int64_t chunksOf(int64_t n) { return (n + kChunk - 1) / kChunk; }

std::string numberText(float v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return std::to_string(v);
}

// One group's selection state and scratch on the device.
class Group {
 public:
  Group(const PruneTarget* targets, size_t count, bool withMask) : targets_(targets, targets + count), withMask_(withMask) {
    for (const PruneTarget& t : targets_) {
      chunkBegin_.push_back(chunks_);
      chunks_ += chunksOf(t.size);
      size_ += t.size;
    }
    SelectState init{};
    init.firstBad = kNone;
    state_ = DeviceBuffer<SelectState>(&init, 1);
    hist_ = DeviceBuffer<u64>(kTopBuckets);
    hist_.zero();
  }

  // Pass 0 over every tensor; returns the first rejected group index, or -1.
  int64_t firstPass(unsigned rejectFrom) {
    int64_t base = 0;
    for (const PruneTarget& t : targets_) {
      if (t.size > 0) {
        histogramPass<0><<<histBlocks(t.size), kHistThreads>>>(t.weights, withMask_ ? t.mask : nullptr, t.size, base,
                                                               rejectFrom, state_.data(), hist_.data());
        checkLaunch("histogramPass<0>");
      }
      base += t.size;
    }
    const u64 bad = readState().firstBad;
    return bad == kNone ? -1 : static_cast<int64_t>(bad);
  }

  // Passes 1 and 2 with the picks; target >= 0: prune mode (round(sparsity·n)), else kth mode with rank k.
  void select(long long target, long long k) {
    pickDigit<<<1, kPickThreads>>>(hist_.data(), kTopBuckets, 20, true, target, size_, k, state_.data());
    checkLaunch("pickDigit");
    laterPass<1>();
    pickDigit<<<1, kPickThreads>>>(hist_.data(), 1024, 10, false, target, size_, k, state_.data());
    checkLaunch("pickDigit");
    laterPass<2>();
    pickDigit<<<1, kPickThreads>>>(hist_.data(), 1024, 0, false, target, size_, k, state_.data());
    checkLaunch("pickDigit");
  }

  // After select() in prune mode: {threshold, pruned}.
  std::pair<float, int64_t> prune() {
    if (chunks_ > 0) {
      DeviceBuffer<u64> tieCounts(chunks_), tieStart(chunks_);
      tieCounts.zero();
      for (size_t s = 0; s < targets_.size(); ++s) {
        const PruneTarget& t = targets_[s];
        if (t.size == 0) continue;
        pruneBelowCut<<<static_cast<unsigned>(chunksOf(t.size)), kChunkThreads>>>(
            t.weights, t.mask, t.size, state_.data(), tieCounts.data() + chunkBegin_[s]);
        checkLaunch("pruneBelowCut");
      }
      scanTies<<<1, kPickThreads>>>(tieCounts.data(), chunks_, tieStart.data());
      checkLaunch("scanTies");
      for (size_t s = 0; s < targets_.size(); ++s) {
        const PruneTarget& t = targets_[s];
        if (t.size == 0) continue;
        pruneTies<<<static_cast<unsigned>(chunksOf(t.size)), 32>>>(t.weights, t.mask, t.size, state_.data(),
                                                                   tieCounts.data() + chunkBegin_[s],
                                                                   tieStart.data() + chunkBegin_[s]);
        checkLaunch("pruneTies");
      }
    }
    const SelectState st = readState();
    if (st.skip) return {0.0f, 0};
    return {keyToFloat(st.prefix), st.needed};
  }

  unsigned key() { return readState().prefix; }
  int64_t size() const { return size_; }

  // The tensor (within the group) and index of group index i, and the value there (read from the device).
  void locate(int64_t i, size_t& tensor, int64_t& index, float& value) const {
    tensor = 0;
    while (i >= targets_[tensor].size) i -= targets_[tensor++].size;
    index = i;
    checkCuda(cudaMemcpy(&value, targets_[tensor].weights + i, sizeof value, cudaMemcpyDeviceToHost),
              "cudaMemcpy (rejected value)");
  }

 private:
  template <int Pass>
  void laterPass() {
    for (const PruneTarget& t : targets_) {
      if (t.size == 0) continue;
      histogramPass<Pass><<<histBlocks(t.size), kHistThreads>>>(t.weights, withMask_ ? t.mask : nullptr, t.size, 0,
                                                                0u, state_.data(), hist_.data());
      checkLaunch("histogramPass");
    }
  }
  SelectState readState() const {
    SelectState st;
    state_.download(&st);
    return st;
  }

  std::vector<PruneTarget> targets_;
  bool withMask_;
  std::vector<int64_t> chunkBegin_;
  int64_t chunks_ = 0, size_ = 0;
  DeviceBuffer<SelectState> state_;
  DeviceBuffer<u64> hist_;
};

void checkArguments(const std::vector<PruneTarget>& targets, double sparsity) {
  if (!(sparsity >= 0.0 && sparsity <= 1.0))
    throw RangeError("Expected a number in [0, 1] for sparsity but received number " +
                     (std::isnan(sparsity) ? std::string("NaN") : std::to_string(sparsity)));
  for (size_t t = 0; t < targets.size(); ++t) {
    const std::string index = "[" + std::to_string(t) + "]";
    if (targets[t].size < 0) throw RangeError("Expected a size >= 0 for targets" + index);
    if (targets[t].size > 0 && (targets[t].weights == nullptr || targets[t].mask == nullptr))
      throw TypeError("Expected weights and a mask for targets" + index + " but received null");
  }
}

}  // namespace

PruneResult magnitudePruneDevice(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope) {
  checkArguments(targets, sparsity);
  std::vector<Group> groups;
  if (scope == PruneScope::Global)
    groups.emplace_back(targets.data(), targets.size(), true);
  else
    for (const PruneTarget& t : targets) groups.emplace_back(&t, 1, true);
  // Every group's first pass (which finds NaN/Inf) runs before any tensor is modified.
  for (size_t g = 0; g < groups.size(); ++g) {
    const int64_t bad = groups[g].firstPass(kInfKey);
    if (bad < 0) continue;
    size_t tensor;
    int64_t index;
    float value;
    groups[g].locate(bad, tensor, index, value);
    const size_t name = scope == PruneScope::Global ? tensor : g;
    throw RangeError("Expected finite values in weights[" + std::to_string(name) + "] but received " +
                     numberText(value) + " at index " + std::to_string(index));
  }
  PruneResult result;
  for (Group& group : groups) {
    group.select(std::llround(sparsity * static_cast<double>(group.size())), 0);
    const auto [threshold, pruned] = group.prune();
    if (scope == PruneScope::Global)
      result.thresholds.assign(targets.size(), threshold);
    else
      result.thresholds.push_back(threshold);
    result.pruned += pruned;
  }
  return result;
}

float kthSmallestAbsDevice(const float* values, int64_t n, int64_t k) {
  if (n < 0) throw RangeError("Expected a size >= 0 for values but received " + std::to_string(n));
  if (n == 0) throw RangeError("Expected at least one included value for values but received none");
  if (k < 0 || k >= n)
    throw RangeError("Expected an integer in [0, " + std::to_string(n - 1) + "] for k but received " + std::to_string(k));
  const PruneTarget target{const_cast<float*>(values), nullptr, n};
  Group group(&target, 1, false);
  const int64_t bad = group.firstPass(kInfKey + 1);  // NaN has no order; ±Inf is allowed
  if (bad >= 0) throw RangeError("Expected values without NaN for values but received NaN at index " + std::to_string(bad));
  group.select(-1, k);
  return keyToFloat(group.key());
}

PruneResult magnitudePrune(const std::vector<PruneTarget>& targets, double sparsity, PruneScope scope) {
  checkArguments(targets, sparsity);
  requireDevice();
  std::vector<DeviceBuffer<float>> weights;
  std::vector<DeviceBuffer<uint8_t>> masks;
  std::vector<PruneTarget> onDevice;
  for (const PruneTarget& t : targets) {
    weights.emplace_back(t.weights, t.size);
    masks.emplace_back(t.mask, t.size);
    onDevice.push_back({weights.back().data(), masks.back().data(), t.size});
  }
  const PruneResult result = magnitudePruneDevice(onDevice, sparsity, scope);
  for (size_t t = 0; t < targets.size(); ++t) {  // only after every check passed: nothing changes on an error
    weights[t].download(targets[t].weights);
    masks[t].download(targets[t].mask);
  }
  return result;
}

float kthSmallestAbs(const float* values, int64_t n, int64_t k) {
  requireDevice();
  const DeviceBuffer<float> v(values, n);
  return kthSmallestAbsDevice(v.data(), n, k);
}

}  // namespace prunerl::cuda
