// The example sweep in examples/ must stay valid against the trainer's options as they change.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/sweep/run_sweep.js';
import { loadSweepSpec } from '../../src/sweep/sweep_spec.js';
import { repoRoot } from '../helpers/transpiled_src.js';

describe('examples/sweep-minatar.json', () => {
  it('expands to 5 games × 2 widths × 2 sparsities × 3 seeds of valid train options', () => {
    const runs = planSweep(loadSweepSpec(join(repoRoot, 'examples', 'sweep-minatar.json')), {});
    expect(runs).toHaveLength(60);
    expect(runs.map((r) => r.id)).toContain('minatar-space-invaders_w3_s0.95_seed2');
    expect(new Set(runs.map((r) => r.config.env)).size).toBe(5);
  });
});
