// IQN's greedy policy as one sequential network, so that policy.prl, `prunerl eval`, `play`, loadPolicy and the ONNX
// export serve IQN exactly as they serve DQN. Its Q-values are the mean of Z over the K fixed midpoints
// τ_i = (i + 0.5)/K (IqnAgent.midpointQValues): with τ fixed, ψ_i = ψ(τ_i) [K, D] is a constant, and
//   Q(s, ·) = (1/K) Σ_i W2·ReLU(W1·(φ(s) ⊙ ψ_i) + b1) + b2
//           = W2'·ReLU(W1'·φ(s) + b1') + b2,   W1' = [W1·diag(ψ_0); …; W1·diag(ψ_{K−1})]  [K·H, D]
//                                               b1' = [b1; …; b1],  W2' = [W2/K, …, W2/K]  [A, K·H]
// exactly (up to float rounding). W1' keeps W1's pruned entries at zero (and its mask, tiled). The price is size:
// the folded first head layer holds K·H·D weights, K times W1's (CartPole's MLP: 32·256·256 = 2.1M).
import { Network } from '../../nn/network.js';
import { cosineFeatures } from './cosine_embedding.js';
import { midpointTaus } from './iqn_update.js';
import type { IqnNetwork } from './iqn_network.js';

/** A new Network computing the midpoint Q-values of `iqn` with `K` midpoints (the caller disposes it). */
export function foldMidpointPolicy(iqn: IqnNetwork, K: number): Network {
  const { torso, embedding, head } = iqn;
  const D = iqn.features;
  const psi = embedding.forward(cosineFeatures(midpointTaus(K)), K); // [K, D]
  const [hidden, , output] = head.config.layers;
  if (hidden.type !== 'linear' || output.type !== 'linear') throw new Error('prunerl: an IQN head is linear, relu, linear (a bug if not)');
  const H = hidden.out, A = output.out;
  const folded = new Network({
    layers: [...torso.config.layers, { type: 'linear', out: K * H }, { type: 'relu' }, { type: 'linear', out: A }],
    inputShape: torso.config.inputShape, seed: 0,
  });
  const set = (index: number, weight: Float32Array, bias: Float32Array, mask: Uint8Array): void => {
    folded.setMask(index, mask); // masks first: setMask zeroes pruned weights
    folded.setWeight(index, weight);
    folded.setBias(index, bias);
  };
  const torsoLayers = torso.params().length;
  for (const p of torso.params()) set(p.index, torso.getWeight(p.index), torso.getBias(p.index), torso.getMask(p.index));
  const w1 = head.getWeight(0), b1 = head.getBias(0), m1 = head.getMask(0);
  const w1f = new Float32Array(K * H * D), b1f = new Float32Array(K * H), m1f = new Uint8Array(K * H * D);
  for (let i = 0; i < K; i++) {
    for (let h = 0; h < H; h++) {
      const row = (i * H + h) * D;
      for (let d = 0; d < D; d++) {
        w1f[row + d] = w1[h * D + d] * psi[i * D + d];
        m1f[row + d] = m1[h * D + d];
      }
      b1f[i * H + h] = b1[h];
    }
  }
  set(torsoLayers, w1f, b1f, m1f);
  const w2 = head.getWeight(1), m2 = head.getMask(1);
  const w2f = new Float32Array(A * K * H), m2f = new Uint8Array(A * K * H);
  for (let a = 0; a < A; a++) {
    for (let i = 0; i < K; i++) {
      for (let h = 0; h < H; h++) {
        w2f[(a * K + i) * H + h] = w2[a * H + h] / K;
        m2f[(a * K + i) * H + h] = m2[a * H + h];
      }
    }
  }
  set(torsoLayers + 1, w2f, head.getBias(1), m2f);
  return folded;
}
