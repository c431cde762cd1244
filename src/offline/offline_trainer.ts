// `prunerl train --offline DATASET --agent cql|cql-c51`: gradient steps on a fixed dataset, never an env step of
// training. Each step samples a batch uniformly from the dataset's transitions (n-step returns computed within its
// episodes, by the replay buffer's own accumulator), updates, prunes on the schedule (which counts gradient steps,
// as online runs do), syncs the target every targetUpdateFrames steps, evaluates greedily in the env every
// evalEvery steps and checkpoints every checkpointEvery steps. `frames` counts gradient steps here. The dataset is
// not stored in checkpoints: a resumed run reads it again, and one seeded generator makes the run repeat exactly.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTextFileAtomic } from '../export/atomic_file.js';
import { Random } from '../random/random.js';
import { makeEnv } from '../envs/registry.js';
import { registerBuiltinEnvs } from '../envs/builtin.js';
import type { Env } from '../envs/env.js';
import { UniformReplayBuffer } from '../agents/replay/uniform_replay_buffer.js';
import { buildAgentParts } from '../train/run_setup.js';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint, type LoopState } from '../train/checkpoint.js';
import { MetricsLog, type MetricsRow } from '../train/metrics_log.js';
import { evaluate, scaleObservations } from '../train/evaluation.js';
import { probeMetrics } from '../train/probe_metrics.js';
import { savePolicy } from '../train/policy_file.js';
import type { TrainConfig } from '../train/train_config.js';
import type { TrainOptions, TrainSummary } from '../train/trainer.js';
import { behaviourReturn, readDataset, type ReplayDataset } from './dataset_reader.js';

/** summary.json of an offline run: the online fields (frames = gradient steps) and the dataset's. */
export interface OfflineSummary extends TrainSummary {
  dataset: { path: string; episodes: number; steps: number; behaviourReturn: number };
}

/** Refuses, in one line, an env whose spaces differ from the dataset's. */
export function checkSpaces(d: ReplayDataset, env: Env): void {
  const s = env.observationSpace;
  const same = s.dtype === d.observationSpace.dtype && s.shape.length === d.observationSpace.shape.length && s.shape.every((x, i) => x === d.observationSpace.shape[i]);
  if (!same || env.actionSpace.n !== d.actions) {
    throw new RangeError(`Expected --env ${env.id} to match the dataset's spaces (observations ${d.observationSpace.dtype} [${d.observationSpace.shape.join(', ')}], ${d.actions} actions) but it has ${s.dtype} [${s.shape.join(', ')}] and ${env.actionSpace.n} actions`);
  }
}

/** Every transition of the dataset in a buffer of exactly its size, n-step returns cut at episode ends. */
export function datasetReplay(d: ReplayDataset, nStep: number, gamma: number): UniformReplayBuffer {
  const replay = new UniformReplayBuffer({ capacity: d.totalSteps, observationSpace: d.observationSpace, nStep, gamma });
  const size = d.observationSpace.shape.reduce((a, b) => a * b, 1);
  for (const e of d.episodes) {
    const steps = e.actions.length;
    for (let t = 0; t < steps; t++) {
      // A recording that stops mid-episode (a foreign dataset's last episode) ends here: bootstrap, as for a time limit.
      const last = t === steps - 1;
      replay.add({
        obs: e.observations.subarray(t * size, (t + 1) * size), action: e.actions[t], reward: e.rewards[t],
        nextObs: e.observations.subarray((t + 1) * size, (t + 2) * size),
        terminated: e.terminations[t] === 1, truncated: e.truncations[t] === 1 || (last && e.terminations[t] !== 1),
      });
    }
  }
  return replay;
}

/** What a run records of its dataset, so that --resume refuses a dataset changed in between. */
const DATASET_RECORD = 'dataset.json';

