// Adam and RMSprop steps over flat float32 arrays, with torch.optim's semantics in the operation order of optim.h.
// The reference is the formula as a scalar loop. The fast versions compute the same operations 16 (AVX-512) or 8
// (AVX2) lanes at a time and split arrays of more than kGrain elements across threads. Every element is independent
// and rounded through the same operations in the same order, so every level and thread count gives results
// bit-identical to the reference.
#include "ops/optim.h"

#include <cmath>
#include <sstream>

#include "base/errors.h"
#include "base/no_contract.h"
#include "base/simd.h"
#include "base/thread_pool.h"

#if PRUNERL_X86_SIMD
#include <immintrin.h>
#endif

// FMA contraction would round the AVX variants differently from the reference (by thousands of ulps where β·m and
// (1−β)·g nearly cancel): every function here is PRUNERL_NO_CONTRACT (base/no_contract.h), and the scalar formulas
// below use one statement per rounding.

namespace prunerl {
namespace {

// Below this many elements a step stays on the calling thread: waking the pool costs more than it saves.
constexpr int64_t kGrain = 16384;

void requireNumber(bool ok, const char* allowed, const char* name, double got) {
  if (ok) return;
  std::ostringstream m;
  m << "Expected " << allowed << " for " << name << " but received " << got;
  throw RangeError(m.str());
}

void requireNonNegative(float v, const char* name) {
  requireNumber(std::isfinite(v) && v >= 0.0f, "a finite number >= 0", name, v);
}

// ---- Adam ------------------------------------------------------------------------------------------------------

// The per-call constants, in float as the element loop uses them; the bias corrections are computed in double
// (as PyTorch does with a Python float) and rounded once.
struct AdamScalars {
  float lr, beta1, oneMinusBeta1, beta2, oneMinusBeta2, biasCorrection1, biasCorrection2, eps;
};

AdamScalars adamScalars(const AdamConfig& c, int64_t step) {
  requireNonNegative(c.lr, "lr");
  requireNumber(c.beta1 >= 0.0f && c.beta1 < 1.0f, "a number in [0, 1)", "beta1", c.beta1);
  requireNumber(c.beta2 >= 0.0f && c.beta2 < 1.0f, "a number in [0, 1)", "beta2", c.beta2);
  requireNonNegative(c.eps, "eps");
  if (step < 1) throw RangeError("Expected an integer >= 1 for step but received " + std::to_string(step));
  const double t = static_cast<double>(step);
  return AdamScalars{c.lr,
                     c.beta1,
                     1.0f - c.beta1,
                     c.beta2,
                     1.0f - c.beta2,
                     static_cast<float>(1.0 - std::pow(static_cast<double>(c.beta1), t)),
                     static_cast<float>(1.0 - std::pow(static_cast<double>(c.beta2), t)),
                     c.eps};
}

// m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  p −= lr · (m / bc1) / (sqrt(v / bc2) + eps)
PRUNERL_NO_CONTRACT inline void adamElement(float& p, float g, float& m, float& v, const AdamScalars& s) {
  const float keptM = s.beta1 * m, newM = s.oneMinusBeta1 * g;
  m = keptM + newM;
  const float g2 = g * g;
  const float keptV = s.beta2 * v, newV = s.oneMinusBeta2 * g2;
  v = keptV + newV;
  const float mHat = m / s.biasCorrection1;
  const float vHat = v / s.biasCorrection2;
  const float step = s.lr * mHat;
  p = p - step / (std::sqrt(vHat) + s.eps);
}

PRUNERL_NO_CONTRACT void adamPortable(float* p, const float* g, float* m, float* v, int64_t n,
                                      const AdamScalars& s) {
  for (int64_t i = 0; i < n; ++i) adamElement(p[i], g[i], m[i], v[i], s);
}

#if PRUNERL_X86_SIMD
PRUNERL_TARGET_AVX2 PRUNERL_NO_CONTRACT void adamAvx2(float* p, const float* g, float* m, float* v, int64_t n,
                                                      const AdamScalars& s) {
  const __m256 lr = _mm256_set1_ps(s.lr), b1 = _mm256_set1_ps(s.beta1), c1 = _mm256_set1_ps(s.oneMinusBeta1);
  const __m256 b2 = _mm256_set1_ps(s.beta2), c2 = _mm256_set1_ps(s.oneMinusBeta2);
  const __m256 bc1 = _mm256_set1_ps(s.biasCorrection1), bc2 = _mm256_set1_ps(s.biasCorrection2);
  const __m256 eps = _mm256_set1_ps(s.eps);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 gi = _mm256_loadu_ps(g + i);
    const __m256 mi = _mm256_add_ps(_mm256_mul_ps(b1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(c1, gi));
    const __m256 vi =
        _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(c2, _mm256_mul_ps(gi, gi)));
    const __m256 mHat = _mm256_div_ps(mi, bc1);
    const __m256 vHat = _mm256_div_ps(vi, bc2);
    const __m256 denominator = _mm256_add_ps(_mm256_sqrt_ps(vHat), eps);
    const __m256 update = _mm256_div_ps(_mm256_mul_ps(lr, mHat), denominator);
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), update));
  }
  for (; i < n; ++i) adamElement(p[i], g[i], m[i], v[i], s);
}

