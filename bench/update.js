// The product's learner update per second on the paper's MinAtar networks, widths ×1/×3/×5, dense and 95% pruned
// (ERK, as `prunerl train` prunes): the same code as `prunerl bench train` (src/bench/train_update_bench.ts), so
// the figures describe what users run: replay sampling, double DQN, dones, the configured loss and optimizer.
// `npm run bench -- update [--seconds S] [--agent dqn|rainbow]`
import { loadavg } from 'node:os';
import { benchTrainUpdate } from '../dist/bench/train_update_bench.js';
import { native } from '../dist/native.js';
import { printTable, writeResults } from './_results.js';

export async function run({ args }) {
  const seconds = Number(args[args.indexOf('--seconds') + 1]) || 3;
  const agent = args.includes('--agent') ? args[args.indexOf('--agent') + 1] : 'dqn';
  const rows = [];
  const loadBefore = loadavg()[0];
  // Dense and pruned side by side at each width, so their ratio is measured under the same load.
  for (const width of [1, 3, 5]) {
    for (const sparsity of [0, 0.95]) {
      const r = await benchTrainUpdate({ net: 'minatar', width, sparsity, agent, device: 'cpu', seconds });
      rows.push({
        width, sparsity,
        updatesPerSecond: Math.round(r.updatesPerSecond),
        quietUpdatesPerSecond: Math.round(1e6 / r.p10UpdateMicroseconds),
        medianUpdateUs: Math.round(r.medianUpdateMicroseconds),
        representations: r.representations.join('/'),
        kept: r.keptWeights,
      });
    }
  }
  printTable(rows);
  const path = writeResults('update', {
    agent, threads: native.threadCount(), simd: native.simdLevel(), loadBefore, loadAfter: loadavg()[0], rows,
  });
  console.log(`wrote ${path}`);
}
