// 2-D convolution, NHWC. The fast path lowers to the dense gemm through im2col:
//   x[B,H,W,inC] → patches[P = B·OH·OW, Kp = kH·kW·inC]   (each patch row ordered (ky, kx, ci), like a filter row)
//   forward   Y[P,outC]  = patches · Wᵀ (+ bias)
//   backward  dW[outC,Kp] = dYᵀ · patches,  dPatches[P,Kp] = dY · W → col2im → dx,  db = column sums of dY
// Y[P,outC] is already NHWC, so no transposes are needed anywhere.
#include "cpu/conv2d.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>

#include "core/errors.h"
#include "core/thread_pool.h"
#include "cpu/gemm.h"

namespace prunerl {
namespace {

// Kernels index with int64 but the JS side and the argmax of pooling use 32-bit counts: every tensor the conv
// touches (the patches matrix included) stays below 2^31 elements.
constexpr int64_t kMaxElements = std::numeric_limits<int32_t>::max();

int64_t boundedProduct(std::initializer_list<int64_t> sizes, const char* what, const char* formula) {
  int64_t p = 1;
  for (int64_t s : sizes) {
    if (p > kMaxElements / s) {
      std::ostringstream m;
      m << "Expected " << what << " (" << formula << ") to have fewer than 2^31 elements but the shape asks for more";
      throw RangeError(m.str());
    }
    p *= s;
  }
  return p;
}

void requirePositive(int64_t v, const char* field) {
  if (v < 1) {
    std::ostringstream m;
    m << "Expected a positive integer for " << field << " but received " << v;
    throw RangeError(m.str());
  }
}

// Scratch that lives as long as the thread, so a training loop's repeated convolutions never allocate after the
// first call. Grows to the largest size seen; float storage rounded up to whole cache lines.
float* scratch(std::vector<float>& buffer, int64_t n) {
  if (static_cast<int64_t>(buffer.size()) < n) {
    buffer.clear();
    buffer.shrink_to_fit();  // release first so the peak is one buffer, not two
    buffer.resize(static_cast<size_t>((n + 15) / 16 * 16));
  }
  return buffer.data();
}
thread_local std::vector<float> patchScratch;
thread_local std::vector<float> patchGradScratch;

// Splitting a loop across threads costs a few microseconds; only do it for at least this many floats per chunk.
constexpr int64_t kFloatsPerChunk = 1 << 14;

int64_t grainFor(int64_t floatsPerItem) { return std::max<int64_t>(1, kFloatsPerChunk / std::max<int64_t>(1, floatsPerItem)); }

// The patches of one output row (b, oy): OW rows of the patches matrix.
void im2colRow(const float* x, const Conv2dShape& s, int64_t b, int64_t oy, float* rowPatches) {
  const int64_t OW = s.outWidth(), k = s.kernel, C = s.inChannels, Kp = s.patchSize();
  const float* image = x + b * s.height * s.width * C;
  for (int64_t ox = 0; ox < OW; ++ox) {
    float* patch = rowPatches + ox * Kp;
    const int64_t x0 = ox * s.stride - s.padding;
    // Columns kx in [kxBegin, kxEnd) fall inside the image; in NHWC they are one contiguous run of x.
    const int64_t kxBegin = std::max<int64_t>(0, -x0), kxEnd = std::min<int64_t>(k, s.width - x0);
    for (int64_t ky = 0; ky < k; ++ky) {
      float* dst = patch + ky * k * C;
      const int64_t iy = oy * s.stride - s.padding + ky;
      if (iy < 0 || iy >= s.height || kxBegin >= kxEnd) {
        std::memset(dst, 0, sizeof(float) * k * C);
        continue;
      }
      if (kxBegin > 0) std::memset(dst, 0, sizeof(float) * kxBegin * C);
      std::memcpy(dst + kxBegin * C, image + (iy * s.width + x0 + kxBegin) * C, sizeof(float) * (kxEnd - kxBegin) * C);
      if (kxEnd < k) std::memset(dst + kxEnd * C, 0, sizeof(float) * (k - kxEnd) * C);
    }
  }
}

// Adds the patch gradients of one image into its dx (already zeroed): the exact mirror of im2colRow.
void col2imImage(const float* dPatches, const Conv2dShape& s, int64_t b, float* dx) {
  const int64_t OH = s.outHeight(), OW = s.outWidth(), k = s.kernel, C = s.inChannels, Kp = s.patchSize();
  float* image = dx + b * s.height * s.width * C;
  const float* imagePatches = dPatches + b * OH * OW * Kp;
  for (int64_t oy = 0; oy < OH; ++oy) {
    for (int64_t ox = 0; ox < OW; ++ox) {
      const float* patch = imagePatches + (oy * OW + ox) * Kp;
      const int64_t x0 = ox * s.stride - s.padding;
      const int64_t kxBegin = std::max<int64_t>(0, -x0), kxEnd = std::min<int64_t>(k, s.width - x0);
      if (kxBegin >= kxEnd) continue;
      const int64_t run = (kxEnd - kxBegin) * C;
      for (int64_t ky = 0; ky < k; ++ky) {
        const int64_t iy = oy * s.stride - s.padding + ky;
        if (iy < 0 || iy >= s.height) continue;
        const float* src = patch + (ky * k + kxBegin) * C;
        float* dst = image + (iy * s.width + x0 + kxBegin) * C;
        for (int64_t i = 0; i < run; ++i) dst[i] += src[i];
      }
    }
  }
}

// A 1×1 convolution with stride 1 and no padding has patches == x: skip the copy.
bool patchesAreInput(const Conv2dShape& s) { return s.kernel == 1 && s.stride == 1 && s.padding == 0; }

}  // namespace

void validateConv2d(const Conv2dShape& s) {
  requirePositive(s.batch, "batch");
  requirePositive(s.height, "height");
  requirePositive(s.width, "width");
  requirePositive(s.inChannels, "inChannels");
  requirePositive(s.outChannels, "outChannels");
  requirePositive(s.kernel, "kernel");
  requirePositive(s.stride, "stride");
  std::ostringstream m;
  if (s.padding < 0 || s.padding >= s.kernel) {
    m << "Expected an integer in [0, kernel − 1 = " << s.kernel - 1 << "] for padding but received " << s.padding;
    throw RangeError(m.str());
  }
  // Checked before outHeight() is used anywhere, so that the padded image always holds one window.
  if (s.kernel > s.height + 2 * s.padding || s.kernel > s.width + 2 * s.padding) {
    m << "Expected kernel ≤ height + 2·padding and ≤ width + 2·padding (" << s.height + 2 * s.padding << ", "
      << s.width + 2 * s.padding << ") for kernel but received " << s.kernel;
    throw RangeError(m.str());
  }
  boundedProduct({s.batch, s.height, s.width, s.inChannels}, "the input x", "batch·height·width·inChannels");
  boundedProduct({s.outChannels, s.kernel, s.kernel, s.inChannels}, "the filters w",
                 "outChannels·kernel·kernel·inChannels");
  boundedProduct({s.batch, s.outHeight(), s.outWidth(), s.outChannels}, "the output y",
                 "batch·outHeight·outWidth·outChannels");
  boundedProduct({s.batch, s.outHeight(), s.outWidth(), s.kernel, s.kernel, s.inChannels}, "the im2col patches",
                 "batch·outHeight·outWidth·kernel·kernel·inChannels");
}

void im2col(const float* x, const Conv2dShape& s, float* patches) {
  const int64_t OH = s.outHeight(), rowFloats = s.outWidth() * s.patchSize();
  // Rows (b, oy) write disjoint slices of patches: any split is race-free and gives identical results.
  parallelFor(s.batch * OH, grainFor(rowFloats), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) im2colRow(x, s, r / OH, r % OH, patches + r * rowFloats);
  });
}

