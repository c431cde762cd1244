// `prunerl report <folder of offline runs>`: tasks are env @ dataset, scores the greedy return normalised by random
// (0) and the dataset's behaviour return (1); online runs beside them are left out and listed; mixing kinds refused.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build_report.js';
import { CLASSIC_RANDOM_RETURNS } from '../../src/report/random_returns.js';
import { writeFixtureSweep } from './fixture_sweep.js';

const root = mkdtempSync(join(tmpdir(), 'prunerl-offline-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const quick = { reps: 500, curveReps: 50, seed: 3, png: false } as const;

interface FakeRun { agent?: string; sparsity: number; seed: number; final: number; lr?: number; env?: string; dataset?: string; behaviour?: number; finished?: boolean }

/** A run folder as `prunerl train --offline` leaves it (the fields the report reads). */
function writeOfflineRun(dir: string, name: string, r: FakeRun): void {
  const runDir = join(dir, name);
  mkdirSync(runDir, { recursive: true });
  const env = r.env ?? 'CartPole-v1', dataset = `/data/${r.dataset ?? 'cartpole-dqn'}`;
  writeFileSync(join(runDir, 'config.json'), JSON.stringify({
    env, agent: r.agent ?? 'cql', sparsity: r.sparsity, seed: r.seed, frames: 3000, offline: dataset,
    optimizer: { type: 'adam', lr: r.lr ?? 5e-4, eps: 1e-8 }, cqlAlpha: 0.1,
  }));
  const rows = [1000, 2000, 3000].map((frames, i) => ({ frames, trainReturn: null, evalReturn: (r.final * (i + 1)) / 3, sparsity: r.sparsity }));
  writeFileSync(join(runDir, 'metrics.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  if (r.finished === false) return;
  writeFileSync(join(runDir, 'summary.json'), JSON.stringify({
    env, agent: r.agent ?? 'cql', seed: r.seed, frames: 3000, finalEvalReturn: r.final, finalTrainReturn: null, finalTrainEpisodes: 0,
    dataset: { path: dataset, episodes: 50, steps: 5000, behaviourReturn: r.behaviour ?? 100 },
  }));
}

/** Two learning rates × dense/90% × 2 seeds of CQL, a dense run still going, and the online run that recorded the data. */
function writeFolder(dir: string): void {
  for (const lr of [5e-4, 1e-4]) {
    for (const sparsity of [0, 0.9]) {
      for (const seed of [0, 1]) writeOfflineRun(dir, `cql_lr${lr}_s${sparsity}_seed${seed}`, { sparsity, seed, lr, final: 50 + 100 * sparsity + 10 * seed + (lr === 1e-4 ? 40 : 0) });
    }
  }
  writeOfflineRun(dir, 'cql_lr0.0005_s0_seed2', { sparsity: 0, seed: 2, final: 0, finished: false });
  mkdirSync(join(dir, 'behaviour'), { recursive: true });
  writeFileSync(join(dir, 'behaviour', 'config.json'), JSON.stringify({ env: 'CartPole-v1', agent: 'dqn', sparsity: 0, seed: 0, frames: 5000 }));
  writeFileSync(join(dir, 'behaviour', 'summary.json'), JSON.stringify({ env: 'CartPole-v1', finalEvalReturn: 500, finalTrainReturn: 300 }));
}

describe('prunerl report on a folder of offline runs', () => {
  const dir = join(root, 'runs');
  writeFolder(dir);

  it('scores the greedy return, normalised as (return − random) / (behaviour − random), dense beside 90%', () => {
    const { data, dir: out } = buildReport(dir, { ...quick, out: join(root, 'report') });
    const random = CLASSIC_RANDOM_RETURNS['CartPole-v1']!.random;
    expect(data.tasks).toEqual(['CartPole-v1 @ cartpole-dqn']);
    expect(data.score.kind).toBe('eval');
    expect(data.normalization).toMatchObject({ kind: 'behaviour', constants: { 'CartPole-v1 @ cartpole-dqn': { zero: random, one: 100 } } });
    // Only the keys that differ between the runs label them (the learning rate), agent and sparsity always.
    expect(data.table.map((r) => r.label)).toEqual([
      'cql dense optimizer.lr=0.0001', 'cql 90% optimizer.lr=0.0001', 'cql dense optimizer.lr=0.0005', 'cql 90% optimizer.lr=0.0005',
    ]);
    const row = data.table.find((r) => r.label === 'cql 90% optimizer.lr=0.0005')!;
    // Finals 140 and 150: mean 145, normalised (145 − random) / (100 − random).
    expect(row.finalReturn['CartPole-v1 @ cartpole-dqn']).toBe(145);
    expect(row.mean.point).toBeCloseTo((145 - random) / (100 - random), 12);
    expect(row.runs).toBe(2);
    expect(data.unfinished).toEqual(['cql_lr0.0005_s0_seed2']);
    expect(data.offline!.leftOut).toEqual(['behaviour (an online run)']);
    expect(data.improvements.map((i) => [i.label, i.baselineLabel, i.probability.point])).toEqual([
      ['cql 90% optimizer.lr=0.0001', 'cql dense optimizer.lr=0.0001', 1], ['cql 90% optimizer.lr=0.0005', 'cql dense optimizer.lr=0.0005', 1],
    ]);
    // The printed table also gives each configuration's mean return against the behaviour return, in the env's units.
    const md = readFileSync(join(out, 'final_iqm.md'), 'utf8');
    expect(md).toContain('| cql 90% optimizer.lr=0.0005 | CartPole-v1 @ cartpole-dqn | 145.0 | 100.0 | 145% |');
    expect(md).toContain('left out: behaviour (an online run)');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('CartPole-v1 @ cartpole-dqn: 100.0 over 50 episodes');
  });

  it('refuses what does not apply to offline runs, naming the option', () => {
    expect(() => buildReport(dir, { ...quick, score: 'train' })).toThrow('Expected --score eval for offline runs (they take no env steps, so they have no training return) but received train');
    expect(() => buildReport(dir, { ...quick, normalize: 'reference' })).toThrow(/Expected behaviour, minmax or none for --normalize with offline runs .* but received reference/);
    const sweep = join(root, 'sweep');
    writeFixtureSweep(sweep);
    expect(() => buildReport(sweep, { ...quick, normalize: 'behaviour' })).toThrow(/Expected offline runs for --normalize behaviour/);
    expect(() => buildReport([sweep, dir], { ...quick, out: join(root, 'mixed') })).toThrow(/Expected only sweep folders or only folders of offline runs for sweep-dir but received both/);
  });

  it('needs a random score for envs it has none for, and one dataset per name', () => {
    const other = join(root, 'other-env');
    writeOfflineRun(other, 'a', { env: 'my/Env-v0', sparsity: 0, seed: 0, final: 5 });
    expect(() => buildReport(other, quick)).toThrow(/Expected a random score for my\/Env-v0 in --reference .* for --normalize behaviour/);
    const refs = join(root, 'refs.json');
    writeFileSync(refs, JSON.stringify({ 'my/Env-v0': { random: 1, reference: 9 } }));
    expect(buildReport(other, { ...quick, reference: refs }).data.table[0]!.mean.point).toBeCloseTo((5 - 1) / (100 - 1), 12);
    expect(buildReport(other, { ...quick, normalize: 'none' }).data.table[0]!.mean.point).toBe(5);
    const clash = join(root, 'clash');
    writeOfflineRun(clash, 'a', { sparsity: 0, seed: 0, final: 5, behaviour: 100 });
    writeOfflineRun(clash, 'b', { sparsity: 0, seed: 1, final: 5, behaviour: 90 });
    expect(() => buildReport(clash, quick)).toThrow(/Expected one dataset per name for task CartPole-v1 @ cartpole-dqn but runs were trained on two/);
  });

  it('a folder of online runs only is refused, saying what is expected', () => {
    const online = join(root, 'online');
    mkdirSync(join(online, 'r'), { recursive: true });
    writeFileSync(join(online, 'r', 'config.json'), JSON.stringify({ env: 'CartPole-v1', agent: 'dqn' }));
    expect(() => buildReport(online, quick)).toThrow(`Expected a sweep folder (with sweep.json) or a folder of \`prunerl train --offline\` runs for sweep-dir but '${online}' holds 1 run(s), none of them offline (online runs are reported from a sweep: prunerl sweep)`);
  });
});

describe('the committed CQL results (docs/results/cql-cartpole/runs)', () => {
  it('report the mean greedy final return of each configuration as the runs\' summaries give it', () => {
    const dir = join(process.cwd(), 'docs', 'results', 'cql-cartpole', 'runs');
    const { data } = buildReport(dir, { ...quick, out: join(root, 'cql-report') });
    const summaries = readdirSync(dir).filter((n) => n !== 'behaviour')
      .map((n) => JSON.parse(readFileSync(join(dir, n, 'summary.json'), 'utf8')) as { finalEvalReturn: number; dataset: { behaviourReturn: number } });
    expect(data.table.reduce((s, r) => s + r.runs, 0)).toBe(summaries.length);
    const [task] = data.tasks;
    expect(data.offline!.datasets[task!]!.behaviourReturn).toBeCloseTo(135.5, 1);
    const meanOfRows = data.table.reduce((s, r) => s + r.finalReturn[task!]! * r.runs, 0) / summaries.length;
    expect(meanOfRows).toBeCloseTo(summaries.reduce((s, x) => s + x.finalEvalReturn, 0) / summaries.length, 9);
    expect(data.offline!.leftOut).toEqual(['behaviour (an online run)']);
  });
});
