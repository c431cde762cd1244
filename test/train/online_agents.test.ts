// `prunerl train --agent iqn|miqn|sac`: refusals, exact resume after SIGKILL (DQN's test, per agent), and the
// saved policy matching the agent it came from.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type TrainConfigInput } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';
import { loadPolicy } from '../../src/train/policy_file.js';
import { evaluatePolicy } from '../../src/train/evaluate_policy.js';
import { readArchive } from '../../src/train/archive.js';
import { IqnAgent } from '../../src/agents/iqn/iqn_agent.js';
import { foldMidpointPolicy } from '../../src/agents/iqn/midpoint_policy.js';
import { architecture } from '../../src/nn/architectures.js';
import { expectKilledRunMatches } from '../helpers/kill_and_resume.js';

function tempRun(): string {
  return mkdtempSync(join(tmpdir(), 'prunerl-online-'));
}

/** Every tensor of the final checkpoint's networks (all parts, online and target) as plain arrays. */
function networksOf(dir: string): Record<string, number[]> {
  const { tensors } = readArchive(join(dir, 'checkpoint.prl'));
  const out: Record<string, number[]> = {};
  for (const [name, t] of tensors) if (/^(online|target|actor|critic)/.test(name) || name.startsWith('opt')) out[name] = Array.from(t as Float32Array);
  return out;
}

// Few τ samples keep the runs short; the arithmetic is the same as with the paper's 64.
const iqnSmall: TrainConfigInput = {
  env: 'CartPole-v1', frames: 2400, learningStarts: 400, evalEvery: 800, evalEpisodes: 2, checkpointEvery: 40,
  sparsity: 0.9, pruneFrequency: 200, batchSize: 16, seed: 3, numTauSamples: 8, numTauPrimeSamples: 8,
  numQuantileSamples: 8, replayCapacity: 100_000,
};

