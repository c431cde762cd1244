// cuBLAS is opened at run time (native/cuda/cublas_loader.cu): the build machine has no cuBLAS, the GPU machines do.
// Here: whether it was found is reported in cudaDeviceInfo().cublas, in one line when it was not, and
// PRUNERL_CUBLAS=0 keeps it out. (Where it is found, cuda.test.ts's gemm comparisons run through it.)
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { native } from '../../src/native.js';

const info = native.cudaDeviceInfo();

/** cudaDeviceInfo().cublas of a fresh process (the library is looked for once per process) with `env` added. */
function cublasInFreshProcess(env: Record<string, string>): { found: boolean; library: string | null; reason: string | null } {
  const addon = process.env.PRUNERL_ADDON ?? new URL('../../build/Release/prunerl.node', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(addon)}).cudaDeviceInfo().cublas))`],
    { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out);
}

describe('cuBLAS by dlopen', () => {
  it('is reported with the device info: found and its library, or a one-line reason', () => {
    const c = info.cublas;
    expect(typeof c.found).toBe('boolean');
    if (c.found) {
      expect(c.library).toMatch(/^libcublas\.so(\.\d+)?$/);
      expect(c.reason).toBeNull();
    } else {
      expect(c.library).toBeNull();
      expect(c.reason).toMatch(/\S/);
      expect(c.reason!.includes('\n')).toBe(false);
    }
  });

  it.runIf(info.compiled && !info.cublas.found && !process.env.PRUNERL_CUBLAS)('where there is none, says which libraries it tried', () => {
    expect(info.cublas.reason).toBe('not found (tried libcublas.so.13, libcublas.so.12, libcublas.so); our own GEMM kernel runs instead');
    // …and the products still run (own kernel): the device refusal, not a cuBLAS error, is what a GPU-less call gets.
    if (!native.cudaAvailable()) expect(() => native.cuda.gemm(new Float32Array(1), new Float32Array(1), new Float32Array(1), { m: 1, n: 1, k: 1 }))
      .toThrow(/no CUDA device available/);
  });

  it.runIf(info.compiled)('PRUNERL_CUBLAS=0 keeps it out', () => {
    expect(cublasInFreshProcess({ PRUNERL_CUBLAS: '0' })).toEqual({ found: false, library: null, reason: 'disabled by PRUNERL_CUBLAS=0' });
  });
});
