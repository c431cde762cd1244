// `prunerl train --device cuda` (issue 12 item 3): without a GPU, one line says why and the run trains on the CPU;
// with PRUNERL_CUDA_EMULATE=1 (no GPU), the DQN networks and their fused learner run on the CUDA emulator, i.e. every
// op of a real training run through the CUDA kernels. Which device ran is read from the emulator's launch counters.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerTrainCommand } from '../../src/cli/commands/train.js';
import { CUDA_EMULATE_ENV } from '../../src/backends/device.js';
import { native } from '../../src/native.js';
import { testSeed } from '../helpers/random.js';

/** Runs `prunerl train` in this process; returns the run folder and every warning line. */
async function trainCli(extra: string[]): Promise<{ dir: string; warnings: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'prunerl-cuda-run-'));
  const warnings: string[] = [];
  const warn = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => { warnings.push(a.join(' ')); });
  try {
    const program = new Command().exitOverride();
    registerTrainCommand(program);
    // CartPole, 90% GMP, 300 updates (600 frames after 200 of warm-up, one update every 2); small eval and probes.
    await program.parseAsync(['node', 'prunerl', 'train', '--quiet', '--env', 'CartPole-v1', '--frames', '800',
      '--sparsity', '0.9', '--seed', String(testSeed % 1000), '--out', dir, '--device', 'cuda',
      '--set', 'learningStarts=200', 'updateEvery=2', 'pruneFrequency=50', 'evalEvery=400', 'evalEpisodes=1',
      'batchSize=16', 'targetUpdateFrames=100', ...extra]);
  } finally {
    warn.mockRestore();
  }
  return { dir, warnings };
}

const launches = (kernel: string) => native.cudaEmulatorStats?.()[kernel]?.launches ?? 0;
/** Optimizer steps run as CUDA kernels (the preset's optimizer is Adam or RMSprop). */
const optimizerLaunches = () => launches('adamKernel') + launches('rmspropKernel');

afterEach(() => { delete process.env[CUDA_EMULATE_ENV]; });

describe.skipIf(native.cudaAvailable())('prunerl train --device cuda without a GPU', () => {
  it('says why in one line and trains on the CPU (no CUDA kernel launched)', async () => {
    const before = optimizerLaunches();
    const { dir, warnings } = await trainCli([]);
    const lines = warnings.filter((w) => w.includes("device 'cuda'"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^prunerl: device 'cuda' was requested but is not available \(.+\); running on the CPU instead$/);
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
    expect(optimizerLaunches()).toBe(before);
  }, 120_000);

  it.runIf(native.cudaEmulated !== undefined)(`with ${CUDA_EMULATE_ENV}=1, trains 300 updates on the CUDA emulator`, async () => {
    process.env[CUDA_EMULATE_ENV] = '1';
    const before = { optimizer: optimizerLaunches(), bias: launches('biasGradKernel') };
    const { dir, warnings } = await trainCli([]);
    expect(warnings.filter((w) => w.includes(CUDA_EMULATE_ENV))).toEqual([
      `prunerl: ${CUDA_EMULATE_ENV}=1: the networks run on the CUDA emulator (cuda-emulated: the CUDA kernels on the host, for testing; slow)`,
    ]);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.frames).toBe(800);
    expect(Number.isFinite(summary.finalEvalReturn)).toBe(true);
    // 300 updates × 3 weight layers: each update's optimizer step and bias gradients ran as CUDA kernels.
    expect(optimizerLaunches() - before.optimizer).toBeGreaterThanOrEqual(900);
    expect(launches('biasGradKernel') - before.bias).toBeGreaterThanOrEqual(900);
    // GMP pruned on the device too (the radix-select kernels), to the run's final sparsity.
    expect(summary.achievedSparsity).toBeGreaterThan(0.85);
    const stats = native.cudaEmulatorStats!();
    expect(Object.keys(stats).some((k) => /histogramPass|pickDigit/.test(k) && stats[k].launches > 0)).toBe(true);
  }, 300_000);
});
