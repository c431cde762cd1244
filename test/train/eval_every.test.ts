// evalEvery scales with the run when not set (issue 13 item 9): at least 10 evaluations, at most every 5000 frames.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/train/train_config.js';

describe('evalEvery default', () => {
  it('gives at least 10 evaluations for short runs and stays at 5000 frames for long ones', () => {
    expect(resolveConfig({ frames: 5000 }).evalEvery).toBe(500);
    expect(resolveConfig({ frames: 20_000 }).evalEvery).toBe(2000);
    expect(resolveConfig({}).evalEvery).toBe(5000); // 80k frames: every 5000 frames, 16 evaluations
    expect(resolveConfig({ frames: 1_000_000 }).evalEvery).toBe(5000);
    expect(resolveConfig({ frames: 5, learningStarts: 0 }).evalEvery).toBe(1);
  });

  it('keeps a value the user or a preset set', () => {
    expect(resolveConfig({ frames: 5000, evalEvery: 5000 }).evalEvery).toBe(5000);
    expect(resolveConfig({ preset: 'minatar-dqn', env: 'minatar/breakout', frames: 200_000 }).evalEvery).toBe(100_000);
  });
});
