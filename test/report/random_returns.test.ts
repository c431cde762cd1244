// The built-in random-policy returns (the 0 of offline normalisation) agree with a fresh measurement on our envs.
import { describe, expect, it } from 'vitest';
import { CLASSIC_RANDOM_RETURNS, randomReturnFor } from '../../src/report/random_returns.js';
import { registerBuiltinEnvs } from '../../src/envs/builtin.js';
import { makeEnv } from '../../src/envs/registry.js';
import { runEpisode } from '../../src/train/evaluation.js';
import { Random } from '../../src/random/random.js';

describe('random-policy returns', () => {
  it.each(Object.keys(CLASSIC_RANDOM_RETURNS))('%s: 2000 new episodes (another seed) land within 4 standard errors', async (id) => {
    registerBuiltinEnvs();
    const env = await makeEnv(id);
    const rng = new Random(12345);
    const returns = Array.from({ length: 2000 }, () => runEpisode(env, rng.integer(0, 2 ** 31), () => rng.integer(0, env.actionSpace.n)));
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const se = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1) / returns.length);
    expect(Math.abs(mean - CLASSIC_RANDOM_RETURNS[id]!.random)).toBeLessThan(4 * se + 0.01);
  });

  it('a --reference file\'s random comes first, then MinAtar\'s, then the measured ones; unknown envs have none', () => {
    expect(randomReturnFor('CartPole-v1', { 'CartPole-v1': { random: 3, reference: 9 } })).toEqual({ random: 3, source: '--reference file' });
    expect(randomReturnFor('minatar/breakout', {})!.random).toBe(0.51);
    expect(randomReturnFor('CartPole-v1', {})!.random).toBe(CLASSIC_RANDOM_RETURNS['CartPole-v1']!.random);
    expect(randomReturnFor('nope', {})).toBeNull();
  });
});
