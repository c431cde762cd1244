// Rendering for people: ANSI blocks in the reference's colours, PNG frames and animated GIFs of an episode.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import omggif from 'omggif';
import pngjs from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { make } from '../src/environment.js';
import { encodeGif, rgbaFrame, writeGif, writePngFrames } from '../src/frames.js';
import type { GameName } from '../src/games/index.js';
import { channelPalette, paletteIndices } from '../src/palette.js';
import { legendAnsi, renderAnsi } from '../src/render_ansi.js';

const scratch = mkdtempSync(join(tmpdir(), 'minatar-render-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function episode(game: GameName, steps: number): Uint8Array[] {
  const env = make(game, { seed: 3 });
  const frames = [env.reset()];
  for (let t = 0; t < steps; t++) {
    const { obs, terminated } = env.step(t % 6);
    frames.push(obs);
    if (terminated) break;
  }
  return frames;
}

describe('bad calls', () => {
  it('refuses observations of the wrong kind or size, and unknown games', () => {
    expect(() => renderAnsi(new Float32Array(400) as unknown as Uint8Array, 'breakout')).toThrow(TypeError);
    expect(() => renderAnsi(new Uint8Array(399), 'breakout')).toThrow(
      'Expected a Uint8Array of 400 entries (10·10·4 for breakout) for obs but received 399',
    );
    expect(() => renderAnsi(new Uint8Array(400), 'pong' as GameName)).toThrow(/one of asterix/);
    expect(() => encodeGif([], 'breakout')).toThrow(RangeError);
    expect(() => encodeGif([new Uint8Array(400)], 'breakout', { scale: 0 })).toThrow(/options.scale/);
    expect(() => encodeGif([new Uint8Array(400)], 'breakout', { frameMs: 1 })).toThrow(/options.frameMs/);
    expect(() => rgbaFrame(new Uint8Array(400), 'breakout', { scale: 2.5 })).toThrow(RangeError);
  });
});

describe('palette', () => {
  it("is black then seaborn's cubehelix colours, as the reference's display", () => {
    // seaborn's color_palette("cubehelix", 4): matplotlib's cubehelix lookup table (_cm.cubehelix, 256 entries)
    // at 1/5, 2/5, 3/5, 4/5, computed with numpy from those formulas, times 255 and rounded.
    expect(channelPalette(4)).toEqual([[0, 0, 0], [22, 61, 78], [84, 121, 47], [208, 126, 147], [193, 202, 243]]);
  });

  it('colours a cell by its highest channel', () => {
    const obs = new Uint8Array(400);
    obs[0] = 1; // cell 0: channel 0
    obs[4 + 1] = 1; // cell 1: channels 1 and 3
    obs[4 + 3] = 1;
    const indices = paletteIndices(obs, 4);
    expect([...indices.slice(0, 3)]).toEqual([1, 4, 0]);
  });
});

describe('renderAnsi', () => {
  it('draws 10 rows of 10 two-space cells with 24-bit background colours', () => {
    const [obs] = episode('breakout', 0);
    const text = renderAnsi(obs, 'breakout');
    const lines = text.split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) {
      expect(line.replace(/\x1b\[[0-9;]*m/g, '')).toBe(' '.repeat(20));
      expect(line.endsWith('\x1b[0m')).toBe(true);
    }
    // Row 1 is all bricks (channel 3: the 4th palette colour); the paddle (channel 0) is on the bottom row.
    expect(lines[1]).toBe('\x1b[48;2;193;202;243m' + ' '.repeat(20) + '\x1b[0m');
    // The paddle's reference colour (22,61,78) is lifted to a visible luma of 96 in the terminal, hue kept.
    expect(lines[9]).toContain('\x1b[48;2;64;103;120m');
    expect(legendAnsi('breakout')).toMatch(/paddle.*ball.*trail.*brick/);
  });
});

describe('frames', () => {
  it('rgbaFrame scales each cell to a block of its colour', () => {
    const [obs] = episode('space_invaders', 0);
    const { width, height, data } = rgbaFrame(obs, 'space_invaders', { scale: 3 });
    expect([width, height, data.length]).toEqual([30, 30, 30 * 30 * 4]);
    const palette = channelPalette(6);
    const pixel = (x: number, y: number) => [...data.slice((y * 30 + x) * 4, (y * 30 + x) * 4 + 4)];
    // An alien at row 0, column 2 (its direction channel, alien_left = 2, is the highest set): pixels (6..8, 0..2).
    expect(pixel(7, 1)).toEqual([...palette[3], 255]);
    expect(pixel(0, 0)).toEqual([0, 0, 0, 255]);
  });

  it('writes PNG frames that decode to the same pixels', () => {
    const frames = episode('seaquest', 4);
    const paths = writePngFrames(frames, 'seaquest', join(scratch, 'png'), { scale: 4 });
    expect(paths.map((p) => p.slice(-15))).toEqual(frames.map((_, i) => `frame-0000${i}.png`));
    const decoded = pngjs.PNG.sync.read(readFileSync(paths[2]));
    expect([decoded.width, decoded.height]).toEqual([40, 40]);
    expect(new Uint8Array(decoded.data)).toEqual(rgbaFrame(frames[2], 'seaquest', { scale: 4 }).data);
  });

  it('writes an animated GIF whose frames decode to the game colours', () => {
    const frames = episode('asterix', 30);
    const path = writeGif(frames, 'asterix', join(scratch, 'asterix.gif'), { scale: 5, frameMs: 80 });
    const reader = new omggif.GifReader(readFileSync(path));
    expect([reader.width, reader.height, reader.numFrames()]).toEqual([50, 50, frames.length]);
    expect(reader.loopCount()).toBe(0);
    expect(reader.frameInfo(0).delay).toBe(8);
    const last = frames.length - 1;
    const rgba = new Uint8Array(50 * 50 * 4);
    reader.decodeAndBlitFrameRGBA(last, rgba);
    expect(rgba).toEqual(rgbaFrame(frames[last], 'asterix', { scale: 5 }).data);
  });

  it('grows its buffer when frames compress badly', () => {
    // Random cells compress far worse than the first size guess (an eighth of a byte per pixel).
    const noise = Array.from({ length: 50 }, () => Uint8Array.from({ length: 700 }, () => (Math.random() < 0.3 ? 1 : 0)));
    const bytes = encodeGif(noise, 'freeway', { scale: 2 });
    expect(bytes.length).toBeGreaterThan(1024 + 50 * (20 * 20 / 8 + 32));
    const reader = new omggif.GifReader(bytes);
    expect(reader.numFrames()).toBe(50);
    const rgba = new Uint8Array(20 * 20 * 4);
    reader.decodeAndBlitFrameRGBA(49, rgba);
    expect(rgba).toEqual(rgbaFrame(noise[49], 'freeway', { scale: 2 }).data);
  });
});
