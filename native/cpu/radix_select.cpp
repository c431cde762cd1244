// Radix select on the bits of |v| (see radix_select.h).
// Pass 1 (every entry counts): scalar, into 4 interleaved copies of the 2048-bucket histogram so that runs of equal
// digits (common: half of a uniform tensor shares a handful of top digits) don't serialise on one counter.
// Passes 2-3 (only entries whose higher digits match): most entries are skipped, so the SIMD variants compare 16 or
// 8 keys at once with the prefix and only visit the matching lanes.
#include "ops/radix_select.h"

#include <algorithm>

#include "base/simd.h"
#include "base/thread_pool.h"

#if PRUNERL_X86_SIMD
#include <immintrin.h>
#endif

namespace prunerl {
namespace {

constexpr int kTopBits = 11, kLowBits = 10;
constexpr int kTopBuckets = 1 << kTopBits, kLowBuckets = 1 << kLowBits;
constexpr int kTopShift = 2 * kLowBits;  // key >> 20 is the top digit
// Fewer elements than this per chunk are not worth a thread.
constexpr int64_t kChunkGrain = 1 << 16;
// Pieces are split so that 32-bit counters cannot overflow.
constexpr int64_t kMaxCountedRun = int64_t{1} << 30;

template <bool HasInclude>
void topDigitHistogram(const float* values, const uint8_t* include, int64_t n, uint32_t (*copies)[kTopBuckets],
                       uint32_t& maxKey) {
  uint32_t mx = maxKey;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int j = 0; j < 4; ++j) {
      const uint32_t key = absKey(values[i + j]);
      mx = std::max(mx, key);
      copies[j][key >> kTopShift] += HasInclude ? static_cast<uint32_t>(include[i + j] != 0) : 1u;
    }
  }
  for (; i < n; ++i) {
    const uint32_t key = absKey(values[i]);
    mx = std::max(mx, key);
    copies[0][key >> kTopShift] += HasInclude ? static_cast<uint32_t>(include[i] != 0) : 1u;
  }
  maxKey = mx;
}

// The digit holding rank `rank` (0-based) of a histogram; leaves in `rank` the rank inside that digit's bucket.
uint32_t digitOfRank(const int64_t* hist, int buckets, int64_t& rank) {
  for (int d = 0; d < buckets; ++d) {
    if (rank < hist[d]) return static_cast<uint32_t>(d);
    rank -= hist[d];
  }
  return static_cast<uint32_t>(buckets - 1);  // unreachable when rank < the histogram's total
}

}  // namespace

// ---- the filtered histogram of passes 2-3, per SIMD level ---------------------------------------------------------

namespace radix_detail {
namespace {

void filteredScalar(const float* values, const uint8_t* include, int64_t n, uint32_t prefixMask, uint32_t prefix,
                    int digitShift, uint32_t* hist) {
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t key = absKey(values[i]);
    if ((key & prefixMask) == prefix && (include == nullptr || include[i] != 0))
      ++hist[(key >> digitShift) & (kLowBuckets - 1)];
  }
}

// Out of line so it stays a vectorised loop rather than an unrolled block.
__attribute__((noinline)) bool anyMatchPortable(const float* __restrict values, int64_t n, uint32_t prefixMask,
                                                uint32_t prefix) {
  uint32_t any = 0;
  for (int64_t i = 0; i < n; ++i) any |= ((absKey(values[i]) & prefixMask) == prefix) ? 1u : 0u;
  return any != 0;
}

// Blocks with no matching key are skipped after the branch-free test.
void filteredPortable(const float* values, const uint8_t* include, int64_t n, uint32_t prefixMask, uint32_t prefix,
                      int digitShift, uint32_t* hist) {
  constexpr int64_t kBlock = 64;
  int64_t i = 0;
  for (; i + kBlock <= n; i += kBlock)
    if (anyMatchPortable(values + i, kBlock, prefixMask, prefix))
      filteredScalar(values + i, include ? include + i : nullptr, kBlock, prefixMask, prefix, digitShift, hist);
  filteredScalar(values + i, include ? include + i : nullptr, n - i, prefixMask, prefix, digitShift, hist);
}

#if PRUNERL_X86_SIMD
PRUNERL_TARGET_AVX2 void filteredAvx2(const float* values, const uint8_t* include, int64_t n, uint32_t prefixMask,
                                      uint32_t prefix, int digitShift, uint32_t* hist) {
  const __m256i absMask = _mm256_set1_epi32(0x7fffffff);
  const __m256i maskV = _mm256_set1_epi32(static_cast<int>(prefixMask));
  const __m256i prefixV = _mm256_set1_epi32(static_cast<int>(prefix));
  alignas(32) uint32_t keys[8];
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i key = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i)), absMask);
    __m256i hit = _mm256_cmpeq_epi32(_mm256_and_si256(key, maskV), prefixV);
    if (include != nullptr) {
      const __m256i inc = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(include + i)));
      hit = _mm256_andnot_si256(_mm256_cmpeq_epi32(inc, _mm256_setzero_si256()), hit);
    }
    unsigned bits = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(hit)));
    if (bits == 0) continue;
    _mm256_store_si256(reinterpret_cast<__m256i*>(keys), key);
    for (; bits != 0; bits &= bits - 1) ++hist[(keys[__builtin_ctz(bits)] >> digitShift) & (kLowBuckets - 1)];
  }
  filteredScalar(values + i, include ? include + i : nullptr, n - i, prefixMask, prefix, digitShift, hist);
}

