// Every option of a training run, validated with zod: an unknown key or a wrong type is one readable error.
// Resolution order: the agent's defaults ← the preset ← the config file ← command-line flags.
import { z } from 'zod';
import { architectureNames } from '../nn/architectures.js';
import { sparsityDistributions } from '../prune/distribution.js';
import { agentDefaultsFor, presetFor, presetNames, type PresetName } from './presets.js';
import { refuseUnsafeKeys } from '../config_keys.js';
import { offlineAgents, offlineProblems, offlineRunDefaults } from '../offline/offline_config.js';

const optimizerSchema = z.strictObject({
  type: z.enum(['adam', 'rmsprop', 'sgd']),
  lr: z.number().positive(),
  /** Adam: ε added to √v̂; RMSProp: ε added after the square root (PyTorch). */
  eps: z.number().positive().optional(),
  beta1: z.number().min(0).max(1).optional(),
  beta2: z.number().min(0).max(1).optional(),
  alpha: z.number().min(0).max(1).optional(),
  centered: z.boolean().optional(),
  /** RMSProp momentum (PyTorch's buffer: b = μb + g/(√v̂ + ε), θ −= lr·b): 0, MinAtar's dqn.py at its latest revision, unless asked. */
  momentum: z.number().min(0).lt(1).optional(),
});

