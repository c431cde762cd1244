// A small finished sweep written straight to disk, with final returns known in closed form so report numbers can
// be checked by hand: 2 games × widths {1, 3} × sparsities {0, 0.9} × 3 seeds, 4 evaluations each.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandGrid } from '../../src/sweep/grid.js';
import { prepareSweepDir, runDirOf } from '../../src/sweep/sweep_dir.js';
import { parseSweepSpec } from '../../src/sweep/sweep_spec.js';

export const gameBase: Record<string, number> = { 'g/a': 10, 'g/b': 20 };

/** Pruned networks score +2 per width unit, dense +1; each seed adds 1. */
export function finalReturn(env: string, width: number, sparsity: number, seed: number): number {
  return gameBase[env]! + width * (sparsity > 0 ? 2 : 1) + seed;
}

/** How far above the training returns the fixture's greedy evaluation returns are. */
export const EVAL_OFFSET = 100;

/** `fixedWidth`: the width goes in the sweep's base instead of its grid (a study's extra-width sweep). */
export function writeFixtureSweep(dir: string, options: { unfinished?: string[]; envs?: string[]; name?: string; fixedWidth?: number } = {}): void {
  const env = options.envs ?? ['g/a', 'g/b'];
  const spec = parseSweepSpec({
    name: options.name ?? 'fixture',
    base: options.fixedWidth === undefined ? { agent: 'dqn', frames: 1000 } : { agent: 'dqn', frames: 1000, width: options.fixedWidth },
    grid: options.fixedWidth === undefined ? { env, width: [1, 3], sparsity: [0, 0.9], seed: [0, 1, 2] } : { env, sparsity: [0, 0.9], seed: [0, 1, 2] },
  }, 'fixture');
  const runs = expandGrid(spec);
  prepareSweepDir(dir, spec, runs);
  for (const run of runs) {
    const c = run.config as { env: string; width: number; sparsity: number; seed: number };
    const runDir = runDirOf(dir, run.id);
    mkdirSync(runDir, { recursive: true });
    const final = finalReturn(c.env, c.width, c.sparsity, c.seed);
    const rows = [250, 500, 750, 1000].map((frames, i) => ({
      // Training returns are the fixture's scores; greedy evaluations sit 100 above them, so a report that reads
      // the wrong one is off by 100.
      step: frames / 4, frames, trainReturn: (final * (i + 1)) / 4, evalReturn: (final * (i + 1)) / 4 + EVAL_OFFSET,
      sparsity: c.sparsity * Math.min(1, i / 2),
      dormantFraction: c.sparsity > 0 ? 0.05 : 0.1 + 0.05 * i,
      srank: c.sparsity > 0 ? 20 : 10 + i,
    }));
    writeFileSync(join(runDir, 'metrics.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    if (options.unfinished?.includes(run.id)) continue;
    writeFileSync(join(runDir, 'summary.json'), JSON.stringify({ env: c.env, seed: c.seed, finalTrainReturn: final, finalEvalReturn: final + EVAL_OFFSET }));
  }
}
