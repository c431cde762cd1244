// A loaded policy you can call: Q-values and greedy actions (discrete policies) or the deterministic action (SAC's
// actor) from observations in the env's own dtype and layout (Uint8Array for MinAtar's channels, Float32Array for
// CartPole's vector). The scaling the network was trained with (observation.scale) is applied here, so callers
// never repeat it. Each method refuses the other kind of policy in one line naming the method to use.
import { toInput } from './evaluation.js';
import { native } from '../native.js';
import { meanAction, qValues as headQValues } from '../agents/q_head.js';
import type { Policy } from './policy_file.js';

export interface PolicyInference {
  /** Discrete policies: expected Q-values [batch, actions] (row-major) for `batch` observations laid out one after another. */
  qValues(obs: Float32Array | Uint8Array, batch: number): Float32Array;
  /** Discrete policies: the greedy action for one observation (the first of equal maxima, as `prunerl eval` picks). */
  act(obs: Float32Array | Uint8Array): number;
  /**
   * Continuous policies (SAC): the deterministic action [batch, dims] (row-major), tanh(μ) scaled into the env's
   * bounds — what `prunerl eval` and `play` act with and what the ONNX export's `action` output gives.
   */
  action(obs: Float32Array | Uint8Array, batch?: number): Float32Array;
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
  const { head } = policy;
  const outputs = (obs: Float32Array | Uint8Array, batch: number) => policy.network.forward(networkInput(policy, obs, batch), batch);
  const discreteOnly = (method: string) => {
    if (head.kind === 'tanh-gaussian') {
      throw new RangeError(`Expected a policy with discrete actions for ${method} but this ${policy.meta.agent} policy acts continuously: use action(obs) for its action`);
    }
  };
  const qValues = (obs: Float32Array | Uint8Array, batch: number): Float32Array => {
    discreteOnly('qValues');
    return Float32Array.from(headQValues(outputs(obs, batch), batch, head));
  };
  return {
    qValues,
    act: (obs) => {
      discreteOnly('act');
      return native.argmaxRows(qValues(obs, 1), 1, head.actions)[0]!;
    },
    action: (obs, batch = 1) => {
      if (head.kind !== 'tanh-gaussian') {
        throw new RangeError(`Expected a policy with continuous actions for action but this ${policy.meta.agent} policy has ${head.actions} discrete actions: use act(obs) or qValues(obs, batch)`);
      }
      return meanAction(outputs(obs, batch), batch, head);
    },
    dispose: () => policy.network.dispose(),
  };
}
