// The value-based learner's head, target and loss arithmetic on the GPU (ops/value_head.h), bit-identical to the
// CPU's (cpu/value_head.cpp): every step in double with explicit __dadd_rn/__dmul_rn/__dsub_rn/__ddiv_rn (nvcc would
// otherwise fuse a·b + c into an FMA, which rounds once instead of twice), in the CPU's order. On a GPU, exp and log
// are CUDA's double functions (within an ulp of the host's); on the emulator they are the host's.
//   dueling heads      one thread per output element; each recomputes its row's (or atom's) sum over actions in
//                      order, so no thread waits for another
//   c51Probabilities,  one thread per row (a batch is 32 × a few actions rows of 51 atoms)
//   c51Expectation
//   tdTarget           one thread per sample
//   c51Project         one thread per sample: its atoms' masses land on neighbouring atoms of its own row, j in order
//   tdLoss, c51Loss    ONE block: threads take the samples 256 at a time, write the gradients and each sample's loss
//                      term to shared memory, and thread 0 adds the terms in sample order, so the batch loss is the
//                      CPU's sum, bit for bit, and stays on the device (a double the learner reads when it wants)
//   applyMask, sgdStep one thread per element
// The launchers (value_head_device.h) are kernel launches only (no allocation, copy or host read), for graph capture.
#include <cuda_runtime.h>

#include <cassert>
#include <cmath>

#include "cuda/cuda_api.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/launch_config.h"
#include "cuda/value_head_device.h"

