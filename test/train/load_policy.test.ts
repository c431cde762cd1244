// loadPolicy(run) gives a policy you can call (issue 13 item 2): qValues(obs, batch) and act(obs) take the env's
// own observations (Uint8Array for MinAtar) and must match the saved network's own forward pass and head.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, savePolicy, POLICY_FILE, type Policy } from '../../src/train/policy_file.js';
import { argmaxRows, makePolicy, nativeOutputs, peakC51Head, prune, randomObservations, type HeadName } from '../export/policies.js';
import { rng, testSeed } from '../helpers/random.js';

function savedRun(policy: Policy): string {
  const dir = mkdtempSync(join(tmpdir(), 'prunerl-policy-'));
  savePolicy(join(dir, POLICY_FILE), policy);
  return dir;
}

describe('loadPolicy: bad calls', () => {
  const policy = makePolicy({ net: 'minatar', head: 'q', width: 1, seed: 1 });
  const loaded = loadPolicy(savedRun(policy));

  it('refuses observations of the wrong dtype, naming the dtype the env gives', () => {
    expect(() => loaded.qValues(new Float32Array(400), 1)).toThrow('Expected a Uint8Array for obs (this policy\'s env gives uint8 observations) but received Float32Array');
  });

  it('refuses a wrong length or batch, saying what was expected', () => {
    expect(() => loaded.qValues(new Uint8Array(399), 1)).toThrow('Expected 400 values for obs (batch 1 × shape [10, 10, 4]) but received 399');
    expect(() => loaded.qValues(new Uint8Array(400), 0)).toThrow('Expected an integer ≥ 1 for batch but received 0');
    expect(() => loaded.act(new Uint8Array(800))).toThrow(/^Expected 400 values for obs/);
  });
});

describe(`loadPolicy: qValues and act match the network's own forward (seed ${testSeed})`, () => {
  const cases: { name: string; net: 'mlp' | 'minatar'; head: HeadName }[] = [
    { name: 'DQN (CartPole-shaped floats)', net: 'mlp', head: 'q' },
    { name: 'dueling DQN', net: 'mlp', head: 'dueling' },
    { name: 'C51 (Rainbow)', net: 'mlp', head: 'c51' },
    { name: 'dueling C51', net: 'mlp', head: 'c51-dueling' },
    { name: 'MinAtar DQN (uint8 channels)', net: 'minatar', head: 'q' },
    { name: 'MinAtar C51 (uint8 channels)', net: 'minatar', head: 'c51' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = rng(testSeed + c.name.length);
      const policy = makePolicy({ net: c.net, head: c.head, width: 1, seed: r.int(0, 1000) });
      prune(policy.network, 0.5, 0.9);
      peakC51Head(policy, r);
      const loaded = loadPolicy(savedRun(policy));
      try {
        const batch = 8;
        const obs = randomObservations(r, policy, batch);
        const expected = nativeOutputs(policy, obs, batch);
        const q = loaded.qValues(obs, batch);
        expect(q).toBeInstanceOf(Float32Array);
        expect(q.length).toBe(batch * policy.head.actions);
        const scale = Math.max(...Array.from(expected.q, Math.abs));
        for (let i = 0; i < q.length; i++) expect(Math.abs(q[i]! - expected.q[i]!)).toBeLessThanOrEqual(1e-5 * scale + 1e-6);
        const size = obs.length / batch;
        const actions = Array.from({ length: batch }, (_, b) => loaded.act(obs.subarray(b * size, (b + 1) * size)));
        expect(actions).toEqual(argmaxRows(q, batch, policy.head.actions));
        // A different network would differ: the check is not vacuous.
        expect(new Set(Array.from(q)).size).toBeGreaterThan(1);
      } finally {
        loaded.dispose();
        policy.network.dispose();
      }
      expect(loaded.network.disposed).toBe(true);
    });
  }
});
