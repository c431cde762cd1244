// dLoss/dInput of a Linear/ReLU stack's last forward pass. The native Network's backward() fills the weight
// gradients but returns no input gradient; a model made of several Networks (IQN: torso ⊙ embedding → head; SAC:
// the actor's gradient through the critic's action input) needs it. It is rebuilt here from the layer weights
// (pruned ones are stored as zeros, so sparse layers are exact too) and the ReLU outputs of the last forward:
//   linear: dx = dy · W      (W stored [out, in]: one native gemm)      relu: dx = dy ⊙ 1[y > 0]
// Network.backward(dOut, dInput) now returns it natively (IQN uses that); this rebuild stays as the reference the
// tests compare against, and for SAC's actor gradient through the critics until that moves too.
import { native } from '../native.js';
import type { Network } from './network.js';

/**
 * dLoss/dInput [batch, inputSize] for a network of linear and relu layers only, after forward() and backward().
 * `scratch(name, length)`, when given, supplies the dx arrays (overwritten: gemm's β is 0), so a caller that runs
 * this every update (IQN, B·N rows) reuses them instead of allocating megabytes per call.
 */
export function linearStackInputGradient(
  net: Network, dOut: Float32Array, batch: number, scratch?: (name: string, length: number) => Float32Array,
): Float32Array {
  const layers = net.config.layers;
  for (const l of layers) {
    if (l.type !== 'linear' && l.type !== 'relu') {
      throw new RangeError(`Expected a network of linear and relu layers for an input gradient but it has a ${l.type} layer`);
    }
  }
  const params = net.params();
  const activations = net.activations();
  let weightIndex = params.length - 1;
  let reluIndex = activations.length - 1;
  let grad = dOut;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (layer.type === 'relu') {
      grad = native.reluBackward(activations[reluIndex--], grad);
    } else {
      const [out, inputs] = params[weightIndex].shape;
      const dx = scratch ? scratch(`dx${weightIndex}`, batch * inputs) : new Float32Array(batch * inputs);
      native.gemm(grad, net.getWeight(params[weightIndex].index), dx, { m: batch, n: inputs, k: out });
      weightIndex--;
      grad = dx;
    }
  }
  return grad;
}
