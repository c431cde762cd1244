// How a network's raw outputs become Q-values. The last linear layer of every architecture is the whole head:
//   'q'        outputs [actions]                      Q(s,a) = out[a]
//   'dueling'  outputs [1 + actions]                  Q(s,a) = V + A_a − mean_a' A_a'        (Wang et al. 2016)
//   'c51'      outputs [actions·atoms] or, dueling,   p(s,a) = softmax_z(logits_a)           (Bellemare et al. 2017)
//              [(1 + actions)·atoms]                  logits_a = V_z + A_a,z − mean_a' A_a',z; Q(s,a) = Σ_z p_z·z
// The ONNX export builds the same arithmetic as graph nodes, so this file is the one definition of it.
import { expectInteger, expectNumberIn, rangeError } from '../validate.js';

export type QHead =
  | { kind: 'q'; actions: number }
  | { kind: 'dueling'; actions: number }
  | { kind: 'c51'; actions: number; atoms: number; vMin: number; vMax: number; dueling: boolean }
  /**
   * SAC's actor (continuous actions): outputs [μ_d, r_d] per action dimension d; the policy's output is the
   * deterministic mean action tanh(μ_d)·(high_d − low_d)/2 + (high_d + low_d)/2 (meanAction). It has no Q-values.
   */
  | { kind: 'tanh-gaussian'; actions: number; low: number[]; high: number[] };

export function checkHead(head: QHead): QHead {
  expectInteger(head.actions, 'head.actions', 1);
  if (head.kind === 'c51') {
    expectInteger(head.atoms, 'head.atoms', 2);
    expectNumberIn(head.vMin, 'head.vMin', -1e9, 1e9);
    if (!(head.vMax > head.vMin)) throw rangeError(`a number > head.vMin (${head.vMin})`, 'head.vMax', head.vMax);
  } else if (head.kind === 'tanh-gaussian') {
    const ok = (b: unknown) => Array.isArray(b) && b.length === head.actions && b.every((x) => Number.isFinite(x));
    if (!ok(head.low) || !ok(head.high) || head.low.some((l, d) => !(head.high[d] > l))) {
      throw rangeError(`low and high arrays of ${head.actions} finite bounds with low < high`, 'head.low/high', head.low);
    }
  } else if (head.kind !== 'q' && head.kind !== 'dueling') {
    throw rangeError('one of q, dueling, c51, tanh-gaussian', 'head.kind', (head as { kind: unknown }).kind);
  }
  return head;
}

/** Units the network's last layer must have for this head. */
export function headOutputs(head: QHead): number {
  switch (head.kind) {
    case 'q': return head.actions;
    case 'dueling': return head.actions + 1;
    case 'c51': return (head.dueling ? head.actions + 1 : head.actions) * head.atoms;
    case 'tanh-gaussian': return 2 * head.actions;
  }
}

/** The support z_0..z_{atoms−1}, evenly spaced on [vMin, vMax]. */
export function c51Support(head: { atoms: number; vMin: number; vMax: number }): Float64Array {
  const z = new Float64Array(head.atoms);
  const dz = (head.vMax - head.vMin) / (head.atoms - 1);
  for (let i = 0; i < head.atoms; i++) z[i] = head.vMin + i * dz;
  return z;
}

/**
 * C51 logits [batch, actions, atoms] from raw outputs (for a plain head the outputs already are logits; for a
 * dueling head V + A − mean A per atom).
 */
export function c51Logits(out: Float32Array, batch: number, head: Extract<QHead, { kind: 'c51' }>): Float32Array {
  const { actions, atoms } = head;
  if (!head.dueling) return out;
  const logits = new Float32Array(batch * actions * atoms);
  const stride = (actions + 1) * atoms;
  for (let b = 0; b < batch; b++) {
    const row = b * stride;
    for (let z = 0; z < atoms; z++) {
      let mean = 0;
      for (let a = 0; a < actions; a++) mean += out[row + (1 + a) * atoms + z];
      mean /= actions;
      const v = out[row + z];
      for (let a = 0; a < actions; a++) logits[(b * actions + a) * atoms + z] = v + out[row + (1 + a) * atoms + z] - mean;
    }
  }
  return logits;
}

