// A Network runs every op through the device table it was built with (native/model calls no kernel directly;
// layout.test.ts checks the sources). Here, the behaviour: a bad device is refused in one line, a device without a
// kernel a Network needs is refused naming the op and the device, and a network on the CPU's plain references
// ('cpu-reference') trains like one on the fast kernels (≤ 1e-5 relative: the gemm and sparse kernels sum in a
// different order), dense, masked and CSR, linear, conv, pooling and residual layers alike.
import { describe, expect, it } from 'vitest';
import { native, type LayerSpec, type ModelDevice, type NativeNetwork } from '../../src/native.js';
import { expectClose } from '../helpers/compare.js';
import { randomFloat32, rng, testSeed } from '../helpers/random.js';

const mlp: LayerSpec[] = [{ type: 'linear', out: 37 }, { type: 'relu' }, { type: 'linear', out: 5 }];
const convNet: LayerSpec[] = [
  { type: 'conv2d', out: 6, kernel: 3, padding: 1 }, { type: 'relu' },
  { type: 'maxpool2d', kernel: 3, stride: 2, padding: 1 },
  { type: 'residual', body: [{ type: 'relu' }, { type: 'conv2d', out: 6, kernel: 3, padding: 1 }] },
  { type: 'flatten' }, { type: 'linear', out: 3 },
];

/** Three Adam updates on random batches; returns every weight, bias and the last output. */
function train(spec: LayerSpec[], input: number[], device: ModelDevice | undefined, sparsity: number): Float32Array[] {
  const net: NativeNetwork =
    device === undefined ? new native.Network(spec, input, testSeed) : new native.Network(spec, input, testSeed, device);
  try {
    if (sparsity > 0) net.pruneLayers(net.params().map(() => sparsity));
    // (The sparse representations are in play: CSR from about 90% sparsity on, masked below; 'auto' policy.)
    if (sparsity > 0.9) expect(net.params().map((p) => p.representation)).toContain('csr');
    if (sparsity > 0 && sparsity < 0.9) expect(net.params().map((p) => p.representation)).toContain('masked');
    net.setOptimizer({ type: 'adam', lr: 1e-2 });
    const r = rng(testSeed + 7);
    const inSize = input.reduce((a, b) => a * b, 1);
    let out = new Float32Array(0);
    for (let step = 0; step < 3; step++) {
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

describe('Network device tables', () => {
  it('refuses a device the addon does not have, naming the argument and the devices it has', () => {
    expect(() => new native.Network(mlp, [9], 1, 'tpu' as ModelDevice)).toThrow(RangeError);
    expect(() => new native.Network(mlp, [9], 1, 'tpu' as ModelDevice))
      .toThrow(/^Expected one of cpu, cpu-reference.* for device but received 'tpu'$/);
    expect(() => new native.Network(mlp, [9], 1, 42 as unknown as ModelDevice)).toThrow(/device/);
  });

  it.runIf(native.cudaEmulated !== undefined)('refuses a device without a kernel a Network needs, naming op and device', () => {
    // The CUDA table has no spmmBackward kernel yet (nullptr): a one-line RangeError, never a null call.
    expect(() => new native.Network(mlp, [9], 1, 'cuda-emulated')).toThrow(RangeError);
    expect(() => new native.Network(mlp, [9], 1, 'cuda-emulated')).toThrow(/cuda-emulated has no spmmBackward kernel/);
  });

  it('the default device is the fast CPU table, bit for bit', () => {
    const implicit = train(mlp, [9], undefined, 0);
    const explicit = train(mlp, [9], 'cpu', 0);
    implicit.forEach((t, i) => expect(Array.from(explicit[i])).toEqual(Array.from(t)));
  });

  for (const [name, spec, input] of [['mlp', mlp, [9]], ['conv + pool + residual', convNet, [7, 5, 3]]] as const)
    for (const sparsity of [0, 0.6, 0.97])
      it(`${name} at sparsity ${sparsity}: the reference table trains like the fast one`, () => {
        const fast = train(spec as LayerSpec[], input as number[], 'cpu', sparsity);
        const reference = train(spec as LayerSpec[], input as number[], 'cpu-reference', sparsity);
        expect(reference.length).toBe(fast.length);
        fast.forEach((t, i) => expectClose(reference[i], t, 1e-5));
      });

  it('a learner refuses networks on different devices', () => {
    const online = new native.Network(mlp, [9], 1, 'cpu');
    const target = new native.Network(mlp, [9], 1, 'cpu-reference');
    online.setOptimizer({ type: 'adam', lr: 1e-3 });
    try {
      expect(() => new native.Learner(online, target, { head: { kind: 'q', actions: 5 }, double: false, loss: 'huber' }))
        .toThrow(/learner's device \(cpu\) but received networks on cpu and cpu-reference/);
    } finally {
      online.dispose();
      target.dispose();
    }
  });
});
