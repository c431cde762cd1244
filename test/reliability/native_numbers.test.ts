// Native-side checks of issue 15 item 2 ("numbers that are what they say"), on the raw addon: a network's masks
// and maskedMatmul's are 0/1 (the kernels compute keep ? w : 0, which is w ⊙ mask only then; magnitudePrune keeps
// its documented and tested rule, any non-zero byte is kept and left as it is), pruneGlobal's `pruned` is the change
// in the layers' kept counts, and optimizer state refuses NaN/Inf as setWeight does.
import { describe, expect, it } from 'vitest';
import { native } from '../../src/native.js';
import { rng, testSeed } from '../helpers/random.js';

const net = (seed = 1) =>
  new native.Network([{ type: 'linear', out: 16 }, { type: 'relu' }, { type: 'linear', out: 8 }, { type: 'relu' }, { type: 'linear', out: 3 }], [5], seed);
const keptCounts = (n: ReturnType<typeof net>) => n.params().map((p) => p.kept);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe(`native numbers (seed ${testSeed})`, () => {
  it('setMask refuses a mask byte other than 0 or 1, naming the index', () => {
    const n = net();
    const mask = new Uint8Array(16 * 5).fill(1);
    mask[7] = 2;
    expect(() => n.setMask(0, mask)).toThrow(RangeError);
    expect(() => n.setMask(0, mask)).toThrow('Expected only 0 and 1 in mask but received 2 at index 7');
    expect(keptCounts(n)[0]).toBe(80);
  });

  it('maskedMatmul refuses a mask other than 0/1 (it computes keep ? w : 0, which is w ⊙ mask only for 0/1)', () => {
    const w = Float32Array.from({ length: 6 }, (_, i) => i + 1);
    const m = Uint8Array.of(1, 1, 255, 1, 1, 1);
    expect(() => native.maskedMatmul(new Float32Array(3), w, m, { batch: 1, inFeatures: 3, outFeatures: 2 }))
      .toThrow('Expected only 0 and 1 in mask but received 255 at index 2');
  });

  it('pruneGlobal refuses a layer named twice (it was pruned through two copies and counted twice)', () => {
    const n = net();
    expect(() => n.pruneGlobal(0.5, [0, 0])).toThrow('Expected distinct indices in layers but received 0 more than once');
    expect(keptCounts(n)).toEqual([80, 128, 24]);
  });

  it("pruneGlobal's and pruneLayers' pruned equal the drop in kept counts, over repeated random prunes", () => {
    const r = rng(testSeed);
    const n = net(testSeed % 1000);
    for (let round = 0; round < 20; round++) {
      const before = keptCounts(n);
      let pruned: number;
      if (r.next() < 0.5) {
        const layers = [0, 1, 2].filter(() => r.next() < 0.7);
        pruned = n.pruneGlobal(r.next(), layers).pruned;
      } else {
        pruned = n.pruneLayers([0, 1, 2].map(() => (r.next() < 0.3 ? null : r.next())) as number[]).pruned;
      }
      expect(pruned, `round ${round}`).toBe(sum(before) - sum(keptCounts(n)));
    }
  });

  it('setOptimizerState refuses NaN and Inf, naming the tensor and index', () => {
    const n = net();
    n.setOptimizer({ type: 'adam', lr: 1e-3 });
    const state = n.getOptimizerState();
    state.tensors[1][3] = Infinity;
    expect(() => n.setOptimizerState(state)).toThrow(RangeError);
    expect(() => n.setOptimizerState(state)).toThrow('Expected finite values in state.tensors[1] but received inf at index 3');
  });
});
