// The training loop: act ε-greedily, store the step, update every `updateEvery` frames, prune on the schedule,
// evaluate every `evalEvery` frames, checkpoint every `checkpointEvery` updates. Deterministic on the CPU: one
// seeded generator drives exploration, replay sampling and the env's episode seeds, and nothing reads the clock
// except the two throughput columns of the metrics.
import { existsSync, mkdirSync } from 'node:fs';
import { writeTextFileAtomic } from '../export/atomic_file.js';
import { acquireDirLock } from './dir_lock.js';
import { join } from 'node:path';
import { Random } from '../random/random.js';
import type { Env, Observation } from '../envs/env.js';
import { savePolicy } from './policy_file.js';
import { CHECKPOINT_FILE, loadCheckpoint, readCheckpointHeader, saveCheckpoint, type LoopState } from './checkpoint.js';
import { MetricsLog, type MetricsRow } from './metrics_log.js';
import { evaluate, scaleObservations, toInput } from './evaluation.js';
import { setupRun, type RunParts } from './run_setup.js';
import { probeMetrics } from './probe_metrics.js';
import type { TrainConfig } from './train_config.js';
import { modelDeviceFor } from '../backends/device.js';
import { PrioritizedReplayBuffer } from '../agents/replay/prioritized_replay_buffer.js';
import { ReplayRecorder } from '../offline/replay_recorder.js';
import { trainOffline } from '../offline/offline_trainer.js';
import type { ReplayBatch } from '../agents/replay/replay_buffer.js';

/** The agents whose networks take a device (ValueAgent's); the rest run on the CPU. */
const onDeviceAgents: readonly string[] = ['dqn', 'rainbow'];

export interface TrainSummary {
  env: string;
  agent: string;
  seed: number;
  frames: number;
  finalEvalReturn: number;
  /**
   * Mean return of the training episodes that ended in the last 10% of the run's frames (Dopamine's per-iteration
   * training return, the score the paper reports); null when no episode ended there.
   */
  finalTrainReturn: number | null;
  /** Training episodes behind finalTrainReturn. */
  finalTrainEpisodes: number;
  targetSparsity: number;
  achievedSparsity: number;
  updatesPerSecond: number;
  envStepsPerSecond: number;
  /** --save-replay: the dataset written and its size. */
  savedReplay?: { dataset: string; episodes: number; steps: number };
}

export interface TrainProgress {
  frames: number;
  totalFrames: number;
  updates: number;
  lastTrainReturn: number | null;
  lastEvalReturn: number | null;
  sparsity: number;
  /** Wall-clock seconds since the run started, across --resume (the time between the processes left out). */
  elapsedSeconds: number;
}

export interface TrainOptions {
  /** The run directory (created if missing). */
  out: string;
  /** Continue from <out>/checkpoint.prl with the config stored there. */
  resume?: boolean;
  /** Called every few hundred frames and after each evaluation. */
  onProgress?: (p: TrainProgress) => void;
  /** Where one-line warnings go (default console.warn). */
  warn?: (message: string) => void;
  /** Called with each metrics row. */
  onEvaluation?: (row: MetricsRow) => void;
}

interface SnapshotEnv { snapshot(): unknown; restore(s: unknown): void }
function snapshotOf(env: Env): SnapshotEnv | null {
  const e = env as Partial<SnapshotEnv>;
  return typeof e.snapshot === 'function' && typeof e.restore === 'function' ? (env as unknown as SnapshotEnv) : null;
}

/** Linear ε decay from epsilonStart to epsilonEnd over epsilonDecayFrames frames after learningStarts. */
function epsilonAt(c: TrainConfig, frames: number): number {
  const t = Math.min(1, Math.max(0, frames - c.learningStarts) / c.epsilonDecayFrames);
  return c.epsilonStart + (c.epsilonEnd - c.epsilonStart) * t;
}

