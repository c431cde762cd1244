// A float64 JavaScript forward pass of a Network spec, the numerical truth for the native Network's tests.
// Layouts match the native side: NHWC activations, linear weights [out, in], conv filters [outC, kH, kW, inC].
import type { LayerSpec } from '../../src/native.js';

export interface RefParams {
  weights: Float64Array[]; // one per weight layer, in construction order
  biases: Float64Array[];
}

interface Act {
  data: Float64Array; // [batch, h, w, c] or [batch, c]
  h: number;
  w: number;
  c: number;
  spatial: boolean;
}

export function referenceForward(spec: LayerSpec[], inputShape: number[], params: RefParams, x: ArrayLike<number>, batch: number): Float64Array {
  const spatial = inputShape.length === 3;
  const [h, w, c] = spatial ? inputShape : [1, 1, inputShape[0]];
  const counter = { next: 0 };
  const out = run(spec, { data: Float64Array.from(x), h, w, c, spatial }, batch, params, counter);
  return out.data;
}

function run(spec: LayerSpec[], input: Act, batch: number, params: RefParams, counter: { next: number }): Act {
  let a = input;
  for (const layer of spec) a = apply(layer, a, batch, params, counter);
  return a;
}

function apply(layer: LayerSpec, a: Act, batch: number, params: RefParams, counter: { next: number }): Act {
  switch (layer.type) {
    case 'relu':
      return { ...a, data: a.data.map((v) => (v > 0 ? v : 0)) };
    case 'flatten':
      return { data: a.data.slice(), h: 1, w: 1, c: a.h * a.w * a.c, spatial: false };
    case 'linear': {
      const W = params.weights[counter.next];
      const b = params.biases[counter.next++];
      const inF = a.c * a.h * a.w;
      const y = new Float64Array(batch * layer.out);
      for (let n = 0; n < batch; n++)
        for (let o = 0; o < layer.out; o++) {
          let s = b[o];
          for (let i = 0; i < inF; i++) s += a.data[n * inF + i] * W[o * inF + i];
          y[n * layer.out + o] = s;
        }
      return { data: y, h: 1, w: 1, c: layer.out, spatial: false };
    }
    case 'conv2d': {
      const W = params.weights[counter.next];
      const b = params.biases[counter.next++];
      const k = layer.kernel, s = layer.stride ?? 1, p = layer.padding ?? 0;
      const oh = Math.floor((a.h + 2 * p - k) / s) + 1, ow = Math.floor((a.w + 2 * p - k) / s) + 1;
      const y = new Float64Array(batch * oh * ow * layer.out);
      for (let n = 0; n < batch; n++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++)
            for (let oc = 0; oc < layer.out; oc++) {
              let acc = b[oc];
              for (let ky = 0; ky < k; ky++)
                for (let kx = 0; kx < k; kx++) {
                  const iy = oy * s - p + ky, ix = ox * s - p + kx;
                  if (iy < 0 || iy >= a.h || ix < 0 || ix >= a.w) continue;
                  for (let ic = 0; ic < a.c; ic++)
                    acc += a.data[((n * a.h + iy) * a.w + ix) * a.c + ic] * W[((oc * k + ky) * k + kx) * a.c + ic];
                }
              y[((n * oh + oy) * ow + ox) * layer.out + oc] = acc;
            }
      return { data: y, h: oh, w: ow, c: layer.out, spatial: true };
    }
    case 'maxpool2d': {
      const k = layer.kernel, s = layer.stride ?? k, p = layer.padding ?? 0;
      const oh = Math.floor((a.h + 2 * p - k) / s) + 1, ow = Math.floor((a.w + 2 * p - k) / s) + 1;
      const y = new Float64Array(batch * oh * ow * a.c);
      for (let n = 0; n < batch; n++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++)
            for (let ch = 0; ch < a.c; ch++) {
              let m = -Infinity;
              for (let ky = 0; ky < k; ky++)
                for (let kx = 0; kx < k; kx++) {
                  const iy = oy * s - p + ky, ix = ox * s - p + kx;
                  if (iy < 0 || iy >= a.h || ix < 0 || ix >= a.w) continue;
                  m = Math.max(m, a.data[((n * a.h + iy) * a.w + ix) * a.c + ch]);
                }
              y[((n * oh + oy) * ow + ox) * a.c + ch] = m;
            }
      return { data: y, h: oh, w: ow, c: a.c, spatial: true };
    }
    case 'residual': {
      const body = run(layer.body, a, batch, params, counter);
      return { ...a, data: a.data.map((v, i) => v + body.data[i]) };
    }
  }
}
