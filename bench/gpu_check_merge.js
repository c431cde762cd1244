// Last step of bench/gpu_check.sh: adds the check's steps (rc, seconds) and the PyTorch peers to the
// bench/results/cuda-<gpu>.json that bench/cuda.js wrote (or starts that file when the kernel benchmark failed),
// and the `prunerl bench train --device cuda` results (LOGS/train-*.json) atomically.
// Usage: node bench/gpu_check_merge.js STEPS_JSON TORCH_PEERS_JSON "GPU 0: NVIDIA H200 (UUID: …)" LOGS
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argv } from 'node:process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

const [stepsJson, peersPath, gpuLine, logs] = argv.slice(2);
const read = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { missing: `${path}: ${err.message}` };
  }
};
// The same name bench/cuda.js derives from cudaDeviceInfo().devices[0].name ("NVIDIA H200" -> cuda-nvidia-h200).
const gpuName = gpuLine.replace(/^GPU \d+: /, '').replace(/ \(UUID.*$/, '');
const slug = gpuName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
const path = join(resultsDir, `cuda-${slug}.json`);
const base = existsSync(path) ? read(path) : { date: new Date().toISOString(), device: { name: gpuName } };
base.gpuCheck = {
  date: new Date().toISOString(),
  steps: JSON.parse(stepsJson),
  torchPeers: read(peersPath),
  // prunerl's own update on the GPU, beside torchPeers' eager one: name -> bench train's JSON.
  benchTrain: Object.fromEntries((logs && existsSync(logs) ? readdirSync(logs) : [])
    .filter((f) => /^train-.*\.json$/.test(f))
    .map((f) => [f.replace(/\.json$/, ''), read(join(logs, f))])),
};
writeFileSync(`${path}.tmp-${process.pid}`, JSON.stringify(base, null, 2) + '\n');
renameSync(`${path}.tmp-${process.pid}`, path);
console.log(`wrote ${path}`);
