import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build_report.js';
import { interquartileMean } from '../../src/report/iqm.js';
import { stratifiedBootstrap } from '../../src/report/bootstrap.js';
import type { ReportData } from '../../src/report/report_data.js';
import { EVAL_OFFSET, finalReturn, writeFixtureSweep } from './fixture_sweep.js';

const root = mkdtempSync(join(tmpdir(), 'prunerl-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Checks the PNG container by hand (signature, IHDR first, IEND last) and returns the IHDR size. */
function pngHeader(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  expect(bytes.toString('latin1', bytes.length - 8, bytes.length - 4)).toBe('IEND');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('prunerl report', () => {
  const sweepDir = join(root, 'sweep');
  writeFixtureSweep(sweepDir, { unfinished: ['g-b_w3_s0.9_seed2'] });

  it('rejects a folder that is not a sweep, and bad options, in one line', () => {
    expect(() => buildReport(root)).toThrow(`Expected a sweep folder (with sweep.json) for sweep-dir but received '${root}'`);
    expect(() => buildReport(sweepDir, { normalize: 'z' as never, png: false })).toThrow(
      "Expected one of human, reference, behaviour, minmax, none for --normalize but received string 'z'",
    );
    expect(() => buildReport(sweepDir, { normalize: 'human', png: false })).toThrow(/Expected a human and random score for g\/a in --reference/);
  });

  let data: ReportData;
  it('computes the final IQM per configuration as by hand, with CIs matching a second bootstrap', () => {
    const built = buildReport(sweepDir, { normalize: 'none', reps: 2000, curveReps: 200, seed: 11 });
    data = built.data;
    expect(data.unfinished).toEqual(['g-b_w3_s0.9_seed2']);
    const row = (label: string) => data.table.find((r) => r.label === label)!;
    expect(data.table.map((r) => r.label).sort()).toEqual(['×1 0.9%', '×1 dense', '×3 0.9%', '×3 dense'].sort().map((l) => l.replace('0.9%', '90%')));
    // ×1 dense: g/a 11, 12, 13; g/b 21, 22, 23 → drop one from each end → (12 + 13 + 21 + 22) / 4 = 17.
    expect(row('×1 dense').iqm.point).toBe(17);
    // ×3 90%: g/a 16, 17, 18; g/b 26, 27 (seed 2 unfinished) → 5 scores, ⌊1.25⌋ = 1 → (17 + 18 + 26) / 3.
    expect(row('×3 90%').iqm.point).toBeCloseTo(61 / 3, 12);
    expect(row('×3 90%').runs).toBe(5);
    // mean of task means: (17 + 26.5) / 2
    expect(row('×3 90%').mean.point).toBeCloseTo(21.75, 12);
    const scores = [[16, 17, 18], [26, 27]];
    const again = stratifiedBootstrap(scores, interquartileMean, { reps: 2000, seed: 11 });
    expect(row('×3 90%').iqm).toEqual(again);
    expect(row('×3 90%').iqm.lower).toBeLessThan(row('×3 90%').iqm.point);
    // The paper's shape: pruned beats dense at ×3, and grows with width.
    const width = data.width!;
    const pruned = width.find((g) => g.label === '90%')!;
    expect(pruned.points.map((p) => p.width)).toEqual([1, 3]);
    expect(pruned.points[1]!.iqm.point).toBeGreaterThan(pruned.points[0]!.iqm.point);
  });

  it('gives each pruned configuration its probability of improving on the dense one at the same width', () => {
    const byLabel = new Map(data.improvements.map((i) => [i.label, i]));
    expect([...byLabel.keys()]).toEqual(['×1 90%', '×3 90%']);
    // ×1 on each game: pruned base+2+seed vs dense base+1+seed → 7 of 9 pairs won, ties ½ (see improvement.test).
    expect(byLabel.get('×1 90%')!).toMatchObject({ baselineLabel: '×1 dense', tasks: ['g/a', 'g/b'] });
    expect(byLabel.get('×1 90%')!.probability.point).toBeCloseTo(7 / 9, 12);
    // ×3: pruned base+6+seed always beats dense base+3+seed, also with g/b's seed 2 unfinished.
    expect(byLabel.get('×3 90%')!.probability).toEqual({ point: 1, lower: 1, upper: 1 });
  });

  it('pools several sweep folders into one report with the same numbers as one folder holding every run', () => {
    const [a, b] = [join(root, 'part-a'), join(root, 'part-b')];
    writeFixtureSweep(a, { envs: ['g/a'], name: 'part-a' });
    writeFixtureSweep(b, { envs: ['g/b'], name: 'part-b', unfinished: ['g-b_w3_s0.9_seed2'] });
    const pooled = buildReport([a, b], { normalize: 'none', reps: 2000, curveReps: 200, seed: 11, out: join(root, 'pooled'), png: false }).data;
    expect(pooled.name).toBe('part-a + part-b');
    expect(pooled.tasks).toEqual(['g/a', 'g/b']);
    expect(pooled.unfinished).toEqual(data.unfinished);
    expect(pooled.table).toEqual(data.table);
    expect(pooled.improvements).toEqual(data.improvements);
    expect(() => buildReport([a, b], { png: false })).toThrow('Expected --out with 2 sweep folders (one report for all of them) but received no --out');
    expect(() => buildReport([a, a], { out: join(root, 'twice'), png: false })).toThrow(`Expected each run in one sweep folder but received run g-a_w1_s0_seed0 in both ${a} and ${a}`);
  });

  it('labels a pooled sweep that fixes the width in its base by that width, not as the others\' configurations', () => {
    const wide = join(root, 'wide');
    writeFixtureSweep(wide, { name: 'wide', fixedWidth: 5 });
    const pooled = buildReport([sweepDir, wide], { normalize: 'none', score: 'train', reps: 200, curveReps: 50, seed: 11, out: join(root, 'pooled-wide'), png: false }).data;
    expect(pooled.table.map((r) => r.label)).toEqual(['×1 dense', '×1 90%', '×3 dense', '×3 90%', '×5 dense', '×5 90%']);
    const wideDense = pooled.table.find((r) => r.label === '×5 dense')!;
    // Every ×5 dense run is base + 5 + seed; its IQM over 2 games × 3 seeds is the mean of the middle half.
    const finals = ['g/a', 'g/b'].flatMap((env) => [0, 1, 2].map((seed) => finalReturn(env, 5, 0, seed))).sort((x, y) => x - y);
    expect(wideDense.runs).toBe(6);
    expect(wideDense.iqm.point).toBeGreaterThan(finals[0]!);
    expect(wideDense.iqm.point).toBeLessThan(finals[5]!);
    expect(pooled.improvements.map((i) => `${i.label} vs ${i.baselineLabel}`)).toContain('×5 90% vs ×5 dense');
  });

  it('normalises min-max per task over every evaluation in the sweep', () => {
    const built = buildReport(sweepDir, { normalize: 'minmax', reps: 200, curveReps: 50, out: join(root, 'minmax'), png: false });
    // g/a: lowest evaluation is the first one of ×1 dense seed 0 (11 / 4); the best final is ×3 90% seed 2 (18).
    expect(built.data.normalization.constants['g/a']).toEqual({ zero: 11 / 4, one: finalReturn('g/a', 3, 0.9, 2) });
    for (const r of built.data.table) {
      expect(r.iqm.point).toBeGreaterThanOrEqual(0);
      expect(r.iqm.point).toBeLessThanOrEqual(1);
    }
  });

  it('scores the training return by default, the greedy evaluation with --score eval, and never min-max unless asked', () => {
    const train = buildReport(sweepDir, { reps: 200, curveReps: 50, seed: 11, out: join(root, 'train'), png: false }).data;
    // Unknown envs have no reference score: raw returns, never the sweep's own min and max.
    expect(train.normalization.kind).toBe('none');
    expect(train.score.kind).toBe('train');
    const evalData = buildReport(sweepDir, { score: 'eval', reps: 200, curveReps: 50, seed: 11, out: join(root, 'eval'), png: false }).data;
    const row = (d: ReportData, label: string) => d.table.find((r) => r.label === label)!;
    expect(row(train, '×1 dense').iqm.point).toBe(17);
    expect(row(evalData, '×1 dense').iqm.point).toBe(17 + EVAL_OFFSET);
    expect(evalData.curves[0]!.points[0]!.value.point).toBeGreaterThan(EVAL_OFFSET);
    expect(() => buildReport(sweepDir, { score: 'best' as never, png: false, out: join(root, 'x') })).toThrow(/Expected one of train, eval for --score/);
  });

  it('refuses --score train on runs written before finalTrainReturn existed, naming the run', () => {
    const old = join(root, 'old');
    writeFixtureSweep(old, { envs: ['g/a'], name: 'old' });
    const summary = join(old, 'runs', 'g-a_w1_s0_seed0', 'summary.json');
    writeFileSync(summary, JSON.stringify({ env: 'g/a', seed: 0, finalEvalReturn: 11 }));
    expect(() => buildReport(old, { png: false })).toThrow(/finalTrainReturn in g-a_w1_s0_seed0\/summary\.json .*use --score eval/);
    expect(buildReport(old, { score: 'eval', png: false, reps: 100, curveReps: 20 }).data.table.length).toBe(4);
  });

  it('normalises by a reference table: random = 0, reference = 1', () => {
    const refs = join(root, 'refs.json');
    writeFileSync(refs, JSON.stringify({ 'g/a': { random: 1, reference: 21 }, 'g/b': { random: 1, reference: 41, source: 'made up' } }));
    const d = buildReport(sweepDir, { reference: refs, reps: 200, curveReps: 50, seed: 11, out: join(root, 'ref'), png: false }).data;
    expect(d.normalization.kind).toBe('reference');
    expect(d.normalization.sources).toEqual({ 'g/a': '--reference file', 'g/b': 'made up' });
    // ×1 dense, g/a: 11, 12, 13 → 0.5, 0.55, 0.6; g/b: 21, 22, 23 → 0.5, 0.525, 0.55 → IQM of the middle four.
    expect(d.table.find((r) => r.label === '×1 dense')!.iqm.point).toBeCloseTo((0.525 + 0.55 + 0.55 + 0.5) / 4, 12);
  });

  it('aggregates curves across seeds and tasks at each evaluation', () => {
    const curve = data.curves.find((c) => c.label === '×1 dense')!;
    expect(curve.points.map((p) => p.frames)).toEqual([250, 500, 750, 1000]);
    // At 1000 frames the curve is the final scores (evalReturn = finalReturn there): IQM 17.
    expect(curve.points[3]!.value.point).toBe(17);
    expect(curve.points[1]!.value.point).toBe(17 / 2);
    const taskA = data.taskCurves.find((t) => t.task === 'g/a')!.curves.find((c) => c.label === '×1 dense')!;
    expect(taskA.points[3]!.value.point).toBe(12); // mean of 11, 12, 13
    const sparsity = data.sparsity.find((c) => c.label === '×3 90%')!;
    expect(sparsity.points.map((p) => p.value.point)).toEqual([0, 0.45, 0.9, 0.9]);
    const profile = data.profiles.find((p) => p.label === '×1 dense')!;
    expect(profile.values[0]!.point).toBe(1); // every score exceeds the lowest τ (0)
  });

  it('writes valid PNGs, SVGs and one self-contained HTML page', () => {
    const dir = join(sweepDir, 'report');
    const names = ['learning_curves', 'iqm_vs_width', 'performance_profile', 'sparsity_schedule', 'dormant_neurons', 'srank', 'task_g-a', 'task_g-b'];
    for (const name of names) {
      const svg = readFileSync(join(dir, `${name}.svg`), 'utf8');
      expect(svg).toMatch(/^<svg [^>]*width="640" height="400"/);
      const bytes = readFileSync(join(dir, `${name}.png`));
      expect(pngHeader(bytes)).toEqual({ width: 1280, height: 800 });
      const png = PNG.sync.read(bytes);
      expect([png.width, png.height]).toEqual([1280, 800]);
      // The first series' colour (#1f77b4) is drawn: lines exist, not just an empty frame.
      let blue = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 0x1f && png.data[i + 1] === 0x77 && png.data[i + 2] === 0xb4) blue++;
      expect(blue, name).toBeGreaterThan(100);
    }
    // One point and interval bar per pruned-vs-dense pair, at its width (×1: 7/9, ×3: 1).
    const improvement = readFileSync(join(dir, 'probability_of_improvement.svg'), 'utf8');
    expect(improvement.match(/<circle /g)).toHaveLength(2);
    expect(improvement).toContain('×1 90% vs ×1 dense');
    expect(pngHeader(readFileSync(join(dir, 'probability_of_improvement.png')))).toEqual({ width: 1280, height: 800 });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(names.length + 1);
    expect(html).not.toMatch(/<(script|img|link)\b|src=|href=/);
    expect(html).toContain('17.000 [');
    const table = readFileSync(join(dir, 'final_iqm.md'), 'utf8');
    expect(table).toMatch(/\| ×1 dense \| 6 \| 2 \| 17\.000 \[/);
    expect(table).toMatch(/\| ×1 90% \| ×1 dense \| 2 \| 0\.778 \[/);
    expect(html).toContain('P(pruned &gt; dense)');
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportData;
    expect(json.table).toEqual(data.table);
  });
});

describe('MinAtar reference scores', () => {
  it('normalise MinAtar runs by default: a random policy scores 0 and the reference DQN 1', async () => {
    const { MINATAR_REFERENCES } = await import('../../src/report/minatar_references.js');
    const { defaultNormalization, makeNormalizer } = await import('../../src/report/normalize.js');
    const { scoreSource } = await import('../../src/report/score.js');
    const tasks = Object.keys(MINATAR_REFERENCES);
    expect(tasks.sort()).toEqual(['minatar/asterix', 'minatar/breakout', 'minatar/freeway', 'minatar/seaquest', 'minatar/space_invaders']);
    expect(defaultNormalization(tasks, {})).toBe('reference');
    expect(defaultNormalization([...tasks, 'CartPole-v1'], {})).toBe('none');
    const norm = makeNormalizer('reference', { name: 'x', tasks, configurations: [], unfinished: [] }, scoreSource('train'));
    expect(norm.apply('minatar/breakout', 0.51)).toBe(0);
    expect(norm.apply('minatar/breakout', 10)).toBeCloseTo(1, 12);
    expect(norm.apply('minatar/space_invaders', 2.82 + (43 - 2.82) / 2)).toBeCloseTo(0.5, 12);
    expect(norm.sources!['minatar/freeway']).toMatch(/learning_curves\.gif/);
  });
});