void col2im(const float* dPatches, const Conv2dShape& s, float* dx) {
  const int64_t imageFloats = s.height * s.width * s.inChannels;
  const int64_t imagePatchFloats = s.outHeight() * s.outWidth() * s.patchSize();
  // Windows overlap within an image but never across images: one image per task keeps the sums race-free and in a
  // fixed order.
  parallelFor(s.batch, grainFor(imagePatchFloats), [&](int64_t begin, int64_t end) {
    std::memset(dx + begin * imageFloats, 0, sizeof(float) * (end - begin) * imageFloats);
    for (int64_t b = begin; b < end; ++b) col2imImage(dPatches, s, b, dx);
  });
}

void conv2dForwardReference(const float* x, const float* w, const float* bias, const Conv2dShape& s, float* y) {
  const int64_t OH = s.outHeight(), OW = s.outWidth(), H = s.height, W = s.width, C = s.inChannels, k = s.kernel;
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t o = 0; o < s.outChannels; ++o) {
          double acc = bias ? bias[o] : 0.0;
          for (int64_t ky = 0; ky < k; ++ky)
            for (int64_t kx = 0; kx < k; ++kx) {
              const int64_t iy = oy * s.stride - s.padding + ky, ix = ox * s.stride - s.padding + kx;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;  // zero padding
              for (int64_t c = 0; c < C; ++c)
                acc += static_cast<double>(x[((b * H + iy) * W + ix) * C + c]) * w[((o * k + ky) * k + kx) * C + c];
            }
          y[((b * OH + oy) * OW + ox) * s.outChannels + o] = static_cast<float>(acc);
        }
}

