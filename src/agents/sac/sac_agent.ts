// Soft actor-critic (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications"), as CleanRL's
// sac_continuous_action.py lays it out: twin Q critics on [s, a] with Polyak-averaged targets (τ = 0.005), a
// tanh-squashed Gaussian actor, and an automatic temperature α with target entropy −|A|.
//   y      = r + γ(1 − done)(min_k Q'_k(s', a') − α log π(a'|s')),  a' ~ π(·|s')
//   L_Q    = Σ_k mean_b (Q_k(s, a) − y)²
//   L_π    = mean_b (α log π(ã|s) − min_k Q_k(s, ã)),  ã ~ π(·|s) reparameterised
//   L_α    = mean_b −log α · (log π(ã|s) + target entropy)
// The actor's gradient through the critics' action input comes from nn/input_gradient.ts. Every weight layer
// (output layers included) is a native Network layer, so GMP prunes actor and critics as the paper's SAC configs do.
import type { OptimizerSpec } from '../../native.js';
import { Network } from '../../nn/network.js';
import { linearStackInputGradient } from '../../nn/input_gradient.js';
import { Random, type RandomState } from '../../random/random.js';
import type { ReplayBatch } from '../replay/replay_buffer.js';
import { meanAction, squashedBackward, squashedSample, type ActionBounds } from './squashed_gaussian.js';
import { softUpdate } from './soft_update.js';

export interface SacAgentOptions {
  observationSize: number;
  actionLow: Float32Array;
  actionHigh: Float32Array;
  /** Hidden units of actor and critics (CleanRL: 256, two layers). */
  hidden?: number;
  actorOptimizer?: OptimizerSpec;
  criticOptimizer?: OptimizerSpec;
  /** Learning rate of log α (CleanRL: q_lr, 1e-3). */
  alphaLr?: number;
  gamma?: number;
  tau?: number;
  seed: number;
}

function mlp(hidden: number, outputs: number) {
  return [{ type: 'linear' as const, out: hidden }, { type: 'relu' as const }, { type: 'linear' as const, out: hidden }, { type: 'relu' as const }, { type: 'linear' as const, out: outputs }];
}

export class SacAgent {
  readonly actor: Network;
  readonly critics: [Network, Network];
  readonly targets: [Network, Network];
  readonly bounds: ActionBounds;
  readonly targetEntropy: number;
  readonly options: SacAgentOptions;
  logAlpha = 0;
  #alphaAdam = { m: 0, v: 0, t: 0 };
  readonly #rng: Random;
  #updates = 0;

  constructor(options: SacAgentOptions) {
    this.options = options;
    const D = options.actionLow.length;
    if (D < 1 || options.actionHigh.length !== D) throw new RangeError(`Expected actionLow and actionHigh of the same length ≥ 1 but received ${D} and ${options.actionHigh.length}`);
    const hidden = options.hidden ?? 256;
    this.bounds = {
      scale: Float32Array.from(options.actionHigh, (h, d) => (h - options.actionLow[d]) / 2),
      bias: Float32Array.from(options.actionHigh, (h, d) => (h + options.actionLow[d]) / 2),
    };
    this.targetEntropy = -D;
    this.actor = new Network({ layers: mlp(hidden, 2 * D), inputShape: [options.observationSize], seed: options.seed });
    this.actor.setOptimizer(options.actorOptimizer ?? { type: 'adam', lr: 3e-4 });
    const criticSpec = { layers: mlp(hidden, 1), inputShape: [options.observationSize + D] };
    this.critics = [new Network({ ...criticSpec, seed: options.seed + 1 }), new Network({ ...criticSpec, seed: options.seed + 2 })];
    this.targets = [this.critics[0].cloneArchitecture(), this.critics[1].cloneArchitecture()];
    for (let k = 0; k < 2; k++) {
      this.critics[k].setOptimizer(options.criticOptimizer ?? { type: 'adam', lr: 1e-3 });
      this.targets[k].copyFrom(this.critics[k]);
    }
    this.#rng = new Random(options.seed * 2 + 1);
  }

  get actionSize(): number {
    return this.bounds.scale.length;
  }
  get alpha(): number {
    return Math.exp(this.logAlpha);
  }
  get updates(): number {
    return this.#updates;
  }

