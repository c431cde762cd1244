// Conservative Q-learning's regulariser for discrete actions (Kumar et al. 2020, "CQL(H)", Eq. 4 with the
// entropy regulariser, as in their Atari code):
//   R(θ)   = α · mean_b [ logsumexp_a Q(s_b, a) − Q(s_b, a_b) ]        (a_b: the dataset's action)
//   ∂R/∂Q(s_b, a) = (α / B) · (softmax_a Q(s_b, ·) − 1[a = a_b])
// It pushes down the Q-values of actions the dataset did not take and up the taken one. The total loss is the
// agent's TD loss plus R. For C51 (CQL+C51) Q(s, a) = Σ_z p_z(s, a)·z, so the chain rule through the softmax over
// atoms gives ∂Q_a/∂logit_{a,z} = p_{a,z}·(z − Q_a).
import { c51Probabilities, c51Support, type QHead } from '../agents/q_head.js';

export interface CqlTerm {
  loss: number;
  /** ∂R/∂Q [batch, actions]. */
  dQ: Float32Array;
}

/** R and ∂R/∂Q for Q-values `q` [batch, actions] and the dataset's actions. */
export function cqlTerm(q: Float32Array, actions: Int32Array, batch: number, numActions: number, alpha: number): CqlTerm {
  if (q.length !== batch * numActions || actions.length !== batch) {
    throw new RangeError(`Expected ${batch * numActions} Q-values and ${batch} actions but received ${q.length} and ${actions.length}`);
  }
  const dQ = new Float32Array(batch * numActions);
  let sum = 0;
  for (let b = 0; b < batch; b++) {
    const row = b * numActions;
    let max = -Infinity;
    for (let a = 0; a < numActions; a++) max = Math.max(max, q[row + a]);
    let z = 0;
    for (let a = 0; a < numActions; a++) z += Math.exp(q[row + a] - max);
    const logSumExp = max + Math.log(z);
    sum += logSumExp - q[row + actions[b]];
    for (let a = 0; a < numActions; a++) dQ[row + a] = (alpha / batch) * Math.exp(q[row + a] - max) / z;
    dQ[row + actions[b]] -= alpha / batch;
  }
  return { loss: (alpha * sum) / batch, dQ };
}

/** R and ∂R/∂logits [batch, actions, atoms] for a C51 head's logits (CQL+C51). */
export function cqlC51Term(logits: Float32Array, actions: Int32Array, batch: number, head: Extract<QHead, { kind: 'c51' }>, alpha: number): { loss: number; dLogits: Float32Array } {
  const { actions: A, atoms: N } = head;
  const z = c51Support(head);
  const p = c51Probabilities(logits, batch * A, N);
  const q = new Float32Array(batch * A);
  for (let r = 0; r < batch * A; r++) {
    let s = 0;
    for (let j = 0; j < N; j++) s += p[r * N + j] * z[j];
    q[r] = s;
  }
  const { loss, dQ } = cqlTerm(q, actions, batch, A, alpha);
  const dLogits = new Float32Array(batch * A * N);
  for (let r = 0; r < batch * A; r++) {
    for (let j = 0; j < N; j++) dLogits[r * N + j] = dQ[r] * p[r * N + j] * (z[j] - q[r]);
  }
  return { loss, dLogits };
}
