// Polyak averaging of a target network, θ' ← τ·θ + (1 − τ)·θ' (SAC's target critics, τ = 0.005). Weights and
// biases go through the Network API; the target keeps its own masks, which copyFrom() aligns when pruning changes.
import type { Network } from '../../nn/network.js';

export function softUpdate(target: Network, online: Network, tau: number): void {
  if (!(tau > 0 && tau <= 1)) throw new RangeError(`Expected tau to be a number in (0, 1] but received ${tau}`);
  for (const p of online.params()) {
    const w = online.getWeight(p.index), wt = target.getWeight(p.index);
    for (let i = 0; i < w.length; i++) wt[i] = tau * w[i] + (1 - tau) * wt[i];
    target.setWeight(p.index, wt);
    const b = online.getBias(p.index), bt = target.getBias(p.index);
    for (let i = 0; i < b.length; i++) bt[i] = tau * b[i] + (1 - tau) * bt[i];
    target.setBias(p.index, bt);
  }
}
