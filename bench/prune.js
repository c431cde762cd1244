// Magnitude pruning throughput: magnitudePrune (radix select, no sort) against sorting every |w| — a JS
// Float32Array sort and the native sort-based reference — on 1M and 10M Gaussian weights at sparsity 0.95.
// 'layer' prunes one tensor; 'global' prunes the same number of weights split into 5 tensors of uneven sizes, as a
// network's layers are. The fast kernel is timed at every SIMD level the CPU has (layer scope).
// `npm run bench -- prune [--quick]`   (writes bench/results/prune.json)
import { loadavg } from 'node:os';
import { argv } from 'node:process';
import { native } from '../dist/native.js';
import { printTable, writeResults } from './_results.js';

const quick = argv.includes('--quick');
const SIZES = quick ? [1_000_000] : [1_000_000, 10_000_000];
const SPARSITY = 0.95;
// Shares of the weights in the 5 tensors of the 'global' case.
const GLOBAL_SHARES = [0.02, 0.08, 0.4, 0.45, 0.05];

function gaussian(n) {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()) * 0.05;
  return w;
}

function split(w, shares) {
  const parts = [];
  let begin = 0;
  shares.forEach((share, i) => {
    const end = i === shares.length - 1 ? w.length : begin + Math.round(share * w.length);
    parts.push(w.subarray(begin, end));
    begin = end;
  });
  return parts;
}

/** Median and best milliseconds of `runs` calls of fn(), each after an untimed setup() (fresh weights and masks).
 *  The machine may be shared, so both are kept: the best is the kernel's speed, the median what a run sees. */
function timeMs(runs, setup, fn) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    setup();
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], bestMs: samples[0] };
}

const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

export async function run() {
  const levels = native.supportedSimdLevels();
  const defaultLevel = native.simdLevel();
  console.log(`prune: ${native.threadCount()} threads, SIMD ${defaultLevel}, sparsity ${SPARSITY}, Gaussian weights, all kept`);
  const rows = [];
  for (const n of SIZES) {
    const original = gaussian(n);
    const w = new Float32Array(n), mask = new Uint8Array(n);
    const reset = () => {
      w.set(original);
      mask.fill(1);
    };
    const fastRuns = n > 2e6 ? 9 : 21, slowRuns = n > 2e6 ? 1 : 3;
    const cases = [];
    for (const level of levels) {
      cases.push({ method: `magnitudePrune (${level})`, scope: 'layer', tensors: 1, level, runs: fastRuns, call: () => native.magnitudePrune([w], [mask], SPARSITY, 'layer') });
    }
    const wParts = split(w, GLOBAL_SHARES), maskParts = split(mask, GLOBAL_SHARES);
    cases.push({ method: `magnitudePrune (${defaultLevel})`, scope: 'global', tensors: wParts.length, level: defaultLevel, runs: fastRuns, call: () => native.magnitudePrune(wParts, maskParts, SPARSITY, 'global') });
    cases.push({ method: 'magnitudePruneReference', scope: 'layer', tensors: 1, level: defaultLevel, runs: slowRuns, call: () => native.magnitudePruneReference([w], [mask], SPARSITY, 'layer') });
    cases.push({ method: 'magnitudePruneReference', scope: 'global', tensors: wParts.length, level: defaultLevel, runs: slowRuns, call: () => native.magnitudePruneReference(wParts, maskParts, SPARSITY, 'global') });
    // The baseline a JS user would write: |w| in a Float32Array, sorted (the threshold only, no pruning; filling
    // the array is not timed).
    const magnitudes = new Float32Array(n);
    cases.push({
      method: 'JS Float32Array |w| .sort()', scope: 'layer', tensors: 1, level: 'n/a', runs: slowRuns,
      setup: () => {
        for (let i = 0; i < n; i++) magnitudes[i] = Math.abs(original[i]);
      },
      call: () => magnitudes.sort(),
    });
    for (const c of cases) {
      const setup = c.setup ?? reset;
      const { ms, bestMs } = c.level === 'n/a' ? timeMs(c.runs, setup, c.call) : withLevel(c.level, () => timeMs(c.runs, setup, c.call));
      rows.push({
        weights: n, scope: c.scope, tensors: c.tensors, method: c.method, runs: c.runs, ms, bestMs,
        weightsPerSecond: n / (ms / 1e3), bestWeightsPerSecond: n / (bestMs / 1e3),
      });
    }
  }
  native.setSimdLevel(defaultLevel);

  printTable(rows.map((r) => ({
    weights: label(r.weights),
    scope: r.scope,
    tensors: r.tensors,
    method: r.method,
    runs: r.runs,
    'median ms': r.ms.toFixed(2),
    'best ms': r.bestMs.toFixed(2),
    'weights/s (median)': `${(r.weightsPerSecond / 1e6).toFixed(0)}M`,
    'weights/s (best)': `${(r.bestWeightsPerSecond / 1e6).toFixed(0)}M`,
  })));
  // 1-minute load average at the end: on a shared machine other work takes cores from the kernels.
  const path = writeResults('prune', {
    threads: native.threadCount(), simd: defaultLevel, sparsity: SPARSITY, load: loadavg()[0], rows,
  });
  console.log(`wrote ${path}`);
}

function withLevel(level, body) {
  const before = native.simdLevel();
  native.setSimdLevel(level);
  try {
    return body();
  } finally {
    native.setSimdLevel(before);
  }
}
