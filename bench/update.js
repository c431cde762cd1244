// Full DQN updates per second on the networks of the paper's MinAtar setup (issue targets: ≥ 1500 updates/s at
// width ×1 dense, ≥ 1000 at ×5 with 95% of weights pruned). One update = target forward, online forward and
// backward, Huber loss, Adam step; batch 32, random inputs shaped like MinAtar's 10×10×4 observations.
// `npm run bench -- update [--seconds S]`
import { loadavg } from 'node:os';
import { Network } from '../dist/nn/network.js';
import { native } from '../dist/native.js';
import { printTable, writeResults } from './_results.js';

const ACTIONS = 6;
const BATCH = 32;

export function minatarNet(width) {
  return [
    { type: 'conv2d', out: 16 * width, kernel: 3 },
    { type: 'relu' },
    { type: 'flatten' },
    { type: 'linear', out: 128 * width },
    { type: 'relu' },
    { type: 'linear', out: ACTIONS },
  ];
}

function randomArray(n, scale = 1) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (Math.random() * 2 - 1) * scale;
  return a;
}

/** Returns a function doing one DQN update on fresh-looking random batches. */
export function dqnUpdate(online, target, inputSize) {
  const obs = randomArray(BATCH * inputSize), nextObs = randomArray(BATCH * inputSize);
  const rewards = randomArray(BATCH);
  const actions = Int32Array.from({ length: BATCH }, () => Math.floor(Math.random() * ACTIONS));
  const targets = new Float32Array(BATCH);
  const dq = new Float32Array(BATCH * ACTIONS);
  return () => {
    const qNext = target.forward(nextObs, BATCH);
    const maxNext = native.maxRows(qNext, BATCH, ACTIONS);
    for (let b = 0; b < BATCH; b++) targets[b] = rewards[b] + 0.99 * maxNext[b];
    const q = online.forward(obs, BATCH);
    const qa = native.gatherRows(q, actions, BATCH, ACTIONS);
    const { grad } = native.huberLoss(qa, targets, 1);
    dq.fill(0);
    for (let b = 0; b < BATCH; b++) dq[b * ACTIONS + actions[b]] = grad[b];
    online.backward(dq);
    online.step();
  };
}

// Each update is timed on its own for `seconds`. throughput = updates / elapsed: what a training loop gets on this
// machine right now. On a shared machine other processes preempt some updates; the 10th percentile of the single
// update times is what an update costs when it keeps its cores, so 1 / p10 estimates the rate on a quiet machine
// (on one, it matches the throughput to within a few per cent). Both are reported, with the median.
function measure(fn, seconds) {
  for (let i = 0; i < 20; i++) fn();
  const times = [];
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    fn();
    const after = process.hrtime.bigint();
    times.push(Number(after - now) / 1e9);
    now = after;
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { throughput: times.length / (Number(now - start) / 1e9), p10: at(0.1), median: at(0.5) };
}

export async function run({ args }) {
  const seconds = Number(args[args.indexOf('--seconds') + 1]) || 3;
  const rows = [];
  const loadBefore = loadavg()[0];
  for (const width of [1, 3, 5]) {
    for (const sparsity of [0, 0.95]) {
      const layers = minatarNet(width);
      const online = new Network({ layers, inputShape: [10, 10, 4], seed: 1 });
      const target = new Network({ layers, inputShape: [10, 10, 4], seed: 2 });
      if (sparsity > 0) online.pruneGlobal(sparsity);
      target.copyFrom(online);
      online.setOptimizer({ type: 'adam', lr: 6.25e-5, eps: 1.5e-4 });
      const rate = measure(dqnUpdate(online, target, 400), seconds);
      rows.push({
        width, sparsity,
        updatesPerSecond: Math.round(rate.throughput),
        quietUpdatesPerSecond: Math.round(1 / rate.p10),
        medianUpdateUs: Math.round(rate.median * 1e6),
        representations: online.params().map((p) => p.representation).join('/'),
        kept: online.params().reduce((a, p) => a + p.kept, 0),
      });
      online.dispose();
      target.dispose();
    }
  }
  printTable(rows);
  // The 1-minute load average before and after: on a shared machine other work takes cores from the kernels.
  const path = writeResults('update', {
    threads: native.threadCount(), simd: native.simdLevel(), batch: BATCH, loadBefore, loadAfter: loadavg()[0], rows,
  });
  console.log(`wrote ${path}`);
}
