// CUDA kernels on device-resident data (native cuda.benchmark: CUDA events, inputs generated once, no host copies):
//  - the sparse layer forward (CSR SpMM) at sparsities 0.5–0.99 against the dense GEMM of the same layer, on DQN
//    shapes at batch 32 (NatureCNN's 3136→512 and its ×5-wide 15680→2560) and square 4096² / 8192² at batch 256;
//    with the SDDMM weight gradient beside it;
//  - magnitude pruning (radix select + prune in place) of 10M and 100M weights to 0.95, as GB/s over one read of
//    the weights and the mask.
// `npm run bench -- cuda [--quick]`   (writes bench/results/cuda-<gpu>.json; exits 3 with a message without a GPU)
// Needs an addon built with the kernel workbench: npx cmake-js compile --out build-dev --CDPRUNERL_WORKBENCH=ON
import { argv, exit } from 'node:process';
import { native } from '../dist/native.js';
import { printTable, writeResults } from './_results.js';

const quick = argv.includes('--quick');
const SPARSITIES = quick ? [0.5, 0.9, 0.99] : [0.5, 0.8, 0.9, 0.95, 0.98, 0.99];
const LAYERS = [
  { name: 'DQN fc 3136→512', batch: 32, out: 512, in: 3136 },
  { name: 'DQN×5 fc 15680→2560', batch: 32, out: 2560, in: 15680 },
  { name: '4096²', batch: 256, out: 4096, in: 4096 },
  ...(quick ? [] : [{ name: '8192²', batch: 256, out: 8192, in: 8192 }]),
];
const PRUNE_SIZES = quick ? [10_000_000] : [10_000_000, 100_000_000];
const ITERATIONS = quick ? 10 : 50;

const fmt = (x, digits = 3) => x.toPrecision(digits);

export async function run() {
  if (!native.cudaAvailable()) {
    const info = native.cudaDeviceInfo();
    console.error(`bench cuda: no CUDA device available (${info.reason}). This suite needs an NVIDIA GPU and an addon ` +
      'built with nvcc; see native/cuda/README.md.');
    exit(3);
  }
  const device = native.cudaDeviceInfo().devices[0];
  console.log(`cuda: ${device.name} (sm_${device.computeCapability.replace('.', '')}, ${device.multiprocessors} SMs), ` +
    `${ITERATIONS} timed calls per case`);

  const products = [];
  for (const layer of LAYERS) {
    const shape = { m: layer.batch, n: layer.out, k: layer.in, iterations: ITERATIONS };
    const dense = native.cuda.benchmark('gemm', shape);
    products.push({
      layer: layer.name, batch: layer.batch, kernel: 'dense gemm', sparsity: 0, ms: fmt(dense.ms),
      TFLOPs: fmt(dense.flops / dense.ms / 1e9), GBs: fmt(dense.bytes / dense.ms / 1e6), speedup: '1.00',
    });
    for (const sparsity of SPARSITIES) {
      for (const op of ['spmm', 'sddmm']) {
        const r = native.cuda.benchmark(op, { ...shape, sparsity });
        products.push({
          layer: layer.name, batch: layer.batch, kernel: op, sparsity, ms: fmt(r.ms),
          TFLOPs: fmt(r.flops / r.ms / 1e9), GBs: fmt(r.bytes / r.ms / 1e6), speedup: fmt(dense.ms / r.ms),
        });
      }
    }
  }
  printTable(products);

  const prune = [];
  for (const n of PRUNE_SIZES) {
    const r = native.cuda.benchmark('prune', { n, sparsity: 0.95, iterations: Math.max(5, ITERATIONS / 5) });
    prune.push({ weights: `${n / 1e6}M`, sparsity: 0.95, ms: fmt(r.ms), GBs: fmt(r.bytes / r.ms / 1e6) });
  }
  console.log();
  printTable(prune);

  const name = `cuda-${device.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}`;
  const path = writeResults(name, { device, quick, iterations: ITERATIONS, products, prune,
    notes: 'ms per call from CUDA events on device-resident data; speedup = dense gemm ms / kernel ms; spmm/sddmm ' +
      'on feature-major activations (no transposes timed); prune GB/s over one read of weights + mask (the kernel ' +
      'makes four passes)' });
  console.log(`\nwrote ${path}`);
}
