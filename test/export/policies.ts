// Test policies for the ONNX export: any architecture × head × width, pruned, with observations like the env's,
// and the native forward pass (network → qValues → argmax) that an exported model must reproduce.
import ort from 'onnxruntime-node';
import { architecture, type ArchitectureName } from '../../src/nn/architectures.js';
import { Network, type LayerSpec } from '../../src/nn/network.js';
import { headOutputs, qValues, type QHead } from '../../src/agents/q_head.js';
import type { ObservationSpec, Policy } from '../../src/train/policy_file.js';
import { toInput } from '../../src/train/evaluation.js';
import type { Rng } from '../helpers/random.js';

export type HeadName = 'q' | 'dueling' | 'c51' | 'c51-dueling';

export function makeHead(name: HeadName, actions: number): QHead {
  if (name === 'q' || name === 'dueling') return { kind: name, actions };
  return { kind: 'c51', actions, atoms: 51, vMin: -10, vMax: 10, dueling: name === 'c51-dueling' };
}

/** Observations as each env family gives them: CartPole floats, MinAtar 0/1 bytes, Atari-like bytes / 255. */
export function observationFor(net: ArchitectureName, inputShape: number[]): ObservationSpec {
  if (net === 'mlp') return { shape: inputShape, dtype: 'float32', scale: 1 };
  if (net === 'minatar') return { shape: inputShape, dtype: 'uint8', scale: 1 };
  return { shape: inputShape, dtype: 'uint8', scale: 1 / 255 };
}

export const defaultInputShape: Record<ArchitectureName, number[]> = {
  mlp: [4], minatar: [10, 10, 4], nature: [10, 10, 4], impala: [10, 10, 4],
};

/** Prunes the first weight layer to `first` and the others to `rest` (ERK-like: small first layers stay denser). */
export function prune(network: Network, first: number, rest: number): void {
  network.pruneLayers(network.params().map((p) => (p.index === 0 ? first : rest)));
}

/**
 * Biases a C51 head's last layer so that each action's distribution peaks at a random atom, as after training.
 * At initialisation every distribution is nearly uniform, so Q ≈ 0 is the difference of terms of size |z| ≈ 5 and
 * float32 rounding (about 1e-7·Σ p|z| in any implementation) is then a large fraction of max |Q|; a peaked head
 * makes "1e-5 relative to max |Q|" measure the export, not that cancellation.
 */
export function peakC51Head(policy: Policy, r: Rng): void {
  const { head, network } = policy;
  if (head.kind !== 'c51') return;
  const last = network.params().length - 1;
  const bias = network.getBias(last);
  const first = head.dueling ? 1 : 0; // a dueling head's value stream stays as initialised
  // A different peak atom per action: two actions peaked on the same atom would tie in Q on nearly every row (the
  // input's share of the logits is small), leaving too few rows with a clear greedy action to compare.
  const peaks: number[] = [];
  while (peaks.length < Math.min(head.actions, head.atoms)) {
    const atom = r.int(0, head.atoms);
    if (!peaks.includes(atom)) peaks.push(atom);
  }
  for (let a = 0; a < head.actions; a++) {
    const peak = peaks[a % peaks.length];
    for (let z = 0; z < head.atoms; z++) bias[(first + a) * head.atoms + z] += -((z - peak) ** 2) / 32;
  }
  network.setBias(last, bias);
}

export function makePolicy(options: {
  net: ArchitectureName; head: HeadName; width: number; seed: number;
  inputShape?: number[]; layers?: LayerSpec[]; actions?: number; observation?: ObservationSpec;
}): Policy {
  const actions = options.actions ?? 4;
  const head = makeHead(options.head, actions);
  const inputShape = options.inputShape ?? defaultInputShape[options.net];
  const layers = options.layers ?? architecture(options.net, { width: options.width, outputs: headOutputs(head), inputShape });
  const network = new Network({ layers, inputShape, seed: options.seed });
  return {
    network, head,
    observation: options.observation ?? observationFor(options.net, inputShape),
    meta: { env: 'test/env', agent: options.head.startsWith('c51') ? 'rainbow' : 'dqn', net: options.net, width: options.width, version: '0.0.0-test' },
  };
}

/** Random observations in the policy's dtype: bytes 0..255 (MinAtar: 0/1), floats in [-2, 2). */
export function randomObservations(r: Rng, policy: Policy, batch: number): Float32Array | Uint8Array {
  const n = batch * policy.observation.shape.reduce((a, b) => a * b, 1);
  if (policy.observation.dtype === 'float32') return Float32Array.from({ length: n }, () => r.next() * 4 - 2);
  const binary = policy.observation.scale === 1;
  return Uint8Array.from({ length: n }, () => (binary ? (r.next() < 0.3 ? 1 : 0) : r.int(0, 256)));
}

export interface Outputs { q: Float32Array; action: number[] }

/** First index of the row maximum, as our argmax (and ONNX ArgMax) break ties. */
export function argmaxRows(q: ArrayLike<number>, batch: number, actions: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    let best = 0;
    for (let a = 1; a < actions; a++) if (q[b * actions + a] > q[b * actions + best]) best = a;
    out.push(best);
  }
  return out;
}

/** Our forward pass as evaluation runs it: toInput (float32(obs)·scale), the network, the head, argmax. */
export function nativeOutputs(policy: Policy, obs: Float32Array | Uint8Array, batch: number): Outputs {
  const x = toInput(obs, policy.observation.scale);
  const q = qValues(policy.network.forward(x, batch), batch, policy.head);
  return { q, action: argmaxRows(q, batch, policy.head.actions) };
}

export async function ortOutputs(session: ort.InferenceSession, policy: Policy, obs: Float32Array | Uint8Array, batch: number): Promise<Outputs> {
  const tensor = new ort.Tensor(policy.observation.dtype, obs, [batch, ...policy.observation.shape]);
  const result = await session.run({ obs: tensor });
  const action = Array.from(result.action.data as BigInt64Array, Number);
  return { q: result.q_values.data as Float32Array, action };
}