namespace prunerl::cuda {
namespace {

// The loss kernels' one block (its shared terms are one chunk of samples).
constexpr int kLossThreads = kElementThreads;

__device__ double atomSpacing(double vMin, double vMax, int64_t atoms) {
  return __ddiv_rn(__dsub_rn(vMax, vMin), static_cast<double>(atoms - 1));
}

__device__ double atomValue(double vMin, double dz, int64_t j) {
  return __dadd_rn(vMin, __dmul_rn(static_cast<double>(j), dz));
}

// ---- dueling heads -----------------------------------------------------------------------------------------------

// Σ_a x[a·stride] in double, a in order.
__device__ double sumOverActions(const float* x, int64_t actions, int64_t stride) {
  double sum = 0.0;
  for (int64_t a = 0; a < actions; ++a) sum = __dadd_rn(sum, static_cast<double>(x[a * stride]));
  return sum;
}

// One thread per q[b, a].
__global__ void duelingQKernel(const float* __restrict__ out, int64_t B, int64_t A, float* __restrict__ q) {
  PRUNERL_FOR_EACH_ELEMENT(i, B * A) {
    const int64_t b = i / A, a = i % A;
    const float* row = out + b * (A + 1);
    const double mean = __ddiv_rn(sumOverActions(row + 1, A, 1), static_cast<double>(A));
    q[i] = static_cast<float>(__dsub_rn(__dadd_rn(static_cast<double>(row[0]), static_cast<double>(row[1 + a])), mean));
  }
}

// One thread per dOut[b, k] (k = 0: V, k = 1 + a: A_a).
__global__ void duelingQBackwardKernel(const float* __restrict__ dQ, int64_t B, int64_t A, float* __restrict__ dOut) {
  PRUNERL_FOR_EACH_ELEMENT(i, B * (A + 1)) {
    const int64_t b = i / (A + 1), k = i % (A + 1);
    const double sum = sumOverActions(dQ + b * A, A, 1);
    dOut[i] = k == 0 ? static_cast<float>(sum)
                     : static_cast<float>(__dsub_rn(static_cast<double>(dQ[b * A + k - 1]),
                                                    __ddiv_rn(sum, static_cast<double>(A))));
  }
}

// One thread per logits[b, a, z].
__global__ void duelingLogitsKernel(const float* __restrict__ out, int64_t B, int64_t A, int64_t N,
                                    float* __restrict__ logits) {
  PRUNERL_FOR_EACH_ELEMENT(i, B * A * N) {
    const int64_t b = i / (A * N), a = (i / N) % A, z = i % N;
    const float* row = out + b * (A + 1) * N;
    const double mean = __ddiv_rn(sumOverActions(row + N + z, A, N), static_cast<double>(A));
    logits[i] = static_cast<float>(
        __dsub_rn(__dadd_rn(static_cast<double>(row[z]), static_cast<double>(row[(1 + a) * N + z])), mean));
  }
}

// One thread per dOut[b, k, z] (k = 0: V_z, k = 1 + a: A_a,z).
__global__ void duelingLogitsBackwardKernel(const float* __restrict__ dLogits, int64_t B, int64_t A, int64_t N,
                                            float* __restrict__ dOut) {
  PRUNERL_FOR_EACH_ELEMENT(i, B * (A + 1) * N) {
    const int64_t b = i / ((A + 1) * N), k = (i / N) % (A + 1), z = i % N;
    const float* rows = dLogits + b * A * N;
    const double sum = sumOverActions(rows + z, A, N);
    dOut[i] = k == 0 ? static_cast<float>(sum)
                     : static_cast<float>(__dsub_rn(static_cast<double>(rows[(k - 1) * N + z]),
                                                    __ddiv_rn(sum, static_cast<double>(A))));
  }
}

// ---- C51 distributions -------------------------------------------------------------------------------------------

__global__ void c51ProbabilitiesKernel(const float* __restrict__ logits, int64_t rows, int64_t atoms,
                                       float* __restrict__ p) {
  PRUNERL_FOR_EACH_ELEMENT(r, rows) {
    const float* z = logits + r * atoms;
    float* pr = p + r * atoms;
    double maxZ = -INFINITY;
    for (int64_t j = 0; j < atoms; ++j) maxZ = fmax(maxZ, static_cast<double>(z[j]));
    double sum = 0.0;
    for (int64_t j = 0; j < atoms; ++j) {
      const double e = exp(__dsub_rn(static_cast<double>(z[j]), maxZ));
      pr[j] = static_cast<float>(e);
      sum = __dadd_rn(sum, e);
    }
    for (int64_t j = 0; j < atoms; ++j) pr[j] = static_cast<float>(__ddiv_rn(static_cast<double>(pr[j]), sum));
  }
}

__global__ void c51ExpectationKernel(const float* __restrict__ p, int64_t rows, int64_t N, double vMin, double vMax,
                                     float* __restrict__ q) {
  const double dz = atomSpacing(vMin, vMax, N);
  PRUNERL_FOR_EACH_ELEMENT(r, rows) {
    double sum = 0.0;
    for (int64_t j = 0; j < N; ++j)
      sum = __dadd_rn(sum, __dmul_rn(static_cast<double>(p[r * N + j]), atomValue(vMin, dz, j)));
    q[r] = static_cast<float>(sum);
  }
}

// ---- targets -----------------------------------------------------------------------------------------------------

__global__ void tdTargetKernel(const float* __restrict__ rewards, const float* __restrict__ discounts,
                               const float* __restrict__ dones, const float* __restrict__ nextValue, int64_t B,
                               float* __restrict__ y) {
  PRUNERL_FOR_EACH_ELEMENT(b, B) {
    const double notDone = __dsub_rn(1.0, static_cast<double>(dones[b]));
    const double future = __dmul_rn(__dmul_rn(static_cast<double>(discounts[b]), notDone), static_cast<double>(nextValue[b]));
    y[b] = static_cast<float>(__dadd_rn(static_cast<double>(rewards[b]), future));
  }
}

// m[b, at] = float(m[b, at] + mass), as the CPU's float store after a double add.
__device__ void addMass(float* m, int64_t at, double mass) {
  m[at] = static_cast<float>(__dadd_rn(static_cast<double>(m[at]), mass));
}

// One thread per sample: the CPU's loop over j (several j may land on one atom, so their order is the CPU's).
__global__ void c51ProjectKernel(const float* __restrict__ pNext, const int32_t* __restrict__ greedy,
                                 const float* __restrict__ rewards, const float* __restrict__ discounts,
                                 const float* __restrict__ dones, int64_t B, int64_t A, int64_t N, double vMin,
                                 double vMax, float* __restrict__ m) {
  const double dz = atomSpacing(vMin, vMax, N);
  PRUNERL_FOR_EACH_ELEMENT(b, B) {
    assert(greedy[b] >= 0 && greedy[b] < A);
    float* mb = m + b * N;
    for (int64_t j = 0; j < N; ++j) mb[j] = 0.0f;
    const double scale = __dmul_rn(static_cast<double>(discounts[b]), __dsub_rn(1.0, static_cast<double>(dones[b])));
    const float* p = pNext + (b * A + greedy[b]) * N;
    for (int64_t j = 0; j < N; ++j) {
      const double shifted = __dadd_rn(static_cast<double>(rewards[b]), __dmul_rn(scale, atomValue(vMin, dz, j)));
      // std::min(vMax, std::max(vMin, shifted)), NaN included.
      const double above = vMin < shifted ? shifted : vMin;
      const double tz = above < vMax ? above : vMax;
      const double ratio = __ddiv_rn(__dsub_rn(tz, vMin), dz), last = static_cast<double>(N - 1);
      const double pos = last < ratio ? last : ratio;  // (vMax − vMin)/dz can round just above N − 1
      const double lower = floor(pos), upper = ceil(pos);
      const auto lo = static_cast<int64_t>(lower), up = static_cast<int64_t>(upper);
      const double pj = p[j];
      if (lo == up) {
        addMass(mb, lo, pj);
      } else {
        addMass(mb, lo, __dmul_rn(pj, __dsub_rn(upper, pos)));
        addMass(mb, up, __dmul_rn(pj, __dsub_rn(pos, lower)));
      }
    }
  }
}

// ---- losses ------------------------------------------------------------------------------------------------------

// Thread 0 adds the chunk's `count` terms to *total in index order (every thread calls it: it holds the barriers).
__device__ void addInOrder(const double* terms, int64_t count, double* total) {
  __syncthreads();
  if (threadIdx.x == 0)
    for (int64_t k = 0; k < count; ++k) *total = __dadd_rn(*total, terms[k]);
  __syncthreads();
}

// One block. Sample b's gradient is losses.cu's Huber (δ = 1) / MSE gradient of the mean, rounded to float, then
// scaled by w_b; its loss term is the unweighted kernel's (summed, then / B) or w_b·ℓ_b / B (summed).
__global__ void tdLossKernel(const float* __restrict__ taken, const float* __restrict__ y,
                             const float* __restrict__ weights, const int32_t* __restrict__ actions, int64_t B,
                             int64_t A, bool huber, float* __restrict__ perSample, float* __restrict__ dQ,
                             double* __restrict__ loss) {
  __shared__ double terms[kLossThreads];
  __shared__ double total;
  if (threadIdx.x == 0) total = 0.0;
  for (int64_t i = threadIdx.x; i < B * A; i += blockDim.x) dQ[i] = 0.0f;
  __syncthreads();  // the scatter below writes into rows another thread zeroed
  const double invN = __ddiv_rn(1.0, static_cast<double>(B)), delta = 1.0;
  for (int64_t chunk = 0; chunk < B; chunk += blockDim.x) {
    const int64_t b = chunk + threadIdx.x;
    if (b < B) {
      assert(actions[b] >= 0 && actions[b] < A);
      const double d = __dsub_rn(static_cast<double>(taken[b]), static_cast<double>(y[b]));
      const double a = fabs(d);
      float grad;
      double term;
      if (huber) {
        const double slope = d < -delta ? -delta : (d > delta ? delta : d);
        grad = static_cast<float>(__dmul_rn(slope, invN));
        term = a < delta ? __dmul_rn(__dmul_rn(0.5, d), d) : __dmul_rn(delta, __dsub_rn(a, __dmul_rn(0.5, delta)));
      } else {
        grad = static_cast<float>(__dmul_rn(__dmul_rn(2.0, d), invN));
        term = __dmul_rn(d, d);
      }
      double w = 1.0;
      if (weights) {
        w = static_cast<double>(weights[b]);
        const double perLoss = huber ? (a <= 1.0 ? __dmul_rn(__dmul_rn(0.5, a), a) : __dsub_rn(a, 0.5)) : __dmul_rn(a, a);
        term = __ddiv_rn(__dmul_rn(w, perLoss), static_cast<double>(B));
      }
      perSample[b] = static_cast<float>(a);
      dQ[b * A + actions[b]] = static_cast<float>(__dmul_rn(static_cast<double>(grad), w));
      terms[threadIdx.x] = term;
    }
    addInOrder(terms, B - chunk < blockDim.x ? B - chunk : blockDim.x, &total);
  }
  if (threadIdx.x == 0) *loss = weights ? total : __dmul_rn(total, invN);
}

// One block. Sample b's row is losses.cu's weighted softmax cross-entropy of logits[b, actions[b], ·] against m[b, ·],
// written straight into dLogits (the other actions' rows zeroed); its term w_b·CE_b, summed, then / B.
__global__ void c51LossKernel(const float* __restrict__ logits, const float* __restrict__ m,
                              const float* __restrict__ weights, const int32_t* __restrict__ actions, int64_t B,
                              int64_t A, int64_t N, float* __restrict__ dLogits, float* __restrict__ perSample,
                              double* __restrict__ loss) {
  __shared__ double terms[kLossThreads];
  __shared__ double total;
  if (threadIdx.x == 0) total = 0.0;
  for (int64_t i = threadIdx.x; i < B * A * N; i += blockDim.x) {
    const int64_t b = i / (A * N), a = (i / N) % A;
    if (a != actions[b]) dLogits[i] = 0.0f;  // the taken rows are written below: no overlap, no barrier needed
  }
  const double invRows = __ddiv_rn(1.0, static_cast<double>(B));
  for (int64_t chunk = 0; chunk < B; chunk += blockDim.x) {
    const int64_t b = chunk + threadIdx.x;
    if (b < B) {
      assert(actions[b] >= 0 && actions[b] < A);
      const int64_t row = (b * A + actions[b]) * N;
      const float* z = logits + row;
      const float* t = m + b * N;
      double maxZ = z[0];
      for (int64_t j = 1; j < N; ++j) maxZ = fmax(maxZ, static_cast<double>(z[j]));
      double sumExp = 0.0;
      for (int64_t j = 0; j < N; ++j) sumExp = __dadd_rn(sumExp, exp(__dsub_rn(static_cast<double>(z[j]), maxZ)));
      const double logSum = log(sumExp);
      double ce = 0.0;
      for (int64_t j = 0; j < N; ++j)
        ce = __dadd_rn(ce, __dmul_rn(static_cast<double>(t[j]),
                                     __dsub_rn(logSum, __dsub_rn(static_cast<double>(z[j]), maxZ))));
      const double w = weights ? static_cast<double>(weights[b]) : 1.0;
      const double scale = __dmul_rn(w, invRows);
      for (int64_t j = 0; j < N; ++j) {
        const double p = __ddiv_rn(exp(__dsub_rn(static_cast<double>(z[j]), maxZ)), sumExp);
        dLogits[row + j] = static_cast<float>(__dmul_rn(__dsub_rn(p, static_cast<double>(t[j])), scale));
      }
      perSample[b] = static_cast<float>(ce);
      terms[threadIdx.x] = __dmul_rn(w, ce);
    }
    addInOrder(terms, B - chunk < blockDim.x ? B - chunk : blockDim.x, &total);
  }
  if (threadIdx.x == 0) *loss = __dmul_rn(total, invRows);
}

// ---- a step's per-parameter loops --------------------------------------------------------------------------------

__global__ void applyMaskKernel(float* __restrict__ w, const uint8_t* __restrict__ mask, int64_t n) {
  PRUNERL_FOR_EACH_ELEMENT(i, n) { w[i] = mask[i] ? w[i] : 0.0f; }
}

__global__ void sgdStepKernel(float* __restrict__ p, const float* __restrict__ g, int64_t n, float lr) {
  PRUNERL_FOR_EACH_ELEMENT(i, n) { p[i] = __fsub_rn(p[i], __fmul_rn(lr, g[i])); }
}

void assertShape(const ValueHeadShape& s, bool c51) {
  assert(s.batch >= 1 && s.actions >= 1);
  assert(!c51 || (s.atoms >= 2 && std::isfinite(s.vMin) && std::isfinite(s.vMax) && s.vMin < s.vMax));
  (void)s, (void)c51;
}

}  // namespace

// ---- launchers: device pointers ----------------------------------------------------------------------------------

void duelingQDevice(const float* out, const ValueHeadShape& s, float* q) {
  assertShape(s, false);
  duelingQKernel<<<elementBlocks(s.batch * s.actions), kElementThreads>>>(out, s.batch, s.actions, q);
  checkLaunch("duelingQKernel");
}

void duelingQBackwardDevice(const float* dQ, const ValueHeadShape& s, float* dOut) {
  assertShape(s, false);
  duelingQBackwardKernel<<<elementBlocks(s.batch * (s.actions + 1)), kElementThreads>>>(dQ, s.batch, s.actions, dOut);
  checkLaunch("duelingQBackwardKernel");
}

void duelingLogitsDevice(const float* out, const ValueHeadShape& s, float* logits) {
  assertShape(s, false);
  duelingLogitsKernel<<<elementBlocks(s.batch * s.actions * s.atoms), kElementThreads>>>(out, s.batch, s.actions,
                                                                                          s.atoms, logits);
  checkLaunch("duelingLogitsKernel");
}

void duelingLogitsBackwardDevice(const float* dLogits, const ValueHeadShape& s, float* dOut) {
  assertShape(s, false);
  duelingLogitsBackwardKernel<<<elementBlocks(s.batch * (s.actions + 1) * s.atoms), kElementThreads>>>(
      dLogits, s.batch, s.actions, s.atoms, dOut);
  checkLaunch("duelingLogitsBackwardKernel");
}

void c51ProbabilitiesDevice(const float* logits, int64_t rows, int64_t atoms, float* p) {
  assert(rows >= 1 && atoms >= 1);
  c51ProbabilitiesKernel<<<elementBlocks(rows), kElementThreads>>>(logits, rows, atoms, p);
  checkLaunch("c51ProbabilitiesKernel");
}

void c51ExpectationDevice(const float* p, int64_t rows, const ValueHeadShape& s, float* q) {
  assert(rows >= 1 && s.atoms >= 2);
  c51ExpectationKernel<<<elementBlocks(rows), kElementThreads>>>(p, rows, s.atoms, s.vMin, s.vMax, q);
  checkLaunch("c51ExpectationKernel");
}

void tdTargetDevice(const float* rewards, const float* discounts, const float* dones, const float* nextValue,
                    int64_t batch, float* y) {
  assert(batch >= 1);
  tdTargetKernel<<<elementBlocks(batch), kElementThreads>>>(rewards, discounts, dones, nextValue, batch, y);
  checkLaunch("tdTargetKernel");
}

void c51ProjectDevice(const float* pNext, const int32_t* greedy, const float* rewards, const float* discounts,
                      const float* dones, const ValueHeadShape& s, float* m) {
  assertShape(s, true);
  c51ProjectKernel<<<elementBlocks(s.batch), kElementThreads>>>(pNext, greedy, rewards, discounts, dones, s.batch,
                                                                s.actions, s.atoms, s.vMin, s.vMax, m);
  checkLaunch("c51ProjectKernel");
}

void tdLossDevice(const float* taken, const float* y, const float* weights, const int32_t* actions,
                  const ValueHeadShape& s, TdLossKind kind, float* perSample, float* dQ, double* loss) {
  assertShape(s, false);
  tdLossKernel<<<1, kLossThreads>>>(taken, y, weights, actions, s.batch, s.actions, kind == TdLossKind::Huber,
                                    perSample, dQ, loss);
  checkLaunch("tdLossKernel");
}

void c51LossDevice(const float* logits, const float* m, const float* weights, const int32_t* actions,
                   const ValueHeadShape& s, float* dLogits, float* perSample, double* loss) {
  assert(s.batch >= 1 && s.actions >= 1 && s.atoms >= 1);
  c51LossKernel<<<1, kLossThreads>>>(logits, m, weights, actions, s.batch, s.actions, s.atoms, dLogits, perSample,
                                     loss);
  checkLaunch("c51LossKernel");
}

void applyMaskDevice(float* w, const uint8_t* mask, int64_t n) {
  if (n == 0) return;
  applyMaskKernel<<<elementBlocks(n), kElementThreads>>>(w, mask, n);
  checkLaunch("applyMaskKernel");
}

void sgdStepDevice(float* p, const float* g, int64_t n, float lr) {
  if (n == 0) return;
  sgdStepKernel<<<elementBlocks(n), kElementThreads>>>(p, g, n, lr);
  checkLaunch("sgdStepKernel");
}

// ---- host-pointer entry points (cuda_api.h): copy in, run, copy out ------------------------------------------------

void duelingQ(const float* out, const ValueHeadShape& s, float* q) {
  requireDevice();
  const DeviceBuffer<float> dOut(out, s.batch * (s.actions + 1));
  DeviceBuffer<float> dq(s.batch * s.actions);
  duelingQDevice(dOut.data(), s, dq.data());
  dq.download(q);
}

void duelingQBackward(const float* dQ, const ValueHeadShape& s, float* dOut) {
  requireDevice();
  const DeviceBuffer<float> ddQ(dQ, s.batch * s.actions);
  DeviceBuffer<float> ddOut(s.batch * (s.actions + 1));
  duelingQBackwardDevice(ddQ.data(), s, ddOut.data());
  ddOut.download(dOut);
}

void duelingLogits(const float* out, const ValueHeadShape& s, float* logits) {
  requireDevice();
  const DeviceBuffer<float> dOut(out, s.batch * (s.actions + 1) * s.atoms);
  DeviceBuffer<float> dLogits(s.batch * s.actions * s.atoms);
  duelingLogitsDevice(dOut.data(), s, dLogits.data());
  dLogits.download(logits);
}

void duelingLogitsBackward(const float* dLogits, const ValueHeadShape& s, float* dOut) {
  requireDevice();
  const DeviceBuffer<float> ddLogits(dLogits, s.batch * s.actions * s.atoms);
  DeviceBuffer<float> ddOut(s.batch * (s.actions + 1) * s.atoms);
  duelingLogitsBackwardDevice(ddLogits.data(), s, ddOut.data());
  ddOut.download(dOut);
}

void c51Probabilities(const float* logits, int64_t rows, int64_t atoms, float* p) {
  requireDevice();
  const DeviceBuffer<float> dLogits(logits, rows * atoms);
  DeviceBuffer<float> dp(rows * atoms);
  c51ProbabilitiesDevice(dLogits.data(), rows, atoms, dp.data());
  dp.download(p);
}

void c51Expectation(const float* p, int64_t rows, const ValueHeadShape& s, float* q) {
  requireDevice();
  const DeviceBuffer<float> dp(p, rows * s.atoms);
  DeviceBuffer<float> dq(rows);
  c51ExpectationDevice(dp.data(), rows, s, dq.data());
  dq.download(q);
}

void tdTarget(const float* rewards, const float* discounts, const float* dones, const float* nextValue, int64_t batch,
              float* y) {
  requireDevice();
  const DeviceBuffer<float> dr(rewards, batch), dg(discounts, batch), dd(dones, batch), dn(nextValue, batch);
  DeviceBuffer<float> dy(batch);
  tdTargetDevice(dr.data(), dg.data(), dd.data(), dn.data(), batch, dy.data());
  dy.download(y);
}

void c51Project(const float* pNext, const int32_t* greedy, const float* rewards, const float* discounts,
                const float* dones, const ValueHeadShape& s, float* m) {
  requireDevice();
  const int64_t B = s.batch;
  const DeviceBuffer<float> dp(pNext, B * s.actions * s.atoms);
  const DeviceBuffer<int32_t> dgreedy(greedy, B);
  const DeviceBuffer<float> dr(rewards, B), dg(discounts, B), dd(dones, B);
  DeviceBuffer<float> dm(B * s.atoms);
  c51ProjectDevice(dp.data(), dgreedy.data(), dr.data(), dg.data(), dd.data(), s, dm.data());
  dm.download(m);
}

void tdLoss(const float* taken, const float* y, const float* weights, const int32_t* actions, const ValueHeadShape& s,
            TdLossKind kind, float* perSample, float* dQ, double* loss) {
  requireDevice();
  const int64_t B = s.batch;
  const DeviceBuffer<float> dt(taken, B), dy(y, B);
  const DeviceBuffer<float> dw = weights ? DeviceBuffer<float>(weights, B) : DeviceBuffer<float>();
  const DeviceBuffer<int32_t> da(actions, B);
  DeviceBuffer<float> dps(B), ddQ(B * s.actions);
  DeviceBuffer<double> dloss(1);
  tdLossDevice(dt.data(), dy.data(), weights ? dw.data() : nullptr, da.data(), s, kind, dps.data(), ddQ.data(),
               dloss.data());
  dps.download(perSample), ddQ.download(dQ), dloss.download(loss);
}

void c51Loss(const float* logits, const float* m, const float* weights, const int32_t* actions, const ValueHeadShape& s,
             float* dLogits, float* perSample, double* loss) {
  requireDevice();
  const int64_t B = s.batch, rowsSize = B * s.actions * s.atoms;
  const DeviceBuffer<float> dz(logits, rowsSize), dm(m, B * s.atoms);
  const DeviceBuffer<float> dw = weights ? DeviceBuffer<float>(weights, B) : DeviceBuffer<float>();
  const DeviceBuffer<int32_t> da(actions, B);
  DeviceBuffer<float> ddLogits(rowsSize), dps(B);
  DeviceBuffer<double> dloss(1);
  c51LossDevice(dz.data(), dm.data(), weights ? dw.data() : nullptr, da.data(), s, ddLogits.data(), dps.data(),
                dloss.data());
  ddLogits.download(dLogits), dps.download(perSample), dloss.download(loss);
}

void applyMask(float* w, const uint8_t* mask, int64_t n) {
  requireDevice();
  if (n == 0) return;
  DeviceBuffer<float> dw(w, n);
  const DeviceBuffer<uint8_t> dmask(mask, n);
  applyMaskDevice(dw.data(), dmask.data(), n);
  dw.download(w);
}

void sgdStep(float* p, const float* g, int64_t n, float lr) {
  requireDevice();
  if (n == 0) return;
  DeviceBuffer<float> dp(p, n);
  const DeviceBuffer<float> dg(g, n);
  sgdStepDevice(dp.data(), dg.data(), n, lr);
  dp.download(p);
}

}  // namespace prunerl::cuda
