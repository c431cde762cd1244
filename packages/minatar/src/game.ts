// What every MinAtar game provides to the env wrapper (the reference's `Env` classes in minatar/environments/).
import type { Rng } from './rng.js';

/** The reference's action map, shared by all five games: ['n', 'l', 'u', 'r', 'd', 'f']. */
export const NOOP = 0;
export const LEFT = 1;
export const UP = 2;
export const RIGHT = 3;
export const DOWN = 4;
export const FIRE = 5;

export const ACTION_NAMES = ['noop', 'left', 'up', 'right', 'down', 'fire'] as const;

export interface Game {
  /** Number of observation channels C (the grid is 10×10×C). */
  readonly channels: number;
  /** The source of every random draw; the env swaps it when re-seeded. */
  rng: Rng;
  /** True once the episode has ended; act() then does nothing and returns 0. */
  readonly terminal: boolean;
  /** Starts an episode (Breakout and Freeway draw here). */
  reset(): void;
  /** Advances one frame under `action` (0..5, after sticky actions) and returns the reward. */
  act(action: number): number;
  /** Writes the state into `out`, zero-filled, 10·10·C entries in [y][x][channel] order (the reference's state()). */
  writeState(out: Uint8Array): void;
  /** The reference's difficulty_ramp(): the ramp level, or null for games without one. */
  difficultyRamp(): number | null;
}

/** Index of cell (y, x), channel c in a [y][x][channel] grid of `channels` channels. */
export function cellIndex(y: number, x: number, c: number, channels: number): number {
  return (y * 10 + x) * channels + c;
}
