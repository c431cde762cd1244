// A few optimizer steps of a Network on one device table, for comparing devices (network_device.test.ts,
// cuda.test.ts): the same seed, spec, pruning and random batches on each, so the results differ only by the kernels.
import { expect } from 'vitest';
import { native, type LayerSpec, type ModelDevice, type OptimizerSpec } from '../../src/native.js';
import { randomFloat32, rng, testSeed } from './random.js';

export interface DeviceTraining {
  sparsity?: number;
  optimizer?: OptimizerSpec;
  steps?: number;
}

/** Every weight and bias after `steps` updates on random batches of odd sizes, and the last forward output. */
export function trainOnDevice(spec: LayerSpec[], input: number[], device: ModelDevice | undefined,
                              { sparsity = 0, optimizer = { type: 'adam', lr: 1e-2 }, steps = 3 }: DeviceTraining = {}): Float32Array[] {
  const net = device === undefined ? new native.Network(spec, input, testSeed) : new native.Network(spec, input, testSeed, device);
  try {
    if (sparsity > 0) net.pruneLayers(net.params().map(() => sparsity));
    // (The sparse representations are in play: CSR from about 90% sparsity on, masked below; 'auto' policy.)
    if (sparsity > 0.9) expect(net.params().map((p) => p.representation)).toContain('csr');
    if (sparsity > 0 && sparsity < 0.9) expect(net.params().map((p) => p.representation)).toContain('masked');
    net.setOptimizer(optimizer);
    const r = rng(testSeed + 7);
    const inSize = input.reduce((a, b) => a * b, 1);
    let out = new Float32Array(0);
    for (let step = 0; step < steps; step++) {
      const batch = 5 + 2 * step;
      out = net.forward(randomFloat32(r, batch * inSize), batch).slice();
      net.backward(randomFloat32(r, batch * net.outputSize));
      net.step();
    }
    const tensors = [out];
    net.params().forEach((_, i) => tensors.push(net.getWeight(i), net.getBias(i)));
    return tensors;
  } finally {
    net.dispose();
  }
}