  #noise(count: number): Float32Array {
    const n = new Float32Array(count);
    for (let i = 0; i < count; i++) n[i] = this.#rng.normal();
    return n;
  }

  /** A sampled action (training) or the deterministic tanh(μ) action (evaluation) for one observation. */
  act(obs: Float32Array, deterministic = false): Float32Array {
    const raw = this.actor.forward(obs, 1);
    return deterministic ? meanAction(raw, 1, this.bounds) : squashedSample(raw, this.#noise(this.actionSize), 1, this.bounds).actions;
  }

  update(batch: ReplayBatch, continuousActions: Float32Array): { criticLoss: number; actorLoss: number; alpha: number } {
    const B = batch.batchSize, D = this.actionSize, S = this.options.observationSize;
    const gamma = this.options.gamma ?? 0.99;
    const join = (obs: Float32Array, actions: Float32Array) => {
      const x = new Float32Array(B * (S + D));
      for (let b = 0; b < B; b++) { x.set(obs.subarray(b * S, (b + 1) * S), b * (S + D)); x.set(actions.subarray(b * D, (b + 1) * D), b * (S + D) + S); }
      return x;
    };
    // Critics.
    const next = squashedSample(this.actor.forward(batch.nextObs, B), this.#noise(B * D), B, this.bounds);
    const nextInput = join(batch.nextObs, next.actions);
    const q1t = this.targets[0].forward(nextInput, B), q2t = this.targets[1].forward(nextInput, B);
    const y = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      const soft = Math.min(q1t[b], q2t[b]) - this.alpha * next.logProb[b];
      y[b] = batch.rewards[b] + (1 - batch.dones[b]) * gamma * soft;
    }
    const input = join(batch.obs, continuousActions);
    let criticLoss = 0;
    for (const critic of this.critics) {
      const q = critic.forward(input, B);
      const dQ = new Float32Array(B);
      for (let b = 0; b < B; b++) { criticLoss += (q[b] - y[b]) ** 2 / B; dQ[b] = 2 * (q[b] - y[b]) / B; }
      critic.backward(dQ);
      critic.step();
    }
    // Actor: gradients through the (just updated) critics' action input, as CleanRL orders it.
    const sample = squashedSample(this.actor.forward(batch.obs, B), this.#noise(B * D), B, this.bounds);
    const piInput = join(batch.obs, sample.actions);
    const q1 = this.critics[0].forward(piInput, B);
    const q2 = this.critics[1].forward(piInput, B);
    const dActions = new Float32Array(B * D);
    const dLogProb = new Float32Array(B).fill(this.alpha / B);
    let actorLoss = 0;
    for (const k of [0, 1] as const) {
      const dMin = new Float32Array(B);
      for (let b = 0; b < B; b++) if ((k === 0) === (q1[b] <= q2[b])) dMin[b] = -1 / B;
      this.critics[k].forward(piInput, B); // the input gradient reads this critic's last activations
      const dInput = linearStackInputGradient(this.critics[k], dMin, B);
      for (let b = 0; b < B; b++) for (let d = 0; d < D; d++) dActions[b * D + d] += dInput[b * (S + D) + S + d];
    }
    for (let b = 0; b < B; b++) actorLoss += (this.alpha * sample.logProb[b] - Math.min(q1[b], q2[b])) / B;
    this.actor.backward(squashedBackward(sample, dActions, dLogProb, B, this.bounds));
    this.actor.step();
    // Temperature: dL_α/dlog α = −mean(log π + target entropy); one Adam step (β 0.9/0.999, ε 1e-8).
    let g = 0;
    for (let b = 0; b < B; b++) g -= (sample.logProb[b] + this.targetEntropy) / B;
    const a = this.#alphaAdam;
    a.t++; a.m = 0.9 * a.m + 0.1 * g; a.v = 0.999 * a.v + 0.001 * g * g;
    this.logAlpha -= (this.options.alphaLr ?? 1e-3) * (a.m / (1 - 0.9 ** a.t)) / (Math.sqrt(a.v / (1 - 0.999 ** a.t)) + 1e-8);
    for (const k of [0, 1] as const) softUpdate(this.targets[k], this.critics[k], this.options.tau ?? 0.005);
    this.#updates++;
    return { criticLoss, actorLoss, alpha: this.alpha };
  }

  /** What a checkpoint needs besides the networks: the noise stream, log α and its Adam moments, the update count. */
  state(): { rng: RandomState; logAlpha: number; alphaAdam: { m: number; v: number; t: number }; updates: number } {
    return { rng: this.#rng.state(), logAlpha: this.logAlpha, alphaAdam: { ...this.#alphaAdam }, updates: this.#updates };
  }

  restoreState(state: ReturnType<SacAgent['state']>): void {
    const a = state?.alphaAdam;
    if (!state || !Number.isFinite(state.logAlpha) || !a || ![a.m, a.v, a.t].every(Number.isFinite) || !Number.isSafeInteger(state.updates)) {
      throw new RangeError('Expected SAC state {rng, logAlpha, alphaAdam, updates} in the checkpoint but it is missing or malformed');
    }
    this.#rng.setState(state.rng);
    this.logAlpha = state.logAlpha;
    this.#alphaAdam = { m: a.m, v: a.v, t: a.t };
    this.#updates = state.updates;
  }

  dispose(): void {
    for (const n of [this.actor, ...this.critics, ...this.targets]) n.dispose();
  }
}