PRUNERL_TARGET_AVX512 PRUNERL_NO_CONTRACT void adamAvx512(float* p, const float* g, float* m, float* v, int64_t n,
                                                          const AdamScalars& s) {
  const __m512 lr = _mm512_set1_ps(s.lr), b1 = _mm512_set1_ps(s.beta1), c1 = _mm512_set1_ps(s.oneMinusBeta1);
  const __m512 b2 = _mm512_set1_ps(s.beta2), c2 = _mm512_set1_ps(s.oneMinusBeta2);
  const __m512 bc1 = _mm512_set1_ps(s.biasCorrection1), bc2 = _mm512_set1_ps(s.biasCorrection2);
  const __m512 eps = _mm512_set1_ps(s.eps);
  // The tail runs through the same vector code under a lane mask (masked-off lanes are never stored). The maskz
  // forms of sqrt and max also keep GCC 12 from warning about the undefined source operand of the plain ones.
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - i)) - 1u);
    const __m512 gi = _mm512_maskz_loadu_ps(k, g + i);
    const __m512 mi = _mm512_add_ps(_mm512_mul_ps(b1, _mm512_maskz_loadu_ps(k, m + i)), _mm512_mul_ps(c1, gi));
    const __m512 vi =
        _mm512_add_ps(_mm512_mul_ps(b2, _mm512_maskz_loadu_ps(k, v + i)), _mm512_mul_ps(c2, _mm512_mul_ps(gi, gi)));
    const __m512 mHat = _mm512_div_ps(mi, bc1);
    const __m512 vHat = _mm512_div_ps(vi, bc2);
    const __m512 denominator = _mm512_add_ps(_mm512_maskz_sqrt_ps(k, vHat), eps);
    const __m512 update = _mm512_div_ps(_mm512_mul_ps(lr, mHat), denominator);
    _mm512_mask_storeu_ps(m + i, k, mi);
    _mm512_mask_storeu_ps(v + i, k, vi);
    _mm512_mask_storeu_ps(p + i, k, _mm512_sub_ps(_mm512_maskz_loadu_ps(k, p + i), update));
  }
}
#endif

using AdamKernel = void (*)(float*, const float*, float*, float*, int64_t, const AdamScalars&);

AdamKernel adamKernel(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return adamAvx512;
  if (level == SimdLevel::Avx2) return adamAvx2;
#endif
  return adamPortable;
}

// ---- RMSprop ---------------------------------------------------------------------------------------------------

struct RmspropScalars {
  float lr, alpha, oneMinusAlpha, eps, momentum;
};

RmspropScalars rmspropScalars(const RmspropConfig& c, const float* gradAvg, const float* buf, int64_t n) {
  requireNonNegative(c.lr, "lr");
  requireNumber(c.alpha >= 0.0f && c.alpha <= 1.0f, "a number in [0, 1]", "alpha", c.alpha);
  requireNonNegative(c.eps, "eps");
  requireNumber(c.momentum >= 0.0f && c.momentum < 1.0f, "a number in [0, 1)", "momentum", c.momentum);
  if (c.centered && gradAvg == nullptr && n > 0)
    throw TypeError("Expected a gradient-average array for gradAvg (centered RMSprop) but received none");
  if (c.momentum > 0.0f && buf == nullptr && n > 0)
    throw TypeError("Expected a momentum buffer for buf (RMSprop momentum > 0) but received none");
  return RmspropScalars{c.lr, c.alpha, 1.0f - c.alpha, c.eps, c.momentum};
}