PRUNERL_TARGET_AVX512 void filteredAvx512(const float* values, const uint8_t* include, int64_t n,
                                          uint32_t prefixMask, uint32_t prefix, int digitShift, uint32_t* hist) {
  const __m512i absMask = _mm512_set1_epi32(0x7fffffff);
  const __m512i maskV = _mm512_set1_epi32(static_cast<int>(prefixMask));
  const __m512i prefixV = _mm512_set1_epi32(static_cast<int>(prefix));
  alignas(64) uint32_t keys[16];
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i key = _mm512_and_si512(_mm512_loadu_si512(values + i), absMask);
    __mmask16 candidate = 0xffff;
    if (include != nullptr) {
      const __m128i inc = _mm_loadu_si128(reinterpret_cast<const __m128i*>(include + i));
      candidate = _mm_test_epi8_mask(inc, inc);
    }
    unsigned bits = _mm512_mask_cmpeq_epi32_mask(candidate, _mm512_and_si512(key, maskV), prefixV);
    if (bits == 0) continue;
    _mm512_store_si512(keys, key);
    for (; bits != 0; bits &= bits - 1) ++hist[(keys[__builtin_ctz(bits)] >> digitShift) & (kLowBuckets - 1)];
  }
  filteredScalar(values + i, include ? include + i : nullptr, n - i, prefixMask, prefix, digitShift, hist);
}
#endif

}  // namespace

FilteredHistogramFn filteredHistogramFor() {
#if PRUNERL_X86_SIMD
  switch (simdLevel()) {
    case SimdLevel::Avx512: return filteredAvx512;
    case SimdLevel::Avx2: return filteredAvx2;
    case SimdLevel::Portable: break;
  }
#endif
  return filteredPortable;
}

}  // namespace radix_detail

// ---- AbsRadixSelect -----------------------------------------------------------------------------------------------

AbsRadixSelect::AbsRadixSelect(std::vector<AbsSegment> segments) : segments_(std::move(segments)) {
  segmentBegin_.push_back(0);
  for (const AbsSegment& s : segments_) segmentBegin_.push_back(segmentBegin_.back() + s.size);
  total_ = segmentBegin_.back();

  const int64_t byGrain = std::max<int64_t>(1, (total_ + kChunkGrain - 1) / kChunkGrain);
  const int chunks = static_cast<int>(std::min<int64_t>(threadCount(), byGrain));
  for (int c = 0; c <= chunks; ++c) chunkBegin_.push_back(total_ * c / chunks);

  std::vector<int64_t> rows(static_cast<size_t>(chunks) * kTopBuckets, 0);
  std::vector<uint32_t> maxKeys(static_cast<size_t>(chunks), 0);
  forEachChunk([&](int c) {
    static thread_local uint32_t copies[4][kTopBuckets];
    int64_t* row = rows.data() + static_cast<size_t>(c) * kTopBuckets;
    uint32_t mx = 0;
    forEachPiece(c, [&](size_t s, int64_t lo, int64_t hi) {
      const AbsSegment& seg = segments_[s];
      for (int64_t b = lo; b < hi; b += kMaxCountedRun) {
        const int64_t n = std::min(hi - b, kMaxCountedRun);
        std::memset(copies, 0, sizeof copies);
        if (seg.include != nullptr)
          topDigitHistogram<true>(seg.values + b, seg.include + b, n, copies, mx);
        else
          topDigitHistogram<false>(seg.values + b, nullptr, n, copies, mx);
        for (int d = 0; d < kTopBuckets; ++d) row[d] += int64_t{copies[0][d]} + copies[1][d] + copies[2][d] + copies[3][d];
      }
    });
    maxKeys[static_cast<size_t>(c)] = mx;
  });

  topHistogram_.assign(kTopBuckets, 0);
  for (int c = 0; c < chunks; ++c)
    for (int d = 0; d < kTopBuckets; ++d) topHistogram_[d] += rows[static_cast<size_t>(c) * kTopBuckets + d];
  for (int64_t count : topHistogram_) candidates_ += count;
  for (uint32_t mx : maxKeys) maxKey_ = std::max(maxKey_, mx);
}

