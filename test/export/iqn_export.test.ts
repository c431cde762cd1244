// IQN / M-IQN export: the ONNX model's q_values are the mean of Z over the K fixed midpoints τ_i = (i + 0.5)/K,
// checked in onnxruntime against the agent's own TypeScript forward (IqnAgent.midpointQValues), pruned and not,
// for a vector (MLP) and an image (MinAtar conv) torso.
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { IqnAgent } from '../../src/agents/iqn/iqn_agent.js';
import { foldMidpointPolicy } from '../../src/agents/iqn/midpoint_policy.js';
import { architecture, type ArchitectureName } from '../../src/nn/architectures.js';
import { policyToOnnx } from '../../src/export/export_onnx.js';
import type { Policy } from '../../src/train/policy_file.js';
import { rng, testSeed } from '../helpers/random.js';
import { argmaxRows, observationFor, ortOutputs, randomObservations } from './policies.js';
import { toInput } from '../../src/train/evaluation.js';

const r = rng(testSeed);

describe.each([['mlp', [6], 0], ['mlp', [6], 0.9], ['minatar', [10, 10, 4], 0.9]] as const)('IQN export (%s, input %j, sparsity %s)', (net, inputShape, sparsity) => {
  it('gives the agent\'s midpoint Q-values in onnxruntime', async () => {
    const K = 8, actions = 3, batch = 16;
    const layers = architecture(net as ArchitectureName, { width: 1, outputs: actions, inputShape: [...inputShape] });
    const agent = new IqnAgent({ layers, inputShape: [...inputShape], optimizer: { type: 'adam', lr: 1e-3 }, seed: testSeed, actingQuantiles: K });
    if (sparsity > 0) agent.online.group.pruneLayers(agent.online.group.params().map(() => sparsity));
    const folded = foldMidpointPolicy(agent.online, K);
    const policy: Policy = {
      network: folded, head: { kind: 'q', actions }, observation: observationFor(net as ArchitectureName, [...inputShape]),
      meta: { env: 'test/env', agent: 'iqn', net, width: 1, version: '0.0.0-test' },
    };
    const session = await ort.InferenceSession.create(policyToOnnx(policy).bytes);
    const obs = randomObservations(r, policy, batch);
    const want = agent.midpointQValues(toInput(obs, policy.observation.scale), batch);
    const got = await ortOutputs(session, policy, obs, batch);
    let diff = 0, scale = 0;
    for (let i = 0; i < want.length; i++) { diff = Math.max(diff, Math.abs(got.q[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
    expect(scale).toBeGreaterThan(0);
    expect(diff / scale, `relative q difference (seed ${testSeed})`).toBeLessThan(1e-5);
    expect(got.action).toEqual(argmaxRows(got.q, batch, actions));
    folded.dispose();
    agent.dispose();
  });
});