describe('online agents: config', () => {
  it('refuses the discrete agents\' options for sac, and each agent the other action kind', async () => {
    expect(() => resolveConfig({ agent: 'sac', nStep: 3 })).toThrow(/apply to the discrete agents only \(agent is sac/);
    expect(resolveConfig({ agent: 'sac' })).toMatchObject({ env: 'Pendulum-v1', batchSize: 256, learningStarts: 5000, actorLr: 3e-4, polyakTau: 0.005, double: false });
    await expect(train(resolveConfig({ ...sacSmall, env: 'CartPole-v1' }), { out: tempRun() })).rejects.toThrow(/continuous \(Box\) actions for env \(agent sac\) but 'CartPole-v1' has 2 discrete actions/);
    await expect(train(resolveConfig({ ...iqnSmall, agent: 'iqn', env: 'Pendulum-v1' }), { out: tempRun() })).rejects.toThrow(/discrete actions for env but 'Pendulum-v1' has a continuous \(Box\) action space/);
  });

  it('refuses double or dueling for iqn/miqn, naming them', () => {
    expect(() => resolveConfig({ agent: 'iqn', double: true })).toThrow(/double and dueling apply to dqn and rainbow only \(agent is iqn/);
    expect(() => resolveConfig({ agent: 'miqn', dueling: true })).toThrow(/agent is miqn/);
    expect(() => resolveConfig({ agent: 'iqn', numTauSamples: 0 })).toThrow(/config\.numTauSamples/);
    expect(() => resolveConfig({ agent: 'miqn', munchausenL0: 0.5 })).toThrow(/config\.munchausenL0/);
  });

  it('presets dopamine-iqn and dopamine-miqn carry Dopamine\'s constants', () => {
    const iqn = resolveConfig({ preset: 'dopamine-iqn' });
    expect(iqn).toMatchObject({ agent: 'iqn', numTauSamples: 64, numTauPrimeSamples: 64, numQuantileSamples: 32, kappa: 1, nStep: 3, double: false, batchSize: 32, updateEvery: 4, targetUpdateFrames: 8000 });
    expect(iqn.optimizer).toEqual({ type: 'adam', lr: 5e-5, eps: 3.125e-4 });
    const miqn = resolveConfig({ preset: 'dopamine-miqn' });
    expect(miqn).toMatchObject({ agent: 'miqn', munchausenTau: 0.03, munchausenAlpha: 0.9, munchausenL0: -1, nStep: 1 });
  });
});

describe('IQN policy', () => {
  it('the folded midpoint network gives the agent\'s midpoint Q-values (also after pruning)', () => {
    const layers = architecture('mlp', { width: 1, outputs: 3, inputShape: [5] });
    const agent = new IqnAgent({ layers, inputShape: [5], optimizer: { type: 'adam', lr: 1e-3 }, seed: 4, actingQuantiles: 8 });
    agent.online.group.pruneLayers(agent.online.group.params().map((_, i) => (i === 0 ? 0 : 0.8)));
    const obs = Float32Array.from({ length: 7 * 5 }, (_, i) => Math.sin(i * 1.7) * 2);
    const want = agent.midpointQValues(obs, 7);
    const folded = foldMidpointPolicy(agent.online, 8);
    const got = folded.forward(obs, 7);
    let scale = 0, diff = 0;
    for (let i = 0; i < want.length; i++) { scale = Math.max(scale, Math.abs(want[i])); diff = Math.max(diff, Math.abs(got[i] - want[i])); }
    expect(scale).toBeGreaterThan(0.01);
    expect(diff / scale).toBeLessThan(1e-5);
    folded.dispose();
    agent.dispose();
  });
});

/** DQN's SIGKILL test (test/train/trainer.test.ts) for another agent: kill the CLI while it checkpoints, resume. */
const killAndResumeMatches = (config: TrainConfigInput) =>
  expectKilledRunMatches({ config, whole: tempRun(), cut: tempRun(), stateOf: networksOf });

const sacSmall: TrainConfigInput = {
  agent: 'sac', env: 'Pendulum-v1', frames: 2400, learningStarts: 400, evalEvery: 800, evalEpisodes: 2, checkpointEvery: 40,
  sparsity: 0.9, pruneFrequency: 200, batchSize: 32, seed: 5, replayCapacity: 10_000,
};

describe('online agents: resume', () => {
  it.each(['iqn', 'miqn'] as const)('a %s run killed with SIGKILL (while checkpointing often) resumes cleanly to the same result', async (agent) => {
    await killAndResumeMatches({ ...iqnSmall, agent });
  }, 300_000);

  it('a sac run killed with SIGKILL (while checkpointing often) resumes cleanly to the same result', async () => {
    await killAndResumeMatches(sacSmall);
  }, 300_000);
});

describe('online agents: the saved policy', () => {
  it('policy.prl of an iqn run loads as a plain Q policy (the folded midpoint network) and acts', async () => {
    const out = tempRun();
    const summary = await train(resolveConfig({ ...iqnSmall, agent: 'iqn', frames: 1200, evalEvery: 1200 }), { out });
    const policy = loadPolicy(out);
    expect(policy.meta.agent).toBe('iqn');
    expect(policy.head).toEqual({ kind: 'q', actions: 2 });
    expect(policy.act(new Float32Array(4))).toBeGreaterThanOrEqual(0);
    expect(() => policy.action(new Float32Array(4))).toThrow('Expected a policy with continuous actions for action but this iqn policy has 2 discrete actions: use act(obs) or qValues(obs, batch)');
    await expect(evaluatePolicy(policy, { env: 'Pendulum-v1', episodes: 1, seed: 0, epsilon: 0 })).rejects.toThrow(/for env \(those of this iqn policy, trained on CartPole-v1\) but 'Pendulum-v1' has observations 3, 1-dimensional continuous actions/);
    expect(summary.achievedSparsity).toBeCloseTo(0.9, 2);
    policy.dispose();
  });

  it('policy.prl of a sac run is the actor\'s mean action, inside the action bounds', async () => {
    const out = tempRun();
    await train(resolveConfig({ ...sacSmall, frames: 800, evalEvery: 800 }), { out });
    const policy = loadPolicy(out);
    expect(policy.head).toEqual({ kind: 'tanh-gaussian', actions: 1, low: [-2], high: [2] });
    const obs = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i) * 3);
    const actions = policy.action(obs, 10);
    expect(actions.length).toBe(10);
    for (const a of actions) expect(Math.abs(a)).toBeLessThanOrEqual(2);
    // One at a time gives the same actions (to float rounding: batch 1 takes another kernel); the actions differ
    // between observations (the actor is not constant).
    for (let b = 0; b < 10; b++) expect(policy.action(obs.subarray(3 * b, 3 * b + 3))[0]).toBeCloseTo(actions[b]!, 5);
    expect(new Set(actions).size).toBeGreaterThan(1);
    expect(() => policy.act(new Float32Array(3))).toThrow('Expected a policy with discrete actions for act but this sac policy acts continuously: use action(obs) for its action');
    expect(() => policy.qValues(new Float32Array(3), 1)).toThrow(/for qValues but this sac policy acts continuously: use action\(obs\)/);
    expect(() => policy.action(new Float32Array(4))).toThrow('Expected 3 values for obs (batch 1 × shape [3]) but received 4');
    await expect(evaluatePolicy(policy, { episodes: 1, seed: 0, epsilon: 0.1 })).rejects.toThrow(/Expected epsilon 0 for this sac policy/);
    await expect(evaluatePolicy(policy, { env: 'MountainCarContinuous-v0', episodes: 1, seed: 0, epsilon: 0 }))
      .rejects.toThrow("Expected an env with observations 3, 1-dimensional continuous actions for env (those of this sac policy, trained on Pendulum-v1) but 'MountainCarContinuous-v0' has observations 2, 1-dimensional continuous actions");
    // `prunerl eval` runs it on its continuous env: Pendulum's reward is never positive, an episode is 200 steps.
    const evaluation = await evaluatePolicy(policy, { episodes: 2, seed: 0, epsilon: 0 });
    expect(evaluation.returns).toHaveLength(2);
    for (const r of evaluation.returns) expect(r).toBeLessThanOrEqual(0);
    for (const r of evaluation.returns) expect(r).toBeGreaterThanOrEqual(-16.3 * 200);
    policy.dispose();
  });
});