// sq − ga² is a variance and never negative in exact arithmetic; rounding can make it a hair below zero when the
// gradient is nearly constant, where PyTorch's sqrt would return NaN and poison the weight. It is clamped to 0.
// (`d > 0 ? d : 0` maps NaN to 0 exactly as the max instructions of the vector paths do.)
PRUNERL_NO_CONTRACT inline float centeredVariance(float sq, float ga) {
  const float ga2 = ga * ga;
  const float d = sq - ga2;
  return d > 0.0f ? d : 0.0f;
}

// sq = α·sq + (1−α)·g²;  centered: ga = α·ga + (1−α)·g, avg = sqrt(sq − ga²) + eps, else avg = sqrt(sq) + eps;
// momentum 0 (buf null): p −= lr · g / avg;  else buf = μ·buf + g / avg, p −= lr · buf
PRUNERL_NO_CONTRACT inline void rmspropElement(float& p, float g, float& sq, float* ga, float* buf,
                                               const RmspropScalars& s) {
  const float g2 = g * g;
  const float keptSq = s.alpha * sq, newSq = s.oneMinusAlpha * g2;
  sq = keptSq + newSq;
  float avg;
  if (ga != nullptr) {
    const float keptGa = s.alpha * *ga, newGa = s.oneMinusAlpha * g;
    *ga = keptGa + newGa;
    avg = std::sqrt(centeredVariance(sq, *ga)) + s.eps;
  } else {
    avg = std::sqrt(sq) + s.eps;
  }
  if (buf != nullptr) {
    const float kept = s.momentum * *buf, scaled = g / avg;
    *buf = kept + scaled;
    const float step = s.lr * *buf;
    p = p - step;
    return;
  }
  const float step = s.lr * g;
  p = p - step / avg;
}

PRUNERL_NO_CONTRACT void rmspropPortable(float* p, const float* g, float* sq, float* ga, float* buf, int64_t n,
                                         const RmspropScalars& s) {
  for (int64_t i = 0; i < n; ++i) rmspropElement(p[i], g[i], sq[i], ga ? ga + i : nullptr, buf ? buf + i : nullptr, s);
}

#if PRUNERL_X86_SIMD
PRUNERL_TARGET_AVX2 PRUNERL_NO_CONTRACT void rmspropAvx2(float* p, const float* g, float* sq, float* ga, float* buf,
                                                         int64_t n, const RmspropScalars& s) {
  const __m256 lr = _mm256_set1_ps(s.lr), alpha = _mm256_set1_ps(s.alpha), c = _mm256_set1_ps(s.oneMinusAlpha);
  const __m256 eps = _mm256_set1_ps(s.eps), zero = _mm256_setzero_ps(), mu = _mm256_set1_ps(s.momentum);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 gi = _mm256_loadu_ps(g + i);
    const __m256 sqi =
        _mm256_add_ps(_mm256_mul_ps(alpha, _mm256_loadu_ps(sq + i)), _mm256_mul_ps(c, _mm256_mul_ps(gi, gi)));
    _mm256_storeu_ps(sq + i, sqi);
    __m256 variance = sqi;
    if (ga != nullptr) {
      const __m256 gai = _mm256_add_ps(_mm256_mul_ps(alpha, _mm256_loadu_ps(ga + i)), _mm256_mul_ps(c, gi));
      _mm256_storeu_ps(ga + i, gai);
      variance = _mm256_max_ps(_mm256_sub_ps(sqi, _mm256_mul_ps(gai, gai)), zero);  // NaN -> 0, as the scalar rule
    }
    const __m256 avg = _mm256_add_ps(_mm256_sqrt_ps(variance), eps);
    if (buf != nullptr) {
      const __m256 bi = _mm256_add_ps(_mm256_mul_ps(mu, _mm256_loadu_ps(buf + i)), _mm256_div_ps(gi, avg));
      _mm256_storeu_ps(buf + i, bi);
      _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_mul_ps(lr, bi)));
    } else {
      _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_div_ps(_mm256_mul_ps(lr, gi), avg)));
    }
  }
  for (; i < n; ++i) rmspropElement(p[i], g[i], sq[i], ga ? ga + i : nullptr, buf ? buf + i : nullptr, s);
}

