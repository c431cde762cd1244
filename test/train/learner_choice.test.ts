// The `learner` config key: 'native' (the default, one native call per update) and 'reference' (the TypeScript
// dqnUpdate) train a pruned CartPole DQN to the same weights and metrics, bit for bit; a bad value is one line.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type TrainConfigInput } from '../../src/train/train_config.js';
import { train } from '../../src/train/trainer.js';
import { loadPolicy } from '../../src/train/policy_file.js';
import { metricsWithoutClock } from '../helpers/kill_and_resume.js';

const small: TrainConfigInput = {
  env: 'CartPole-v1', frames: 1500, learningStarts: 300, evalEvery: 500, evalEpisodes: 1, checkpointEvery: 400,
  sparsity: 0.9, pruneStart: 0.1, pruneEnd: 0.6, pruneFrequency: 100, batchSize: 17, seed: 11,
};

function weightsOf(dir: string): number[][] {
  const policy = loadPolicy(dir);
  const out = policy.network.params().map((p) => Array.from(policy.network.getWeight(p.index)));
  policy.network.dispose();
  return out;
}

describe('config.learner', () => {
  it('refuses a learner it does not know in one line naming the key', () => {
    expect(() => resolveConfig({ learner: 'fast' } as unknown as TrainConfigInput))
      .toThrow(/^[^\n]*config\.learner[^\n]*$/);
    expect(resolveConfig({}).learner).toBe('native');
  });

  it('native and reference train a pruned double DQN (Huber, 3-step) to the same weights and metrics', async () => {
    const runs: string[] = [];
    for (const learner of ['native', 'reference'] as const) {
      const out = mkdtempSync(join(tmpdir(), `prunerl-learner-${learner}-`));
      await train(resolveConfig({ ...small, learner, double: true, nStep: 3 }), { out });
      runs.push(out);
    }
    expect(weightsOf(runs[0]!)).toEqual(weightsOf(runs[1]!));
    expect(metricsWithoutClock(runs[0]!)).toEqual(metricsWithoutClock(runs[1]!));
  });
});
