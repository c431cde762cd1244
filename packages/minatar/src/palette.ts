// The colours of the reference's display_state() and its gym wrapper's rgb_array: seaborn's
// color_palette("cubehelix", C), i.e. matplotlib's "cubehelix" colormap (Green 2011; gamma 1, s 0.5, r −1.5, h 1)
// sampled at C evenly spaced interior points, with black in front for empty cells. A cell shows the colour of the
// highest channel set in it.
import { GAME_INFO, type GameName } from './games/index.js';

export type Rgb = readonly [number, number, number];

/** matplotlib's cubehelix colour at x in [0, 1] (_cm.cubehelix), each component clipped to [0, 1]. */
function cubehelix(x: number): [number, number, number] {
  const a = (x * (1 - x)) / 2;
  const phi = 2 * Math.PI * (0.5 / 3 - 1.5 * x);
  const component = (p0: number, p1: number) => Math.min(1, Math.max(0, x + a * (p0 * Math.cos(phi) + p1 * Math.sin(phi))));
  return [component(-0.14861, 1.78277), component(-0.29227, -0.90649), component(1.97294, 0)];
}

/** The colormap as matplotlib uses it: a 256-entry lookup table indexed by floor(x·256). */
function colormap(x: number): [number, number, number] {
  const N = 256;
  const index = Math.min(N - 1, Math.floor(x * N));
  return cubehelix(index / (N - 1));
}

/** [black, colour of channel 0, ..., colour of channel C−1], as 0–255 RGB. */
export function channelPalette(channels: number): Rgb[] {
  const palette: Rgb[] = [[0, 0, 0]];
  for (let c = 0; c < channels; c++) {
    const [r, g, b] = colormap((c + 1) / (channels + 1));
    palette.push([Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)]);
  }
  return palette;
}

/** The palette of a game (see channelPalette). */
export function gamePalette(game: GameName): Rgb[] {
  return channelPalette(GAME_INFO[game].channelNames.length);
}

/** For each cell (row-major, 100 entries): 0 when empty, else 1 + the highest channel set (the palette index). */
export function paletteIndices(obs: Uint8Array, channels: number): Uint8Array {
  const indices = new Uint8Array(100);
  for (let cell = 0; cell < 100; cell++) {
    const base = cell * channels;
    for (let c = channels - 1; c >= 0; c--) {
      if (obs[base + c]) {
        indices[cell] = c + 1;
        break;
      }
    }
  }
  return indices;
}
