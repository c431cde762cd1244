// The networks of the paper and of MinAtar, as layer specs with a width multiplier (×1, ×3, ×5 in the paper).
// Convolutions are NHWC; every head is a single linear layer with `outputs` units (for dueling / C51 heads the
// agent asks for (actions + 1)·atoms outputs: one linear layer is exactly two side-by-side linear heads).
import type { LayerSpec } from '../native.js';
import { expectInteger, expectOneOf } from '../validate.js';

export const architectureNames = ['mlp', 'minatar', 'nature', 'impala'] as const;
export type ArchitectureName = (typeof architectureNames)[number];

/**
 * What the width multiplies: 'conv' (the paper's) scales convolution channels and keeps the dense hidden layer's
 * size; 'all' scales the dense hidden units too. An MLP has no convolutions, so its hidden layers scale either way.
 */
export type WidthScales = 'conv' | 'all';
export const widthScalesNames: readonly WidthScales[] = ['conv', 'all'];

export interface ArchitectureOptions {
  /** Width multiplier (the paper's ×1, ×3, ×5). */
  width: number;
  /** What the width multiplies; default 'conv', as the paper scales its networks. */
  widthScales?: WidthScales;
  /** Units of the final linear layer. */
  outputs: number;
  /** One sample's shape: [features] for mlp, [height, width, channels] for the convolutional ones. */
  inputShape: number[];
}

/**
 * Two hidden layers of 256·width units, as RL Baselines3 Zoo's CartPole DQN ([256, 256]). Measured here: 64-unit
 * layers learn CartPole-v1 too, but collapse and recover far more often, dense and pruned alike.
 */
export function mlp({ width, outputs }: ArchitectureOptions): LayerSpec[] {
  const hidden = 256 * width;
  return [{ type: 'linear', out: hidden }, { type: 'relu' }, { type: 'linear', out: hidden }, { type: 'relu' }, { type: 'linear', out: outputs }];
}

/** Young & Tian 2019's MinAtar DQN: conv 3×3, 16 channels, no padding → 128 → outputs. */
export function minatarNet({ width, outputs, widthScales }: ArchitectureOptions): LayerSpec[] {
  return [
    { type: 'conv2d', out: 16 * width, kernel: 3 }, { type: 'relu' }, { type: 'flatten' },
    { type: 'linear', out: denseUnits(128, width, widthScales) }, { type: 'relu' }, { type: 'linear', out: outputs },
  ];
}

/** The dense hidden layer's units: its base size, times the width only when the width scales everything. */
function denseUnits(base: number, width: number, widthScales: WidthScales = 'conv'): number {
  return widthScales === 'all' ? base * width : base;
}

/**
 * Mnih et al. 2015's NatureCNN (32 8×8/4, 64 4×4/2, 64 3×3/1 → 512). On inputs smaller than Atari's 84×84 the
 * kernels and strides shrink so that every layer still sees a valid map: for a 10×10 MinAtar grid, 3×3/1 convs.
 */
export function natureCnn({ width, outputs, inputShape, widthScales }: ArchitectureOptions): LayerSpec[] {
  const small = Math.min(inputShape[0], inputShape[1]) < 36;
  const convs = small
    ? [{ out: 32, kernel: 3, stride: 1 }, { out: 64, kernel: 3, stride: 1 }, { out: 64, kernel: 3, stride: 1 }]
    : [{ out: 32, kernel: 8, stride: 4 }, { out: 64, kernel: 4, stride: 2 }, { out: 64, kernel: 3, stride: 1 }];
  const layers: LayerSpec[] = [];
  for (const c of convs) layers.push({ type: 'conv2d', out: c.out * width, kernel: c.kernel, stride: c.stride }, { type: 'relu' });
  layers.push({ type: 'flatten' }, { type: 'linear', out: denseUnits(512, width, widthScales) }, { type: 'relu' }, { type: 'linear', out: outputs });
  return layers;
}

/**
 * Espeholt et al. 2018's Impala ResNet (15 layers: 3 stacks of conv 3×3 + max-pool 3×3/2 + 2 residual blocks,
 * channels 16, 32, 32, then a 512-unit linear layer), as the paper's Dopamine code uses it. On small inputs (MinAtar's 10×10) a
 * stack skips its max-pool once the map is 1×1; convolutions and residual blocks stay, so the depth is unchanged.
 */
export function impalaResNet({ width, outputs, inputShape, widthScales }: ArchitectureOptions): LayerSpec[] {
  const layers: LayerSpec[] = [];
  let size = Math.min(inputShape[0], inputShape[1]);
  for (const channels of [16, 32, 32]) {
    const c = channels * width;
    layers.push({ type: 'conv2d', out: c, kernel: 3, padding: 1 });
    if (size > 1) {
      layers.push({ type: 'maxpool2d', kernel: 3, stride: 2, padding: 1 });
      size = Math.floor((size + 2 - 3) / 2) + 1;
    }
    for (let block = 0; block < 2; block++) {
      layers.push({
        type: 'residual',
        body: [{ type: 'relu' }, { type: 'conv2d', out: c, kernel: 3, padding: 1 }, { type: 'relu' }, { type: 'conv2d', out: c, kernel: 3, padding: 1 }],
      });
    }
  }
  layers.push({ type: 'relu' }, { type: 'flatten' }, { type: 'linear', out: denseUnits(512, width, widthScales) }, { type: 'relu' }, { type: 'linear', out: outputs });
  return layers;
}

const builders: Record<ArchitectureName, (o: ArchitectureOptions) => LayerSpec[]> = {
  mlp, minatar: minatarNet, nature: natureCnn, impala: impalaResNet,
};

/** The layer specs of a named architecture. */
export function architecture(name: ArchitectureName, options: ArchitectureOptions): LayerSpec[] {
  expectOneOf(name, 'net', architectureNames);
  expectInteger(options.width, 'width', 1, 64);
  expectInteger(options.outputs, 'outputs', 1);
  if (options.widthScales !== undefined) expectOneOf(options.widthScales, 'widthScales', widthScalesNames);
  const spatial = options.inputShape.length === 3;
  if (name === 'mlp' && spatial) return [{ type: 'flatten' }, ...mlp(options)];
  if (name !== 'mlp' && !spatial) {
    throw new RangeError(`Expected an image observation [height, width, channels] for net '${name}' but received shape [${options.inputShape.join(', ')}]; use net 'mlp'`);
  }
  return builders[name](options);
}
