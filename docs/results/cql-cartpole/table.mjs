// The tables of README.md from runs/*/summary.json and metrics.jsonl (and, given --dataset DIR, the dataset's
// returns by quarter of its steps). Usage: node docs/results/cql-cartpole/table.mjs [--dataset DIR]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const runs = join(here, 'runs');
const read = (name, file) => readFileSync(join(runs, name, file), 'utf8');
const behaviour = JSON.parse(read('behaviour', 'summary.json'));
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

console.log(`behaviour run: final greedy eval ${behaviour.finalEvalReturn}, finalTrainReturn ${behaviour.finalTrainReturn.toFixed(1)} (ε-greedy, last 10% of frames)`);
const groups = new Map();
for (const name of readdirSync(runs).filter((n) => n.startsWith('cql')).sort()) {
  const s = JSON.parse(read(name, 'summary.json'));
  const evals = read(name, 'metrics.jsonl').trim().split('\n').map((l) => JSON.parse(l).evalReturn);
  const group = name.replace(/_seed\d+$/, '');
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group).push({ seed: s.seed, final: s.finalEvalReturn, last3: mean(evals.slice(-3)), best: Math.max(...evals), sparsity: s.achievedSparsity, dataset: s.dataset.behaviourReturn });
}
// The check (issue 14 item 5): the median final greedy return ≥ 90% of the behaviour policy's return, the policy that
// collected the dataset, whose return is the dataset's mean episode return.
console.log('\n| protocol, sparsity | final greedy return (seeds 0/1/2) | median | median / dataset mean | seeds ≥ 90% of it | median / behaviour finalTrainReturn | mean of last 3 evals (median) | best eval (median) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [group, rs] of groups) {
  const m = median(rs.map((r) => r.final));
  const passing = rs.filter((r) => r.final >= 0.9 * r.dataset).length;
  console.log(`| ${group} (achieved ${rs[0].sparsity.toFixed(3)}) | ${rs.map((r) => r.final.toFixed(1)).join(' / ')} | ${m.toFixed(1)} | ${(100 * m / rs[0].dataset).toFixed(0)}% | ${passing} of ${rs.length} | ${(100 * m / behaviour.finalTrainReturn).toFixed(0)}% | ${median(rs.map((r) => r.last3)).toFixed(1)} | ${median(rs.map((r) => r.best)).toFixed(1)} |`);
}
const at = process.argv.indexOf('--dataset');
if (at > 0 && existsSync(process.argv[at + 1])) {
  const { readDataset } = await import(join(here, '../../../dist/offline/dataset_reader.js'));
  const d = await readDataset(process.argv[at + 1]);
  const rets = d.episodes.map((e) => e.rewards.reduce((a, b) => a + b, 0));
  console.log(`\ndataset: ${d.episodes.length} episodes, ${d.totalSteps} steps, mean episode return ${mean(rets).toFixed(1)}, ${rets.filter((r) => r >= 500).length} episodes of 500`);
  let steps = 0;
  const quarters = [[], [], [], []];
  d.episodes.forEach((e, i) => { quarters[Math.min(3, Math.floor((4 * steps) / d.totalSteps))].push(rets[i]); steps += e.actions.length; });
  quarters.forEach((q, i) => console.log(`  steps quarter ${i + 1}: ${q.length} episodes, mean return ${mean(q).toFixed(1)}`));
}
