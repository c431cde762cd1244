import { describe, expect, it } from 'vitest';
import { canonicalKeyOrder, expandGrid, runIdFor } from '../../src/sweep/grid.js';
import { parseSweepSpec } from '../../src/sweep/sweep_spec.js';

describe('sweep file', () => {
  it('rejects a bad file in one line naming the field', () => {
    expect(() => parseSweepSpec({ grid: { seed: [0] } }, 's.json')).toThrow(/^Invalid sweep file s\.json: name: /);
    expect(() => parseSweepSpec({ name: 'x', grid: { seed: [] } }, 's.json')).toThrow(/grid\.seed: at least one value/);
    expect(() => parseSweepSpec({ name: 'x', grid: {} }, 's.json')).toThrow(/grid: expected at least one key/);
    expect(() => parseSweepSpec({ name: 'x', base: { seed: 1 }, grid: { seed: [0] } }, 's.json')).toThrow(/seed is in both base and grid/);
    expect(() => parseSweepSpec({ name: 'x', grid: { seed: [0] }, extra: 1 }, 's.json')).toThrow(/Invalid sweep file/);
    expect(() => parseSweepSpec({ name: 'a b', grid: { seed: [0] } }, 's.json')).toThrow(/name: letters, digits/);
  });
});

describe('expandGrid', () => {
  const spec = parseSweepSpec({
    name: 'g',
    base: { frames: 100, agent: 'dqn' },
    grid: { seed: [0, 1, 2], env: ['minatar/breakout', 'minatar/space_invaders'], width: [1, 3], sparsity: [0, 0.95] },
  }, 'g.json');

  it('crosses every key with every other and merges base into each config', () => {
    const runs = expandGrid(spec);
    expect(runs).toHaveLength(3 * 2 * 2 * 2);
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    const one = runs.find((r) => r.id === 'minatar-breakout_w3_s0.95_seed2')!;
    expect(one.config).toEqual({ frames: 100, agent: 'dqn', seed: 2, env: 'minatar/breakout', width: 3, sparsity: 0.95 });
    expect(one.point).toEqual({ seed: 2, env: 'minatar/breakout', width: 3, sparsity: 0.95 });
  });

  it('gives ids that do not depend on the order of keys or values', () => {
    const reordered = parseSweepSpec({
      name: 'g', base: spec.base,
      grid: { sparsity: [0.95, 0], width: [3, 1], env: ['minatar/space_invaders', 'minatar/breakout'], seed: [2, 1, 0, 7] },
    }, 'g.json');
    const before = new Map(expandGrid(spec).map((r) => [r.id, r.config]));
    const after = new Map(expandGrid(reordered).map((r) => [r.id, r.config]));
    for (const [id, config] of before) expect(after.get(id)).toEqual(config);
    expect(after.size).toBe(before.size + 8); // the added seed only adds runs
  });

  it('names env, agent, width, sparsity first and seed last; other keys as key-value', () => {
    expect(canonicalKeyOrder(['seed', 'lr', 'sparsity', 'env', 'agent', 'width', 'batchSize'])).toEqual(
      ['env', 'agent', 'width', 'sparsity', 'batchSize', 'lr', 'seed'],
    );
    expect(runIdFor({ seed: 0, env: 'CartPole-v1', distribution: 'erk', agent: 'rainbow' })).toBe('CartPole-v1_rainbow_distribution-erk_seed0');
    expect(runIdFor({ optimizer: { type: 'adam', lr: 1e-4 } })).toMatch(/^optimizer-[0-9a-f]{6}$/);
    expect(runIdFor({ optimizer: { lr: 1e-4, type: 'adam' } })).toBe(runIdFor({ optimizer: { type: 'adam', lr: 1e-4 } }));
  });

  it('refuses values that would share a folder', () => {
    const clash = parseSweepSpec({ name: 'c', grid: { env: ['a/b', 'a-b'] } }, 'c.json');
    expect(() => expandGrid(clash)).toThrow(/Expected distinct grid values but .* both name run a-b/);
  });
});
