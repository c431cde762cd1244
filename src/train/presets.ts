// Named settings from the literature, applied under the config file and the flags.
import type { TrainConfig } from './train_config.js';
import { cqlC51Defaults } from '../offline/offline_config.js';

export const presetNames = ['cartpole-dqn', 'minatar-dqn', 'dopamine-dqn', 'dopamine-rainbow', 'dopamine-iqn', 'dopamine-miqn'] as const;
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
  // Dopamine JAX's IQN (google/dopamine dopamine/jax/agents/implicit_quantile/configs/implicit_quantile.gin):
  // N = N' = 64 τ samples, K = 32 to act, κ = 1, 3-step returns, Adam (lr 5e-5, ε 3.125e-4), batch 32, an update
  // every 4 agent steps, target copy every 8000 agent steps, 20k steps before learning, ε 1 → 0.01 over 250k
  // steps, replay 1M (uniform), no double, no dueling; the Impala ResNet, as the paper's other agents.
  'dopamine-iqn': {
    agent: 'iqn', net: 'impala', optimizer: { type: 'adam', lr: 5e-5, eps: 3.125e-4 }, batchSize: 32, updateEvery: 4,
    targetUpdateFrames: 8000, learningStarts: 20_000, epsilonStart: 1, epsilonEnd: 0.01,
    epsilonDecayFrames: 250_000, replayCapacity: 1_000_000, evalEpsilon: 0.001, nStep: 3, prioritized: false,
    numTauSamples: 64, numTauPrimeSamples: 64, numQuantileSamples: 32, kappa: 1, double: false, dueling: false,
  },
  // Munchausen-IQN as Vieillard et al. ran it in Dopamine (google-research munchausen_rl/configs/atari.gin): the
  // IQN constants above with 1-step returns (update_horizon = 1) and the Munchausen term τ = 0.03, α = 0.9,
  // l0 = −1 (the paper's appendix; munchausen_rl/agents/m_iqn.py).
  'dopamine-miqn': {
    agent: 'miqn', net: 'impala', optimizer: { type: 'adam', lr: 5e-5, eps: 3.125e-4 }, batchSize: 32, updateEvery: 4,
    targetUpdateFrames: 8000, learningStarts: 20_000, epsilonStart: 1, epsilonEnd: 0.01,
    epsilonDecayFrames: 250_000, replayCapacity: 1_000_000, evalEpsilon: 0.001, nStep: 1, prioritized: false,
    numTauSamples: 64, numTauPrimeSamples: 64, numQuantileSamples: 32, kappa: 1, double: false, dueling: false,
    munchausenTau: 0.03, munchausenAlpha: 0.9, munchausenL0: -1,
  },
};

/** IQN and M-IQN: no double DQN (Dopamine's IQN targets use the target network's greedy action). */
const iqnDefaults: Partial<TrainConfig> = { double: false, dueling: false };

/**
 * SAC as CleanRL's sac_continuous_action.py runs it (vwxyzjn/cleanrl): Adam, critics lr 1e-3, actor 3e-4, log α
 * 1e-3, batch 256, 5000 random steps before learning, Polyak τ 0.005, γ 0.99, an update every step; replay 100k
 * here (CleanRL: 1M; Pendulum's 30k-step runs never fill 100k). Plain SAC has no double/dueling/n-step/PER.
 */
const sacDefaults: Partial<TrainConfig> = {
  env: 'Pendulum-v1', optimizer: { type: 'adam', lr: 1e-3 }, actorLr: 3e-4, alphaLr: 1e-3, polyakTau: 0.005,
  batchSize: 256, learningStarts: 5000, replayCapacity: 100_000, gamma: 0.99, updateEvery: 1,
  double: false, dueling: false, nStep: 1, prioritized: false,
};

/** Defaults an agent brings before the preset, config file and flags. */
export function agentDefaultsFor(agent: TrainConfig['agent']): Partial<TrainConfig> {
  if (agent === 'rainbow') return rainbowDefaults;
  if (agent === 'sac') return sacDefaults;
  if (agent === 'iqn' || agent === 'miqn') return iqnDefaults;
  if (agent === 'cql-c51') return cqlC51Defaults;
  return {};
}

/** What makes the rainbow agent Rainbow (Hessel et al. 2018, Dopamine's choices): C51 with 51 atoms on [−10, 10],
 * 3-step returns, prioritized replay (α 0.5, β 0.5), dueling and double. */
export const rainbowDefaults: Partial<TrainConfig> = {
  atoms: 51, vMin: -10, vMax: 10, nStep: 3, prioritized: true, priorityAlpha: 0.5, priorityBeta: 0.5,
  dueling: true, double: true,
};

export function presetFor(name: PresetName | undefined): Partial<TrainConfig> {
  return name ? presets[name] : {};
}
