// snapshot()/restore(): an env restored from a snapshot continues exactly as the one that took it.
import { describe, expect, it } from 'vitest';
import { GAMES, make } from '../src/index.js';

describe('MinAtarEnv snapshots', () => {
  it.each(GAMES)('%s: a restored env continues with the same observations, rewards and ends', (game) => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const env = make(game, { seed: 3 });
    let draws = seed;
    const nextAction = () => (draws = (draws * 1103515245 + 12345) % 2 ** 31) % 6;
    env.reset(seed);
    for (let t = 0; t < 5; t++) env.step(nextAction()); // the sticky action carries into the next episode
    env.reset(seed + 1);
    for (let t = 0; t < 37; t++) env.step(nextAction());
    const snapshot = env.snapshot();
    expect(snapshot).not.toBeNull();
    const copy = make(game, { seed: 99 });
    copy.restore(JSON.parse(JSON.stringify(snapshot)));
    for (let t = 0; t < 60; t++) {
      const action = nextAction();
      const a = env.step(action), b = copy.step(action);
      expect(Array.from(b.obs), `${game} seed ${seed} step ${t}`).toEqual(Array.from(a.obs));
      expect(b.reward).toBe(a.reward);
      expect(b.terminated).toBe(a.terminated);
    }
  });

  it('has no snapshot before a seeded reset, and refuses a malformed one', () => {
    const env = make('breakout');
    expect(env.snapshot()).toBeNull();
    env.reset();
    expect(env.snapshot()).toBeNull();
    expect(() => env.restore({ seed: 1 } as never)).toThrow(/snapshot/);
  });
});
