// A loaded policy you can call: Q-values and greedy actions from observations in the env's own dtype and layout
// (Uint8Array for MinAtar's channels, Float32Array for CartPole's vector). The scaling the network was trained
// with (observation.scale) is applied here, so callers never repeat it.
import { toInput } from './evaluation.js';
import { native } from '../native.js';
import { qValues as headQValues } from '../agents/q_head.js';
import type { Policy } from './policy_file.js';

export interface PolicyInference {
  /** Expected Q-values [batch, actions] (row-major) for `batch` observations laid out one after another. */
  qValues(obs: Float32Array | Uint8Array, batch: number): Float32Array;
  /** The greedy action for one observation (the first of equal maxima, as `prunerl eval` picks). */
  act(obs: Float32Array | Uint8Array): number;
  /** Frees the native network; the policy cannot be used afterwards. */
  dispose(): void;
}

function observationSize(policy: Policy): number {
  return policy.observation.shape.reduce((a, b) => a * b, 1);
}

/** The network's input: the observations cast to float and scaled, after checking dtype and length. */
function networkInput(policy: Policy, obs: Float32Array | Uint8Array, batch: number): Float32Array {
  const { dtype, scale, shape } = policy.observation;
  const expected = dtype === 'uint8' ? Uint8Array : Float32Array;
  if (!(obs instanceof expected)) {
    throw new TypeError(`Expected a ${expected.name} for obs (this policy's env gives ${dtype} observations) but received ${obs?.constructor?.name ?? typeof obs}`);
  }
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`Expected an integer ≥ 1 for batch but received ${batch}`);
  const size = observationSize(policy);
  if (obs.length !== batch * size) {
    throw new RangeError(`Expected ${batch * size} values for obs (batch ${batch} × shape [${shape.join(', ')}]) but received ${obs.length}`);
  }
  return toInput(obs, scale);
}

export function policyInference(policy: Policy): PolicyInference {
  const qValues = (obs: Float32Array | Uint8Array, batch: number): Float32Array =>
    Float32Array.from(headQValues(policy.network.forward(networkInput(policy, obs, batch), batch), batch, policy.head));
  return {
    qValues,
    act: (obs) => {
      if (policy.head.kind === 'tanh-gaussian') {
        throw new RangeError('Expected a policy with discrete actions for act but this SAC policy acts continuously: qValues(obs, 1) returns its action');
      }
      return native.argmaxRows(qValues(obs, 1), 1, policy.head.actions)[0]!;
    },
    dispose: () => policy.network.dispose(),
  };
}
