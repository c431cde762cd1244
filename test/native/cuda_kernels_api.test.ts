// The public kernels.* API on { device: 'cuda' } (issue 12 item 3): the same answers as on the CPU (bit-identical
// for pruning and the k-th smallest, float-rounding close for the products, as cuda.test.ts states), a bad device
// refused in one line, and, without a GPU, 'cuda' refused in one line saying why rather than timed on the CPU.
// Here with no GPU the CUDA side is the host emulator (PRUNERL_CUDA_EMULATE=1); on a GPU machine the GPU itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as kernels from '../../src/kernels.js';
import { CUDA_EMULATE_ENV } from '../../src/backends/device.js';
import { native } from '../../src/native.js';
import { expectClose } from '../helpers/compare.js';
import { randomFloat32, randomMask, rng, testSeed } from '../helpers/random.js';

const cuda = { device: 'cuda' } as const;

describe('kernels.* device option: refusals', () => {
  it('refuses what is not a device, naming options.device', () => {
    const x = new Float32Array(6), w = new Float32Array(6);
    expect(() => kernels.matmul(x, w, { batch: 2, inFeatures: 3, outFeatures: 2 }, { device: 'gpu' as never }))
      .toThrow("Expected one of cpu, cuda for options.device but received string 'gpu'");
    expect(() => kernels.kthSmallestAbs(w, 0, null as never)).toThrow(TypeError);
  });

  it.skipIf(native.cudaAvailable())('without a GPU (and no emulation asked for), cuda is one line saying why', () => {
    delete process.env[CUDA_EMULATE_ENV];
    expect(() => kernels.kthSmallestAbs(Float32Array.of(3, -1, 2), 1, cuda))
      .toThrow(/^prunerl: device 'cuda' was requested but is not available: .+$/);
  });
});

const onCuda = native.cudaAvailable() || native.cudaEmulated !== undefined;
describe.runIf(onCuda)(`kernels.* on cuda against the CPU (seed ${testSeed})`, () => {
  beforeEach(() => { if (!native.cudaAvailable()) process.env[CUDA_EMULATE_ENV] = '1'; });
  afterEach(() => { delete process.env[CUDA_EMULATE_ENV]; });

  it('products: matmul, maskedMatmul, spmm, spmmInputGrad, sddmm on odd sizes', () => {
    const r = rng();
    for (const [batch, inF, outF] of [[1, 1, 1], [5, 67, 31], [33, 130, 7]]) {
      const shape = { batch, inFeatures: inF, outFeatures: outF };
      const x = randomFloat32(r, batch * inF), w = randomFloat32(r, outF * inF), mask = randomMask(r, outF * inF, 0.2);
      mask[0] = 1; // at least one kept weight
      const dy = randomFloat32(r, batch * outF);
      expectClose(kernels.matmul(x, w, shape, cuda), kernels.matmul(x, w, shape), 1e-5);
      expectClose(kernels.maskedMatmul(x, w, mask, shape, cuda), kernels.maskedMatmul(x, w, mask, shape), 1e-5);
      const m = kernels.toCsr(w, mask, { rows: outF, cols: inF });
      try {
        expectClose(kernels.spmm(x, m, batch, cuda), kernels.spmm(x, m, batch), 1e-5);
        expectClose(kernels.spmmInputGrad(dy, m, batch, cuda), kernels.spmmInputGrad(dy, m, batch), 1e-5);
        expectClose(kernels.sddmm(dy, x, m, batch, cuda), kernels.sddmm(dy, x, m, batch), 1e-5);
      } finally {
        m.dispose();
      }
    }
  });

  it('magnitudePrune and kthSmallestAbs: identical', () => {
    const r = rng();
    const weights = [randomFloat32(r, 1001), randomFloat32(r, 77)], masks = weights.map((w) => randomMask(r, w.length, 0.9));
    for (const scope of ['layer', 'global'] as const) {
      const cw = weights.map((w) => w.slice()), cm = masks.map((m) => m.slice());
      const dw = weights.map((w) => w.slice()), dm = masks.map((m) => m.slice());
      expect(kernels.magnitudePrune(dw, dm, 0.9, scope, cuda)).toEqual(kernels.magnitudePrune(cw, cm, 0.9, scope));
      expect(dw).toEqual(cw);
      expect(dm).toEqual(cm);
      expect(dm.some((m) => m.some((v) => v === 1))).toBe(true);
    }
    for (const k of [0, 500, 1000]) expect(kernels.kthSmallestAbs(weights[0], k, cuda)).toBe(kernels.kthSmallestAbs(weights[0], k));
  });
});
