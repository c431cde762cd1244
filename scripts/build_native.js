#!/usr/bin/env node
// `npm install` hook: builds the addon with cmake-js. In the checkout CMakeLists.txt keeps its auto-detection
// (CUDA is compiled when nvcc is found). Installed as a dependency (the package lives under node_modules/) the
// CUDA backend is compiled only when asked with PRUNERL_CUDA=1: compiling it roughly doubles the install time,
// which users without an NVIDIA GPU should not pay.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const installedAsDependency = packageRoot.split(sep).includes('node_modules');
const env = { ...process.env };
if (installedAsDependency && env.PRUNERL_CUDA !== '1') {
  env.PRUNERL_CUDA = '0';
  console.log('prunerl: building the CPU backend only (set PRUNERL_CUDA=1 before npm install to compile the CUDA backend too)');
}
// The CUDA emulator (native/cuda_emu, `cudaEmulated`) exists to test the kernels in this repository's CI; a
// dependency install leaves it out.
const emulator = installedAsDependency ? ['--CDPRUNERL_CUDA_EMULATOR=OFF'] : [];
const cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build', ...emulator], { cwd: packageRoot, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
