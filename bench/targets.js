// Issue 12's CPU targets in one run: the real agent update (`prunerl bench train`, src/bench/train_update_bench.ts)
// beside PyTorch eager on the CPU (bench/peers/torch_update_peer.py), timed in turns, for MinAtar ×1 dense, ×5 dense
// and ×5 95% (ERK), under the bench's default DQN config and under the minatar-dqn preset the study trains with.
// The targets: ×1 dense ≥ 50× PyTorch; ×5 95% ≥ 0.8× our ×1 dense (both read from the same run here).
// PyTorch runs as a PyTorch user would (its default OpenMP wait policy, its BLAS recorded); on a loaded machine
// that policy spins and its rate means little: run this on a quiet machine (pause other work) and read `load`.
// `npm run bench -- targets [--seconds S]` (about 2 minutes at the default 5 s per configuration).
import { loadavg } from 'node:os';
import { benchTrainUpdate } from '../dist/bench/train_update_bench.js';
import { native } from '../dist/native.js';
import { printTable, writeResults } from './_results.js';

const SHAPES = [
  { width: 1, sparsity: 0 },
  { width: 5, sparsity: 0 },
  { width: 5, sparsity: 0.95 },
];
const CONFIGS = [
  { name: 'bench default (Adam, batch 64, double)', preset: undefined },
  { name: 'preset minatar-dqn (centered RMSProp, batch 32)', preset: 'minatar-dqn' },
];

const round = (x, digits = 3) => Number(x.toPrecision(digits));

export async function run({ args }) {
  const seconds = Number(args[args.indexOf('--seconds') + 1]) || 5;
  const loadBefore = loadavg()[0];
  const rows = [];
  const derived = [];
  for (const config of CONFIGS) {
    const rates = {};
    for (const { width, sparsity } of SHAPES) {
      const r = await benchTrainUpdate({
        net: 'minatar', width, sparsity, agent: 'dqn', device: 'cpu', seconds, preset: config.preset,
        learner: 'native', peer: 'pytorch',
      });
      rates[`${width}/${sparsity}`] = r.updatesPerSecond;
      rows.push({
        config: config.preset ?? 'default', width, sparsity,
        oursPerSecond: Math.round(r.updatesPerSecond),
        pytorchPerSecond: Math.round(r.peer.updatesPerSecond),
        speedupOverPytorch: round(r.speedupOverPeer),
        oursP10Us: Math.round(r.p10UpdateMicroseconds),
        pytorchP10Us: Math.round(r.peer.p10UpdateMicroseconds),
        check: r.peer.check.toExponential(1),
        blas: r.peer.blas,
        ompWaitPolicy: r.peer.ompWaitPolicy,
      });
    }
    derived.push({ config: config.name, x5at95OverX1Dense: round(rates['5/0.95'] / rates['1/0']) });
  }
  printTable(rows);
  printTable(derived);
  const path = writeResults('targets', {
    threads: native.threadCount(), simd: native.simdLevel(), seconds,
    load: { before: loadBefore, after: loadavg()[0] },
    targets: { x1DenseOverPytorch: 50, x5At95OverX1Dense: 0.8 },
    rows, derived,
  });
  console.log(`wrote ${path}`);
}
