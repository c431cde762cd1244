// CLI semantics that never silently drop input (issue 15 item 6): --set for a key that also has a flag is applied;
// run-changing flags with --resume are refused; numbers are parsed strictly; __proto__ / constructor keys in --set,
// config files and sweep grids are refused by name; an over-long value is cut in the message.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig, type TrainConfig } from '../../src/train/train_config.js';
import { writeArchive } from '../../src/train/archive.js';
import { parseSweepSpec } from '../../src/sweep/sweep_spec.js';

const calls: { config: TrainConfig; options: { out: string; resume: boolean } }[] = [];
vi.mock('../../src/train/trainer.js', () => ({
  train: async (config: TrainConfig, options: { out: string; resume: boolean }) => {
    calls.push({ config, options });
    return { env: config.env, agent: config.agent, seed: config.seed, frames: config.frames, finalEvalReturn: 0, finalTrainReturn: null, finalTrainEpisodes: 0, targetSparsity: 0, achievedSparsity: 0, updatesPerSecond: 0, envStepsPerSecond: 0 };
  },
}));
const { registerTrainCommand } = await import('../../src/cli/commands/train.js');

async function trainCli(...args: string[]): Promise<TrainConfig> {
  const program = new Command().exitOverride();
  registerTrainCommand(program);
  const out = args.includes('--out') ? [] : ['--out', mkdtempSync(join(tmpdir(), 'prunerl-cli-'))];
  await program.parseAsync(['node', 'prunerl', 'train', '--quiet', ...out, ...args]);
  return calls.at(-1)!.config;
}

beforeEach(() => { calls.length = 0; });

describe('train flags', () => {
  it('applies --set for keys that also have a flag, and lets a given flag win over --set', async () => {
    const config = await trainCli('--set', 'frames=1500', 'env=Acrobot-v1');
    expect(config.frames).toBe(1500);
    expect(config.env).toBe('Acrobot-v1');
    expect((await trainCli('--frames', '2000', '--set', 'frames=1500')).frames).toBe(2000);
  });

  it('parses numbers strictly', async () => {
    for (const bad of ['0x10', '0b11', '1_000', 'Infinity', ' 12', '12abc', '']) {
      await expect(trainCli('--frames', bad)).rejects.toThrow(new RegExp(`^Expected a decimal number for --frames but received '${bad.trim() === bad ? bad : ' 12'}'`));
    }
    expect((await trainCli('--frames', '1e4')).frames).toBe(10_000);
    expect((await trainCli('--sparsity', '.95')).sparsity).toBe(0.95);
  });

  it('refuses options given with --resume that would change the run, naming them with the run\'s value', async () => {
    const run = mkdtempSync(join(tmpdir(), 'prunerl-resume-'));
    const config = resolveConfig({ frames: 5000, seed: 3 });
    const loop = { frames: 1000, updates: 0, episodes: 0, metricsRows: 0, evaluations: 0 };
    writeArchive(join(run, 'checkpoint.prl'), { kind: 'checkpoint', format: 1, config, loop, optimizerTensors: 0, pendingStreams: [] }, new Map());
    await expect(trainCli('--out', run, '--resume', '--frames', '9000', '--set', 'env=Acrobot-v1')).rejects.toThrow(
      /^Expected options given with --resume to match the run in .* but env "Acrobot-v1" \(the run has "CartPole-v1"\), frames 9000 \(the run has 5000\) would change it/,
    );
    expect(calls).toHaveLength(0);
    await trainCli('--out', run, '--resume', '--frames', '5000', '--seed', '3'); // the run's own values are fine
    await trainCli('--out', run, '--resume');
    expect(calls.map((c) => c.options.resume)).toEqual([true, true]);
  });

  it('refuses __proto__ and constructor keys in --set and in a config file instead of dropping them', async () => {
    await expect(trainCli('--set', '__proto__={"frames":5}')).rejects.toThrow(/--set: key '__proto__' is not allowed/);
    await expect(trainCli('--set', 'constructor=1')).rejects.toThrow(/key 'constructor' is not allowed/);
    const file = join(mkdtempSync(join(tmpdir(), 'prunerl-cfg-')), 'c.json');
    writeFileSync(file, '{"frames": 1000, "__proto__": {"sparsity": 0.5}}');
    await expect(trainCli('--config', file)).rejects.toThrow(/key '__proto__' is not allowed/);
    writeFileSync(file, '{"optimizer": {"type": "adam", "lr": 0.001, "constructor": 1}}');
    await expect(trainCli('--config', file)).rejects.toThrow(/key 'optimizer.constructor' is not allowed/);
  });

  it('cuts an over-long value in the message', async () => {
    const long = '9'.repeat(5000) + 'x';
    const error = await trainCli('--frames', long).catch((e: Error) => e);
    expect((error as Error).message.length).toBeLessThan(200);
    expect((error as Error).message).toMatch(/… \(5001 characters\)/);
    const longEnv = await trainCli('--env', 'E'.repeat(5000)).catch((e: Error) => e);
    expect((longEnv as Error).message).toMatch(/--env|config.env/);
    expect((longEnv as Error).message.length).toBeLessThan(300);
  });
});

describe('sweep grids', () => {
  it('refuses __proto__ and constructor keys in base and grid', () => {
    expect(() => parseSweepSpec(JSON.parse('{"name": "s", "grid": {"seed": [0], "__proto__": [1]}}'), 'x.json')).toThrow(/sweep file x.json: key 'grid.__proto__' is not allowed/);
    expect(() => parseSweepSpec(JSON.parse('{"name": "s", "base": {"constructor": 1}, "grid": {"seed": [0]}}'), 'x.json')).toThrow(/key 'base.constructor' is not allowed/);
  });
});
