// A Network runs every op through the device table it was built with (native/model calls no kernel directly;
// layout.test.ts checks the sources). Here, the behaviour: a bad device is refused in one line, the CUDA table builds
// a Network (its numbers against the CPU: cuda.test.ts), and a network on the CPU's plain references
// ('cpu-reference') trains like one on the fast kernels (≤ 1e-5 relative: the gemm and sparse kernels sum in a
// different order), dense, masked and CSR, linear, conv, pooling and residual layers alike.
import { describe, expect, it } from 'vitest';
import { native, type LayerSpec, type ModelDevice } from '../../src/native.js';
import { expectClose } from '../helpers/compare.js';
import { trainOnDevice } from '../helpers/device_training.js';

const mlp: LayerSpec[] = [{ type: 'linear', out: 37 }, { type: 'relu' }, { type: 'linear', out: 5 }];
const convNet: LayerSpec[] = [
  { type: 'conv2d', out: 6, kernel: 3, padding: 1 }, { type: 'relu' },
  { type: 'maxpool2d', kernel: 3, stride: 2, padding: 1 },
  { type: 'residual', body: [{ type: 'relu' }, { type: 'conv2d', out: 6, kernel: 3, padding: 1 }] },
  { type: 'flatten' }, { type: 'linear', out: 3 },
];

const train = (spec: LayerSpec[], input: number[], device: ModelDevice | undefined, sparsity: number) =>
  trainOnDevice(spec, input, device, { sparsity });

describe('Network device tables', () => {
  it('refuses a device the addon does not have, naming the argument and the devices it has', () => {
    expect(() => new native.Network(mlp, [9], 1, 'tpu' as ModelDevice)).toThrow(RangeError);
    expect(() => new native.Network(mlp, [9], 1, 'tpu' as ModelDevice))
      .toThrow(/^Expected one of cpu, cpu-reference.* for device but received 'tpu'$/);
    expect(() => new native.Network(mlp, [9], 1, 42 as unknown as ModelDevice)).toThrow(/device/);
  });

  it.runIf(native.cudaEmulated !== undefined)('builds on the CUDA table (every op a Network needs has a kernel)', () => {
    // (A device lacking one would be refused naming op and device: missingModelOp; none lacks one now. Its kernels
    // are compared with the CPU's, networks included, in cuda.test.ts.)
    const net = new native.Network(mlp, [9], 1, 'cuda-emulated');
    try {
      expect(net.forward(new Float32Array(18).fill(0.5), 2).length).toBe(10);
    } finally {
      net.dispose();
    }
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

  it.runIf(native.cudaEmulated !== undefined)('copyFrom between the CPU and a GPU-resident network copies weights, masks and biases both ways', () => {
    const cpu = new native.Network(convNet, [7, 7, 2], 3, 'cpu');
    const gpu = new native.Network(convNet, [7, 7, 2], 4, 'cuda-emulated');
    try {
      cpu.pruneLayers(cpu.params().map(() => 0.6));
      const snapshot = (n: typeof cpu) => n.params().map((p) => [n.getWeight(p.index), n.getMask(p.index), n.getBias(p.index)]);
      gpu.copyFrom(cpu);
      expect(snapshot(gpu)).toEqual(snapshot(cpu));
      gpu.setBias(0, new Float32Array(6).fill(0.25));
      cpu.copyFrom(gpu);
      expect(snapshot(cpu)).toEqual(snapshot(gpu));
      expect(Array.from(cpu.getBias(0))).toEqual(new Array(6).fill(0.25));
    } finally {
      cpu.dispose();
      gpu.dispose();
    }
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