function datasetFingerprint(d: ReplayDataset): { episodes: number; steps: number; rewardSum: number; actionSum: number } {
  let rewardSum = 0, actionSum = 0;
  for (const e of d.episodes) {
    for (const r of e.rewards) rewardSum += r;
    for (const a of e.actions) actionSum += a;
  }
  return { episodes: d.episodes.length, steps: d.totalSteps, rewardSum, actionSum };
}

function checkSameDataset(record: string, d: ReplayDataset, resume: boolean): void {
  const now = datasetFingerprint(d);
  if (resume && existsSync(record)) {
    const then = JSON.parse(readFileSync(record, 'utf8')) as typeof now;
    if (JSON.stringify(then) !== JSON.stringify(now)) { // same keys, same order: both come from datasetFingerprint
      throw new RangeError(`Expected --offline ${d.path} to be the dataset this run started from (${then.episodes} episodes, ${then.steps} steps) but it now holds ${now.episodes} episodes, ${now.steps} steps or other values; resume with the same dataset or train again without --resume`);
    }
    return;
  }
  writeTextFileAtomic(record, JSON.stringify(now, null, 2) + '\n');
}

function freshLoop(seed: number): LoopState {
  return {
    frames: 0, updates: 0, episodes: 0, episodeReturn: 0, episodeLength: 0, needsReset: true, trainReturns: [],
    lossSum: 0, lossCount: 0, metricsRows: 0, evaluations: 0, lastEvalReturn: null, pruneTarget: 0,
    finalTrainReturnSum: 0, finalTrainEpisodes: 0, rng: new Random(seed).state(), env: null,
  };
}

