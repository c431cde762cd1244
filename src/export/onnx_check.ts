// What `prunerl export` checks and prints: the exported model run in onnxruntime against the policy itself
// (loadPolicy's qValues/act, or action for SAC: the code eval and play use) on random observations shaped like the
// env's: the largest |Δq| (|Δaction| for SAC) and how many greedy actions agree. onnxruntime-node is optional (a dev dependency): without it the
// check is skipped, saying why.
import { readFileSync } from 'node:fs';
import type { LoadedPolicy } from '../train/policy_file.js';

export interface OnnxCheck {
  observations: number;
  maxAbsQDifference: number;
  /** The largest |Q| of the native policy on these observations, to read maxAbsQDifference against. */
  maxAbsQ: number;
  actionsAgreeing: number;
}

function randomObservations(policy: LoadedPolicy, batch: number): Float32Array | Uint8Array {
  const n = batch * policy.observation.shape.reduce((a, b) => a * b, 1);
  if (policy.observation.dtype === 'uint8') return Uint8Array.from({ length: n }, () => (Math.random() < 0.3 ? 1 : 0));
  return Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
}

export async function checkOnnxAgainstPolicy(policy: LoadedPolicy, modelPath: string, observations = 256): Promise<OnnxCheck> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch {
    throw new Error('onnxruntime-node is not installed (npm install onnxruntime-node)');
  }
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(modelPath)));
  try {
    const obs = randomObservations(policy, observations);
    const result = await session.run({ obs: new ort.Tensor(policy.observation.dtype, obs, [observations, ...policy.observation.shape]) });
    if (policy.head.kind === 'tanh-gaussian') {
      const q = policy.action(obs, observations);
      // A SAC actor: its output is the action itself; an action "agrees" when every dimension is within 1e-5.
      const ortAction = result.action!.data as Float32Array;
      const D = policy.head.actions;
      let maxAbsQDifference = 0, maxAbsQ = 0, actionsAgreeing = 0;
      for (let b = 0; b < observations; b++) {
        let agrees = true;
        for (let d = 0; d < D; d++) {
          const diff = Math.abs(q[b * D + d]! - ortAction[b * D + d]!);
          maxAbsQDifference = Math.max(maxAbsQDifference, diff);
          maxAbsQ = Math.max(maxAbsQ, Math.abs(q[b * D + d]!));
          if (diff > 1e-5) agrees = false;
        }
        if (agrees) actionsAgreeing++;
      }
      return { observations, maxAbsQDifference, maxAbsQ, actionsAgreeing };
    }
    const q = policy.qValues(obs, observations);
    const ortQ = result.q_values!.data as Float32Array;
    const ortActions = Array.from(result.action!.data as BigInt64Array, Number);
    let maxAbsQDifference = 0, maxAbsQ = 0, actionsAgreeing = 0;
    for (let i = 0; i < q.length; i++) {
      maxAbsQDifference = Math.max(maxAbsQDifference, Math.abs(q[i]! - ortQ[i]!));
      maxAbsQ = Math.max(maxAbsQ, Math.abs(q[i]!));
    }
    const size = obs.length / observations;
    for (let b = 0; b < observations; b++) if (policy.act(obs.subarray(b * size, (b + 1) * size)) === ortActions[b]) actionsAgreeing++;
    return { observations, maxAbsQDifference, maxAbsQ, actionsAgreeing };
  } finally {
    await session.release();
  }
}
