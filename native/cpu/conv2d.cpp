// 2-D convolution, NHWC. The fast path lowers to the dense gemm through im2col:
//   x[B,H,W,inC] → patches[P = B·OH·OW, Kp = kH·kW·inC]  (a patch row is ordered (ky, kx, ci), like a filter row)
//   forward   Y[P,outC]  = patches · Wᵀ (+ bias)
//   backward  dW[outC,Kp] = dYᵀ · patches,  dPatches[P,Kp] = dY · W → col2im → dx,  db = column sums of dY
// Y[P,outC] is already NHWC, so no transposes are needed anywhere.
#include "ops/conv2d.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/thread_pool.h"
#include "ops/gemm.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
// first call. Each buffer grows to the largest size seen and is never shrunk.
template <typename T>
T* scratch(std::vector<T>& buffer, int64_t n) {
  if (static_cast<int64_t>(buffer.size()) < n) {
    buffer.clear();
    buffer.shrink_to_fit();  // release first so the peak is one buffer, not two
    buffer.resize(static_cast<size_t>(n));
  }
  return buffer.data();
}
thread_local std::vector<float> patchScratch;
thread_local std::vector<double> columnSumScratch;

// Waking the pool costs about as much as copying 40k floats (measured: MinAtar's 73k-float im2col was slower on
// two threads than on one), so a chunk gets at least this many floats.
constexpr int64_t kFloatsPerChunk = 1 << 17;

int64_t grainFor(int64_t floatsPerItem) {
  return std::max<int64_t>(1, kFloatsPerChunk / std::max<int64_t>(1, floatsPerItem));
}

// The sizes im2col and col2im use, computed once per call (outHeight/outWidth divide).
struct Geometry {
  int64_t H, W, C, k, stride, padding, OH, OW, run, Kp;  // run = kernel·inChannels: one window row in NHWC
  explicit Geometry(const Conv2dShape& s)
      : H(s.height), W(s.width), C(s.inChannels), k(s.kernel), stride(s.stride), padding(s.padding),
        OH(s.outHeight()), OW(s.outWidth()), run(s.kernel * s.inChannels), Kp(s.patchSize()) {}
};

// Window rows are short (12 floats for MinAtar's 3×3×4), where a libc memcpy call costs several times the copy.
// Up to 16 floats this is two or four overlapping 4-float moves with no loop (a copy loop would be turned back into
// a memmove call by the compiler); longer rows go to memcpy, whose call cost they amortise.
inline void copyRun(float* __restrict dst, const float* __restrict src, int64_t n) {
#if defined(__SSE2__)
  if (n >= 4 && n <= 16) {
    const __m128 head = _mm_loadu_ps(src), tail = _mm_loadu_ps(src + n - 4);
    if (n > 8) {
      const __m128 second = _mm_loadu_ps(src + 4), third = _mm_loadu_ps(src + n - 8);
      _mm_storeu_ps(dst + 4, second);
      _mm_storeu_ps(dst + n - 8, third);
    }
    _mm_storeu_ps(dst, head);
    _mm_storeu_ps(dst + n - 4, tail);
    return;
  }
#endif
  std::memcpy(dst, src, sizeof(float) * n);
}

inline void addRun(float* __restrict dst, const float* __restrict src, int64_t n) {
  int64_t i = 0;
#if defined(__SSE2__)
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(dst + i, _mm_add_ps(_mm_loadu_ps(dst + i), _mm_loadu_ps(src + i)));
#endif
  for (; i < n; ++i) dst[i] += src[i];
}

// The part of a window inside the image: rows ky in [kyBegin, kyEnd) and columns kx in [kxBegin, kxEnd), either
// range empty when the window lies in the padding. In NHWC the columns of one row are one contiguous run of x.
struct RowSpan {
  int64_t y0, kyBegin, kyEnd;
  RowSpan(const Geometry& g, int64_t oy)
      : y0(oy * g.stride - g.padding),
        kyBegin(std::max<int64_t>(0, -y0)),
        kyEnd(std::max(kyBegin, std::min<int64_t>(g.k, g.H - y0))) {}
};
struct ColumnSpan {
  int64_t x0, kxBegin, kxEnd;
  ColumnSpan(const Geometry& g, int64_t ox)
      : x0(ox * g.stride - g.padding),
        kxBegin(std::max<int64_t>(0, -x0)),
        kxEnd(std::max(kxBegin, std::min<int64_t>(g.k, g.W - x0))) {}
};

