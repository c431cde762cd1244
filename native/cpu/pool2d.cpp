// Max pooling, NHWC, with the winner's flat index kept for the backward scatter.
#include "cpu/pool2d.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

#include "core/errors.h"
#include "core/thread_pool.h"

namespace prunerl {
namespace {

void requirePositive(int64_t v, const char* field) {
  if (v < 1) {
    std::ostringstream m;
    m << "Expected a positive integer for " << field << " but received " << v;
    throw RangeError(m.str());
  }
}

// The pooled outputs of one output row (b, oy). Windows are clipped to the image, which is what treating padding
// as −∞ means; padding < kernel guarantees every clipped window keeps at least one real pixel.
void poolRow(const float* x, const Pool2dShape& s, int64_t b, int64_t oy, float* y, int32_t* argmax) {
  const int64_t H = s.height, W = s.width, C = s.channels, OW = s.outWidth();
  const int64_t y0 = std::max<int64_t>(0, oy * s.stride - s.padding);
  const int64_t y1 = std::min<int64_t>(H, oy * s.stride - s.padding + s.kernel);
  for (int64_t ox = 0; ox < OW; ++ox) {
    const int64_t x0 = std::max<int64_t>(0, ox * s.stride - s.padding);
    const int64_t x1 = std::min<int64_t>(W, ox * s.stride - s.padding + s.kernel);
    float* best = y + ox * C;
    int32_t* where = argmax + ox * C;
    // Scanning rows then columns visits flat indices in increasing order, and only a strictly larger value
    // replaces the best, so ties go to the first (smallest) index.
    const int64_t first = ((b * H + y0) * W + x0) * C;
    for (int64_t c = 0; c < C; ++c) {
      best[c] = x[first + c];
      where[c] = static_cast<int32_t>(first + c);
    }
    for (int64_t iy = y0; iy < y1; ++iy)
      for (int64_t ix = x0; ix < x1; ++ix) {
        const int64_t base = ((b * H + iy) * W + ix) * C;
        if (base == first) continue;
        const float* pixel = x + base;
        for (int64_t c = 0; c < C; ++c) {
          const float v = pixel[c];
          // A NaN wins (the first one), so a NaN input shows in the output instead of being silently dropped.
          const bool wins = v > best[c] || (v != v && best[c] == best[c]);
          best[c] = wins ? v : best[c];
          where[c] = wins ? static_cast<int32_t>(base + c) : where[c];
        }
      }
  }
}

}  // namespace

void validatePool2d(const Pool2dShape& s) {
  requirePositive(s.batch, "batch");
  requirePositive(s.height, "height");
  requirePositive(s.width, "width");
  requirePositive(s.channels, "channels");
  requirePositive(s.kernel, "kernel");
  requirePositive(s.stride, "stride");
  std::ostringstream m;
  if (s.padding < 0 || s.padding >= s.kernel) {
    m << "Expected an integer in [0, kernel − 1 = " << s.kernel - 1 << "] for padding but received " << s.padding;
    throw RangeError(m.str());
  }
  if (s.kernel > s.height + 2 * s.padding || s.kernel > s.width + 2 * s.padding) {
    m << "Expected kernel ≤ height + 2·padding and ≤ width + 2·padding (" << s.height + 2 * s.padding << ", "
      << s.width + 2 * s.padding << ") for kernel but received " << s.kernel;
    throw RangeError(m.str());
  }
  // argmax holds flat indices into x as int32.
  const int64_t limit = std::numeric_limits<int32_t>::max();
  int64_t size = 1;
  for (int64_t d : {s.batch, s.height, s.width, s.channels}) {
    if (size > limit / d)
      throw RangeError("Expected the input x (batch·height·width·channels) to have fewer than 2^31 elements but the "
                       "shape asks for more");
    size *= d;
  }
}

void maxPool2dForward(const float* x, const Pool2dShape& s, float* y, int32_t* argmax) {
  const int64_t OH = s.outHeight(), rowSize = s.outWidth() * s.channels;
  const int64_t work = rowSize * s.kernel * s.kernel;
  parallelFor(s.batch * OH, std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(1, work)), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) poolRow(x, s, r / OH, r % OH, y + r * rowSize, argmax + r * rowSize);
  });
}

void maxPool2dBackward(const float* dy, const int32_t* argmax, int64_t outSize, int64_t inSize, float* dx) {
  // Checked before writing anything, so a bad argmax never leaves dx half-written.
  for (int64_t j = 0; j < outSize; ++j) {
    if (argmax[j] < 0 || argmax[j] >= inSize) {
      std::ostringstream m;
      m << "Expected entries in [0, inputSize − 1 = " << inSize - 1 << "] for argmax but received " << argmax[j]
        << " at index " << j;
      throw RangeError(m.str());
    }
  }
  // Sequential: overlapping windows (stride < kernel) can share a winner, so a parallel scatter would race.
  std::memset(dx, 0, sizeof(float) * inSize);
  for (int64_t j = 0; j < outSize; ++j) dx[argmax[j]] += dy[j];
}

}  // namespace prunerl
