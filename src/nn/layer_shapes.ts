// Output positions per weight layer, from the layer specs: 1 for a linear layer, outH·outW for a conv. Used to
// count FLOPs (each kept weight costs one multiply-add per output position and sample).
import type { LayerSpec } from '../native.js';

function convOut(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** Output positions of each weight layer (conv2d / linear), in Network.params() order. */
export function weightLayerPositions(layers: LayerSpec[], inputShape: number[]): number[] {
  const positions: number[] = [];
  let [h, w] = inputShape.length === 3 ? [inputShape[0], inputShape[1]] : [1, 1];
  const walk = (specs: LayerSpec[]): void => {
    for (const layer of specs) {
      if (layer.type === 'conv2d') {
        h = convOut(h, layer.kernel, layer.stride ?? 1, layer.padding ?? 0);
        w = convOut(w, layer.kernel, layer.stride ?? 1, layer.padding ?? 0);
        positions.push(h * w);
      } else if (layer.type === 'maxpool2d') {
        h = convOut(h, layer.kernel, layer.stride ?? 1, layer.padding ?? 0);
        w = convOut(w, layer.kernel, layer.stride ?? 1, layer.padding ?? 0);
      } else if (layer.type === 'linear') {
        positions.push(1);
      } else if (layer.type === 'flatten') {
        h = 1; w = 1;
      } else if (layer.type === 'residual') {
        const [h0, w0] = [h, w];
        walk(layer.body);
        [h, w] = [h0, w0];
      }
    }
  };
  walk(layers);
  return positions;
}

/**
 * One sample's shape at the output of each ReLU, in the order Network.activations() returns them: [h, w, c] inside
 * a conv stack, [units] after flatten. The dormant-neuron metric needs it to count conv channels as neurons.
 */
export function reluOutputShapes(layers: LayerSpec[], inputShape: number[]): number[][] {
  const shapes: number[][] = [];
  let shape = [...inputShape];
  const walk = (specs: LayerSpec[]): void => {
    for (const layer of specs) {
      if (layer.type === 'conv2d') {
        const [h, w] = shape;
        shape = [convOut(h, layer.kernel, layer.stride ?? 1, layer.padding ?? 0), convOut(w, layer.kernel, layer.stride ?? 1, layer.padding ?? 0), layer.out];
      } else if (layer.type === 'maxpool2d') {
        const [h, w, c] = shape;
        shape = [convOut(h, layer.kernel, layer.stride ?? 1, layer.padding ?? 0), convOut(w, layer.kernel, layer.stride ?? 1, layer.padding ?? 0), c];
      } else if (layer.type === 'linear') {
        shape = [layer.out];
      } else if (layer.type === 'flatten') {
        shape = [shape.reduce((a, b) => a * b, 1)];
      } else if (layer.type === 'relu') {
        shapes.push([...shape]);
      } else if (layer.type === 'residual') {
        walk(layer.body); // a residual body keeps its input's shape
      }
    }
  };
  walk(layers);
  return shapes;
}
