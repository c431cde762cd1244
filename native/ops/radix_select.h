// Selection of the k-th smallest |v| without sorting: a radix select on the IEEE-754 bits of |v|. For non-negative
// floats the bit pattern (sign cleared) orders like the value, so the 31-bit key is cut into three digits
// (11 | 10 | 10 bits) and each pass histograms one digit of the entries whose higher digits already match the
// answer's. Three read passes over the data, no copy of it, O(n).
//
// The work is split once into contiguous chunks of the concatenated index space (segment order, then element order)
// and every pass uses the same chunks, so per-chunk counts line up between passes: the last pass counts, per chunk,
// the entries equal to the answer (the ties), which lets a later parallel pass over the same chunks treat ties in
// index order without another count.
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

namespace prunerl {

// |v| as an ordered integer key: monotonic in |v| for all floats; NaN keys are above the +Inf key.
inline uint32_t absKey(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits & 0x7fffffffu;
}
inline float keyToFloat(uint32_t key) {
  float v;
  std::memcpy(&v, &key, sizeof v);
  return v;
}
constexpr uint32_t kInfKey = 0x7f800000u;

// A run of values; entries whose include byte is 0 are not candidates (include == nullptr: all are).
struct AbsSegment {
  const float* values;
  const uint8_t* include;
  int64_t size;
};

struct AbsSelection {
  uint32_t key = 0;                  // absKey of the k-th smallest candidate
  int64_t below = 0;                 // candidates whose key is smaller
  std::vector<int64_t> tiesByChunk;  // candidates whose key equals it, per chunk
};

class AbsRadixSelect {
 public:
  // Runs the first pass: the top-digit histogram of the candidates, their count and the largest key of all entries
  // (candidates or not, so callers can reject NaN/Inf anywhere).
  explicit AbsRadixSelect(std::vector<AbsSegment> segments);

  int64_t size() const { return total_; }
  int64_t candidates() const { return candidates_; }
  uint32_t maxKey() const { return maxKey_; }

  // The k-th smallest (0-based) candidate key; requires 0 <= k < candidates(). Two more passes.
  AbsSelection select(int64_t k) const;

  // The fixed chunks: chunk c is [chunkBegin(c), chunkBegin(c + 1)) of the concatenated index space.
  int chunkCount() const { return static_cast<int>(chunkBegin_.size()) - 1; }
  int64_t chunkBegin(int c) const { return chunkBegin_[static_cast<size_t>(c)]; }
  // Runs fn(chunk) for every chunk, one thread per chunk.
  void forEachChunk(const std::function<void(int)>& fn) const;
  // Calls fn(segment, lo, hi) for each piece of segment-local range [lo, hi) inside chunk c, in index order.
  void forEachPiece(int c, const std::function<void(size_t, int64_t, int64_t)>& fn) const;

 private:
  std::vector<AbsSegment> segments_;
  std::vector<int64_t> segmentBegin_;  // prefix sums of sizes
  std::vector<int64_t> chunkBegin_;
  std::vector<int64_t> topHistogram_;  // 2048 buckets of the top digit, all chunks together
  int64_t total_ = 0, candidates_ = 0;
  uint32_t maxKey_ = 0;
};

// Per-SIMD-level loop of the later passes: adds 1 to hist[(key >> digitShift) & 1023] for each candidate whose
// key satisfies (key & prefixMask) == prefix.
namespace radix_detail {
using FilteredHistogramFn = void (*)(const float* values, const uint8_t* include, int64_t n, uint32_t prefixMask,
                                     uint32_t prefix, int digitShift, uint32_t* hist);
FilteredHistogramFn filteredHistogramFor();  // for the current simdLevel()
}  // namespace radix_detail

}  // namespace prunerl