AbsSelection AbsRadixSelect::select(int64_t k) const {
  int64_t rank = k;
  const uint32_t top = digitOfRank(topHistogram_.data(), kTopBuckets, rank);
  const auto filter = radix_detail::filteredHistogramFor();
  const int chunks = chunkCount();

  // One filtered pass: per-chunk histograms of the digit at digitShift among keys matching prefix under prefixMask.
  std::vector<int64_t> rows(static_cast<size_t>(chunks) * kLowBuckets);
  const auto pass = [&](uint32_t prefixMask, uint32_t prefix, int digitShift) {
    std::fill(rows.begin(), rows.end(), 0);
    forEachChunk([&](int c) {
      uint32_t hist[kLowBuckets];
      int64_t* row = rows.data() + static_cast<size_t>(c) * kLowBuckets;
      forEachPiece(c, [&](size_t s, int64_t lo, int64_t hi) {
        const AbsSegment& seg = segments_[s];
        for (int64_t b = lo; b < hi; b += kMaxCountedRun) {
          std::memset(hist, 0, sizeof hist);
          filter(seg.values + b, seg.include ? seg.include + b : nullptr, std::min(hi - b, kMaxCountedRun),
                 prefixMask, prefix, digitShift, hist);
          for (int d = 0; d < kLowBuckets; ++d) row[d] += hist[d];
        }
      });
    });
    std::vector<int64_t> merged(kLowBuckets, 0);
    for (int c = 0; c < chunks; ++c)
      for (int d = 0; d < kLowBuckets; ++d) merged[d] += rows[static_cast<size_t>(c) * kLowBuckets + d];
    return digitOfRank(merged.data(), kLowBuckets, rank);
  };

  const uint32_t middle = pass(~uint32_t{0} << kTopShift, top << kTopShift, kLowBits);
  const uint32_t prefix = (top << kTopShift) | (middle << kLowBits);
  const uint32_t low = pass(~uint32_t{0} << kLowBits, prefix, 0);

  AbsSelection result;
  result.key = prefix | low;
  result.below = k - rank;  // rank is now the position of the k-th among the candidates equal to it
  for (int c = 0; c < chunks; ++c) result.tiesByChunk.push_back(rows[static_cast<size_t>(c) * kLowBuckets + low]);
  return result;
}

void AbsRadixSelect::forEachChunk(const std::function<void(int)>& fn) const {
  const int chunks = chunkCount();
  if (chunks == 1) {
    fn(0);
    return;
  }
  parallelFor(chunks, 1, [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) fn(static_cast<int>(c));
  });
}

void AbsRadixSelect::forEachPiece(int c, const std::function<void(size_t, int64_t, int64_t)>& fn) const {
  const int64_t begin = chunkBegin(c), end = chunkBegin(c + 1);
  // The first segment ending after `begin`.
  size_t s = static_cast<size_t>(std::upper_bound(segmentBegin_.begin(), segmentBegin_.end(), begin) -
                                 segmentBegin_.begin()) - 1;
  for (; s < segments_.size() && segmentBegin_[s] < end; ++s) {
    const int64_t lo = std::max(begin, segmentBegin_[s]) - segmentBegin_[s];
    const int64_t hi = std::min(end, segmentBegin_[s + 1]) - segmentBegin_[s];
    if (lo < hi) fn(s, lo, hi);
  }
}

}  // namespace prunerl
