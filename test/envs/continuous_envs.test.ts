// Pendulum-v1 and MountainCarContinuous-v0 against steps worked out by hand from Gymnasium's equations.
import { describe, expect, it } from 'vitest';
import { Pendulum, angleNormalize } from '../../src/envs/pendulum.js';
import { MountainCarContinuous } from '../../src/envs/mountain_car_continuous.js';

describe('bad calls', () => {
  it('names the action and what is allowed', () => {
    const env = new Pendulum();
    env.reset(0);
    expect(() => env.step([1, 2])).toThrow(/Expected 1 action value\(s\) for action/);
    expect(() => env.step([Number.NaN])).toThrow(/finite numbers for action/);
    expect(() => env.step(1 as unknown as number[])).toThrow(/Float32Array or number\[\]/);
    expect(() => new MountainCarContinuous().step([0])).toThrow(/reset/);
  });
});

describe('Pendulum-v1', () => {
  it('wraps angles into [−π, π) as angle_normalize', () => {
    expect(angleNormalize(3 * Math.PI / 2)).toBeCloseTo(-Math.PI / 2, 12);
    expect(angleNormalize(Math.PI)).toBeCloseTo(-Math.PI, 12);
    expect(angleNormalize(-Math.PI)).toBeCloseTo(-Math.PI, 12);
    expect(angleNormalize(0.3 - 4 * Math.PI)).toBeCloseTo(0.3, 12);
  });

  it('takes one semi-implicit Euler step: θ = π/2, θ̇ = 0, u = 1', () => {
    const env = new Pendulum();
    env.setState(Math.PI / 2, 0);
    const r = env.step([1]);
    // θ̇' = (3·10/2·sin(π/2) + 3·1)·0.05 = 0.9; θ' = π/2 + 0.9·0.05; cost = (π/2)² + 0 + 0.001·1².
    expect(r.reward).toBeCloseTo(-((Math.PI / 2) ** 2 + 0.001), 12);
    expect(r.obs[2]).toBeCloseTo(0.9, 6);
    expect(r.obs[0]).toBeCloseTo(Math.cos(Math.PI / 2 + 0.045), 6);
    expect(r.obs[1]).toBeCloseTo(Math.sin(Math.PI / 2 + 0.045), 6);
    expect(r.terminated).toBe(false);
  });

  it('clips the torque to ±2 and the speed to ±8', () => {
    const env = new Pendulum();
    env.setState(0, 0);
    const r = env.step([5]); // u = 2: θ̇' = 3·2·0.05 = 0.3, cost 0.001·4
    expect(r.obs[2]).toBeCloseTo(0.3, 6);
    expect(r.reward).toBeCloseTo(-0.004, 12);
    env.setState(Math.PI / 2, 7.9);
    expect(env.step([2]).obs[2]).toBe(8); // 7.9 + (15 + 6)·0.05 = 8.95 → 8
  });

  it('truncates after 200 steps and never terminates; reset is reproducible from a seed', () => {
    const env = new Pendulum();
    const first = env.reset(3);
    expect(Array.from(new Pendulum().reset(3))).toEqual(Array.from(first));
    expect(first[0] ** 2 + first[1] ** 2).toBeCloseTo(1, 5);
    expect(Math.abs(first[2])).toBeLessThanOrEqual(1);
    let r = env.step([0]);
    let steps = 1;
    while (!r.truncated) { expect(r.terminated).toBe(false); r = env.step([0]); steps++; }
    expect(steps).toBe(200);
  });
});

describe('MountainCarContinuous-v0', () => {
  it('takes one step from x = −0.5, v = 0 with a = 1 (float32 state)', () => {
    const env = new MountainCarContinuous();
    env.setState(-0.5, 0);
    const r = env.step([1]);
    const v = 0 + 1 * 0.0015 - 0.0025 * Math.cos(3 * -0.5);
    expect(r.obs[1]).toBe(Math.fround(v));
    expect(r.obs[0]).toBe(Math.fround(-0.5 + v));
    expect(r.reward).toBeCloseTo(-0.1, 7);
    expect(r.terminated).toBe(false);
  });

  it('terminates at the goal with +100, less 0.1·a² of the unclipped action', () => {
    const env = new MountainCarContinuous();
    env.setState(0.449, 0.07);
    const r = env.step([2]); // force clipped to 1; v stays at the 0.07 cap; x = 0.519 ≥ 0.45
    expect(r.obs[1]).toBe(Math.fround(0.07));
    expect(r.terminated).toBe(true);
    expect(r.reward).toBeCloseTo(100 - 0.1 * 4, 5);
  });

  it('stops the car at the left wall', () => {
    const env = new MountainCarContinuous();
    env.setState(-1.19, -0.07);
    const r = env.step([-1]);
    expect(r.obs[0]).toBe(Math.fround(-1.2));
    expect(r.obs[1]).toBe(0);
  });

  it('starts in [−0.6, −0.4] at rest and truncates after 999 steps', () => {
    const env = new MountainCarContinuous();
    const obs = env.reset(1);
    expect(obs[0]).toBeGreaterThanOrEqual(-0.6);
    expect(obs[0]).toBeLessThan(-0.4);
    expect(obs[1]).toBe(0);
    let r = env.step([0]);
    let steps = 1;
    while (!r.truncated && !r.terminated) { r = env.step([0]); steps++; }
    expect(r.terminated).toBe(false);
    expect(steps).toBe(999);
  });
});