export const trainConfigSchema = z.strictObject({
  /** A registered env id: CartPole-v1, Acrobot-v1, minatar/<game> (with @prunerl/minatar). */
  // Capped so that an env id echoed in an error message stays one readable line.
  env: z.string().min(1).max(200),
  /** dqn, rainbow (value agents), iqn, miqn (implicit quantiles, Munchausen), sac (continuous actions). */
  agent: z.enum(['dqn', 'rainbow', 'iqn', 'miqn', 'sac', ...offlineAgents]),
  preset: z.enum(presetNames).optional(),
  /** mlp for vector observations, minatar / nature / impala for image ones. */
  net: z.enum(architectureNames).optional(),
  /** Width multiplier of the network (the paper uses 1, 3, 5). */
  width: z.number().int().min(1).max(64),
  /**
   * What the width multiplies. 'conv' (the paper's): convolution channels only; the dense hidden layer keeps its
   * size (MinAtar net 128, NatureCNN and Impala 512), so parameters grow about linearly in the width (the first
   * dense layer's inputs are the conv channels). 'all': channels and dense hidden units, so the dense layer grows
   * with the square of the width. An MLP has no convolutions: its hidden layers scale in both modes.
   */
  widthScales: z.enum(['conv', 'all']),
  /** Final sparsity s_f; 0 trains dense. */
  sparsity: z.number().min(0).lt(1),
  schedule: z.enum(['polynomial', 'constant']),
  distribution: z.enum(sparsityDistributions as [string, ...string[]]),
  /** Scores of the 'global' distribution: |w| / ‖W‖₂ per tensor ('l2', JaxPruner's default) or raw |w|. */
  globalScores: z.enum(['l2', 'raw']),
  /** Weight layers kept dense: none, the first, the last, or both. */
  denseLayers: z.enum(['none', 'first', 'last', 'first-last']),
  /** Pruning runs from pruneStart to pruneEnd (fractions of the training updates), every pruneFrequency updates. */
  pruneStart: z.number().min(0).max(1),
  pruneEnd: z.number().min(0).max(1),
  pruneFrequency: z.number().int().min(1),
  /** Env steps to train for. */
  frames: z.number().int().min(1),
  seed: z.number().int().min(0),
  gamma: z.number().min(0).max(1),
  batchSize: z.number().int().min(1),
  replayCapacity: z.number().int().min(1),
  /** Frames of uniformly random actions before learning starts. */
  learningStarts: z.number().int().min(0),
  /** Frames per update (1: every frame, 4: Dopamine). */
  updateEvery: z.number().int().min(1),
  /** Env steps (frames) between copies of the online network into the target (Dopamine, MinAtar count agent steps). */
  targetUpdateFrames: z.number().int().min(1),
  double: z.boolean(),
  dueling: z.boolean(),
  nStep: z.number().int().min(1),
  loss: z.enum(['huber', 'mse']),
  /** dqn/rainbow: 'native' runs each update as one native call; 'reference' runs the TypeScript dqnUpdate / c51Update. */
  learner: z.enum(['native', 'reference']),
  optimizer: optimizerSchema,
  epsilonStart: z.number().min(0).max(1),
  epsilonEnd: z.number().min(0).max(1),
  epsilonDecayFrames: z.number().int().min(1),
  /** C51 (rainbow) support. */
  atoms: z.number().int().min(2),
  vMin: z.number(),
  vMax: z.number(),
  /** IQN / M-IQN (Dopamine's names): τ samples N (online) and N' (target) per update, K to act; Huber κ. */
  numTauSamples: z.number().int().min(1),
  numTauPrimeSamples: z.number().int().min(1),
  numQuantileSamples: z.number().int().min(1),
  kappa: z.number().positive(),
  /** M-IQN (Vieillard et al. 2020): entropy temperature τ, scale α of the log-policy bonus, its lower clip l0. */
  munchausenTau: z.number().positive(),
  munchausenAlpha: z.number().min(0).max(1),
  munchausenL0: z.number().max(0),
  /** SAC: the actor's Adam learning rate (the critics use optimizer), log α's, and the target critics' Polyak τ. */
  actorLr: z.number().positive(),
  alphaLr: z.number().positive(),
  polyakTau: z.number().gt(0).max(1),
  /** Prioritized replay (rainbow): α and the importance-sampling exponent β. */
  prioritized: z.boolean(),
  priorityAlpha: z.number().min(0).max(1),
  priorityBeta: z.number().min(0).max(1),
  /** Frames between evaluations, episodes per evaluation, ε during evaluation. */
  evalEvery: z.number().int().min(1),
  evalEpisodes: z.number().int().min(1),
  evalEpsilon: z.number().min(0).max(1),
  /** Updates between checkpoints (a checkpoint is also written at the end). */
  checkpointEvery: z.number().int().min(1),
  /** Where the network computes: 'cpu', or 'cuda' (falls back to the CPU with one line saying why). */
  device: z.enum(['cpu', 'cuda']),
  /** Multiplies observations after the cast to float (1 for 0/1 grids, 1/255 for pixels). */
  observationScale: z.number().positive(),
  /** --offline: the Minari-layout dataset an offline agent (cql, cql-c51) trains from; frames then counts gradient steps. */
  offline: z.string().min(1).max(4096).optional(),
  /** --save-replay: the dataset folder every transition of this run is written to (Minari's HDF5 layout). */
  saveReplay: z.string().min(1).max(4096).optional(),
  /** CQL's coefficient α on mean_b [logsumexp_a Q(s_b, a) − Q(s_b, a_b)] (cql, cql-c51). */
  cqlAlpha: z.number().min(0),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = Partial<TrainConfig>;

/** The defaults every run starts from (a DQN on CartPole-v1, pruned to 90% with the paper's schedule). */
export const baseDefaults: TrainConfig = {
  env: 'CartPole-v1', agent: 'dqn', width: 1, widthScales: 'conv', sparsity: 0.9,
  schedule: 'polynomial', distribution: 'erk', globalScores: 'l2', denseLayers: 'none',
  pruneStart: 0.2, pruneEnd: 0.8, pruneFrequency: 1000,
  frames: 80_000, seed: 0, gamma: 0.99, batchSize: 64, replayCapacity: 50_000, learningStarts: 1000,
  updateEvery: 1, targetUpdateFrames: 500, double: true, dueling: false, nStep: 1, loss: 'huber', learner: 'native',
  optimizer: { type: 'adam', lr: 5e-4, eps: 1e-8 },
  epsilonStart: 1, epsilonEnd: 0.02, epsilonDecayFrames: 10_000,
  atoms: 51, vMin: -10, vMax: 10,
  numTauSamples: 64, numTauPrimeSamples: 64, numQuantileSamples: 32, kappa: 1,
  munchausenTau: 0.03, munchausenAlpha: 0.9, munchausenL0: -1, actorLr: 3e-4, alphaLr: 1e-3, polyakTau: 0.005, prioritized: false, priorityAlpha: 0.5, priorityBeta: 0.5,
  evalEvery: 5000, evalEpisodes: 5, evalEpsilon: 0, checkpointEvery: 5000, device: 'cpu', observationScale: 1,
  cqlAlpha: 0.1,
};

/** One line per problem: `config.key: message`. */
function describeZodError(error: z.ZodError, source: string): string {
  return error.issues
    .map((issue) => `${source}${issue.path.length ? '.' + issue.path.join('.') : ''}: ${issue.message}`)
    .join('; ');
}

/** Keys that were renamed, with what replaced them: refused by name rather than with zod's generic message. */
const renamedKeys: Record<string, string> = {
  targetUpdatePeriod: 'targetUpdateFrames (env steps between target syncs, as Dopamine and MinAtar count them; it was updates)',
};

function refuseRenamedKeys(value: unknown, source: string): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [old, replacement] of Object.entries(renamedKeys)) {
    if (Object.prototype.hasOwnProperty.call(value, old)) throw new RangeError(`Invalid ${source}: config.${old} is no longer accepted; use ${replacement}`);
  }
}

