// `prunerl bench train --json` (issue 13 item 1): one JSON object timing the agent `prunerl train` would build.
import { describe, expect, it } from 'vitest';
import { benchCli } from '../helpers/bench_cli.js';
import { resolveConfig } from '../../src/train/train_config.js';
import { buildAgentParts } from '../../src/train/run_setup.js';

describe('prunerl bench train', () => {
  it('refuses bad flags, naming them and what is allowed', async () => {
    await expect(benchCli('--sparsity', '1')).rejects.toThrow("Expected a number in [0, 1) for --sparsity but received '1'");
    await expect(benchCli('--net', 'resnet')).rejects.toThrow("Expected one of mlp, minatar, nature, impala for --net but received 'resnet'");
    await expect(benchCli('--width', '0')).rejects.toThrow("Expected an integer in [1, 16] for --width but received '0'");
    await expect(benchCli('--agent', 'ppo')).rejects.toThrow("Expected one of dqn, rainbow, iqn, miqn, sac for --agent but received 'ppo'");
    await expect(benchCli('--learner', 'fast')).rejects.toThrow("Expected one of native, reference, both for --learner but received 'fast'");
  });

  it('prints one JSON object for the MinAtar DQN at 95%, pruned by ERK as train would', async () => {
    const lines = await benchCli('--net', 'minatar', '--width', '1', '--sparsity', '0.95', '--json');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]!);
    expect(r.updatesPerSecond).toBeGreaterThan(0);
    expect(r.medianUpdateMicroseconds).toBeGreaterThan(0);
    expect(r.updates).toBeGreaterThanOrEqual(5);
    expect(r.threads).toBeGreaterThanOrEqual(1);
    expect(r.observation).toBe('minatar');
    // The same network and the same ERK sparsities as the agent `prunerl train` builds.
    const c = resolveConfig({ env: 'minatar/breakout', net: 'minatar', width: 1, sparsity: 0.95 });
    const parts = buildAgentParts(c, { kind: 'box', shape: [10, 10, 4], dtype: 'uint8', low: 0, high: 1 }, 6);
    parts.pruner!.apply(0.95);
    const params = parts.agent.prunable.params();
    expect(r.keptWeights).toBe(params.reduce((a, p) => a + p.kept, 0));
    expect(r.totalWeights).toBe(params.reduce((a, p) => a + p.size, 0));
    expect(r.representations).toEqual(params.map((p) => p.representation));
    expect(r.achievedSparsity).toBeCloseTo(0.95, 2);
    parts.agent.dispose();
  });

  it('times a C51 (rainbow) agent on CartPole-shaped batches, dense', async () => {
    const r = JSON.parse((await benchCli('--net', 'mlp', '--agent', 'rainbow', '--sparsity', '0', '--json'))[0]!);
    expect(r).toMatchObject({ agent: 'rainbow', observation: 'cartpole', sparsity: 0, achievedSparsity: 0 });
    expect(r.representations.every((k: string) => k === 'dense')).toBe(true);
  });

  it('times the native learner and, by default, the TypeScript reference update in turns beside it', async () => {
    const both = JSON.parse((await benchCli('--net', 'mlp', '--sparsity', '0', '--json'))[0]!);
    expect(both.learner).toBe('native');
    expect(both.reference.updates).toBeGreaterThanOrEqual(5);
    expect(both.speedupOverReference).toBeCloseTo(both.updatesPerSecond / both.reference.updatesPerSecond, 10);
    const one = JSON.parse((await benchCli('--net', 'mlp', '--sparsity', '0', '--learner', 'reference', '--json'))[0]!);
    expect(one.learner).toBe('reference');
    expect(one.reference).toBeUndefined();
  });
});
