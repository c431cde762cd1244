// Linear-layer kernels against onnxruntime-node's dense MatMul (MLAS), in one process: dense gemm (matmul),
// masked-dense (maskedMatmul) and CSR (spmm) forward products y = x·Wᵀ on the MinAtar DQN hidden layer and its
// ×3/×5 widths, batch 1 and 32, at sparsities 0/0.5/0.9/0.95/0.99. Also the break-even density below which CSR
// beats the dense gemm (forward alone, and a training step: forward + input gradient + weight gradient), which the
// Network uses to pick a layer's representation.
// `npm run bench -- kernels [--quick] [--system-malloc]`   (needs onnxruntime-node and onnx-proto)
//
// How it is timed: medians of samples of back-to-back calls, the best of ROUNDS rounds (the machine may be
// shared). ORT runs alone (its session, and so its spinning intra-op threads, exist only during its round; ours
// are asleep), with intraOpNumThreads = our threadCount(). Both sides return a fresh output array per call; on
// VMs where page faults are slow, glibc handing freed memory back to the OS makes those allocations cost more than
// small kernels, so by default the suite re-runs itself with glibc told to keep freed memory (GLIBC_TUNABLES,
// applied to ORT and us alike); --system-malloc measures with the system's settings instead.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { argv, env, execPath } from 'node:process';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { native } from '../dist/native.js';
import { printTable, writeResults } from './_results.js';

const { onnx } = onnxProto;
const quick = argv.includes('--quick');
const systemMalloc = argv.includes('--system-malloc');
const RETAIN_FREED_MEMORY =
  'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864';
const SHAPES = [
  { name: '1024→128', inFeatures: 1024, outFeatures: 128 },
  { name: '3072→384', inFeatures: 3072, outFeatures: 384 },
  { name: '5120→640', inFeatures: 5120, outFeatures: 640 },
];
const BATCHES = [1, 32];
const SPARSITIES = [0, 0.5, 0.9, 0.95, 0.99];
const BREAK_EVEN_DENSITIES = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1];
const SAMPLE_MS = quick ? 8 : 20;
const SAMPLES = quick ? 3 : 7;
const ROUNDS = quick ? 1 : 3;