describe('learning', () => {
  // Short versions of the measured runs in docs/results/online-agents-check (CartPole-v1 and Pendulum-v1 at 90%
  // sparsity); each about a minute here. A random policy scores about 22 on CartPole and about −1200 on Pendulum.
  for (const agent of ['iqn', 'miqn'] as const) it(`a 90%-pruned ${agent} learns CartPole-v1 in 10k frames`, async () => {
    const config = resolveConfig({
      env: 'CartPole-v1', agent, frames: 10_000, sparsity: 0.9, seed: 0, evalEvery: 5000, batchSize: 32, updateEvery: 2,
      numTauSamples: 8, numTauPrimeSamples: 8, numQuantileSamples: 8,
    });
    const summary = await train(config, { out: tempRun() });
    expect(summary.achievedSparsity).toBeCloseTo(0.9, 2);
    expect(summary.finalEvalReturn).toBeGreaterThanOrEqual(100);
  }, 240_000);

  it('a 90%-pruned sac learns Pendulum-v1 in 6k frames', async () => {
    const config = resolveConfig({ agent: 'sac', frames: 6000, sparsity: 0.9, seed: 0, evalEvery: 2000, batchSize: 64, learningStarts: 1000 });
    const summary = await train(config, { out: tempRun() });
    expect(summary.achievedSparsity).toBeCloseTo(0.9, 2);
    expect(summary.finalEvalReturn).toBeGreaterThanOrEqual(-600);
  }, 240_000);
});
