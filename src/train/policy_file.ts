// A trained policy on disk: the network's layers and parameters (masks included), the Q-head and what it was
// trained on. `<run>/policy.prl` is written with every checkpoint; `prunerl export` and `prunerl eval` read it.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Network, type LayerSpec } from '../nn/network.js';
import { checkHead, type QHead } from '../agents/q_head.js';
import { readArchive, writeArchive } from './archive.js';
import { prunerlVersion } from '../version.js';
import { policyInference, type PolicyInference } from './policy_inference.js';
import { layerFromTensors, layerTensors } from './policy_tensors.js';

export const POLICY_FILE = 'policy.prl';

/** How observations enter the network: the env's own layout and dtype, scaled by `scale` after a cast to float. */
export interface ObservationSpec {
  shape: number[];
  dtype: 'float32' | 'uint8';
  scale: number;
}

/** What the policy was trained on, for metadata and reports. */
export interface PolicyMeta {
  env: string;
  agent: string;
  net: string;
  width: number;
  /** prunerl's version that wrote it. */
  version: string;
  [key: string]: unknown;
}

export interface Policy {
  network: Network;
  head: QHead;
  observation: ObservationSpec;
  meta: PolicyMeta;
}

/** A policy read from disk, ready to use: `qValues(obs, batch)` and `act(obs)` (discrete), `action(obs)` (SAC), `dispose()`. */
export type LoadedPolicy = Policy & PolicyInference;

interface PolicyHeader {
  kind: 'policy';
  /** 1: dense weights and masks; 2: pruned layers in CSR (policy_tensors.ts). Both load. */
  format: 1 | 2;
  layers: LayerSpec[];
  inputShape: number[];
  head: QHead;
  observation: ObservationSpec;
  meta: PolicyMeta;
}

export function savePolicy(path: string, policy: Omit<Policy, 'meta'> & { meta: Omit<PolicyMeta, 'version'> }): void {
  const { network } = policy;
  const tensors = new Map<string, Float32Array | Int32Array | Uint8Array>();
  for (const p of network.params()) {
    for (const [name, t] of layerTensors(p.index, p.shape[0]!, { weight: network.getWeight(p.index), mask: network.getMask(p.index) })) tensors.set(name, t);
    tensors.set(`b${p.index}`, network.getBias(p.index));
  }
  const header: PolicyHeader = {
    kind: 'policy', format: 2,
    layers: network.config.layers, inputShape: network.config.inputShape,
    head: policy.head, observation: policy.observation,
    meta: { ...policy.meta, version: prunerlVersion } as PolicyMeta,
  };
  writeArchive(path, header, tensors);
}

/** Loads `path`, or `<path>/policy.prl` when path is a run directory. One-line errors for anything else. */
export function loadPolicy(path: string): LoadedPolicy {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, POLICY_FILE) : path;
  if (!existsSync(file)) {
    throw new Error(`Expected a run directory with a ${POLICY_FILE} (written by prunerl train) or a policy file for run but found nothing at ${file}`);
  }
  const { header, tensors } = readArchive<PolicyHeader>(file);
  if (header.kind !== 'policy') throw new Error(`Expected a policy archive for ${file} but it holds a '${header.kind}'`);
  const network = new Network({ layers: header.layers, inputShape: header.inputShape, seed: 0 });
  for (const p of network.params()) {
    const layer = layerFromTensors(p.index, p.size, p.shape[0]!, tensors), b = tensors.get(`b${p.index}`);
    if (layer === null || !(b instanceof Float32Array)) {
      throw new Error(`Expected parameters of layer ${p.index} in ${file} but they are missing or malformed`);
    }
    network.setWeight(p.index, layer.weight);
    network.setBias(p.index, b);
    network.setMask(p.index, layer.mask);
  }
  const policy: Policy = { network, head: checkHead(header.head), observation: header.observation, meta: header.meta };
  return { ...policy, ...policyInference(policy) };
}