PRUNERL_TARGET_AVX512 PRUNERL_NO_CONTRACT void rmspropAvx512(float* p, const float* g, float* sq, float* ga,
                                                             float* buf, int64_t n, const RmspropScalars& s) {
  const __m512 lr = _mm512_set1_ps(s.lr), alpha = _mm512_set1_ps(s.alpha), c = _mm512_set1_ps(s.oneMinusAlpha);
  const __m512 eps = _mm512_set1_ps(s.eps), zero = _mm512_setzero_ps(), mu = _mm512_set1_ps(s.momentum);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - i)) - 1u);
    const __m512 gi = _mm512_maskz_loadu_ps(k, g + i);
    const __m512 sqi =
        _mm512_add_ps(_mm512_mul_ps(alpha, _mm512_maskz_loadu_ps(k, sq + i)), _mm512_mul_ps(c, _mm512_mul_ps(gi, gi)));
    _mm512_mask_storeu_ps(sq + i, k, sqi);
    __m512 variance = sqi;
    if (ga != nullptr) {
      const __m512 gai =
          _mm512_add_ps(_mm512_mul_ps(alpha, _mm512_maskz_loadu_ps(k, ga + i)), _mm512_mul_ps(c, gi));
      _mm512_mask_storeu_ps(ga + i, k, gai);
      // max(·, 0) maps NaN to 0, as the scalar rule does
      variance = _mm512_maskz_max_ps(k, _mm512_sub_ps(sqi, _mm512_mul_ps(gai, gai)), zero);
    }
    const __m512 avg = _mm512_add_ps(_mm512_maskz_sqrt_ps(k, variance), eps);
    if (buf != nullptr) {
      const __m512 bi = _mm512_add_ps(_mm512_mul_ps(mu, _mm512_maskz_loadu_ps(k, buf + i)), _mm512_div_ps(gi, avg));
      _mm512_mask_storeu_ps(buf + i, k, bi);
      _mm512_mask_storeu_ps(p + i, k, _mm512_sub_ps(_mm512_maskz_loadu_ps(k, p + i), _mm512_mul_ps(lr, bi)));
    } else {
      _mm512_mask_storeu_ps(
          p + i, k, _mm512_sub_ps(_mm512_maskz_loadu_ps(k, p + i), _mm512_div_ps(_mm512_mul_ps(lr, gi), avg)));
    }
  }
}
#endif

using RmspropKernel = void (*)(float*, const float*, float*, float*, float*, int64_t, const RmspropScalars&);

RmspropKernel rmspropKernel(SimdLevel level) {
#if PRUNERL_X86_SIMD
  if (level == SimdLevel::Avx512) return rmspropAvx512;
  if (level == SimdLevel::Avx2) return rmspropAvx2;
#endif
  return rmspropPortable;
}

}  // namespace

PRUNERL_NO_CONTRACT void adamStepReference(float* p, const float* g, float* m, float* v, int64_t n,
                                           const AdamConfig& c, int64_t step) {
  const AdamScalars s = adamScalars(c, step);
  for (int64_t i = 0; i < n; ++i) adamElement(p[i], g[i], m[i], v[i], s);
}

void adamStep(float* p, const float* g, float* m, float* v, int64_t n, const AdamConfig& c, int64_t step) {
  const AdamScalars s = adamScalars(c, step);
  const AdamKernel kernel = adamKernel(simdLevel());  // read once, so every chunk runs the same variant
  parallelFor(n, kGrain, [&](int64_t b, int64_t e) { kernel(p + b, g + b, m + b, v + b, e - b, s); });
}

PRUNERL_NO_CONTRACT void rmspropStepReference(float* p, const float* g, float* sq, float* gradAvg, float* buf,
                                              int64_t n, const RmspropConfig& c) {
  const RmspropScalars s = rmspropScalars(c, gradAvg, buf, n);
  float* ga = c.centered ? gradAvg : nullptr;
  float* mb = c.momentum > 0.0f ? buf : nullptr;
  for (int64_t i = 0; i < n; ++i) rmspropElement(p[i], g[i], sq[i], ga ? ga + i : nullptr, mb ? mb + i : nullptr, s);
}

void rmspropStep(float* p, const float* g, float* sq, float* gradAvg, float* buf, int64_t n, const RmspropConfig& c) {
  const RmspropScalars s = rmspropScalars(c, gradAvg, buf, n);
  float* ga = c.centered ? gradAvg : nullptr;
  float* mb = c.momentum > 0.0f ? buf : nullptr;
  const RmspropKernel kernel = rmspropKernel(simdLevel());
  parallelFor(n, kGrain, [&](int64_t b, int64_t e) {
    kernel(p + b, g + b, sq + b, ga ? ga + b : nullptr, mb ? mb + b : nullptr, e - b, s);
  });
}

}  // namespace prunerl
