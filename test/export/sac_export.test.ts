// SAC export: the ONNX model's `action` output is the actor's deterministic mean action tanh(μ)·scale + bias,
// checked in onnxruntime against SacAgent.act(obs, deterministic), dense and 90%-pruned, with asymmetric bounds;
// loadPolicy(...).action(obs, batch) on the saved policy gives the same actions.
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { SacAgent } from '../../src/agents/sac/sac_agent.js';
import { policyToOnnx } from '../../src/export/export_onnx.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy, savePolicy, type Policy } from '../../src/train/policy_file.js';
import { rng, testSeed } from '../helpers/random.js';

const r = rng(testSeed);

describe.each([0, 0.9])('SAC actor export (sparsity %s)', (sparsity) => {
  it('gives the agent\'s deterministic action in onnxruntime, and only that output', async () => {
    const low = Float32Array.of(-2, 0), high = Float32Array.of(2, 1), batch = 16, S = 5;
    const agent = new SacAgent({ observationSize: S, actionLow: low, actionHigh: high, hidden: 32, seed: testSeed });
    if (sparsity > 0) agent.actor.pruneLayers(agent.actor.params().map(() => sparsity));
    const policy: Policy = {
      network: agent.actor, head: { kind: 'tanh-gaussian', actions: 2, low: [-2, 0], high: [2, 1] },
      observation: { shape: [S], dtype: 'float32', scale: 1 }, meta: { env: 'test/env', agent: 'sac', net: 'mlp', width: 1, version: '0.0.0-test' },
    };
    const session = await ort.InferenceSession.create(policyToOnnx(policy).bytes);
    expect(session.outputNames).toEqual(['action']);
    const obs = Float32Array.from({ length: batch * S }, () => r.next() * 6 - 3);
    const got = (await session.run({ obs: new ort.Tensor('float32', obs, [batch, S]) })).action!.data as Float32Array;
    const path = join(mkdtempSync(join(tmpdir(), 'prunerl-sac-')), 'policy.prl');
    savePolicy(path, policy);
    const loaded = loadPolicy(path);
    const fromFile = loaded.action(obs, batch);
    loaded.dispose();
    expect(fromFile.length).toBe(batch * 2);
    let worst = 0;
    for (let b = 0; b < batch; b++) {
      const want = agent.act(obs.subarray(b * S, (b + 1) * S), true);
      for (let d = 0; d < 2; d++) {
        worst = Math.max(worst, Math.abs(got[b * 2 + d] - want[d]), Math.abs(fromFile[b * 2 + d] - want[d]));
        expect(want[d]).toBeGreaterThanOrEqual(low[d]);
        expect(want[d]).toBeLessThanOrEqual(high[d]);
      }
    }
    expect(worst, `max |Δaction| of onnxruntime and loadPolicy (seed ${testSeed})`).toBeLessThan(1e-5);
    agent.dispose();
  });
});
