// Named settings from the literature, applied under the config file and the flags.
import type { TrainConfig } from './train_config.js';

export const presetNames = ['cartpole-dqn', 'minatar-dqn', 'dopamine-dqn', 'dopamine-rainbow'] as const;
export type PresetName = (typeof presetNames)[number];

const presets: Record<PresetName, Partial<TrainConfig>> = {
  // The learning check of CartPole-v1 (the README's measured results): 100k env steps with the defaults, which were
  // chosen for CartPole (Adam lr 5e-4, batch 64, double DQN, target copy every 500 updates, ε 1 → 0.02 over 10k).
  'cartpole-dqn': { env: 'CartPole-v1', agent: 'dqn', frames: 100_000 },
  // Young & Tian 2019, MinAtar's examples/dqn.py at its latest revision (4241f24, Dec 2024): centered RMSProp
  // (lr 2.5e-4, α 0.95, ε 0.01 after the square root, no momentum), Huber, replay 100k, batch 32, target copy
  // every 1000 frames, one update per frame after 5000 random frames, ε from 1 to 0.1 over 100k frames, γ 0.99,
  // 5M frames.
  'minatar-dqn': {
    agent: 'dqn', net: 'minatar', frames: 5_000_000,
    optimizer: { type: 'rmsprop', lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered: true, momentum: 0 },
    loss: 'huber', replayCapacity: 100_000, batchSize: 32, targetUpdateFrames: 1000, updateEvery: 1,
    learningStarts: 5000, epsilonStart: 1, epsilonEnd: 0.1, epsilonDecayFrames: 100_000, gamma: 0.99,
    double: false, dueling: false, nStep: 1, evalEvery: 100_000, evalEpisodes: 10, checkpointEvery: 20_000,
  },
  // Dopamine's JAX DQN as the paper runs it: the Impala ResNet (the paper's default network), Adam (lr 6.25e-5,
  // ε 1.5e-4), MSE loss (Dopamine JAX's default), batch 32, an update every 4 frames, target copy every 8000 agent
  // steps (= 2000 updates), 20k frames before learning, ε 1 → 0.01 over 250k frames, no double, no dueling.
  'dopamine-dqn': {
    agent: 'dqn', net: 'impala', optimizer: { type: 'adam', lr: 6.25e-5, eps: 1.5e-4 }, batchSize: 32, updateEvery: 4,
    targetUpdateFrames: 8000, learningStarts: 20_000, epsilonStart: 1, epsilonEnd: 0.01,
    epsilonDecayFrames: 250_000, replayCapacity: 1_000_000, double: false, dueling: false, nStep: 1, loss: 'mse',
    evalEpsilon: 0.001,
  },
  // Dopamine's compact Rainbow as the paper runs it: C51 (51 atoms on [−10, 10]) + 3-step returns + prioritized
  // replay (α 0.5, β 0.5), no dueling and no double DQN; Adam (lr 6.25e-5, ε 1.5e-4) and Dopamine's DQN schedule
  // of updates, target syncs (8000 agent steps) and exploration; the Impala ResNet.
  'dopamine-rainbow': {
    agent: 'rainbow', net: 'impala', optimizer: { type: 'adam', lr: 6.25e-5, eps: 1.5e-4 }, batchSize: 32, updateEvery: 4,
    targetUpdateFrames: 8000, learningStarts: 20_000, epsilonStart: 1, epsilonEnd: 0.01,
    epsilonDecayFrames: 250_000, replayCapacity: 1_000_000, evalEpsilon: 0.001,
    atoms: 51, vMin: -10, vMax: 10, nStep: 3, prioritized: true, priorityAlpha: 0.5, priorityBeta: 0.5,
    dueling: false, double: false,
  },
};

/** What makes the rainbow agent Rainbow (Hessel et al. 2018, Dopamine's choices): C51 with 51 atoms on [−10, 10],
 * 3-step returns, prioritized replay (α 0.5, β 0.5), dueling and double. */
export const rainbowDefaults: Partial<TrainConfig> = {
  atoms: 51, vMin: -10, vMax: 10, nStep: 3, prioritized: true, priorityAlpha: 0.5, priorityBeta: 0.5,
  dueling: true, double: true,
};

export function presetFor(name: PresetName | undefined): Partial<TrainConfig> {
  return name ? presets[name] : {};
}