function randomArray(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

function randomMask(n, sparsity) {
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = Math.random() >= sparsity ? 1 : 0;
  return mask;
}

/** An ONNX model with one MatMul: y[batch, out] = x[batch, in] · wt[in, out], wt a constant initializer. */
function matmulModel(w, inFeatures, outFeatures) {
  const wt = new Float32Array(inFeatures * outFeatures);
  for (let o = 0; o < outFeatures; o++)
    for (let i = 0; i < inFeatures; i++) wt[i * outFeatures + o] = w[o * inFeatures + i];
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
  const valueInfo = (name, dims) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map(dim) } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'prunerl-bench',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'matmul',
      node: [{ opType: 'MatMul', input: ['x', 'wt'], output: ['y'] }],
      initializer: [{ name: 'wt', dims: [inFeatures, outFeatures], dataType: FLOAT, rawData: new Uint8Array(wt.buffer) }],
      input: [valueInfo('x', ['batch', inFeatures])],
      output: [valueInfo('y', ['batch', outFeatures])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function median(samples) {
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** Seconds per call of a synchronous function: the median of SAMPLES samples of about SAMPLE_MS each. */
function timeSync(fn) {
  const t0 = performance.now();
  let warm = 0;
  while (performance.now() - t0 < SAMPLE_MS || warm < 3) {
    fn();
    warm++;
  }
  const calls = Math.max(1, Math.round((SAMPLE_MS * warm) / (performance.now() - t0)));
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) {
    const start = performance.now();
    for (let c = 0; c < calls; c++) fn();
    samples.push((performance.now() - start) / calls / 1e3);
  }
  return median(samples);
}

/** The same for a function returning a promise (ORT's run). */
async function timeAsync(fn) {
  const t0 = performance.now();
  let warm = 0;
  while (performance.now() - t0 < SAMPLE_MS || warm < 3) {
    await fn();
    warm++;
  }
  const calls = Math.max(1, Math.round((SAMPLE_MS * warm) / (performance.now() - t0)));
  const samples = [];
  for (let s = 0; s < SAMPLES; s++) {
    const start = performance.now();
    for (let c = 0; c < calls; c++) await fn();
    samples.push((performance.now() - start) / calls / 1e3);
  }
  return median(samples);
}

/** ORT's MatMul alone: its session exists only now, and our thread pool has gone to sleep. */
async function timeOrt(w, x, batch, inFeatures, outFeatures) {
  await sleep(40);
  const session = await ort.InferenceSession.create(matmulModel(w, inFeatures, outFeatures), {
    intraOpNumThreads: native.threadCount(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = { x: new ort.Tensor('float32', x, [batch, inFeatures]) };
  const time = await timeAsync(() => session.run(feeds));
  await session.release();
  return time;
}

/** ORT, dense, masked and CSR forward times for one shape and batch (best of ROUNDS rounds). */
async function forwardRows(shape, batch) {
  const { inFeatures, outFeatures } = shape;
  const w = randomArray(outFeatures * inFeatures);
  const x = randomArray(batch * inFeatures);
  const dims = { batch, inFeatures, outFeatures };
  const masks = SPARSITIES.map((sparsity) => randomMask(w.length, sparsity));
  const best = { ort: Infinity, dense: Infinity, masked: masks.map(() => Infinity), csr: masks.map(() => Infinity) };
  for (let round = 0; round < ROUNDS; round++) {
    best.ort = Math.min(best.ort, await timeOrt(w, x, batch, inFeatures, outFeatures));
    best.dense = Math.min(best.dense, timeSync(() => native.matmul(x, w, dims)));
    for (let s = 0; s < masks.length; s++) {
      const csr = native.toCsr(w, masks[s], outFeatures, inFeatures);
      best.masked[s] = Math.min(best.masked[s], timeSync(() => native.maskedMatmul(x, w, masks[s], dims)));
      best.csr[s] = Math.min(best.csr[s], timeSync(() => native.spmm(x, csr, batch)));
      csr.dispose();
    }
  }
  return SPARSITIES.map((sparsity, s) => ({
    shape: shape.name,
    batch,
    sparsity,
    ortUs: best.ort * 1e6,
    denseUs: best.dense * 1e6,
    maskedUs: best.masked[s] * 1e6,
    csrUs: best.csr[s] * 1e6,
  }));
}

/** Density where the CSR time (rising with density) crosses the dense time, interpolated; 1 if CSR always wins. */
function crossing(points, denseTime) {
  if (points[points.length - 1].time < denseTime) return 1;
  for (let i = points.length - 2; i >= 0; i--) {
    if (points[i].time < denseTime) {
      const a = points[i], b = points[i + 1];
      return a.density + ((denseTime - a.time) / (b.time - a.time)) * (b.density - a.density);
    }
  }
  return 0;
}

/** Forward and training-step break-even densities for one shape and batch. */
function breakEven(shape, batch) {
  const { inFeatures, outFeatures } = shape;
  const w = randomArray(outFeatures * inFeatures);
  const x = randomArray(batch * inFeatures);
  const dy = randomArray(batch * outFeatures);
  const dims = { batch, inFeatures, outFeatures };
  // Dense backward as the Network runs it: dX = dY·W and dW = dYᵀ·X into preallocated arrays.
  const dx = new Float32Array(batch * inFeatures);
  const dw = new Float32Array(outFeatures * inFeatures);
  const denseBackward = () => {
    native.gemm(dy, w, dx, { m: batch, n: inFeatures, k: outFeatures });
    native.gemm(dy, x, dw, { m: outFeatures, n: inFeatures, k: batch, transA: true });
  };
  let denseForward = Infinity, denseStep = Infinity;
  const forward = BREAK_EVEN_DENSITIES.map((density) => ({ density, time: Infinity }));
  const training = BREAK_EVEN_DENSITIES.map((density) => ({ density, time: Infinity }));
  // The CSR backward two ways, side by side: fused (spmmBackward, what the Network runs) and the two products.
  const backward = BREAK_EVEN_DENSITIES.map((density) => ({ density, fused: Infinity, separate: Infinity }));
  for (let round = 0; round < ROUNDS; round++) {
    const f = timeSync(() => native.matmul(x, w, dims));
    denseForward = Math.min(denseForward, f);
    denseStep = Math.min(denseStep, f + timeSync(denseBackward));
    BREAK_EVEN_DENSITIES.forEach((density, i) => {
      const csr = native.toCsr(w, randomMask(w.length, 1 - density), outFeatures, inFeatures);
      native.spmmInputGrad(dy, csr, batch); // builds the column view once, as the Network does per structure
      const cf = timeSync(() => native.spmm(x, csr, batch));
      const cb = timeSync(() => native.spmmBackward(dy, x, csr, batch));
      const cs = timeSync(() => {
        native.spmmInputGrad(dy, csr, batch);
        native.sddmm(dy, x, csr, batch);
      });
      csr.dispose();
      forward[i].time = Math.min(forward[i].time, cf);
      training[i].time = Math.min(training[i].time, cf + cb);
      backward[i].fused = Math.min(backward[i].fused, cb);
      backward[i].separate = Math.min(backward[i].separate, cs);
    });
  }
  return {
    shape: shape.name,
    batch,
    forwardDensity: crossing(forward, denseForward),
    trainingDensity: crossing(training, denseStep),
    denseForwardUs: denseForward * 1e6,
    denseTrainingUs: denseStep * 1e6,
    csrForwardUs: forward.map((p) => ({ density: p.density, us: p.time * 1e6 })),
    csrBackwardUs: backward.map((p) => ({ density: p.density, fused: p.fused * 1e6, separate: p.separate * 1e6 })),
    csrTrainingUs: training.map((p) => ({ density: p.density, us: p.time * 1e6 })),
  };
}

/** ORT's fixed cost per run() from Node: a 1×1 MatMul. */
async function ortCallOverhead() {
  return timeOrt(Float32Array.of(1), Float32Array.of(1), 1, 1, 1);
}

const f1 = (v) => v.toFixed(1);
const ratio = (a, b) => (a / b).toFixed(2);

export async function run() {
  if (!systemMalloc && env.GLIBC_TUNABLES === undefined) {
    // Re-run this suite in a child whose glibc keeps freed memory (see the header comment).
    const runJs = fileURLToPath(new URL('./run.js', import.meta.url));
    const child = spawnSync(execPath, [runJs, 'kernels', ...argv.slice(3)], {
      stdio: 'inherit',
      env: { ...env, GLIBC_TUNABLES: RETAIN_FREED_MEMORY },
    });
    if (child.status !== 0) throw new Error(`bench kernels (child) failed with status ${child.status}`);
    return;
  }
  const malloc = systemMalloc ? 'system' : `GLIBC_TUNABLES=${env.GLIBC_TUNABLES}`;
  console.log(`kernels: ${native.threadCount()} threads, SIMD ${native.simdLevel()}, onnxruntime-node ` +
    `${ort.env.versions?.common ?? '?'}, malloc ${malloc}`);
  const loadBefore = loadavg()[0];
  const overhead = await ortCallOverhead();
  console.log(`ORT run() on a 1×1 MatMul (its fixed cost per call): ${f1(overhead * 1e6)} µs\n`);

  const results = [];
  for (const shape of SHAPES) for (const batch of BATCHES) results.push(...(await forwardRows(shape, batch)));
  printTable(
    results.map((r) => ({
      shape: r.shape,
      batch: r.batch,
      sparsity: r.sparsity,
      'ort µs': f1(r.ortUs),
      'dense µs': f1(r.denseUs),
      'masked µs': f1(r.maskedUs),
      'csr µs': f1(r.csrUs),
      'dense ×ort': ratio(r.ortUs, r.denseUs),
      'masked ×ort': ratio(r.ortUs, r.maskedUs),
      'csr ×ort': ratio(r.ortUs, r.csrUs),
    })),
  );

  const breakEvens = [];
  for (const shape of SHAPES) for (const batch of BATCHES) breakEvens.push(breakEven(shape, batch));
  console.log('\nCSR break-even density (CSR is faster below it)');
  printTable(
    breakEvens.map((b) => ({
      shape: b.shape,
      batch: b.batch,
      forward: b.forwardDensity.toFixed(3),
      'training step': b.trainingDensity.toFixed(3),
      'dense fwd µs': f1(b.denseForwardUs),
      'dense step µs': f1(b.denseTrainingUs),
    })),
  );
  console.log('\nCSR backward (dX and dW at kept positions): fused spmmBackward vs spmmInputGrad + sddmm, µs');
  printTable(
    breakEvens.flatMap((b) =>
      b.csrBackwardUs
        .filter((p) => p.density <= 0.1)
        .map((p) => ({
          shape: b.shape, batch: b.batch, density: p.density, 'fused µs': f1(p.fused), 'separate µs': f1(p.separate),
          'separate/fused': ratio(p.separate, p.fused),
        })),
    ),
  );
  const path = writeResults('kernels', {
    // 1-minute load average before and after: on a shared machine other work takes cores from both sides.
    loadBefore,
    loadAfter: loadavg()[0],
    threads: native.threadCount(),
    simd: native.simdLevel(),
    onnxruntime: ort.env.versions?.common ?? null,
    malloc,
    ortCallOverheadUs: overhead * 1e6,
    note:
      'µs per call: best of rounds of medians. ORT is timed through its async run(); ortCallOverheadUs is its fixed ' +
      'cost. breakEven: CSR (spmm; spmm + spmmBackward) vs dense gemm (forward; forward + dX + dW gemms).',
    results,
    breakEven: breakEvens,
  });
  console.log(`\nwrote ${path}`);
}
