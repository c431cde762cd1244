// `prunerl bench train --agent iqn|miqn|sac`: the real update of each agent, timed, in the dqn bench's format.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { benchCli } from '../helpers/bench_cli.js';
import { benchAgentFromFlags } from '../../src/cli/commands/bench_agent.js';
import { benchAgentUpdate } from '../../src/bench/agent_update_bench.js';
import { resolveConfig } from '../../src/train/train_config.js';
import { buildAgentParts, setupRun } from '../../src/train/run_setup.js';

describe('prunerl bench train --agent iqn|miqn|sac', () => {
  it('refuses what these agents cannot do, naming the flag', async () => {
    await expect(benchCli('--agent', 'sac', '--net', 'minatar')).rejects.toThrow("Expected --net mlp for --agent sac (its actor and critics are MLPs) but received 'minatar'");
    // --learner (the dqn/rainbow choice of update) given explicitly: only 'reference' describes these agents' update.
    const command = new Command().option('--learner <name>', 'as bench train has it', 'both').parse(['node', 'x', '--learner', 'native']);
    const flags = { net: 'mlp', width: '1', sparsity: '0.9', agent: 'iqn', device: 'cpu', seconds: '1', learner: 'native' };
    await expect(benchAgentFromFlags(flags, command)).rejects.toThrow(/Expected --learner reference for --agent iqn .* but received 'native'/);
    await expect(benchCli('--agent', 'miqn', '--sparsity', '1')).rejects.toThrow("Expected a number in [0, 1) for --sparsity but received '1'");
    await expect(benchCli('--agent', 'iqn', '--width', '0')).rejects.toThrow("Expected an integer in [1, 16] for --width but received '0'");
  });

  it('sac: one JSON object; the actor and both critics pruned together as train prunes them (defaults to --net mlp)', async () => {
    const lines = await benchCli('--agent', 'sac', '--sparsity', '0.9', '--json');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]!);
    expect(r).toMatchObject({ agent: 'sac', net: 'mlp', observation: 'pendulum', learner: 'reference', batchSize: 256 });
    expect(r.updates).toBeGreaterThanOrEqual(5);
    expect(r.updatesPerSecond).toBeCloseTo(r.updates / r.seconds, 6);
    expect(r.medianUpdateMicroseconds).toBeGreaterThan(0);
    // The model train builds and prunes: actor + two critics, three weight layers each, ERK at 90%.
    const parts = await setupRun(resolveConfig({ agent: 'sac', sparsity: 0.9 }));
    parts.pruner!.apply(0.9);
    const params = parts.agent.prunable.params();
    expect(params).toHaveLength(9);
    expect(r.totalWeights).toBe(params.reduce((a, p) => a + p.size, 0));
    expect(r.keptWeights).toBe(params.reduce((a, p) => a + p.kept, 0));
    expect(r.achievedSparsity).toBeCloseTo(0.9, 2);
    parts.agent.dispose();
  });

  it('iqn and miqn time their own update: 64 τ samples cost more per update than 2; miqn on MinAtar-shaped batches', async () => {
    // Small τ counts keep the test short; the ratio is large enough to hold on a loaded machine.
    const run = (agent: 'iqn' | 'miqn', numTauSamples: number) => benchAgentUpdate({
      agent, net: 'mlp', width: 1, sparsity: 0.9, device: 'cpu', seconds: 1,
      config: { numTauSamples, numTauPrimeSamples: numTauSamples, numQuantileSamples: 8 },
    });
    const few = await run('iqn', 2), many = await run('iqn', 64);
    expect(few).toMatchObject({ agent: 'iqn', observation: 'cartpole', learner: 'reference' });
    expect(many.p10UpdateMicroseconds).toBeGreaterThan(2 * few.p10UpdateMicroseconds);
    const parts = buildAgentParts(resolveConfig({ agent: 'iqn', net: 'mlp', sparsity: 0.9 }), { kind: 'box', shape: [4], dtype: 'float32', low: -4.8, high: 4.8 }, 2);
    parts.pruner!.apply(0.9);
    // Torso, τ-embedding and head: every weight layer of the three, pruned as one model.
    expect(few.representations).toHaveLength(parts.agent.prunable.params().length);
    expect(few.totalWeights).toBe(parts.agent.prunable.params().reduce((a, p) => a + p.size, 0));
    parts.agent.dispose();
    const miqn = JSON.parse((await benchCli('--agent', 'miqn', '--net', 'minatar', '--sparsity', '0.5', '--json'))[0]!);
    expect(miqn).toMatchObject({ agent: 'miqn', net: 'minatar', observation: 'minatar' });
    expect(miqn.achievedSparsity).toBeCloseTo(0.5, 2);
  }, 120_000);
});