/** Softmax over atoms of C51 logits, in place-safe (returns new probabilities [batch, actions, atoms]). */
export function c51Probabilities(logits: Float32Array, rows: number, atoms: number): Float32Array {
  const p = new Float32Array(rows * atoms);
  for (let r = 0; r < rows; r++) {
    const o = r * atoms;
    let max = -Infinity;
    for (let z = 0; z < atoms; z++) max = Math.max(max, logits[o + z]);
    let sum = 0;
    for (let z = 0; z < atoms; z++) sum += p[o + z] = Math.exp(logits[o + z] - max);
    for (let z = 0; z < atoms; z++) p[o + z] /= sum;
  }
  return p;
}

/** Q-values [batch, actions] from raw network outputs [batch, headOutputs(head)]. */
export function qValues(out: Float32Array, batch: number, head: QHead): Float32Array {
  if (head.kind === 'tanh-gaussian') {
    throw new RangeError('Expected a q, dueling or c51 head for qValues but received tanh-gaussian (SAC\'s actor has no Q-values: meanAction gives its action)');
  }
  const { actions } = head;
  if (out.length !== batch * headOutputs(head)) {
    throw new RangeError(`Expected ${batch * headOutputs(head)} network outputs for a ${head.kind} head but received ${out.length}`);
  }
  if (head.kind === 'q') return out;
  const q = new Float32Array(batch * actions);
  if (head.kind === 'dueling') {
    for (let b = 0; b < batch; b++) {
      const row = b * (actions + 1);
      let mean = 0;
      for (let a = 0; a < actions; a++) mean += out[row + 1 + a];
      mean /= actions;
      for (let a = 0; a < actions; a++) q[b * actions + a] = out[row] + out[row + 1 + a] - mean;
    }
    return q;
  }
  const z = c51Support(head);
  const p = c51Probabilities(c51Logits(out, batch, head), batch * actions, head.atoms);
  for (let r = 0; r < batch * actions; r++) {
    let s = 0;
    for (let i = 0; i < head.atoms; i++) s += p[r * head.atoms + i] * z[i];
    q[r] = s;
  }
  return q;
}

/** SAC's deterministic action [batch, dims] from its actor's raw outputs [batch, 2·dims]: the squashed mean. */
export function meanAction(out: Float32Array, batch: number, head: Extract<QHead, { kind: 'tanh-gaussian' }>): Float32Array {
  const D = head.actions;
  if (out.length !== batch * 2 * D) throw new RangeError(`Expected ${batch * 2 * D} network outputs for a tanh-gaussian head but received ${out.length}`);
  const action = new Float32Array(batch * D);
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < D; d++) {
      action[b * D + d] = Math.tanh(out[b * 2 * D + d]) * ((head.high[d] - head.low[d]) / 2) + (head.high[d] + head.low[d]) / 2;
    }
  }
  return action;
}

/**
 * dLoss/dOutputs from dLoss/dQ [batch, actions] for 'q' and 'dueling' heads (the chain rule through
 * Q_a = V + A_a − mean A: dV = Σ_a dQ_a, dA_j = dQ_j − mean_a dQ_a).
 */
export function qHeadBackward(dQ: Float32Array, batch: number, head: QHead): Float32Array {
  if (head.kind === 'q') return dQ;
  if (head.kind === 'c51' || head.kind === 'tanh-gaussian') throw new RangeError(`Expected a q or dueling head for qHeadBackward but received ${head.kind}`);
  const { actions } = head;
  const dOut = new Float32Array(batch * (actions + 1));
  for (let b = 0; b < batch; b++) {
    let sum = 0;
    for (let a = 0; a < actions; a++) sum += dQ[b * actions + a];
    dOut[b * (actions + 1)] = sum;
    for (let a = 0; a < actions; a++) dOut[b * (actions + 1) + 1 + a] = dQ[b * actions + a] - sum / actions;
  }
  return dOut;
}

/** dLoss/dOutputs from dLoss/dLogits [batch, actions, atoms] of a C51 head (per atom, as for dueling). */
export function c51HeadBackward(dLogits: Float32Array, batch: number, head: Extract<QHead, { kind: 'c51' }>): Float32Array {
  if (!head.dueling) return dLogits;
  const { actions, atoms } = head;
  const stride = (actions + 1) * atoms;
  const dOut = new Float32Array(batch * stride);
  for (let b = 0; b < batch; b++) {
    for (let z = 0; z < atoms; z++) {
      let sum = 0;
      for (let a = 0; a < actions; a++) sum += dLogits[(b * actions + a) * atoms + z];
      dOut[b * stride + z] = sum;
      for (let a = 0; a < actions; a++) dOut[b * stride + (1 + a) * atoms + z] = dLogits[(b * actions + a) * atoms + z] - sum / actions;
    }
  }
  return dOut;
}
