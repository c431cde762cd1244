// The TF.js side of bench/train.js: the same DQN update written the way a Node user would with @tensorflow/tfjs
// (raw ops, the fastest TF.js path: no tf.layers bookkeeping), on the pure-JS 'cpu' backend.
// TF.js has no sparse kernels, so its "pruned" update is the dense update followed by multiplying the masks back
// into the weights (what the paper's JaxPruner code does): sparsity costs it a little and saves it nothing.
import * as tf from '@tensorflow/tfjs';
import { ADAM, BATCH, GAMMA } from './_dqn_batch.js';

export async function useTfjsCpu() {
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.version.tfjs;
}

/** TF.js layouts from ours: linear [out, in] → [in, out]; conv2d [outC, kH, kW, inC] → [kH, kW, inC, outC]. */
function toTf(kind, shape, values) {
  return tf.tidy(() => {
    const t = tf.tensor(values, shape);
    return kind === 'linear' ? t.transpose() : t.transpose([1, 2, 3, 0]);
  });
}

/** Variables holding a copy of a native network's weights, biases and (when pruned) masks. */
function copyParams(network, trainable) {
  return network.params().map((p) => ({
    kind: p.kind,
    w: tf.variable(toTf(p.kind, p.shape, network.getWeight(p.index)), trainable),
    b: tf.variable(tf.tensor1d(network.getBias(p.index)), trainable),
    mask: p.kept < p.size ? toTf(p.kind, p.shape, Float32Array.from(network.getMask(p.index))) : null,
  }));
}

/** Online and target parameters starting from exactly our networks' values. */
export function tfjsNetworks(ours) {
  return { online: copyParams(ours.online, true), target: copyParams(ours.target, false) };
}

/** Forward pass over our layer specs (conv2d without padding, relu, flatten, linear). x: [BATCH, ...inputShape]. */
function forward(layers, params, x) {
  let h = x;
  let next = 0;
  for (const layer of layers) {
    if (layer.type === 'conv2d') {
      const p = params[next++];
      h = tf.add(tf.conv2d(h, p.w, layer.stride ?? 1, 'valid'), p.b);
    } else if (layer.type === 'linear') {
      const p = params[next++];
      h = tf.add(tf.matMul(h, p.w), p.b);
    } else if (layer.type === 'relu') {
      h = tf.relu(h);
    } else if (layer.type === 'flatten') {
      h = tf.reshape(h, [BATCH, -1]);
    } else {
      throw new RangeError(`Expected one of conv2d, linear, relu, flatten for layer.type but received '${layer.type}'`);
    }
  }
  return h;
}

/** { update(): loss, dispose() }: one DQN update on `batch` per call. */
export function tfjsUpdate(nets, layers, inputShape, batch, actions) {
  const obs = tf.tensor(batch.obs, [BATCH, ...inputShape]);
  const nextObs = tf.tensor(batch.nextObs, [BATCH, ...inputShape]);
  const rewards = tf.tensor1d(batch.rewards);
  const taken = tf.oneHot(tf.tensor1d(batch.actions, 'int32'), actions);
  const optimizer = tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
  const variables = nets.online.flatMap((p) => [p.w, p.b]);
  const masked = nets.online.filter((p) => p.mask !== null);
  const update = () => {
    const targets = tf.tidy(() => tf.add(rewards, tf.mul(GAMMA, tf.max(forward(layers, nets.target, nextObs), 1))));
    const loss = optimizer.minimize(() => {
      const qTaken = tf.sum(tf.mul(forward(layers, nets.online, obs), taken), 1);
      return tf.losses.huberLoss(targets, qTaken, undefined, 1);
    }, true, variables);
    tf.tidy(() => masked.forEach((p) => p.w.assign(tf.mul(p.w, p.mask))));
    targets.dispose();
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  const dispose = () => {
    optimizer.dispose();
    tf.dispose([obs, nextObs, rewards, taken]);
  };
  return { update, dispose };
}

/** Current online weights in our layouts, to compare both sides after the same update. */
export function tfjsWeights(nets) {
  return nets.online.map((p) => tf.tidy(() => (p.kind === 'linear' ? p.w.transpose() : p.w.transpose([3, 0, 1, 2])).dataSync()));
}

export function disposeTfjs(nets) {
  for (const p of [...nets.online, ...nets.target]) {
    p.w.dispose();
    p.b.dispose();
    p.mask?.dispose();
  }
}
