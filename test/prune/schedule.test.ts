import { describe, expect, it } from 'vitest';
import { constantSchedule, defaultPolynomialSchedule, polynomialSchedule } from '../../src/prune/schedule.js';

describe('schedules: bad calls', () => {
  it('refuses sparsities outside [0, 1), naming the field and the allowed range', () => {
    expect(() => polynomialSchedule({ finalSparsity: 1, startStep: 0, endStep: 10 })).toThrow(/\[0, 1\) for finalSparsity but received number 1/);
    expect(() => polynomialSchedule({ finalSparsity: -0.1, startStep: 0, endStep: 10 })).toThrow(RangeError);
    expect(() => polynomialSchedule({ finalSparsity: NaN, startStep: 0, endStep: 10 })).toThrow(/finalSparsity/);
    expect(() => polynomialSchedule({ finalSparsity: '0.9' as never, startStep: 0, endStep: 10 })).toThrow(TypeError);
    expect(() => polynomialSchedule({ finalSparsity: 0.9, initialSparsity: 1.2, startStep: 0, endStep: 10 })).toThrow(/initialSparsity/);
    expect(() => polynomialSchedule({ finalSparsity: 0.5, initialSparsity: 0.6, startStep: 0, endStep: 10 })).toThrow(/never regrow/);
    expect(() => constantSchedule({ sparsity: 1 })).toThrow(/for sparsity/);
  });
  it('refuses end ≤ start, negative or fractional steps and frequency < 1', () => {
    expect(() => polynomialSchedule({ finalSparsity: 0.9, startStep: 10, endStep: 10 })).toThrow(/integer > startStep = 10 for endStep but received number 10/);
    expect(() => polynomialSchedule({ finalSparsity: 0.9, startStep: 10, endStep: 5 })).toThrow(/endStep/);
    expect(() => polynomialSchedule({ finalSparsity: 0.9, startStep: -1, endStep: 5 })).toThrow(/startStep/);
    expect(() => polynomialSchedule({ finalSparsity: 0.9, startStep: 0.5, endStep: 5 })).toThrow(/startStep/);
    expect(() => polynomialSchedule({ finalSparsity: 0.9, startStep: 0, endStep: 5, frequency: 0 })).toThrow(/\[1, .*for frequency/);
    expect(() => defaultPolynomialSchedule({ finalSparsity: 0.9, totalUpdates: 0 })).toThrow(/totalUpdates/);
    expect(() => constantSchedule({ sparsity: 0.5, step: -3 })).toThrow(/for step/);
    const schedule = polynomialSchedule({ finalSparsity: 0.9, startStep: 0, endStep: 5 });
    expect(() => schedule.sparsityAt(-1)).toThrow(/for step/);
    expect(() => schedule.isPruningStep(1.5)).toThrow(/for step/);
  });
});

describe('polynomialSchedule (Zhu & Gupta 2017, Eq. 1)', () => {
  const schedule = polynomialSchedule({ finalSparsity: 0.9, initialSparsity: 0.1, startStep: 1000, endStep: 5000, frequency: 1000 });

  it('holds s_i up to t_start and s_f from t_end, on both sides of each boundary', () => {
    expect(schedule.sparsityAt(0)).toBe(0.1);
    expect(schedule.sparsityAt(999)).toBe(0.1);
    expect(schedule.sparsityAt(1000)).toBe(0.1);
    expect(schedule.sparsityAt(1001)).toBeGreaterThan(0.1);
    expect(schedule.sparsityAt(1001)).toBeCloseTo(0.9 - 0.8 * (1 - 1 / 4000) ** 3, 15);
    expect(schedule.sparsityAt(4999)).toBeLessThan(0.9);
    expect(schedule.sparsityAt(4999)).toBeCloseTo(0.9 - 0.8 * (1 / 4000) ** 3, 15);
    expect(schedule.sparsityAt(5000)).toBe(0.9);
    expect(schedule.sparsityAt(5001)).toBe(0.9);
    expect(schedule.sparsityAt(10 ** 9)).toBe(0.9); // clamped after the end
    expect(schedule.finalSparsity).toBe(0.9);
  });

  it('is s_f + (s_i − s_f)/8 at the midpoint and rises monotonically', () => {
    expect(schedule.sparsityAt(3000)).toBeCloseTo(0.9 + (0.1 - 0.9) / 8, 15);
    let previous = -1;
    for (let t = 0; t <= 6000; t += 7) {
      const s = schedule.sparsityAt(t);
      expect(s).toBeGreaterThanOrEqual(previous);
      previous = s;
    }
  });

  it('prunes every `frequency` updates from t_start through t_end, and at t_end when off the grid', () => {
    const steps = [0, 999, 1000, 1001, 1999, 2000, 3000, 4000, 4999, 5000, 5001, 6000];
    expect(steps.filter((t) => schedule.isPruningStep(t))).toEqual([1000, 2000, 3000, 4000, 5000]);
    const offGrid = polynomialSchedule({ finalSparsity: 0.95, startStep: 10, endStep: 25, frequency: 10 });
    const all = Array.from({ length: 40 }, (_, t) => t).filter((t) => offGrid.isPruningStep(t));
    expect(all).toEqual([10, 20, 25]);
    expect(offGrid.initialSparsity).toBe(0);
    expect(offGrid.sparsityAt(10)).toBe(0);
  });

  it('defaults: s_i = 0 and a pruning step every 1000 updates', () => {
    const s = polynomialSchedule({ finalSparsity: 0.5, startStep: 0, endStep: 3000 });
    expect(s.initialSparsity).toBe(0);
    expect(s.frequency).toBe(1000);
    expect(s.sparsityAt(1500)).toBeCloseTo(0.5 * (1 - 0.5 ** 3), 15);
  });
});

describe('defaultPolynomialSchedule (the paper: 20% → 80% of the updates)', () => {
  it('starts at 20% and ends at 80% of the updates, pruning every 1000', () => {
    const s = defaultPolynomialSchedule({ finalSparsity: 0.95, totalUpdates: 100_000 });
    expect([s.startStep, s.endStep, s.frequency, s.initialSparsity, s.finalSparsity]).toEqual([20_000, 80_000, 1000, 0, 0.95]);
    expect(s.sparsityAt(19_999)).toBe(0);
    expect(s.sparsityAt(50_000)).toBeCloseTo(0.95 * (1 - 1 / 8), 15);
    expect(s.sparsityAt(80_000)).toBe(0.95);
    expect(s.isPruningStep(21_000)).toBe(true);
    expect(s.isPruningStep(21_500)).toBe(false);
  });
  it('rounds the boundaries to whole updates and accepts a custom frequency', () => {
    const s = defaultPolynomialSchedule({ finalSparsity: 0.9, totalUpdates: 12_345, frequency: 100 });
    expect([s.startStep, s.endStep, s.frequency]).toEqual([2469, 9876, 100]);
    expect(s.isPruningStep(9876)).toBe(true);
  });
});

describe('constantSchedule (one shot)', () => {
  it('is dense before its step, at the target from it on, and prunes once', () => {
    const s = constantSchedule({ sparsity: 0.9, step: 500 });
    expect([s.sparsityAt(0), s.sparsityAt(499), s.sparsityAt(500), s.sparsityAt(501)]).toEqual([0, 0, 0.9, 0.9]);
    expect([499, 500, 501].map((t) => s.isPruningStep(t))).toEqual([false, true, false]);
    expect(s.finalSparsity).toBe(0.9);
    const atStart = constantSchedule({ sparsity: 0.5 });
    expect([atStart.step, atStart.sparsityAt(0), atStart.isPruningStep(0)]).toEqual([0, 0.5, true]);
  });
});
