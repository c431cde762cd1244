// The Q head of a value network in native code: how raw outputs become Q-values (plain, dueling) or C51 logits and
// probabilities, and the chain rule back through it. The arithmetic and its rounding follow src/agents/q_head.ts
// step for step (sums in double, each stored value rounded once to float, as a Float32Array store rounds), so the
// fused learner (model/learner.h) reproduces the TypeScript reference bit for bit where the same operations run.
#pragma once
#include <cstdint>

namespace prunerl {

struct QHeadSpec {
  enum class Kind { Q, Dueling, C51 };
  Kind kind = Kind::Q;
  int64_t actions = 1;
  // C51 only: the support z_j = vMin + j·(vMax − vMin)/(atoms − 1); `dueling` splits V and A per atom.
  int64_t atoms = 0;
  double vMin = 0.0, vMax = 0.0;
  bool dueling = false;

  int64_t outputs() const;  // units the network's last layer must have
  double atomSpacing() const { return (vMax - vMin) / static_cast<double>(atoms - 1); }
};

// q[batch, actions] from out[batch, outputs()] for a Q or dueling head: Q_a = V + A_a − mean A.
void qValuesFromOutputs(const QHeadSpec& head, const float* out, int64_t batch, float* q);
// dOut[batch, outputs()] from dQ[batch, actions] (dV = Σ_a dQ_a, dA_j = dQ_j − mean_a dQ_a); identity for Q.
void qHeadBackward(const QHeadSpec& head, const float* dQ, int64_t batch, float* dOut);

// C51 logits [batch, actions, atoms] from out (dueling: V_z + A_a,z − mean A_z); returns out itself when not dueling.
const float* c51Logits(const QHeadSpec& head, const float* out, int64_t batch, float* scratch);
// softmax over atoms of rows × atoms logits, as q_head.ts's c51Probabilities rounds it.
void c51Probabilities(const float* logits, int64_t rows, int64_t atoms, float* p);
// Q-values [rows] = Σ_z p_z·z_z from probabilities [rows, atoms].
void c51Expectation(const QHeadSpec& head, const float* p, int64_t rows, float* q);
// dOut from dLogits [batch, actions, atoms] (per atom, as for dueling); a copy when not dueling.
void c51HeadBackward(const QHeadSpec& head, const float* dLogits, int64_t batch, float* dOut);

}  // namespace prunerl
