// The fused learner: dqnUpdate / c51Update (the readable references, beside this file) run as one native call —
// target forward, online forward(s), head, loss, backward, optimizer step — on scratch the native side keeps
// between updates (native/model/learner.h). It matches the references bit for bit for the Q and dueling heads and
// to ≤ 1e-6 relative for C51, whose softmax uses C++'s exp where the reference uses Math.exp
// (test/agents/native_learner.test.ts checks both on random batches).
import { native, type NativeLearner } from '../native.js';
import { nativeNetworkOf, type Network } from '../nn/network.js';
import { expectFloat32Array, expectInteger, rangeError, typeError } from '../validate.js';
import type { ReplayBatch } from './replay/replay_buffer.js';
import type { UpdateResult } from './dqn_update.js';
import type { QHead } from './q_head.js';

export interface NativeLearnerOptions {
  /** Double DQN / double C51 target. */
  double: boolean;
  /** The TD loss of the Q and dueling heads (C51 always uses the cross-entropy). */
  loss: 'huber' | 'mse';
}

export class NativeValueLearner {
  readonly #native: NativeLearner;

  constructor(online: Network, target: Network, head: QHead, options: NativeLearnerOptions) {
    if (head.kind === 'tanh-gaussian') throw rangeError('a q, dueling or c51 head', 'head.kind', head.kind);
    if (typeof options?.double !== 'boolean') throw typeError('a boolean', 'options.double', options?.double);
    const nativeHead = head.kind === 'c51'
      ? { kind: head.kind, actions: head.actions, atoms: head.atoms, vMin: head.vMin, vMax: head.vMax, dueling: head.dueling }
      : { kind: head.kind, actions: head.actions };
    this.#native = new native.Learner(nativeNetworkOf(online), nativeNetworkOf(target),
      // PRUNERL_CUDA_GRAPHS=0: launch op by op on a GPU instead of replaying the recorded update (for comparison).
      { head: nativeHead, double: options.double, loss: options.loss, graphs: process.env.PRUNERL_CUDA_GRAPHS !== '0' });
  }

  /** One update of the online network on a replay batch; the same result as dqnUpdate / c51Update. */
  update(batch: ReplayBatch): UpdateResult {
    const B = expectInteger(batch.batchSize, 'batch.batchSize', 1);
    if (batch.actions.length !== B) throw rangeError(`an Int32Array of batch.batchSize (${B}) actions`, 'batch.actions', batch.actions.length);
    const weights = batch.weights === undefined ? null : expectFloat32Array(batch.weights, 'batch.weights');
    const tdErrors = new Float32Array(B);
    const loss = this.#native.update(batch.obs, batch.nextObs, batch.actions, batch.rewards, batch.discounts, batch.dones,
      weights, tdErrors);
    return { loss, tdErrors };
  }

  dispose(): void {
    this.#native.dispose();
  }
}
