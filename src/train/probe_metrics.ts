// The network diagnostics of each evaluation (dormant neurons, srank), measured on a probe batch of replay states
// drawn from a generator of its own, so that measuring never changes what training samples.
import { Random } from '../random/random.js';
import type { Network } from '../nn/network.js';
import { reluOutputShapes } from '../nn/layer_shapes.js';
import type { UniformReplayBuffer } from '../agents/replay/uniform_replay_buffer.js';
import type { PrioritizedReplayBuffer } from '../agents/replay/prioritized_replay_buffer.js';
import type { ContinuousReplayBuffer } from '../agents/replay/continuous_replay_buffer.js';
import { dormantNeurons, srank } from './network_metrics.js';
import { scaleObservations } from './evaluation.js';

/** Kumar et al.'s srank code uses 2048 states; the probe never has fewer rows than the widest ReLU layer. */
export const SRANK_PROBE_STATES = 2048;

export interface ProbeMetrics {
  dormantFraction: number;
  dormantPerLayer: number[];
  srank: number;
  probeStates: number;
}

/** States in the probe: max(2048, widest feature layer), capped by what the buffer holds. */
export function probeSize(network: Network, replaySize: number): number {
  const widest = Math.max(0, ...reluOutputShapes(network.config.layers, network.config.inputShape).map((s) => s[s.length - 1]));
  return Math.min(replaySize, Math.max(SRANK_PROBE_STATES, widest));
}

export function probeMetrics(
  network: Network, replay: Pick<UniformReplayBuffer | PrioritizedReplayBuffer | ContinuousReplayBuffer, 'size' | 'sample'>, observationScale: number, seed: number,
): ProbeMetrics | null {
  const states = probeSize(network, replay.size);
  if (states < 1) return null;
  const batch = replay.sample(states, new Random(seed));
  scaleObservations(batch.obs, observationScale);
  network.forward(batch.obs, states);
  const shapes = reluOutputShapes(network.config.layers, network.config.inputShape);
  const acts = network.activations();
  if (acts.length !== shapes.length) throw new Error(`Expected ${shapes.length} ReLU activations but the network returned ${acts.length}`);
  const dormant = dormantNeurons(acts.map((data, i) => ({ data, shape: [states, ...shapes[i]] })));
  const last = acts[acts.length - 1];
  const units = last.length / states;
  return { dormantFraction: dormant.overall, dormantPerLayer: dormant.perLayer, srank: srank(last, states, units), probeStates: states };
}