function scaleBatch(batch: ReplayBatch, scale: number): void {
  scaleObservations(batch.obs, scale);
  scaleObservations(batch.nextObs, scale);
}

function freshLoop(seed: number): LoopState {
  return {
    frames: 0, updates: 0, episodes: 0, episodeReturn: 0, episodeLength: 0, needsReset: true, trainReturns: [],
    lossSum: 0, lossCount: 0, metricsRows: 0, evaluations: 0, lastEvalReturn: null, pruneTarget: 0,
    finalTrainReturnSum: 0, finalTrainEpisodes: 0,
    rng: new Random(seed).state(), env: null,
  };
}

export async function train(config: TrainConfig, options: TrainOptions): Promise<TrainSummary> {
  mkdirSync(options.out, { recursive: true });
  const lock = acquireDirLock(options.out, 'train');
  try {
    return await trainLocked(config, options);
  } finally {
    lock.release();
  }
}

/** The run itself, once this process holds the run directory's lock. */
async function trainLocked(config: TrainConfig, options: TrainOptions): Promise<TrainSummary> {
  const out = options.out;
  const checkpointPath = join(out, CHECKPOINT_FILE);
  if (options.resume) {
    if (!existsSync(checkpointPath)) throw new Error(`Expected a checkpoint to resume from at ${checkpointPath} but there is none`);
    config = readCheckpointHeader(checkpointPath).config;
  }
  // --device cuda: the value agents' networks (and so their fused learner) on the GPU; without one, the CPU after one
  // line saying why (modelDeviceFor). The other agents' networks have no device option yet: one line says so.
  let device = modelDeviceFor(config.device, { warn: options.warn });
  if (device !== 'cpu' && (config.offline !== undefined || !onDeviceAgents.includes(config.agent))) {
    (options.warn ?? console.warn)(`prunerl: only dqn and rainbow networks run on ${device} so far; ${config.agent}${config.offline !== undefined ? ' (offline)' : ''} trains on the CPU`);
    device = 'cpu';
  }
  if (config.offline !== undefined) return trainOffline(config, options);
  writeTextFileAtomic(join(out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const parts = await setupRun(config, device);
  const { agent, replay, evalEnv, pruner } = parts;
  let env = parts.env;
  const c = config;
  const A = parts.head.actions;
  const envSnapshot = snapshotOf(env);

  let loop = freshLoop(c.seed);
  let obs: Observation | null = null;
  if (options.resume) {
    const restored = loadCheckpoint(checkpointPath, agent.networks);
    agent.restoreState(restored.agentState);
    loop = restored.loop;
    replay.restore(restored.replay);
    agent.setUpdates(loop.updates);
    if (!loop.needsReset) {
      envSnapshot?.restore(loop.env);
      obs = restored.obs;
    }
  }
  // --save-replay: the env, wrapped, records every reset and step (the journal is cut back to the checkpoint).
  const origin = { env: c.env, agent: c.agent, seed: c.seed, frames: c.frames };
  const recorder = c.saveReplay === undefined ? null : ReplayRecorder.open(env, { dataset: c.saveReplay, runDir: out, origin, resumeFrame: options.resume ? loop.frames : undefined });
  if (recorder) env = recorder.wrap(env);
  const rng = Random.fromState(loop.rng);
  const metrics = new MetricsLog(out, loop.metricsRows);
  const prioritized = replay instanceof PrioritizedReplayBuffer ? replay : null;

  let intervalStart = performance.now(), intervalFrames = 0, intervalUpdates = 0;
  let totalSeconds = loop.timed?.seconds ?? 0, totalFramesTimed = loop.timed?.frames ?? 0, totalUpdatesTimed = loop.timed?.updates ?? 0;
  const wallBefore = loop.timed?.wallSeconds ?? 0, processStart = performance.now();
  const elapsedSeconds = () => wallBefore + (performance.now() - processStart) / 1000;
  let checkpointDue = false;
  // Episodes ending after this frame make finalTrainReturn (the last 10% of the run).
  const finalWindowStart = Math.floor(0.9 * c.frames);

  const writeCheckpoint = (envState: unknown = null): void => {
    recorder?.sync(); // the journal reaches this checkpoint's frame first
    loop.rng = rng.state();
    loop.env = envState;
    loop.metricsRows = metrics.rows;
    loop.updates = agent.updates;
    loop.pruneTarget = pruner?.lastTarget ?? 0;
    loop.timed = { seconds: totalSeconds, frames: totalFramesTimed, updates: totalUpdatesTimed, wallSeconds: elapsedSeconds() };
    saveCheckpoint(checkpointPath, { config: c, loop, networks: agent.networks, agentState: agent.state(), replay: replay.state(), obs: loop.needsReset ? null : obs });
    const policy = agent.policyNetwork();
    savePolicy(join(out, 'policy.prl'), {
      network: policy.network, head: policy.head,
      observation: { shape: env.observationSpace.shape, dtype: env.observationSpace.dtype, scale: c.observationScale },
      meta: { env: c.env, agent: c.agent, net: parts.net, width: c.width, targetSparsity: c.sparsity, seed: c.seed },
    });
    if (policy.owned) policy.network.dispose();
    checkpointDue = false;
  };

  const evaluateNow = (): void => {
    const now = performance.now();
    const seconds = Math.max(1e-9, (now - intervalStart) / 1000);
    const evalReturn = evaluate({ act: agent.evalAct }, evalEnv, { seed: c.seed, index: loop.evaluations, episodes: c.evalEpisodes, epsilon: c.evalEpsilon, scale: c.observationScale });
    loop.evaluations++;
    loop.lastEvalReturn = evalReturn;
    const probe = probeMetrics(agent.probeNetwork, replay, c.observationScale, c.seed * 7919 + loop.evaluations);
    const params = agent.prunable.params();
    const biasCount = params.reduce((s, p) => s + p.shape[0], 0);
    const row: MetricsRow = {
      step: agent.updates, frames: loop.frames,
      trainReturn: loop.trainReturns.length ? loop.trainReturns.reduce((a, b) => a + b, 0) / loop.trainReturns.length : null,
      evalReturn, loss: loop.lossCount ? loop.lossSum / loop.lossCount : null,
      sparsity: agent.prunable.sparsity(), layerSparsity: params.map((p) => 1 - p.kept / p.size),
      paramsKept: params.reduce((s, p) => s + p.kept, 0) + biasCount,
      flopsPerUpdate: agent.flopsPerUpdate(c.batchSize),
      dormantFraction: probe?.dormantFraction ?? null, dormantPerLayer: probe?.dormantPerLayer ?? null,
      srank: probe?.srank ?? null, probeStates: probe?.probeStates ?? 0,
      updatesPerSecond: intervalUpdates / seconds, envStepsPerSecond: intervalFrames / seconds,
    };
    metrics.append(row);
    options.onEvaluation?.(row);
    totalSeconds += seconds; totalFramesTimed += intervalFrames; totalUpdatesTimed += intervalUpdates;
    loop.trainReturns = []; loop.lossSum = 0; loop.lossCount = 0;
    intervalFrames = 0; intervalUpdates = 0;
    intervalStart = performance.now();
  };

  const report = (): void => options.onProgress?.({
    frames: loop.frames, totalFrames: c.frames, updates: agent.updates,
    lastTrainReturn: loop.trainReturns.at(-1) ?? null, lastEvalReturn: loop.lastEvalReturn, sparsity: agent.prunable.sparsity(),
    elapsedSeconds: elapsedSeconds(),
  });

  while (loop.frames < c.frames) {
    if (loop.needsReset) {
      if (checkpointDue) writeCheckpoint();
      obs = env.reset(rng.integer(0, 2 ** 31));
      loop.needsReset = false;
      loop.episodeReturn = 0;
      loop.episodeLength = 0;
    } else if (checkpointDue && envSnapshot) {
      // Mid-episode only when the env can capture itself (null: it cannot now); else at the episode's end.
      const envState = envSnapshot.snapshot();
      if (envState !== null && envState !== undefined) writeCheckpoint(envState);
    }
    const current = obs as Observation;
    const action = loop.frames < c.learningStarts
      ? (agent.randomAction?.(rng) ?? rng.integer(0, A))
      : agent.act(toInput(current, c.observationScale), epsilonAt(c, loop.frames), rng);
    // A Float32Array (SAC) goes to a continuous-control env and buffer (run_setup.ts pairs them), which take one.
    const step = env.step(action as number);
    loop.frames++;
    intervalFrames++;
    loop.episodeReturn += step.reward;
    loop.episodeLength++;
    replay.add({ obs: current, action: action as number, reward: step.reward, nextObs: step.obs, terminated: step.terminated, truncated: step.truncated });
    obs = step.obs;
    if (step.terminated || step.truncated) {
      loop.trainReturns.push(loop.episodeReturn);
      if (loop.frames > finalWindowStart) {
        loop.finalTrainReturnSum = (loop.finalTrainReturnSum ?? 0) + loop.episodeReturn;
        loop.finalTrainEpisodes = (loop.finalTrainEpisodes ?? 0) + 1;
      }
      loop.episodes++;
      loop.needsReset = true;
    }

    if (loop.frames > c.learningStarts && loop.frames % c.updateEvery === 0 && replay.size >= c.batchSize) {
      const batch = prioritized ? prioritized.sample(c.batchSize, rng, c.priorityBeta) : replay.sample(c.batchSize, rng);
      scaleBatch(batch, c.observationScale);
      const result = agent.update(batch);
      if (prioritized) {
        const priorities = new Float64Array(result.tdErrors.length);
        for (let i = 0; i < priorities.length; i++) priorities[i] = result.tdErrors[i] + 1e-6;
        prioritized.updatePriorities(batch.indices, priorities);
      }
      loop.lossSum += result.loss;
      loop.lossCount++;
      intervalUpdates++;
      pruner?.onUpdate(agent.updates);
      if (agent.updates % c.checkpointEvery === 0) checkpointDue = true;
    }
    // The target period counts env steps, as Dopamine's target_update_period and MinAtar's
    // TARGET_NETWORK_UPDATE_FREQ do; the sync follows the frame's update, as in both.
    if (loop.frames > c.learningStarts && loop.frames % c.targetUpdateFrames === 0) agent.syncTarget();
    if (loop.frames % c.evalEvery === 0 || loop.frames === c.frames) {
      evaluateNow();
      report();
    } else if (loop.frames % 500 === 0) {
      report();
    }
  }
  loop.needsReset = true; // the run is over: a resume of a finished run starts nothing new
  writeCheckpoint();

  const savedReplay = recorder ? { dataset: recorder.dataset, ...(await recorder.finish()) } : undefined;
  const summary: TrainSummary = {
    env: c.env, agent: c.agent, seed: c.seed, frames: loop.frames,
    finalEvalReturn: loop.lastEvalReturn ?? 0,
    finalTrainReturn: loop.finalTrainEpisodes ? (loop.finalTrainReturnSum ?? 0) / loop.finalTrainEpisodes : null,
    finalTrainEpisodes: loop.finalTrainEpisodes ?? 0,
    targetSparsity: c.sparsity, achievedSparsity: agent.prunable.sparsity(),
    updatesPerSecond: totalSeconds > 0 ? totalUpdatesTimed / totalSeconds : 0,
    envStepsPerSecond: totalSeconds > 0 ? totalFramesTimed / totalSeconds : 0,
    ...(savedReplay ? { savedReplay } : {}),
  };
  writeTextFileAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  agent.dispose();
  env.close?.();
  evalEnv.close?.();
  return summary;
}
