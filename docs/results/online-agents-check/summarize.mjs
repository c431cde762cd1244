// Prints the results table of a folder's runs (<folder>/runs/<agent>_s<sparsity>_seed<seed>/summary.json, metrics.jsonl).
// Usage: node docs/results/online-agents-check/summarize.mjs [folder]   (default: this folder; iqn-cartpole for the
// IQN / M-IQN check)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(process.argv[2] ?? import.meta.dirname, 'runs');
const rows = [];
for (const name of existsSync(root) ? readdirSync(root).sort() : []) {
  const dir = join(root, name);
  if (!existsSync(join(dir, 'summary.json'))) continue;
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const evals = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).evalReturn);
  rows.push({ name, s, evals });
}
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2; };
console.log('| run | env | frames | final eval return (10 episodes) | best eval | final train return | sparsity | updates/s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const { name, s, evals } of rows) {
  console.log(`| ${name} | ${s.env} | ${s.frames} | ${s.finalEvalReturn.toFixed(1)} | ${Math.max(...evals).toFixed(1)} | ${s.finalTrainReturn?.toFixed(1) ?? '—'} | ${s.achievedSparsity.toFixed(3)} | ${s.updatesPerSecond.toFixed(1)} |`);
}
const groups = new Map();
for (const { name, s } of rows) {
  const key = name.replace(/_seed\d+$/, '');
  groups.set(key, [...(groups.get(key) ?? []), s.finalEvalReturn]);
}
console.log('\n| agent, sparsity | seeds finished | median final eval return |');
console.log('|---|---|---|');
for (const [key, v] of groups) console.log(`| ${key} | ${v.length} | ${median(v).toFixed(1)} |`);
