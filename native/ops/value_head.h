// The value-based learner's head and target arithmetic as ops, so that a device-resident learner (model/learner.cpp)
// runs its whole update on the device: the dueling and C51 heads and their backward, the TD target, the C51
// projection, the two TD losses with their gradient scatter, and the two per-parameter loops of a step (mask, SGD).
// Arithmetic and rounding are those of native/model/q_head.cpp and learner.cpp (and so of src/agents/q_head.ts,
// dqn_update.ts, c51_update.ts): sums in double in index order, each stored value rounded once to float. Every
// multiply and add rounds on its own (no FMA), so the CPU and CUDA kernels are bit-identical where the contract says so.
// Shapes are row-major; B = s.batch, A = s.actions, N = s.atoms; outputs are overwritten; no output overlaps an input.
// Preconditions (checked by the bindings, asserted by the kernels): B, A ≥ 1; C51 ops N ≥ 2 and finite vMin < vMax;
// every actions[b] and greedy[b] in [0, A).
#pragma once
#include <cstdint>

namespace prunerl {

enum class TdLossKind { Huber, Mse };

struct ValueHeadShape {
  int64_t batch = 0, actions = 0, atoms = 0;  // atoms, vMin, vMax: C51 only
  double vMin = 0.0, vMax = 0.0;
};

// The CPU kernels (native/cpu/value_head.cpp), in a namespace of their own: native/model/q_head.cpp still defines a
// prunerl::c51Probabilities of the same signature (the learner's own loop, to be replaced by the table's entry).
namespace value_head {

// ---- dueling heads (Wang et al. 2016) --------------------------------------------------------------------------
// q[B, A] from out[B, A+1] (V first): q[b,a] = float(V + A_a − mean_a A), the mean in double.
void duelingQ(const float* out, const ValueHeadShape& s, float* q);
// dOut[B, A+1] from dQ[B, A]: dV = float(Σ_a dQ_a), dA_j = float(dQ_j − (Σ_a dQ_a)/A), the sum in double.
void duelingQBackward(const float* dQ, const ValueHeadShape& s, float* dOut);
// C51 logits[B, A, N] from out[B, (A+1)·N] (V's N atoms first, then A_a's): per atom z, V_z + A_a,z − mean_a A_a,z.
void duelingLogits(const float* out, const ValueHeadShape& s, float* logits);
// dOut[B, (A+1)·N] from dLogits[B, A, N], per atom as duelingQBackward.
void duelingLogitsBackward(const float* dLogits, const ValueHeadShape& s, float* dOut);

// ---- C51 distributions (Bellemare et al. 2017) -------------------------------------------------------------------
// p[rows, atoms] = softmax over each row of logits: e_j = exp(z_j − max z) in double, p_j = float(float(e_j) / Σ e),
// the sum over the unrounded e_j (q_head.ts's rounding). exp is the device's (CUDA's on a GPU: within an ulp).
void c51Probabilities(const float* logits, int64_t rows, int64_t atoms, float* p);
// q[rows] = float(Σ_j p[r, j]·z_j), z_j = vMin + j·(vMax − vMin)/(N − 1), over rows of s.atoms probabilities.
void c51Expectation(const float* p, int64_t rows, const ValueHeadShape& s, float* q);

// ---- targets ---------------------------------------------------------------------------------------------------
// y[B] = float(r_b + γ_b·(1 − done_b)·next_b), in double, as Learner::dqnUpdate.
void tdTarget(const float* rewards, const float* discounts, const float* dones, const float* nextValue, int64_t batch,
              float* y);
// The categorical projection Φ: m[B, N] zeroed, then the mass pNext[b, greedy[b], j] of each shifted atom
// T z_j = clamp(r_b + γ_b·(1 − done_b)·z_j, vMin, vMax) split between its two neighbouring atoms (all of it onto the
// atom it lands on exactly), j in order, m rounded to float after every addition. pNext [B, A, N], greedy [B].
void c51Project(const float* pNext, const int32_t* greedy, const float* rewards, const float* discounts,
                const float* dones, const ValueHeadShape& s, float* m);

// ---- losses ----------------------------------------------------------------------------------------------------
// DQN's TD loss on taken[b] = Q(s_b, actions[b]) against y[b]: perSample[b] = float(|taken_b − y_b|); dQ[B, A] zero
// except dQ[b, actions[b]] = float(g_b·w_b), g_b = losses.h's huberLoss (δ = 1) / mseLoss gradient (already / B),
// w_b = weights[b] (1 when weights is nullptr); *loss = that kernel's mean loss without weights, and
// Σ_b w_b·ℓ_b / B (b in order; ℓ = ½d² for d ≤ 1 else d − ½, or d²) with them. loss points at one double, on the
// op's device (a device pointer on CUDA, so the update needs no host read).
void tdLoss(const float* taken, const float* y, const float* weights, const int32_t* actions, const ValueHeadShape& s,
            TdLossKind kind, float* perSample, float* dQ, double* loss);
// C51's loss: losses.h's softmaxCrossEntropyWeighted of the taken action's logits logits[b, actions[b], ·] against
// m[B, N], its gradient scattered into dLogits[B, A, N] (zero for the other actions), perSample[b] = CE_b, *loss =
// Σ_b w_b·CE_b / B (b in order). logits [B, A, N]; weights nullable [B]; loss as tdLoss's.
void c51Loss(const float* logits, const float* m, const float* weights, const int32_t* actions, const ValueHeadShape& s,
             float* dLogits, float* perSample, double* loss);

// ---- a step's per-parameter loops ------------------------------------------------------------------------------
// w[i] = mask[i] ? w[i] : 0 (a masked layer's pruned weights re-zeroed after a step: they never regrow).
void applyMask(float* w, const uint8_t* mask, int64_t n);
// p[i] = p[i] − lr·g[i] in float (plain SGD), the product rounded before the subtraction.
void sgdStep(float* p, const float* g, int64_t n, float lr);

}  // namespace value_head
}  // namespace prunerl
