// Saving episodes as pictures: one PNG per frame (pngjs) or one animated GIF (omggif), in the reference's colours.
// Frames are observations as step() returns them; each grid cell becomes a `scale`×`scale` block of pixels.
// Files are written to a temporary name and renamed, so a crash never leaves a half-written picture.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import omggif from 'omggif';
import pngjs from 'pngjs';
import { checkGameName, type GameName } from './games/index.js';
import { gamePalette, paletteIndices } from './palette.js';
import { checkObservation } from './render_ansi.js';
import { expectSafeInteger, rangeError, typeError } from './validate.js';

export interface FrameOptions {
  /** Pixels per grid cell (default 16: 160×160 pictures). */
  scale?: number;
}

export interface GifOptions extends FrameOptions {
  /** Time each frame is shown, in milliseconds (default 100; GIF keeps hundredths of a second). */
  frameMs?: number;
  /** Times to play the animation: 0 (the default) loops forever. */
  loop?: number;
}

function checkFrames(frames: unknown, game: GameName): Uint8Array[] {
  if (!Array.isArray(frames)) throw typeError('an array of observations', 'frames', frames);
  if (frames.length === 0) throw rangeError('at least one observation', 'frames', 'an empty array');
  frames.forEach((frame) => checkObservation(frame, game));
  return frames as Uint8Array[];
}

function checkScale(scale: unknown): number {
  const value = expectSafeInteger(scale ?? 16, 'options.scale');
  if (value < 1 || value > 256) throw rangeError('an integer in [1, 256]', 'options.scale', value);
  return value;
}

/** The palette index of every pixel of one frame, row-major, (10·scale)². */
function indexedPixels(obs: Uint8Array, channels: number, scale: number): Uint8Array {
  const cells = paletteIndices(obs, channels);
  const side = 10 * scale;
  const pixels = new Uint8Array(side * side);
  for (let py = 0; py < side; py++) {
    const row = Math.floor(py / scale) * 10;
    for (let px = 0; px < side; px++) pixels[py * side + px] = cells[row + Math.floor(px / scale)];
  }
  return pixels;
}

/** One frame as RGBA pixels (what a PNG holds): { width, height, data }. */
export function rgbaFrame(obs: Uint8Array, game: GameName, options: FrameOptions = {}): { width: number; height: number; data: Uint8Array } {
  const name = checkGameName(game);
  const channels = checkObservation(obs, name);
  const scale = checkScale(options.scale);
  const palette = gamePalette(name);
  const pixels = indexedPixels(obs, channels, scale);
  const data = new Uint8Array(pixels.length * 4);
  for (let i = 0; i < pixels.length; i++) {
    const [r, g, b] = palette[pixels[i]];
    data[4 * i] = r;
    data[4 * i + 1] = g;
    data[4 * i + 2] = b;
    data[4 * i + 3] = 255;
  }
  return { width: 10 * scale, height: 10 * scale, data };
}

/** One frame as PNG file bytes. */
export function encodePng(obs: Uint8Array, game: GameName, options: FrameOptions = {}): Uint8Array {
  const { width, height, data } = rgbaFrame(obs, game, options);
  const png = new pngjs.PNG({ width, height });
  png.data.set(data);
  return pngjs.PNG.sync.write(png);
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, bytes, { flush: true });
  renameSync(temporary, path);
}

/** Writes frames as `<dir>/<prefix>-00000.png`, ... (the directory is created) and returns the paths. */
export function writePngFrames(
  frames: Uint8Array[],
  game: GameName,
  dir: string,
  options: FrameOptions & { prefix?: string } = {},
): string[] {
  const name = checkGameName(game);
  checkFrames(frames, name);
  if (typeof dir !== 'string' || dir === '') throw typeError('a directory path', 'dir', dir);
  mkdirSync(dir, { recursive: true });
  const prefix = options.prefix ?? 'frame';
  const digits = Math.max(5, String(frames.length - 1).length);
  return frames.map((frame, i) => {
    const path = join(dir, `${prefix}-${String(i).padStart(digits, '0')}.png`);
    writeAtomically(path, encodePng(frame, name, options));
    return path;
  });
}

/** An episode as animated GIF bytes. The palette is the game's own (at most 11 colours), so nothing is dithered. */
export function encodeGif(frames: Uint8Array[], game: GameName, options: GifOptions = {}): Uint8Array {
  const name = checkGameName(game);
  checkFrames(frames, name);
  const scale = checkScale(options.scale);
  const frameMs = options.frameMs ?? 100;
  if (typeof frameMs !== 'number' || !(frameMs >= 10 && frameMs <= 655350)) {
    throw rangeError('a number of milliseconds in [10, 655350]', 'options.frameMs', frameMs);
  }
  const loop = expectSafeInteger(options.loop ?? 0, 'options.loop');
  if (loop < 0 || loop > 65535) throw rangeError('an integer in [0, 65535]', 'options.loop', loop);
  const palette = gamePalette(name);
  const colours = palette.map(([r, g, b]) => (r << 16) | (g << 8) | b);
  // GIF palettes have a power-of-two size.
  while (colours.length & (colours.length - 1) || colours.length < 2) colours.push(0);
  const channels = palette.length - 1;
  const side = 10 * scale;
  const delay = Math.round(frameMs / 10);
  const indexed = frames.map((frame) => indexedPixels(frame, channels, scale));
  // omggif writes into a fixed buffer: start from a guess (flat colour blocks compress to far less than an eighth
  // of a byte per pixel) and retry with twice the room whenever the frames overflow it.
  for (let capacity = 1024 + frames.length * (side * side / 8 + 32); ; capacity *= 2) {
    const buffer = new Uint8Array(capacity);
    const writer = new omggif.GifWriter(buffer, side, side, { palette: colours, loop });
    let overflow = false;
    for (const pixels of indexed) {
      if (writer.addFrame(0, 0, side, side, pixels as unknown as number[], { delay }) > capacity - 16) {
        overflow = true;
        break;
      }
    }
    if (!overflow) return buffer.slice(0, writer.end());
  }
}

/** Writes an episode as an animated GIF at `path` and returns the path. */
export function writeGif(frames: Uint8Array[], game: GameName, path: string, options: GifOptions = {}): string {
  if (typeof path !== 'string' || path === '') throw typeError('a file path', 'path', path);
  writeAtomically(path, encodeGif(frames, game, options));
  return path;
}
