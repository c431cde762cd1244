// With the default generator, a uniform random policy's mean return per episode matches the reference's
// (measured with kenjyoung/MinAtar 1.0.15, sticky actions 0.1, difficulty ramping on; mean ± standard error).
// Agreement: within 4 combined standard errors. Fresh seeds each run, so the test samples new episodes every time.
import { describe, expect, it } from 'vitest';
import { make } from '../src/environment.js';
import type { GameName } from '../src/games/index.js';
import { Xoshiro128 } from '../src/rng.js';

const REFERENCE: Record<GameName, { mean: number; standardError: number; episodes: number }> = {
  asterix: { mean: 0.502, standardError: 0.006, episodes: 50_000 },
  breakout: { mean: 0.508, standardError: 0.005, episodes: 50_000 },
  // Freeway's episodes are 2501 steps: 3000 of them are 7.5M steps, a few seconds.
  freeway: { mean: 0.131, standardError: 0.011, episodes: 3_000 },
  seaquest: { mean: 0.099, standardError: 0.003, episodes: 50_000 },
  space_invaders: { mean: 2.82, standardError: 0.02, episodes: 50_000 },
};

function randomPolicyReturns(game: GameName, episodes: number, seed: number): { mean: number; standardError: number } {
  const env = make(game, { seed });
  const policy = new Xoshiro128(seed + 1);
  let sum = 0, sumSq = 0;
  for (let e = 0; e < episodes; e++) {
    env.reset();
    let episodeReturn = 0;
    for (;;) {
      const { reward, terminated, truncated } = env.step(policy.integer(0, 6));
      episodeReturn += reward;
      if (terminated || truncated) break;
    }
    sum += episodeReturn;
    sumSq += episodeReturn * episodeReturn;
  }
  const mean = sum / episodes;
  const variance = (sumSq - episodes * mean * mean) / (episodes - 1);
  return { mean, standardError: Math.sqrt(variance / episodes) };
}

describe('random-policy returns match the reference', () => {
  for (const [game, reference] of Object.entries(REFERENCE) as [GameName, (typeof REFERENCE)[GameName]][]) {
    it(`${game}: ${reference.mean} ± ${reference.standardError}`, () => {
      const seed = Math.floor(Math.random() * 2 ** 31);
      const ours = randomPolicyReturns(game, reference.episodes, seed);
      const combined = Math.hypot(ours.standardError, reference.standardError);
      const message = `${game} (seed ${seed}): ${ours.mean.toFixed(4)} ± ${ours.standardError.toFixed(4)} vs the reference's ${reference.mean} ± ${reference.standardError}`;
      expect(Math.abs(ours.mean - reference.mean), message).toBeLessThan(4 * combined);
    });
  }
});
