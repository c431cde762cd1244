// Training throughput beside TensorFlow.js, in one process: full DQN updates per second for the CartPole MLP
// (4→256·w→256·w→2) and the MinAtar net (conv 3×3 16·w, no padding, on 10×10×4 → 128·w → 6) at widths ×1/×3/×5,
// dense and with every weight layer magnitude-pruned to 95%, then env steps per second under a random policy.
// One update = target forward, online forward and backward, Huber loss on the taken action's Q, Adam (lr 6.25e-5,
// eps 1.5e-4), batch 32. Both sides start from the same weights and batch; the first update of each is compared
// (`check`: largest difference of the weight changes, relative to the largest change) so that the timed work is
// the same computation; about 1e-4 is the floor, float32's rounding of w + Δw when Δw ≈ lr and |w| ≈ 0.1. TF.js runs its pure-JS 'cpu' backend on one thread; ours uses its native thread pool.
// `npm run bench -- train [--quick] [--rounds R] [--seconds S]`: about 3 minutes on 2 idle cores, most of it TF.js's
// MinAtar updates, which take seconds each at ×3 and ×5. --quick (about 30 s) keeps widths ×1 and ×3 and shortens
// the rounds. A busy machine stretches both and makes every rate noisier (the JSON records the load average).
import { mlp, minatarNet } from '../dist/nn/architectures.js';
import { native } from '../dist/native.js';
import { interleavedRates } from './_interleaved.js';
import { randomBatch } from './_dqn_batch.js';
import { oursNetworks, oursUpdate } from './_dqn_ours.js';
import { disposeTfjs, tfjsNetworks, tfjsUpdate, tfjsWeights, useTfjsCpu } from './_dqn_tfjs.js';
import { envStepRates } from './_env_steps.js';
import { loadavg } from 'node:os';
import { printTable, writeResults } from './_results.js';

const NETS = [
  { name: 'cartpole-mlp', build: mlp, inputShape: [4], actions: 2 },
  { name: 'minatar', build: minatarNet, inputShape: [10, 10, 4], actions: 6 },
];
const SPARSITIES = [0, 0.95];

function option(args, name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!(value > 0)) {
    throw new RangeError(`Expected a positive number for ${name} but received ${args[i + 1] ?? 'nothing'}`);
  }
  return value;
}

/** Rates as read: whole numbers from 100 up, three significant digits below (TF.js's MinAtar rates are < 1). */
function rate(x) {
  return x >= 100 ? Math.round(x) : Number(x.toPrecision(3));
}

/** Largest |Δours − Δtfjs| over all weights after one update from the same start, relative to the largest |Δours|. */
function updateDifference(ours, nets, oursStep, tfjsStep) {
  const before = ours.online.params().map((p) => ours.online.getWeight(p.index));
  oursStep();
  tfjsStep();
  const theirs = tfjsWeights(nets);
  let diff = 0, scale = 0;
  ours.online.params().forEach((p, l) => {
    const after = ours.online.getWeight(p.index);
    for (let i = 0; i < after.length; i++) {
      const d = after[i] - before[l][i];
      scale = Math.max(scale, Math.abs(d));
      diff = Math.max(diff, Math.abs(d - (theirs[l][i] - before[l][i])));
    }
  });
  return diff / scale;
}

function benchUpdate(net, width, sparsity, timing) {
  const layers = net.build({ width, outputs: net.actions, inputShape: net.inputShape });
  const inputSize = net.inputShape.reduce((a, b) => a * b, 1);
  const batch = randomBatch(inputSize, net.actions, 7);
  const ours = oursNetworks(layers, net.inputShape, sparsity);
  const nets = tfjsNetworks(ours);
  const oursSide = oursUpdate(ours, batch, net.actions);
  const tfjsSide = tfjsUpdate(nets, layers, net.inputShape, batch, net.actions);
  const check = updateDifference(ours, nets, oursSide.update, tfjsSide.update);
  const rates = interleavedRates({ ours: oursSide.update, tfjs: tfjsSide.update }, timing);
  const row = {
    net: net.name, width, sparsity: ours.online.sparsity().toFixed(3),
    oursPerSecond: rate(rates.ours.median), tfjsPerSecond: rate(rates.tfjs.median),
    ratio: (rates.ours.median / rates.tfjs.median).toFixed(1),
    representations: ours.online.params().map((p) => p.representation).join('/'),
    check: check.toExponential(1),
  };
  oursSide.dispose();
  tfjsSide.dispose();
  disposeTfjs(nets);
  return { row, rounds: { ours: rates.ours.rounds, tfjs: rates.tfjs.rounds } };
}

export async function run({ args }) {
  const quick = args.includes('--quick');
  const widths = quick ? [1, 3] : [1, 3, 5];
  // The check's update is each side's first call; warm-up adds a few more, capped at one round's time.
  const timing = {
    rounds: option(args, '--rounds', quick ? 3 : 5),
    roundSeconds: option(args, '--seconds', quick ? 0.15 : 0.8),
    warmup: quick ? 3 : 5,
  };
  const tfjsVersion = await useTfjsCpu();
  // Other work on the machine slows both sides alike (they take turns) but makes every rate noisier: say how much.
  const loadBefore = loadavg()[0];
  const started = Date.now();
  const updates = [];
  for (const net of NETS) {
    for (const width of widths) {
      for (const sparsity of SPARSITIES) {
        updates.push(benchUpdate(net, width, sparsity, timing));
        console.error(`  ${net.name} ×${width} sparsity ${sparsity}: done`);
      }
    }
  }
  console.log('\nDQN updates/s (batch 32), ours beside TF.js, measured in turns in one process');
  printTable(updates.map((u) => u.row));
  const envs = await envStepRates(timing);
  console.log('\nenv steps/s, one env, uniform random policy');
  printTable(envs);
  // --quick writes beside the full results, never over them.
  const path = writeResults(quick ? 'train-quick' : 'train', {
    threads: native.threadCount(), simd: native.simdLevel(), tfjs: { version: tfjsVersion, backend: 'cpu' },
    timing, widths, batch: 32, seconds: Math.round((Date.now() - started) / 1000),
    loadAverage1m: { before: loadBefore, after: loadavg()[0] },
    notes: [
      'ratio = ours / tfjs updates per second, medians of interleaved rounds',
      'tfjs "pruned" = dense update, then weights multiplied by their masks (TF.js has no sparse kernels)',
      'tfjs cpu backend is pure JavaScript on one thread; ours uses native kernels on its thread pool',
      'check = max |Δw ours − Δw tfjs| / max |Δw ours| after one update from the same weights and batch',
    ],
    updates: updates.map((u) => ({ ...u.row, rounds: u.rounds })),
    envs,
  });
  console.log(`wrote ${path} (load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${native.threadCount()} threads)`);
}
