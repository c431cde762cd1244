import { describe, expect, it } from 'vitest';
import { Network } from '../../src/nn/network.js';
import { Pruner } from '../../src/prune/pruner.js';
import { polynomialSchedule } from '../../src/prune/schedule.js';
import { randomFloat32, rng, testSeed } from '../helpers/random.js';

const layers = [
  { type: 'linear' as const, out: 48 }, { type: 'relu' as const },
  { type: 'linear' as const, out: 40 }, { type: 'relu' as const }, { type: 'linear' as const, out: 3 },
];

function network(seed: number): Network {
  const net = new Network({ layers, inputShape: [17], seed });
  net.setOptimizer({ type: 'adam', lr: 1e-2 });
  return net;
}

describe(`Pruner (seed ${testSeed})`, () => {
  it.each(['erk', 'uniform', 'global'] as const)('%s: follows the schedule, masks only grow, pruned weights stay zero through training', (distribution) => {
    const r = rng();
    const net = network(r.int(0, 1000));
    const schedule = polynomialSchedule({ finalSparsity: 0.9, startStep: 2, endStep: 10, frequency: 2 });
    const pruner = new Pruner(net, { schedule, distribution });
    let previous = net.params().map((p) => net.getMask(p.index));
    for (let step = 1; step <= 12; step++) {
      const x = randomFloat32(r, 8 * 17);
      const out = net.forward(x, 8);
      net.backward(randomFloat32(r, out.length));
      net.step();
      const event = pruner.onUpdate(step);
      expect(event !== null).toBe(schedule.isPruningStep(step) && schedule.sparsityAt(step) > 0);
      if (event) expect(net.sparsity()).toBeCloseTo(event.target, 2);
      const masks = net.params().map((p) => net.getMask(p.index));
      masks.forEach((m, l) => m.forEach((v, i) => { if (previous[l][i] === 0) expect(v).toBe(0); }));
      net.params().forEach((p) => {
        const w = net.getWeight(p.index);
        masks[p.index].forEach((v, i) => { if (v === 0) expect(w[i]).toBe(0); });
      });
      previous = masks;
    }
    expect(net.sparsity()).toBeCloseTo(0.9, 2);
    net.dispose();
  });

  it('keeps the chosen layers dense', () => {
    const net = network(3);
    const pruner = new Pruner(net, { schedule: polynomialSchedule({ finalSparsity: 0.8, startStep: 0, endStep: 1 }), distribution: 'uniform', dense: [0, 2] });
    pruner.apply(0.8);
    const ps = net.params();
    expect(ps[0].kept).toBe(ps[0].size);
    expect(ps[2].kept).toBe(ps[2].size);
    expect(1 - ps[1].kept / ps[1].size).toBeCloseTo(0.8, 3);
    expect(() => new Pruner(net, { schedule: pruner.schedule, dense: [7] })).toThrow(/dense\[0\]/);
    net.dispose();
  });
});
