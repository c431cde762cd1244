// Summarises a V8 .cpuprofile (node --cpu-prof) of profile_update.mjs: for each function, its self time and its
// total time (self + callees), as a share of the time spent under `update` (one timed or warm-up IQN update; the
// agent's construction and the replay filling are left out). Usage: node profile_summary.mjs FILE.cpuprofile [rows]
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const rows = Number(process.argv[3] ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => {
  const f = n.callFrame;
  const file = f.url ? f.url.replace(/^.*\/(dist|node_modules)\//, '$1/') : '';
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
};
// Sample time: timeDeltas[i] is the gap before sample i; attribute it to that sample's node.
const selfUs = new Map();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
// Keep the samples under profile_update.mjs's `update` (warm-up and timed updates).
const isUpdateRoot = (n) => n.callFrame.functionName === 'update' && n.callFrame.url.endsWith('iqn-cartpole-pilot/profile_update.mjs');
const ancestors = (id) => { const out = []; for (let p = id; p !== undefined; p = parent.get(p)) out.push(p); return out; };
const self = new Map(), total = new Map();
let underUpdate = 0, all = 0;
for (const [id, us] of selfUs) {
  all += us;
  const chain = ancestors(id);
  if (!chain.some((a) => isUpdateRoot(byId.get(a)))) continue;
  underUpdate += us;
  const name = label(byId.get(id));
  self.set(name, (self.get(name) ?? 0) + us);
  for (const a of new Set(chain.map((x) => label(byId.get(x))))) total.set(a, (total.get(a) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / underUpdate).toFixed(1)}%`;
console.log(`profiled ${(all / 1e6).toFixed(1)} s, of which ${(underUpdate / 1e6).toFixed(1)} s inside updates`);
console.log('\n| function (total = self + callees) | total | self |\n|---|---|---|');
for (const [name, us] of [...total].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`| ${name} | ${pct(us)} | ${pct(self.get(name) ?? 0)} |`);
console.log('\n| function (self time) | self |\n|---|---|');
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`| ${name} | ${pct(us)} |`);