void conv2dBackwardReference(const float* x, const float* w, const float* dy, const Conv2dShape& s, float* dx,
                             float* dw, float* db) {
  const int64_t OH = s.outHeight(), OW = s.outWidth(), H = s.height, W = s.width, C = s.inChannels, k = s.kernel;
  const int64_t Cout = s.outChannels;
  std::vector<double> dxAcc(dx ? s.batch * H * W * C : 0, 0.0), dwAcc(Cout * k * k * C, 0.0), dbAcc(Cout, 0.0);
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t o = 0; o < Cout; ++o) {
          const double g = dy[((b * OH + oy) * OW + ox) * Cout + o];
          dbAcc[o] += g;
          for (int64_t ky = 0; ky < k; ++ky)
            for (int64_t kx = 0; kx < k; ++kx) {
              const int64_t iy = oy * s.stride - s.padding + ky, ix = ox * s.stride - s.padding + kx;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (int64_t c = 0; c < C; ++c) {
                const int64_t xi = ((b * H + iy) * W + ix) * C + c, wi = ((o * k + ky) * k + kx) * C + c;
                dwAcc[wi] += g * x[xi];
                if (dx) dxAcc[xi] += g * w[wi];
              }
            }
        }
  for (size_t i = 0; i < dwAcc.size(); ++i) dw[i] = static_cast<float>(dwAcc[i]);
  if (dx)
    for (size_t i = 0; i < dxAcc.size(); ++i) dx[i] = static_cast<float>(dxAcc[i]);
  if (db)
    for (int64_t o = 0; o < Cout; ++o) db[o] = static_cast<float>(dbAcc[o]);
}

void conv2dForward(const float* x, const float* w, const float* bias, const Conv2dShape& s, float* y) {
  const int64_t P = s.patchCount(), Kp = s.patchSize(), Cout = s.outChannels;
  const float* patches = x;
  if (!patchesAreInput(s)) {
    float* buffer = scratch(patchScratch, P * Kp);
    im2col(x, s, buffer);
    patches = buffer;
  }
  GemmArgs g;  // Y[P,Cout] = patches[P,Kp] · W[Cout,Kp]ᵀ
  g.transB = true;
  g.M = P, g.N = Cout, g.K = Kp;
  g.A = patches, g.lda = Kp, g.B = w, g.ldb = Kp, g.C = y, g.ldc = Cout;
  gemm(g);
  if (bias)
    for (int64_t r = 0; r < P; ++r)
      for (int64_t o = 0; o < Cout; ++o) y[r * Cout + o] += bias[o];
}

void conv2dBackward(const float* x, const float* w, const float* dy, const Conv2dShape& s, float* dx, float* dw,
                    float* db) {
  const int64_t P = s.patchCount(), Kp = s.patchSize(), Cout = s.outChannels;
  const float* patches = x;
  if (!patchesAreInput(s)) {
    float* buffer = scratch(patchScratch, P * Kp);
    im2col(x, s, buffer);
    patches = buffer;
  }
  GemmArgs gw;  // dW[Cout,Kp] = dY[P,Cout]ᵀ · patches[P,Kp]
  gw.transA = true;
  gw.M = Cout, gw.N = Kp, gw.K = P;
  gw.A = dy, gw.lda = Cout, gw.B = patches, gw.ldb = Kp, gw.C = dw, gw.ldc = Kp;
  gemm(gw);

  if (dx) {
    // For a 1×1 stride-1 convolution the patch gradients are dx itself.
    float* dPatches = patchesAreInput(s) ? dx : scratch(patchGradScratch, P * Kp);
    GemmArgs gx;  // dPatches[P,Kp] = dY[P,Cout] · W[Cout,Kp]
    gx.M = P, gx.N = Kp, gx.K = Cout;
    gx.A = dy, gx.lda = Cout, gx.B = w, gx.ldb = Kp, gx.C = dPatches, gx.ldc = Kp;
    gemm(gx);
    if (!patchesAreInput(s)) col2im(dPatches, s, dx);
  }

  if (db) {
    // Column sums in double, row by row (contiguous, vectorisable), in a fixed order.
    std::vector<double> sums(Cout, 0.0);
    for (int64_t r = 0; r < P; ++r)
      for (int64_t o = 0; o < Cout; ++o) sums[o] += dy[r * Cout + o];
    for (int64_t o = 0; o < Cout; ++o) db[o] = static_cast<float>(sums[o]);
  }
}

}  // namespace prunerl