/** Parses a partial config from a file or flags, naming the source in errors. */
export function parsePartialConfig(value: unknown, source: string): TrainConfigInput {
  refuseUnsafeKeys(value, source);
  refuseRenamedKeys(value, source);
  const result = trainConfigSchema.partial().safeParse(value);
  if (!result.success) throw new RangeError(`Invalid ${source}: ${describeZodError(result.error, 'config')}`);
  return result.data;
}

/**
 * Merges defaults, preset and overrides, then checks what only a whole config can show (an impossible schedule,
 * a batch larger than the replay buffer...) so bad runs are refused before training starts.
 */
export function resolveConfig(...layers: TrainConfigInput[]): TrainConfig {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) refuseRenamedKeys(layer, 'configuration');
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) merged[k] = v;
  const agent = (merged.agent as TrainConfig['agent'] | undefined) ?? baseDefaults.agent;
  const preset = merged.preset as PresetName | undefined;
  const presetValues = presetFor(preset);
  const agentDefaults = agentDefaultsFor(presetValues.agent ?? agent);
  const config: Record<string, unknown> = { ...baseDefaults, ...agentDefaults, ...(merged.offline !== undefined ? offlineRunDefaults : {}), ...presetValues };
  for (const [k, v] of Object.entries(merged)) config[k] = v;
  // Unless set (by the user or a preset), evaluations scale with the run: at least 10 per run, every 5000 frames
  // at most, so a short run still shows a learning curve.
  if (merged.evalEvery === undefined && presetValues.evalEvery === undefined && typeof config.frames === 'number') {
    config.evalEvery = Math.max(1, Math.min(baseDefaults.evalEvery, Math.floor(config.frames / 10)));
  }
  const result = trainConfigSchema.safeParse(config);
  if (!result.success) throw new RangeError(`Invalid configuration: ${describeZodError(result.error, 'config')}`);
  const c = result.data;
  const problems: string[] = [];
  if (c.batchSize > c.replayCapacity) problems.push(`batchSize (${c.batchSize}) must be ≤ replayCapacity (${c.replayCapacity})`);
  if (c.pruneEnd <= c.pruneStart) problems.push(`pruneEnd (${c.pruneEnd}) must be > pruneStart (${c.pruneStart})`);
  if (c.optimizer.momentum !== undefined && c.optimizer.momentum > 0 && c.optimizer.type !== 'rmsprop') problems.push(`optimizer.momentum applies to rmsprop only (optimizer.type is ${c.optimizer.type})`);
  if (c.agent === 'sac' && (c.double || c.dueling || c.prioritized || c.nStep !== 1)) problems.push(`double, dueling, prioritized and nStep > 1 apply to the discrete agents only (agent is sac: twin critics, one-step targets, uniform replay)`);
  if ((c.agent === 'iqn' || c.agent === 'miqn') && (c.double || c.dueling)) problems.push(`double and dueling apply to dqn and rainbow only (agent is ${c.agent}; its target is the target network's greedy action, as Dopamine's)`);
  if (c.vMax <= c.vMin) problems.push(`vMax (${c.vMax}) must be > vMin (${c.vMin})`);
  problems.push(...offlineProblems(c));
  if (c.learningStarts >= c.frames && c.sparsity > 0) problems.push(`learningStarts (${c.learningStarts}) must be < frames (${c.frames}) for any update to happen: raise --frames above ${c.learningStarts} or lower learningStarts with --set learningStarts=${Math.floor(c.frames / 10)}`);
  if (problems.length) throw new RangeError(`Invalid configuration: ${problems.join('; ')}`);
  return c;
}
