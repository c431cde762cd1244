// Our side of bench/train.js: a full DQN update on prunerl's native Network, the same steps as bench/update.js
// (target forward, online forward and backward, Huber loss on the taken action's Q, Adam), for any action count.
import { Network } from '../dist/nn/network.js';
import { native } from '../dist/native.js';
import { ADAM, BATCH, GAMMA } from './_dqn_batch.js';

/** Online and target networks; `sparsity` > 0 magnitude-prunes every weight layer to it (pruneLayers). */
export function oursNetworks(layers, inputShape, sparsity) {
  const online = new Network({ layers, inputShape, seed: 1 });
  const target = new Network({ layers, inputShape, seed: 2 });
  if (sparsity > 0) online.pruneLayers(online.params().map(() => sparsity));
  target.copyFrom(online);
  online.setOptimizer({ type: 'adam', lr: ADAM.lr, beta1: ADAM.beta1, beta2: ADAM.beta2, eps: ADAM.eps });
  return { online, target };
}

/** { update(): loss, dispose() }: one DQN update on `batch` per call. */
export function oursUpdate({ online, target }, batch, actions) {
  const { obs, nextObs, rewards, actions: taken } = batch;
  const targets = new Float32Array(BATCH);
  const dq = new Float32Array(BATCH * actions);
  const update = () => {
    const maxNext = native.maxRows(target.forward(nextObs, BATCH), BATCH, actions);
    for (let b = 0; b < BATCH; b++) targets[b] = rewards[b] + GAMMA * maxNext[b];
    const q = online.forward(obs, BATCH);
    const { loss, grad } = native.huberLoss(native.gatherRows(q, taken, BATCH, actions), targets, 1);
    dq.fill(0);
    for (let b = 0; b < BATCH; b++) dq[b * actions + taken[b]] = grad[b];
    online.backward(dq);
    online.step();
    return loss;
  };
  const dispose = () => {
    online.dispose();
    target.dispose();
  };
  return { update, dispose };
}