// The patches of one output row (b, oy): OW rows of the patches matrix. The geometry is taken by value: vector
// stores may alias anything, and a local copy is what lets the compiler keep the sizes in registers.
void im2colRow(const float* x, const Geometry g, int64_t b, int64_t oy, float* rowPatches) {
  const RowSpan rows(g, oy);
  const int64_t imageRow = g.W * g.C;
  for (int64_t ox = 0; ox < g.OW; ++ox) {
    float* patch = rowPatches + ox * g.Kp;
    const ColumnSpan cols(g, ox);
    if (rows.kyBegin == rows.kyEnd || cols.kxBegin == cols.kxEnd) {  // all padding
      std::memset(patch, 0, sizeof(float) * g.Kp);
      continue;
    }
    // Window rows above and below the image are contiguous in the patch: one memset each (skipped when empty,
    // since even an empty memset is a call and most windows have none).
    if (rows.kyBegin > 0) std::memset(patch, 0, sizeof(float) * rows.kyBegin * g.run);
    if (rows.kyEnd < g.k) std::memset(patch + rows.kyEnd * g.run, 0, sizeof(float) * (g.k - rows.kyEnd) * g.run);
    const int64_t lead = cols.kxBegin * g.C, body = (cols.kxEnd - cols.kxBegin) * g.C;
    const int64_t trail = g.run - lead - body;
    float* dst = patch + rows.kyBegin * g.run;
    const float* src = x + ((b * g.H + rows.y0 + rows.kyBegin) * g.W + cols.x0 + cols.kxBegin) * g.C;
    for (int64_t ky = rows.kyBegin; ky < rows.kyEnd; ++ky, dst += g.run, src += imageRow) {
      if (lead > 0) std::memset(dst, 0, sizeof(float) * lead);
      copyRun(dst + lead, src, body);
      if (trail > 0) std::memset(dst + lead + body, 0, sizeof(float) * trail);
    }
  }
}

// Adds the patch gradients of one image into its dx (already zeroed): the exact mirror of im2colRow.
void col2imImage(const float* dPatches, const Geometry g, int64_t b, float* dx) {
  const int64_t imageRow = g.W * g.C;
  const float* imagePatches = dPatches + b * g.OH * g.OW * g.Kp;
  for (int64_t oy = 0; oy < g.OH; ++oy) {
    const RowSpan rows(g, oy);
    for (int64_t ox = 0; ox < g.OW; ++ox) {
      const ColumnSpan cols(g, ox);
      const int64_t lead = cols.kxBegin * g.C, body = (cols.kxEnd - cols.kxBegin) * g.C;
      if (body == 0 || rows.kyBegin == rows.kyEnd) continue;  // all padding
      const float* src = imagePatches + (oy * g.OW + ox) * g.Kp + rows.kyBegin * g.run + lead;
      float* dst = dx + ((b * g.H + rows.y0 + rows.kyBegin) * g.W + cols.x0 + cols.kxBegin) * g.C;
      for (int64_t ky = rows.kyBegin; ky < rows.kyEnd; ++ky, src += g.run, dst += imageRow) addRun(dst, src, body);
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
  const Geometry g(s);
  const int64_t rowFloats = g.OW * g.Kp;
  // Rows (b, oy) write disjoint slices of patches: any split is race-free and gives identical results.
  parallelFor(s.batch * g.OH, grainFor(rowFloats), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin, b = begin / g.OH, oy = begin % g.OH; r < end; ++r) {
      im2colRow(x, g, b, oy, patches + r * rowFloats);
      if (++oy == g.OH) oy = 0, ++b;
    }
  });
}

void col2im(const float* dPatches, const Conv2dShape& s, float* dx) {
  const Geometry g(s);
  const int64_t imageFloats = g.H * g.W * g.C;
  // Windows overlap within an image but never across images: one image per task keeps the sums race-free and in a
  // fixed order.
  parallelFor(s.batch, grainFor(g.OH * g.OW * g.Kp), [&](int64_t begin, int64_t end) {
    std::memset(dx + begin * imageFloats, 0, sizeof(float) * (end - begin) * imageFloats);
    for (int64_t b = begin; b < end; ++b) col2imImage(dPatches, g, b, dx);
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
    // The patches are no longer needed once dW is done, so their buffer takes the patch gradients: half the memory
    // traffic of a second buffer. For a 1×1 stride-1 convolution the patch gradients are dx itself.
    float* dPatches = patchesAreInput(s) ? dx : scratch(patchScratch, P * Kp);
    GemmArgs gx;  // dPatches[P,Kp] = dY[P,Cout] · W[Cout,Kp]
    gx.M = P, gx.N = Kp, gx.K = Cout;
    gx.A = dy, gx.lda = Cout, gx.B = w, gx.ldb = Kp, gx.C = dPatches, gx.ldc = Kp;
    gemm(gx);
    if (!patchesAreInput(s)) col2im(dPatches, s, dx);
  }

  if (db) {
    // Column sums in double, row by row (contiguous, vectorisable), in a fixed order.
    double* sums = scratch(columnSumScratch, Cout);
    std::fill(sums, sums + Cout, 0.0);
    for (int64_t r = 0; r < P; ++r)
      for (int64_t o = 0; o < Cout; ++o) sums[o] += dy[r * Cout + o];
    for (int64_t o = 0; o < Cout; ++o) db[o] = static_cast<float>(sums[o]);
  }
}

}  // namespace prunerl
