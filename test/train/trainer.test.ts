// The trainer end to end on CartPole: determinism, exact resume (in process and after SIGKILL), refusals.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type TrainConfigInput } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';
import { loadPolicy } from '../../src/train/policy_file.js';
import { readCheckpointHeader } from '../../src/train/checkpoint.js';
import { expectKilledRunMatches, metricsWithoutClock } from '../helpers/kill_and_resume.js';

const small: TrainConfigInput = {
  env: 'CartPole-v1', frames: 3000, learningStarts: 500, evalEvery: 1000, evalEpisodes: 2, checkpointEvery: 400,
  sparsity: 0.9, pruneFrequency: 200, batchSize: 32, seed: 7,
};

function tempRun(): string {
  return mkdtempSync(join(tmpdir(), 'prunerl-train-'));
}


function weightsOf(dir: string): number[][] {
  const policy = loadPolicy(dir);
  const out = policy.network.params().map((p) => Array.from(policy.network.getWeight(p.index)));
  policy.network.dispose();
  return out;
}

describe('train config', () => {
  it('refuses impossible or unknown settings before training, naming them', () => {
    expect(() => resolveConfig({ sparsity: 1 })).toThrow(/config\.sparsity/);
    expect(() => resolveConfig({ batchSize: 64, replayCapacity: 10 })).toThrow(/batchSize \(64\) must be ≤ replayCapacity/);
    expect(() => resolveConfig({ nStep: 0 })).toThrow(/config\.nStep/);
    expect(() => resolveConfig({ pruneStart: 0.8, pruneEnd: 0.2 })).toThrow(/pruneEnd/);
    expect(() => resolveConfig({ bogus: 1 } as TrainConfigInput)).toThrow(/bogus/);
    expect(() => resolveConfig({ width: 'wide' } as unknown as TrainConfigInput)).toThrow(/config\.width/);
  });

  it('applies presets under explicit values', () => {
    const c = resolveConfig({ preset: 'minatar-dqn', batchSize: 16 });
    expect(c.optimizer).toMatchObject({ type: 'rmsprop', lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered: true });
    expect(c.batchSize).toBe(16);
    expect(c.targetUpdateFrames).toBe(1000);
    const r = resolveConfig({ agent: 'rainbow' });
    expect(r).toMatchObject({ atoms: 51, nStep: 3, prioritized: true, dueling: true, double: true });
  });

  it('an unknown env lists the known ones', async () => {
    await expect(train(resolveConfig({ ...small, env: 'Nope-v0' }), { out: tempRun() })).rejects.toThrow(/known: .*CartPole-v1/);
  });
});

describe('trainer', () => {
  it('the same seed gives the same metrics and weights; the target sparsity is reached', async () => {
    const [a, b] = [tempRun(), tempRun()];
    const summary = await train(resolveConfig(small), { out: a });
    await train(resolveConfig(small), { out: b });
    expect(metricsWithoutClock(a)).toEqual(metricsWithoutClock(b));
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(summary.achievedSparsity).toBeCloseTo(0.9, 2);
    const other = tempRun();
    await train(resolveConfig({ ...small, seed: 8 }), { out: other });
    expect(metricsWithoutClock(other)).not.toEqual(metricsWithoutClock(a));
    const rows = metricsWithoutClock(a) as { frames: number; sparsity: number }[];
    expect(rows.map((r) => r.frames)).toEqual([1000, 2000, 3000]);
    for (const f of ['summary.json', 'metrics.csv', 'checkpoint.prl', 'policy.prl', 'config.json']) expect(existsSync(join(a, f))).toBe(true);
    expect(readFileSync(join(a, 'metrics.csv'), 'utf8').split('\n')[0]).toMatch(/^step,frames,trainReturn,evalReturn/);
  });

  it('an interrupted run resumed from its checkpoint matches an uninterrupted one exactly', async () => {
    const minatar = { env: 'minatar/breakout', preset: 'minatar-dqn' as const, frames: 2400, learningStarts: 300, evalEvery: 800, checkpointEvery: 300, epsilonDecayFrames: 1000 };
    for (const extra of [{}, { agent: 'rainbow' as const, sparsity: 0.5 }, minatar]) {
      const config = resolveConfig({ ...small, ...extra });
      const whole = tempRun(), cut = tempRun();
      await train(config, { out: whole });
      await expect(train(config, {
        out: cut, onProgress: (p) => { if (p.frames >= 0.57 * config.frames) throw new Error('interrupted'); },
      })).rejects.toThrow('interrupted');
      expect(existsSync(join(cut, 'summary.json'))).toBe(false);
      const clockAtCheckpoint = readCheckpointHeader(join(cut, 'checkpoint.prl')).loop.timed!.wallSeconds!;
      expect(clockAtCheckpoint).toBeGreaterThan(0);
      let resumedClock: number | null = null;
      await train(config, { out: cut, resume: true, onProgress: (p) => { resumedClock ??= p.elapsedSeconds; } });
      // The run's clock goes on from the checkpoint's, so the log of a resumed run does not start again at 0 s.
      expect(resumedClock).toBeGreaterThanOrEqual(clockAtCheckpoint);
      expect(metricsWithoutClock(cut)).toEqual(metricsWithoutClock(whole));
      expect(weightsOf(cut)).toEqual(weightsOf(whole));
    }
  });

  it('a run killed with SIGKILL (while checkpointing often) resumes cleanly to the same result', async () => {
    const config = { ...small, frames: 6000, checkpointEvery: 50, replayCapacity: 200_000 };
    await expectKilledRunMatches({ config, whole: tempRun(), cut: tempRun(), stateOf: weightsOf });
  });
});

describe('learning', () => {
  // A short version of the CartPole check in the README (100k frames, 3 seeds, dense and 90% pruned, median final
  // return ≥ 475): 20k frames, pruned to 90%, must already be far above a random policy (about 22).
  it('a 90%-pruned DQN learns CartPole-v1 in 20k frames', async () => {
    const out = tempRun();
    const summary = await train(resolveConfig({ env: 'CartPole-v1', frames: 20_000, sparsity: 0.9, seed: 0, evalEvery: 5000 }), { out });
    expect(summary.achievedSparsity).toBeCloseTo(0.9, 2);
    expect(summary.finalEvalReturn).toBeGreaterThanOrEqual(100);
  });
});