/** The offline run, in a run directory whose lock the caller holds (trainer.ts's train()). */
export async function trainOffline(c: TrainConfig, options: TrainOptions): Promise<OfflineSummary> {
  const out = options.out;
  const checkpointPath = join(out, CHECKPOINT_FILE);
  const dataset = await readDataset(c.offline as string);
  registerBuiltinEnvs();
  const evalEnv = await makeEnv(c.env, {});
  checkSpaces(dataset, evalEnv);
  writeTextFileAtomic(join(out, 'config.json'), JSON.stringify(c, null, 2) + '\n');
  const parts = buildAgentParts(c, evalEnv.observationSpace, evalEnv.actionSpace.n);
  const { agent, pruner } = parts;
  const replay = datasetReplay(dataset, c.nStep, c.gamma);
  // Checkpoints hold an empty buffer: the transitions are the dataset's, read again on resume.
  const emptyReplay = new UniformReplayBuffer({ capacity: 1, observationSpace: evalEnv.observationSpace, nStep: c.nStep, gamma: c.gamma }).state();

  checkSameDataset(join(out, DATASET_RECORD), dataset, !!options.resume);
  let loop = freshLoop(c.seed);
  if (options.resume) {
    const restored = loadCheckpoint(checkpointPath, agent.networks);
    agent.restoreState(restored.agentState);
    loop = restored.loop;
    agent.setUpdates(loop.updates);
  }
  const rng = Random.fromState(loop.rng);
  const metrics = new MetricsLog(out, loop.metricsRows);
  const behaviour = behaviourReturn(dataset);
  let intervalStart = performance.now(), intervalUpdates = 0;
  let totalSeconds = loop.timed?.seconds ?? 0, totalUpdatesTimed = loop.timed?.updates ?? 0;
  const wallBefore = loop.timed?.wallSeconds ?? 0, processStart = performance.now();
  const elapsedSeconds = () => wallBefore + (performance.now() - processStart) / 1000;

  const writeCheckpoint = (): void => {
    loop.rng = rng.state();
    loop.metricsRows = metrics.rows;
    loop.updates = agent.updates;
    loop.pruneTarget = pruner?.lastTarget ?? 0;
    loop.timed = { seconds: totalSeconds, frames: 0, updates: totalUpdatesTimed, wallSeconds: elapsedSeconds() };
    saveCheckpoint(checkpointPath, { config: c, loop, networks: agent.networks, agentState: agent.state(), replay: emptyReplay, obs: null });
    const policy = agent.policyNetwork();
    savePolicy(join(out, 'policy.prl'), {
      network: policy.network, head: policy.head,
      observation: { shape: evalEnv.observationSpace.shape, dtype: evalEnv.observationSpace.dtype, scale: c.observationScale },
      meta: { env: c.env, agent: c.agent, net: parts.net, width: c.width, targetSparsity: c.sparsity, seed: c.seed },
    });
    if (policy.owned) policy.network.dispose();
  };

  const evaluateNow = (): void => {
    const seconds = Math.max(1e-9, (performance.now() - intervalStart) / 1000);
    const evalReturn = evaluate({ act: agent.evalAct }, evalEnv, { seed: c.seed, index: loop.evaluations, episodes: c.evalEpisodes, epsilon: c.evalEpsilon, scale: c.observationScale });
    loop.evaluations++;
    loop.lastEvalReturn = evalReturn;
    const probe = probeMetrics(agent.probeNetwork, replay, c.observationScale, c.seed * 7919 + loop.evaluations);
    const params = agent.prunable.params();
    const row: MetricsRow = {
      step: agent.updates, frames: loop.frames, trainReturn: null, evalReturn,
      loss: loop.lossCount ? loop.lossSum / loop.lossCount : null,
      sparsity: agent.prunable.sparsity(), layerSparsity: params.map((p) => 1 - p.kept / p.size),
      paramsKept: params.reduce((s, p) => s + p.kept + p.shape[0], 0),
      flopsPerUpdate: agent.flopsPerUpdate(c.batchSize),
      dormantFraction: probe?.dormantFraction ?? null, dormantPerLayer: probe?.dormantPerLayer ?? null,
      srank: probe?.srank ?? null, probeStates: probe?.probeStates ?? 0,
      updatesPerSecond: intervalUpdates / seconds, envStepsPerSecond: 0,
    };
    metrics.append(row);
    options.onEvaluation?.(row);
    totalSeconds += seconds; totalUpdatesTimed += intervalUpdates;
    loop.lossSum = 0; loop.lossCount = 0; intervalUpdates = 0;
    intervalStart = performance.now();
  };

  const report = (): void => options.onProgress?.({
    frames: loop.frames, totalFrames: c.frames, updates: agent.updates, lastTrainReturn: null,
    lastEvalReturn: loop.lastEvalReturn, sparsity: agent.prunable.sparsity(), elapsedSeconds: elapsedSeconds(),
  });

  while (loop.frames < c.frames) {
    const batch = replay.sample(c.batchSize, rng);
    scaleObservations(batch.obs, c.observationScale);
    scaleObservations(batch.nextObs, c.observationScale);
    const result = agent.update(batch);
    loop.frames++;
    loop.lossSum += result.loss;
    loop.lossCount++;
    intervalUpdates++;
    pruner?.onUpdate(agent.updates);
    if (loop.frames % c.targetUpdateFrames === 0) agent.syncTarget();
    if (loop.frames % c.evalEvery === 0 || loop.frames === c.frames) {
      evaluateNow();
      report();
    } else if (loop.frames % 500 === 0) {
      report();
    }
    if (loop.frames % c.checkpointEvery === 0 && loop.frames < c.frames) writeCheckpoint();
  }
  writeCheckpoint();

  const summary: OfflineSummary = {
    env: c.env, agent: c.agent, seed: c.seed, frames: loop.frames,
    finalEvalReturn: loop.lastEvalReturn ?? 0, finalTrainReturn: null, finalTrainEpisodes: 0,
    targetSparsity: c.sparsity, achievedSparsity: agent.prunable.sparsity(),
    updatesPerSecond: totalSeconds > 0 ? totalUpdatesTimed / totalSeconds : 0, envStepsPerSecond: 0,
    dataset: { path: dataset.path, episodes: dataset.episodes.length, steps: dataset.totalSteps, behaviourReturn: behaviour.mean },
  };
  writeTextFileAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  agent.dispose();
  evalEnv.close?.();
  return summary;
}
