// `prunerl train` never writes over a run (issue 13 item 4): --out on a folder holding one is refused unless
// --resume or --force says what to do; the default folder moves to a fresh -2, -3… suffix.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrainConfig } from '../../src/train/train_config.js';
import { freshRunDir, runMarkerIn } from '../../src/train/run_dir.js';

const calls: { config: TrainConfig; options: { out: string; resume: boolean } }[] = [];
vi.mock('../../src/train/trainer.js', () => ({
  train: async (config: TrainConfig, options: { out: string; resume: boolean }) => {
    calls.push({ config, options });
    return { env: config.env, agent: config.agent, seed: config.seed, frames: config.frames, finalEvalReturn: 0, finalTrainReturn: null, finalTrainEpisodes: 0, targetSparsity: 0, achievedSparsity: 0, updatesPerSecond: 0, envStepsPerSecond: 0 };
  },
}));
const { registerTrainCommand } = await import('../../src/cli/commands/train.js');

async function trainCli(...args: string[]): Promise<void> {
  const program = new Command().exitOverride();
  registerTrainCommand(program);
  await program.parseAsync(['node', 'prunerl', 'train', '--quiet', ...args]);
}

/** A folder that looks like a finished run (the trainer is mocked, so the files' contents do not matter). */
function finishedRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prunerl-run-'));
  writeFileSync(join(dir, 'summary.json'), '{}');
  return dir;
}

beforeEach(() => { calls.length = 0; });

describe('train --out on a folder that holds a run', () => {
  it('refuses, naming --out and both ways out', async () => {
    const dir = finishedRun();
    await expect(trainCli('--out', dir)).rejects.toThrow(
      `Expected a new or empty folder for --out but ${dir} holds a run (summary.json); pass --resume to continue it or --force to overwrite it`,
    );
    expect(calls).toHaveLength(0);
  });

  it('trains there with --force, and refuses --force together with --resume', async () => {
    const dir = finishedRun();
    await trainCli('--out', dir, '--force');
    expect(calls[0]!.options).toMatchObject({ out: dir, resume: false });
    await expect(trainCli('--out', dir, '--force', '--resume')).rejects.toThrow('Expected one of --resume or --force but received both');
  });

  it('trains in an empty folder, or one holding only a config (a sweep writes config.json first)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunerl-run-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    await trainCli('--out', dir);
    expect(calls).toHaveLength(1);
  });
});

describe('the default run folder', () => {
  it('gets the first free -N suffix when a run is there, and is kept when none is', () => {
    const base = join(mkdtempSync(join(tmpdir(), 'prunerl-runs-')), 'CartPole-v1-dqn-w1-s0.9-seed0');
    expect(freshRunDir(base)).toBe(base);
    mkdirSync(base);
    expect(freshRunDir(base)).toBe(base); // an empty folder loses nothing
    writeFileSync(join(base, 'checkpoint.prl'), '');
    expect(runMarkerIn(base)).toBe('checkpoint.prl');
    expect(freshRunDir(base)).toBe(`${base}-2`);
    mkdirSync(`${base}-2`);
    expect(freshRunDir(base)).toBe(`${base}-3`);
  });
});
