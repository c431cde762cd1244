// `npm start`: the first thing a newcomer runs. The default training run (DQN on CartPole-v1, pruned to 90%; about a
// minute on 2 cores, solved on each of seeds 0–4) as a one-run sweep, then its report and its policy exported to ONNX,
// and where each of them is. Running it again reuses the finished run (sweeps resume) and rewrites the rest.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sweepDir = join(root, 'sweeps', 'quickstart');
const runDir = join(sweepDir, 'runs', 'seed0');
const onnx = join(sweepDir, 'policy.onnx');

function prunerl(...args) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'prunerl.js'), ...args], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

prunerl('sweep', join(root, 'examples', 'quickstart.json'), '--out', sweepDir, '--jobs', '1');
prunerl('report', sweepDir, '--no-png');
prunerl('export', runDir, '--out', onnx, '--sparse');
const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
const solved = summary.finalEvalReturn >= 475 ? 'solved: CartPole-v1 counts ≥ 475' : 'not solved (CartPole-v1 counts ≥ 475)';
console.log(`
final greedy evaluation return ${summary.finalEvalReturn.toFixed(1)} (${solved}), sparsity ${summary.achievedSparsity.toFixed(3)}
results: ${runDir} (metrics.csv, summary.json, policy.prl)
report:  ${join(sweepDir, 'report', 'report.html')}
ONNX:    ${onnx}`);
