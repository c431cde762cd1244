import { describe, expect, it } from 'vitest';
import { native } from '../../src/native.js';

describe('Tensor: bad calls', () => {
  it('rejects an unknown dtype with a RangeError naming dtype', () => {
    expect(() => new native.Tensor('float64' as never, [2])).toThrow(RangeError);
    expect(() => new native.Tensor('float64' as never, [2])).toThrow(/dtype/);
  });
  it('rejects a shape that is not an array of non-negative integers', () => {
    expect(() => new native.Tensor('float32', 3 as never)).toThrow(TypeError);
    expect(() => new native.Tensor('float32', [2, -1])).toThrow(/shape\[1\]/);
    expect(() => new native.Tensor('float32', [1.5])).toThrow(RangeError);
  });
  it('rejects a total size past 2^31 elements', () => {
    expect(() => new native.Tensor('float32', [1 << 20, 1 << 20])).toThrow(RangeError);
  });
  it('reading data of a disposed tensor throws a TypeError', () => {
    const t = new native.Tensor('float32', [4]);
    t.dispose();
    expect(t.disposed).toBe(true);
    expect(() => t.data).toThrow(/disposed/);
    t.dispose(); // disposing twice is harmless
  });
});

describe('Tensor: behaviour', () => {
  it.each([
    ['float32', Float32Array],
    ['int32', Int32Array],
    ['uint8', Uint8Array],
  ] as const)('%s tensors are zero-filled views of native memory', (dtype, ctor) => {
    const t = new native.Tensor(dtype, [3, 5]);
    expect(t.shape).toEqual([3, 5]);
    expect(t.size).toBe(15);
    expect(t.data).toBeInstanceOf(ctor);
    expect(Array.from(t.data)).toEqual(new Array(15).fill(0));
    t.data[7] = 9;
    expect(t.data[7]).toBe(9); // the same view each time, so writes persist
    t.dispose();
  });
  it('a view taken before dispose() is detached (empty), never dangling', () => {
    const t = new native.Tensor('float32', [1000]);
    const view = t.data as Float32Array;
    view.fill(1);
    t.dispose();
    expect(view.length).toBe(0);
  });
  it('a view outlives its tensor object when the tensor is only dropped (GC backstop)', () => {
    let view: Float32Array;
    {
      const t = new native.Tensor('float32', [8]);
      view = t.data as Float32Array;
      view.set([1, 2, 3, 4, 5, 6, 7, 8]);
    }
    expect(Array.from(view)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('reports thread count and SIMD levels', () => {
    expect(native.threadCount()).toBeGreaterThanOrEqual(1);
    expect(native.supportedSimdLevels()).toContain('portable');
    expect(native.supportedSimdLevels()).toContain(native.simdLevel());
    expect(() => native.setSimdLevel('sse9' as never)).toThrow(RangeError);
  });
});
