#!/usr/bin/env node
// The per-seed tables of README.md, from the runs' own files: for each game and configuration, the final greedy
// evaluation of every seed, the mean of the last three evaluations (less noisy), and the dormant-neuron fraction
// (τ = 0.1) and srank at the final evaluation, averaged over seeds. Also the updates per second over the last
// evaluations, once the pruned networks are at their final sparsity.
//   node docs/results/minatar-gmp/per_seed_table.mjs <sweep-dir> [<sweep-dir> ...]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const runs = [];
for (const dir of process.argv.slice(2)) {
  for (const id of readdirSync(join(dir, 'runs')).sort()) {
    const runDir = join(dir, 'runs', id);
    if (!existsSync(join(runDir, 'summary.json'))) continue;
    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
    const rows = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    runs.push({ config, rows });
  }
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const groups = new Map();
for (const run of runs) {
  const game = run.config.env.replace('minatar/', '');
  const key = `${game}|${run.config.width}|${run.config.sparsity}`;
  if (!groups.has(key)) groups.set(key, { game, width: run.config.width, sparsity: run.config.sparsity, runs: [] });
  groups.get(key).runs.push(run);
}
const ordered = [...groups.values()].sort((a, b) => a.game.localeCompare(b.game) || a.width - b.width || a.sparsity - b.sparsity);

console.log('| game | configuration | final, seeds 0/1/2 | mean final | last-3 mean, seeds 0/1/2 | mean of last-3 | dormant (τ=0.1), mean | srank, mean | updates/s (last 2 evals), seeds 0/1/2 |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const g of ordered) {
  g.runs.sort((a, b) => a.config.seed - b.config.seed);
  const finals = g.runs.map((r) => r.rows.at(-1).evalReturn);
  const last3 = g.runs.map((r) => mean(r.rows.slice(-3).map((x) => x.evalReturn)));
  const dormant = mean(g.runs.map((r) => r.rows.at(-1).dormantFraction));
  const srank = mean(g.runs.map((r) => r.rows.at(-1).srank));
  const speed = g.runs.map((r) => Math.round(mean(r.rows.slice(-2).map((x) => x.updatesPerSecond))));
  const label = `×${g.width} ${g.sparsity === 0 ? 'dense' : `${Math.round(g.sparsity * 100)}%`}`;
  console.log(`| ${g.game} | ${label} | ${finals.map((x) => x.toFixed(1)).join(' / ')} | ${mean(finals).toFixed(2)} | ` +
    `${last3.map((x) => x.toFixed(2)).join(' / ')} | ${mean(last3).toFixed(2)} | ${dormant.toFixed(3)} | ${Math.round(srank)} | ${speed.join(' / ')} |`);
}
