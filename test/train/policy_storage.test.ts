// policy.prl stores pruned layers in CSR (issue 13 item 10): a 95%-pruned ×3 policy is several times smaller than
// the dense one, loads back to the same weights and masks, and a file in the old dense format still loads.
import { createHash } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, savePolicy, type Policy } from '../../src/train/policy_file.js';
import { writeArchive } from '../../src/train/archive.js';
import { layerFromTensors, layerTensors } from '../../src/train/policy_tensors.js';
import { makePolicy, prune } from '../export/policies.js';

const dir = mkdtempSync(join(tmpdir(), 'prunerl-storage-'));

/** Every layer's weight, mask and bias bytes, hex-hashed so big layers compare fast (toEqual on 1M floats is slow). */
function weightsOf(policy: Policy): string[] {
  const bytes = (a: Float32Array | Uint8Array) => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
  return policy.network.params().map((p) => [policy.network.getWeight(p.index), policy.network.getMask(p.index), policy.network.getBias(p.index)].map(bytes).join('/'));
}

describe('policy.prl storage', () => {
  it('refuses malformed CSR tensors instead of reading past them', () => {
    const weight = new Float32Array([0, 2, 0, 0, 0, 3]), mask = new Uint8Array([0, 1, 0, 0, 0, 1]);
    const tensors = new Map<string, unknown>(layerTensors(0, 2, { weight, mask }));
    expect(tensors.has('v0')).toBe(true);
    expect(layerFromTensors(0, 6, 2, tensors)).toEqual({ weight, mask });
    tensors.set('ci0', new Int32Array([1, 7]));
    expect(layerFromTensors(0, 6, 2, tensors)).toBeNull();
  });

  it('a 95%-pruned ×3 MinAtar policy is far smaller than the dense one and loads back exactly', () => {
    const dense = makePolicy({ net: 'minatar', head: 'q', width: 3, seed: 3 });
    const pruned = makePolicy({ net: 'minatar', head: 'q', width: 3, seed: 3 });
    prune(pruned.network, 0.5, 0.95);
    savePolicy(join(dir, 'dense.prl'), dense);
    savePolicy(join(dir, 'pruned.prl'), pruned);
    const denseBytes = statSync(join(dir, 'dense.prl')).size, prunedBytes = statSync(join(dir, 'pruned.prl')).size;
    expect(prunedBytes).toBeLessThan(denseBytes / 5);
    const loaded = loadPolicy(join(dir, 'pruned.prl'));
    expect(weightsOf(loaded)).toEqual(weightsOf(pruned));
    loaded.dispose(); dense.network.dispose(); pruned.network.dispose();
  });

  it('loads a policy written in the old dense format (w, b, m per layer; format 1)', () => {
    const policy = makePolicy({ net: 'mlp', head: 'dueling', width: 1, seed: 4 });
    prune(policy.network, 0.9, 0.9);
    const tensors = new Map<string, Float32Array | Uint8Array>();
    for (const { index } of policy.network.params()) {
      tensors.set(`w${index}`, policy.network.getWeight(index));
      tensors.set(`b${index}`, policy.network.getBias(index));
      tensors.set(`m${index}`, policy.network.getMask(index));
    }
    const file = join(dir, 'old.prl');
    writeArchive(file, {
      kind: 'policy', format: 1, layers: policy.network.config.layers, inputShape: policy.network.config.inputShape,
      head: policy.head, observation: policy.observation, meta: { ...policy.meta },
    }, tensors);
    const loaded = loadPolicy(file);
    expect(weightsOf(loaded)).toEqual(weightsOf(policy));
    loaded.dispose(); policy.network.dispose();
  });
});
