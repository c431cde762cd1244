// The value-head ops on a CUDA table (the GPU, or the host emulator of the same kernels) against the CPU's, as `it`
// blocks for the caller's describe: cuda_value_head.test.ts runs them, and so does cuda.test.ts, whose last test
// checks in its own process that every __global__ kernel of native/cuda was launched.
// Bit-identical everywhere, except the softmax ops on a GPU (c51Probabilities, c51Loss): CUDA's exp and log may
// differ from the host's in a double's last bit, so there each float is within 1e-6 relative and the loss 1e-12.
import { expect, it } from 'vitest';
import { native, type NativeCudaKernels } from '../../src/native.js';
import { expectClose } from '../helpers/compare.js';
import { randomFloat32, randomMask, rng } from '../helpers/random.js';
import { valueHeadInputs, valueHeadShapes } from './value_head_inputs.js';

/** `exact`: the device computes exp and log as the host does (the emulator). */
export function valueHeadDeviceCases(device: NativeCudaKernels, exact: boolean): void {
  const same = (actual: Float32Array, expected: Float32Array) =>
    exact ? expect(actual).toEqual(expected) : expectClose(actual, expected, 1e-6);
  const sameLoss = (actual: number, expected: number) =>
    exact ? expect(actual).toBe(expected) : expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));

  it('value head: dueling Q and C51 logits and their backward bit-identical to the CPU', () => {
    const r = rng();
    for (const shape of valueHeadShapes) {
      const x = valueHeadInputs(r, shape);
      expect(device.duelingQ(x.duelingOut, shape)).toEqual(native.duelingQ(x.duelingOut, shape));
      expect(device.duelingQBackward(x.dQ, shape)).toEqual(native.duelingQBackward(x.dQ, shape));
      expect(device.duelingLogits(x.duelingC51Out, shape)).toEqual(native.duelingLogits(x.duelingC51Out, shape));
      expect(device.duelingLogitsBackward(x.dLogits, shape)).toEqual(native.duelingLogitsBackward(x.dLogits, shape));
    }
  });

  it('value head: C51 probabilities (CUDA exp on a GPU), expectation, TD target and projection as the CPU', () => {
    const r = rng();
    for (const shape of valueHeadShapes) {
      const x = valueHeadInputs(r, shape);
      const { batch: B, actions: A, atoms: N } = shape;
      same(device.c51Probabilities(x.logits, B * A, N), native.c51Probabilities(x.logits, B * A, N));
      expect(device.c51Expectation(x.pNext, B * A, shape)).toEqual(native.c51Expectation(x.pNext, B * A, shape));
      expect(device.tdTarget(x.rewards, x.discounts, x.dones, x.nextValue))
        .toEqual(native.tdTarget(x.rewards, x.discounts, x.dones, x.nextValue));
      const m = native.c51Project(x.pNext, x.greedy, x.rewards, x.discounts, x.dones, shape);
      expect(device.c51Project(x.pNext, x.greedy, x.rewards, x.discounts, x.dones, shape)).toEqual(m);
      expect(m.some((v) => v !== 0)).toBe(true);
    }
  });

  it('value head: TD loss (Huber, MSE; with and without weights) bit-identical to the CPU, batch loss included', () => {
    const r = rng();
    for (const shape of valueHeadShapes)
      for (const kind of ['huber', 'mse'] as const)
        for (const weighted of [false, true]) {
          const x = valueHeadInputs(r, shape);
          const w = weighted ? x.weights : null;
          const cpu = native.tdLoss(x.taken, x.y, w, x.actions, shape, kind);
          const dev = device.tdLoss(x.taken, x.y, w, x.actions, shape, kind);
          expect(dev.loss).toBe(cpu.loss);
          expect(dev.perSample).toEqual(cpu.perSample);
          expect(dev.dQ).toEqual(cpu.dQ);
        }
  });

  it('value head: C51 loss (with and without weights) as the CPU (bit-identical but for CUDA exp/log on a GPU)', () => {
    const r = rng();
    for (const shape of valueHeadShapes)
      for (const weighted of [false, true]) {
        const x = valueHeadInputs(r, shape);
        const w = weighted ? x.weights : null;
        const cpu = native.c51Loss(x.logits, x.m, w, x.actions, shape);
        const dev = device.c51Loss(x.logits, x.m, w, x.actions, shape);
        sameLoss(dev.loss, cpu.loss);
        same(dev.perSample, cpu.perSample);
        same(dev.dLogits, cpu.dLogits);
      }
  });

  it('value head: mask and SGD step bit-identical to the CPU', () => {
    const r = rng();
    for (const n of [1, 1000, 70_001]) {
      const w = randomFloat32(r, n), mask = randomMask(r, n, 0.3), g = randomFloat32(r, n);
      const cpu = w.slice(), dev = w.slice();
      native.applyMask(cpu, mask);
      device.applyMask(dev, mask);
      expect(dev).toEqual(cpu);
      const lr = 0.01 + r.next();
      native.sgdStep(cpu, g, lr);
      device.sgdStep(dev, g, lr);
      expect(dev).toEqual(cpu);
    }
  });
}
